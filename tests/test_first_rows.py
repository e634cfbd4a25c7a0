"""The first rows come first: a cold start reads a few files before walking the folder, and the
app paints the first rows before indexing reads on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.articles.index import ArticleIndex
from newsreader.reading import indexer
from newsreader.reading.indexer import IndexUpdate, index_updates
from newsreader.reading.loader import find_files, first_files
from newsreader.samplegen import generate_corpus
from newsreader.tui import workers
from newsreader.tui.app import make_app
from tests.apphelpers import DATE_ORDER, TITLES, A, current, ids, wait_until, write_small_folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    generate_corpus(folder, 40, seed=3)
    (folder / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    (folder / "deeper" / "still").mkdir(parents=True)
    (folder / "deeper" / "still" / "late.md").write_text('---\ntitle: "Deep"\n---\n')
    (folder / "deeper" / "zed.md").write_text('---\ntitle: "Deeper"\n---\n')
    (folder / "aa").mkdir()
    (folder / "aa" / "x.md").write_text('---\ntitle: "First folder"\n---\n')
    (folder / ".hidden.md").write_text('---\ntitle: "Hidden"\n---\n')
    (folder / "notes.json").write_text("{}")
    return folder


def test_first_files_are_files_find_files_finds(corpus: Path) -> None:
    every = list(find_files(corpus))
    for limit in (1, 7, len(every), len(every) + 10):
        found = first_files(corpus, limit=limit)
        assert len(found) == min(limit, len(every))
        assert len({f.id for f in found}) == len(found)
        assert set(found) <= set(every)  # same ids, sizes and mtimes; hidden and .json left out
        assert found == sorted(found, key=every.index)  # in walk order
    assert first_files(corpus, limit=len(every)) == every
    assert not first_files(corpus / "missing", limit=5)


def _run(updates: Iterator[IndexUpdate]) -> tuple[ArticleIndex, list[str], list[IndexUpdate]]:
    """Apply updates as the app does; also every item id in the order yielded."""
    index, seen, kept = None, [], []
    for update in updates:
        if index is None:
            index = ArticleIndex(Path("/"))
        index.add_all(update.items)
        for article_id in update.removed:
            index.discard(article_id)
        seen += [item.id for item in update.items]
        kept.append(update)
    assert index is not None
    return index, seen, kept


def _state(index: ArticleIndex) -> dict[str, object]:
    return {a.id: a for a in index.articles} | {b.id: b for b in index.bad}


def test_a_peeked_cold_start_indexes_what_a_plain_one_does(corpus: Path) -> None:
    plain, _, _ = _run(index_updates(corpus, use_cache=False))
    peeked, seen, updates = _run(index_updates(corpus, use_cache=False, peek=5))
    assert _state(peeked) == _state(plain)
    # The first update is the peek: five files, counted (done) only once the walk finds them.
    assert len(updates[0].items) == 5 and updates[0].done == 0 and not updates[0].total
    assert len(seen) == len(set(seen))  # the walk did not read the peeked files again
    files = len(list(find_files(corpus)))
    assert updates[-1].finished and updates[-1].done == updates[-1].total == files


def test_a_file_changed_after_the_peek_is_read_again(corpus: Path) -> None:
    updates = index_updates(corpus, use_cache=False, peek=3)
    first = next(updates)
    changed = first.items[0].id
    (corpus / changed).write_text('---\ntitle: "Rewritten meanwhile, longer"\n---\n')
    index, _, _ = _run(updates)
    article = index.get(changed)
    assert article is not None and article.title == "Rewritten meanwhile, longer"


def test_a_peeked_cold_start_writes_the_cache(corpus: Path) -> None:
    # Every file is peeked: the walk reads nothing, and the cache must be written all the same.
    _run(index_updates(corpus, peek=1000))
    _, _, warm = _run(index_updates(corpus, peek=1000))
    assert warm[0].items and not [u for u in warm if u.done and u.items]  # all from the cache


def test_a_warm_start_does_not_peek(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(index_updates(corpus))
    peeks: list[int] = []

    def spy(*args: object, **kwargs: object) -> list[object]:
        peeks.append(1)
        return []

    monkeypatch.setattr(indexer, "first_files", spy)
    _run(index_updates(corpus, peek=10))
    assert not peeks  # cached rows come first; nothing to peek for


async def test_the_first_rows_are_painted_before_indexing_reads_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An indexing source that blocks after its first batch: the rows of that batch are on
    screen meanwhile, and indexing was held until they were painted."""
    folder = write_small_folder(tmp_path / "news")
    monkeypatch.setattr(workers, "FIRST_ROWS", 2)
    monkeypatch.setattr(workers, "FIRST_PAINT_WAIT", 60.0)  # no time-out: the paint releases it
    release = threading.Event()
    painted_when_resumed: list[bool] = []
    app = make_app(folder)
    real = workers.index_updates

    def blocking(*args: object, **kwargs: object) -> Iterator[IndexUpdate]:
        updates = real(*args, **kwargs)  # type: ignore[arg-type]
        yield next(updates)
        painted_when_resumed.append(app.main.rows_painted.is_set())
        release.wait(30)
        yield from updates

    monkeypatch.setattr(workers, "index_updates", blocking)
    try:
        async with app.run_test(size=(140, 30)) as pilot:
            screen = app.main
            await wait_until(pilot, lambda: bool(painted_when_resumed))
            assert painted_when_resumed == [True]
            assert screen.indexing and not screen.indexed.is_set()
            shown = ids(screen)
            assert len(shown) == 2 and set(shown) <= set(DATE_ORDER)
            top = screen.articles.render_line(1).text  # line 0 is the header
            assert TITLES[shown[0]] in top
            release.set()
            await wait_until(pilot, screen.indexed.is_set)
            assert ids(screen) == DATE_ORDER
            assert current(screen) == A  # the cursor starts on the newest story
    finally:
        release.set()
