"""Disk work for the app, off the UI thread: indexing the folder and writing flags.

Workers only read and write files and post messages with the results; every change to the index
happens on the UI thread (the triage hook below hands reloaded files back to it).
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.app import App
from textual.worker import get_current_worker

from newsreader.folder import iter_batches
from newsreader.index import ArticleIndex
from newsreader.journal import Journal
from newsreader.model import Article, BadFile
from newsreader.triage import Outcome, Triage
from newsreader.tui.messages import IndexBatch, WriteFinished


def index_folder(
    root: Path, extensions: tuple[str, ...], post: Callable[[IndexBatch], object]
) -> None:
    """Read every file of the folder, posting a batch message as each batch is ready."""
    worker = get_current_worker()
    done = 0
    for batch in iter_batches(root, extensions):
        if worker.is_cancelled:
            return
        done += len(batch)
        post(IndexBatch(batch, done))
    post(IndexBatch([], done, finished=True))


class UiTriage(Triage):
    """Triage whose index updates run on the UI thread, though the writes run in a worker."""

    def __init__(self, app: App[object], index: ArticleIndex, journal: Journal) -> None:
        super().__init__(index, journal)
        self._app = app

    def store(self, item: Article | BadFile | str) -> None:
        """Apply a reloaded file (or a vanished id) to the index, on the UI thread."""
        self._app.call_from_thread(super().store, item)


@dataclass(frozen=True)
class WriteJob:
    """One queued triage action."""

    action: str  # "publish", "unpublish", "undo" or "redo"
    ids: tuple[str, ...] = ()
    label: str = ""
    #: The article the cursor advanced to after queueing this job, if it did.
    landed: str | None = None


def write_loop(
    triage: Triage, jobs: queue.Queue[WriteJob], post: Callable[[WriteFinished], object]
) -> None:
    """Carry out queued triage actions one at a time, in order, until cancelled."""
    worker = get_current_worker()
    while not worker.is_cancelled:
        try:
            job = jobs.get(timeout=0.1)
        except queue.Empty:
            continue
        outcome: Outcome | None
        if job.action == "undo":
            outcome = triage.undo()
        elif job.action == "redo":
            outcome = triage.redo()
        else:
            outcome = triage.set_published(job.ids, job.action == "publish", job.label)
        post(WriteFinished(job.action, outcome, job.landed))
