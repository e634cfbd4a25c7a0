"""Pilot tests of the settings an editor lives with: keymap checks, binding ids in the help,
the remembered theme, the footer at 80 columns, and saving the filter as a view."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from newsreader import paths
from newsreader.config import Settings
from newsreader.tui.app import make_app
from newsreader.tui.keymap import binding_ids, check_keymap, is_key
from newsreader.tui.screens.help import HelpScreen, help_table
from newsreader.tui.screens.save_view import SaveViewScreen
from tests.apphelpers import ready, wait_until


def notifications(app: object) -> list[str]:
    """The texts of the notifications shown so far."""
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]


KEYS = [
    ("p", True),
    ("P", True),
    ("ctrl+s", True),
    ("shift+tab", True),
    ("f12", True),
    ("pagedown", True),
    ("question_mark", True),
    ("right_square_bracket", True),
    ("alt+ctrl+x", True),
    ("notakey!!", False),
    ("ctlr+s", False),
    ("", False),
    ("ctrl+", False),
    ("pgdn", False),
]


@pytest.mark.parametrize(("key", "valid"), KEYS)
def test_is_key(key: str, valid: bool) -> None:
    assert is_key(key) is valid


def test_check_keymap_keeps_what_works() -> None:
    import newsreader.tui.app  # noqa: F401 (loads every screen, so every id is known)

    known = binding_ids()
    good, notices = check_keymap(
        {"app.publish": "notakey!!", "app.nope": "x", "app.undo": "U, zz"}, known
    )
    assert good == {"app.undo": "U"}
    assert notices == [
        "keymap: 'app.publish': not a key: 'notakey!!'; app.publish keeps its default keys",
        "keymap: unknown binding id 'app.nope' ignored (? lists the ids)",
        "keymap: 'app.undo': not a key: 'zz'; app.undo keeps U",
    ]


async def test_a_bad_keymap_is_a_notice_and_publish_keeps_its_key(folder: Path) -> None:
    app = make_app(folder, Settings(keymap={"app.publish": "notakey!!", "app.nope": "x"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        shown = notifications(app)
        assert any("not a key: 'notakey!!'" in n for n in shown)
        assert any("unknown binding id 'app.nope'" in n for n in shown)
        keys = {k.id: k.keys for k in app.help_keys()}
        assert keys["app.publish"] == "p"


async def test_help_shows_binding_ids(folder: Path) -> None:
    app = make_app(folder, Settings(keymap={"app.undo": "U"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(file=io.StringIO(), width=100, record=True)
        console.print(help_table(list(app.help_keys())))
        lines = console.export_text().splitlines()
        for key, words, binding_id in [
            ("U", "Undo", "app.undo"),
            ("p", "Publish", "app.publish"),
            ("ctrl+s", "Save the filter", "app.save_view"),
        ]:
            assert any(key in ln and words in ln and binding_id in ln for ln in lines), key


def test_readme_lists_every_binding_id() -> None:
    import newsreader.tui.app  # noqa: F401

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [i for i in binding_ids() if f"`{i}`" not in readme]
    assert missing == []


async def test_the_theme_chosen_is_remembered(folder: Path) -> None:
    app = make_app(folder, Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.theme = "nord"  # as the palette's theme picker does
        await wait_until(pilot, paths.ui_state_file().exists)
    again = make_app(folder, Settings())
    async with again.run_test(size=(120, 40)) as pilot:
        await ready(again, pilot)
        assert again.theme == "nord"
    # A theme set in the config since then wins: it was changed on purpose.
    edited = make_app(folder, Settings(theme="gruvbox"))
    async with edited.run_test(size=(120, 40)) as pilot:
        await ready(edited, pilot)
        assert edited.theme == "gruvbox"


async def test_the_footer_keeps_help_and_quit_at_80_columns(folder: Path) -> None:
    app = make_app(folder, Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        keys = list(app.screen.query(FooterKey))
        assert [k.action for k in keys[:2]] == ["help", "quit"]
        for key in keys[:2]:
            assert key.region.right <= 80 and key.region.width > 0


async def test_save_the_filter_as_a_view(folder: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"  # kept\n')
    app = make_app(folder, Settings(), config_path=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+s")  # an empty filter: nothing to save
        assert not isinstance(app.screen, SaveViewScreen)
        assert "Nothing to save: the filter is empty" in notifications(app)
        app.main.set_query("is:unpublished")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SaveViewScreen)
        app.screen.query_one(Input).value = "To review"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "To review" in app.settings.saved_views)
        text = config.read_text()
        assert text.startswith('theme = "nord"  # kept\n')
        assert tomllib.loads(text)["views"] == {"To review": "is:unpublished"}
        assert any("Saved the view 'To review'" in n for n in notifications(app))
