"""One measurement in a fresh interpreter: ``probe.py KIND FOLDER``; prints one JSON line.

Kinds: floor (read every byte), cold (index with no cache), naive (CSafeLoader on every file),
warm (index from the cache), first_rows (app start to first rows on screen), interact (cursor
move and filter keystroke in the running app), memory (resident memory of the running app).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp


def walk(root: Path) -> list[str]:
    """Every article file below root (same rules as the app: no hidden, no symlinks)."""
    from newsreader.reading.loader import find_files

    return [str(root / f.id) for f in find_files(root)]


def floor(root: Path) -> dict[str, float]:
    """List the folder and read every byte of every file: the least any index can do."""
    start = time.perf_counter()
    total = 0
    for path in walk(root):
        fd = os.open(path, os.O_RDONLY)
        try:
            while chunk := os.read(fd, 1 << 16):
                total += len(chunk)
        finally:
            os.close(fd)
    return {"seconds": time.perf_counter() - start, "bytes": total}


def naive(root: Path) -> dict[str, float]:
    """Parse every file's front matter with yaml.CSafeLoader, the obvious way."""
    import yaml

    start = time.perf_counter()
    for path in walk(root):
        text = Path(path).read_text(encoding="utf-8")
        parts = text.split("\n---", 1)
        with contextlib.suppress(yaml.YAMLError):
            yaml.load(parts[0].removeprefix("---\n"), Loader=yaml.CSafeLoader)
    return {"seconds": time.perf_counter() - start}


def build(root: Path, use_cache: bool) -> dict[str, float]:
    """Index the folder as the app does, with or without the cache."""
    from newsreader.articles.index import ArticleIndex
    from newsreader.reading.cache import cache_path
    from newsreader.reading.indexer import index_updates

    if not use_cache:
        cache_path(root).unlink(missing_ok=True)
    start = time.perf_counter()
    index = ArticleIndex(root)
    for update in index_updates(root):
        index.add_all(update.items)
        for article_id in update.removed:
            index.discard(article_id)
    return {"seconds": time.perf_counter() - start, "articles": len(index)}


async def first_rows(root: Path) -> dict[str, float]:
    """From creating the app to the first article rows in the list."""
    from newsreader.tui.app import make_app

    start = time.perf_counter()
    app = make_app(root)
    async with app.run_test(size=(160, 45)):
        while not app.main.articles.rows:
            await asyncio.sleep(0.002)
        seconds = time.perf_counter() - start
        await app.main.indexed.wait()
    return {"seconds": seconds}


async def links_built(app: NewsreaderApp) -> None:
    """Wait for the steady state: a large folder builds its URL map and backlinks in a worker
    after indexing (about two seconds at 100k), which would otherwise share the CPU with what
    is measured."""
    for _ in range(3000):
        if app.main.index.links_ready or not len(app.main.index):
            return
        await asyncio.sleep(0.01)


async def interact(root: Path) -> dict[str, float]:
    """Median time of a cursor move, and of a filter keystroke until the list shows the result."""
    from newsreader.tui.app import make_app

    app = make_app(root)
    async with app.run_test(size=(160, 45)) as pilot:
        await app.main.indexed.wait()
        await links_built(app)
        await pilot.pause()
        moves = []
        for _ in range(15):
            start = time.perf_counter()
            await pilot.press("j")
            moves.append(time.perf_counter() - start)
        await pilot.press("slash")
        # Woken when the list is given the rows of the newest query (no busy polling: a loop
        # waking every millisecond would take the GIL from the filter worker it waits for).
        shown = asyncio.Event()
        show_view = app.main._show_view

        def show_and_tell(*args: Any) -> None:
            show_view(*args)
            shown.set()

        app.main._show_view = show_and_tell  # type: ignore[method-assign]
        filters = []
        for text in ("a", "ab", "a", "", "e", "", "o", ""):
            field = app.main.query_one("#query")
            shown.clear()
            start = time.perf_counter()
            field.value = text  # type: ignore[attr-defined]
            await asyncio.wait_for(shown.wait(), 30)
            while app.main.filter_query.text != text or app.main.filtering:
                shown.clear()  # the rows of an older query: wait for the newest
                await asyncio.wait_for(shown.wait(), 30)
            await pilot.pause()
            filters.append(time.perf_counter() - start)
    return {"move": statistics.median(moves), "filter": statistics.median(filters)}


async def memory(root: Path, empty: bool) -> dict[str, float]:
    """Resident memory of the app once the folder is indexed."""
    from newsreader.tui.app import make_app

    with tempfile.TemporaryDirectory() as nothing:
        app = make_app(Path(nothing) if empty else root)
        async with app.run_test(size=(160, 45)) as pilot:
            await app.main.indexed.wait()
            await links_built(app)
            await pilot.pause()
            gc.collect()
            with open("/proc/self/statm") as f:
                rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            articles = len(app.main.index)
    return {"rss": rss, "articles": articles}


def main() -> None:
    kind, root = sys.argv[1], Path(sys.argv[2])
    extra = sys.argv[3:]
    if kind == "floor":
        result = floor(root)
    elif kind == "naive":
        result = naive(root)
    elif kind in ("cold", "warm"):
        result = build(root, use_cache=kind == "warm")
    elif kind == "first_rows":
        result = asyncio.run(first_rows(root))
    elif kind == "interact":
        result = asyncio.run(interact(root))
    elif kind == "memory":
        result = asyncio.run(memory(root, "--empty" in extra))
    else:
        raise SystemExit(f"unknown probe {kind}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
