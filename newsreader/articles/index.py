"""The in-memory index of one folder: articles by id and URL, related resolution, sorts, counts.

The URL map and the backlinks are built lazily, on the first question that needs them, because a
folder of 100,000 articles should list at once; once built they are kept current incrementally.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from newsreader.articles.model import Article, BadFile, RelatedLink
from newsreader.articles.urls import normalize_url
from newsreader.reading import heap
from newsreader.site import rules as site_rules

#: Installing links for at least this many articles settles the heap (see install_links).
SETTLE_LINKS = 20_000

#: Sort keys with their natural direction (True: largest first).
SORT_KEYS: dict[str, bool] = {
    "date": True,
    "quality": True,
    "heat": True,
    "title": False,
    "provider": False,
    "id": False,
}
DEFAULT_SORT = "date"

_SORT_VALUE: dict[str, Callable[[Article], Any]] = {
    "date": lambda a: a.date,
    "quality": lambda a: a.quality,
    "heat": lambda a: a.heat,
    "title": lambda a: a.title.casefold() or None,
    "provider": lambda a: (a.provider or a.domain).casefold() or None,
    "id": lambda a: a.id,
}


def sort_articles(articles: Iterable[Article], key: str, reverse: bool = False) -> list[Article]:
    """Sort by ``key`` in its natural direction (flipped by ``reverse``); missing values last.

    Ties keep id order, so a view is the same every time.
    """
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {key!r} (choose from {', '.join(SORT_KEYS)})")
    value = _SORT_VALUE[key]
    rows = sorted(articles, key=lambda a: a.id)
    present = [a for a in rows if value(a) is not None]
    missing = [a for a in rows if value(a) is None]
    present.sort(key=value, reverse=SORT_KEYS[key] != reverse)
    return present + missing


@dataclass(frozen=True, slots=True)
class Counts:
    """Counts of a set of articles (``bad`` is the folder's, whatever the set)."""

    total: int
    published: int
    unpublished: int
    bad: int
    #: Problem files the site still builds: bad files it publishes or copies, and articles
    #: whose front matter Jekyll cannot read (it publishes them with none).
    reaching_site: int = 0
    #: Articles whose front matter Jekyll cannot read (problem files, though indexed).
    misread: int = 0


@dataclass(slots=True)
class Facets:
    """How many articles per provider, topic and type."""

    providers: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)


class UrlMap:
    """hash(normalised URL) -> id of the article carrying it (the smallest id on a tie).

    Hashes, not the URLs: 100,000 articles carry 150,000 URLs, and a 64-bit collision is far
    less likely than a typo in a URL. Compact, because it lives as long as the index: the bulk
    sits in a sorted ``array`` of hashes beside a list of ids (16 bytes a URL, against ~90 in a
    dict of int objects), found by bisection; what is added later goes to a small dict, merged
    in once it grows.
    """

    MERGE_AT = 4096

    def __init__(self, pairs: Iterable[tuple[int, str]] = ()) -> None:
        self._keys = array("q")
        self._ids: list[str] = []
        self._recent: dict[int, str] = {}
        self._merge(pairs)

    def __len__(self) -> int:
        return len(self._keys) + sum(1 for k in self._recent if self._sorted(k) is None)

    def get(self, key: int) -> str | None:
        """The article id for a URL hash, if any."""
        old, new = self._sorted(key), self._recent.get(key)
        if old is None or new is None:
            return old or new
        return min(old, new)

    def offer(self, key: int, article_id: str) -> None:
        """Map ``key`` to ``article_id`` unless a smaller id already has it."""
        current = self.get(key)
        if current is None or article_id < current:
            self._recent[key] = article_id
            if len(self._recent) >= self.MERGE_AT:
                recent, self._recent = self._recent, {}
                self._merge(recent.items())

    def _sorted(self, key: int) -> str | None:
        i = bisect_left(self._keys, key)
        return self._ids[i] if i < len(self._keys) and self._keys[i] == key else None

    def _merge(self, pairs: Iterable[tuple[int, str]]) -> None:
        # Sorted by hash, then id: the first pair of each hash carries the smallest id.
        merged = sorted([*zip(self._keys, self._ids, strict=True), *pairs])
        keys, ids = array("q"), []
        last = None
        for key, article_id in merged:
            if key != last:
                keys.append(key)
                ids.append(article_id)
                last = key
        self._keys, self._ids = keys, ids


@dataclass(frozen=True, slots=True)
class Links:
    """The URL map and backlinks table built from one version of an index."""

    version: int
    url_map: UrlMap
    backlinks: dict[str, list[str]]


def _keys(article: Article) -> set[int]:
    """The URL-map keys of an article: hashes of its normalised URLs."""
    # set(): the original URL is most often the web URL itself, normalised once.
    return {hash(k) for k in map(normalize_url, set(article.urls)) if k}


def _build_url_map(articles: Iterable[Article]) -> UrlMap:
    return UrlMap((key, article.id) for article in articles for key in _keys(article))


def _url_owner(url_map: UrlMap, url: str) -> str | None:
    """The id of the article a URL names, if any."""
    key = normalize_url(url)
    return url_map.get(hash(key)) if key else None


def _link_target(url_map: UrlMap, link: RelatedLink, source_id: str) -> str | None:
    """The id of the article a related entry names (never the source itself)."""
    for url in link.urls:
        target = _url_owner(url_map, url)
        if target is not None and target != source_id:
            return target
    return None


def _backlink_table(url_map: UrlMap, articles: Iterable[Article]) -> dict[str, list[str]]:
    """Target id -> ids of the articles whose related entries name it, in article order."""
    table: dict[str, list[str]] = {}
    for article in articles:
        for link in article.related:
            target = _link_target(url_map, link, article.id)
            if target is not None and article.id not in table.get(target, ()):
                table.setdefault(target, []).append(article.id)
    return table


@dataclass(frozen=True, slots=True)
class Resolution:
    """A related entry of an article, with the article in the folder it names (if any)."""

    link: RelatedLink
    target: Article | None
    index: int

    @property
    def external(self) -> bool:
        """True when the entry names no article of this folder."""
        return self.target is None


class ArticleIndex:
    """All articles and bad files of one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        #: The Jekyll site the folder belongs to: its config decides what the site shows.
        self.site = site_rules.open_site(root)
        self._articles: dict[str, Article] = {}
        self._bad: dict[str, BadFile] = {}
        self._url_map: UrlMap | None = None
        self._backlinks: dict[str, list[str]] | None = None
        #: Bumped by every change, so views computed from an older index can be told apart.
        self.version = 0
        #: How many of the articles are published (Jekyll's rule), kept by add and discard.
        self._published = 0
        #: Articles whose front matter Jekyll cannot read (few), kept by add and discard.
        self._misread: dict[str, Article] = {}
        #: URL-map keys of the articles removed from the folder -> their ids: a related entry
        #: naming one is "removed", not merely "not in the folder". Only removals fill it (few).
        self._gone: dict[int, str] = {}

    # --- contents ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._articles)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._articles

    @property
    def articles(self) -> list[Article]:
        """Every article, in the order they were added."""
        return list(self._articles.values())

    @property
    def bad_count(self) -> int:
        """How many bad files there are (without sorting them)."""
        return len(self._bad)

    @property
    def bad(self) -> list[BadFile]:
        """Every bad file, by id."""
        return sorted(self._bad.values(), key=lambda b: b.id)

    @property
    def misread(self) -> list[Article]:
        """Articles whose front matter Jekyll cannot read (it builds them with none), by id."""
        return sorted(self._misread.values(), key=lambda a: a.id)

    def reaching_site(self) -> int:
        """How many problem files the site still builds (see :attr:`Counts.reaching_site`)."""
        from newsreader.site.jekyll import HIDDEN

        return len(self._misread) + sum(1 for b in self._bad.values() if b.site != HIDDEN)

    def bad_file(self, article_id: str) -> BadFile | None:
        """The bad file with this id, if it is one."""
        return self._bad.get(article_id)

    def get(self, article_id: str) -> Article | None:
        """The article with this id, if indexed."""
        return self._articles.get(article_id)

    def add(self, item: Article | BadFile) -> None:
        """Add or replace the entry for one file (an article or a bad file)."""
        self.version += 1
        old = self._articles.get(item.id)
        if (
            isinstance(item, Article)
            and old is not None
            and (old.urls, old.related) == (item.urls, item.related)
        ):
            # A re-read that kept every link (a flag write): URL map and backlinks stay valid.
            self._articles[item.id] = item
            self._published += item.published - old.published
            self._note_misread(item)
            return
        self._drop(item.id)
        if isinstance(item, BadFile):
            self._bad[item.id] = item
            return
        self._articles[item.id] = item
        self._published += item.published
        self._note_misread(item)
        if self._url_map is not None:
            self._map_urls(item)
        self._backlinks = None

    def _note_misread(self, article: Article) -> None:
        if article.site_problem:
            self._misread[article.id] = article
        else:
            self._misread.pop(article.id, None)

    def add_all(self, items: Iterable[Article | BadFile]) -> None:
        """Add many entries."""
        articles, bad, add = self._articles, self._bad, self.add
        for item in items:
            article_id = item.id
            if type(item) is not Article or article_id in articles or article_id in bad:
                add(item)
                continue
            # A new article (every one of a start): what add() does with nothing to replace.
            self.version += 1
            articles[article_id] = item
            self._published += item.published
            if item.site_problem:
                self._misread[article_id] = item
            if self._url_map is not None:
                self._map_urls(item)
            self._backlinks = None

    def discard(self, article_id: str) -> None:
        """Forget a file (it was removed from the folder)."""
        old = self._drop(article_id)
        if old is not None:
            for key in _keys(old):
                self._gone[key] = article_id

    def _drop(self, article_id: str) -> Article | None:
        """Forget a file's entry (removed, or about to be replaced); the article it was."""
        self.version += 1
        self._bad.pop(article_id, None)
        old = self._articles.pop(article_id, None)
        if old is None:
            return None
        self._published -= old.published
        self._misread.pop(article_id, None)
        if self._url_map is not None and any(
            self._url_map.get(key) == article_id for key in _keys(old)
        ):
            # Another article may carry the same URL: rebuild the map when next asked.
            self._url_map = None
        self._backlinks = None
        return old

    # --- URLs and related ----------------------------------------------------------------

    def _map_urls(self, article: Article) -> None:
        assert self._url_map is not None
        for key in _keys(article):
            self._url_map.offer(key, article.id)

    def _urls(self) -> UrlMap:
        if self._url_map is None:
            self._url_map = _build_url_map(self._articles.values())
        return self._url_map

    def by_url(self, url: str) -> Article | None:
        """The article a URL names (scheme, ``www.``, trailing slash and AMP forms ignored)."""
        article_id = _url_owner(self._urls(), url)
        return self._articles.get(article_id) if article_id else None

    def resolve_link(self, link: RelatedLink, source_id: str = "") -> Article | None:
        """The article of this folder a related entry names, if any (never the source itself)."""
        target = _link_target(self._urls(), link, source_id)
        return self._articles.get(target) if target else None

    def removed_target(self, link: RelatedLink) -> str | None:
        """The id of the removed article a related entry names, if it names one (and no article
        of the folder carries that URL now)."""
        for url in link.urls:
            key = normalize_url(url)
            gone = self._gone.get(hash(key)) if key else None
            if gone is not None and gone not in self._articles:
                return gone
        return None

    def url_twin(self, article: Article) -> str | None:
        """The id of another article with one of this article's URLs, if the map gives that
        URL to it (the smallest id keeps a shared URL: only the others are twins of it)."""
        url_map = self._urls()
        for key in _keys(article):
            owner = url_map.get(key)
            if owner is not None and owner != article.id:
                return owner
        return None

    def resolve(self, article: Article) -> list[Resolution]:
        """Every related entry of an article, resolved against the folder."""
        return [
            Resolution(link, self.resolve_link(link, article.id), i)
            for i, link in enumerate(article.related)
        ]

    def backlinks(self, article_id: str) -> list[Article]:
        """The articles that list this one among their related entries."""
        if self._backlinks is None:
            self._backlinks = _backlink_table(self._urls(), self._articles.values())
        return [self._articles[i] for i in self._backlinks.get(article_id, ())]

    # --- links prepared elsewhere ----------------------------------------------------------

    @property
    def links_ready(self) -> bool:
        """Whether the URL map and backlinks are built (resolving is then only look-ups)."""
        return self._url_map is not None and self._backlinks is not None

    def links_job(self) -> Callable[[], Links]:
        """A job that builds the URL map and backlinks of the index as it is now.

        The job reads only a snapshot (the article list of this version), so it can run in a
        worker thread while the index changes; :meth:`install_links` then takes its result only
        if nothing changed meanwhile. At 100,000 articles this is about a second of work that
        would otherwise freeze the UI on the first related panel shown.
        """
        version, articles = self.version, self.articles

        def build() -> Links:
            url_map = _build_url_map(articles)
            return Links(version, url_map, _backlink_table(url_map, articles))

        return build

    def install_links(self, links: Links) -> bool:
        """Take prepared links if they were built from this very version; False if stale.

        In a large folder, what the links and the views made since indexing hold is then left
        out of full collections too (:func:`newsreader.reading.heap.settle`, ~0.1 s once at 100k):
        measured, a keystroke in the filter at 100k took ~10 ms less.
        """
        if links.version != self.version:
            return False
        self._url_map, self._backlinks = links.url_map, links.backlinks
        if len(self._articles) >= SETTLE_LINKS:
            heap.settle()
        return True

    # --- views ---------------------------------------------------------------------------

    def counts(self, articles: Iterable[Article] | None = None) -> Counts:
        """Counts for a set of articles (default: all)."""
        if articles is None:
            # Kept as articles come and go: the status line asks after every batch and key.
            total = len(self._articles)
            published = self._published
        else:
            total = published = 0
            for article in articles:
                total += 1
                published += article.published
        return Counts(
            total,
            published,
            total - published,
            len(self._bad),
            self.reaching_site(),
            len(self._misread),
        )

    @staticmethod
    def facets(articles: Iterable[Article]) -> Facets:
        """Per-provider, per-topic and per-type counts of a set of articles."""
        facets = Facets()
        for article in articles:
            facets.providers[article.provider or article.domain or "(none)"] += 1
            facets.types[article.type or "(none)"] += 1
            facets.topics.update(article.topics)
        return facets


def date_text(when: datetime | None) -> str:
    """ISO 8601 text of a date, or '' when there is none."""
    return when.isoformat() if when else ""
