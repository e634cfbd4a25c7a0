"""Helpers for the Pilot tests of the whole app: a small fixture folder, waits and disk snapshots.

The fixture folder holds four articles, written here as YAML text (nothing is read from
elsewhere). In the default sort (date, newest first) they are listed as A, B, C, D:

- ``a.md`` (unpublished) lists B by an AMP ``www.`` variant of B's URL, and one external story;
- ``b.md`` (published) has a plain https URL;
- ``c.md`` (unpublished) has only a ``file://`` URL, which must never be opened;
- ``d.md`` has no ``published`` key at all (published, by Jekyll's rule).
"""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.main import MainScreen

A, B, C, D = "a.md", "b.md", "c.md", "d.md"
#: The rows in the default sort (date, newest first).
DATE_ORDER = [A, B, C, D]
TITLES = {A: "Alpha story", B: "Bravo story", C: "Charlie story", D: "Delta story"}
URLS = {
    A: "https://news.example/alpha/",
    B: "https://news.example/bravo/",
    C: "file:///etc/passwd",
    D: "https://news.example/delta/",
}
EXTERNAL_TITLE = "Outside story"
EXTERNAL_PROVIDER = "Faraway Times"

_RELATED_OF_A = f"""
related:
  - title: "{TITLES[B]} (AMP)"
    webUrl: "https://www.news.example/bravo/amp/"
    type: article
  - title: "{EXTERNAL_TITLE}"
    excerpt: "A story that is not in this folder."
    publishedDateTime: 2023-02-20T10:00:00Z
    webUrl: "https://elsewhere.example/outside"
    type: article
    provider:
      name: {EXTERNAL_PROVIDER}
      domain: elsewhere.example
    quality: 12
"""


def article_text(
    title: str,
    *,
    date: str,
    url: str,
    quality: int,
    published: str | None,
    extra: str = "",
) -> str:
    """One article file in the usual key order; ``published`` is raw YAML or None (no key)."""
    lines = [
        "---",
        "category: news",
        f'title: "{title}"',
        f'excerpt: "The excerpt of {title.lower()}."',
        f"publishedDateTime: {date}",
        f'webUrl: "{url}"',
        "type: article",
        f"quality: {quality}",
        "heat: 5",
    ]
    if published is not None:
        lines.append(f"published: {published}")
    lines += ["", "provider:", "  name: Test Wire", "  domain: news.example"]
    if extra:
        lines += [extra.rstrip("\n")]
    lines += ["", 'secured: "c2VjcmV0;bm90LXJlYWw="', "---", ""]
    return "\n".join(lines)


def write_small_folder(folder: Path) -> Path:
    """Write the four fixture articles into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        A: article_text(
            TITLES[A],
            date="2023-03-01T08:00:00Z",
            url=URLS[A],
            quality=50,
            published="false",
            extra=_RELATED_OF_A,
        ),
        B: article_text(
            TITLES[B], date="2023-02-01T08:00:00Z", url=URLS[B], quality=70, published="true"
        ),
        C: article_text(
            TITLES[C], date="2023-01-01T08:00:00Z", url=URLS[C], quality=30, published="false"
        ),
        D: article_text(
            TITLES[D], date="2022-12-01T08:00:00Z", url=URLS[D], quality=90, published=None
        ),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


async def ready(app: NewsreaderApp, pilot: Pilot[None]) -> None:
    """Wait until the first index is in and the screen has caught up with it."""
    await asyncio.wait_for(app.main.indexed.wait(), timeout=10)
    await pilot.pause()


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 5) -> None:
    """Pause until ``condition()`` holds (workers write in threads); fail after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)
    await pilot.pause()


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every path below ``folder`` (hidden ones too, symlinks not followed) with bytes and mtime."""
    result: dict[str, tuple[bytes, int]] = {}
    # os.walk does not follow symlinked folders, so a symlink loop is listed, not entered.
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(top, name)
            st = path.lstat()
            data = path.read_bytes() if stat.S_ISREG(st.st_mode) else b""
            result[path.relative_to(folder).as_posix()] = (data, st.st_mtime_ns)
    return result


def flag_lines(text: str) -> list[str]:
    """The top-level ``published:`` lines of an article text."""
    return [line for line in text.splitlines() if line.startswith("published:")]


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """The (old, new) pairs of lines that differ, for texts with the same number of lines."""
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new), "a line was added or removed"
    return [(o, n) for o, n in zip(old, new, strict=True) if o != n]


def ids(screen: MainScreen) -> list[str]:
    """The ids of the rows in the list, in order."""
    return [a.id for a in screen.articles.rows]


def current(screen: MainScreen) -> str | None:
    """The id under the list cursor."""
    article = screen.articles.current
    return article.id if article else None


#: The stories fixture folder (``write_story_folder``): two stories of identical titles and
#: one article alone. Story 1 (newest): S1A and S1B published (a duplicate on the site), S1C
#: not; its lead is S1A (published, then the higher quality). Story 2: none published, S2A
#: leads (highest quality); S2C is dated in the future by its ``date:`` key, so the site cannot
#: show it and it cannot be made the lead. The title of story 2 holds markup, shown literally.
S1A, S1B, S1C = "s1-wire.md", "s1-daily.md", "s1-post.md"
S2A, S2B, S2C = "s2-gazette.md", "s2-herald.md", "s2-later.md"
LONER = "loner.md"
STORY1_TITLE = "Acme ships the Widget robot arm to hospitals"
STORY2_TITLE = "Borealis opens a [bold]solar[/bold] farm in Nevada"


def _story_file(
    title: str, provider: str, date: str, quality: int, published: str, extra: str = ""
) -> str:
    slug = provider.lower().replace(" ", "")
    lines = [
        "---",
        "category: news",
        f"title: {title!r}",
        f'excerpt: "What {provider} wrote."',
        f"publishedDateTime: {date}",
        f'webUrl: "https://{slug}.example/{quality}"',
        "type: article",
        f"quality: {quality}",
        f"published: {published}",
        "provider:",
        f"  name: {provider}",
        f"  domain: {slug}.example",
    ]
    if extra:
        lines.append(extra)
    return "\n".join([*lines, "---", ""])


def write_story_folder(folder: Path) -> Path:
    """Write the stories fixture folder (see :data:`S1A`) into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        S1A: _story_file(STORY1_TITLE, "Test Wire", "2024-03-03T08:00:00Z", 80, "true"),
        S1B: _story_file(STORY1_TITLE, "Daily Bugle", "2024-03-03T10:00:00Z", 60, "true"),
        S1C: _story_file(STORY1_TITLE, "Evening Post", "2024-03-03T12:00:00Z", 90, "false"),
        S2A: _story_file(STORY2_TITLE, "Gazette", "2024-03-01T08:00:00Z", 70, "false"),
        S2B: _story_file(STORY2_TITLE, "Herald", "2024-03-01T09:00:00Z", 40, "false"),
        S2C: _story_file(
            STORY2_TITLE, "Later Times", "2024-03-01T10:00:00Z", 10, "false", "date: 2999-01-01"
        ),
        LONER: _story_file(
            "Cobalt hires a new chief", "Gazette", "2024-03-02T08:00:00Z", 50, "true"
        ),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
