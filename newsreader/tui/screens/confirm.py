"""The confirmation dialog: a question, an optional detail line, and Yes / No buttons.

No has the focus: the dialog guards changes to many files at once, and an editor who hits enter
twice (once for ``p``'s advance, once by habit) must not publish a batch by accident. ``y`` (or
moving to Yes first) confirms; escape, ``n``, enter and the No button cancel.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from newsreader.articles.text import inert


class ConfirmScreen(ModalScreen[bool]):
    """Asks a yes/no question; dismisses with True for yes and False for no."""

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > #confirm-dialog {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    ConfirmScreen #confirm-question {
        width: 1fr;
        text-align: center;
        text-style: bold;
    }
    ConfirmScreen #confirm-detail {
        width: 1fr;
        text-align: center;
        color: $text-muted;
        margin-top: 1;
    }
    ConfirmScreen #confirm-buttons {
        width: 1fr;
        height: auto;
        align-horizontal: center;
        margin-top: 1;
    }
    ConfirmScreen #confirm-buttons > Button {
        margin: 0 2;
        min-width: 10;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "Cancel", id="confirm.cancel"),
        Binding("left,h", "app.focus_previous", "Previous", show=False, id="confirm.left"),
        Binding("right,l", "app.focus_next", "Next", show=False, id="confirm.right"),
    ]

    def __init__(self, question: str, detail: str = "", yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._question = question
        self._detail = detail
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        """The question, the detail when there is one, and the two buttons."""
        with Vertical(id="confirm-dialog"):
            # The question may name files or titles: plain Text, never markup.
            yield Static(Text(inert(self._question)), id="confirm-question")
            if self._detail:
                detail = Text(inert(self._detail, multiline=True))
                yield Static(detail, id="confirm-detail")
            with Horizontal(id="confirm-buttons"):
                yield Button(Text(inert(self._yes)), variant="primary", id="confirm-yes")
                yield Button(Text(inert(self._no)), id="confirm-no")

    def on_mount(self) -> None:
        """Focus No, so enter alone never confirms (see the module docstring)."""
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        """A button (clicked, or enter/space on the focused one) answers the question."""
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """Dismiss with the answer."""
        self.dismiss(yes)
