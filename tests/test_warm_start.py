"""The warm start's fast paths build exactly what the slow, obvious paths build."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from newsreader.articles.model import Article, FileStamp, RelatedLink
from newsreader.reading.records import RecordError, from_record, to_record


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
