"""Snapshot tests: SVG screenshots of the main views, compared with the accepted ones on disk.

Every snapshot runs the real app (``make_app``) on a corpus generated into ``tmp_path`` with a
fixed seed, at a fixed terminal size. Nothing run-specific reaches the screen: the folder path is
only the app's sub-title, which no widget shows (a test below checks that the path stays off the
screen), article ids are relative to the folder, dates come from the files, and platformdirs
points at a fresh temp dir per test (conftest), so no session is restored. Each test waits for
indexing to finish and drops any toast before it presses keys, and leaves the focus off the
filter input so no blinking cursor is captured.

The steps are the ones ``make screenshots`` takes (``newsreader.tui.screenshots``), on a smaller
corpus and at 120x40 / 80x24.

Update the accepted snapshots with ``pytest tests/test_snapshots.py --snapshot-update`` and look
at them (``/work/shared/tools/svg2png`` turns one into a PNG) before keeping them.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.samplegen import generate_corpus
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screenshots import (
    GIT_ENV,
    Shot,
    commit_folder,
    confirm_bulk,
    filter_view,
    follow_related,
    isolated_dirs,
    open_stories,
    press,
    review_changes,
    take_all,
    wait_indexed,
)
from tests.apphelpers import write_story_folder
from tests.hostile import write_hostile_corpus

#: The corpus every snapshot shows (except the bad-files one): small enough to index at once,
#: big enough to fill a 120x40 list, with a cluster of articles that name each other as related.
CORPUS_SIZE = 40
SEED = 7

WIDE = (120, 40)
NARROW = (80, 24)
FILTER = "topic:robotics"

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The fixed synthetic corpus, generated into a fresh folder."""
    folder = tmp_path / "news"
    generate_corpus(folder, CORPUS_SIZE, SEED)
    return folder


@pytest.fixture
def git_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The same corpus as a git repository's ``_news``, committed (no user git config)."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    folder = tmp_path / "site" / "_news"
    generate_corpus(folder, CORPUS_SIZE, SEED)
    commit_folder(folder.parent)
    return folder


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The hostile corpus: bad YAML, binary, control characters, markup, warnings."""
    folder = tmp_path / "hostile"
    write_hostile_corpus(folder)
    return folder


def after_index(*keys: str) -> RunBefore:
    """A ``run_before`` that waits for the index, then presses ``keys``."""

    async def run(pilot: Pilot[None]) -> None:
        await wait_indexed(pilot)
        await press(pilot, *keys)

    return run


async def _filtered(pilot: Pilot[None]) -> None:
    await wait_indexed(pilot)
    await filter_view(pilot, FILTER)


async def _related(pilot: Pilot[None]) -> None:
    await wait_indexed(pilot)
    target = await follow_related(pilot)
    app = pilot.app
    assert isinstance(app, NewsreaderApp)
    assert target is not None, "the corpus should hold an article with an in-folder link"
    assert app.main.back_stack, "enter on the entry should have followed it"


async def _bulk(pilot: Pilot[None]) -> None:
    await wait_indexed(pilot)
    await confirm_bulk(pilot)


def test_main_wide(corpus: Path, snap_compare: SnapCompare) -> None:
    """The main screen at 120x40: list, detail and related side by side."""
    assert snap_compare(make_app(corpus), terminal_size=WIDE, run_before=after_index())


def test_main_narrow(corpus: Path, snap_compare: SnapCompare) -> None:
    """The main screen at 80x24: the panes stacked."""
    assert snap_compare(make_app(corpus), terminal_size=NARROW, run_before=after_index())


def test_filtered(corpus: Path, snap_compare: SnapCompare) -> None:
    """A filter typed into the query bar, then enter back to the list."""
    assert snap_compare(make_app(corpus), terminal_size=WIDE, run_before=_filtered)


def test_related_followed(corpus: Path, snap_compare: SnapCompare) -> None:
    """After following one in-folder related link: the target article, the cursor on it."""
    assert snap_compare(make_app(corpus), terminal_size=WIDE, run_before=_related)


def test_help(corpus: Path, snap_compare: SnapCompare) -> None:
    """The help screen: every key, grouped."""
    run = after_index("question_mark")
    assert snap_compare(make_app(corpus), terminal_size=WIDE, run_before=run)


def test_bad_files(hostile: Path, snap_compare: SnapCompare) -> None:
    """The bad-files view over the hostile corpus."""
    run = after_index("exclamation_mark")
    assert snap_compare(make_app(hostile), terminal_size=WIDE, run_before=run)


def test_bulk_confirm(corpus: Path, snap_compare: SnapCompare) -> None:
    """Two articles marked with space, then p: the dialog states the count."""
    assert snap_compare(make_app(corpus), terminal_size=WIDE, run_before=_bulk)


def test_facets(corpus: Path, snap_compare: SnapCompare) -> None:
    """F: the facets of the view beside the panes, the first value highlighted."""
    assert snap_compare(make_app(corpus), terminal_size=WIDE, run_before=after_index("F"))


def test_facets_narrow(corpus: Path, snap_compare: SnapCompare) -> None:
    """F at 80x24: the facets take the side panes' place below the list."""
    assert snap_compare(make_app(corpus), terminal_size=NARROW, run_before=after_index("F"))


def test_review(git_corpus: Path, snap_compare: SnapCompare) -> None:
    """Three flags changed with p, then R: the review screen, one row per uncommitted change."""
    run = _after_index_then(review_changes)
    assert snap_compare(make_app(git_corpus), terminal_size=WIDE, run_before=run)


def test_review_narrow(git_corpus: Path, snap_compare: SnapCompare) -> None:
    """The review screen at 80x24: rows cut to the width, the footer keeps its keys."""
    run = _after_index_then(review_changes)
    assert snap_compare(make_app(git_corpus), terminal_size=NARROW, run_before=run)


def _after_index_then(step: Callable[[Pilot[None]], Awaitable[None]]) -> RunBefore:
    async def run(pilot: Pilot[None]) -> None:
        await wait_indexed(pilot)
        await step(pilot)
        await pilot.wait_for_scheduled_animations()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run


@pytest.fixture
def stories_folder(tmp_path: Path) -> Path:
    """Two stories (one a duplicate on the site) and an article alone (tests/apphelpers.py)."""
    return write_story_folder(tmp_path / "stories")


async def _stories(pilot: Pilot[None]) -> None:
    await wait_indexed(pilot)
    await open_stories(pilot)


def test_stories(stories_folder: Path, snap_compare: SnapCompare) -> None:
    """S: one row per story, the first (a duplicate on the site) expanded to its members."""
    assert snap_compare(make_app(stories_folder), terminal_size=WIDE, run_before=_stories)


def test_stories_narrow(stories_folder: Path, snap_compare: SnapCompare) -> None:
    """The stories screen at 80x24: titles cut, the counts and flags kept."""
    assert snap_compare(make_app(stories_folder), terminal_size=NARROW, run_before=_stories)


async def test_folder_path_stays_off_screen(corpus: Path) -> None:
    """The snapshots hold no run-specific text: the temp folder's path is not on screen."""
    app = make_app(corpus)
    async with app.run_test(size=WIDE) as pilot:
        await wait_indexed(pilot)
        svg = app.export_screenshot()
    assert str(corpus) not in svg
    assert corpus.parent.name not in svg


async def test_screenshots_take_writes_an_svg(corpus: Path, tmp_path: Path) -> None:
    """``make screenshots`` saves each view as an SVG named after the shot, at its size."""
    outdir = tmp_path / "shots"
    outdir.mkdir()
    shot = Shot("narrow.svg", NARROW)
    written = await take_all(corpus, outdir, [shot])
    assert written == [outdir / "narrow.svg"]
    svg = written[0].read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    assert "Fernhollow" in svg  # the newest article of the corpus is on the first row


def test_screenshots_isolated_dirs_restores_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The XDG_* variables and HOME point into the temp dir meanwhile, and are restored."""
    monkeypatch.setenv("XDG_STATE_HOME", "/somewhere/else")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    with isolated_dirs(tmp_path):
        assert os.environ["XDG_STATE_HOME"] == str(tmp_path / "xdg_state_home")
        assert os.environ["XDG_DATA_HOME"] == str(tmp_path / "xdg_data_home")
        assert os.environ["HOME"] == str(tmp_path / "home")
    assert os.environ["XDG_STATE_HOME"] == "/somewhere/else"
    assert "XDG_DATA_HOME" not in os.environ
