"""Unit tests of the facets of a view (newsreader.articles.facets): counts, timeline and query
terms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from newsreader.articles.facets import (
    MAX_DAYS,
    NONE,
    PROVIDER,
    STATE,
    TOPIC,
    TYPE,
    Timeline,
    add_term,
    count_published,
    facet_term,
    view_facets,
)
from newsreader.articles.model import Article, FileStamp
from newsreader.articles.query import parse_query


def article(
    n: int,
    *,
    provider: str = "Test Wire",
    topics: tuple[str, ...] = (),
    type_: str = "article",
    when: datetime | None = None,
    renders: bool = True,
) -> Article:
    """A small article; ``renders=False`` is ``published: false``."""
    return Article(
        f"{n}.md",
        FileStamp(0, 0, b""),
        title=f"Story {n}",
        provider=provider,
        domain="wire.example",
        topics=topics,
        type=type_,
        date=when,
        renders=renders,
        flag=renders,
        has_flag=True,
    )


DAY = datetime(2023, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def rows() -> list[Article]:
    """Five articles: two providers, overlapping topics, one video, two unpublished."""
    return [
        article(1, provider="Alpha", topics=("AI", "Chips"), when=DAY),
        article(2, provider="Alpha", topics=("AI",), when=DAY, renders=False),
        article(3, provider="Beta", topics=("AI", "AI"), when=DAY + timedelta(days=2)),
        article(4, provider="", topics=(), type_="video", when=None, renders=False),
        article(5, provider="Beta", topics=("Chips",), when=DAY + timedelta(days=2)),
    ]


def test_counts_by_facet(rows: list[Article]) -> None:
    facets = view_facets(rows)
    assert facets is not None
    assert (facets.total, facets.published, facets.unpublished) == (5, 3, 2)
    assert count_published(rows) == 3
    # Most first, then by name; an article without a provider counts under its domain.
    assert facets.providers == (("Alpha", 2), ("Beta", 2), ("wire.example", 1))
    # A topic listed twice in one article counts that article once.
    assert facets.topics == (("AI", 3), ("Chips", 2))
    assert facets.types == (("article", 4), ("video", 1))
    assert facets.more == (0, 0, 0)


def test_top_counts_the_rest_as_more(rows: list[Article]) -> None:
    facets = view_facets(rows, top=1)
    assert facets is not None
    assert facets.providers == (("Alpha", 2),)
    assert facets.more == (2, 1, 1)


def test_timeline_per_utc_day(rows: list[Article]) -> None:
    facets = view_facets(rows)
    assert facets is not None
    timeline = facets.timeline
    assert timeline.first == date(2023, 3, 1) and timeline.last == date(2023, 3, 3)
    assert timeline.counts == (2, 0, 2)
    assert (timeline.earlier, timeline.undated) == (0, 1)


def test_timeline_reads_offsets_as_utc() -> None:
    # 23:30 at UTC-2 is 01:30 the next day in UTC, as date:2023-03-02 reads it.
    late = datetime(2023, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    facets = view_facets([article(1, when=late), article(2, when=DAY.replace(tzinfo=None))])
    assert facets is not None
    assert facets.timeline.first == date(2023, 3, 1)
    assert facets.timeline.counts == (1, 1)


def test_timeline_keeps_the_newest_days_whatever_the_dates() -> None:
    edges = [
        article(1, when=datetime(1, 1, 1, tzinfo=UTC)),
        article(2, when=datetime(9999, 12, 31, 23, 59, tzinfo=UTC)),
        article(3, when=DAY),
    ]
    facets = view_facets(edges)
    assert facets is not None
    timeline = facets.timeline
    assert len(timeline.counts) == MAX_DAYS
    assert timeline.last == date(9999, 12, 31)
    assert timeline.earlier == 2


@pytest.mark.parametrize(
    ("counts", "width", "bins"),
    [
        ((1, 2, 3), 10, [1, 2, 3]),
        ((1, 2, 3, 4), 2, [3, 7]),
        ((1, 1, 1, 1, 1), 2, [2, 3]),
        ((), 5, []),
        ((4,), 0, []),
    ],
)
def test_timeline_bins_sum_days(counts: tuple[int, ...], width: int, bins: list[int]) -> None:
    assert Timeline(date(2023, 1, 1), counts).bins(width) == bins
    assert sum(bins) == (sum(counts) if width else 0)


def test_cancelled_count_gives_nothing(rows: list[Article]) -> None:
    assert view_facets(rows, cancelled=lambda: True) is None


TERMS = [
    (PROVIDER, "Alpha", 'provider:"Alpha"'),
    (TOPIC, "AI in Autos", 'topic:"AI in Autos"'),
    (TOPIC, 'Say "hi" \\o/', 'topic:"Say \\"hi\\" \\\\o/"'),
    (TYPE, "video", "type:video"),
    (TYPE, "long read", 'type:"long read"'),
    (STATE, "published", "is:published"),
    (STATE, "unpublished", "is:unpublished"),
    (PROVIDER, NONE, None),
    (TYPE, NONE, None),
    (TOPIC, "two\nlines", None),
    (STATE, "maybe", None),
]


@pytest.mark.parametrize(("kind", "value", "term"), TERMS)
def test_facet_terms(kind: str, value: str, term: str | None) -> None:
    assert facet_term(kind, value) == term


def test_facet_terms_keep_what_the_facet_counted() -> None:
    # Markup-looking and quoted values round-trip through the query language.
    odd = [
        article(1, provider="[b]Bold[/b] Times", topics=('Say "hi" \\o/',), type_="long read"),
        article(2, provider="Plain", topics=("Other",), renders=False),
    ]
    facets = view_facets(odd)
    assert facets is not None
    for kind, rows in ((PROVIDER, facets.providers), (TOPIC, facets.topics), (TYPE, facets.types)):
        for value, count in rows:
            term = facet_term(kind, value)
            assert term is not None
            assert len(parse_query(term).filter(odd)) == count, term
    assert len(parse_query("is:unpublished").filter(odd)) == facets.unpublished


ADD = [
    ("", "type:video", "type:video"),
    ("  ai ", "type:video", "ai type:video"),
    ("ai OR chips", "type:video", "(ai OR chips) type:video"),
    ("ai type:video", "type:video", "ai type:video"),
    ('provider:"A B"', 'provider:"A B"', 'provider:"A B"'),
    ("NOR", "is:published", "NOR is:published"),
]


@pytest.mark.parametrize(("query", "term", "result"), ADD)
def test_add_term(query: str, term: str, result: str) -> None:
    assert add_term(query, term) == result
    parse_query(result)  # still a valid query
