"""A large folder's filter shows its first screen of rows first, then completes the view.

The folder here is small; ``ASYNC_THRESHOLD`` is lowered so that the screen treats it as large.
The worker that completes a view is held: each test decides when (and whether) it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from newsreader.articles import query as query_module
from newsreader.articles.index import sort_articles
from newsreader.articles.model import Article
from newsreader.articles.query import parse_query
from newsreader.config import Settings
from newsreader.samplegen import generate_corpus
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.messages import ViewReady
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.widgets.status_bar import StatusBar
from tests.apphelpers import ready, wait_until

#: Matches most sample titles: many more rows than one screen.
COMMON = "e"

Held = list[tuple[int, str | None, list[Article]]]


def status(screen: MainScreen) -> str:
    return str(screen.query_one(StatusBar).render())


def whole(screen: MainScreen, text: str) -> list[Article]:
    """What a full evaluation gives: the query over the folder in the screen's sort."""
    rows = sort_articles(screen.index.articles, screen.sort_key, screen.sort_reverse)
    return parse_query(text).filter(rows)


def hold(screen: MainScreen, monkeypatch: pytest.MonkeyPatch) -> tuple[Held, Callable[[], None]]:
    """Keep the view worker's requests; ``release()`` runs the oldest as the worker would."""
    held: Held = []

    def keep(generation: int, keep: str | None, extra: list[Article]) -> None:
        held.append((generation, keep, extra))

    monkeypatch.setattr(screen, "_compute_view_in_worker", keep)

    def release() -> None:
        generation, kept, extra = held.pop(0)
        version = screen.index.version
        screen.post_message(ViewReady(generation, screen.compute_view(extra), kept, version))

    return held, release


async def _app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> NewsreaderApp:
    monkeypatch.setattr(MainScreen, "ASYNC_THRESHOLD", 0)
    generate_corpus(tmp_path, 300, 4)
    return make_app(tmp_path, Settings(restore_session=False, watch=False))


async def test_typing_shows_the_first_screen_then_the_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = await _app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        held, release = hold(main, monkeypatch)
        main.query_one("#query", Input).value = COMMON
        await wait_until(pilot, lambda: len(held) == 1)
        full = whole(main, COMMON)
        rows = list(main.articles.rows)
        # The first screen: rows at once, a prefix of the result, more than the screen shows.
        assert main.completing and main.articles.partial
        assert main.articles.page_rows < len(rows) < len(full)
        assert rows == full[: len(rows)]
        assert main.articles.cursor == 0
        assert "counting…" in status(main)
        release()
        await wait_until(pilot, lambda: not main.completing)
        assert list(main.articles.rows) == full and main.view == full
        assert f"{len(full):,}/300 shown" in status(main)
        assert "counting" not in status(main)


async def test_a_second_keystroke_cancels_the_first_completion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = await _app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        held, release = hold(main, monkeypatch)
        field = main.query_one("#query", Input)
        field.value = "e"
        await wait_until(pilot, lambda: len(held) == 1)
        field.value = "er"
        await wait_until(pilot, lambda: len(held) == 2)
        second = list(main.articles.rows)
        release()  # the completion of "e": stale, ignored
        await pilot.pause()
        assert main.completing and list(main.articles.rows) == second
        assert "counting…" in status(main)
        release()
        await wait_until(pilot, lambda: not main.completing)
        assert list(main.articles.rows) == whole(main, "er")


async def test_a_second_keystroke_before_the_completion_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two keys in one go: the first one's completion is never started."""
    app = await _app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        held, release = hold(main, monkeypatch)
        field = main.query_one("#query", Input)
        field.value = "e"
        field.value = "er"
        await wait_until(pilot, lambda: bool(held))
        await pilot.pause()
        assert len(held) == 1
        release()
        await wait_until(pilot, lambda: not main.completing)
        assert list(main.articles.rows) == whole(main, "er")


@pytest.mark.parametrize("key", ["G", "end"])
async def test_the_last_row_waits_for_the_whole_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    """G during completion goes to the last row of the whole view (completed at once), and a
    key after it applies after it."""
    app = await _app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        held, _release = hold(main, monkeypatch)
        main.query_one("#query", Input).value = COMMON
        await wait_until(pilot, lambda: len(held) == 1)
        main.set_focus(main.articles)
        assert main.completing
        await pilot.press(key, "k")
        full = whole(main, COMMON)
        await wait_until(pilot, lambda: not main.completing)
        assert list(main.articles.rows) == full
        assert main.articles.cursor == len(full) - 2
        assert main.articles.current is full[-2]


async def test_moving_within_the_first_screen_keeps_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = await _app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        held, release = hold(main, monkeypatch)
        main.query_one("#query", Input).value = COMMON
        await wait_until(pilot, lambda: len(held) == 1)
        main.set_focus(main.articles)
        await pilot.press("j", "j")
        assert main.completing and main.articles.cursor == 2
        on = main.articles.current
        release()
        await wait_until(pilot, lambda: not main.completing)
        assert main.articles.current is on and main.articles.cursor == 2


async def test_actions_on_the_whole_view_complete_it_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mark all, and p on the last row of the first screen, act on the whole view."""
    app = await _app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        held, _release = hold(main, monkeypatch)
        main.query_one("#query", Input).value = COMMON
        await wait_until(pilot, lambda: len(held) == 1)
        full = whole(main, COMMON)
        main.mark_all()
        assert not main.completing
        assert main.marks == {a.id for a in full}
        assert f"{len(full):,} marked" in status(main)
        main.clear_marks()

        main.query_one("#query", Input).value = COMMON + " "
        await wait_until(pilot, lambda: len(held) == 2)
        assert main.completing
        last = len(main.articles.rows) - 1
        main.articles.cursor = last
        target = main.articles.current
        assert target is not None
        main.action_toggle_published()  # p: writes the article, moves to the next row
        assert not main.completing
        assert main.articles.current is whole(main, COMMON)[last + 1]
        await wait_until(pilot, lambda: main.index.get(target.id).published != target.published)  # type: ignore[union-attr]


async def test_paging_past_the_first_screen_waits_for_the_whole_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query_module, "_FIRST_STEP", 16)  # a first screen of about a screen
    app = await _app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        held, _release = hold(main, monkeypatch)
        main.query_one("#query", Input).value = COMMON
        await wait_until(pilot, lambda: len(held) == 1)
        main.set_focus(main.articles)
        page = main.articles.page_rows
        presses = len(main.articles.rows) // page + 1  # the last ones go past the first screen
        assert main.completing
        await pilot.press(*["pagedown"] * presses)
        await wait_until(pilot, lambda: not main.completing)
        assert list(main.articles.rows) == whole(main, COMMON)
        assert main.articles.cursor == presses * page
        assert main.articles.scroll_offset.y == presses * page


async def test_going_to_an_article_past_the_first_screen_does_not_pin_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed link or a chosen problem file in the view, but not among the rows found so
    far: the cursor goes to its row in the whole view, not to a pinned copy."""
    app = await _app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        held, _release = hold(main, monkeypatch)
        main.query_one("#query", Input).value = COMMON
        await wait_until(pilot, lambda: len(held) == 1)
        full = whole(main, COMMON)
        target = full[-1]
        assert main.completing and target not in main.articles.rows
        assert main.show_in_view(target.id)
        assert not main.completing and not main.pinned
        assert list(main.articles.rows) == full
        assert main.articles.current is target
