"""The watcher, the summary cache and the streaming indexer: correctness, not speed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import Article, BadFile
from newsreader.reading.cache import MAGIC, CacheError, cache_path, load_cache, save_cache
from newsreader.reading.indexer import IndexUpdate, index_updates
from newsreader.reading.loader import FoundFile, find_files
from newsreader.reading.records import RecordError, from_record, to_record
from newsreader.reading.watcher import FolderWatcher
from newsreader.samplegen import generate_corpus

ARTICLE = '---\ntitle: "{title}"\nwebUrl: https://example.com/{slug}\npublished: false\n---\n'


def write(folder: Path, name: str, title: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE.format(title=title, slug=name), encoding="utf-8")
    return path


def run(folder: Path, **kwargs: bool) -> tuple[ArticleIndex, list[IndexUpdate]]:
    index = ArticleIndex(folder)
    updates = list(index_updates(folder, **kwargs))
    for update in updates:
        index.add_all(update.items)
        for article_id in update.removed:
            index.discard(article_id)
    return index, updates


def cached_records(path: Path) -> list[object]:
    """Every record a cache file gives, or [] when it is not to be trusted."""
    try:
        return [r for chunk in load_cache(path) for r in chunk]
    except CacheError:
        return []


def snapshot(index: ArticleIndex) -> dict[str, object]:
    return {a.id: a for a in index.articles} | {b.id: b for b in index.bad}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    generate_corpus(folder, 60, seed=3)
    (folder / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    return folder


def test_cache_round_trip_equals_cold_index(corpus: Path) -> None:
    cold, _ = run(corpus, use_cache=False)
    first, _ = run(corpus)
    warm, updates = run(corpus)
    assert snapshot(first) == snapshot(cold) == snapshot(warm)
    assert cache_path(corpus).exists()
    # A warm start parses nothing: every file comes from the first (cached) batches.
    assert sum(u.done for u in updates if u.items) == 0
    assert len(warm.bad) == 1


def test_stale_cache_rereads_changed_added_and_removed(corpus: Path) -> None:
    run(corpus)
    victim = sorted(p for p in corpus.rglob("*.md"))[0]
    victim_id = victim.relative_to(corpus).as_posix()
    write(corpus, victim_id, "Rewritten title")
    os.utime(victim, ns=(1, 1))
    write(corpus, "new/added.md", "Added while closed")
    gone = sorted(corpus.rglob("*.txt"))[0]
    gone.unlink()
    index, updates = run(corpus)
    assert index.get(victim_id).title == "Rewritten title"  # type: ignore[union-attr]
    assert index.get("new/added.md") is not None
    assert gone.relative_to(corpus).as_posix() in updates[-1].removed
    assert snapshot(index) == snapshot(run(corpus, use_cache=False)[0])


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],
        lambda b: b[:-1] + bytes([b[-1] ^ 0xFF]),
        lambda b: b"not a cache at all",
        lambda b: MAGIC + b"x" * 100,
        lambda b: b"",
    ],
    ids=["truncated", "flipped-byte", "foreign", "bad-header", "empty"],
)
def test_corrupt_cache_is_ignored_and_rebuilt(corpus: Path, damage: object) -> None:
    cold, _ = run(corpus, use_cache=False)
    run(corpus)
    path = cache_path(corpus)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert cached_records(path) == []
    index, _ = run(corpus)
    assert snapshot(index) == snapshot(cold)
    assert cached_records(path)  # rebuilt


def test_cache_with_valid_frame_but_foreign_records_is_not_trusted(corpus: Path) -> None:
    path = cache_path(corpus)
    save_cache(path, [[(0, "x.md", 1, 1, b"", 42)]])
    cold, _ = run(corpus, use_cache=False)
    index, _ = run(corpus)
    assert snapshot(index) == snapshot(cold)


def test_record_round_trip_and_validation(corpus: Path) -> None:
    index, _ = run(corpus, use_cache=False)
    for article in index.articles:
        assert from_record(to_record(article)) == article
    bad = index.bad[0]
    assert from_record(to_record(bad)) == bad
    with pytest.raises(RecordError):
        from_record((0, "x", 1, 2))
    with pytest.raises(RecordError):
        from_record((7,))


def test_file_added_during_indexing_is_picked_up_by_the_watcher(corpus: Path) -> None:
    index = ArticleIndex(corpus)
    watcher = FolderWatcher(corpus)
    watcher.mark_dirs()
    stream = index_updates(corpus, use_cache=False)
    index.add_all(next(stream).items)
    write(corpus, "late/arrival.md", "Arrived during indexing")
    for update in stream:
        index.add_all(update.items)
    watcher.set_files({a.id: a.stamp for a in index.articles})
    changed = watcher.poll().changed + watcher.poll().changed
    # The walk may or may not have seen it; either way the index learns of it.
    assert index.get("late/arrival.md") is not None or "late/arrival.md" in changed


def test_watcher_reports_settled_changes(tmp_path: Path) -> None:
    """Polling (no inotify): a change is reported once it looks the same on two polls."""
    write(tmp_path, "a.md", "A")
    write(tmp_path, "sub/b.md", "B")
    write(tmp_path, "c.md", "C")
    watcher = FolderWatcher(tmp_path, use_inotify=False)
    watcher.prime()
    assert not watcher.poll()
    write(tmp_path, "new.md", "New")
    write(tmp_path, "sub/deeper/d.md", "D")
    (tmp_path / "c.md").unlink()
    with open(tmp_path / "a.md", "a", encoding="utf-8") as f:
        f.write("body appended in place\n")
    (tmp_path / ".hidden.md").write_text("ignored")
    (tmp_path / "notes.json").write_text("{}")
    assert not watcher.poll()  # seen once: not settled yet
    settled = watcher.poll()
    assert sorted(settled.changed) == ["a.md", "new.md", "sub/deeper/d.md"]
    assert settled.removed == ["c.md"]
    assert not watcher.poll()


def test_watcher_removed_folder(tmp_path: Path) -> None:
    write(tmp_path, "sub/b.md", "B")
    write(tmp_path, "keep.md", "K")
    watcher = FolderWatcher(tmp_path, use_inotify=False)
    watcher.prime()
    (tmp_path / "sub/b.md").unlink()
    (tmp_path / "sub").rmdir()
    watcher.poll()
    assert watcher.poll().removed == ["sub/b.md"]


def test_index_update_items_are_articles_or_bad_files(corpus: Path) -> None:
    _, updates = run(corpus, use_cache=False)
    assert updates[-1].finished
    assert all(isinstance(i, (Article, BadFile)) for u in updates for i in u.items)


def test_corruption_in_a_later_chunk_drops_what_the_cache_gave(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.reading.indexer

    monkeypatch.setattr(newsreader.reading.indexer, "BATCH", 10)  # several chunks
    monkeypatch.setattr(newsreader.reading.indexer, "FIRST_BATCH", 5)
    cold, _ = run(corpus, use_cache=False)
    run(corpus)
    path = cache_path(corpus)
    data = path.read_bytes()
    path.write_bytes(data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:])
    index, updates = run(corpus)
    assert any(u.removed for u in updates[:-1])  # the good chunks' items were taken back
    assert snapshot(index) == snapshot(cold)


def test_worker_processes_give_the_same_index(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.reading.indexer

    # The pool starts with 26 files waiting (the first 4 are parsed here): chunks of 8 and a rest.
    monkeypatch.setattr(newsreader.reading.indexer, "PARALLEL_THRESHOLD", 30)
    monkeypatch.setattr(newsreader.reading.indexer, "CHUNK", 8)
    started: list[object] = []
    real = newsreader.reading.indexer._Parallel
    monkeypatch.setattr(
        newsreader.reading.indexer, "_Parallel", lambda root: started.append(root) or real(root)
    )
    serial, _ = run(corpus, use_cache=False, parallel=False)
    parallel, updates = run(corpus, use_cache=False, parallel=True)
    assert started, "the worker pool was never used"
    assert snapshot(parallel) == snapshot(serial)
    assert all(len(u.items) <= 8 for u in updates)
    # The cache is written from the workers' replies as they came: it gives the same index.
    path = cache_path(corpus)
    assert not path.exists()  # use_cache=False neither reads nor writes it
    run(corpus, parallel=True)
    assert len(cached_records(path)) == 61
    assert [len(chunk) for chunk in load_cache(path)].count(8) >= 2  # replies of 8 files each
    warm, warm_updates = run(corpus, parallel=True)
    assert snapshot(warm) == snapshot(serial)
    assert all(not u.items for u in warm_updates[len(list(load_cache(path))) :])  # all cached


@pytest.mark.parametrize("parallel", [False, True])
def test_first_rows_at_once_and_few_files_parsed_here(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    import newsreader.reading.indexer

    monkeypatch.setattr(newsreader.reading.indexer, "CHUNK", 16)  # batches of 4 parsed here
    listed = 0

    def counting(*args: object) -> Iterator[FoundFile]:
        nonlocal listed
        for f in find_files(*args):  # type: ignore[arg-type]
            listed += 1
            yield f

    monkeypatch.setattr(newsreader.reading.indexer, "find_files", counting)
    at = [(listed, len(u.items)) for u in index_updates(corpus, use_cache=False, parallel=parallel)]
    total = len(list(find_files(corpus)))
    batches = [a for a in at if a[1]]
    assert sum(n for _, n in batches) == total and all(n <= 4 for _, n in batches)
    assert batches[0] == (4, 4)  # the first rows do not wait for the walk
    if parallel:
        # Workers may still be wanted (here the folder turns out small): the rest waits for it.
        assert all(seen == total for seen, _ in batches[1:])
    else:
        assert batches[1] == (8, 4)  # no workers to come: parsed here as the walk goes


def test_a_failing_worker_pool_falls_back_to_parsing_here(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.reading.indexer

    class Broken:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise OSError("no processes here")

    monkeypatch.setattr(newsreader.reading.indexer, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(newsreader.reading.indexer, "ProcessPoolExecutor", Broken)
    serial, _ = run(corpus, use_cache=False, parallel=False)
    fallback, _ = run(corpus, use_cache=False, parallel=True)
    assert snapshot(fallback) == snapshot(serial)


@pytest.mark.parametrize("stat_all_below", [2000, 0], ids=["small-folder", "large-folder"])
def test_watcher_finds_the_same_changes_in_small_and_large_folders(
    tmp_path: Path, stat_all_below: int
) -> None:
    """A large folder listed again stats only new names; the sweep still finds edits."""
    for name in ("a.md", "b.md", "c.md"):
        write(tmp_path, name, name.upper())
    watcher = FolderWatcher(tmp_path, stat_all_below=stat_all_below, use_inotify=False)
    watcher.prime()
    write(tmp_path, "new.md", "New")
    (tmp_path / "c.md").unlink()
    with open(tmp_path / "a.md", "a", encoding="utf-8") as f:
        f.write("body appended in place\n")
    seen: dict[str, bytes | None] = {}
    watcher._rescan_dir("", seen)
    listed = {"a.md", "b.md", "new.md", "c.md"} if stat_all_below else {"new.md", "c.md"}
    assert set(seen) == listed  # a large folder leaves the known a.md to the sweep
    watcher.dirs[""] = 0  # list it again on the next poll, as the write did
    assert not watcher.poll()
    settled = watcher.poll()
    assert (sorted(settled.changed), settled.removed) == (["a.md", "new.md"], ["c.md"])


def test_the_cache_starts_with_a_small_chunk(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm start shows its first rows after reading only the first, small chunk."""
    import newsreader.reading.indexer

    monkeypatch.setattr(newsreader.reading.indexer, "FIRST_BATCH", 3)
    monkeypatch.setattr(newsreader.reading.indexer, "BATCH", 5)
    cold, _ = run(corpus, use_cache=False)
    run(corpus)
    sizes = [len(chunk) for chunk in load_cache(cache_path(corpus))]
    total = len(cold) + len(cold.bad)
    assert sizes[0] == 3 and all(size <= 5 for size in sizes) and sum(sizes) == total


def test_large_batches_are_frozen_out_of_full_collections(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles of a large batch are left out of the GC's collections; small batches are not."""
    import gc

    import newsreader.reading.indexer

    index, _ = run(corpus, use_cache=False)  # 61 files: one small batch, nothing frozen
    assert gc.get_freeze_count() == 0 and gc.is_tracked(index.articles[0])
    monkeypatch.setattr(newsreader.reading.indexer, "FREEZE_BATCH", 10)
    index, _ = run(corpus, use_cache=False)
    frozen = gc.get_freeze_count()
    assert frozen >= len(index)
    first = index.articles[0]
    assert gc.is_tracked(first) and not any(a is first for a in gc.get_objects())


def test_a_failed_save_keeps_the_old_cache_and_leaves_no_temp_file(corpus: Path) -> None:
    """Chunks are written as they come: a failure part-way leaves nothing half-written."""
    run(corpus)
    path = cache_path(corpus)
    before = path.read_bytes()
    records = cached_records(path)

    def chunks() -> Iterator[list[object]]:
        yield records[:3]
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_cache(path, chunks())  # type: ignore[arg-type]
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_cache_that_cannot_be_saved_is_a_notice_not_an_error(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.reading.indexer

    def refuse(path: Path, chunks: object) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(newsreader.reading.indexer, "save_cache", refuse)
    index, updates = run(corpus)
    assert len(index) + len(index.bad) == 61
    assert updates[-1].finished
    assert updates[-1].notice == "could not save the index cache: read-only file system"


def test_what_dies_while_frozen_is_collected_once_indexing_is_done(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A freeze also catches objects that die a moment later in a cycle: none of them leaks."""
    import gc
    import weakref

    import newsreader.reading.indexer

    monkeypatch.setattr(newsreader.reading.indexer, "CHUNK", 40)  # batches of 10 files, parsed here
    monkeypatch.setattr(newsreader.reading.indexer, "FREEZE_BATCH", 10)

    class Node:
        other: object = None

    node = Node()
    node.other = node  # a cycle: only a collection frees it
    dead = weakref.ref(node)
    updates = index_updates(corpus, use_cache=False)
    assert len(next(updates).items) == 10 and gc.get_freeze_count() > 0  # node is frozen now
    del node
    gc.collect()
    assert dead() is not None  # frozen: no collection sees it
    assert list(updates)[-1].finished
    assert dead() is None


WORKERS_UNDER_A_FAKE_STDERR = """
import sys
from pathlib import Path
from newsreader.reading.indexer import _Parallel, prepare_workers
from newsreader.reading.loader import find_files

class NoFile:  # as Textual's stderr inside the app: fileno() is -1
    def write(self, text): return len(text)
    def flush(self): pass
    def fileno(self): return -1

if sys.argv[2] == "prepared":
    prepare_workers()
sys.stderr = NoFile()
pool = _Parallel(Path(sys.argv[1]))
pool.submit(list(find_files(Path(sys.argv[1]))))
[(records, packed)] = list(pool.ready(wait=True))
pool.close()
print("worker" if packed is not None else "here", len(records))
"""


@pytest.mark.parametrize(("mode", "where"), [("prepared", "worker"), ("bare", "here")])
def test_workers_start_when_prepared_before_stderr_is_taken_over(
    corpus: Path, mode: str, where: str
) -> None:
    """The app calls prepare_workers() before Textual replaces stderr; without it, a pool
    cannot start its resource tracker and every chunk is parsed in the app's process."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", WORKERS_UNDER_A_FAKE_STDERR, str(corpus), mode],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == [where, "61"]


@pytest.mark.parametrize("parallel", [False, True])
def test_a_cold_index_keeps_each_bad_files_stat_without_statting_in_the_walk(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """A cold walk lists without stat-ing; a bad file's record still has its size and mtime
    (to know when to read it again), and a warm walk, which stats, finds it current."""
    import newsreader.reading.indexer

    monkeypatch.setattr(newsreader.reading.indexer, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(newsreader.reading.indexer, "CHUNK", 8)
    (corpus / "empty.md").write_bytes(b"")
    run(corpus, parallel=parallel)
    records = cached_records(cache_path(corpus))
    bad = {r[1]: (r[2], r[3]) for r in records if r[0] != 0}  # type: ignore[index]
    for name in ("broken.md", "empty.md"):
        st = (corpus / name).stat()
        assert bad[name] == (st.st_size, st.st_mtime_ns)
    _, warm = run(corpus, parallel=parallel)
    # Only the cached rows: every file, the bad ones too, is found current and not read again.
    assert sum(len(u.items) for u in warm) == len(records)
