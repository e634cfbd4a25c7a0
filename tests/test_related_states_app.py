"""Pilot tests of the related panel's states in the real app: in the folder, hidden on the
site, not in the folder, and removed from the folder while the app is open."""

from __future__ import annotations

from pathlib import Path

from newsreader.config import Settings
from newsreader.tui.app import make_app
from tests.apphelpers import EXTERNAL_TITLE, TITLES, B, ready, wait_until, write_small_folder

SIZE = (120, 40)


def related_rows(app: object) -> list[str]:
    """The plain text (what NO_COLOR shows) of the related panel's rows."""
    panel = app.main.related  # type: ignore[attr-defined]
    return [str(option.prompt) for option in panel.options]


def row_of(app: object, title: str) -> str:
    """The related row whose title starts with ``title``."""
    return next(r for r in related_rows(app) if r[4:].startswith(title))


async def test_related_states_in_the_app(tmp_path: Path) -> None:
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        # The first article (a.md) lists b.md (published) and an external story.
        assert row_of(app, TITLES[B]).startswith("⇢ ● ")
        assert row_of(app, EXTERNAL_TITLE).startswith("↗ ")
        assert "\n    not in the folder · " in row_of(app, EXTERNAL_TITLE)
        # b.md unpublished on disk: hidden on the site.
        text = (folder / B).read_text(encoding="utf-8")
        (folder / B).write_text(text.replace("published: true", "published: false"))
        await wait_until(pilot, lambda: row_of(app, TITLES[B]).startswith("! ○ "))
        assert "\n    hidden on the site · Test Wire" in row_of(app, TITLES[B])
        # b.md removed: the entry says so, and is no longer openable as an article.
        (folder / B).unlink()
        await wait_until(pilot, lambda: row_of(app, TITLES[B]).startswith("✗ "))
        assert row_of(app, TITLES[B]).endswith("\n    removed from the folder")


async def test_related_cursor_stays_when_a_named_story_changes(tmp_path: Path) -> None:
    """The panel refreshes in place: its cursor keeps the row it was on."""
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("r", "j")  # the second related entry (external)
        row = app.main.related.highlighted
        text = (folder / B).read_text(encoding="utf-8")
        (folder / B).write_text(text.replace("published: true", "published: false"))
        await wait_until(pilot, lambda: row_of(app, TITLES[B]).startswith("! ○ "))
        assert app.main.related.highlighted == row
        assert app.focused is app.main.related
