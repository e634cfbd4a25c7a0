"""Query.first: the first screen of a filter is a prefix of the whole result, for every query
and sort, and holds what the screen needs (enough rows, the kept article and rows after it)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.articles.index import SORT_KEYS, sort_articles
from newsreader.articles.model import Article, FileStamp
from newsreader.articles.query import Query, parse_query

STAMP = FileStamp(0, 0, b"")
WORDS = ["alpha", "beta", "gamma", "delta", "zürich", "fo", "food", "form", "calls", "malley"]
PROVIDERS = ["WBOY", "Auto News", "", "Daily Café"]


def _corpus(count: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    start = datetime(2021, 1, 1, tzinfo=UTC)
    articles = []
    for i in range(count):
        # "malley" is rare, "fo" a common start: the shapes the bench times.
        title = " ".join(rng.choice(WORDS[:-1]) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.02:
            title += " malley"
        articles.append(
            Article(
                id=f"{i:05d}.md",
                stamp=STAMP,
                title=title,
                excerpt=rng.choice(["", "the food was fine", "calls for more"]),  # type: ignore[arg-type]
                provider=rng.choice(PROVIDERS),
                domain=rng.choice(["wboy.com", "news.example", ""]),
                topics=tuple(rng.sample(["AI", "Autos", "Energy"], rng.randint(0, 2))),
                quality=rng.choice([None, 10, 40, 40, 90]),
                heat=rng.choice([None, -1, 5, 50]),
                date=rng.choice([None, start + timedelta(hours=rng.randint(0, 20_000))]),
                flag=rng.random() < 0.5,
                has_flag=True,
            )
        )
    return articles


ARTICLES = _corpus(3000, 12)
QUERIES = [
    "",
    "calls",
    "malley",
    "fo",
    "zurich",
    "nowhere",
    "alpha beta",
    "-alpha",
    "alpha OR malley",
    "topic:AI",
    "is:unpublished",
    "quality>=40",
    "provider:wboy fo",
    "~mly",
    "date>=2022 food",
    "(beta OR gamma) -delta",
]
SORTS = [(key, reverse) for key in SORT_KEYS for reverse in (False, True)]
SORTED = {sort: sort_articles(ARTICLES, *sort) for sort in SORTS}


def _check(
    query: Query, rows: list[Article], want: int, through: Article | None, after: int
) -> None:
    full = query.filter(rows)
    first = query.first(rows, want, through=through, after=after)
    assert first is not None  # no budget: never given up
    assert first.rows == full[: len(first.rows)], "not a prefix of the whole result"
    if first.complete:
        assert first.rows == full
        return
    assert len(first.rows) >= want
    if through is not None and query.matches(through):
        at = next(i for i, a in enumerate(first.rows) if a is through)
        assert len(first.rows) - at - 1 >= after


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("sort", SORTS, ids=[f"{k}{'-r' if r else ''}" for k, r in SORTS])
def test_first_is_a_prefix_of_the_whole_result(text: str, sort: tuple[str, bool]) -> None:
    query, rows = parse_query(text), SORTED[sort]
    full = query.filter(rows)
    for want in (0, 1, 40, 500, len(rows) + 1):
        _check(query, rows, want, None, 0)
    # The kept article: one that matches (the cursor goes there), deep in the list or not, and
    # one that does not (then only ``want`` counts).
    for through in [*full[:1], *full[len(full) // 2 : len(full) // 2 + 1], *full[-1:], rows[7]]:
        _check(query, rows, 60, through, 45)


@pytest.mark.parametrize("text", ["calls", "fo", "", "-alpha", "topic:AI"])
def test_a_screen_of_a_common_word_scans_little(text: str) -> None:
    """The point of it: a common word's first screen is found near the top (the rest is left
    for later), so the first screen costs the same in a folder of any size."""
    query, rows = parse_query(text), SORTED["date", False]
    first = query.first(rows, 60, budget=len(rows) // 2)
    assert first is not None and not first.complete
    assert len(first.rows) < len(query.filter(rows))


def test_a_budget_gives_up_on_a_rare_word() -> None:
    rows = SORTED["date", False]
    assert parse_query("nowhere").first(rows, 60, budget=1000) is None
    # ... but the scan that reaches the end within its budget is the whole (empty) result.
    whole = parse_query("nowhere").first(rows, 60, budget=len(rows))
    assert whole is not None and whole.complete and whole.rows == []


@settings(max_examples=150, deadline=None)
@given(
    text=st.lists(st.sampled_from([*QUERIES[1:], "food", "gam", "-fo", "OR"]), max_size=3).map(
        " ".join
    ),
    sort=st.sampled_from(SORTS),
    want=st.integers(0, 400),
    after=st.integers(0, 200),
    through_at=st.none() | st.integers(0, len(ARTICLES) - 1),
)
def test_first_is_a_prefix_for_any_query(
    text: str, sort: tuple[str, bool], want: int, after: int, through_at: int | None
) -> None:
    try:
        query = parse_query(text)
    except ValueError:  # "OR" at an end: not a query
        return
    rows = SORTED[sort]
    _check(query, rows, want, None if through_at is None else rows[through_at], after)
