"""Stories: the articles of a folder that report one story, and the one to publish.

Several providers run the same story within a day or two under near-identical titles; the
editor triages the story, not each file. :func:`find_stories` groups them by

* title similarity: tokens weighted by how rare they are in the folder's titles (IDF), so that
  the product and company names carry the match and "says" does not; numbers are kept and
  normalised ("38M" and "38 million" are one token); a trailing " - Provider" is dropped;
* a small bonus for excerpt similarity (Jaccard of their words: a syndicated copy often keeps
  the excerpt word for word);
* time: members are days apart, not months (identical titles get a wider window);
* ``related`` entries that point at each other (resolved through the index by URL).

Every pair of a story must match (complete link), so a chain of look-alikes does not make one.

Look-alike series stay apart: two titles that both carry *markers* (numbers, years, months,
quarters, release phases such as preview/beta/GA, names with digits) are never one story when
each has a marker the other lacks: "What's new: Foo March 2024 update" is not "... April 2024
update", "Foo 2023 release overview" is not "Foo 2024 ...", "Foo in preview" is not "Foo
generally available".

Candidates are found by blocking, not by comparing all pairs: each article is looked up by its
rarest title tokens in an inverted index walked in date order, so only articles sharing rare
tokens within the time window are scored (100,000 articles in a few seconds). Whether a pair
is a candidate is a property of the pair alone (shared rare tokens within the window, an
identical title within the wider window, a link within the link window), and ties are broken
by id: the stories do not depend on the order of the articles. That is what lets
:class:`StoryBook` regroup only the part of a folder a change touches.

Measured against the sample generator's planned clusters (``python -m
benchmarks.stories_bench``): pairwise precision 1.0 / recall 1.0 at 10,000 files, 0.999 / 1.0
at 100,000 (the pairs left: one company's two events about one product within a day or two,
"X tests P" and "X ships P", which the title's IDF weighs as one story).

Each story has a lead (:data:`LEAD_RULE`): published first, then highest quality, then an
original over a syndicated copy, then earliest, then by id.

The core: no textual, no rich. Only what :class:`Article` keeps is used (no file is re-read).
"""

from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from urllib.parse import urlsplit

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import SEARCH_SEPARATOR, Article

#: The lead rule, in the words the CLI and the app show the editor.
LEAD_RULE = (
    "lead: published first, then highest quality, then an original (its URL on the provider's "
    "own domain) over a syndicated copy, then the earliest, then by id"
)

#: Members of one story are at most this many days apart (every pair of them).
WINDOW_DAYS = 2.0
#: Identical titles may be further apart (a story re-run days later), but not months: a
#: short headline ("Acme ships its app") recurs, and months later it is news again.
IDENTICAL_WINDOW_DAYS = 7.0
#: Articles whose related entries name each other may be this far apart.
LINK_WINDOW_DAYS = 14.0
#: Similarity (title cosine plus the excerpt bonus) needed with no link, with a link one way,
#: and with links both ways. High with no link: "Acme launches X" and "Acme delays X" share
#: all their rare words but one, and are two stories.
THRESHOLD = 0.9
ONE_WAY_THRESHOLD = 0.5
MUTUAL_THRESHOLD = 0.2
#: How much the excerpt similarity adds: a bonus only, as syndicated copies often rewrite it.
EXCERPT_WEIGHT = 0.15
#: How many of an article's rarest title tokens it is blocked (looked up) by.
BLOCK_TOKENS = 3

#: Words that say nothing about which story it is: function words, and the boilerplate that
#: providers add to a headline they re-run ("Update:", "sources say", "(report)").
STOPWORDS = frozenset(
    """a an the and or but of in on at to for from by with as is are was were be been it its
    this that these those than then so not no into over after before about up out new now
    what's whats how why who will can could would should has have had do does did
    update updated updates report reports reported sources source say says said breaking
    exclusive live latest via according per amid""".split()  # noqa: SIM905 (a word list)
)

_MONTH_NAMES = (
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december",
)  # fmt: skip
_MONTHS = {
    **{name: name for name in _MONTH_NAMES},
    **{"jan": "january", "feb": "february", "sept": "september", "oct": "october"},
    **{"nov": "november", "dec": "december", "aug": "august", "apr": "april"},
}
_PHASES = {"preview": "preview", "beta": "beta", "alpha": "alpha", "ga": "ga", "rc": "rc"}
_UNITS = {
    "million": "m",
    "mln": "m",
    "mn": "m",
    "m": "m",
    "billion": "b",
    "bn": "b",
    "b": "b",
    "thousand": "k",
    "k": "k",
    "percent": "%",
    "%": "%",
}
_ENTITY = re.compile(r"&#?\w+;")
_TOKEN = re.compile(
    r"(\d+(?:[.,]\d+)*)\s?(million|billion|thousand|percent|mln|mn|bn|m|b|k|%)?(?![a-z0-9])"
    r"|([^\W\d_]\w*(?:[-'][^\W_]+)*)"
)
_QUARTER = re.compile(r"q[1-4]|h[12]")
_DIGIT = re.compile(r"\d")


def tokens(text: str) -> list[str]:
    """The words of lowercased text as the matcher sees them, in order, stopwords dropped.

    Numbers are normalised with their unit ("38M", "38 million" and "38,000,000"... the first
    two: ``38m``), a possessive ``'s`` is dropped, "generally available" is ``ga``, and "may"
    next to a number is the month.
    """
    out: list[str] = []
    text = _ENTITY.sub(" ", text).replace("generally available", "ga")
    text = text.replace("general availability", "ga")
    for number, unit, word in _TOKEN.findall(text):
        if number:
            plain = number.replace(",", "")
            out.append(plain + (_UNITS[unit] if unit else ""))
        else:
            word = word.removesuffix("'s")
            out.append(word)
    if "may" in out:
        for i, token in enumerate(out):
            if token == "may" and any(
                0 <= j < len(out) and out[j][:1].isdigit() for j in (i - 1, i + 1)
            ):
                out[i] = "may-month"
    return [t for t in out if t not in STOPWORDS]


def markers(words: Iterable[str]) -> frozenset[str]:
    """The tokens that tell one instalment of a series from another: numbers, months,
    quarters, release phases, names with digits."""
    found = set()
    for word in words:
        if word == "may-month":
            found.add("may")
        elif word in _MONTHS:
            found.add(_MONTHS[word])
        elif word in _PHASES or _QUARTER.fullmatch(word) or _DIGIT.search(word):
            found.add(_PHASES.get(word, word))
    return frozenset(found)


def markers_conflict(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two titles name different instalments: both carry markers, each one the other
    lacks (a title that only adds detail, "Foo 2.0 ships" vs "Foo 2.0 ships May 3", agrees)."""
    return bool(first and second and not (first <= second or second <= first))


def _strip_provider(title: str, provider: str) -> str:
    """A title without its trailing " - Provider" or " | Provider" (the copy's byline)."""
    if provider:
        for sep in (" - ", " | ", " -- "):
            if title.endswith(sep + provider):
                return title[: -len(sep + provider)]
    return title


def is_original(article: Article) -> bool:
    """Whether the article's URL is on its provider's own domain (else a syndicated copy)."""
    domain = article.domain.lower().removeprefix("www.")
    if not domain:
        return False
    host = (urlsplit(article.url).hostname or "").lower()
    return host == domain or host.endswith("." + domain)


def lead_key(article: Article) -> tuple[bool, int, bool, float, str]:
    """The sort key of :data:`LEAD_RULE`: the smallest is the lead."""
    quality = article.quality if article.quality is not None else -1
    when = article.date.timestamp() if article.date else math.inf
    return (not article.published, -quality, not is_original(article), when, article.id)


@dataclass(frozen=True, slots=True)
class Story:
    """Two or more articles that report one story, lead first, then by the lead rule."""

    key: str
    articles: tuple[Article, ...]

    @property
    def lead(self) -> Article:
        """The article to publish (:data:`LEAD_RULE`)."""
        return self.articles[0]

    @property
    def ids(self) -> list[str]:
        """The members' ids, lead first."""
        return [a.id for a in self.articles]

    @property
    def published(self) -> int:
        """How many members the site shows now."""
        return sum(a.published for a in self.articles)

    def as_json(self) -> dict[str, object]:
        """The JSON Lines object of ``newsreader stories --json``."""
        return {
            "story": self.key,
            "lead": self.lead.id,
            "ids": self.ids,
            "title": self.lead.title,
            "published": self.published,
        }


def story_key(ids: Iterable[str]) -> str:
    """A stable key for a set of ids: a hash of them sorted (it does not move with the lead)."""
    joined = "\x00".join(sorted(ids)).encode("utf-8", "surrogatepass")
    return "s" + hashlib.blake2b(joined, digest_size=6).hexdigest()


def make_story(members: Iterable[Article]) -> Story:
    """A story of these articles, ordered by the lead rule."""
    ordered = tuple(sorted(members, key=lead_key))
    return Story(story_key(a.id for a in ordered), ordered)


#: Shared by the many titles with no marker (a frozenset per article would cost 200 bytes).
_NO_MARKS: frozenset[str] = frozenset()


@dataclass(slots=True, eq=False)
class _Doc:
    """What the matcher keeps per article: small (interned token strings, one float)."""

    article: Article
    title: tuple[str, ...]
    marks: frozenset[str]
    day: float | None


def _day(article: Article) -> float | None:
    return article.date.timestamp() / 86400 if article.date else None


def _doc(article: Article, intern: dict[str, str]) -> _Doc:
    fields = article.search.split(SEARCH_SEPARATOR, 3)
    title_text = _strip_provider(fields[0], fields[2] if len(fields) > 2 else "")
    # Interned: 100,000 titles share a vocabulary of a few ten thousand words.
    title = tuple(intern.setdefault(t, t) for t in dict.fromkeys(tokens(title_text)))
    return _Doc(article, title, markers(title) or _NO_MARKS, _day(article))


def _same_text(doc: _Doc, article: Article) -> bool:
    """Whether ``article`` reads as the article ``doc`` was made of (same search text, date)."""
    return doc.article is article or (
        doc.article.search == article.search and doc.day == _day(article)
    )


class _Weights(dict[str, float]):
    """Squared IDF weights by token; a token not counted weighs as a token of one title."""

    def __init__(self, weights: dict[str, float], unseen: float) -> None:
        super().__init__(weights)
        self.unseen = unseen

    def __missing__(self, token: str) -> float:
        return self.unseen


class _Vectors:
    """IDF weights of a folder's title tokens, and the weighted cosine of two titles.

    A token the folder's titles did not have when the weights were taken (an article added
    since) weighs as a token of one title.
    """

    def __init__(self, docs: Sequence[_Doc]) -> None:
        df: dict[str, int] = {}
        for doc in docs:
            for token in doc.title:
                df[token] = df.get(token, 0) + 1
        n = len(docs) + 1
        # Squared weights: the cosine only ever uses those.
        weights = {t: math.log(n / c) ** 2 for t, c in df.items()}
        self.weight = _Weights(weights, math.log(n) ** 2)
        self._of = self.weight.__getitem__

    def norm(self, doc: _Doc) -> float:
        """The length of a title's IDF vector."""
        return math.sqrt(sum(map(self._of, doc.title)))

    def cosine(self, first: _Doc, second: _Doc) -> float:
        """Cosine similarity of two titles' token sets, each token weighted by its IDF."""
        norms = self.norm(first) * self.norm(second)
        if not norms:
            return 0.0
        weight, other = self.weight, second.title
        return sum(weight[t] for t in first.title if t in other) / norms

    def block(self, doc: _Doc) -> list[str]:
        """The title's rarest tokens: an article is looked up by those."""
        return sorted(doc.title, key=self._of, reverse=True)[:BLOCK_TOKENS]


def _blocked_together(vectors: _Vectors, first: _Doc, second: _Doc) -> bool:
    """Whether two titles share enough of their rarest tokens to be scored (at least one, two
    when both have two)."""
    shared = len(set(vectors.block(first)).intersection(vectors.block(second)))
    return shared >= max(1, min(2, len(first.title), len(second.title)))


def _is_candidate(vectors: _Vectors, first: _Doc, second: _Doc) -> bool:
    """Whether two dated articles are worth scoring without a link: an identical title within
    the identical window, or shared rare tokens within the window (see :func:`_candidates`)."""
    if first.day is None or second.day is None:
        return False
    days = abs(first.day - second.day)
    if first.title and first.title == second.title and days <= IDENTICAL_WINDOW_DAYS:
        return True
    return days <= WINDOW_DAYS and _blocked_together(vectors, first, second)


def _excerpt_words(article: Article) -> frozenset[str]:
    fields = article.search.split(SEARCH_SEPARATOR, 2)
    return frozenset(tokens(fields[1])) if len(fields) > 1 else frozenset()


Pair = tuple[str, str]


def _pair(first: str, second: str) -> Pair:
    return (first, second) if first < second else (second, first)


def _linkable(first: float | None, second: float | None) -> bool:
    """Whether a link between articles of these days can count: both dated, within the link
    window (a pair further apart is never one story, linked or not)."""
    if first is None or second is None:
        return False
    return abs(first - second) <= LINK_WINDOW_DAYS


def _targets(article: Article, articles: Mapping[str, Article], index: ArticleIndex) -> set[str]:
    """The ids of the articles ``article``'s related entries name, within the link window."""
    out = set()
    day = _day(article)
    for link in article.related:
        target = index.resolve_link(link, article.id)
        other = articles.get(target.id) if target is not None else None
        if other is not None and other.id != article.id and _linkable(day, _day(other)):
            out.add(other.id)
    return out


def _link_edges(articles: Mapping[str, Article], index: ArticleIndex | None) -> set[Pair]:
    """Directed (source id, target id) of related entries that name another article (within
    the link window: see :func:`_linkable`)."""
    if index is None:
        return set()
    return {
        (source, target)
        for source, article in articles.items()
        if article.related
        for target in _targets(article, articles, index)
    }


class _Matcher:
    """Decides whether two articles are one story (under one set of weights and links)."""

    def __init__(self, vectors: _Vectors, edges: set[Pair]) -> None:
        self.vectors = vectors
        self.edges = edges
        # Excerpts are tokenised only for the pairs scored (a few per article), when asked.
        self._excerpts: dict[str, frozenset[str]] = {}
        self._scores: dict[Pair, float | None] = {}

    def _excerpt(self, doc: _Doc) -> frozenset[str]:
        words = self._excerpts.get(doc.article.id)
        if words is None:
            words = self._excerpts[doc.article.id] = _excerpt_words(doc.article)
        return words

    def excerpt_similarity(self, first: _Doc, second: _Doc) -> float:
        """Jaccard similarity of two excerpts' words: a syndicated copy often keeps the
        excerpt word for word."""
        a, b = self._excerpt(first), self._excerpt(second)
        return len(a & b) / len(a | b) if a and b else 0.0

    def score(self, first: _Doc, second: _Doc) -> float | None:
        """How sure it is that the two articles report one story; None: they do not."""
        key = _pair(first.article.id, second.article.id)
        if key in self._scores:
            return self._scores[key]
        score = self._scores[key] = self._score(first, second)
        return score

    def _score(self, a: _Doc, b: _Doc) -> float | None:
        if markers_conflict(a.marks, b.marks):
            return None
        i, j = a.article.id, b.article.id
        links = ((i, j) in self.edges) + ((j, i) in self.edges)
        days = abs(a.day - b.day) if a.day is not None and b.day is not None else math.inf
        if a.title and a.title == b.title and days <= IDENTICAL_WINDOW_DAYS:
            return 2.0
        if days > (LINK_WINDOW_DAYS if links == 2 else WINDOW_DAYS):
            return None
        needed = (THRESHOLD, ONE_WAY_THRESHOLD, MUTUAL_THRESHOLD)[links]
        score = self.vectors.cosine(a, b)
        if score + EXCERPT_WEIGHT < needed:
            return None  # no excerpt could make up for it: spare tokenising them
        score += EXCERPT_WEIGHT * self.excerpt_similarity(a, b)
        return score if score >= needed else None


def _candidates(docs: Sequence[_Doc], vectors: _Vectors) -> Iterable[tuple[_Doc, _Doc]]:
    """Pairs worth scoring (:func:`_is_candidate`), found without comparing all pairs.

    Articles are walked in date order, each appended to the postings of its rarest title
    tokens; an article is paired with the earlier ones still in the window on those postings,
    walked backwards until they fall out of it. Identical titles are paired within their
    wider window. Undated articles are never one story (no window holds them).
    """
    dated = sorted((d for d in docs if d.day is not None), key=lambda d: d.day or 0.0)
    postings: dict[str, list[_Doc]] = {}
    for doc in dated:
        day = doc.day or 0.0
        block = vectors.block(doc)
        shared: dict[_Doc, int] = {}
        for token in block:
            posting = postings.setdefault(token, [])
            for k in range(len(posting) - 1, -1, -1):
                other = posting[k]
                if day - (other.day or 0.0) > WINDOW_DAYS:
                    break
                shared[other] = shared.get(other, 0) + 1
            posting.append(doc)
        for other, count in shared.items():
            if count >= max(1, min(2, len(doc.title), len(other.title))):
                yield other, doc
    # Identical titles: the matcher applies the wider window.
    by_title: dict[tuple[str, ...], list[_Doc]] = {}
    for doc in dated:
        if doc.title:
            by_title.setdefault(doc.title, []).append(doc)
    for group in by_title.values():
        for n, doc in enumerate(group):
            for other in group[n + 1 :]:
                if (other.day or 0.0) - (doc.day or 0.0) > IDENTICAL_WINDOW_DAYS:
                    break
                yield doc, other


def _cluster(
    matches: Iterable[tuple[Pair, float]], docs: dict[str, _Doc], matcher: _Matcher
) -> list[list[str]]:
    """Groups of ids from the matched pairs: best pairs first, and two groups join only if every
    pair across them matches (complete link): a chain "A like B like C" must not make A and C,
    two other stories, one. Ties are broken by id, so the order of the articles is no input."""
    ranked = sorted((-score, i, j) for (i, j), score in matches)
    owner: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for _, i, j in ranked:
        a, b = owner.get(i, i), owner.get(j, j)
        if a == b:
            continue
        first, second = groups.get(a, [a]), groups.get(b, [b])
        if all(matcher.score(docs[x], docs[y]) is not None for x in first for y in second):
            if len(first) < len(second):
                a, b, first, second = b, a, second, first
            groups[a] = first + second
            groups.pop(b, None)
            for k in second:
                owner[k] = a
    return list(groups.values())


def _sorted_stories(stories: Iterable[Story]) -> list[Story]:
    """Newest lead first, then by key."""
    return sorted(
        stories, key=lambda s: (-(s.lead.date.timestamp() if s.lead.date else -math.inf), s.key)
    )


class StoryCache:
    """What :func:`find_stories` learnt of each article, kept between runs.

    Tokenising the titles is half the work at 100,000 articles; with a cache, a run after a
    few files changed re-reads only those (an article is looked up by id and re-tokenised when
    its search text or date differs). The grouping itself is redone: the folder's IDF moves
    with every change (:class:`StoryBook` regroups only what changed). Forgets articles no
    longer asked about.
    """

    def __init__(self) -> None:
        self._docs: dict[str, _Doc] = {}
        self._intern: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def docs(self, articles: Sequence[Article]) -> list[_Doc]:
        """The matcher's record of each article, reused when it did not change."""
        fresh: dict[str, _Doc] = {}
        for article in articles:
            doc = self._docs.get(article.id)
            if doc is not None and _same_text(doc, article):
                doc.article = article
            else:
                doc = _doc(article, self._intern)
            fresh[article.id] = doc
        self._docs = fresh
        return list(fresh.values())


def _group(
    docs: Sequence[_Doc], index: ArticleIndex | None, vectors: _Vectors
) -> tuple[dict[Pair, float], set[Pair], list[Story]]:
    """Group every article: the matched candidate pairs, the links, the stories."""
    by_id = {d.article.id: d for d in docs}
    edges = _link_edges({i: d.article for i, d in by_id.items()}, index)
    matcher = _Matcher(vectors, edges)
    matches: dict[Pair, float] = {}
    linked = ((by_id[i], by_id[j]) for i, j in edges)
    for first, second in chain(_candidates(docs, vectors), linked):
        score = matcher.score(first, second)
        if score is not None:
            matches[_pair(first.article.id, second.article.id)] = score
    groups = _cluster(matches.items(), by_id, matcher)
    stories = [make_story(by_id[k].article for k in group) for group in groups]
    return matches, edges, _sorted_stories(stories)


def _stories(
    articles: Sequence[Article], index: ArticleIndex | None, vectors: _Vectors | None = None
) -> list[Story]:
    """:func:`find_stories` with given weights (the tests' fresh run under a frozen IDF)."""
    docs = StoryCache().docs(articles)
    return _group(docs, index, vectors or _Vectors(docs))[2]


def find_stories(
    articles: Sequence[Article],
    index: ArticleIndex | None = None,
    cache: StoryCache | None = None,
) -> list[Story]:
    """The stories of two or more articles among ``articles``, newest lead first.

    ``index`` resolves related entries (by URL) to other articles; without it only titles,
    excerpts and dates decide. ``cache`` keeps each article's tokens for the next run (see
    :class:`StoryCache`): the app asks again after every change.
    """
    docs = (cache if cache is not None else StoryCache()).docs(articles)
    return _group(docs, index, _Vectors(docs))[2]


#: :class:`StoryBook` regroups the whole folder (new IDF weights) once the articles added,
#: changed or removed since the last full regroup pass this share of the folder.
DRIFT = 0.05
#: One update that adds, changes or removes more than this share of the folder regroups it
#: all: each changed article is scored against its window, and past about 1% of the folder
#: that costs more than a full regroup.
STEP_LIMIT = 0.01


class _Docs(dict[str, _Doc]):
    """The matcher's records of a book's articles, made when first asked for (an update
    tokenises only the titles it looks at: the book keeps no tokens between updates)."""

    def __init__(self, articles: Mapping[str, Article]) -> None:
        super().__init__()
        self._articles = articles
        self._intern: dict[str, str] = {}

    def __missing__(self, article_id: str) -> _Doc:
        doc = self[article_id] = _doc(self._articles[article_id], self._intern)
        return doc


class StoryBook:
    """The folder's stories, kept current as the index changes: the owner of the app's stories.

    :meth:`update` is called with the index's articles after every change (in a worker); the
    first call groups the whole folder (seconds at 100k), later ones only what changed:

    * an article is changed when its search text, date, URLs or related entries differ (a new
      object that reads alike only replaces the article in its story: the lead may move);
    * the changed and added articles are scored against the articles of their window, the
      links around them are resolved again (pairs whose links came or went are scored again),
      and the removed ones leave with their matches;
    * only the connected parts of the match graph that hold such an article are regrouped.

    The IDF weights are those of the last full regroup (a token new since weighs as a token of
    one title): the result is exactly that of a fresh run under those weights. Once the
    articles added, changed or removed since then pass :data:`DRIFT` of the folder, the next
    update regroups the whole folder under new weights (exactly :func:`find_stories`). So does
    one update that changes more than :data:`STEP_LIMIT` of the folder at once (cheaper), and
    a new ``index`` object.

    One corner is left to the next full regroup: a related entry of an unchanged article that
    names a URL two files share, when the other file (dated more than the link window away)
    takes the URL over.

    Kept between updates: the articles last seen (by id and by day), the weights, the links
    and the matched pairs; no tokens (an update re-reads the titles it looks at, a few hundred).

    :meth:`story_of` answers which story an article belongs to.
    """

    def __init__(self) -> None:
        self.stories: list[Story] = []
        self._by_id: dict[str, Story] = {}
        #: The articles last seen, by id, and the dated ones by day (a window is a slice).
        self._articles: dict[str, Article] = {}
        self._order: list[Article] = []
        self._vectors: _Vectors | None = None
        self._index: ArticleIndex | None = None
        #: The links (source, target) within the link window, and by source and by target.
        self._links: set[Pair] = set()
        self._out: dict[str, set[str]] = {}
        self._in: dict[str, set[str]] = {}
        #: The matched candidate pairs and their scores, and the match graph they make.
        self._matches: dict[Pair, float] = {}
        self._near: dict[str, set[str]] = {}
        self._drift = 0
        #: How many updates regrouped everything (the first, then each after drift).
        self.full_runs = 0

    def update(self, articles: Sequence[Article], index: ArticleIndex | None = None) -> list[Story]:
        """Regroup ``articles`` (only what changed since the last call); the new stories,
        newest lead first."""
        known = self._articles
        # Only a new object may be a change: the same snapshot as last time is skipped.
        new = [a for a in articles if known.get(a.id) is not a]
        fresh: list[Article] = []
        replaced: list[Article] = []
        for article in new:
            old = known.get(article.id)
            same = old is not None and _same_reading(old, article)
            (replaced if same else fresh).append(article)
        kept = len(articles) - sum(a.id not in known for a in fresh)
        gone: list[str] = []
        if kept < len(known):
            seen = {a.id for a in articles}
            gone = [i for i in known if i not in seen]
        batch = len(fresh) + len(gone)
        drift = self._drift + batch
        if (
            self._vectors is None
            or index is not self._index
            or drift > DRIFT * max(len(known), 1)
            or batch > max(STEP_LIMIT * len(known), 10)
        ):
            self._full(articles, index)
        elif fresh or gone or replaced:
            self._drift = drift
            self._step(fresh, replaced, gone, index)
        return self.stories

    def story_of(self, article_id: str) -> Story | None:
        """The story ``article_id`` belongs to (None: a story of one)."""
        return self._by_id.get(article_id)

    # --- the full regroup ---------------------------------------------------------------------

    def _full(self, articles: Sequence[Article], index: ArticleIndex | None) -> None:
        self._articles = {a.id: a for a in articles}
        self._order = sorted((a for a in articles if a.date is not None), key=_article_day)
        docs = _Docs(self._articles)
        listed = [docs[a.id] for a in articles]
        self._vectors = _Vectors(listed)
        self._index = index
        self._matches, self._links, stories = _group(listed, index, self._vectors)
        self._out, self._in = {}, {}
        for i, j in self._links:
            self._out.setdefault(i, set()).add(j)
            self._in.setdefault(j, set()).add(i)
        self._near = {}
        for i, j in self._matches:
            self._near.setdefault(i, set()).add(j)
            self._near.setdefault(j, set()).add(i)
        self._drift = 0
        self.full_runs += 1
        self._publish(stories)

    def _publish(self, stories: list[Story]) -> None:
        self.stories = stories
        self._by_id = {a.id: story for story in stories for a in story.articles}

    # --- the incremental step -------------------------------------------------------------------

    def _step(
        self,
        fresh: list[Article],
        replaced: list[Article],
        gone: list[str],
        index: ArticleIndex | None,
    ) -> None:
        assert self._vectors is not None
        vectors, articles = self._vectors, self._articles
        docs = _Docs(articles)
        touched: set[str] = set()  # whose part of the match graph is regrouped
        relinked: set[Pair] = set()  # pairs whose links changed
        # Where links may now resolve otherwise: around the articles that went, came or
        # changed, and around the articles that own their URLs now.
        around: list[float | None] = []
        urls: list[str] = []
        for article_id in gone + [a.id for a in fresh if a.id in articles]:
            old = articles[article_id]
            around.append(_day(old))
            urls += old.urls
            touched |= self._forget(old, relinked)
        for article in replaced:
            if article.date is not None:
                self._order[self._position(articles[article.id])] = article
            articles[article.id] = article
        for article in fresh:
            articles[article.id] = article
            if article.date is not None:
                insort(self._order, article, key=_article_day)
            around.append(_day(article))
            urls += article.urls
        if index is not None:
            for url in urls:
                owner = index.by_url(url)
                if owner is not None and owner.id in articles:
                    around.append(_day(articles[owner.id]))
            sources = {a.id: a for day in around for a in self._window(day, LINK_WINDOW_DAYS)}
            sources.update((a.id, a) for a in fresh)
            for source, article in sources.items():
                targets = _targets(article, articles, index) if article.related else set()
                before = self._out.get(source, set())
                for target in targets - before:
                    self._link(source, target)
                    relinked.add(_pair(source, target))
                for target in before - targets:
                    self._unlink(source, target)
                    relinked.add(_pair(source, target))
        matcher = _Matcher(vectors, self._links)
        # Pairs whose links changed: scored again (a link may make or unmake a candidate).
        for i, j in relinked:
            if i in articles and j in articles:
                first, second = docs[i], docs[j]
                linked = (i, j) in self._links or (j, i) in self._links
                if linked or _is_candidate(vectors, first, second):
                    self._set(i, j, matcher.score(first, second))
                else:
                    self._set(i, j, None)
                touched |= {i, j}
        for article in fresh:
            touched.add(article.id)
            doc = docs[article.id]
            for other in self._window(doc.day, IDENTICAL_WINDOW_DAYS):
                if other is not article and _is_candidate(vectors, doc, docs[other.id]):
                    self._set(article.id, other.id, matcher.score(doc, docs[other.id]))
        # The parts of the match graph that hold a touched article, regrouped.
        part: set[str] = set()
        todo = [i for i in touched if i in articles]
        while todo:
            i = todo.pop()
            if i not in part:
                part.add(i)
                todo.extend(self._near.get(i, ()))
        # The old stories of those parts (and of the removed articles) are regrouped.
        stale = {self._by_id[i].key for i in chain(part, touched) if i in self._by_id}
        changed = {self._by_id[a.id].key for a in replaced if a.id in self._by_id}
        kept = [s for s in self.stories if s.key not in stale]
        matches = ((p, s) for p, s in self._matches.items() if p[0] in part)
        regrouped = [
            make_story(articles[k] for k in group) for group in _cluster(matches, docs, matcher)
        ]
        renewed = [
            make_story(articles[a.id] for a in s.articles) if s.key in changed else s for s in kept
        ]
        self._publish(_sorted_stories(renewed + regrouped))

    def _forget(self, article: Article, relinked: set[Pair]) -> set[str]:
        """Drop an article, its links and its matches; the ids it was matched with."""
        article_id = article.id
        del self._articles[article_id]
        if article.date is not None:
            del self._order[self._position(article)]
        for target in list(self._out.get(article_id, ())):
            self._unlink(article_id, target)
            relinked.add(_pair(article_id, target))
        for source in list(self._in.get(article_id, ())):
            self._unlink(source, article_id)
            relinked.add(_pair(source, article_id))
        near = self._near.pop(article_id, set())
        for other in near:
            self._matches.pop(_pair(article_id, other), None)
            others = self._near[other]
            others.discard(article_id)
            if not others:
                del self._near[other]
        return near | {article_id}

    def _position(self, article: Article) -> int:
        """Where a dated article the book knows is in its order by day."""
        k = bisect_left(self._order, _article_day(article), key=_article_day)
        while self._order[k] is not article:
            k += 1
        return k

    def _link(self, source: str, target: str) -> None:
        self._links.add((source, target))
        self._out.setdefault(source, set()).add(target)
        self._in.setdefault(target, set()).add(source)

    def _unlink(self, source: str, target: str) -> None:
        self._links.discard((source, target))
        for table, key, value in ((self._out, source, target), (self._in, target, source)):
            values = table.get(key)
            if values is not None:
                values.discard(value)
                if not values:
                    del table[key]

    def _set(self, i: str, j: str, score: float | None) -> None:
        """Record whether a candidate pair matches."""
        key = _pair(i, j)
        if score is not None:
            self._matches[key] = score
            self._near.setdefault(i, set()).add(j)
            self._near.setdefault(j, set()).add(i)
        elif self._matches.pop(key, None) is not None:
            for a, b in ((i, j), (j, i)):
                self._near[a].discard(b)
                if not self._near[a]:
                    del self._near[a]

    def _window(self, day: float | None, days: float) -> list[Article]:
        """The dated articles within ``days`` of ``day`` (none for no day)."""
        if day is None:
            return []
        lo = bisect_left(self._order, day - days, key=_article_day)
        hi = bisect_right(self._order, day + days, key=_article_day)
        return self._order[lo:hi]


def _same_reading(old: Article, new: Article) -> bool:
    """Whether the matcher reads two snapshots of an article alike: the same search text,
    date, URLs and related entries (a new ``published`` flag or quality only moves the lead)."""
    return (old.search, old.date, old.related, old.urls) == (
        new.search,
        new.date,
        new.related,
        new.urls,
    )


def _article_day(article: Article) -> float:
    return article.date.timestamp() / 86400 if article.date else -math.inf
