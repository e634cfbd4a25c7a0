"""The warm start's fast paths build exactly what the slow, obvious paths build."""

from __future__ import annotations

import dataclasses
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import Article, FileStamp, RelatedLink
from newsreader.reading import indexer
from newsreader.reading.indexer import _WalkAhead, index_updates
from newsreader.reading.loader import DEFAULT_EXTENSIONS, find_files
from newsreader.reading.records import RecordError, from_fresh_record, from_record, to_record
from newsreader.samplegen import generate_corpus


def full_article(**changes: object) -> Article:
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    article = Article(
        id="a/b.md",
        stamp=FileStamp(12, 34, b"digest"),
        title="Title",
        excerpt="An excerpt",
        date=when,
        date_raw="2026-01-02T03:04:00Z",
        provider="Provider",
        domain="example.com",
        topics=("AI", "Chips"),
        type="article",
        category="news",
        quality=7,
        heat=3,
        flag=True,
        has_flag=True,
        renders=True,
        site_time=1.5,
        site_problem="",
        web_url="https://example.com/a",
        original_url="https://example.com/a",
        amp_url="https://example.com/amp",
        cdn_amp_url="https://cdn.example.com/a",
        image_count=2,
        related=(RelatedLink("R", ("https://x.example/r",), "X", "x.example", when, 4),),
        warnings=("a warning",),
    )
    return dataclasses.replace(article, **changes) if changes else article


@pytest.mark.parametrize(
    "changes",
    [{}, {"date": None, "quality": None, "flag": None, "topics": (), "related": ()}],
)
def test_an_article_from_its_record_equals_it_in_every_field(changes: dict[str, object]) -> None:
    article = full_article(**changes)
    restored = from_record(to_record(article))
    assert isinstance(restored, Article)
    for f in dataclasses.fields(Article):
        assert getattr(restored, f.name) == getattr(article, f.name), f.name
    assert restored == article


@pytest.mark.parametrize(
    "changes",
    [{}, {"date": None, "quality": None, "flag": None, "topics": (), "related": ()}],
)
def test_a_fresh_record_gives_what_a_cached_one_gives(changes: dict[str, object]) -> None:
    """Records just made here or by a worker skip the cache's checks, and nothing else."""
    record = to_record(full_article(**changes))
    fresh, checked = from_fresh_record(record), from_record(record)
    assert isinstance(fresh, Article) and isinstance(checked, Article)
    for f in dataclasses.fields(Article):
        assert getattr(fresh, f.name) == getattr(checked, f.name), f.name
    assert fresh.original_url is fresh.web_url
    assert fresh.topics is checked.topics


def test_every_record_of_a_folder_gives_the_same_item_fresh_or_cached(tmp_path: Path) -> None:
    generate_corpus(tmp_path, 60, seed=5)
    (tmp_path / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    records = indexer.parse_records(tmp_path, find_files(tmp_path))
    assert any(r[0] != 0 for r in records)  # a bad file too
    assert [from_fresh_record(r) for r in records] == [from_record(r) for r in records]


def test_a_record_made_without_the_article_is_the_articles_record(tmp_path: Path) -> None:
    """Workers make each record straight from the file's fields: the same record as the
    article built from them gives."""
    from newsreader.reading.loader import load_file, read_file
    from newsreader.reading.parsing import parse_summary
    from newsreader.reading.records import article_record

    generate_corpus(tmp_path, 80, seed=9)
    made, built = [], []
    for found in find_files(tmp_path):
        got = read_file(tmp_path, found.id)
        assert isinstance(got, tuple)
        summary = parse_summary(found.id, got[0])
        article = load_file(tmp_path, found.id)
        if isinstance(summary, tuple):
            assert isinstance(article, Article)
            made.append(article_record(found.id, got[1], summary))
            built.append(to_record(article))
        else:
            assert summary == article  # the same bad file
    assert len(made) > 40 and made == built


def test_a_record_shares_what_the_constructor_shares() -> None:
    restored = from_record(to_record(full_article()))
    assert isinstance(restored, Article)
    assert restored.original_url is restored.web_url
    twin = from_record(to_record(full_article(id="other.md")))
    assert isinstance(twin, Article)
    assert twin.topics is restored.topics


def test_a_record_with_no_search_text_gets_one() -> None:
    record = list(to_record(full_article()))
    record[6] = ""
    restored = from_record(tuple(record))
    assert isinstance(restored, Article)
    assert (
        restored.search
        == Article(
            "x", FileStamp(0, 0, b""), title="Title", provider="Provider", domain="example.com"
        ).search
    )


@pytest.mark.parametrize("field_index", [14, 15, 19])
def test_a_boolean_where_a_number_belongs_is_refused(field_index: int) -> None:
    record = list(to_record(full_article()))
    record[field_index] = True
    with pytest.raises(RecordError):
        from_record(tuple(record))


# --- the walk ahead: the folder listed in another process while the cache is unpacked -------


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    generate_corpus(folder, 60, seed=5)
    (folder / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    return folder


def _index(folder: Path) -> ArticleIndex:
    index = ArticleIndex(folder)
    for update in index_updates(folder):
        index.add_all(update.items)
        for article_id in update.removed:
            index.discard(article_id)
    return index


def _state(index: ArticleIndex) -> dict[str, object]:
    return {a.id: a for a in index.articles} | {b.id: b for b in index.bad}


def test_the_walk_ahead_lists_what_find_files_lists(corpus: Path) -> None:
    (corpus / ".hidden.md").write_text("---\ntitle: x\n---\n")
    (corpus / "notes.json").write_text("{}")
    found = _WalkAhead(corpus, DEFAULT_EXTENSIONS).files()
    assert found == [(f.id, f.size, f.mtime_ns) for f in find_files(corpus)]


def test_a_warm_start_with_the_walk_ahead_sees_every_change(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer, "WALK_AHEAD_BYTES", 0)
    started: list[object] = []
    real = indexer._WalkAhead

    def spy(*args: object) -> object:
        started.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(indexer, "_WalkAhead", spy)
    _index(corpus)  # cold: writes the cache
    assert not started  # no cache yet: nothing to unpack meanwhile
    victim = sorted(p for p in corpus.glob("*.md") if p.name != "broken.md")[0]
    victim.unlink()
    (corpus / "new.md").write_text('---\ntitle: "Brand new"\n---\n', encoding="utf-8")
    warm = _index(corpus)
    assert started
    assert _state(warm) == _state(_index_cold(corpus))
    assert warm.get("new.md") is not None and warm.get(victim.name) is None


def _index_cold(folder: Path) -> ArticleIndex:
    index = ArticleIndex(folder)
    for update in index_updates(folder, use_cache=False):
        index.add_all(update.items)
    return index


def test_a_failed_walk_ahead_falls_back_to_walking_here(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer, "WALK_AHEAD_BYTES", 0)
    _index(corpus)

    def broken(conn: Any, root: str, extensions: tuple[str, ...]) -> None:
        conn.send_bytes(b"not marshal at all")
        conn.close()

    monkeypatch.setattr(indexer, "_walk_into", broken)
    assert _WalkAhead(corpus, DEFAULT_EXTENSIONS).files() is None
    (corpus / "late.md").write_text('---\ntitle: "Late"\n---\n', encoding="utf-8")
    warm = _index(corpus)
    assert _state(warm) == _state(_index_cold(corpus))


def test_indexing_stopped_early_leaves_no_walking_process(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer, "WALK_AHEAD_BYTES", 0)
    monkeypatch.setattr(indexer, "FIRST_BATCH", 5)
    monkeypatch.setattr(indexer, "BATCH", 5)
    _index(corpus)
    (corpus / "changed.md").write_text('---\ntitle: "Changed"\n---\n', encoding="utf-8")
    _index(corpus)  # a cache of several chunks, written from this process's own records
    updates = index_updates(corpus)
    next(updates)
    next(updates)  # the walk ahead has started
    assert multiprocessing.active_children()
    updates.close()
    assert not multiprocessing.active_children()


def _answers(index: ArticleIndex) -> object:
    articles = index.articles
    return (
        [a.id for a in articles],
        index.counts(),
        index.counts(articles),
        [a.id for a in index.misread],
        [b.id for b in index.bad],
        {
            a.id: [(r.index, getattr(r.target, "id", None)) for r in index.resolve(a)]
            for a in articles
        },
        {a.id: [b.id for b in index.backlinks(a.id)] for a in articles},
        {u: getattr(index.by_url(u), "id", None) for a in articles for u in a.urls},
    )


@pytest.mark.parametrize("links_first", [False, True])
def test_add_all_answers_as_one_add_at_a_time(corpus: Path, links_first: bool) -> None:
    items = [item for update in index_updates(corpus, use_cache=False) for item in update.items]
    # Again, changed: a file read twice (replaced), a bad file that became an article.
    again = [dataclasses.replace(a, title="again") for a in items[:3] if isinstance(a, Article)]
    one, many = ArticleIndex(corpus), ArticleIndex(corpus)
    if links_first:
        for index in (one, many):
            index.add(items[0])
            index.by_url("https://nowhere.example/")  # the URL map now exists: kept current
    for item in [*items, *again]:
        one.add(item)
    many.add_all([*items[: len(items) // 2]])
    many.add_all([*items[len(items) // 2 :], *again])
    assert _answers(many) == _answers(one)


@pytest.mark.parametrize(
    ("field_index", "value"),
    [(11, ("AI", 3)), (11, ["AI"]), (18, ("a", "b", "c", b"d")), (21, (None,)), (11, "AI")],
)
def test_a_tuple_of_strings_with_anything_else_in_it_is_refused(
    field_index: int, value: object
) -> None:
    record = list(to_record(full_article()))
    record[field_index] = value
    with pytest.raises(RecordError):
        from_record(tuple(record))


def test_a_related_link_with_a_field_of_the_wrong_type_is_refused() -> None:
    record = list(to_record(full_article()))
    title, urls, provider, domain, when, quality = record[20][0]
    for link in [
        (title, urls, 7, domain, when, quality),
        (title, ("u", 1), provider, domain, when, quality),
    ]:
        record[20] = (link,)
        with pytest.raises(RecordError):
            from_record(tuple(record))
