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
tokens within the time window are scored (100,000 articles in a few seconds).

Each story has a lead (:data:`LEAD_RULE`): published first, then highest quality, then an
original over a syndicated copy, then earliest, then by id.

The core: no textual, no rich. Only what :class:`Article` keeps is used (no file is re-read).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
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


@dataclass(slots=True)
class _Doc:
    """What the matcher keeps per article: small (interned token strings, a few floats)."""

    title: tuple[str, ...]
    marks: frozenset[str]
    day: float | None
    #: The length of the title's IDF vector, set once the folder's IDF is known.
    norm: float = 0.0


class _Vectors:
    """IDF weights of a folder's title tokens, and the weighted cosine of two titles."""

    def __init__(self, docs: Sequence[_Doc]) -> None:
        df: dict[str, int] = {}
        for doc in docs:
            for token in doc.title:
                df[token] = df.get(token, 0) + 1
        n = len(docs) + 1
        # Squared weights: the cosine only ever uses those.
        self.weight = {t: math.log(n / c) ** 2 for t, c in df.items()}
        for doc in docs:
            doc.norm = math.sqrt(sum(self.weight[t] for t in doc.title))

    def cosine(self, first: _Doc, second: _Doc) -> float:
        """Cosine similarity of two titles' token sets, each token weighted by its IDF."""
        if not first.norm or not second.norm:
            return 0.0
        weight, other = self.weight, second.title
        shared = sum(weight[t] for t in first.title if t in other)
        return shared / (first.norm * second.norm)


def _doc(article: Article, intern: dict[str, str]) -> _Doc:
    fields = article.search.split(SEARCH_SEPARATOR, 3)
    title_text = _strip_provider(fields[0], fields[2] if len(fields) > 2 else "")
    # Interned: 100,000 titles share a vocabulary of a few ten thousand words.
    title = tuple(intern.setdefault(t, t) for t in dict.fromkeys(tokens(title_text)))
    day = article.date.timestamp() / 86400 if article.date else None
    return _Doc(title, markers(title), day)


def _excerpt_words(article: Article) -> frozenset[str]:
    fields = article.search.split(SEARCH_SEPARATOR, 2)
    return frozenset(tokens(fields[1])) if len(fields) > 1 else frozenset()


def _link_edges(articles: Sequence[Article], index: ArticleIndex | None) -> set[tuple[int, int]]:
    """Directed (source, target) positions of related entries that name another article."""
    if index is None:
        return set()
    position = {a.id: i for i, a in enumerate(articles)}
    edges = set()
    for i, article in enumerate(articles):
        for link in article.related:
            target = index.resolve_link(link, article.id)
            j = position.get(target.id) if target is not None else None
            if j is not None and j != i:
                edges.add((i, j))
    return edges


class _Matcher:
    """Decides whether two articles (by position) are one story."""

    def __init__(
        self, articles: Sequence[Article], docs: Sequence[_Doc], edges: set[tuple[int, int]]
    ) -> None:
        self.articles = articles
        self.docs = docs
        self.vectors = _Vectors(docs)
        self.edges = edges
        # Excerpts are tokenised only for the pairs scored (a few per article), when asked.
        self._excerpts: dict[int, frozenset[str]] = {}
        self._scores: dict[tuple[int, int], float] = {}

    def _excerpt(self, i: int) -> frozenset[str]:
        words = self._excerpts.get(i)
        if words is None:
            words = self._excerpts[i] = _excerpt_words(self.articles[i])
        return words

    def excerpt_similarity(self, i: int, j: int) -> float:
        """Jaccard similarity of two excerpts' words: a syndicated copy often keeps the
        excerpt word for word."""
        a, b = self._excerpt(i), self._excerpt(j)
        return len(a & b) / len(a | b) if a and b else 0.0

    @property
    def matches(self) -> dict[tuple[int, int], float]:
        """Every pair scored that matched, (smaller position, larger): its score."""
        return self._scores

    def score(self, i: int, j: int) -> float | None:
        """How sure it is that articles ``i`` and ``j`` report one story; None: they do not."""
        key = (i, j) if i < j else (j, i)
        score = self._scores.get(key)
        if score is None:
            # Only matches are kept: most pairs scored are not, and a refusal is cheap to redo.
            score = self._score(*key)
            if score is not None:
                self._scores[key] = score
        return score

    def _score(self, i: int, j: int) -> float | None:
        a, b = self.docs[i], self.docs[j]
        if markers_conflict(a.marks, b.marks):
            return None
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
        score += EXCERPT_WEIGHT * self.excerpt_similarity(i, j)
        return score if score >= needed else None


def _candidates(docs: Sequence[_Doc], vectors: _Vectors) -> Iterable[tuple[int, int]]:
    """Pairs worth scoring: sharing rare title tokens within the window, or an identical title.

    Articles are walked in date order, each appended to the postings of its rarest title
    tokens; an article is paired with the earlier ones still in the window on those postings,
    walked backwards until they fall out of it.
    """
    weight = vectors.weight
    dated = sorted((d.day, i) for i, d in enumerate(docs) if d.day is not None)
    postings: dict[str, list[tuple[float, int]]] = {}
    for day, i in dated:
        block = sorted(docs[i].title, key=weight.__getitem__, reverse=True)[:BLOCK_TOKENS]
        shared: dict[int, int] = {}
        for token in block:
            posting = postings.setdefault(token, [])
            for k in range(len(posting) - 1, -1, -1):
                other_day, j = posting[k]
                if day - other_day > WINDOW_DAYS:
                    break
                shared[j] = shared.get(j, 0) + 1
            posting.append((day, i))
        need = min(2, len(block))
        for j, count in shared.items():
            if count >= min(need, len(docs[j].title)):
                yield j, i
    # Identical titles (undated ones too): the matcher applies the wider window.
    by_title: dict[tuple[str, ...], list[int]] = {}
    for i, doc in enumerate(docs):
        if doc.title:
            by_title.setdefault(doc.title, []).append(i)
    for group in by_title.values():
        if 1 < len(group) <= 200:  # a title hundreds share ("Weekly roundup") is no story
            for n, i in enumerate(group):
                for j in group[n + 1 :]:
                    yield i, j


class StoryCache:
    """What :func:`find_stories` learnt of each article, kept between runs.

    Tokenising the titles is half the work at 100,000 articles; with a cache, a run after a
    few files changed re-reads only those (an article is looked up by id and re-tokenised when
    its search text or date differs). The grouping itself is redone: the folder's IDF moves
    with every change. Forgets articles no longer asked about.
    """

    def __init__(self) -> None:
        self._docs: dict[str, tuple[str, float | None, _Doc]] = {}
        self._intern: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def docs(self, articles: Sequence[Article]) -> list[_Doc]:
        """The matcher's record of each article, reused when it did not change."""
        fresh: dict[str, tuple[str, float | None, _Doc]] = {}
        out = []
        for article in articles:
            day = article.date.timestamp() / 86400 if article.date else None
            known = self._docs.get(article.id)
            if known is not None and known[0] == article.search and known[1] == day:
                doc = known[2]
            else:
                doc = _doc(article, self._intern)
            fresh[article.id] = (article.search, day, doc)
            out.append(doc)
        self._docs = fresh
        return out


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
    edges = _link_edges(articles, index)
    matcher = _Matcher(articles, docs, edges)
    # Scored as they come, not collected first: the matcher keeps the matches only.
    for i, j in chain(_candidates(docs, matcher.vectors), edges):
        matcher.score(i, j)
    ranked = sorted((-score, i, j) for (i, j), score in matcher.matches.items())
    # Best pairs first, and two groups join only if every pair across them matches (complete
    # link): a chain "A like B like C" must not make A and C, two other stories, one.
    owner = list(range(len(articles)))
    groups: dict[int, list[int]] = {}
    for _, i, j in ranked:
        a, b = owner[i], owner[j]
        if a == b:
            continue
        first, second = groups.get(a, [a]), groups.get(b, [b])
        if all(matcher.score(x, y) is not None for x in first for y in second):
            if len(first) < len(second):
                a, b, first, second = b, a, second, first
            groups[a] = first + second
            groups.pop(b, None)
            for k in second:
                owner[k] = a
    members = [[articles[k] for k in group] for group in groups.values()]
    stories = [make_story(m) for m in members]
    stories.sort(key=lambda s: (-(s.lead.date.timestamp() if s.lead.date else -math.inf), s.key))
    return stories


class StoryBook:
    """The folder's stories, kept current as the index changes: the owner of the app's stories.

    :meth:`update` is called with the index's articles after every change (in a worker: it
    takes seconds at 100k); :meth:`story_of` answers which story an article belongs to.
    """

    def __init__(self) -> None:
        self._cache = StoryCache()
        self.stories: list[Story] = []
        self._by_id: dict[str, Story] = {}

    def update(self, articles: Sequence[Article], index: ArticleIndex | None = None) -> list[Story]:
        """Regroup ``articles``; the new stories, newest lead first."""
        stories = find_stories(articles, index, self._cache)
        self._by_id = {a.id: story for story in stories for a in story.articles}
        self.stories = stories
        return stories

    def story_of(self, article_id: str) -> Story | None:
        """The story ``article_id`` belongs to (None: a story of one)."""
        return self._by_id.get(article_id)
