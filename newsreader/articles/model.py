"""The article model: summary records held by the index, and full details parsed on demand.

An :class:`Article` is what the list, the query language and the CLI need about one file. It is
kept small (slots, tuples, shared empty strings) because a folder may hold 100,000 of them. The
full parse of one file, with images, related entries in full and unknown keys, is an
:class:`ArticleDetail`, built only when somebody looks at that article.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import InitVar, dataclass, field
from datetime import datetime
from typing import Any

from newsreader.site import rules as site_rules


class FileStamp(bytes):
    """What a file looked like when it was read: the writer refuses to write if it changed.

    Size, mtime (ns) and content digest, packed into one small immutable bytes object: the index
    keeps one per article, 100,000 of them. Equal stamps mean the same file state.
    """

    __slots__ = ()
    _HEAD = struct.Struct("<qq")

    def __new__(cls, size: int, mtime_ns: int, digest: bytes) -> FileStamp:
        return super().__new__(cls, cls._HEAD.pack(size, mtime_ns) + digest)

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return int(self._HEAD.unpack_from(self)[0])

    @property
    def mtime_ns(self) -> int:
        """The file's modification time in nanoseconds."""
        return int(self._HEAD.unpack_from(self)[1])

    @property
    def digest(self) -> bytes:
        """The content hash (see :func:`content_digest`)."""
        return bytes(self[self._HEAD.size :])

    def __repr__(self) -> str:
        return f"FileStamp(size={self.size}, mtime_ns={self.mtime_ns}, digest={self.digest!r})"

    __str__ = __repr__

    def __getnewargs__(self) -> tuple[int, int, bytes]:  # type: ignore[override]
        return (self.size, self.mtime_ns, self.digest)

    @classmethod
    def of(cls, data: bytes, size: int, mtime_ns: int) -> FileStamp:
        """The stamp of file contents just read, with their size and modification time."""
        return cls(size, mtime_ns, content_digest(data))


def content_digest(data: bytes) -> bytes:
    """The content hash kept in every stamp (8 bytes of BLAKE2b: cheap, and enough)."""
    return hashlib.blake2b(data, digest_size=8).digest()


@dataclass(frozen=True, slots=True)
class RelatedLink:
    """The summary of one ``related`` entry: enough to list it and resolve it by URL."""

    title: str = ""
    urls: tuple[str, ...] = ()
    provider: str = ""
    domain: str = ""
    date: datetime | None = None
    quality: int | None = None


_TOPIC_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}
#: Separates the fields joined in :attr:`Article.search`.
SEARCH_SEPARATOR = "\x00"


#: Typographic characters searched as the ASCII a user types: ``don't`` finds "don’t" and
#: ``"quoted"`` finds “quoted”. Folding them also keeps most search texts to one byte a
#: character (a single curly quote makes CPython store a whole string at two bytes a character).
_FOLDS = (
    *((c, "'") for c in "\u2018\u2019\u201a\u201b"),
    *((c, '"') for c in "\u201c\u201d\u201e\u201f"),
    *((c, "-") for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"),
    ("\u2026", "..."),
    *((c, " ") for c in "\u00a0\u2009\u202f"),
)


#: The accents dropped: the combining diacritical marks (of Latin, Greek and Cyrillic letters,
#: once NFKD has split them off). Other scripts' marks stay: Hebrew points, Arabic vowels and
#: Indic signs carry more than an accent does.
_ACCENT_RANGES = (
    (0x300, 0x36F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)
_ACCENTS = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _ACCENT_RANGES) + "]")
_ACCENT_CHARS = frozenset(chr(c) for a, b in _ACCENT_RANGES for c in range(a, b + 1))

#: What each non-ASCII character folds to (see :func:`fold_char`), filled as characters are met:
#: a corpus uses few distinct ones.
_CHAR_FOLDS: dict[str, str] = dict(_FOLDS)
#: Characters that fold to themselves: ASCII, and the others as they are met.
_UNFOLDED: set[str] = {chr(c) for c in range(128)}


def fold_char(ch: str) -> str:
    """One character folded: a typographic fold, else its NFKD without accents, lowercased:
    ``ü`` → ``u``, ``ﬁ`` → ``fi``, ``Ｎ`` → ``n``, ``…`` → ``...``."""
    folded = _CHAR_FOLDS.get(ch)
    if folded is None:
        plain = unicodedata.normalize("NFKD", ch)
        folded = "".join(c for c in plain if c not in _ACCENT_CHARS).lower()
        for old, new in _FOLDS:  # a compatibility form may decompose to one (﹘ to —)
            folded = folded.replace(old, new)
        _CHAR_FOLDS[ch] = folded
    return folded


def fold_text(text: str) -> str:
    """``text`` with every non-ASCII character folded (:func:`fold_char`): typographic quotes,
    dashes, ellipses and no-break spaces made ASCII, accents dropped (``zurich`` finds
    "Zürich"), compatibility forms made plain letters.

    Each character maps to fixed text without NULs, wherever it stands, so a needle folded the
    same way is found in a folded text where it was found before, and also where it differed
    only by those characters. Run once per article when it is read, never per keystroke. For a
    400-character text: ~1 µs with typographic characters only, ~4 µs with a few accents, ~20
    µs for CJK text with full-width punctuation (each CJK character is a new object to set()).
    """
    if text.isascii():
        return text
    for old, new in _FOLDS:  # the usual non-ASCII in English text: often all there is
        text = text.replace(old, new)
    if text.isascii():
        return text
    # Already decomposed, with no accent: every character folds to itself (most non-Latin text
    # is so, and building its set of characters below would cost ~30 µs).
    if unicodedata.is_normalized("NFKD", text) and not _ACCENTS.search(text):
        return text
    # A set difference in C skips the characters known to stay (CJK text is mostly those).
    for ch in set(text) - _UNFOLDED:
        folded = fold_char(ch)
        if folded == ch:
            _UNFOLDED.add(ch)
        else:
            text = text.replace(ch, folded)
    return text


def search_text(*fields: str) -> str:
    """The text free words are searched in: the fields lowercased and folded (:func:`fold_text`),
    a NUL between two.

    NULs inside a field are turned into spaces, so a match never spans two fields (a needle
    that holds a NUL matches nothing). Lowercasing the joined text equals joining the lowercased
    fields: NUL is neither cased nor case-ignorable, so no context rule reaches across it.
    """
    sep = SEARCH_SEPARATOR
    return fold_text(sep.join(f.replace(sep, " ") for f in fields).lower())


@dataclass(slots=True)
class Article:
    """One article file, as the index knows it (the summary record)."""

    id: str
    stamp: FileStamp
    title: str = ""
    #: Given when building an article, kept only inside :attr:`search` (the detail pane shows
    #: :attr:`ArticleDetail.excerpt`, read from the file): one lowercased copy, not two texts.
    #: Not an attribute (strict mypy refuses ``article.excerpt``; at run time it reads "").
    excerpt: InitVar[str] = ""
    date: datetime | None = None
    date_raw: str = ""
    provider: str = ""
    domain: str = ""
    topics: tuple[str, ...] = ()
    type: str = ""
    category: str = ""
    quality: int | None = None
    heat: int | None = None
    #: The top-level ``published`` value as a boolean, read by Jekyll's YAML rules (Psych: any
    #: letter case of true/false/yes/no/on/off); None when missing or not a boolean.
    flag: bool | None = None
    #: True when the file has a top-level ``published`` key at all (of any type).
    has_flag: bool = False
    #: What Jekyll reads from the file (see :mod:`newsreader.site.jekyll`): whether its
    #: ``published`` value lets the page through (Ruby's truth: ``false`` and null do not, a missing
    #: key does), the page's date in epoch seconds (its ``date`` key, else a ``YYYY-MM-DD-`` file
    #: name; None: none), and why Jekyll cannot read the front matter ("" when it can: else
    #: it builds the page with no front matter at all, so ``published:`` is ignored).
    renders: bool = True
    site_time: float | None = None
    site_problem: str = ""
    web_url: str = ""
    original_url: str = ""
    amp_url: str = ""
    cdn_amp_url: str = ""
    image_count: int = 0
    related: tuple[RelatedLink, ...] = ()
    warnings: tuple[str, ...] = ()
    #: :func:`search_text` of the title, excerpt, provider and domain: what free words of a
    #: query search, with no lowercasing per keystroke (one ``in`` per article). Computed from
    #: ``excerpt`` and the fields unless given (records carry it).
    search: str = ""

    def __post_init__(self, excerpt: str) -> None:
        if not self.search:
            self.search = search_text(self.title, excerpt, self.provider, self.domain)
        # 100,000 of these stay in memory: share what is equal instead of keeping copies.
        if self.original_url == self.web_url:
            self.original_url = self.web_url
        self.topics = _TOPIC_TUPLES.setdefault(self.topics, self.topics)

    @property
    def published(self) -> bool:
        """Whether the site shows this article now: Jekyll's answer, not the flag's."""
        return site_rules.shows(self.renders, self.site_time)

    @property
    def site_differs(self) -> bool:
        """Whether the file's own ``published`` flag does not say what the site does: a problem
        file Jekyll reads without its front matter, a page dated in the future, a flag that is
        missing or not a boolean."""
        return bool(self.site_problem) or self.flag is not self.published

    @property
    def site(self) -> str:
        """``published`` or ``hidden``: what the site does with this article now."""
        return site_rules.verdict(True, self.renders, self.site_time)

    @property
    def site_words(self) -> str:
        """What the site does with the article, in words."""
        return site_rules.words(self.site, bool(self.site_problem))

    @property
    def url(self) -> str:
        """The best URL to open for this article."""
        return self.web_url or self.original_url or self.amp_url or self.cdn_amp_url

    @property
    def urls(self) -> tuple[str, ...]:
        """Every URL the article is known by, for resolving related entries."""
        return tuple(
            u for u in (self.web_url, self.original_url, self.amp_url, self.cdn_amp_url) if u
        )


@dataclass(frozen=True, slots=True)
class Image:
    """One entry of ``images``."""

    url: str
    width: int | None = None
    height: int | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class RelatedEntry:
    """One ``related`` entry in full: its own fields as the file gives them."""

    link: RelatedLink
    excerpt: str = ""
    type: str = ""
    images: tuple[Image, ...] = ()
    #: Every key of the entry rendered as plain text, in file order, for the detail pane.
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class ArticleDetail:
    """The full parse of one file, for the detail pane and ``newsreader show``."""

    article: Article
    excerpt: str = ""
    images: tuple[Image, ...] = ()
    featured_content: str = ""
    related: tuple[RelatedEntry, ...] = ()
    #: Keys the format does not name, with their values rendered as plain text.
    unknown: tuple[tuple[str, str], ...] = ()
    provider_images: tuple[Image, ...] = ()
    secured: str = ""
    body: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BadFile:
    """A file that could not be indexed, with a one-line reason, and what the site does with it.

    The site still builds a file the app refuses (an alias bomb, a file over the size limit, a
    YAML tag): ``document``, ``renders`` and ``site_time`` are Jekyll's reading of it, as for
    an :class:`Article`; ``document`` is False when Jekyll copies it as a static file.
    """

    id: str
    reason: str
    line: int | None = None
    document: bool = True
    renders: bool = True
    site_time: float | None = None
    #: Why Jekyll cannot read the front matter either ("" when it can): see Article.
    site_problem: str = ""

    def describe(self) -> str:
        """The reason with its line number, when there is one."""
        return f"line {self.line}: {self.reason}" if self.line else self.reason

    @property
    def site(self) -> str:
        """``published``, ``hidden`` or ``copied``: what the site does with the file now."""
        return site_rules.verdict(self.document, self.renders, self.site_time)

    @property
    def site_words(self) -> str:
        """What the site does with the file, in words."""
        return site_rules.words(self.site, bool(self.site_problem))
