"""The sort screen: choose the key the article list is sorted by, and its direction.

Each key sorts in its natural direction (newest, highest or hottest first for numbers and dates;
A to Z for text); ``r`` flips it. Enter picks the highlighted key, and the first letter of a key
picks that key at once. The screen dismisses with ``(key, reverse)``, or None on escape.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.articles.index import SORT_KEYS

TITLE = "Sort by"
HINT = "enter or letter choose · r reverse · escape cancel"
CURRENT = "●"
#: Letters with another meaning on this screen, never used as a key's shortcut.
RESERVED = frozenset("rjk")
#: How each known key orders the list: (natural direction, reversed direction).
DIRECTIONS: dict[str, tuple[str, str]] = {
    "date": ("newest first", "oldest first"),
    "quality": ("highest first", "lowest first"),
    "heat": ("hottest first", "coolest first"),
    "title": ("A to Z", "Z to A"),
    "provider": ("A to Z", "Z to A"),
    "id": ("A to Z", "Z to A"),
}


def direction(key: str, reverse: bool) -> str:
    """Words for the order ``key`` sorts in, natural or reversed."""
    words = DIRECTIONS.get(key)
    if words is None:
        descending = SORT_KEYS.get(key)
        words = (
            ("natural order", "reversed order")
            if descending is None
            else ("highest first", "lowest first")
            if descending
            else ("A to Z", "Z to A")
        )
    return words[1] if reverse else words[0]


def shortcuts(keys: list[str]) -> dict[str, str]:
    """Letter to key: each key's first letter, unless reserved or taken by an earlier key."""
    letters: dict[str, str] = {}
    for key in keys:
        letter = key[:1].lower()
        if letter.isalpha() and letter not in RESERVED and letter not in letters:
            letters[letter] = key
    return letters


def sort_row(key: str, letter: str | None, current: bool, reverse: bool) -> Text:
    """One row: current marker, shortcut letter, key, and the order it gives."""
    text = Text(f"{CURRENT if current else ' '} ")
    text.append(f"{letter or ' '}  ", style="bold")
    text.append(f"{key:<10}")
    text.append(f"  {direction(key, reverse)}", style="dim")
    return text


def order_line(reverse: bool) -> Text:
    """The line under the list saying which order is in force and how to flip it."""
    state = "reversed" if reverse else "natural"
    return Text(f"Order: {state} — press r to toggle reversed order")


class SortList(OptionList):
    """The sort keys: an option list that never reads markup, with j/k movement."""

    DEFAULT_CSS = """
    SortList {
        height: auto;
        max-height: 70vh;
        border: none;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Choose", id="sort.choose"),
        Binding("j,down", "cursor_down", "Down", show=False, id="sort.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="sort.up"),
    ]

    def __init__(self, options: list[Option], *, id: str | None = None) -> None:
        super().__init__(*options, id=id, markup=False)


class SortScreen(ModalScreen[tuple[str, bool] | None]):
    """Pick a sort key; dismisses with ``(key, reverse)`` or None."""

    DEFAULT_CSS = """
    SortScreen {
        align: center middle;
    }
    SortScreen > #sort-dialog {
        width: 56;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    SortScreen #sort-title {
        width: 1fr;
        text-align: center;
        text-style: bold;
        color: $text-primary;
    }
    SortScreen #sort-order {
        width: 1fr;
        margin-top: 1;
    }
    SortScreen #sort-hint {
        width: 1fr;
        text-align: center;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "toggle_reverse", "Reverse", id="sort.reverse"),
        Binding("escape", "cancel", "Cancel", id="sort.cancel"),
    ]

    def __init__(self, keys: list[str], current: str, reverse: bool) -> None:
        super().__init__()
        self._keys = list(keys)
        self._current = current
        self._reverse = reverse
        self._letters = shortcuts(self._keys)

    @property
    def reverse(self) -> bool:
        """Whether reversed order is chosen (``r`` toggles it)."""
        return self._reverse

    def _rows(self) -> list[Text]:
        by_key = {key: letter for letter, key in self._letters.items()}
        return [
            sort_row(key, by_key.get(key), key == self._current, self._reverse)
            for key in self._keys
        ]

    def compose(self) -> ComposeResult:
        """The title, the keys, the order line and the hint."""
        with Vertical(id="sort-dialog"):
            yield Static(Text(TITLE), id="sort-title")
            yield SortList([Option(row) for row in self._rows()], id="sort-list")
            yield Static(order_line(self._reverse), id="sort-order")
            yield Static(Text(HINT), id="sort-hint")

    def on_mount(self) -> None:
        """Focus the list with the current key highlighted."""
        keys = self.query_one(SortList)
        keys.focus()
        if self._current in self._keys:
            keys.highlighted = self._keys.index(self._current)
        else:
            keys.action_first()

    def on_key(self, event: events.Key) -> None:
        """A key's first letter chooses it at once."""
        # Handled here rather than as bindings because the letters follow the keys given.
        key = self._letters.get(event.key)
        if key is not None:
            event.stop()
            event.prevent_default()
            self.dismiss((key, self._reverse))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) on a row chooses that key."""
        event.stop()
        self.dismiss((self._keys[event.option_index], self._reverse))

    def action_toggle_reverse(self) -> None:
        """Flip between the natural and the reversed order, and show it."""
        self._reverse = not self._reverse
        keys = self.query_one(SortList)
        for index, row in enumerate(self._rows()):
            keys.replace_option_prompt_at_index(index, row)
        self.query_one("#sort-order", Static).update(order_line(self._reverse))

    def action_cancel(self) -> None:
        """Close without changing the sort."""
        self.dismiss(None)
