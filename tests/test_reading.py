"""Pilot tests of reading in the whole app: where a first open starts, the detail pane's order
and its keys from the list, and the related panel giving its room to the detail.

Each test runs the real app (``make_app``) over a folder it writes to ``tmp_path``, with its own
state folder (``conftest.py``), so no session is restored unless the test saves one.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from textual.binding import Binding

from newsreader import paths
from newsreader.config import Settings
from newsreader.reading import indexer
from newsreader.session import SessionState, save_session
from newsreader.tui.app import make_app
from newsreader.tui.screens.main import MainScreen
from tests.apphelpers import A, B, C, article_text, ready, write_small_folder

SIZE = (120, 40)
#: Articles in the folder a first open is tried on, one indexing batch each.
MANY = 30


def write_dated_folder(folder: Path) -> list[str]:
    """``MANY`` articles dated a day apart, under names that do not follow their dates; return
    their ids newest first (the default sort)."""
    folder.mkdir(parents=True)
    names = [f"{n:02d}.md" for n in range(MANY)]
    random.Random(3).shuffle(names)
    for day, name in enumerate(names, start=1):
        text = article_text(
            f"Story of day {day}",
            date=f"2023-01-{day:02d}T08:00:00Z",
            url=f"https://news.example/{day}/",
            quality=day,
            published="false",
        )
        (folder / name).write_text(text, encoding="utf-8")
    return names[::-1]


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Index one file per batch: rows arrive a few at a time, as in a large folder."""
    monkeypatch.setattr(indexer, "CHUNK", 4)


@pytest.mark.usefixtures("small_batches")
async def test_first_open_starts_at_the_newest_story(tmp_path: Path) -> None:
    """With no saved session the cursor ends on row 0, not on the first batch's newest."""
    newest_first = write_dated_folder(tmp_path / "news")
    app = make_app(tmp_path / "news", Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert [a.id for a in main.articles.rows] == newest_first
        assert main.articles.cursor == 0
        assert main.detail.export_text().startswith(f"Story of day {MANY}")


@pytest.mark.usefixtures("small_batches")
async def test_a_saved_session_still_restores_its_article(tmp_path: Path) -> None:
    newest_first = write_dated_folder(tmp_path / "news")
    wanted = newest_first[17]
    save_session(paths.session_file((tmp_path / "news").resolve()), SessionState(cursor=wanted))
    app = make_app(tmp_path / "news", Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert app.main.articles.cursor == 17
        assert app.main.articles.current is not None
        assert app.main.articles.current.id == wanted


async def test_excerpt_is_on_screen_at_80x24(tmp_path: Path) -> None:
    """The smallest layout shows the title, the source and the excerpt, above the metadata."""
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        detail = app.main.detail
        excerpt = detail.query_one("#detail-excerpt")
        assert excerpt.display
        assert detail.region.contains_region(excerpt.region)
        assert "The excerpt of alpha story." in str(excerpt.render())
        fields = detail.query_one("#detail-fields")
        assert excerpt.region.bottom <= fields.region.y


async def test_shift_j_k_scroll_the_detail_from_the_list(tmp_path: Path) -> None:
    """J / K scroll the detail pane; the focus and the cursor stay in the list."""
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        main = app.main
        assert main.detail.max_scroll_y > 0
        await pilot.press("J", "J")
        assert main.detail.scroll_y > 0
        assert app.focused is main.articles and main.articles.cursor == 0
        down = main.detail.scroll_y
        await pilot.press("K")
        assert 0 <= main.detail.scroll_y < down
        assert app.focused is main.articles and main.articles.cursor == 0


def test_detail_scroll_bindings_have_ids() -> None:
    """J / K are main-screen bindings with stable ids, so a keymap can move them."""
    keys = {b.id: b.key for b in MainScreen.BINDINGS if isinstance(b, Binding)}
    assert keys["app.detail_down"] == "J"
    assert keys["app.detail_up"] == "K"


async def test_related_panel_gives_its_room_to_the_detail(tmp_path: Path) -> None:
    """An article with nothing related shows one line there; the detail takes the rest."""
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert main.articles.current is not None and main.articles.current.id == A
        assert not main.related.has_class("-empty")
        tall = main.detail.region.height
        main.articles.move_to(C)  # C lists nothing and nothing lists it
        await pilot.pause()
        assert main.related.has_class("-empty")
        assert main.related.region.height <= 2  # its border and one line
        assert main.detail.region.height > tall + 5
        main.articles.move_to(B)  # A lists B: a backlink
        await pilot.pause()
        assert not main.related.has_class("-empty")
        assert main.detail.region.height == tall
