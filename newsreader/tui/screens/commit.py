"""The commit confirmation: the generated message, the files left out (and why), Commit / Cancel.

A :class:`~newsreader.tui.screens.confirm.ConfirmScreen` with more to show: Cancel has the focus,
``y`` commits, escape, ``n`` and enter cancel; ``left`` reaches the message, which then scrolls.
The message and file names are plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from newsreader.articles.text import inert
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.writing.gitfolder import FileStatus

#: Files left out that are named; the rest are counted.
LEFT_OUT_SHOWN = 6


def left_out_text(left_out: Sequence[FileStatus]) -> Text:
    """``Left out (2): other changes than the flag`` then one line per file, with why."""
    text = Text(f"Left out ({len(left_out)}), with changes other than the flag:", style="bold")
    for status in left_out[:LEFT_OUT_SHOWN]:
        text.append("\n  ")
        text.append(inert(status.id))
        text.append(f"  {inert(status.reason)}", style="italic")
    more = len(left_out) - LEFT_OUT_SHOWN
    if more > 0:
        text.append(f"\n  … and {more:,} more")
    return text


class CommitScreen(ConfirmScreen):
    """Asks before committing ``count`` files with ``message``; lists what is left out."""

    DEFAULT_CSS = """
    CommitScreen > #confirm-dialog {
        width: 90%;
        max-width: 100;
    }
    CommitScreen #commit-message {
        height: auto;
        max-height: 12;
        border: round $primary-muted;
        padding: 0 1;
        margin-top: 1;
    }
    CommitScreen #commit-left-out {
        margin-top: 1;
        color: $text-warning;
    }
    """

    def __init__(self, message: str, count: int, left_out: Sequence[FileStatus]) -> None:
        noun = "file" if count == 1 else "files"
        super().__init__(
            f"Commit {count} {noun} whose only change is the published: line?",
            yes=f"Commit {count}",
            no="Cancel",
        )
        self._message = message
        self._left_out = list(left_out)

    def compose(self) -> ComposeResult:
        """The question, the message, what is left out and the two buttons."""
        with Vertical(id="confirm-dialog"):
            yield Static(Text(inert(self._question)), id="confirm-question")
            # Focusable (left / right reach it), so a long message scrolls with the arrows.
            with VerticalScroll(id="commit-message") as box:
                box.border_title = "commit message"
                yield Static(Text(inert(self._message.rstrip("\n"), multiline=True)))
            if self._left_out:
                yield Static(left_out_text(self._left_out), id="commit-left-out")
            with Horizontal(id="confirm-buttons"):
                yield Button(Text(inert(self._yes)), variant="primary", id="confirm-yes")
                yield Button(Text(inert(self._no)), id="confirm-no")
