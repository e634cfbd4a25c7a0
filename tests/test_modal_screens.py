"""Tests for the modal screens: help, bad files, confirm and sort.

Each screen is pushed on a tiny host app at 80x24 with a callback recording the dismiss value;
the screen's text is read from the composited screen lines, exactly as the terminal gets them.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

from newsreader.articles.index import SORT_KEYS
from newsreader.articles.model import BadFile
from newsreader.tui.screens.bad_files import (
    CANNOT_OPEN,
    EMPTY,
    BadFilesScreen,
    build_rows,
)
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.screens.help import HINT, TITLE, HelpKey, HelpScreen, group_keys, help_table
from newsreader.tui.screens.sort import SortScreen, direction, shortcuts

SIZE = (80, 24)
HOSTILE = "[bold]x[/] \x1b[2J\x07"


class Host(App[None]):
    """An empty app that pushes one modal screen and records what it is dismissed with."""

    def __init__(self, modal: Screen[Any]) -> None:
        super().__init__()
        self.modal = modal
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.results.append)


def screen_lines(app: App[Any]) -> list[str]:
    """The text of every line of the current screen, as composited for the terminal."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[Any]) -> str:
    return "\n".join(screen_lines(app))


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press the keys, then let the dismiss callback run."""
    await pilot.press(*keys)
    await pilot.pause()


# ---------------------------------------------------------------- help

HELP_KEYS = [
    HelpKey("j / down", "next article", "Move"),
    HelpKey("k / up", "previous article", "Move"),
    HelpKey("enter", "open the detail pane", "Read"),
    HelpKey("space", "toggle published", "Triage"),
    HelpKey("[", "narrow the [list] pane", "View"),
    HelpKey("g", "go to the first article", "Move"),
    HelpKey("?", "this help", "App"),
]


def render_table(keys: list[HelpKey], width: int = 72) -> list[str]:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(help_table(keys))
    return console.export_text().splitlines()


def test_group_keys_keeps_first_appearance_order() -> None:
    groups = group_keys(HELP_KEYS)
    assert [name for name, _ in groups] == ["Move", "Read", "Triage", "View", "App"]
    assert [k.keys for k in groups[0][1]] == ["j / down", "k / up", "g"]


def test_help_table_lists_every_key_aligned_under_its_group() -> None:
    lines = render_table(HELP_KEYS)
    text = "\n".join(lines)
    for key in HELP_KEYS:
        row = next(line for line in lines if line.lstrip().startswith(key.keys))
        assert key.description in row
    for group in ("Move", "Read", "Triage", "View", "App"):
        assert group in text
    # Aligned: every description starts in the same column.
    starts = {
        next(ln for ln in lines if k.description in ln).index(k.description) for k in HELP_KEYS
    }
    assert len(starts) == 1
    # Grouped: "g" is listed under Move, before the Read heading.
    assert text.index("go to the first article") < text.index("Read")


async def test_help_screen_shows_title_keys_and_hint() -> None:
    app = Host(HelpScreen(HELP_KEYS))
    async with app.run_test(size=SIZE):
        text = screen_text(app)
        assert TITLE in text
        assert HINT in text
        for key in HELP_KEYS:
            assert key.description in text
        assert "narrow the [list] pane" in text  # brackets are not markup


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_help_screen_closes(key: str) -> None:
    app = Host(HelpScreen(HELP_KEYS))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, key)
        assert app.results == [None]
        assert not isinstance(app.screen, HelpScreen)


async def test_help_screen_scrolls_a_long_list() -> None:
    keys = [HelpKey(f"key{i}", f"does thing {i}", f"Group {i // 6}") for i in range(40)]
    app = Host(HelpScreen(keys))
    async with app.run_test(size=SIZE) as pilot:
        assert "does thing 0" in screen_text(app)
        assert "does thing 39" not in screen_text(app)
        await press(pilot, "end")
        assert "does thing 39" in screen_text(app)
        assert HINT in screen_text(app)  # the hint stays on screen while the body scrolls
        assert app.results == []


async def test_help_screen_without_keys() -> None:
    app = Host(HelpScreen([]))
    async with app.run_test(size=SIZE):
        assert "No keys are bound." in screen_text(app)


# ---------------------------------------------------------------- bad files

BAD = [
    BadFile("broken.md", "no front matter"),
    BadFile(HOSTILE, "[red]bad[/red] \x1b]52;c;aGk=\x07", line=3),
]
WARNINGS = [
    ("2021-01-01-a.md", "excerpt is not a string"),
    ("2021-01-02-b.md", "[link=file:///etc]date[/link] \x1b[31m unparsed"),
]


def test_build_rows_targets_only_warning_rows() -> None:
    options, targets = build_rows(BAD, WARNINGS)
    assert len(options) == len(targets)
    assert [t for t in targets if t is not None] == ["2021-01-01-a.md", "2021-01-02-b.md"]
    for option, target in zip(options, targets, strict=True):
        if option.disabled:
            assert target is None  # headings can't be chosen


def test_misread_articles_are_problem_files_that_open() -> None:
    misread = [("2021-01-03-c.md", "Jekyll cannot read the front matter: Symbol")]
    options, targets = build_rows(BAD[:1], [], misread)
    assert "Problem files (2)" in str(options[0].prompt)
    assert targets == [None, None, "2021-01-03-c.md", None, None]
    assert "Symbol" in str(options[2].prompt)


@pytest.mark.parametrize(
    ("bad", "warnings", "expected"),
    [
        ([], [], [EMPTY]),
        (BAD[:1], [], ["Problem files (1)", "Warnings (0)", "none"]),
        ([], WARNINGS[:1], ["Problem files (0)", "Warnings (1)", "excerpt is not a string"]),
    ],
    ids=["empty", "only-bad", "only-warnings"],
)
async def test_bad_files_sections(
    bad: list[BadFile], warnings: list[tuple[str, str]], expected: list[str]
) -> None:
    app = Host(BadFilesScreen(bad, warnings))
    async with app.run_test(size=SIZE):
        text = screen_text(app)
        for fragment in expected:
            assert fragment in text


async def test_bad_files_shows_hostile_text_literally() -> None:
    app = Host(BadFilesScreen(BAD, WARNINGS))
    async with app.run_test(size=SIZE):
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "Problem files (2)" in text
        assert "Warnings (2)" in text
        assert "[bold]x[/]" in text
        assert "[red]bad[/red]" in text
        assert "line 3:" in text
        assert "[link=file:///etc]date[/link]" in text
        assert "␛" in text  # the escapes are shown as control pictures
        for line in lines:
            assert "\x1b" not in line
            assert "\x07" not in line


CHOOSE_CASES = [
    ("first-warning", ["j", "j", "enter"], "2021-01-01-a.md"),
    ("second-warning", ["end", "enter"], "2021-01-02-b.md"),
    ("back-up", ["end", "k", "enter"], "2021-01-01-a.md"),
]


@pytest.mark.parametrize(
    ("name", "keys", "expected"), CHOOSE_CASES, ids=[c[0] for c in CHOOSE_CASES]
)
async def test_bad_files_enter_on_warning_returns_its_id(
    name: str, keys: list[str], expected: str
) -> None:
    app = Host(BadFilesScreen(BAD, WARNINGS))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *keys)
        assert app.results == [expected]


async def test_bad_files_enter_on_bad_file_only_notifies() -> None:
    app = Host(BadFilesScreen(BAD, WARNINGS))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")  # the first row is the first bad file
        assert app.results == []
        assert isinstance(app.screen, BadFilesScreen)
        assert [n.message for n in app._notifications] == [CANNOT_OPEN]


@pytest.mark.parametrize("key", ["escape", "exclamation_mark", "q"])
async def test_bad_files_closes_with_none(key: str) -> None:
    app = Host(BadFilesScreen(BAD, WARNINGS))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, key)
        assert app.results == [None]


# ---------------------------------------------------------------- confirm

CONFIRM_CASES = [
    ("y", ["y"], True),
    ("enter-cancels", ["enter"], False),
    ("enter-twice-cancels", ["enter", "enter"], False),
    ("n", ["n"], False),
    ("escape", ["escape"], False),
    ("tab-to-yes", ["tab", "enter"], True),
    ("left-to-yes", ["left", "enter"], True),
]


@pytest.mark.parametrize(
    ("name", "keys", "expected"), CONFIRM_CASES, ids=[c[0] for c in CONFIRM_CASES]
)
async def test_confirm_answers(name: str, keys: list[str], expected: bool) -> None:
    app = Host(ConfirmScreen("Publish 12 marked articles?"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *keys)
        assert app.results == [expected]


async def test_confirm_shows_question_detail_and_labels_literally() -> None:
    screen = ConfirmScreen(f"Delete {HOSTILE}?", detail="12 files [dim]x[/]", yes="Go", no="Stop")
    app = Host(screen)
    async with app.run_test(size=SIZE):
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "Delete [bold]x[/]" in text
        assert "12 files [dim]x[/]" in text
        assert "Go" in text
        assert "Stop" in text
        assert all("\x1b" not in line for line in lines)


# ---------------------------------------------------------------- sort

KEYS = list(SORT_KEYS)

SORT_CASES = [
    *[(f"letter-{k[0]}", [k[0]], (k, False)) for k in KEYS],
    ("enter-keeps-current", ["enter"], ("quality", False)),
    ("j-enter-next", ["j", "enter"], ("heat", False)),
    ("k-enter-previous", ["k", "enter"], ("date", False)),
    ("r-then-letter", ["r", "t"], ("title", True)),
    ("r-twice-enter", ["r", "r", "enter"], ("quality", False)),
    ("escape", ["escape"], None),
    ("r-then-escape", ["r", "escape"], None),
]


@pytest.mark.parametrize(("name", "keys", "expected"), SORT_CASES, ids=[c[0] for c in SORT_CASES])
async def test_sort_choices(name: str, keys: list[str], expected: tuple[str, bool] | None) -> None:
    app = Host(SortScreen(KEYS, "quality", reverse=False))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *keys)
        assert app.results == [expected]


async def test_sort_starts_reversed_when_asked() -> None:
    app = Host(SortScreen(KEYS, "date", reverse=True))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")
        assert app.results == [("date", True)]


async def test_sort_shows_current_and_order() -> None:
    app = Host(SortScreen(KEYS, "heat", reverse=False))
    async with app.run_test(size=SIZE) as pilot:
        lines = screen_lines(app)
        current = [line for line in lines if "●" in line]
        assert len(current) == 1
        assert "heat" in current[0]
        assert "hottest first" in current[0]
        assert "Order: natural" in screen_text(app)
        assert "press r to toggle reversed order" in screen_text(app)
        await press(pilot, "r")
        text = screen_text(app)
        assert "Order: reversed" in text
        assert "coolest first" in text
        assert "oldest first" in text
        assert app.results == []


SHORTCUT_CASES = [
    (
        "sort-keys",
        KEYS,
        {"d": "date", "q": "quality", "h": "heat", "t": "title", "p": "provider", "i": "id"},
    ),
    ("reserved-letters-skipped", ["rank", "junk", "kind", "alpha"], {"a": "alpha"}),
    ("first-wins", ["topic", "title"], {"t": "topic"}),
    ("empty-key", ["", "x"], {"x": "x"}),
]


@pytest.mark.parametrize(
    ("name", "keys", "expected"), SHORTCUT_CASES, ids=[c[0] for c in SHORTCUT_CASES]
)
def test_shortcuts(name: str, keys: list[str], expected: dict[str, str]) -> None:
    assert shortcuts(keys) == expected


def test_direction_words_follow_natural_order() -> None:
    assert direction("date", False) == "newest first"
    assert direction("date", True) == "oldest first"
    assert direction("title", True) == "Z to A"
    assert direction("unknown", False) == "natural order"
