"""Front-matter lint and the site's view of related stories, for ``check`` and the related panel.

Everything here works from what the index already holds (titles, the folded search text, image
counts, the URL map), never from the files: a pass over 100,000 articles is one loop of cheap
look-ups. Each finding carries a short code, so ``check --lint`` can choose among them:

- ``mojibake``: garbled text in the title or excerpt (UTF-8 read as Windows-1252: "â€™", "Ã©");
- ``cut``: an excerpt that ends in "..." or "…" (cut short by the crawler);
- ``images``: an article with no ``images`` entry (and, found when the file is read, one whose
  entries have no url: see :func:`warning_code`);
- ``duplicate-url``: an article with the URL of another (the one with the smallest id keeps it);
- ``related``: a related entry naming an article hidden on the site, or one removed from the folder;
- ``outside``: a related entry naming no article of the folder (normal for external links, so
  not in the default set).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import SEARCH_SEPARATOR, Article, RelatedLink, search_text

# --- related entries, as the site sees them -----------------------------------------------

#: The related entry names an article of the folder that the site shows.
IN_FOLDER = "in-folder"
#: It names an article of the folder that the site does not show (unpublished, future, ...).
HIDDEN = "hidden"
#: It names no article of the folder: an external link (normal) or a story never fetched.
NOT_IN_FOLDER = "not-in-folder"
#: It names an article whose file was removed from the folder while the index was open (or
#: since the cache was written).
REMOVED = "removed"

#: What each state says, in words (the related panel and ``check``); "" for the normal case.
STATUS_WORDS = {
    IN_FOLDER: "",
    HIDDEN: "hidden on the site",
    NOT_IN_FOLDER: "not in the folder",
    REMOVED: "removed from the folder",
}


def link_status(index: ArticleIndex, link: RelatedLink, target: Article | None) -> str:
    """The state of one related entry, given the article it resolved to (None: none)."""
    if target is not None:
        return IN_FOLDER if target.published else HIDDEN
    return REMOVED if index.removed_target(link) is not None else NOT_IN_FOLDER


# --- lint rules ----------------------------------------------------------------------------

MOJIBAKE = "mojibake"
CUT = "cut"
IMAGES = "images"
DUPLICATE_URL = "duplicate-url"
RELATED = "related"
OUTSIDE = "outside"
#: Every code, in the order ``check`` reports them for one article.
CODES = (MOJIBAKE, CUT, IMAGES, DUPLICATE_URL, RELATED, OUTSIDE)
#: What ``check`` runs without ``--lint``: all but ``outside`` (external links are normal).
DEFAULT_CODES = frozenset(CODES) - {OUTSIDE}

#: Characters that, written as UTF-8 and read back as Windows-1252, give the usual mojibake.
_GARBLE_SOURCES = "‘’‚“”„–—…•€™éèêëàâäåçîïôöûüùñóòáíúãõøæœßÉÈÀÇÖÜ©®°£§±«»\u00a0"


def _garbled_forms() -> tuple[list[str], dict[str, str]]:
    """The mojibake of each source character as written, and as the search text folds it
    (each folded form with the written one it comes from, to show the reader).

    A folded form that says nothing (all ASCII once the accents are gone: "Ã³" folds to "a3")
    is dropped: it would match sound text.
    """
    raw: set[str] = set()
    folded: dict[str, str] = {}
    for ch in _GARBLE_SOURCES:
        try:
            garbled = ch.encode().decode("cp1252")
        except UnicodeDecodeError:  # a byte Windows-1252 leaves undefined (0x81, 0x8d, ...)
            continue
        raw.add(garbled)
        fold = search_text(garbled)
        # A soft hyphen or space after an "a" is sound text (hyphenation hints): not a sign.
        if len(fold) > 1 and not fold.isascii() and fold[-1] not in "\u00ad \u00a0":
            folded.setdefault(fold, garbled)
    return sorted(raw, key=lambda s: (-len(s), s)), folded


def _alternation(forms: Iterable[str]) -> re.Pattern[str]:
    """A pattern matching any of ``forms``, the longest first (the whole sequence is reported)."""
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))))


_RAW_FORMS, _FOLDED_FORMS = _garbled_forms()
#: Mojibake in text as the file gives it (a title).
GARBLED = _alternation(_RAW_FORMS)
#: Mojibake in text folded for search (the excerpt, which the index keeps only so).
GARBLED_FOLDED = _alternation(_FOLDED_FORMS)


def garbled(text: str, *, folded: bool = False) -> str:
    """The first mojibake sequence in ``text`` ("" when there is none); in folded text, the
    sequence as it was written before folding (folding loses its accents and case)."""
    if text.isascii():  # every mojibake form holds a non-ASCII character; most text has none
        return ""
    if folded:
        match = GARBLED_FOLDED.search(text)
        return _FOLDED_FORMS[match.group()] if match else ""
    match = GARBLED.search(text)
    return match.group() if match else ""


def is_cut(excerpt: str) -> bool:
    """Whether an excerpt ends in "..." or "…" (folded search text has only the former)."""
    tail = excerpt.rstrip()
    return tail.endswith(("...", "…"))


#: The code of the warnings found while reading a file (a bad date, a value of the wrong type).
FRONT_MATTER = "front-matter"


def warning_code(warning: str) -> str:
    """The code of one of an article's own warnings (:attr:`Article.warnings`): those about
    ``images`` (not a list, entries with no url) belong to the ``images`` rule."""
    return IMAGES if warning.startswith("images") else FRONT_MATTER


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint warning on one article."""

    id: str
    code: str
    message: str


def _excerpt(article: Article) -> str:
    """The excerpt as the index keeps it: lowercased and folded, the second search field."""
    fields = article.search.split(SEARCH_SEPARATOR, 2)
    return fields[1] if len(fields) > 1 else ""


def _quoted(title: str) -> str:
    return repr(title or "(untitled)")


def lint_article(index: ArticleIndex, article: Article, codes: frozenset[str]) -> list[Finding]:
    """The findings of the chosen rules on one article."""
    found: list[Finding] = []

    def add(code: str, message: str) -> None:
        found.append(Finding(article.id, code, message))

    if MOJIBAKE in codes:
        sequence = garbled(article.title)
        if sequence:
            add(MOJIBAKE, f"garbled text in the title: {sequence!r}")
        sequence = garbled(_excerpt(article), folded=True)
        if sequence:
            add(MOJIBAKE, f"garbled text in the excerpt: {sequence!r}")
    if CUT in codes and is_cut(_excerpt(article)):
        add(CUT, "the excerpt is cut short (it ends in ...)")
    if IMAGES in codes and article.image_count == 0:
        add(IMAGES, "no images")
    if DUPLICATE_URL in codes:
        twin = index.url_twin(article)
        if twin is not None:
            add(DUPLICATE_URL, f"same URL as {twin}")
    if article.related and (RELATED in codes or OUTSIDE in codes):
        _lint_related(index, article, codes, add)
    return found


def _lint_related(
    index: ArticleIndex,
    article: Article,
    codes: frozenset[str],
    add: Callable[[str, str], None],
) -> None:
    """Add a finding for each related entry whose state is one of the chosen codes."""
    for resolution in index.resolve(article):
        link, target = resolution.link, resolution.target
        status = link_status(index, link, target)
        code = OUTSIDE if status == NOT_IN_FOLDER else RELATED
        if status == IN_FOLDER or code not in codes:
            continue
        title = link.title or (target.title if target is not None else "")
        where = target.id if target is not None else index.removed_target(link) or link_url(link)
        add(code, f"related: {_quoted(title)} is {STATUS_WORDS[status]} ({where})")


def link_url(link: RelatedLink) -> str:
    """The first URL of a related entry ("no URL" when it has none)."""
    return link.urls[0] if link.urls else "no URL"


def lint(index: ArticleIndex, codes: Iterable[str] = DEFAULT_CODES) -> list[Finding]:
    """The findings of the chosen rules on every article, by article id then rule."""
    chosen = frozenset(codes)
    if not chosen:
        return []
    found: list[Finding] = []
    for article in sorted(index.articles, key=lambda a: a.id):
        found.extend(lint_article(index, article, chosen))
    return found


def parse_codes(text: str) -> frozenset[str]:
    """The codes of a ``--lint`` value: comma-separated codes, ``all``, ``default`` or ``none``.

    Raises ValueError naming an unknown code.
    """
    chosen: set[str] = set()
    for word in (w.strip() for w in text.split(",")):
        if word == "all":
            chosen.update(CODES)
        elif word == "default":
            chosen.update(DEFAULT_CODES)
        elif word in ("none", ""):
            continue
        elif word in CODES:
            chosen.add(word)
        else:
            raise ValueError(f"unknown lint code {word!r} (codes: {', '.join(CODES)})")
    return frozenset(chosen)
