"""The running app takes in files added, changed and removed on disk (issue 4's live folder)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.config import Settings
from newsreader.reading import inotify
from newsreader.tui.app import make_app
from newsreader.tui.screens.main import MainScreen
from tests.apphelpers import A, B, C, D, article_text, ready, wait_until, write_small_folder


async def poll(pilot: Pilot[None], screen: MainScreen) -> None:
    """One poll of the folder, as the interval timer does it, waited for to the end."""
    screen._poll_folder()
    workers = [w for w in screen.workers if w.group == "watch"]
    await screen.workers.wait_for_complete(workers)
    await pilot.pause()


async def poll_until(pilot: Pilot[None], screen: MainScreen, condition: Callable[[], bool]) -> None:
    """Poll the folder until the condition holds (a change is reported once settled)."""
    for _ in range(6):
        await poll(pilot, screen)
        if condition():
            return
    raise AssertionError("the folder change never reached the screen")


async def test_added_changed_and_removed_files_are_merged(tmp_path: Path) -> None:
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings(restore_session=False, watch=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        screen = app.main
        screen.articles.move_to(B)
        screen.marks = {C}
        screen.articles.set_marks(screen.marks)
        await pilot.pause()
        screen.watcher.prime()

        new = article_text(
            "Echo story",
            date="2023-03-09T09:00:00Z",
            url="https://news.example/echo/",
            quality=9,
            published="false",
        )
        (folder / "e.md").write_text(new, encoding="utf-8")
        changed = (folder / D).read_text(encoding="utf-8").replace("Delta story", "Delta, revised")
        (folder / D).write_text(changed, encoding="utf-8")
        (folder / B).unlink()

        await poll_until(pilot, screen, lambda: "e.md" in [a.id for a in screen.view])
        # The cursor stays on the removed article, which is shown as gone, not yanked away.
        assert screen.articles.current is not None and screen.articles.current.id == B
        assert B in screen.gone and B not in screen.index
        assert "gone" in screen.detail.export_text()
        assert screen.index.get(D).title == "Delta, revised"  # type: ignore[union-attr]
        assert screen.marks == {C}
        status = str(screen.query_one("#status").render())
        assert "1 new" in status and "1 changed" in status and "1 removed" in status


async def test_own_writes_are_not_reported_as_folder_changes(tmp_path: Path) -> None:
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings(restore_session=False, watch=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        screen = app.main
        screen.watcher.prime()
        screen.articles.move_to(A)
        await pilot.press("p")
        await wait_until(pilot, lambda: screen.decisions == 1)
        screen._message = ""
        for _ in range(3):
            await poll(pilot, screen)
        assert "folder" not in screen._message
        assert [a.id for a in screen.view] == [A, B, C, D]


async def test_a_large_folder_resolves_related_entries_in_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the threshold the URL map and backlinks are built off the UI thread, then shown."""
    monkeypatch.setattr(MainScreen, "ASYNC_THRESHOLD", 2)
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings(restore_session=False, watch=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        screen = app.main
        await wait_until(pilot, lambda: screen.index.links_ready)
        assert screen.articles.current is not None and screen.articles.current.id == A
        await pilot.press("r", "enter")  # A's first related entry is B, in the folder
        await pilot.pause()
        assert screen.articles.current.id == B
        # B lists no related stories, but A names it: one backlink, resolved.
        assert "Backlinks  1" in screen.detail.export_text()
        # Removing the article that owns a URL makes the links stale; they are built again.
        (folder / B).unlink()
        screen.index.discard(B)
        assert not screen.index.links_ready
        screen.articles.move_to(A)  # showing another article asks for them
        await wait_until(pilot, lambda: screen.index.links_ready)
        assert screen.index.backlinks(B) == []


def _replace_title(path: Path, old: str, new: str) -> None:
    """Rewrite a file as editors and the app's writer do: a new file renamed over it."""
    spare = path.with_name(f".{path.name}.new")
    spare.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.replace(spare, path)


async def test_an_atomically_replaced_file_is_shown_after_one_poll(tmp_path: Path) -> None:
    """With inotify the rename is news on the next poll: no sweep, no second look."""
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings(restore_session=False, watch=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        screen = app.main
        if not screen.watcher.inotify_active:
            pytest.skip(f"no inotify here: {screen.watcher.fallback_reason}")
        screen.watcher.prime()
        await poll(pilot, screen)
        _replace_title(folder / C, "Charlie story", "Charlie, replaced")
        assert screen.watcher.due()
        await poll(pilot, screen)  # one poll, not two
        assert screen.index.get(C).title == "Charlie, replaced"  # type: ignore[union-attr]
        assert "Charlie, replaced" in [a.title for a in screen.articles.rows]
        assert "1 changed" in str(screen.query_one("#status").render())


async def test_the_watch_timer_shows_a_replaced_file(tmp_path: Path) -> None:
    """The running app (its own timer, inotify when there is any) shows the new title."""
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings(restore_session=False, watch=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        screen = app.main
        _replace_title(folder / D, "Delta story", "Delta, replaced")
        await wait_until(
            pilot,
            lambda: "Delta, replaced" in [a.title for a in screen.articles.rows],
            timeout=30,
        )
    assert screen.watcher._notify is None  # closed with the screen


async def test_without_inotify_the_app_polls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise OSError(errno.ENOSYS, "Function not implemented")

    monkeypatch.setattr(inotify, "Inotify", broken)
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings(restore_session=False, watch=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        screen = app.main
        assert not screen.watcher.inotify_active
        screen.watcher.prime()
        _replace_title(folder / C, "Charlie story", "Charlie, replaced")
        await poll_until(
            pilot, screen, lambda: "Charlie, replaced" in [a.title for a in screen.view]
        )
