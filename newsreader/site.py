"""The Jekyll site an opened folder belongs to: its config and clock decide what it shows now.

What Jekyll reads from a file (does its ``published`` value let the page through, which date the
page has) is fixed when the file is read, and kept with the article (see
:mod:`newsreader.jekyll`). Whether the site shows the page *now* also depends on the site's
``_config.yml`` (``future``, ``unpublished``) and on the time of the build, which move on while
the app runs. One folder is open per process, so this module keeps that folder's site config;
:func:`open_site` sets it when a folder is opened (the CLI and the app both do).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.jekyll import SiteConfig
    from newsreader.model import Article

__all__ = ["config", "flag_blocker", "open_site", "shows", "use_config", "verdict", "words"]

# The model asks :func:`shows` for every article a filter looks at, so it keeps only plain flags
# here and imports nothing: newsreader.jekyll (and its YAML machinery) loads when a site opens.
_config: SiteConfig | None = None
_future = False
_unpublished = False


def open_site(folder: Path) -> SiteConfig:
    """Find and keep the site config of an opened folder (none found: Jekyll's defaults)."""
    from newsreader.jekyll import find_site_config

    return use_config(find_site_config(folder))


def use_config(site_config: SiteConfig | None) -> SiteConfig:
    """Keep ``site_config`` as the current site's (None: Jekyll's defaults)."""
    from newsreader.jekyll import SiteConfig

    global _config, _future, _unpublished
    _config = site_config or SiteConfig()
    _future, _unpublished = _config.future, _config.unpublished
    return _config


def config() -> SiteConfig:
    """The current site's config."""
    return _config or use_config(None)


def shows(renders: bool, when: float | None, now: float | None = None) -> bool:
    """Whether the site builds a document now: Jekyll's ``Publisher#publish?``.

    ``renders`` is the truth of the document's ``published`` value (missing counts as true),
    ``when`` its date in epoch seconds (None: it has none, and Jekyll uses the build's time).
    """
    if not (renders or _unpublished):
        return False
    if when is None or _future:
        return True
    return when <= (time.time() if now is None else now)


def verdict(document: bool, renders: bool, when: float | None) -> str:
    """``published``, ``hidden`` or ``copied``: what the site does with a file now."""
    from newsreader.jekyll import COPIED, HIDDEN, PUBLISHED

    if not document:
        return COPIED
    return PUBLISHED if shows(renders, when) else HIDDEN


def words(verdict_: str, misread: bool) -> str:
    """A verdict in words; ``misread``: Jekyll cannot read the file's front matter."""
    if verdict_ == "copied":
        return "copied to the site as raw text"
    if verdict_ == "hidden":
        return "the site hides it"
    return (
        "the site publishes this page with no front matter" if misread else "the site publishes it"
    )


def flag_blocker(article: Article, publish: bool) -> str:
    """Why setting the flag cannot make the site publish (or hide) the article; "" if it can."""
    if article.site_problem:
        return (
            f"the site ignores this file's front matter ({article.site_problem}), "
            "so the published flag has no effect"
        )
    if publish and not shows(True, article.site_time):
        return (
            f"dated in the future ({date_words(article.site_time)}): the site shows it from then on"
        )
    if not publish and _unpublished:
        return "the site's _config.yml sets unpublished: true, so it shows every page"
    return ""


def date_words(when: float | None) -> str:
    """A page date (epoch seconds) as local date and time, as far as the platform can tell."""
    if when is None:
        return "no date"
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(when))
    except (OverflowError, ValueError, OSError):
        return f"{when:.0f} seconds after 1970"
