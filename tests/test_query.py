"""Tests for the query language: every term kind, combinators, errors, and arbitrary input."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.articles.model import Article, FileStamp, RelatedLink, fold_text, search_text
from newsreader.articles.query import MAX_DEPTH, Query, QueryError, parse_query

STAMP = FileStamp(0, 0, b"")
EST = timezone(timedelta(hours=-5))


def _article(id: str, **fields: object) -> Article:
    return Article(id=id, stamp=STAMP, **fields)  # type: ignore[arg-type]


ARTICLES = [
    _article(
        "a1",
        title="Nvidia unveils new AI chip",
        excerpt="The chip targets data centres.",
        provider="WBOY",
        domain="wboy.com",
        topics=("AI",),
        type="article",
        category="news",
        quality=120,
        heat=50,
        date=datetime(2021, 12, 28, 2, 28, tzinfo=UTC),
        web_url="https://wboy.com/a1",
        image_count=2,
        related=(RelatedLink(title="Elsewhere"),),
        flag=True,
        has_flag=True,
    ),
    _article(
        "a2",
        title="Self-driving cars take the road",
        excerpt="An autonomous vehicle pilot starts in Ohio.",
        provider="Auto News",
        domain="autonews.example",
        topics=("AI in Autos",),
        type="video",
        category="news",
        quality=40,
        heat=-1,
        date=datetime(2022, 1, 1, 0, 0, tzinfo=UTC),
        flag=False,
        has_flag=True,
        renders=False,
    ),
    _article(
        "a3",
        title="Café Ünïcode Straße",
        excerpt="Ελληνικά κείμενα για την ΤΝ",
        provider="Le Monde",
        domain="lemonde.fr",
        topics=("AWS AI", "Power Apps"),
        type="Article",
        category="News",
        warnings=("date: not a date",),
    ),
    _article(
        "a4",
        title="Quarterly results",
        excerpt="Revenue grew or fell; nobody knows which.",
        provider="Reuters",
        domain="reuters.com",
        quality=39,
        heat=200,
        # 2021-11-30 23:30 in New York is 2021-12-01 04:30 UTC.
        date=datetime(2021, 11, 30, 23, 30, tzinfo=EST),
        original_url="https://reuters.com/q",
    ),
    _article(
        "a5",
        title="Year end review",
        excerpt="Looking back at the year in chips",
        provider="WBOY",
        domain="wboy.com",
        topics=("ai",),
        type="article",
        category="opinion",
        quality=40,
        heat=0,
        date=datetime(2021, 12, 31, 23, 59, 59, tzinfo=UTC),
        amp_url="https://wboy.com/amp/a5",
    ),
]
ALL = [a.id for a in ARTICLES]

CASES: list[tuple[str, list[str]]] = [
    # empty
    ("", ALL),
    ("   \t ", ALL),
    # free words and phrases
    ("chip", ["a1", "a5"]),
    ("CHIP", ["a1", "a5"]),
    ("nvidia chip", ["a1"]),
    ("wboy", ["a1", "a5"]),  # provider name
    ("reuters.com", ["a4"]),  # domain
    ("nvidia centres", ["a1"]),  # each word may match a different field
    ("nvidia ohio", []),
    ("or", ["a4"]),  # lowercase "or" is a word ("grew or fell")
    ('"grew or fell"', ["a4"]),
    ('"AI chip"', ["a1"]),
    ('"chip targets"', ["a1"]),
    ('"unveils chip"', []),
    ('"chip" nvidia', ["a1"]),
    ("straße", ["a3"]),
    ("STRASSE", []),  # lower(), not casefold()
    ("ünïcode", ["a3"]),
    ("ΕΛΛΗΝΙΚΆ", ["a3"]),
    ("café", ["a3"]),
    ("https://wboy.com", []),  # URL-like: a free word, not a field (urls are not searched)
    ("wboy.com", ["a1", "a5"]),
    # topic
    ("topic:AI", ["a1", "a5"]),
    ("topic:ai", ["a1", "a5"]),
    ("Topic:AI", ["a1", "a5"]),
    ("TOPIC=ai", ["a1", "a5"]),
    ('topic:"AI in Autos"', ["a2"]),
    ('topic:"ai in autos"', ["a2"]),
    ("topic:Autos", []),  # equality, not substring
    ('topic:"Power Apps"', ["a3"]),
    # provider, type, category
    ("provider:wboy", ["a1", "a5"]),
    ("provider:BOY", ["a1", "a5"]),
    ("provider:lemonde.fr", ["a3"]),
    ("provider:auto", ["a2"]),
    ('provider:"auto news"', ["a2"]),
    ("type:video", ["a2"]),
    ("type:article", ["a1", "a3", "a5"]),
    ("type:artic", []),
    ("category:news", ["a1", "a2", "a3"]),
    ("Category:OPINION", ["a5"]),
    # is / has
    ("is:published", ["a1", "a3", "a4", "a5"]),
    ("is:unpublished", ["a2"]),
    ("IS:Unpublished", ["a2"]),
    ("is:warned", ["a3"]),
    ("has:related", ["a1"]),
    ("has:images", ["a1"]),
    ("has:date", ["a1", "a2", "a4", "a5"]),
    ("has:url", ["a1", "a4", "a5"]),
    # numbers; a3 has neither quality nor heat and never matches
    ("quality>=40", ["a1", "a2", "a5"]),
    ("quality>40", ["a1"]),
    ("quality<=40", ["a2", "a4", "a5"]),
    ("quality<40", ["a4"]),
    ("quality=40", ["a2", "a5"]),
    ("quality:40", ["a2", "a5"]),
    ("quality:40.0", ["a2", "a5"]),
    ("quality>39.5", ["a1", "a2", "a5"]),
    ("quality<1000", ["a1", "a2", "a4", "a5"]),
    ("-quality<1000", ["a3"]),
    ("heat<0", ["a2"]),
    ("heat:-1", ["a2"]),
    ("heat>=-1", ["a1", "a2", "a4", "a5"]),
    ("heat>=+50", ["a1", "a4"]),
    ("Heat=0", ["a5"]),
    # dates, compared in UTC; a3 has no date and never matches
    ("date:2021", ["a1", "a4", "a5"]),
    ("date:2022", ["a2"]),
    ("date:2021-12", ["a1", "a4", "a5"]),  # a4 is November locally, December in UTC
    ("date:2021-11", []),
    ("date:2021-12-01", ["a4"]),
    ("date=2021-12-28", ["a1"]),
    ("date<2022", ["a1", "a4", "a5"]),
    ("date<=2021", ["a1", "a4", "a5"]),
    ("date>2021", ["a2"]),
    ("date>=2022-01-01", ["a2"]),
    ("date>=2021-12", ["a1", "a2", "a4", "a5"]),
    ("date>2021-12", ["a2"]),  # after the whole month
    ("date<2021-12", []),
    ("date<=2021-12-31", ["a1", "a4", "a5"]),  # the whole last day
    ("date<2021-12-31", ["a1", "a4"]),
    ("date>2021-12-28", ["a2", "a5"]),
    ("date>=2021-12-28", ["a1", "a2", "a5"]),
    ("date<1970", []),
    ("date>=9999", []),
    ("date<=9999", ["a1", "a2", "a4", "a5"]),
    ("date>9999-12", []),
    ("date:9999-12-31", []),
    ("-date<2022", ["a2", "a3"]),  # negation includes the undated article
    # negation
    ("-chip", ["a2", "a3", "a4"]),
    ("-topic:AI", ["a2", "a3", "a4"]),
    ('-"chip targets"', ["a2", "a3", "a4", "a5"]),
    ("-is:published", ["a2"]),
    ("chip -nvidia", ["a5"]),
    ("--driving", ["a1", "a3", "a4", "a5"]),  # the negated word "-driving"
    ("-(chip OR cars)", ["a3", "a4"]),
    # OR, precedence, parentheses
    ("nvidia OR quarterly", ["a1", "a4"]),
    ("nvidia OR quarterly OR café", ["a1", "a3", "a4"]),
    ("chip review OR cars", ["a2", "a5"]),  # (chip AND review) OR cars
    ("cars OR chip review", ["a2", "a5"]),
    ("chip (review OR nvidia)", ["a1", "a5"]),
    ("(chip OR cars) -type:video", ["a1", "a5"]),
    ("(chip OR cars) -video", ["a1", "a2", "a5"]),  # free words do not search the type
    ("((chip))", ["a1", "a5"]),
    ("(nvidia OR (quarterly OR café)) -reuters", ["a1", "a3"]),
    ("type:video OR quality<40", ["a2", "a4"]),
    ("topic:AI quality>100 OR is:warned", ["a1", "a3"]),
    ("(topic:AI OR is:warned) -has:date", ["a3"]),
    ("nvidia(chip)", ["a1"]),  # parentheses end a word
    ('nvidia"chip"', ["a1"]),  # so does a quote
    ('"a \\"quoted\\" word"', []),
]


def _ids(query: Query) -> list[str]:
    return [a.id for a in query.filter(ARTICLES)]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_matches(text: str, expected: list[str]) -> None:
    query = parse_query(text)
    assert _ids(query) == expected
    assert [a.id for a in ARTICLES if query.matches(a)] == expected


ERRORS: list[tuple[str, str]] = [
    ("foo:bar", "unknown field 'foo' in 'foo:bar'"),
    ("nvidia Foo:bar", "unknown field 'Foo' in 'Foo:bar'"),
    ("re:invent", "unknown field 're'"),
    ("x>3", "unknown field 'x'"),
    ("quality>=abc", "'quality>=abc': expected a number"),
    ("heat:", "'heat:': expected a number"),
    ("quality>=1e5", "expected a number"),
    ("quality:nan", "expected a number"),
    ("quality==40", "expected a number"),
    ('"unclosed', "unclosed quote"),
    ('nvidia "chip', "unclosed quote"),
    ('topic:"AI in', "unclosed quote"),
    ('"ends in backslash\\"', "unclosed quote"),
    ("date<20x", "'date<20x': expected a date like 2021, 2021-12 or 2021-12-31"),
    ("date:2021-13", "expected a date like"),
    ("date:2021-02-30", "expected a date like"),
    ("date:2021-00", "expected a date like"),
    ("date:0000", "expected a date like"),
    ("date:2021-1", "expected a date like"),
    ("date>=21", "expected a date like"),
    ("date:", "expected a date like"),
    ("date:2021-12-01T00:00", "expected a date like"),
    ("OR", "OR needs a term on both sides"),
    ("OR chip", "OR needs a term on both sides"),
    ("chip OR", "OR needs a term on both sides"),
    ("chip OR OR cars", "OR needs a term on both sides"),
    ("(OR chip)", "OR needs a term on both sides"),
    ("(chip OR)", "OR needs a term on both sides"),
    ("(", "unbalanced parenthesis"),
    (")", "unbalanced parenthesis"),
    ("(chip", "unbalanced parenthesis"),
    ("chip)", "unbalanced parenthesis"),
    ("(chip))", "unbalanced parenthesis"),
    ("((chip)", "unbalanced parenthesis"),
    ("()", "empty parentheses"),
    ("chip ( )", "empty parentheses '( )'"),
    ("-", "'-' needs a term after it"),
    ("chip - cars", "'-' needs a term after it"),
    ("(chip -)", "'-' needs a term after it"),
    ("topic:", "'topic:': needs a value"),
    ('topic:""', "needs a value"),
    ("topic>AI", "'topic>AI': topic takes ':', not '>'"),
    ("provider<=x", "provider takes ':'"),
    ("is:hidden", "'is:hidden': expected published, unpublished, warned"),
    ("has:video", "'has:video': expected related, images, date, url"),
    ("is>published", "is takes ':'"),
    ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), "too many nested parentheses"),
    ("foo:\x1b[31mred", "unknown field 'foo' in 'foo:␛[31mred'"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[e[0][:40] for e in ERRORS])
def test_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(text)
    error = info.value
    assert message in str(error)
    assert str(error) == error.message
    assert "\n" not in str(error)
    assert isinstance(error, ValueError)
    # The offending term is the text found at the reported position.
    assert error.term
    assert text[error.position : error.position + len(error.term)] == error.term


ERROR_LOCATIONS: list[tuple[str, str, int]] = [
    ("nvidia foo:bar", "foo:bar", 7),
    ("chip -foo:bar", "foo:bar", 6),
    ("a quality>=abc", "quality>=abc", 2),
    ('a topic:"AI in', 'topic:"AI in', 2),
    ("a b OR", "OR", 4),
    ("a (b", "(", 2),
    ("a b)", ")", 3),
    ("a ( ) b", "( )", 2),
    ("a - b", "-", 2),
]


@pytest.mark.parametrize(
    ("text", "term", "position"), ERROR_LOCATIONS, ids=[e[0] for e in ERROR_LOCATIONS]
)
def test_error_term_and_position(text: str, term: str, position: int) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(text)
    assert (info.value.term, info.value.position) == (term, position)


def test_long_error_terms_are_shortened() -> None:
    with pytest.raises(QueryError) as info:
        parse_query("foo:" + "x" * 500)
    assert len(str(info.value)) < 150
    assert "…" in str(info.value)


def test_empty_query() -> None:
    query = parse_query("  ")
    assert query.is_empty
    assert not parse_query("x").is_empty
    result = query.filter(ARTICLES)
    assert result == ARTICLES
    assert result is not ARTICLES
    assert query.filter(iter(ARTICLES)) == ARTICLES


def test_query_value_semantics() -> None:
    assert Query("topic:AI") == parse_query("topic:AI")
    assert hash(Query("chip")) == hash(parse_query("chip"))
    assert parse_query("chip").text == "chip"
    assert "chip" in repr(parse_query("chip"))
    with pytest.raises(QueryError):
        Query("foo:bar")


def test_naive_date_is_taken_as_utc() -> None:
    naive = _article("n", date=datetime(2021, 12, 31, 23, 0))
    assert parse_query("date:2021-12-31").matches(naive)
    assert parse_query("date<2022").matches(naive)
    assert not parse_query("date>=2022").matches(naive)


def test_many_terms_do_not_recurse() -> None:
    words = " ".join(f"w{i}" for i in range(5000))
    assert parse_query(words).filter(ARTICLES) == []
    alternatives = " OR ".join(f"w{i}" for i in range(5000)) + " OR nvidia"
    assert _ids(parse_query(alternatives)) == ["a1"]
    nested = "(" * MAX_DEPTH + "nvidia" + ")" * MAX_DEPTH
    assert _ids(parse_query(nested)) == ["a1"]


def _check_arbitrary(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as error:
        assert error.message
        assert text[error.position : error.position + len(error.term)] == error.term
        return
    for article in ARTICLES:
        assert isinstance(query.matches(article), bool)


@given(st.text())
def test_arbitrary_text_raises_only_query_error(text: str) -> None:
    _check_arbitrary(text)


_PIECES = st.sampled_from(
    [
        " ", "(", ")", '"', "-", "OR", "or", ":", "=", "<", ">", ">=", "\\", "x", "AI", "40",
        "-1", "2021", "-12", "-31", ".5", "topic", "quality", "heat", "date", "is", "has",
        "provider", "type", "category", "foo", "published", "images", "//", "é", "\t", "\x00",
    ]
)  # fmt: skip


@settings(max_examples=500)
@given(st.lists(_PIECES, max_size=20).map("".join))
def test_syntax_soup_raises_only_query_error(text: str) -> None:
    _check_arbitrary(text)


# --- free text over the precomputed search text ------------------------------------------------

FREE_TEXT_CASES = [
    # (title, excerpt, needle, matches)
    ("Chip Maker", "Data centres", "chip", True),
    ("Chip Maker", "Data centres", "CENTRES", True),
    ("Chip Maker", "Data centres", "maker data", True),  # two words: each matches on its own
    ("Chip Maker", "Data centres", '"maker data"', False),  # a phrase never spans two fields
    ("Chip Maker", "Data centres", '"makerdata"', False),
    ("ΣΟΦΟΣ ΝΟΥΣ", "", "σοφος", True),  # Python lowercases a final sigma to ς…
    ("ΣΟΦΟΣ ΝΟΥΣ", "", "σοφοσ", False),  # …as it does when lowering the field alone
    ("a\x00b", "c", "b", True),  # a NUL inside a field is a space in the search text
    ("a", "b", '"a\\\x00b"', False),  # a needle holding a NUL matches nothing
    ("Don\u2019t panic", "", "don't", True),  # typographic punctuation matches what is typed
    ("Don't panic", "", "don\u2019t", True),  # and the other way round
    ("\u201cQuoted\u201d", "", '"\\"quoted\\""', True),
    ("Self\u2013driving", "", "self-driving", True),
    ("", "Wait\u2026 what", "wait...", True),
    ("", "Wait\u2026 what", "wait.", True),
    ("", "100\u00a0km", '"100 km"', True),
    ("Don\u2019t panic", "", "dont", False),  # folded, not removed
    ("Z\u00fcrich talks", "", "zurich", True),  # accents are folded out of the text…
    ("Zurich talks", "", "z\u00fcrich", True),  # …and out of the needle
    ("Zu\u0308rich", "", "z\u00fcrich", True),  # a combining mark, as a decomposed name has
    ("", "Cr\u00e8me br\u00fbl\u00e9e", '"creme brulee"', True),
    ("\ufb01nance", "", "finance", True),  # compatibility forms: the ligature is two letters
    ("\uff2e\uff36\uff29\uff24\uff29\uff21", "", "nvidia", True),  # full-width letters
    ("Zurich", "", "zarich", False),  # a different letter is not an accent
    ("a\ufe58b", "", "a-b", True),  # a small em dash decomposes to a dash, folded on
    (
        "\u05e9\u05c1\u05dc\u05d5\u05b9\u05dd",
        "",
        "\u05e9\u05dc\u05d5\u05dd",
        False,
    ),  # Hebrew points stay
    ("\u4eba\u5de5\uff0c\u667a\u80fd", "", "\u4eba\u5de5,\u667a", True),  # full-width comma
    ("NVIDIA earnings", "", "~nvda", True),  # ~: fuzzy title, letters in order
    ("NVIDIA earnings", "", "~vnd", False),  # …in this order
    ("Z\u00fcrich airport", "", "~zrchprt", True),  # accents folded there too
    ("Other", "NVIDIA in the excerpt", "~nvda", False),  # titles only
    ("NVIDIA earnings", "", "-~nvda", False),  # negated like any term
    ("NVIDIA earnings", "", '"~nvda"', False),  # quoted: a plain phrase
]


@pytest.mark.parametrize(("title", "excerpt", "needle", "matches"), FREE_TEXT_CASES)
def test_free_text(title: str, excerpt: str, needle: str, matches: bool) -> None:
    article = _article("x", title=title, excerpt=excerpt)
    assert parse_query(needle).matches(article) is matches


_TYPOGRAPHIC = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0'\"-. "
_CHARS = st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(_TYPOGRAPHIC))
_FIELD_TEXT = st.text(_CHARS, max_size=30)


@given(_FIELD_TEXT, _FIELD_TEXT, st.text(_CHARS, max_size=6))
@settings(max_examples=300)
def test_free_text_equals_per_field_lowercase(title: str, excerpt: str, needle: str) -> None:
    """The one search text behaves exactly like lowercasing and folding each field per
    keystroke."""
    article = _article("x", title=title, excerpt=excerpt, provider="P", domain="d.example")
    n = fold_text(needle.lower())
    fields = (title, excerpt, "P", "d.example")
    expected = "\x00" not in n and any(
        n in fold_text(f.replace("\x00", " ").lower()) for f in fields
    )
    assert article.search == search_text(title, excerpt, "P", "d.example")
    assert ("\x00" not in n and n in article.search) is expected  # as the query's free text


def test_an_article_keeps_its_search_text_through_replace() -> None:
    article = _article("x", title="Chip", excerpt="Data centres")
    copy = dataclasses.replace(article, flag=True)
    assert copy.search == article.search == "chip\x00data centres\x00\x00"
    assert parse_query("centres").matches(copy)
