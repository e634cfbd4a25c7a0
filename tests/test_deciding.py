"""Pilot tests of deciding: P and U, bulk confirmations, the queue view, following a related
story without losing the filter, what undo and redo say, and escape over many marks.

Each test runs the real app over the four-article fixture folder (A, B, C, D by date; A and C
unpublished) or a generated corpus, with private XDG folders (``conftest.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from newsreader.config import Settings
from newsreader.samplegen import generate_corpus
from newsreader.tui.app import make_app
from newsreader.tui.screens.base import Location
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.screens.triage_actions import describe, quoted_title
from newsreader.tui.widgets.status_bar import StatusBar
from newsreader.writing.journal import Change
from tests.apphelpers import (
    TITLES,
    A,
    B,
    C,
    D,
    current,
    ids,
    ready,
    snapshot,
    wait_until,
)

SIZE = (120, 40)


def flag(folder: Path, name: str) -> str:
    """The top-level ``published:`` line of a fixture file ('' when it has none)."""
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next((line for line in lines if line.startswith("published:")), "")


def status(screen: MainScreen) -> str:
    """The status line's text."""
    return str(screen.query_one(StatusBar).render())


def question(screen: object) -> str:
    """The question of the confirmation on top."""
    assert isinstance(screen, ConfirmScreen)
    return str(screen.query_one("#confirm-question", Static).render())


# --- P and U ---------------------------------------------------------------------------------


async def test_publish_and_unpublish_keys_set_the_flag_and_advance(folder: Path) -> None:
    """P publishes, U unpublishes, each moving on like p; P on a published one leaves it so."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        await pilot.press("P", "U")
        assert current(main) == C
        await wait_until(pilot, lambda: flag(folder, B) == "published: false")
        assert flag(folder, A) == "published: true"
        await pilot.press("g", "P")  # A is published now: P must not toggle it back
        assert current(main) == B
        await wait_until(pilot, lambda: "Already published" in main._message)
        assert flag(folder, A) == "published: true"
        assert main.decisions == 2


async def test_bulk_confirmation_names_the_action_and_enter_cancels(folder: Path) -> None:
    """With marks, P asks "Publish N marked articles?"; enter (twice) cancels, y writes."""
    before = snapshot(folder)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        main.marks = {A, B, C}
        await pilot.press("P")
        assert question(app.screen) == "Publish 2 marked articles?"  # B already is
        await pilot.press("enter", "enter")
        assert not isinstance(app.screen, ConfirmScreen)
        assert snapshot(folder) == before and main.marks == {A, B, C}
        await pilot.press("U")
        assert question(app.screen) == "Unpublish 1 marked article?"
        await pilot.press("y")
        await wait_until(pilot, lambda: flag(folder, B) == "published: false")
        assert main.marks == set()
        assert flag(folder, A) == flag(folder, C) == "published: false"


# --- the queue view --------------------------------------------------------------------------


async def test_queue_view_counts_what_is_left_and_goes_back(folder: Path) -> None:
    """w lists unpublished first, newest first, counting them as they are decided; w again
    puts back the view before it."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        main.set_sort("quality", False)
        main.articles.move_to(B)
        await pilot.pause()
        assert ids(main) == [D, B, A, C]
        await pilot.press("w")
        assert ids(main) == [A, C, B, D]
        assert current(main) == A
        assert "queue: 2 left" in status(main)
        await pilot.press("p")
        assert current(main) == C
        await wait_until(pilot, lambda: "queue: 1 left" in status(main))
        assert ids(main) == [A, C, B, D]  # decided rows stay put until the view changes
        await pilot.press("w")
        assert (main.sort_key, main.sort_reverse) == ("quality", False)
        assert ids(main) == [D, B, A, C]
        assert current(main) == B
        assert "queue:" not in status(main)


async def test_sort_leaves_the_queue_and_the_session_keeps_the_sort_before(folder: Path) -> None:
    """The queue is not a sort to start with: the session saves the sort it was entered from."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        main.set_sort("title", True)
        await pilot.press("w")
        assert main.queue_saved == ("title", True)
    restarted = make_app(folder, Settings())
    async with restarted.run_test(size=SIZE) as pilot:
        await ready(restarted, pilot)
        assert (restarted.main.sort_key, restarted.main.sort_reverse) == ("title", True)
        restarted.main.action_queue()
        restarted.main.set_sort("id", False)
        assert restarted.main.queue_saved is None
        assert ids(restarted.main) == [A, B, C, D]


# --- following a related story ---------------------------------------------------------------


async def test_related_article_hidden_by_the_filter_is_pinned(folder: Path) -> None:
    """Opening a related article the filter hides keeps the filter and pins its row; back
    puts the view back as it was."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        main.set_query("is:unpublished")
        await pilot.pause()
        assert ids(main) == [A, C]
        await pilot.press("r", "enter")
        assert main.filter_query.text == "is:unpublished"
        assert main.query_one("#query", Input).value == "is:unpublished"
        assert ids(main) == [A, B, C]
        assert current(main) == B
        assert main.detail.export_text().startswith(TITLES[B])
        assert "3/4 shown (1 pinned)" in status(main)
        await pilot.press("backspace")
        assert ids(main) == [A, C]
        assert current(main) == A
        assert main.filter_query.text == "is:unpublished"
        await pilot.press("right_square_bracket")
        assert ids(main) == [A, B, C] and current(main) == B


@pytest.mark.parametrize("in_worker", [False, True], ids=["at-once", "in-a-worker"])
async def test_back_restores_query_sort_cursor_and_scroll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_worker: bool
) -> None:
    """From deep in a filtered, sorted list, following a hidden story and going back puts
    back the exact rows, cursor row and scroll offset (also where a worker makes the view)."""
    if in_worker:
        monkeypatch.setattr(MainScreen, "ASYNC_THRESHOLD", 0)
    generate_corpus(tmp_path, 300, 1)
    app = make_app(tmp_path, Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        main.set_sort("quality", False)
        main.set_query("is:unpublished")
        await wait_until(pilot, lambda: not main.filtering)
        source, target = next(
            (a, t)
            for a in main.view[30:]
            for link in a.related
            if (t := main.index.resolve_link(link, a.id)) is not None and t.published
        )
        main.articles.move_to(source.id)
        await pilot.pause()
        before = (ids(main), main.articles.cursor, main.articles.scroll_offset.y)
        assert before[2] > 0
        main.go(Location(target.id))
        await wait_until(pilot, lambda: current(main) == target.id)
        assert main.filter_query.text == "is:unpublished"
        await pilot.press("backspace")
        await wait_until(pilot, lambda: current(main) == source.id)
        assert (ids(main), main.articles.cursor, main.articles.scroll_offset.y) == before
        assert (main.sort_key, main.filter_query.text) == ("quality", "is:unpublished")
        await pilot.press("w")
        await wait_until(pilot, lambda: main.articles.cursor == 0 and not main.filtering)
        assert main.queue_saved == ("quality", False)
        assert main.view[0].date == max(a.date for a in main.view if a.date is not None)


# --- undo and redo ---------------------------------------------------------------------------


async def test_undo_and_redo_say_what_they_did_and_go_to_the_article(folder: Path) -> None:
    """u and ctrl+r name the action, the count and the first title, and put the cursor on
    the batch's first article (pinned when the filter hides it)."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        main.marks = {A, C}
        await pilot.press("P", "y")
        await wait_until(pilot, lambda: flag(folder, C) == "published: true")
        assert main._message == f"Published 2 articles — '{TITLES[A]}'"
        main.set_query("delta")
        await pilot.press("u")
        await wait_until(pilot, lambda: flag(folder, C) == "published: false")
        assert main._message == f"Undid: published 2 articles — '{TITLES[A]}'"
        assert current(main) == A  # the filter hides it: pinned, the filter kept
        assert ids(main) == [A, D]
        assert main.filter_query.text == "delta"
        await pilot.press("G", "ctrl+r")
        await wait_until(pilot, lambda: flag(folder, C) == "published: true")
        assert main._message == f"Redid: published 2 articles — '{TITLES[A]}'"
        assert current(main) == A


DESCRIBE_CASES = [
    ("publish-one", "publish", [Change(A, False, True)], "Published 1 article — 'Alpha'"),
    ("toggle-off", "toggle", [Change(B, True, False)], "Unpublished 1 article — 'Bravo'"),
    (
        "undo-many",
        "undo",
        [Change(A, False, True), Change(C, False, True)],
        "Undid: published 2 articles — 'Alpha'",
    ),
    ("redo", "redo", [Change(B, True, False)], "Redid: unpublished 1 article — 'Bravo'"),
    (
        "undo-a-story",  # a story decided in one step: the lead published, the rest not
        "undo",
        [Change(B, True, False), Change(A, False, True), Change(C, True, False)],
        "Undid: published 1 and unpublished 2 articles — 'Alpha'",
    ),
]


@pytest.mark.parametrize(
    ("name", "action", "changed", "expected"), DESCRIBE_CASES, ids=[c[0] for c in DESCRIBE_CASES]
)
def test_describe(name: str, action: str, changed: list[Change], expected: str) -> None:
    titles = {A: "'Alpha'", B: "'Bravo'"}
    assert describe(action, changed, titles.__getitem__) == expected


def test_quoted_title_is_cut_short_or_falls_back_to_the_id() -> None:
    assert quoted_title("x" * 60, A) == "'" + "x" * 39 + "…'"
    assert quoted_title("", A) == A


# --- escape over marks -----------------------------------------------------------------------


async def test_escape_asks_before_clearing_many_marks(folder: Path) -> None:
    """escape clears three marks at once; four it asks about, and enter keeps them."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        main.marks = {A, B, C}
        await pilot.press("escape")
        assert main.marks == set()
        main.marks = {A, B, C, D}
        await pilot.press("escape")
        assert question(app.screen) == "Clear 4 marks?"
        await pilot.press("enter")
        assert main.marks == {A, B, C, D}
        await pilot.press("escape", "y")
        assert main.marks == set()
