"""The review screen: the flag changes this app made that are not committed yet.

One row per file: its title and id, the flag's old → new text, and the one-line diff. ``x``
reverts the row under the cursor, ``space`` marks rows and ``X`` reverts the marked ones (or
all) after asking; a revert goes through the app's ordered writer as one journalled batch, so
``u`` (here too) brings it back. ``C`` commits (git), ``enter`` opens the article in the main
screen, ``escape`` goes back. The rows follow :class:`~newsreader.tui.git_review.GitReview`:
after a revert, an undo, a commit or a change on disk they are listed again, the cursor staying
on its file. Every text from a file is shown literally (``inert``, plain ``Text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.articles.text import inert
from newsreader.tui.git_review import GitReview
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.widgets.footer import NewsFooter
from newsreader.writing.flagwriter import token_meaning
from newsreader.writing.review import ReviewItem

__all__ = ["ReviewHost", "ReviewScreen", "header_text", "item_text"]

MARK = "✚"
LOADING = "Looking for flag changes not committed yet…"
EMPTY_GIT = "Nothing to review: every flag change by newsreader is committed."
EMPTY_PLAIN = "Nothing to review: no flag changed by newsreader is still as it left it."


class ReviewHost(Protocol):
    """What the review screen asks of the main screen."""

    def revert_flags(self, ids: list[str]) -> None:
        """Queue a revert of these files' flag changes."""

    def action_undo(self) -> None:
        """Undo the last change."""

    def action_commit(self) -> None:
        """Commit the flag-only changes (asking first)."""


def flag_text(token: str | None) -> str:
    """How a flag value reads in a row: ``true``, ``(empty)``, or ``(no key)``."""
    if token is None:
        return "(no key)"
    return inert(token) if token else "(empty)"


def item_text(item: ReviewItem, marked: bool = False, width: int = 0) -> Content:
    """A row, two lines: mark, title and id; then ``published: old → new`` and the diff.

    With ``width``, each line is cut to it with an ellipsis (a row never wraps). The diff's
    colours are the theme's error and success text, readable in every theme and, as greys,
    under ``NO_COLOR``; the ``-`` and ``+`` carry the meaning without them.
    """
    first: list[str | tuple[str, str]] = [
        (f"{MARK} " if marked else "  ", "bold"),
        (inert(item.title) or inert(item.id), "bold"),
    ]
    if item.title:
        first.append((f"  {inert(item.id)}", "dim"))
    second: list[str | tuple[str, str]] = [
        f"    published: {flag_text(item.old)} → {flag_text(item.new)}"
    ]
    for line in item.diff:
        second += ["   ", (inert(line), "$text-error" if line.startswith("-") else "$text-success")]
    lines = [Content.assemble(*first), Content.assemble(*second)]
    if width > 0:
        lines = [line.truncate(width, ellipsis=True) for line in lines]
    return Content("\n").join(lines)


def header_text(
    in_git: bool | None, items: Sequence[ReviewItem] | None, marked: int, error: str = ""
) -> Text:
    """The counts: how many changes, how many publish and unpublish, how many marked."""
    if error:
        return Text(f"Could not list the changes: {inert(error)}", style="bold red")
    if items is None:
        return Text(LOADING, style="italic")
    n = len(items)
    noun = "change" if n == 1 else "changes"
    where = "not committed" if in_git is not False else "made here (not in git)"
    text = Text(f"Review: {n} flag {noun} {where}", style="bold")
    publish = sum(1 for item in items if _publishes(item))
    if n:
        text.append(f"  ● {publish} publish  ○ {n - publish} unpublish")
    if marked:
        text.append(f"  {MARK} {marked} marked", style="bold")
    return text


def _publishes(item: ReviewItem) -> bool:
    """True when the new flag lets the page be published (no key does too)."""
    return token_meaning(item.new) is not False


class ReviewList(OptionList):
    """The rows: an option list that never reads markup, with j/k movement."""

    DEFAULT_CSS = """
    ReviewList, ReviewList:focus {
        border: none;
        height: 1fr;
    }
    ReviewList > .option-list--option-disabled {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", show=False, id="review.open"),
        Binding("j,down", "cursor_down", "Down", show=False, id="review.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="review.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)


class ReviewScreen(Screen[str | None]):
    """Lists the uncommitted flag changes; dismisses with the id enter chose (or None)."""

    DEFAULT_CSS = """
    ReviewScreen #review-header {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    ReviewScreen #review-hint {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "revert", "Revert", id="review.revert"),
        Binding(
            "X",
            "revert_many",
            "Revert all",
            id="review.revert_many",
            tooltip="Revert the marked changes, or all of them (asks first)",
        ),
        Binding("space", "mark", "Mark", show=False, id="review.mark"),
        Binding("u", "undo", "Undo", show=False, id="review.undo"),
        Binding("C", "commit", "Commit", id="review.commit"),
        Binding("escape,R", "close", "Back", id="review.close"),
    ]

    def __init__(self, review: GitReview, host: ReviewHost) -> None:
        super().__init__()
        self._review = review
        self._host = host
        self._items: list[ReviewItem] = []
        self.marks: set[str] = set()

    def compose(self) -> ComposeResult:
        """The header with the counts, the rows, a hint and the footer."""
        yield Static("", id="review-header")
        yield ReviewList(id="review-list")
        yield Static(self._hint(), id="review-hint")
        yield NewsFooter()

    def _hint(self) -> Text:
        if self._review.in_git is False:
            return Text("Not in a git work tree · enter open · space mark · u undo")
        return Text("enter open · space mark · X reverts the marked ones (or all) · u undo")

    def on_mount(self) -> None:
        """Show what is known now, then follow the review's updates."""
        self._review.changed.subscribe(self, self._update)
        self.query_one(ReviewList).focus()
        self._update(self._review)

    @property
    def items(self) -> list[ReviewItem]:
        """The rows shown, in order."""
        return list(self._items)

    def _update(self, review: GitReview) -> None:
        """Show the review's items; the cursor stays on its file where it can."""
        rows = self.query_one(ReviewList)
        old = self._current()
        old_index = rows.highlighted
        self._items = list(review.items or [])
        self.marks &= {item.id for item in self._items}
        self._show_rows(keep=old, index=old_index)
        self.query_one("#review-hint", Static).update(self._hint())

    def _show_rows(self, keep: str | None = None, index: int | None = None) -> None:
        rows = self.query_one(ReviewList)
        review = self._review
        header = header_text(review.in_git, review.items, len(self.marks), review.error)
        self.query_one("#review-header", Static).update(header)
        rows.clear_options()
        if not self._items:
            if review.items is not None and not review.error:
                empty = EMPTY_GIT if review.in_git else EMPTY_PLAIN
                rows.add_option(Option(Text(empty, style="italic"), disabled=True))
            return
        width = self._row_width()
        rows.add_options(
            Option(item_text(i, i.id in self.marks, width), id=i.id) for i in self._items
        )
        ids = [item.id for item in self._items]
        if keep in ids:
            rows.highlighted = ids.index(keep)
        else:
            rows.highlighted = min(index or 0, len(ids) - 1)

    def _row_width(self) -> int:
        """The cells a row has: the screen's width less the list's padding and scroll bar."""
        return max(20, self.size.width - 4)

    def on_resize(self) -> None:
        """Cut the rows to the new width."""
        if self.is_mounted:
            self._show_rows(keep=self._current(), index=self.query_one(ReviewList).highlighted)

    def _current(self) -> str | None:
        rows = self.query_one(ReviewList)
        index = rows.highlighted
        if index is None or not 0 <= index < len(self._items):
            return None
        return self._items[index].id

    # --- actions -------------------------------------------------------------------------

    def action_revert(self) -> None:
        """x: revert the change under the cursor."""
        current = self._current()
        if current is not None:
            self._host.revert_flags([current])

    def action_revert_many(self) -> None:
        """X: revert the marked changes (or all), after asking."""
        marked = [item.id for item in self._items if item.id in self.marks]
        ids = marked or [item.id for item in self._items]
        if not ids:
            self.notify("Nothing to revert")
            return
        what = "marked " if marked else ""
        noun = "change" if len(ids) == 1 else "changes"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.marks.clear()
                self._host.revert_flags(ids)

        self.app.push_screen(
            ConfirmScreen(
                f"Revert {len(ids)} {what}flag {noun}?",
                "Each file gets its old published: text back; u undoes it.",
                yes=f"Revert {len(ids)}",
                no="Cancel",
            ),
            confirmed,
        )

    def action_mark(self) -> None:
        """space: mark or unmark the row, then move down."""
        current = self._current()
        if current is None:
            return
        self.marks ^= {current}
        rows = self.query_one(ReviewList)
        index = rows.highlighted or 0
        item = self._items[index]
        prompt = item_text(item, item.id in self.marks, self._row_width())
        rows.replace_option_prompt_at_index(index, prompt)
        review = self._review
        header = header_text(review.in_git, review.items, len(self.marks), review.error)
        self.query_one("#review-header", Static).update(header)
        rows.action_cursor_down()

    def action_undo(self) -> None:
        """u: undo the last change (a revert made here, say)."""
        self._host.action_undo()

    def action_commit(self) -> None:
        """C: commit the flag-only changes (asks first, showing the message)."""
        self._host.action_commit()

    def action_close(self) -> None:
        """Back to the main screen."""
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        """enter: open the article in the main screen."""
        event.stop()
        if event.option.id is not None:
            self.dismiss(event.option.id)
