"""Pilot tests of the stories screen (S): open and close, expand and collapse, deciding a story in
one step, making another member the lead, undo and redo restoring bytes, opening a member, the
duplicate flag, a filter narrowing the stories, a refused lead, and the grouping-in-progress state.

Each test runs the real app over the stories fixture folder (``write_story_folder``: story 1 with
two of three members published, story 2 with none, one article alone), with private XDG folders.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from newsreader.articles.model import Article
from newsreader.articles.stories import Story, StoryBook
from newsreader.reading import heap
from newsreader.reading.loader import load_file
from newsreader.tui import story_keeper
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.messages import FolderChanged
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.screens.stories import (
    COLLAPSED,
    DUPLICATE,
    EXPANDED,
    GROUPING,
    LEAD,
    StoriesScreen,
)
from tests.apphelpers import (
    LONER,
    S1A,
    S1B,
    S1C,
    S2B,
    S2C,
    STORY1_TITLE,
    STORY2_TITLE,
    _story_file,
    current,
    ready,
    snapshot,
    wait_until,
    write_story_folder,
)

SIZE = (120, 30)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_story_folder(tmp_path / "news")


async def _grouped(app: NewsreaderApp, pilot: Pilot[None]) -> None:
    await wait_until(pilot, lambda: app.stories.ready and not app.stories.grouping)


async def _open(app: NewsreaderApp, pilot: Pilot[None]) -> StoriesScreen:
    """Wait for the index and the stories, then S."""
    await ready(app, pilot)
    await _grouped(app, pilot)
    await pilot.press("S")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, StoriesScreen)
    return screen


def _lines(screen: StoriesScreen) -> list[str]:
    listing = screen.story_list
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def _header(screen: StoriesScreen) -> str:
    return str(screen.query_one("#stories-title", Static).render())


def _published(app: NewsreaderApp) -> dict[str, bool]:
    return {a.id: a.published for a in app.index.articles}


def _flag_lines(folder: Path, *names: str) -> dict[str, str]:
    out = {}
    for name in names:
        text = (folder / name).read_text(encoding="utf-8")
        out[name] = next(line for line in text.splitlines() if line.startswith("published:"))
    return out


async def test_stories_list_one_row_per_story_newest_first_with_counts(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        lines = _lines(screen)
        assert len(lines) == 2  # the article alone is no story
        first, second = lines
        assert first.startswith(COLLAPSED) and STORY1_TITLE in first  # the newest story
        assert "+2 sources" in first and f"{DUPLICATE} 2 published: duplicate" in first
        assert "+2 sources" in second and "0 published" in second
        assert STORY2_TITLE in second  # markup in a title is shown as it is
        header = _header(screen)
        assert "2 stories in the folder" in header
        assert f"{DUPLICATE} 1 duplicated on the site" in header
        assert GROUPING not in header
        assert "Lead: published first" in str(screen.query_one("#stories-hint", Static).render())

        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_expand_and_collapse_show_members_with_the_lead_marked(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("enter")
        lines = _lines(screen)
        assert lines[0].startswith(EXPANDED)
        assert [row[1] for row in screen.rows[:4]] == [None, S1A, S1B, S1C]
        assert f"{LEAD} lead" in lines[1] and "● published" in lines[1] and "Test Wire" in lines[1]
        assert "2024-03-03" in lines[1]
        assert f"{LEAD} lead" not in lines[2] and "● published" in lines[2]
        assert "○ unpublished" in lines[3]
        await pilot.press("down", "left")  # on a member row: its story folds, the cursor on it
        assert len(_lines(screen)) == 2 and screen.current_row == (screen.rows[0][0], None)
        await pilot.press("right")
        assert len(_lines(screen)) == 5
        await pilot.press("space")
        assert len(_lines(screen)) == 2


async def test_p_publishes_the_lead_unpublishes_the_rest_and_one_undo_restores(
    folder: Path,
) -> None:
    before = snapshot(folder)
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: not app.index.get(S1B).published)  # type: ignore[union-attr]
        assert _flag_lines(folder, S1A, S1B, S1C) == {
            S1A: "published: true",
            S1B: "published: false",
            S1C: "published: false",
        }
        assert app.main._message.startswith(f"Story decided: '{STORY1_TITLE[:20]}")
        assert app.main._message.endswith("published, the other 2 unpublished (u undoes it)")
        await _grouped(app, pilot)
        assert "1 published" in _lines(screen)[0]
        assert DUPLICATE not in _lines(screen)[0]
        assert "duplicated" not in _header(screen)
        batch = app.main.triage.journal.peek_undo()
        assert batch is not None and [c.id for c in batch.changes] == [S1B]

        await pilot.press("u")  # one step takes the whole decision back
        await wait_until(pilot, lambda: app.index.get(S1B).published)  # type: ignore[union-attr]
        await _grouped(app, pilot)
        assert {k: v[0] for k, v in snapshot(folder).items()} == {
            k: v[0] for k, v in before.items()
        }
        assert f"{DUPLICATE} 2 published" in _lines(screen)[0]

        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not app.index.get(S1B).published)  # type: ignore[union-attr]
        assert isinstance(app.screen, StoriesScreen)
        await pilot.press("p")  # again: nothing left to write, and it says so
        await wait_until(pilot, lambda: app.main._message.startswith("Story already decided"))
        assert app.main.triage.journal.peek_undo() is not None
        assert app.main.triage.journal.peek_redo() is None


async def test_l_makes_a_member_the_lead_in_one_step(folder: Path) -> None:
    before = snapshot(folder)
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("right", "down", "down", "down")
        assert screen.current_row is not None and screen.current_row[1] == S1C
        await pilot.press("l")
        await wait_until(pilot, lambda: app.index.get(S1C).published)  # type: ignore[union-attr]
        await wait_until(pilot, lambda: not app.index.get(S1A).published)  # type: ignore[union-attr]
        assert {k: v for k, v in _published(app).items() if k.startswith("s1")} == {
            S1A: False,
            S1B: False,
            S1C: True,
        }
        batch = app.main.triage.journal.peek_undo()
        assert batch is not None and sorted(c.id for c in batch.changes) == sorted([S1A, S1B, S1C])
        await _grouped(app, pilot)
        lines = _lines(screen)
        # The new lead leads (published first), and the cursor stayed on its member.
        assert [row[1] for row in screen.rows[1:4]] == [S1C, S1A, S1B]
        assert f"{LEAD} lead" in lines[1] and "Evening Post" in lines[1]
        assert screen.current_row is not None and screen.current_row[1] == S1C

        await pilot.press("u")
        await wait_until(pilot, lambda: not app.index.get(S1C).published)  # type: ignore[union-attr]
        assert {k: v[0] for k, v in snapshot(folder).items()} == {
            k: v[0] for k, v in before.items()
        }


async def test_l_on_a_story_row_says_to_pick_a_member(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("l")
        assert any("member row" in str(n.message) for n in app._notifications)
        assert app.main._jobs.empty()


async def test_a_lead_the_site_cannot_show_is_refused_and_nothing_is_written(
    folder: Path,
) -> None:
    before = snapshot(folder)
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("down", "right", "down", "down", "down")
        assert screen.current_row is not None and screen.current_row[1] == S2C
        await pilot.press("l")
        await wait_until(
            pilot, lambda: any("Story left as it is" in str(n.message) for n in app._notifications)
        )
        assert snapshot(folder) == before
        assert app.main.triage.journal.peek_undo() is None


async def test_enter_and_o_on_a_member_open_it_in_the_list(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("right", "down", "down", "enter")
        assert isinstance(app.screen, MainScreen)
        assert current(app.main) == S1B
        await pilot.press("S", "down", "right", "down", "down", "o")
        assert isinstance(app.screen, MainScreen)
        assert current(app.main) == S2B


async def test_a_filter_narrows_the_stories_to_those_in_the_view(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        app.main.set_query("provider:Herald")
        await pilot.pause()
        screen = await _open(app, pilot)
        lines = _lines(screen)
        assert len(lines) == 1 and STORY2_TITLE in lines[0]
        header = _header(screen)
        assert "1 story in the view (filter: provider:Herald)" in header
        # The story's members all count, filtered out or not.
        assert "+2 sources" in lines[0]


async def test_a_file_changed_on_disk_regroups_the_stories(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        (folder / "s1-extra.md").write_text(
            _story_file(STORY1_TITLE, "Extra Blatt", "2024-03-03T13:00:00Z", 5, "true"),
            encoding="utf-8",
        )
        item = load_file(folder, "s1-extra.md")
        app.main.post_message(FolderChanged([item], []))
        await wait_until(pilot, lambda: "+3 sources" in _lines(screen)[0])
        await _grouped(app, pilot)
        assert f"{DUPLICATE} 3 published" in _lines(screen)[0]


async def test_the_screen_says_so_while_grouping_runs(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    update = StoryBook.update

    def slow_update(self: StoryBook, articles: Sequence[Article], index: Any = None) -> list[Story]:
        release.wait(10)
        return update(self, articles, index)

    monkeypatch.setattr(StoryBook, "update", slow_update)
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("S")
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        assert app.stories.grouping
        assert GROUPING in _header(screen)
        empty = str(screen.query_one("#stories-empty", Static).render())
        assert "Grouping the folder's articles into stories" in empty
        assert screen.has_class("-empty")
        release.set()
        await _grouped(app, pilot)
        assert not screen.has_class("-empty")
        assert len(_lines(screen)) == 2
        assert GROUPING not in _header(screen)


async def test_no_stories_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / LONER).write_text(
        _story_file("Cobalt hires a new chief", "Gazette", "2024-03-02T08:00:00Z", 50, "true")
    )
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        assert screen.has_class("-empty")
        assert "No stories" in str(screen.query_one("#stories-empty", Static).render())
        await pilot.press("p", "o")  # nothing under the cursor: nothing happens
        assert app.main._jobs.empty() and isinstance(app.screen, StoriesScreen)


async def test_a_grouping_of_an_index_changed_meanwhile_is_dropped_and_redone(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    update = StoryBook.update
    calls: list[int] = []

    def slow_update(self: StoryBook, articles: Sequence[Article], index: Any = None) -> list[Story]:
        calls.append(len(articles))
        if len(calls) == 1:
            release.wait(10)
        return update(self, articles, index)

    monkeypatch.setattr(StoryBook, "update", slow_update)
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await wait_until(pilot, lambda: len(calls) == 1)
        # A file joins story 1 while the first grouping runs: that grouping is stale.
        (folder / "s1-extra.md").write_text(
            _story_file(STORY1_TITLE, "Extra Blatt", "2024-03-03T13:00:00Z", 5, "false"),
            encoding="utf-8",
        )
        app.main.post_message(FolderChanged([load_file(folder, "s1-extra.md")], []))
        await pilot.pause()
        assert app.stories.grouping and not app.stories.ready
        release.set()
        await _grouped(app, pilot)
        assert calls == [7, 8]  # the stale result was dropped, not shown
        assert app.stories.version == app.index.version
        assert [len(s.articles) for s in app.stories.stories] == [4, 3]


async def test_a_full_grouping_of_a_large_folder_gives_its_peak_back(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a full regroup the keeper hands the allocator's free memory back (malloc_trim);
    an incremental update after a write does not."""
    released: list[int] = []
    monkeypatch.setattr(story_keeper, "RELEASE_AT", 0)  # this small folder counts as large
    monkeypatch.setattr(story_keeper.heap, "release", lambda: released.append(1) or True)
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        assert released == [1]
        await pilot.press("p")
        await wait_until(pilot, lambda: not app.index.get(S1B).published)  # type: ignore[union-attr]
        await wait_until(pilot, lambda: app.stories.version == app.index.version)
        assert released == [1]


def test_heap_release_trims_where_glibc_is() -> None:
    assert heap.release() is (heap._TRIM is not None)
