"""Progress of long work: the indexer's file count, triage's per-chunk callback, the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader import paths
from newsreader.reading.folder import build_index
from newsreader.reading.indexer import index_updates
from newsreader.samplegen import generate_corpus
from newsreader.tui.app import make_app
from newsreader.tui.screens import long_work
from newsreader.tui.widgets.progress_line import ProgressLine, rate_text
from newsreader.writing.journal import Journal
from newsreader.writing.triage import CHUNK, Triage
from tests.apphelpers import ready, wait_until

COUNT = 150


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A generated folder of ``COUNT`` files (all unpublished after the first test step)."""
    folder = tmp_path / "news"
    generate_corpus(folder, COUNT, 5)
    return folder


@pytest.mark.parametrize("parallel", [False, True])
def test_updates_carry_the_file_count_once_listed(corpus: Path, parallel: bool) -> None:
    files = sum(1 for p in corpus.rglob("*") if p.is_file())
    updates = list(index_updates(corpus, use_cache=False, parallel=parallel))
    totals = [u.total for u in updates]
    # 0 until the walk is done, then the count on every update, the last one included.
    first = next(i for i, t in enumerate(totals) if t)
    assert all(t == 0 for t in totals[:first])
    assert set(totals[first:]) == {files}
    assert updates[-1].finished and updates[-1].done == files


def test_warm_start_knows_the_count_too(corpus: Path) -> None:
    list(index_updates(corpus))
    last = list(index_updates(corpus))[-1]
    assert last.total == last.done == sum(1 for p in corpus.rglob("*") if p.is_file())


def test_triage_tells_progress_per_chunk(corpus: Path) -> None:
    index = build_index(corpus)
    triage = Triage(index, Journal(paths.journal_file(index.root)))
    ids = [a.id for a in index.articles]
    calls: list[tuple[int, int]] = []
    triage.set_published(ids, False, progress=lambda done, total: calls.append((done, total)))
    todo = calls[-1][1]
    assert todo > CHUNK  # more than one chunk, or the test shows nothing
    assert calls == [(min(n, todo), todo) for n in range(CHUNK, todo + CHUNK, CHUNK)]
    calls.clear()
    triage.undo(lambda done, total: calls.append((done, total)))
    assert calls[-1] == (todo, todo) and len(calls) == -(-todo // CHUNK)
    calls.clear()
    triage.redo(lambda done, total: calls.append((done, total)))
    assert calls[-1] == (todo, todo)
    # Without a callback nothing changes.
    assert triage.undo() is not None


@pytest.mark.parametrize(
    ("done", "seconds", "text"), [(0, 1.0, ""), (10, 0.0, ""), (5000, 2.0, "2,500 files/s")]
)
def test_rate_text(done: int, seconds: float, text: str) -> None:
    assert rate_text(done, seconds) == text


async def test_progress_line_shows_a_cold_index_and_a_bulk_write(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the thresholds low, a cold index and a bulk unpublish each show the line, which
    hides once they are done."""
    monkeypatch.setattr(long_work, "INDEX_PROGRESS_FILES", 1)
    monkeypatch.setattr(long_work, "WRITE_PROGRESS_FILES", 1)
    shown: list[tuple[str, int, int]] = []
    original = ProgressLine.show_progress

    def record(self: ProgressLine, label: str, done: int, total: int) -> None:
        shown.append((label, done, total))
        original(self, label, done, total)

    monkeypatch.setattr(ProgressLine, "show_progress", record)
    app = make_app(corpus)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        line = app.main.progress_line
        files = sum(1 for p in corpus.rglob("*") if p.is_file())
        assert shown and all(label == "Indexing" and total == files for label, _, total in shown)
        assert line.shown is None and not line.display
        shown.clear()
        app.main.set_query("is:published")
        count = len(app.main.view)
        app.main.bulk_view(False)
        await pilot.press("y")  # confirm
        await wait_until(pilot, lambda: app.main.decisions == count)
        assert shown[-1] == ("Unpublishing", count, count)
        assert line.shown is None
