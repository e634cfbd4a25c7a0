"""The Jekyll site an opened folder belongs to: its config and clock decide what it shows now.

What Jekyll reads from a file (does its ``published`` value let the page through, which date the
page has) is fixed when the file is read, and kept with the article (see
:mod:`newsreader.site.jekyll`). Whether the site shows the page *now* also depends on the site's
``_config.yml`` (``future``, ``unpublished``) and on the time of the build, which move on while
the app runs. One folder is open per process, so this module keeps that folder's site config;
:func:`open_site` sets it when a folder is opened (the CLI and the app both do).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.site.jekyll import (
    COPIED,
    HIDDEN,
    PUBLISHED,
    SiteConfig,
    find_site_config,
    publishes,
)

if TYPE_CHECKING:
    from newsreader.articles.model import Article

__all__ = ["flag_blocker", "open_site", "shows", "use_config", "verdict", "words"]

_config = SiteConfig()


def open_site(folder: Path) -> SiteConfig:
    """Find and keep the site config of an opened folder (none found: Jekyll's defaults)."""
    return use_config(find_site_config(folder))


def use_config(site_config: SiteConfig | None) -> SiteConfig:
    """Keep ``site_config`` as the current site's (None: Jekyll's defaults)."""
    global _config
    _config = site_config or SiteConfig()
    return _config


def shows(renders: bool, when: float | None) -> bool:
    """Whether the site would publish a document if it were built now (see
    :func:`newsreader.site.jekyll.publishes`)."""
    return publishes(renders, when, _config, time.time())


def verdict(document: bool, renders: bool, when: float | None) -> str:
    """``published``, ``hidden`` or ``copied``: what the site does with a file now."""
    if not document:
        return COPIED
    return PUBLISHED if shows(renders, when) else HIDDEN


def words(verdict_: str, misread: bool) -> str:
    """A verdict in words; ``misread``: Jekyll cannot read the file's front matter."""
    if verdict_ == COPIED:
        return "copied to the site as raw text"
    if verdict_ == HIDDEN:
        return "the site hides it"
    return (
        "the site publishes this page with no front matter" if misread else "the site publishes it"
    )


def flag_blocker(article: Article, publish: bool) -> str:
    """Why setting the flag cannot make the site publish (or hide) the article; "" if it can."""
    if article.site_problem and article.renders:
        return (
            f"Jekyll cannot read this file's front matter ({article.site_problem}), "
            "so the site publishes it whatever the flag says"
        )
    if article.site_problem:
        return f"{article.site_problem}: the flag cannot change that"
    if publish and not shows(True, article.site_time):
        return (
            f"dated in the future ({date_words(article.site_time)}): the site shows it from then on"
        )
    if not publish and _config.unpublished:
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
