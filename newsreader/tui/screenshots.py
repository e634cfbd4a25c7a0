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

The platformdirs locations (config, state, cache) point into the same temporary folder while
it runs, so the user's config, sessions and journals are neither read nor written.
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
        b"publishedDateTime: 2023-05-02T09:00:00Z\n"
        b'webUrl: "https://www.broken.example/news/quoted-flag/"\n'
        b"type: article\nquality: 12\nheat: 4\n"
        b'published: "false"\n---\n'
    ),
}

Step = Callable[["Pilot[None]"], Awaitable[None]]


@dataclass(frozen=True)
class Shot:
    """One screenshot: its file name, the terminal size and what to do before taking it."""

    name: str
    size: tuple[int, int]
    steps: Step | None = None


@contextmanager
def isolated_dirs(base: Path) -> Iterator[None]:
    """Point the XDG_* base directories (what platformdirs reads) into ``base`` meanwhile."""
    saved = {name: os.environ.get(f"XDG_{name}_HOME") for name in _XDG_NAMES}
    try:
        for name in _XDG_NAMES:
            os.environ[f"XDG_{name}_HOME"] = str(base / name.lower())
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(f"XDG_{name}_HOME", None)
            else:
                os.environ[f"XDG_{name}_HOME"] = value


def write_corpus(folder: Path) -> None:
    """The demo corpus plus the broken files."""
    from newsreader.demo import DEMO_COUNT
    from newsreader.samplegen import DEFAULT_SEED, generate_corpus

    generate_corpus(folder, DEMO_COUNT, seed=DEFAULT_SEED)
    for name, data in BROKEN_FILES.items():
        (folder / name).write_bytes(data)


def _app(pilot: Pilot[None]) -> NewsreaderApp:
    from newsreader.tui.app import NewsreaderApp

    app = pilot.app
    assert isinstance(app, NewsreaderApp)
    return app


async def _press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def _filtered(pilot: Pilot[None]) -> None:
    # `/` focuses the query; enter hands the focus back to the list (no blinking cursor).
    await _press(pilot, "slash", *FILTER_QUERY, "enter")


async def _related(pilot: Pilot[None]) -> None:
    """Open the article with the most in-folder related entries and follow its first one."""
    main = _app(pilot).main
    best: tuple[int, str, int] | None = None
    for article in main.view:
        rows = main.index.resolve(article)
        inside = [i for i, row in enumerate(rows) if row.target is not None]
        if inside and (best is None or len(inside) > best[0]):
            best = (len(inside), article.id, inside[0])
    if best is None:
        return
    _count, article_id, first = best
    main.articles.move_to(article_id)
    await pilot.pause()
    # r focuses the panel on its first entry; down walks to the first in-folder one.
    await _press(pilot, "r", *["down"] * first, "enter")


async def _confirm(pilot: Pilot[None]) -> None:
    await _press(pilot, "space", "space", "p")


SHOTS: tuple[Shot, ...] = (
    Shot("main.svg", WIDE),
    Shot("filtered.svg", WIDE, _filtered),
    Shot("related.svg", WIDE, _related),
    Shot("help.svg", WIDE, lambda pilot: _press(pilot, "question_mark")),
    Shot("problems.svg", WIDE, lambda pilot: _press(pilot, "exclamation_mark")),
    Shot("confirm.svg", WIDE, _confirm),
    Shot("narrow.svg", NARROW),
)


async def take(folder: Path, shot: Shot, outdir: Path) -> Path:
    """Run the app on ``folder`` headless, do the shot's steps and save its SVG into ``outdir``."""
    from newsreader.tui.app import make_app

    app = make_app(folder)
    async with app.run_test(size=shot.size) as pilot:
        await asyncio.wait_for(app.main.indexed.wait(), INDEX_TIMEOUT)
        await pilot.pause()
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
    with tempfile.TemporaryDirectory(prefix="newsreader-shots-") as tmp, isolated_dirs(
        Path(tmp) / "xdg"
    ):
        folder = Path(tmp) / "news"
        write_corpus(folder)
        for path in asyncio.run(take_all(folder, outdir)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
