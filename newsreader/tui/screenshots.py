"""``python -m newsreader.tui.screenshots OUTDIR`` (what ``make screenshots`` runs): demo SVGs.

It generates the demo corpus (the same 300 articles ``make demo`` opens) into a temporary folder,
adds a few broken files so the problems view has something to show, and runs the app headless
once per view, saving one SVG per view into OUTDIR:

    main.svg      the main screen at 160x45
    filtered.svg  a filter typed into the query bar
    related.svg   after following an in-folder related link
    help.svg      the help screen
    problems.svg  bad files and warnings
    confirm.svg   two articles marked, then ``p``: the bulk confirmation
    narrow.svg    the main screen at 80x24 (stacked panes)
    stories.svg   the stories screen (S), its first story expanded; stories-narrow.svg at 80x24
    review.svg    three flags changed, then ``R``: the review screen (taken last: it writes)

The corpus is committed to a git repository made for the run (a fixed identity and date, no
user or system git config), as a Jekyll site's ``_news`` would be, so that the review shot shows
uncommitted changes. The platformdirs locations (config, state, cache) point into the same
temporary folder while it runs, so the user's config, sessions and journals are neither read
nor written; the app and the core are imported only after that, inside the functions. Each
shot runs a fresh app with session restore off, so no shot inherits an earlier one's query or
cursor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.writing.gitfolder import FIXED_IDENTITY, make_repository

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from newsreader.tui.app import NewsreaderApp

WIDE = (160, 45)
NARROW = (80, 24)
#: What the filtered view types into the query bar.
FILTER_QUERY = "topic:robotics"
#: Indexing 300 files takes well under a second; this only bounds a hang.
INDEX_TIMEOUT = 60.0
_XDG_NAMES = ("CONFIG", "STATE", "CACHE", "DATA")

#: Broken files added to the corpus (invented text), so the problems view is not empty.
BROKEN_FILES: dict[str, bytes] = {
    "broken-unclosed-quote.md": (
        b'---\ncategory: news\ntitle: "A title whose quote never closes\npublished: false\n---\n'
    ),
    "broken-no-front-matter.md": b"Notes from a meeting, pasted here by mistake.\n",
    "broken-binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "warned-string-flag.md": (
        b"---\ncategory: news\n"
        b'title: "Published is a quoted string here"\n'
        b"publishedDateTime: 2019-05-02T09:00:00Z\n"
        b'webUrl: "https://www.broken.example/news/quoted-flag/"\n'
        b"type: article\nquality: 12\nheat: 4\n"
        b'published: "false"\n\n'
        b"provider:\n  name: Broken Examples\n  domain: broken.example\n---\n"
    ),
}

Step = Callable[["Pilot[None]"], Awaitable[object]]


@dataclass(frozen=True)
class Shot:
    """One screenshot: its file name, the terminal size and what to do before taking it."""

    name: str
    size: tuple[int, int]
    steps: Step | None = None


@contextmanager
def isolated_dirs(base: Path) -> Iterator[None]:
    """Point the XDG_* base directories and HOME into ``base`` meanwhile, then restore them.

    platformdirs reads XDG_* on Linux and derives everything from HOME on macOS.
    """
    names = [f"XDG_{name}_HOME" for name in _XDG_NAMES] + ["HOME"]
    saved = {name: os.environ.get(name) for name in names}
    try:
        for name in names:
            os.environ[name] = str(base / name.lower())
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def write_corpus(folder: Path) -> None:
    """The demo corpus plus the broken files."""
    from newsreader.demo import DEMO_COUNT
    from newsreader.samplegen import DEFAULT_SEED, generate_corpus

    generate_corpus(folder, DEMO_COUNT, seed=DEFAULT_SEED)
    for name, data in BROKEN_FILES.items():
        (folder / name).write_bytes(data)


#: The identity of the screenshots' repository and of any commit made in it (see
#: :data:`newsreader.writing.gitfolder.FIXED_IDENTITY`).
GIT_ENV = FIXED_IDENTITY


def commit_folder(root: Path) -> None:
    """Make ``root`` a git repository with everything in it committed."""
    make_repository(root, "Corpus")


def _app(pilot: Pilot[None]) -> NewsreaderApp:
    from newsreader.tui.app import NewsreaderApp

    app = pilot.app
    assert isinstance(app, NewsreaderApp)
    return app


async def wait_indexed(pilot: Pilot[None]) -> None:
    """Wait until the app's first full index is in and drawn, then drop any toasts.

    Toasts expire on a timer, so a slow run must not decide whether one is in the picture.
    """
    app = _app(pilot)
    await asyncio.wait_for(app.main.indexed.wait(), INDEX_TIMEOUT)
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press ``keys`` and let the app handle them."""
    await pilot.press(*keys)
    await pilot.pause()


async def filter_view(pilot: Pilot[None], query: str = FILTER_QUERY) -> None:
    """Type ``query`` into the query bar; enter hands the focus back to the list.

    Leaving the input also keeps its blinking cursor out of the picture.
    """
    await press(pilot, "slash", *query, "enter")


def related_start(app: NewsreaderApp) -> tuple[str, int] | None:
    """Where to follow a related link from: (article id, position of its first in-folder link).

    Of the articles with an in-folder related entry, the one whose first such entry leads to
    the article with the most related entries wins (a full related panel shows best); ties go
    to the earlier article in the view. None when no article links to another.
    """
    main = app.main
    best: tuple[int, str, int] | None = None
    for article in main.view:
        rows = main.index.resolve(article)
        first = next((i for i, row in enumerate(rows) if row.target is not None), None)
        if first is None:
            continue
        target = rows[first].target
        assert target is not None
        score = len(main.index.resolve(target))
        if best is None or score > best[0]:
            best = (score, article.id, first)
    return None if best is None else (best[1], best[2])


async def follow_related(pilot: Pilot[None]) -> str | None:
    """Open the article :func:`related_start` picks and follow its link; the target's id."""
    app = _app(pilot)
    start = related_start(app)
    if start is None:
        return None
    article_id, position = start
    main = app.main
    main.articles.move_to(article_id)
    await pilot.pause()
    # r focuses the panel on its first entry; down walks to the in-folder one.
    await press(pilot, "r", *["down"] * position, "enter")
    return main.location.article_id if main.location is not None else None


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Pause until ``condition()`` holds (a worker's result is in); fail after a while."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + INDEX_TIMEOUT
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the app did not get there in time")
        await pilot.pause(0.02)
    await pilot.pause()


async def review_changes(pilot: Pilot[None], changes: int = 3) -> None:
    """Change the flags of the first ``changes`` articles with p, then R: the review screen.

    It waits for the listings (they run in a worker), so the shot is the same every time.
    """
    from newsreader.tui.screens.review import ReviewScreen

    app = _app(pilot)
    await press(pilot, *["p"] * changes)
    await wait_for(pilot, lambda: app.main.git_review.count == changes)
    await press(pilot, "R")
    await wait_for(
        pilot, lambda: isinstance(app.screen, ReviewScreen) and len(app.screen.items) == changes
    )


async def confirm_bulk(pilot: Pilot[None]) -> None:
    """Mark the first two articles with space, then p: the bulk confirmation."""
    await press(pilot, "space", "space", "p")


async def wait_stories(pilot: Pilot[None]) -> None:
    """Wait until the stories are grouped (a worker groups them after indexing)."""
    app = _app(pilot)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + INDEX_TIMEOUT
    while not app.stories.ready or app.stories.grouping:
        if loop.time() > deadline:
            raise TimeoutError("the stories were not grouped in time")
        await pilot.pause(0.05)
    await pilot.pause()


async def open_stories(pilot: Pilot[None]) -> None:
    """S: the stories screen, once grouped, its first story expanded (right)."""
    await press(pilot, "S")
    await wait_stories(pilot)
    await press(pilot, "right")


SHOTS: tuple[Shot, ...] = (
    Shot("main.svg", WIDE),
    Shot("filtered.svg", WIDE, filter_view),
    Shot("related.svg", WIDE, follow_related),
    Shot("help.svg", WIDE, lambda pilot: press(pilot, "question_mark")),
    Shot("problems.svg", WIDE, lambda pilot: press(pilot, "exclamation_mark")),
    Shot("confirm.svg", WIDE, confirm_bulk),
    Shot("facets.svg", WIDE, lambda pilot: press(pilot, "F")),
    Shot("queue.svg", WIDE, lambda pilot: press(pilot, "w")),
    Shot("narrow.svg", NARROW),
    Shot("stories.svg", WIDE, open_stories),
    Shot("stories-narrow.svg", NARROW, open_stories),
    # Last: it changes files (the shots before show the corpus as committed).
    Shot("review.svg", WIDE, review_changes),
)


async def take(folder: Path, shot: Shot, outdir: Path) -> Path:
    """Run the app on ``folder`` headless, do the shot's steps and save its SVG into ``outdir``."""
    from newsreader.config import Settings
    from newsreader.tui.app import make_app

    # Every shot starts fresh: an earlier shot's saved query or cursor must not carry over.
    app = make_app(folder, Settings(restore_session=False))
    async with app.run_test(size=shot.size) as pilot:
        await wait_indexed(pilot)
        if shot.steps is not None:
            await shot.steps(pilot)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()
        app.save_screenshot(filename=shot.name, path=str(outdir))
    return outdir / shot.name


async def take_all(folder: Path, outdir: Path, shots: Sequence[Shot] = SHOTS) -> list[Path]:
    """Take every shot, one app run each."""
    return [await take(folder, shot, outdir) for shot in shots]


def main(argv: Sequence[str] | None = None) -> int:
    """Write the SVGs into the folder named on the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m newsreader.tui.screenshots",
        description="Save SVG screenshots of newsreader's main views, on the demo corpus.",
    )
    parser.add_argument("outdir", type=Path, help="folder to write the SVGs into")
    args = parser.parse_args(argv)
    outdir: Path = args.outdir
    outdir.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="newsreader-shots-") as tmp,
        isolated_dirs(Path(tmp) / "xdg"),
    ):
        folder = Path(tmp) / "site" / "_news"
        write_corpus(folder)
        commit_folder(folder.parent)
        for path in asyncio.run(take_all(folder, outdir)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
