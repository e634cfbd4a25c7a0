"""The help screen: every current key binding, grouped: keys, what they do, and the binding id
(what a ``[keymap]`` entry in the config rebinds).

The screen hard-codes no keys: the app builds the :class:`HelpKey` list from its live bindings
(after any keymap), so what the help shows is what the keys do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from newsreader.articles.text import inert

TITLE = "newsreader — keys"
HINT = "escape to close · rebind a key in the config's [keymap] by its id"
#: The widest the keys column may grow before it wraps (keeps descriptions readable at 80x24).
MAX_KEYS_WIDTH = 24


@dataclass(frozen=True)
class HelpKey:
    """One line of the help: the key(s), what they do, and the group they are listed under."""

    keys: str
    description: str
    group: str
    #: The binding id, the name a ``[keymap]`` entry rebinds it by.
    id: str = ""


def group_keys(keys: list[HelpKey]) -> list[tuple[str, list[HelpKey]]]:
    """The keys by group, groups in order of first appearance, keys in their given order."""
    groups: dict[str, list[HelpKey]] = {}
    for key in keys:
        groups.setdefault(key.group, []).append(key)
    return list(groups.items())


def help_table(keys: list[HelpKey]) -> Table:
    """The help as a Rich grid: a heading row per group, then ``keys | description`` rows."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=False, max_width=MAX_KEYS_WIDTH, style="bold")
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, style="dim")
    for number, (group, members) in enumerate(group_keys(keys)):
        if number:
            table.add_row("", "", "")  # a blank line between groups
        # A styled span, not a base style: the underline must not run into the padding.
        table.add_row(Text.assemble((inert(group), "underline")), "", "")
        for key in members:
            # Plain Text, never markup: a key "[" or a bracketed description stays literal.
            table.add_row(Text(inert(key.keys)), Text(inert(key.description)), Text(key.id))
    return table


class HelpScreen(ModalScreen[None]):
    """A scrollable list of the keys; escape, q or ? close it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > #help-dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-title {
        width: 1fr;
        text-align: center;
        text-style: bold;
        color: $text-primary;
    }
    HelpScreen #help-body {
        height: auto;
        /* Leaves room for the title, the hint and the border on any height from 24 rows. */
        max-height: 80vh;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    HelpScreen #help-empty {
        color: $text-muted;
    }
    HelpScreen #help-hint {
        width: 1fr;
        text-align: center;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("j", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, keys: list[HelpKey]) -> None:
        super().__init__()
        self._keys = list(keys)

    def compose(self) -> ComposeResult:
        """The title, the scrollable table, and the hint."""
        with Vertical(id="help-dialog"):
            yield Static(Text(TITLE), id="help-title")
            with VerticalScroll(id="help-body"):
                if self._keys:
                    yield Static(help_table(self._keys), id="help-table")
                else:
                    yield Static(Text("No keys are bound."), id="help-empty")
            yield Static(Text(HINT), id="help-hint")

    def on_mount(self) -> None:
        """Focus the body so the arrow and page keys scroll it."""
        self.query_one("#help-body", VerticalScroll).focus()

    def action_scroll(self, lines: int) -> None:
        """Scroll the table by ``lines`` (j and k, as in the list)."""
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
