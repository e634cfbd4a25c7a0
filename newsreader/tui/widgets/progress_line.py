"""The progress line: long work (a cold index, a bulk write) as a bar, done / total and a rate.

It draws what the screen tells it; the rate is files handled since the line was shown, over the
time since, by its own clock (a parameter, so tests can fix it).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static


def rate_text(done: int, seconds: float) -> str:
    """Files per second, or "" before there is anything to measure."""
    if done <= 0 or seconds <= 0:
        return ""
    return f"{done / seconds:,.0f} files/s"


class ProgressLine(Horizontal):
    """One row: what runs, a bar, and ``done / total files · rate``. Hidden when idle."""

    DEFAULT_CSS = """
    ProgressLine {
        display: none;
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    ProgressLine.-active {
        display: block;
    }
    ProgressLine > #progress-label {
        width: auto;
        padding-right: 1;
        text-style: bold;
    }
    ProgressLine > ProgressBar {
        width: auto;
    }
    ProgressLine Bar {
        width: 24;
    }
    ProgressLine > #progress-counts {
        width: 1fr;
        padding-left: 1;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None, clock: Callable[[], float] = time.monotonic):
        super().__init__(id=id)
        self._clock = clock
        self._started: tuple[str, float, int] | None = None
        #: What the line shows now: (label, done, total), None when hidden.
        self.shown: tuple[str, int, int] | None = None

    def compose(self) -> ComposeResult:
        """Label, bar (with its percentage) and counts."""
        yield Static("", id="progress-label", markup=False)
        yield ProgressBar(show_eta=False, id="progress-bar")
        yield Static("", id="progress-counts", markup=False)

    def show_progress(self, label: str, done: int, total: int) -> None:
        """Show ``done`` of ``total`` files for ``label`` (a new label restarts the rate)."""
        now = self._clock()
        if self._started is None or self._started[0] != label:
            self._started = (label, now, done)
        _, since, first = self._started
        self.shown = (label, done, total)
        self.add_class("-active")
        self.query_one("#progress-label", Static).update(label)
        self.query_one(ProgressBar).update(total=max(total, 1), progress=min(done, total))
        rate = rate_text(done - first, now - since)
        counts = f"{done:,} / {total:,} files" + (f" · {rate}" if rate else "")
        self.query_one("#progress-counts", Static).update(counts)

    def finish(self, label: str | None = None) -> None:
        """Hide the line (only if it shows ``label``, when one is given)."""
        if label is not None and (self.shown is None or self.shown[0] != label):
            return
        self._started = None
        self.shown = None
        self.remove_class("-active")
