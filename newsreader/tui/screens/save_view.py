"""The save-view dialog: asks for a name for the current filter; enter saves, escape cancels."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from newsreader.articles.text import inert


class SaveViewScreen(ModalScreen[str | None]):
    """Dismisses with the name typed (stripped), or None when cancelled or left blank."""

    DEFAULT_CSS = """
    SaveViewScreen {
        align: center middle;
    }
    SaveViewScreen > #save-view-dialog {
        width: 60;
        max-width: 100%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    SaveViewScreen #save-view-query {
        color: $text-muted;
        margin-bottom: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save_view.cancel"),
    ]

    def __init__(self, query: str, name: str = "") -> None:
        super().__init__()
        self._query = query
        self._name = name

    def compose(self) -> ComposeResult:
        """The query being saved and the name input."""
        with Vertical(id="save-view-dialog"):
            yield Static(Text("Save the filter as a view", style="bold"))
            yield Static(Text(inert(self._query)), id="save-view-query")
            yield Input(self._name, placeholder="view name, then enter", id="save-view-name")

    @on(Input.Submitted, "#save-view-name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
