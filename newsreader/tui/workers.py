"""Disk work for the app, off the UI thread: indexing the folder and writing flags.

Workers only read and write files and post messages with the results; every change to the index
happens on the UI thread (the triage hook below hands reloaded files back to it).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.app import App
from textual.worker import Worker, get_current_worker

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import Article, BadFile
from newsreader.reading.indexer import index_updates
from newsreader.reading.loader import load_file
from newsreader.reading.watcher import FolderWatcher, Signature
from newsreader.tui.messages import FolderChanged, IndexBatch, WriteFinished, WriteProgress
from newsreader.writing import review
from newsreader.writing.journal import Journal
from newsreader.writing.triage import Outcome, Progress, Triage

#: Files read first on a cold start, before the folder is walked: a screen of rows, as soon in
#: a folder of 100,000 files as in one of 100 (see ``index_updates``).
FIRST_ROWS = 100
#: Seconds the indexer waits at most for the first rows to be painted before it reads on.
FIRST_PAINT_WAIT = 1.0


def index_folder(
    root: Path,
    extensions: tuple[str, ...],
    watcher: FolderWatcher,
    post: Callable[[IndexBatch], object],
    painted: threading.Event | None = None,
) -> None:
    """Index the folder (cache first, then changes), posting each batch as it is ready.

    After the first batch of rows, indexing waits for ``painted`` (set by the UI once those
    rows are on screen): the rest, unpacking a large cache or walking the folder, would share
    the GIL with the UI thread while it lays out and paints its first frame (at 100,000 files
    that frame came up to twice as late as at 100).
    """
    worker = get_current_worker()
    # Before the walk: a file added while indexing changes a folder mtime the watcher knows.
    updates = index_updates(root, extensions, before_walk=watcher.mark_dirs, peek=FIRST_ROWS)
    for update in updates:
        if worker.is_cancelled:
            return
        post(
            IndexBatch(
                update.items,
                update.done,
                update.finished,
                update.removed,
                update.notice,
                update.total,
            )
        )
        if painted is not None and update.items and not _wait_painted(painted, worker):
            return  # cancelled while waiting
        # Hand the GIL to the UI thread now and then, so it paints while batches keep coming.
        time.sleep(0.002)


def _wait_painted(painted: threading.Event, worker: Worker[None]) -> bool:
    """Wait for the first rows to be painted, ``FIRST_PAINT_WAIT`` at most; False when the
    worker is cancelled meanwhile."""
    deadline = time.monotonic() + FIRST_PAINT_WAIT
    while not painted.wait(0.01) and time.monotonic() < deadline:
        if worker.is_cancelled:
            return False
    return True


def poll_folder(
    root: Path,
    watcher: FolderWatcher,
    known: Callable[[], dict[str, Signature]],
    post: Callable[[FolderChanged], object],
) -> None:
    """One watcher poll; read what changed and post it (nothing when nothing changed)."""
    if not watcher.files:
        watcher.set_files(known())
    changes = watcher.poll()
    if changes:
        items = [load_file(root, article_id) for article_id in changes.changed]
        post(FolderChanged(items, changes.removed))


class UiTriage(Triage):
    """Triage whose index updates run on the UI thread, though the writes run in a worker."""

    def __init__(self, app: App[object], index: ArticleIndex, journal: Journal) -> None:
        super().__init__(index, journal)
        self._app = app

    def store(self, item: Article | BadFile | str) -> None:
        """Apply a reloaded file (or a vanished id) to the index, on the UI thread."""
        try:
            self._app.call_from_thread(super().store, item)
        except RuntimeError:
            # The app stopped while this write ran (quit): there is no UI thread to race with,
            # and failing here would skip the journal record of a change already on disk.
            super().store(item)


@dataclass(frozen=True)
class WriteJob:
    """One queued triage action."""

    action: str  # "publish", "unpublish", "toggle", "decide", "undo", "redo" or "revert" (review)
    ids: tuple[str, ...] = ()
    label: str = ""
    #: The article the cursor advanced to after queueing this job, if it did.
    landed: str | None = None
    #: "decide": (id, publish it?) pairs written as one batch; ``ids[0]``, the story's lead,
    #: must be publishable, or nothing is written.
    decisions: tuple[tuple[str, bool], ...] = ()


def write_loop(
    triage: Triage,
    jobs: queue.Queue[WriteJob],
    post: Callable[[WriteFinished | WriteProgress], object],
) -> None:
    """Carry out queued triage actions one at a time, in order, until cancelled and idle.

    Jobs already queued when the worker is cancelled (the user quit right after ``p``) are still
    carried out: each is an explicit action the user has seen confirmed on screen. First, a
    batch left open by a process that died is closed in the journal (so it can be undone) and
    its temporary files are removed.
    """
    worker = get_current_worker()
    recover(triage, post)
    while True:
        try:
            job = jobs.get(timeout=0.1)
        except queue.Empty:
            if worker.is_cancelled:
                return
            continue

        def progress(done: int, total: int, action: str = job.action) -> None:
            post(WriteProgress(action, done, total))

        try:
            outcome = run_job(triage, job, progress)
        except Exception as exc:  # the loop must live on for the next job
            error = str(exc) or repr(exc)
            post(WriteFinished(job.action, None, job.ids, job.landed, error=error))
            continue
        post(WriteFinished(job.action, outcome, job.ids, job.landed))


def recover(triage: Triage, post: Callable[[WriteFinished], object]) -> None:
    """Finish in the journal what a killed process left open; say so when there was any."""
    try:
        recovered = triage.recover()
    except Exception as exc:  # the journal is unreadable or unwritable: actions will say so too
        post(WriteFinished("recover", None, (), None, error=str(exc) or repr(exc)))
        return
    if recovered is not None:
        post(WriteFinished("recover", Outcome(), (), None))


def run_job(triage: Triage, job: WriteJob, progress: Progress | None = None) -> Outcome | None:
    """Carry out one triage action; None when there was nothing to undo or redo.

    ``progress(done, total)`` is called as the files of a batch are written.
    """
    if job.action == "undo":
        return triage.undo(progress)
    if job.action == "redo":
        return triage.redo(progress)
    if job.action == "decide":
        return triage.decide(dict(job.decisions), job.label or "decide", progress, job.ids[:1])
    if job.action == "revert":
        # Review's revert: the old flag text back, as one batch that undo brings back.
        return review.revert(triage, job.ids)
    if job.action == "toggle":
        # Decided here, after every earlier job has updated the index, not when p was pressed.
        article = triage.index.get(job.ids[0]) if job.ids else None
        publish = article is None or not article.published
        return triage.set_published(job.ids, publish, job.label, progress)
    return triage.set_published(job.ids, job.action == "publish", job.label, progress)
