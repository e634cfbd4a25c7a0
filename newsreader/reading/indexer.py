"""Index a folder fast: cached summaries first, then only new or changed files, in parallel.

:func:`index_updates` yields :class:`IndexUpdate` batches, so a caller can show the first rows at
once and fill in the rest as it arrives:

1. every article the cache knows is yielded first (the list appears at once on a warm start);
2. the folder is walked; a file whose size and mtime match its cache record is kept, every other
   file is read and parsed — by worker processes when there are many, else in this process;
   once the walk is done, every update carries the number of files (``total``);
3. files the cache knew but the walk did not find are yielded as removed;
4. the cache is rewritten when anything changed.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import pairwise
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from newsreader.articles.model import Article, BadFile, FileStamp
from newsreader.reading import heap
from newsreader.reading.cache import CacheError, cache_path, load_cache, save_cache
from newsreader.reading.loader import (
    DEFAULT_EXTENSIONS,
    MAX_DEPTH,
    FoundFile,
    file_signature,
    find_files,
    first_files,
    read_file,
)
from newsreader.reading.parsing import parse_summary
from newsreader.reading.records import (
    Record,
    RecordError,
    article_record,
    from_fresh_record,
    from_record,
    to_record,
)

#: Files to parse before worker processes are worth their start-up.
PARALLEL_THRESHOLD = 3000
CHUNK = 1000
BATCH = 2000
#: Records in the first chunk of the cache file.
FIRST_BATCH = 250
#: A cache file this large (~8,000 articles) is unpacked while another process lists the folder.
WALK_AHEAD_BYTES = 6_000_000
#: The (size, mtime_ns) a FileStamp begins with.
_SIGNATURE = struct.Struct("<qq")
#: Batches at least this large are moved out of the garbage collector's sight (see
#: :meth:`_State.keep`).
FREEZE_BATCH = 200


@dataclass(slots=True)
class IndexUpdate:
    """A batch of indexing results."""

    items: list[Article | BadFile] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Files accounted for so far, and whether this is the last update.
    done: int = 0
    finished: bool = False
    #: How many files the walk found: 0 until the folder is listed (cached rows come first).
    total: int = 0
    #: A problem worth telling the user that did not stop indexing (e.g. the cache not saved).
    notice: str = ""


def parse_records(root: Path, found: Iterable[FoundFile]) -> list[Record]:
    """Read and parse files into records."""
    return _records(str(root), [(f.id, f.size, f.mtime_ns) for f in found])


def _records(root: str, files: Iterable[tuple[str, int, int]]) -> list[Record]:
    # The per-file loop of a cold index, in workers too: (id, size, mtime_ns) as the walk saw it.
    records = []
    for article_id, size, mtime_ns in files:
        # load_file, then to_record: without building the article the record is made from.
        got = read_file(root, article_id)
        if isinstance(got, BadFile):
            bad = got
        else:
            data, stamp = got
            summary = parse_summary(article_id, data)
            if not isinstance(summary, BadFile):
                records.append(article_record(article_id, stamp, summary))
                continue
            bad = summary
        # A bad file's record keeps the walk's size and mtime, to know when to retry it (a
        # walk that did not stat the files: as they are now).
        if size < 0:
            size, mtime_ns = file_signature(root, article_id)
        records.append(to_record(bad, FileStamp(size, mtime_ns, b"")))
    return records


def _parse_chunk(root: str, chunk: list[tuple[str, int, int]]) -> bytes:
    # Top-level so worker processes can run it; marshal keeps the reply compact and fast.
    return marshal.dumps(tuple(_records(root, chunk)))


def _worker_count() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def prepare_workers() -> None:
    """Start multiprocessing's resource tracker now, while ``sys.stderr`` is a real file.

    A worker pool starts the tracker on first use and hands it stderr's descriptor. Inside the
    app, Textual has replaced stderr by then with an object whose ``fileno()`` is -1, so the
    start fails and every chunk is parsed in the app's own process. Started before the app
    runs (about 10 ms), the tracker is found running and the pool's workers start.
    """
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except (OSError, ValueError):  # no workers then; indexing still works in this process
        pass


class _Parallel:
    """Chunks of files parsed by worker processes, results taken in the order submitted.

    Workers are a speed-up, never a dependency: a chunk whose worker failed (or a pool that
    could not start) is parsed here instead.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.futures: deque[tuple[Future[bytes] | None, list[FoundFile]]] = deque()
        self.pool: ProcessPoolExecutor | None
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["newsreader.reading.indexer"])
            self.pool = ProcessPoolExecutor(_worker_count(), mp_context=context)
        except (OSError, ValueError):
            self.pool = None

    def submit(self, chunk: list[FoundFile]) -> None:
        payload = [(f.id, f.size, f.mtime_ns) for f in chunk]
        future = None
        if self.pool is not None:
            try:
                future = self.pool.submit(_parse_chunk, str(self.root), payload)
            except (BrokenProcessPool, RuntimeError, OSError):
                self.close()  # the rest is parsed here
                self.pool = None
        self.futures.append((future, chunk))

    def ready(self, wait: bool) -> Iterator[tuple[list[Record], bytes | None]]:
        """Results in the order submitted: records, and the worker's packed reply if any."""
        while self.futures:
            future, chunk = self.futures[0]
            if future is not None and not wait and not future.done():
                return
            self.futures.popleft()
            yield self._result(future, chunk)

    def _result(
        self, future: Future[bytes] | None, chunk: list[FoundFile]
    ) -> tuple[list[Record], bytes | None]:
        if future is not None:
            try:
                packed = future.result()
                return list(marshal.loads(packed)), packed
            except (BrokenProcessPool, OSError, EOFError, ValueError):
                pass  # the worker died or its reply was unreadable: do the chunk here
        return parse_records(self.root, chunk), None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)


def index_updates(
    root: Path,
    extensions: Iterable[str] = DEFAULT_EXTENSIONS,
    *,
    use_cache: bool = True,
    parallel: bool = True,
    before_walk: Callable[[], object] | None = None,
    settle: bool = True,
    peek: int = 0,
) -> Iterator[IndexUpdate]:
    """Index ``root``, yielding batches as they are ready (see the module docstring).

    ``before_walk`` is called just before the folder is listed (a watcher takes its baseline
    there): once the cached batches are out, or, with a large cache listed in another process
    while it is unpacked, once its first batch is. ``settle``: once done, collect what was
    frozen and died (:func:`newsreader.reading.heap.settle`, ~0.1 s at 100k), which a
    long-lived process wants and a command about to exit does not. ``peek``: with no cached
    rows to show first, up to this many files, found without listing the whole folder (see
    :func:`~newsreader.reading.loader.first_files`), are read and yielded before the walk, which
    then finds them current: the app's first rows of a cold start, as soon at 100,000 files as
    at 100.
    """
    state = _State(root)
    ahead: _WalkAhead | None = None
    if use_cache:
        chunks = state.load_cache()
        first = next(chunks, None)
        if first is not None:
            yield first
        if first is not None and parallel and _cache_size(root) >= WALK_AHEAD_BYTES:
            # A large cache takes a second or more to unpack: the folder is listed meanwhile,
            # in another process (the walk is system calls and per-file Python work both).
            if before_walk is not None:
                before_walk()
                before_walk = None
            ahead = _WalkAhead(root, extensions)
        try:
            yield from chunks
        except BaseException:  # closed early (the app quit or reopened): no walker left behind
            if ahead is not None:
                ahead.close()
            raise
    if peek and not state.items:
        found = first_files(root, extensions, peek)
        if found:
            yield state.peeked(parse_records(root, found))
    if before_walk is not None:
        before_walk()
    pool: _Parallel | None = None
    pending: list[FoundFile] = []
    stale = 0
    listed = ahead.files() if ahead is not None else None
    if listed is not None:
        walk: Iterable[tuple[str, int, int]] = listed
    else:
        # Nothing known yet (a cold index): every file is read, its stamp taken as it is read,
        # so the walk need not stat them (positional: as tests wrap find_files).
        walk = _triples(find_files(root, extensions, MAX_DEPTH, bool(state.items)))
    try:
        for article_id, size, mtime_ns in walk:
            state.total += 1
            if state.is_fresh(article_id, size, mtime_ns):
                continue
            pending.append(FoundFile(article_id, size, mtime_ns))
            stale += 1
            if pool is None and parallel and stale >= PARALLEL_THRESHOLD:
                pool = _Parallel(root)
            if pool is not None:
                if len(pending) >= CHUNK:
                    # Workers start on it now; their results are taken after the walk. Taken
                    # during it, they paced the walk with the app's work on each batch (the UI
                    # thread holds the GIL): a 20,000-file folder was listed only once nearly
                    # every file was parsed, too late to tell how many files there are.
                    pending = _submit(pool, pending, whole=True)
            elif len(pending) >= CHUNK // 4 and (stale == len(pending) or not parallel):
                # The first few are parsed here at once, to show rows without waiting for the
                # walk. Later ones wait, as listing is ~20 times faster than parsing: if there
                # are many, workers take them; if not, they are parsed here after the walk.
                yield state.take(parse_records(root, pending))
                pending = []
        # The walk is done: from here on every update says how many files there are.
        state.walked = True
        yield IndexUpdate(done=state.done, total=state.total)
        if pool is not None:
            _submit(pool, pending, whole=False)
            for records, packed in pool.ready(wait=True):
                yield state.take(records, packed)
        else:
            for start in range(0, len(pending), CHUNK // 4):
                yield state.take(parse_records(root, pending[start : start + CHUNK // 4]))
    finally:
        if pool is not None:
            pool.close()
        if ahead is not None:
            ahead.close()
    yield state.finish(save=use_cache, settle=settle)


def _triples(found: Iterable[FoundFile]) -> Iterator[tuple[str, int, int]]:
    for f in found:
        yield f.id, f.size, f.mtime_ns


def _cache_size(root: Path) -> int:
    try:
        return cache_path(root).stat().st_size
    except OSError:
        return 0


def _walk_into(conn: Connection, root: str, extensions: tuple[str, ...]) -> None:
    """In the walking process: list the folder, send (id, size, mtime_ns) of every file."""
    try:
        found = tuple((f.id, f.size, f.mtime_ns) for f in find_files(Path(root), extensions))
        conn.send_bytes(marshal.dumps(found))
    except OSError:
        pass  # nobody listens any more (indexing was stopped): nothing to say, and no traceback
    finally:
        conn.close()


class _WalkAhead:
    """``find_files`` in another process, started now, its result taken later.

    A speed-up, never a dependency: if the process cannot start, dies, or sends anything but
    the expected list, :meth:`files` returns None and the caller walks the folder itself.
    """

    def __init__(self, root: Path, extensions: Iterable[str]) -> None:
        self.process: BaseProcess | None = None
        self.conn: Connection | None = None
        try:
            # fork is cheapest, but not from a process with threads (the app): a fork server then.
            method = "fork" if threading.active_count() == 1 else "forkserver"
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(["newsreader.reading.indexer"])
            receive, send = context.Pipe(duplex=False)
            wanted = tuple(ext.lower() for ext in extensions)
            process: BaseProcess = context.Process(  # type: ignore[attr-defined]
                target=_walk_into, args=(send, str(root), wanted), daemon=True
            )
            process.start()
            send.close()
            self.process, self.conn = process, receive
        except (OSError, ValueError, RuntimeError):
            pass

    def files(self) -> list[tuple[str, int, int]] | None:
        """Every file the walk found, in ``find_files`` order; None if the walk failed."""
        if self.conn is None or self.process is None:
            return None
        try:
            found = marshal.loads(self.conn.recv_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            found = None
        finally:
            self.close()
        if not isinstance(found, tuple) or not all(
            type(t) is tuple
            and len(t) == 3
            and type(t[0]) is str
            and type(t[1]) is int
            and type(t[2]) is int
            for t in found
        ):
            return None
        return list(found)

    def close(self) -> None:
        """Stop the walking process if it still runs (its result was taken, or never will be)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.process is not None:
            if self.process.is_alive():
                self.process.join(0.5)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join(1)
            self.process = None


def _submit(pool: _Parallel, files: list[FoundFile], whole: bool) -> list[FoundFile]:
    """Hand ``files`` to the workers in chunks; return what is left for a later, whole chunk."""
    start = 0
    while len(files) - start >= CHUNK or (not whole and start < len(files)):
        pool.submit(files[start : start + CHUNK])
        start += CHUNK
    return files[start:]


class _State:
    """What one indexing run knows: every file's item, and which of them the walk has seen."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: dict[str, Article | BadFile] = {}
        self.bad_sigs: dict[str, tuple[int, int]] = {}
        self.seen: set[str] = set()
        self.done = 0
        #: Files the walk found so far, and whether it is done (then ``total`` is all).
        self.total = 0
        self.walked = False
        self.changed = False
        self.frozen = False
        #: Workers' replies (records packed by marshal) and the ids in each: written to the
        #: cache as they are, instead of packing those articles again. Held until then: ~80 MB
        #: for a cold index of 100,000 files.
        self.packed: list[tuple[bytes, list[str]]] = []

    def load_cache(self) -> Iterator[IndexUpdate]:
        try:
            for chunk in load_cache(cache_path(self.root)):
                yield IndexUpdate(self._add(chunk))
        except (RecordError, CacheError):
            # Well-framed but wrong inside: forget everything it gave, rebuild from the files.
            removed = list(self.items)
            self.items.clear()
            self.bad_sigs.clear()
            yield IndexUpdate(removed=removed)

    def _add(
        self, records: list[Record], convert: Callable[[Record], Article | BadFile] = from_record
    ) -> list[Article | BadFile]:
        items = []
        for record in records:
            item = convert(record)
            if isinstance(item, BadFile):
                self.bad_sigs[item.id] = (record[2], record[3])
            self.items[item.id] = item
            items.append(item)
        self.keep(items)
        return items

    def keep(self, items: list[Article | BadFile]) -> None:
        """Leave a large batch of long-lived articles out of full collections (see
        :mod:`newsreader.reading.heap`). Measured at 100k: a warm start 3.4 s → 2.9 s, a cold one
        13.6 s → 11.5 s; the app's full collections 15–20 ms instead of 100–200 ms."""
        if len(items) >= FREEZE_BATCH:
            self.frozen = True
            heap.freeze()

    def is_fresh(self, article_id: str, size: int, mtime_ns: int) -> bool:
        """True (and counted) when the known item was read from the file as it is now."""
        item = self.items.get(article_id)
        if isinstance(item, Article):
            # A stamp begins with the packed size and mtime: one comparison of bytes.
            fresh = item.stamp.startswith(_SIGNATURE.pack(size, mtime_ns))
        else:
            fresh = self.bad_sigs.get(article_id) == (size, mtime_ns)
        if not fresh:
            return False
        self.seen.add(article_id)
        self.done += 1
        return True

    def peeked(self, records: list[Record]) -> IndexUpdate:
        """Records of files read before the walk: like cached ones, counted only once the walk
        finds them current (a file changed meanwhile is read again)."""
        self.changed = True  # the cache is written, even if the walk finds nothing else to read
        return IndexUpdate(self._add(records, from_fresh_record))

    def take(self, records: list[Record], packed: bytes | None = None) -> IndexUpdate:
        """Freshly parsed records (``packed``: as a worker sent them): remember them and make
        an update."""
        self.changed = True
        items = self._add(records, from_fresh_record)
        if packed is not None:
            self.packed.append((packed, [item.id for item in items]))
        self.seen.update(i.id for i in items)
        self.done += len(items)
        return IndexUpdate(items, done=self.done, total=self.total if self.walked else 0)

    def finish(self, save: bool, settle: bool = True) -> IndexUpdate:
        if self.frozen and settle:
            heap.settle()
        removed = [i for i in self.items if i not in self.seen]
        for article_id in removed:
            del self.items[article_id]
            self.bad_sigs.pop(article_id, None)
        notice = ""
        if save and (self.changed or removed):
            try:
                save_cache(cache_path(self.root), self._record_chunks())
            except OSError as exc:
                notice = f"could not save the index cache: {exc}"
        return IndexUpdate(
            removed=removed, done=self.done, finished=True, notice=notice, total=self.total
        )

    def _record_chunks(self) -> Iterator[list[Record] | bytes]:
        """The cache's chunks: the workers' replies as they came (packing 100,000 articles
        again took ~1 s), after the other articles, packed here with a small first chunk."""
        # Every id of a reply was seen by this walk (it was read in it), so none was removed.
        in_replies = {i for _, ids in self.packed for i in ids}
        items = [item for i, item in self.items.items() if i not in in_replies]
        # A small first chunk: a warm start shows its first rows after reading only that.
        starts = [0, *range(FIRST_BATCH, len(items), BATCH)] if items else []
        # pairwise, not zip with a shifted copy: with no items left (every file removed) there
        # are no chunks at all, and the cache is written as a bare header.
        for start, end in pairwise([*starts, len(items)]):
            yield [self._record(item) for item in items[start:end]]
        for packed, _ in self.packed:
            yield packed

    def _record(self, item: Article | BadFile) -> Record:
        if isinstance(item, BadFile):
            size, mtime = self.bad_sigs.get(item.id, (-1, -1))
            return to_record(item, FileStamp(size, mtime, b""))
        return to_record(item)
