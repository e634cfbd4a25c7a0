"""Index a folder fast: cached summaries first, then only new or changed files, in parallel.

:func:`index_updates` yields :class:`IndexUpdate` batches, so a caller can show the first rows at
once and fill in the rest as it arrives:

1. every article the cache knows is yielded first (the list appears at once on a warm start);
2. the folder is walked; a file whose size and mtime match its cache record is kept, every other
   file is read and parsed — by worker processes when there are many, else in this process;
3. files the cache knew but the walk did not find are yielded as removed;
4. the cache is rewritten when anything changed.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.cache import cache_path, load_cache, save_cache
from newsreader.loader import DEFAULT_EXTENSIONS, FoundFile, find_files, load_file
from newsreader.model import Article, BadFile, FileStamp
from newsreader.records import Record, RecordError, from_record, record_key, to_record

#: Files to parse before worker processes are worth their start-up.
PARALLEL_THRESHOLD = 3000
CHUNK = 1000
BATCH = 2000


@dataclass(slots=True)
class IndexUpdate:
    """A batch of indexing results."""

    items: list[Article | BadFile] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Files accounted for so far, and whether this is the last update.
    done: int = 0
    finished: bool = False
    #: A problem worth telling the user that did not stop indexing (e.g. the cache not saved).
    notice: str = ""


def parse_records(root: Path, found: Iterable[FoundFile]) -> list[Record]:
    """Read and parse files into records (runs in worker processes too)."""
    records = []
    for f in found:
        item = load_file(root, f.id)
        records.append(to_record(item, FileStamp(f.size, f.mtime_ns, b"")))
    return records


def _parse_chunk(root: str, chunk: list[tuple[str, int, int]]) -> bytes:
    # Top-level so worker processes can run it; marshal keeps the reply compact and fast.
    found = [FoundFile(i, size, mtime) for i, size, mtime in chunk]
    return marshal.dumps(tuple(parse_records(Path(root), found)))


def _worker_count() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


class _Parallel:
    """Chunks of files parsed by worker processes, results taken in order of completion."""

    def __init__(self, root: Path) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["newsreader.indexer"])
        self.pool = ProcessPoolExecutor(_worker_count(), mp_context=context)
        self.root = str(root)
        self.futures: list[Future[bytes]] = []

    def submit(self, chunk: list[FoundFile]) -> None:
        payload = [(f.id, f.size, f.mtime_ns) for f in chunk]
        self.futures.append(self.pool.submit(_parse_chunk, self.root, payload))

    def ready(self, wait: bool) -> Iterator[list[Record]]:
        while self.futures and (wait or self.futures[0].done()):
            yield list(marshal.loads(self.futures.pop(0).result()))

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _convert(records: Iterable[Record]) -> list[Article | BadFile]:
    return [from_record(r) for r in records]


def index_updates(
    root: Path,
    extensions: Iterable[str] = DEFAULT_EXTENSIONS,
    *,
    use_cache: bool = True,
    parallel: bool = True,
) -> Iterator[IndexUpdate]:
    """Index ``root``, yielding batches as they are ready (see the module docstring)."""
    cached = load_cache(cache_path(root)) if use_cache else {}
    known: dict[str, Record] = {}
    try:
        items = _convert(cached.values())
    except RecordError:
        cached, items = {}, []
    for start in range(0, len(items), BATCH):
        yield IndexUpdate(items[start : start + BATCH])
    del items
    pending: list[FoundFile] = []
    pool: _Parallel | None = None
    done = 0
    changed = False
    for f in find_files(root, extensions):
        record = cached.get(f.id)
        if record is not None and record_key(record) == (f.id, f.size, f.mtime_ns):
            known[f.id] = record
            done += 1
            continue
        pending.append(f)
        if pool is None and parallel and len(pending) >= PARALLEL_THRESHOLD:
            pool = _Parallel(root)
        if pool is not None and len(pending) >= CHUNK:
            pool.submit(pending)
            pending = []
        elif pool is None and len(pending) >= CHUNK:
            # Few files so far: parse here, and show them without waiting for the walk.
            fresh = parse_records(root, pending[: CHUNK // 4])
            pending = pending[CHUNK // 4 :]
            done, changed = done + len(fresh), True
            known.update((record_key(r)[0], r) for r in fresh)
            yield IndexUpdate(_convert(fresh), done=done)
        for fresh in pool.ready(wait=False) if pool else ():
            done, changed = done + len(fresh), True
            known.update((record_key(r)[0], r) for r in fresh)
            yield IndexUpdate(_convert(fresh), done=done)
    try:
        if pool is not None and pending:
            pool.submit(pending)
            pending = []
        for start in range(0, len(pending), CHUNK // 4):
            fresh = parse_records(root, pending[start : start + CHUNK // 4])
            done, changed = done + len(fresh), True
            known.update((record_key(r)[0], r) for r in fresh)
            yield IndexUpdate(_convert(fresh), done=done)
        for fresh in pool.ready(wait=True) if pool else ():
            done, changed = done + len(fresh), True
            known.update((record_key(r)[0], r) for r in fresh)
            yield IndexUpdate(_convert(fresh), done=done)
    finally:
        if pool is not None:
            pool.close()
    removed = [i for i in cached if i not in known]
    notice = ""
    if use_cache and (changed or removed or len(known) != len(cached)):
        try:
            save_cache(cache_path(root), known.values())
        except OSError as exc:
            notice = f"could not save the index cache: {exc}"
    yield IndexUpdate(removed=removed, done=done, finished=True, notice=notice)
