"""The main screen's long work on the progress line: a cold index and bulk writes.

Indexing reports how many files the folder holds once it is listed; the writer reports each
chunk of a batch it wrote. Both come in as messages from workers; this part only shows them
(the handlers run beside the ones that take in the results, in :mod:`.folder_sync` and
:mod:`.triage_actions`).
"""

from __future__ import annotations

from textual import on

from newsreader.tui.messages import IndexBatch, WriteFinished, WriteProgress
from newsreader.tui.screens.base import MainScreenBase
from newsreader.tui.widgets.progress_line import ProgressLine

#: Files left to read, once the folder is listed, for indexing to show a progress bar.
INDEX_PROGRESS_FILES = 2_000
#: Files in a batch for a write to show one (more than one journal chunk).
WRITE_PROGRESS_FILES = 100

INDEXING = "Indexing"
_VERBS = {
    "publish": "Publishing",
    "unpublish": "Unpublishing",
    "toggle": "Writing",
    "undo": "Undoing",
    "redo": "Redoing",
}


class LongWork(MainScreenBase):
    """Shows a cold index and bulk writes as they go."""

    @property
    def progress_line(self) -> ProgressLine:
        """The progress line."""
        return self.query_one("#progress", ProgressLine)

    @on(IndexBatch)
    def _index_progress(self, message: IndexBatch) -> None:
        line = self.progress_line
        if message.finished:
            line.finish(INDEXING)
        elif line.shown is not None and line.shown[0] == INDEXING:
            line.show_progress(INDEXING, message.done, message.total)
        elif message.total and message.total - message.done >= INDEX_PROGRESS_FILES:
            # A warm start has read nearly everything from the cache by then: no bar.
            line.show_progress(INDEXING, message.done, message.total)

    def on_write_progress(self, message: WriteProgress) -> None:
        """A chunk of a bulk write is on disk."""
        if message.total >= WRITE_PROGRESS_FILES:
            label = _VERBS.get(message.action, "Writing")
            self.progress_line.show_progress(label, message.done, message.total)

    @on(WriteFinished)
    def _write_done(self, message: WriteFinished) -> None:
        line = self.progress_line
        if line.shown is not None and line.shown[0] != INDEXING:
            line.finish()
