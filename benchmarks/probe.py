"""One measurement in a fresh interpreter: ``probe.py KIND FOLDER [ARGS]``; prints one JSON line.

Kinds: floor (F: list the folder, read every byte; imports nothing from newsreader), first_rows
(app start to the first frame that drew article rows), filter (a filter query until the list
shows its first screen), memory (resident memory of the running app, once indexed), watch
(one file rewritten until the screen shows it, and the CPU of each watcher poll).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp


def floor(root: str) -> dict[str, float]:
    """F: list the folder (os.scandir, recursively) and os.read every byte of every file, in
    one Python thread, with nothing of the project imported (asserted)."""
    assert not [m for m in sys.modules if m.split(".")[0] == "newsreader"], "floor imports"
    start = time.perf_counter()
    total = files = 0
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as it:
            for entry in it:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                fd = os.open(entry.path, os.O_RDONLY)
                try:
                    while chunk := os.read(fd, 1 << 16):
                        total += len(chunk)
                finally:
                    os.close(fd)
                files += 1
    seconds = time.perf_counter() - start
    assert not [m for m in sys.modules if m.split(".")[0] == "newsreader"], "floor imports"
    return {"seconds": seconds, "bytes": total, "files": files}


async def settled(app: NewsreaderApp) -> None:
    """Wait for the steady state: indexed, and a large folder's URL map and backlinks built
    (a worker, about two seconds at 100k, which would otherwise share the CPU)."""
    await app.main.indexed.wait()
    for _ in range(6000):
        if app.main.index.links_ready or not len(app.main.index):
            break
        await asyncio.sleep(0.01)
    while any(w.is_running for w in app.main.workers if w.group not in ("writer", "watch")):
        await asyncio.sleep(0.01)


async def first_rows(root: Path) -> dict[str, float]:
    """From creating the app to the end of the first frame that drew article rows in the list.

    The frame is caught where Textual draws it (the screen's compositor refresh, during which
    the list renders its lines): ``pilot.pause()``, used before, also waits for the process to
    go idle (up to a second), which it never does while a large folder is still indexed.
    """
    import textual.screen

    from newsreader.tui.app import make_app
    from newsreader.tui.widgets.article_list import ArticleList

    drawn: list[float] = []
    rows_drawn = 0
    render_line = ArticleList.render_line
    compositor_refresh = textual.screen.Screen._compositor_refresh

    def counting_render_line(self: ArticleList, y: int) -> Any:
        nonlocal rows_drawn
        if y >= 1 and self.rows:  # line 0 is the header
            rows_drawn += 1
        return render_line(self, y)

    def timed_refresh(self: textual.screen.Screen[Any]) -> None:
        before = rows_drawn
        compositor_refresh(self)
        if rows_drawn > before and not drawn:
            drawn.append(time.perf_counter())

    ArticleList.render_line = counting_render_line  # type: ignore[method-assign]
    textual.screen.Screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]
    start = time.perf_counter()
    app = make_app(root)
    async with app.run_test(size=(160, 45)):
        while not drawn:
            await asyncio.sleep(0.002)
        seconds = drawn[0] - start
        await app.main.indexed.wait()
    return {"seconds": seconds}


def _watch_views(app: NewsreaderApp) -> asyncio.Event:
    """An event set each time the list is given rows (no busy polling: a loop waking every
    millisecond would take the GIL from the filter worker it waits for)."""
    shown = asyncio.Event()
    show_view = app.main._show_view

    def show_and_tell(*args: Any, **kwargs: Any) -> None:
        show_view(*args, **kwargs)
        shown.set()

    app.main._show_view = show_and_tell  # type: ignore[method-assign]
    return shown


async def _painted(app: NewsreaderApp) -> None:
    """Until the screen has handled what is queued (the cursor's article in the detail pane)
    and drawn itself. Not ``Pilot.pause()``, which waits for the process to be idle: that is
    for a worker completing the view in the background too, after the first screen is shown."""
    from textual.pilot import Pilot

    await Pilot(app)._wait_for_screen()
    drawn = asyncio.Event()
    app.screen.call_after_refresh(drawn.set)
    await drawn.wait()


async def _query(app: NewsreaderApp, shown: asyncio.Event, text: str) -> float:
    """Seconds from setting the filter field to ``text`` until its rows are on screen: its first
    screen of rows, in a large folder (the count and the rest follow)."""
    from textual.pilot import Pilot

    field = app.main.query_one("#query")
    if field.value == text:  # type: ignore[attr-defined]
        return 0.0
    shown.clear()
    start = time.perf_counter()
    field.value = text  # type: ignore[attr-defined]
    await asyncio.wait_for(shown.wait(), 60)
    while app.main.filter_query.text != text or app.main.filtering:
        shown.clear()  # the rows of an older query: wait for the newest
        await asyncio.wait_for(shown.wait(), 60)
    await _painted(app)
    seconds = time.perf_counter() - start
    # A large view shows its first screen first: let the rest (and the count) come, untimed,
    # so that the next query starts from a settled view.
    while getattr(app.main, "completing", False) or app.main.filtering:
        shown.clear()
        await asyncio.wait_for(shown.wait(), 60)
    await Pilot(app).pause()  # and the counts after it
    return seconds


async def filter_words(root: Path, words: list[str], repeat: int) -> dict[str, Any]:
    """For each word: the median time from an empty filter to the first screen of its rows."""
    from newsreader.tui.app import make_app

    app = make_app(root)
    result: dict[str, Any] = {}
    async with app.run_test(size=(160, 45)) as pilot:
        await settled(app)
        await pilot.press("slash")
        shown = _watch_views(app)
        for word in words:
            times = []
            for _ in range(repeat):
                await _query(app, shown, "")
                times.append(await _query(app, shown, word))
            result[word] = {"median": statistics.median(times), "runs": times}
            result[word]["rows"] = len(app.main.articles.rows)
    return result


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def memory(root: Path) -> dict[str, float]:
    """Resident memory of the app once the folder is indexed and its workers are done."""
    from newsreader.tui.app import make_app

    app = make_app(root)
    async with app.run_test(size=(160, 45)) as pilot:
        await settled(app)
        await pilot.pause()
        gc.collect()
        await asyncio.sleep(0.5)
        rss = _rss()
        articles = len(app.main.index)
    return {"rss": rss, "articles": articles}


async def watch(root: Path, timeout: float) -> dict[str, Any]:
    """Rewrite the file of the first row on screen (a new title, written to a temporary file
    and renamed over it, as editors and the app's own writer do: the corpus may be hard-linked,
    and an in-place write would change every copy) until the list shows the new title; the CPU
    time of every watcher poll meanwhile (thread and process CPU around the poll). ``seconds``
    ends when the new row is painted; ``row`` when the list was given it; ``idle`` after
    ``pilot.pause()`` as well (which waits up to 1 s for the process to go idle)."""
    import newsreader.tui.screens.folder_sync as folder_sync
    from newsreader.tui.app import make_app

    polls: list[tuple[float, float, float]] = []
    real_poll = folder_sync.poll_folder

    def timed_poll(*args: Any) -> None:
        wall, thread, process = time.perf_counter(), time.thread_time(), time.process_time()
        real_poll(*args)
        polls.append(
            (
                time.perf_counter() - wall,
                time.thread_time() - thread,
                time.process_time() - process,
            )
        )

    folder_sync.poll_folder = timed_poll  # type: ignore[assignment]
    app = make_app(root)
    async with app.run_test(size=(160, 45)) as pilot:
        await settled(app)
        await pilot.pause()
        article = app.main.articles.rows[0]
        path = root / article.id
        original, st = path.read_bytes(), path.stat()
        marker = f"Rewritten {time.time_ns()}"
        text = original.decode("utf-8")
        head, sep, rest = text.partition("\ntitle:")
        line_end = rest.index("\n")
        changed = (head + sep + f" {marker}" + rest[line_end:]).encode("utf-8")
        updated = asyncio.Event()
        update_row = app.main.articles.update_row

        def update_and_tell(new: Any) -> bool:
            done = update_row(new)
            if new.id == article.id and marker in new.title:
                updated.set()
            return done

        app.main.articles.update_row = update_and_tell  # type: ignore[method-assign]
        polls.clear()
        try:
            _replace(path, changed)
            start = time.perf_counter()
            try:
                await asyncio.wait_for(updated.wait(), timeout)
                row = time.perf_counter() - start
                # Painted: the screen and its widgets have handled every message pending (the
                # row's refresh among them) and the screen updated. Not pilot.pause(): it also
                # waits for the whole process to go idle (at most 1 s), and at 100k the story
                # grouping every index change starts keeps a worker busy for longer than that.
                await pilot.pause(0)
                seconds = time.perf_counter() - start
                await pilot.pause()
                idle = time.perf_counter() - start
            except TimeoutError:
                seconds = row = idle = float("inf")
            shown = any(marker in a.title for a in app.main.articles.rows[:40])
            articles = len(app.main.index)
        finally:
            _replace(path, original)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    return {
        "seconds": seconds,
        "row": row,
        "idle": idle,
        "shown": shown,
        "articles": articles,
        "polls": len(polls),
        "poll_wall": [p[0] for p in polls],
        "poll_thread_cpu": [p[1] for p in polls],
        "poll_process_cpu": [p[2] for p in polls],
    }


def _replace(path: Path, data: bytes) -> None:
    spare = path.with_name(f".{path.name}.bench")
    spare.write_bytes(data)
    os.replace(spare, path)


def main() -> None:
    kind, root = sys.argv[1], sys.argv[2]
    extra = sys.argv[3:]
    result: Any
    if kind == "floor":
        result = floor(root)
    elif kind == "first_rows":
        result = asyncio.run(first_rows(Path(root)))
    elif kind == "filter":
        result = asyncio.run(filter_words(Path(root), extra[1:], int(extra[0])))
    elif kind == "memory":
        result = asyncio.run(memory(Path(root)))
    elif kind == "watch":
        result = asyncio.run(watch(Path(root), float(extra[0])))
    else:
        raise SystemExit(f"unknown probe {kind}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
