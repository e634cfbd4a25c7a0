"""Pilot tests of the whole app: every key of the spec and each flow, checked on disk and on screen.

Each test runs the real app (``make_app``) over a fixture folder it writes to ``tmp_path``; the
state and journal directories are private per test (``conftest.py``). Writes happen in a worker
thread, so tests wait for their effect on disk (``wait_until``) rather than for a fixed time.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import webbrowser
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from newsreader import paths
from newsreader.articles.model import content_digest
from newsreader.articles.text import inert
from newsreader.config import Settings
from newsreader.samplegen import generate_corpus
from newsreader.tui.app import make_app
from newsreader.tui.screens.bad_files import BadFilesScreen
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.screens.help import HelpScreen, help_table
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.screens.sort import SortScreen
from newsreader.writing.flagwriter import edit_flag, temp_name
from newsreader.writing.journal import Change, Journal
from tests.apphelpers import (
    DATE_ORDER,
    EXTERNAL_PROVIDER,
    EXTERNAL_TITLE,
    TITLES,
    URLS,
    A,
    B,
    C,
    D,
    changed_lines,
    current,
    flag_lines,
    ids,
    ready,
    snapshot,
    wait_until,
    write_small_folder,
)
from tests.hostile import MARKUP_TITLE, write_hostile_corpus

SIZE = (120, 40)


def notifications(app: object) -> list[str]:
    """The texts of the notifications shown so far."""
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]


def screen_text(app: object) -> str:
    """What the terminal shows, as plain text lines."""
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join(strip.text for strip in strips)


def read(folder: Path, name: str) -> str:
    """An article file's text, newlines untranslated."""
    return (folder / name).read_bytes().decode("utf-8")


# --- moving ---------------------------------------------------------------------------------

MOVES = [
    ("j", 1),
    ("down", 2),
    ("k", 1),
    ("up", 0),
    ("G", 59),
    ("g", 0),
    ("end", 59),
    ("home", 0),
    ("pagedown", None),  # a page: somewhere past the first screenful
    ("pageup", 0),
]


async def test_cursor_keys(tmp_path: Path) -> None:
    """j/k, arrows, g/G, Home/End and PgUp/PgDn move the cursor; the detail pane follows."""
    generate_corpus(tmp_path, 60, 3)
    app = make_app(tmp_path, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert len(main.view) == 60
        for key, expected in MOVES:
            await pilot.press(key)
            cursor = main.articles.cursor
            if expected is None:
                assert cursor > 20, key
            else:
                assert cursor == expected, key
        await pilot.press("j")
        await pilot.pause()
        assert main.location is not None
        assert main.location.article_id == main.view[1].id
        assert main.detail.export_text().startswith(main.view[1].title)


async def test_tab_cycles_panes_and_r_jumps_to_related(folder: Path) -> None:
    """tab / shift+tab move focus between list, detail and related; r focuses related."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert app.focused is main.articles
        for expected in (main.detail, main.related, main.articles):
            await pilot.press("tab")
            assert app.focused is expected
        for expected in (main.related, main.detail, main.articles):
            await pilot.press("shift+tab")
            assert app.focused is expected
        await pilot.press("r")
        assert app.focused is main.related


async def test_q_quits(folder: Path) -> None:
    """q ends the app."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app._exit  # type: ignore[attr-defined]


# --- publishing -----------------------------------------------------------------------------


async def test_publish_changes_only_the_flag_line_and_advances(folder: Path) -> None:
    """p writes only the flag line of the current file and moves to the next article."""
    before = {name: read(folder, name) for name in DATE_ORDER}
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert current(main) == A
        await pilot.press("p")
        assert current(main) == B
        await wait_until(pilot, lambda: read(folder, A) != before[A])
        assert changed_lines(before[A], read(folder, A)) == [
            ("published: false", "published: true")
        ]
        assert all(read(folder, n) == before[n] for n in (B, C, D))
        article = main.index.get(A)
        assert article is not None and article.published
        assert main.articles.rows[0].published
        assert current(main) == B


async def test_publish_adds_the_key_when_missing(folder: Path) -> None:
    """Unpublishing an article without the key adds one line; the rest is unchanged."""
    before = read(folder, D)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("G", "p")
        await wait_until(pilot, lambda: read(folder, D) != before)
    after = read(folder, D)
    assert flag_lines(after) == ["published: false"]
    assert after.replace("published: false\n", "", 1) == before


async def test_advance_on_publish_off(folder: Path) -> None:
    """With advance_on_publish=False the cursor stays on the toggled article."""
    app = make_app(folder, Settings(advance_on_publish=False))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: "published: true" in read(folder, A))
        assert current(app.main) == A


async def test_two_quick_toggles_cancel_out(folder: Path) -> None:
    """p twice before the first write lands toggles twice: the second sees the first's flag."""
    original = read(folder, A)
    app = make_app(folder, Settings(advance_on_publish=False))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        app.main.action_toggle_published()
        app.main.action_toggle_published()  # same tick: the first write has not happened yet
        journal = paths.journal_file(folder.resolve())
        await wait_until(
            pilot, lambda: journal.exists() and journal.read_text().count('"op":"end"') == 2
        )
        assert read(folder, A) == original
        assert app.main.decisions == 2


async def test_keymap_override(folder: Path) -> None:
    """A keymap from the settings rebinds publish to t; p then does nothing."""
    before = read(folder, A)
    app = make_app(folder, Settings(keymap={"app.publish": "t"}))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p")
        await pilot.pause(0.2)
        assert current(app.main) == A
        assert read(folder, A) == before
        await pilot.press("t")
        await wait_until(pilot, lambda: "published: true" in read(folder, A))
        assert current(app.main) == B


async def test_bulk_publish_marked_with_confirmation(folder: Path) -> None:
    """space marks and moves down; p on marks asks, stating the count; y writes them all."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        await pilot.press("space", "j", "space")
        assert main.marks == {A, C}
        assert current(main) == D
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.query_one("#confirm-question", Static)
        assert "Publish 2 marked articles?" in str(question.render())
        assert "published: false" in read(folder, A)  # nothing written before the answer
        await pilot.press("y")
        await wait_until(pilot, lambda: all("published: true" in read(folder, n) for n in (A, C)))
        assert main.marks == set()
        assert flag_lines(read(folder, D)) == []
        assert current(main) == D


async def test_bulk_cancel_writes_nothing(folder: Path) -> None:
    """n in the confirmation cancels: no file changes, the marks stay."""
    before = snapshot(folder)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("space", "p", "n")
        await pilot.pause(0.2)
        assert app.main.marks == {A}
    assert snapshot(folder) == before


async def test_undo_redo_and_undo_after_restart(folder: Path) -> None:
    """u and ctrl+r restore each state on disk; a new app instance undoes the previous change."""
    original = read(folder, A)
    published = original.replace("published: false", "published: true")
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: read(folder, A) == published)
        await pilot.press("u")
        await wait_until(pilot, lambda: read(folder, A) == original)
        assert not app.main.articles.rows[0].published
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: read(folder, A) == published)
    restarted = make_app(folder, Settings())
    async with restarted.run_test(size=SIZE) as pilot:
        await ready(restarted, pilot)
        await pilot.press("u")
        await wait_until(pilot, lambda: read(folder, A) == original)
        article = restarted.main.index.get(A)
        assert article is not None and not article.published
        await pilot.press("u")
        await pilot.pause(0.2)
        assert any("Nothing to undo" in n for n in notifications(restarted))
        assert read(folder, A) == original


async def test_conflict_on_write_keeps_external_edit_and_cursor(folder: Path) -> None:
    """A file changed on disk since indexing is not written: notice, reload, cursor stays."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        edited = read(folder, A).replace(TITLES[A], "Alpha edited elsewhere")
        (folder / A).write_text(edited, encoding="utf-8")
        await pilot.press("p")
        await wait_until(pilot, lambda: any(A in n for n in notifications(app)))
        assert read(folder, A) == edited
        assert current(app.main) == A
        article = app.main.index.get(A)
        assert article is not None and article.title == "Alpha edited elsewhere"
        assert not article.published
        assert "Alpha edited elsewhere" in app.main.detail.export_text()


async def test_vanished_file_on_write(folder: Path) -> None:
    """A file deleted since indexing: p notifies, the row goes, nothing is created."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        (folder / A).unlink()
        await pilot.press("p")
        await wait_until(pilot, lambda: A not in ids(app.main))
        assert any(A in n for n in notifications(app))
        assert ids(app.main) == [B, C, D]
        assert current(app.main) == B
    assert sorted(p.name for p in folder.iterdir()) == [B, C, D]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="needs a user that permissions bind"
)
async def test_permission_error_on_write(folder: Path) -> None:
    """A folder that cannot be written: a notice, the file as it was, the cursor back on it."""
    before = read(folder, A)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        folder.chmod(0o555)
        try:
            await pilot.press("p")
            await wait_until(pilot, lambda: any("permission" in n for n in notifications(app)))
        finally:
            folder.chmod(0o755)
        assert current(app.main) == A
    assert read(folder, A) == before


async def test_notification_shows_file_name_literally(tmp_path: Path) -> None:
    """A file name that looks like markup is shown as it is in a notification."""
    folder = tmp_path / "odd"
    write_small_folder(folder)
    name = "[bold]odd [reverse]name.md"
    (folder / A).rename(folder / name)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(app, pilot)
        assert current(app.main) == name
        (folder / name).unlink()
        await pilot.press("p")
        await wait_until(pilot, lambda: any(name in n for n in notifications(app)))
        await pilot.pause(0.1)
        assert isinstance(app.screen, MainScreen)
        assert name in screen_text(app)


async def test_undo_waits_for_the_index(folder: Path) -> None:
    """u while the folder is still being indexed only says so: the journal step is kept."""
    app = make_app(folder, Settings(advance_on_publish=False))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: "published: true" in read(folder, A))
        app.main.indexing = True  # as while a restart is still reading the folder
        await pilot.press("u")
        await pilot.pause(0.2)
        assert "published: true" in read(folder, A)
        assert any("Still reading" in n for n in notifications(app))
        app.main.indexing = False
        await pilot.press("u")
        await wait_until(pilot, lambda: "published: false" in read(folder, A))


async def test_unreadable_journal_does_not_stop_the_app(folder: Path) -> None:
    """A journal that cannot be read: a notice, and publish and undo still work this session."""
    paths.journal_file(folder.resolve()).mkdir(parents=True)  # a folder where the file should be
    app = make_app(folder, Settings(advance_on_publish=False))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert any("Undo works for this session only" in n for n in notifications(app))
        await pilot.press("p")
        await wait_until(pilot, lambda: "published: true" in read(folder, A))
        await pilot.press("u")
        await wait_until(pilot, lambda: "published: false" in read(folder, A))


async def test_journal_write_failure_is_reported_and_writer_lives_on(folder: Path) -> None:
    """If the journal cannot be appended to, the user is told, and later keys still work."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        journal = paths.journal_file(folder.resolve())
        journal.mkdir(parents=True)
        before = read(folder, A)
        await pilot.press("p")
        await wait_until(pilot, lambda: any("Could not change" in n for n in notifications(app)))
        # The journal is written ahead: when it cannot be, no file changes.
        assert read(folder, A) == before
        assert current(app.main) == A
        journal.rmdir()
        await pilot.press("j", "p")  # on B: the writer still takes jobs
        await wait_until(pilot, lambda: "published: false" in read(folder, B))


async def test_start_recovers_a_batch_a_killed_process_left_open(folder: Path) -> None:
    """A batch begun and never ended (its process was killed) is closed on start; u undoes it."""
    original = (folder / A).read_bytes()
    published = edit_flag(original, True)
    tmp = temp_name()
    journal = Journal(paths.journal_file(folder.resolve()))
    with journal.locked():
        number = journal.begin("publish")
        digests = content_digest(original).hex(), content_digest(published).hex()
        journal.intend(number, [Change(A, False, True, ("false", "true"), *digests, tmp)])
    (folder / A).write_bytes(published)  # written, then killed before the journal's end
    (folder / tmp).write_bytes(b"half")  # and the next file's temporary copy left behind
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await wait_until(pilot, lambda: any("interrupted" in n for n in notifications(app)))
        assert not (folder / tmp).exists()
        await pilot.press("u")
        await wait_until(pilot, lambda: (folder / A).read_bytes() == original)


async def test_config_notices_and_bad_theme(folder: Path) -> None:
    """Config problems show as notices; an unknown theme falls back to the default."""
    app = make_app(folder, Settings(theme="no-such-theme"), ["config: broken line 3"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        shown = notifications(app)
        assert "config: broken line 3" in shown
        assert any("no-such-theme" in n for n in shown)
        assert app.theme == "textual-dark"
        assert ids(app.main) == DATE_ORDER


# --- filter and sort ------------------------------------------------------------------------


async def test_filter_as_you_type_error_and_escape(folder: Path) -> None:
    """/ focuses the filter; rows follow each key; a bad query keeps the rows; escape clears."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        field = main.query_one("#query", Input)
        error = main.query_one("#query-error", Static)
        await pilot.press("slash")
        assert app.focused is field
        await pilot.press(*"brav")
        assert ids(main) == [B]
        await pilot.press("space", "quotation_mark")
        assert field.value == 'brav "'
        assert ids(main) == [B]
        assert error.display and "unclosed quote" in str(error.render())
        await pilot.press("escape")
        assert field.value == ""
        assert ids(main) == DATE_ORDER
        assert not error.display
        assert app.focused is main.articles
        field.value = "date>[/]"  # the error quotes it: it must show literally, not as markup
        await pilot.pause()
        assert "'date>[/]': expected a date" in str(error.render())
        assert ids(main) == DATE_ORDER


async def test_filter_that_keeps_the_article_leaves_the_detail_pane_alone(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cursor's article still shown after a keystroke: not parsed again, not scrolled."""
    import newsreader.tui.screens.main as main_module

    parsed: list[str] = []
    load_detail = main_module.load_detail

    def counting(root: Path, article_id: str) -> object:
        parsed.append(article_id)
        return load_detail(root, article_id)

    monkeypatch.setattr(main_module, "load_detail", counting)
    app = make_app(folder, Settings())
    async with app.run_test(size=(100, 12)) as pilot:  # short: the detail pane scrolls
        await ready(app, pilot)
        main = app.main
        detail = main.detail
        assert parsed[-1] == A
        detail.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert detail.scroll_y > 0
        parsed.clear()
        main.set_query("story")  # every article matches: the cursor stays on A
        await wait_until(pilot, lambda: main.filter_query.text == "story")
        await pilot.pause()
        assert ids(main) == DATE_ORDER and parsed == [] and detail.scroll_y > 0
        main.set_query("bravo")  # A is filtered out: the cursor moves to B, shown from its top
        await wait_until(pilot, lambda: parsed == [B])
        await pilot.pause()
        assert detail.scroll_y == 0


async def test_keys_typed_ahead_after_slash_go_to_the_filter(folder: Path) -> None:
    """Keys already queued behind / (a busy app, a fast typist) are typed into the filter: none
    of them acts on the list (s would open the sort, p flip the published flag)."""
    from textual import events

    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        before = snapshot(folder)
        driver = app._driver
        assert driver is not None
        for key, char in [("slash", "/"), *((c, c) for c in "sp"), ("enter", "\r")]:
            event = events.Key(key, char)
            event.set_sender(app)
            driver.send_message(event)  # all queued before the first is handled
        await wait_until(pilot, lambda: app.main.filter_query.text == "sp")
        await pilot.pause()
        assert app.screen is app.main and app.focused is app.main.articles
        assert snapshot(folder) == before


async def test_filter_enter_keeps_query_and_returns_to_list(folder: Path) -> None:
    """enter keeps the filter and puts the focus back on the list."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        await pilot.press("slash", *"char", "enter")
        assert app.focused is main.articles
        assert ids(main) == [C]
        assert main.filter_query.text == "char"
        await pilot.press("escape")  # on the list, escape clears marks, not the filter
        assert ids(main) == [C]


SORTS = [
    ("t", "title", [A, B, C, D]),
    ("q", "quality", [D, B, A, C]),
    ("i", "id", [A, B, C, D]),
    ("d", "date", DATE_ORDER),
]


async def test_sort_by_letter(folder: Path) -> None:
    """s opens the sort chooser; a key's letter sorts the list by it, keeping the cursor."""
    app = make_app(folder, Settings(default_sort="heat"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        start = current(app.main)
        for letter, key, order in SORTS:
            await pilot.press("s")
            assert isinstance(app.screen, SortScreen)
            await pilot.press(letter)
            assert app.main.sort_key == key
            assert ids(app.main) == order, key
            assert current(app.main) == start


# --- related and history --------------------------------------------------------------------


async def test_related_open_back_forward(folder: Path) -> None:
    """enter on an in-folder related entry opens it (list follows); backspace and ] move."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert main.related.highlighted is not None
        await pilot.press("r", "enter")
        await pilot.pause()
        assert current(main) == B
        assert main.detail.export_text().startswith(TITLES[B])
        await pilot.press("backspace")
        await pilot.pause()
        assert current(main) == A
        assert main.detail.export_text().startswith(TITLES[A])
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert current(main) == B
        assert main.detail.export_text().startswith(TITLES[B])


async def test_external_related_entry_shows_its_fields(folder: Path) -> None:
    """enter on an external related entry shows that entry's own fields; back returns."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        await pilot.press("r", "j", "enter")
        await pilot.pause()
        text = main.detail.export_text()
        assert "not in this folder" in text
        assert EXTERNAL_TITLE in text and EXTERNAL_PROVIDER in text
        assert "https://elsewhere.example/outside" in text
        assert current(main) == A
        await pilot.press("backspace")
        await pilot.pause()
        assert main.detail.export_text().startswith(TITLES[A])


# --- other keys -----------------------------------------------------------------------------


async def test_open_url_only_http(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """o opens http(s) URLs in the browser and refuses any other scheme."""
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("o")
        await wait_until(pilot, lambda: bool(opened))
        assert opened == [URLS[A]]
        await pilot.press("j", "j", "o")
        await pilot.pause(0.2)
        assert current(app.main) == C
        assert opened == [URLS[A]]
        assert "Not opened: the URL is not http or https (file:)" in notifications(app)


async def test_copy_url(folder: Path) -> None:
    """y copies the current article's URL."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("j", "y")
        assert app.clipboard == URLS[B]


async def test_help_lists_keys(folder: Path) -> None:
    """? opens the help, which lists the keys as bound (with the user's keymap)."""
    app = make_app(folder, Settings(keymap={"app.undo": "U"}))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(file=io.StringIO(), width=100, record=True)
        console.print(help_table(list(app.help_keys())))
        text = console.export_text()
        for key, words in [
            ("p", "Publish"),
            ("U", "Undo"),
            ("ctrl+r", "Redo"),
            ("/", "Filter"),
            ("!", "Problems"),
            ("space", "Mark"),
            ("tab", "Next pane"),
            ("ctrl+p", "Commands"),
            ("shift+tab", "Previous pane"),
        ]:
            assert any(key in line and words in line for line in text.splitlines()), key
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_palette_commands(folder: Path) -> None:
    """The palette offers every action, bulk triage and saved views; they work."""
    app = make_app(folder, Settings(saved_views={"To review": "is:unpublished"}))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        commands = {c.title: c for c in app.get_system_commands(main)}
        for title in (
            "Publish all in view",
            "Unpublish all in view",
            "Mark all in view",
            "Undo",
            "Redo",
            "Sort…",
            "Problems",
            "View: To review",
        ):
            assert title in commands, title
        commands["View: To review"].callback()
        await pilot.pause()
        assert ids(main) == [A, C]
        assert main.query_one("#query", Input).value == "is:unpublished"
        commands["Mark all in view"].callback()
        assert main.marks == {A, C}
        commands["Publish all in view"].callback()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.query_one("#confirm-question", Static)
        assert "Publish 2 shown articles?" in str(question.render())
        await pilot.press("n", "ctrl+p")
        assert type(app.screen).__name__ == "CommandPalette"


# --- hostile folders ------------------------------------------------------------------------


async def test_bad_files_view_and_jump_to_warning(tmp_path: Path) -> None:
    """! lists bad files and warnings; enter on a warning jumps to that article."""
    folder = tmp_path / "hostile"
    expected = write_hostile_corpus(folder)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        bad = {b.id for b in main.index.bad}
        assert bad == {k for k, v in expected.items() if v is not None}
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, BadFilesScreen)
        await pilot.press("enter")  # on the first bad file: cannot be opened
        assert isinstance(app.screen, BadFilesScreen)
        rows = app.screen.query_one("#bad-files-list")
        target = next(
            i for i, target in enumerate(app.screen._targets) if target == "string-false.md"
        )
        rows.highlighted = target  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert current(main) == "string-false.md"


async def test_hostile_text_is_inert(tmp_path: Path) -> None:
    """Titles with escapes and markup show literally, with control characters made visible."""
    folder = tmp_path / "hostile"
    write_hostile_corpus(folder)
    app = make_app(folder, Settings(default_sort="id"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert main.articles.move_to("markup-title.md")
        await pilot.pause()
        y = main.articles.cursor + 1 - main.articles.scroll_offset.y
        row = main.articles.render_line(y).text
        assert "[bold red]x[/]" in row
        assert "\x1b" not in row and "\x07" not in row
        detail = main.detail.export_text()
        assert main.index.get("markup-title.md").title == MARKUP_TITLE  # type: ignore[union-attr]
        assert inert(MARKUP_TITLE) in detail
        assert "[bold red]x[/] ␛[2J ring ␇ [link=https://evil.example]y[/link]" in detail
        assert "\x1b" not in detail and "\x07" not in detail
        shown = screen_text(app)
        assert "[bold red]x[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown


# --- sessions -------------------------------------------------------------------------------


async def test_session_restored_after_restart(folder: Path) -> None:
    """Cursor, query and sort are saved per folder and restored by a new app instance."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        app.main.set_query("story")
        await pilot.press("s", "t", "j", "j")
        assert current(app.main) == C
    restarted = make_app(folder, Settings())
    async with restarted.run_test(size=SIZE) as pilot:
        await ready(restarted, pilot)
        main = restarted.main
        assert main.sort_key == "title"
        assert main.filter_query.text == "story"
        assert main.query_one("#query", Input).value == "story"
        assert current(main) == C
        assert main.detail.export_text().startswith(TITLES[C])


async def test_session_off(folder: Path) -> None:
    """restore_session=False starts at the top with no query."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("j", "j")
    restarted = make_app(folder, Settings(restore_session=False))
    async with restarted.run_test(size=SIZE) as pilot:
        await ready(restarted, pilot)
        assert current(restarted.main) == A


# --- folders and layout ---------------------------------------------------------------------


def test_cli_missing_folder(tmp_path: Path) -> None:
    """The CLI on a missing folder exits with one clear line, no traceback, no app."""
    missing = tmp_path / "nope"
    result = subprocess.run(
        [sys.executable, "-m", "newsreader", str(missing)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "no such folder" in result.stderr
    assert "Traceback" not in result.stderr


async def test_empty_folder_message(tmp_path: Path) -> None:
    """An empty folder shows a message in the list and the detail pane, and keys are safe."""
    folder = tmp_path / "empty"
    folder.mkdir()
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert main.view == []
        text = "\n".join(main.articles.render_line(y).text for y in range(30))
        assert "No article files (.md .markdown .txt) in" in text
        assert "No article selected" in main.detail.export_text()
        await pilot.press("p", "space", "o", "y", "j", "r", "enter", "backspace", "u")
        await pilot.pause(0.2)
        assert isinstance(app.screen, MainScreen)
    assert list(folder.iterdir()) == []


async def test_missing_folder_message(tmp_path: Path) -> None:
    """The app itself, given a folder that does not exist, says so instead of failing."""
    app = make_app(tmp_path / "gone", Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        text = "\n".join(app.main.articles.render_line(y).text for y in range(30))
        assert "Folder not found" in text
    assert not (tmp_path / "gone").exists()


async def test_narrow_layout(folder: Path) -> None:
    """At 80x24 the panes stack (-narrow) and still render; widening puts them side by side."""
    app = make_app(folder, Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        assert main.has_class("-narrow")
        assert main.articles.region.bottom <= main.detail.region.y
        assert main.detail.region.bottom <= main.related.region.y
        assert main.articles.region.width >= 78
        assert TITLES[A] in main.articles.render_line(1).text
        assert main.detail.region.height >= 3 and main.related.region.height >= 3
        shown = screen_text(app)
        assert TITLES[A] in shown and "4/4 shown" in shown
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not main.has_class("-narrow")
        assert main.articles.region.right <= main.detail.region.x


async def test_viewing_changes_nothing_on_disk(tmp_path: Path) -> None:
    """Moving, opening related entries, filtering, sorting and help leave the folder as it was."""
    folder = write_small_folder(tmp_path / "news")
    write_hostile_corpus(folder / "hostile")
    before = snapshot(folder)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("G", "g", "r", "enter", "backspace", "tab", "slash", "b", "enter")
        await pilot.press("s", "t", "question_mark", "escape", "exclamation_mark", "escape")
        await pilot.press("space", "escape")
        assert app.main.marks == set()
    assert snapshot(folder) == before
