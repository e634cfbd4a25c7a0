"""Facets of a view: what the shown articles are, counted, and the query term for each value.

The facets panel shows, for the articles a filter shows, how many there are per provider, topic
and type, how many are published, and how many per day (a timeline). Selecting a value adds the
query term that keeps only those articles (:func:`facet_term`, :func:`add_term`).

One pass of plain counting: about 0.1 s over 100,000 articles, so the app runs it in a worker for
large views (see ``newsreader.tui.screens.facets_view``); ``cancelled`` lets a newer view stop
an older count early.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from newsreader.articles.model import Article

#: Values listed per facet; the rest are counted as "more".
TOP = 30
#: The timeline shows at most this many days (the newest ten years), so a date at the edge of time
#: (year 1 or 9999) cannot make it millions of days long.
MAX_DAYS = 3660
#: Articles counted between two looks at ``cancelled``.
_STEP = 4096
_EPOCH_DAY = date(1970, 1, 1).toordinal()
_PLAIN = re.compile(r"[A-Za-z0-9_.+-]+")

PROVIDER, TOPIC, TYPE, STATE = "provider", "topic", "type", "is"
NONE = "(none)"


@dataclass(frozen=True, slots=True)
class Timeline:
    """Articles per UTC day, from ``first`` on (``counts[0]`` is ``first``)."""

    first: date | None = None
    counts: tuple[int, ...] = ()
    #: Dated articles before the first day shown (the timeline keeps the newest days).
    earlier: int = 0
    undated: int = 0

    @property
    def last(self) -> date | None:
        """The last day shown."""
        if self.first is None or not self.counts:
            return None
        return self.first + timedelta(days=len(self.counts) - 1)

    def bins(self, width: int) -> list[int]:
        """The days summed into ``width`` consecutive bins (fewer when there are fewer days)."""
        days = len(self.counts)
        if width <= 0 or not days:
            return []
        if days <= width:
            return list(self.counts)
        return [sum(self.counts[i * days // width : (i + 1) * days // width]) for i in range(width)]


@dataclass(frozen=True, slots=True)
class ViewFacets:
    """Counts of one view: published split, values per facet (most first) and a timeline."""

    total: int = 0
    published: int = 0
    providers: tuple[tuple[str, int], ...] = ()
    topics: tuple[tuple[str, int], ...] = ()
    types: tuple[tuple[str, int], ...] = ()
    #: How many distinct values each facet has beyond those listed.
    more: tuple[int, int, int] = (0, 0, 0)
    timeline: Timeline = Timeline()

    @property
    def unpublished(self) -> int:
        """Shown articles the site does not show."""
        return self.total - self.published


def count_published(articles: Sequence[Article]) -> int:
    """How many of ``articles`` the site shows now (Jekyll's rule)."""
    return sum(1 for a in articles if a.published)


def _top(counter: Counter[str], top: int) -> tuple[tuple[tuple[str, int], ...], int]:
    # Most first, then by name, so the panel is the same every time.
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return tuple(ranked[:top]), max(0, len(ranked) - top)


def _day(when: datetime) -> int | None:
    """The UTC day number (days since 1970-01-01) of a date, as ``date:`` queries read it."""
    try:
        aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        return int(aware.timestamp() // 86400)
    except (OverflowError, ValueError, OSError):
        return None


def _timeline(dates: Counter[datetime | None]) -> Timeline:
    days: Counter[int] = Counter()
    undated = dates.pop(None, 0)
    for when, n in dates.items():
        assert when is not None
        day = _day(when)
        if day is None:
            undated += n
        else:
            days[day] += n
    if not days:
        return Timeline(undated=undated)
    last = max(days)
    start = max(min(days), last - MAX_DAYS + 1)
    counts = tuple(days.get(d, 0) for d in range(start, last + 1))
    earlier = sum(n for d, n in days.items() if d < start)
    first = date.fromordinal(start + _EPOCH_DAY)
    return Timeline(first, counts, earlier, undated)


def view_facets(
    articles: Sequence[Article],
    top: int = TOP,
    cancelled: Callable[[], bool] | None = None,
) -> ViewFacets | None:
    """The facets of ``articles``; None when ``cancelled()`` turned true meanwhile."""
    providers: Counter[str] = Counter()
    topic_sets: Counter[tuple[str, ...]] = Counter()
    types: Counter[str] = Counter()
    dates: Counter[datetime | None] = Counter()
    published = 0
    for start in range(0, len(articles), _STEP):
        if cancelled is not None and cancelled():
            return None
        chunk = articles[start : start + _STEP]
        # Comprehensions per field: about twice as fast as one loop doing everything.
        providers.update([a.provider or a.domain or NONE for a in chunk])
        types.update([a.type or NONE for a in chunk])
        topic_sets.update([a.topics for a in chunk])
        dates.update([a.date for a in chunk])
        published += sum(1 for a in chunk if a.published)
    topics: Counter[str] = Counter()
    for topic_tuple, n in topic_sets.items():  # ~2,000 distinct tuples at 100k articles
        for topic in set(topic_tuple):
            topics[topic] += n
    provider_rows, more_providers = _top(providers, top)
    topic_rows, more_topics = _top(topics, top)
    type_rows, more_types = _top(types, top)
    return ViewFacets(
        total=len(articles),
        published=published,
        providers=provider_rows,
        topics=topic_rows,
        types=type_rows,
        more=(more_providers, more_topics, more_types),
        timeline=_timeline(dates),
    )


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def facet_term(kind: str, value: str) -> str | None:
    """The query term that keeps the articles with this facet value; None when there is none.

    ``provider:"X"``, ``topic:"Y"``, ``type:z`` (quoted when not a plain word), and
    ``is:published`` / ``is:unpublished`` for the published split. Articles without a value
    (``(none)``) or values with line breaks cannot be named in a query.
    """
    if kind == STATE:
        return f"is:{value}" if value in ("published", "unpublished") else None
    if value == NONE or not value.strip() or any(ch in value for ch in "\r\n"):
        return None
    if kind == TYPE:
        return f"type:{value}" if _PLAIN.fullmatch(value) else f"type:{_quoted(value)}"
    if kind in (PROVIDER, TOPIC):
        return f"{kind}:{_quoted(value)}"
    return None


def add_term(query: str, term: str) -> str:
    """``query`` with ``term`` ANDed to it (a query with OR is put in parentheses first).

    The query is returned as it is when ``term`` is already one of its words.
    """
    text = query.strip()
    if not text:
        return term
    if term in text.split() or f" {term}" in f" {text}":
        return text
    if re.search(r"(^|[\s()])OR([\s()]|$)", text):
        text = f"({text})"
    return f"{text} {term}"
