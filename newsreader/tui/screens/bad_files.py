"""The bad-files screen: files that could not be indexed, and articles indexed with warnings.

Every row is plain Rich ``Text`` made from :func:`newsreader.articles.text.inert` output, so an id
or a reason holding markup or escape sequences shows literally. Enter on a warning row dismisses the
screen with that article's id (the app then jumps to it); a bad file cannot be opened, so enter
on one only says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.articles.model import BadFile
from newsreader.articles.text import inert

TITLE = "Problem files and warnings"
HINT = "enter go to article · escape close"
EMPTY = "No problem files and no warnings."
NONE = "none"
BAD_MARK = "✗"
WARNING_MARK = "!"
CANNOT_OPEN = "This problem file cannot be opened: it was not indexed."


def _note(text: str, style: str) -> Option:
    """A row the cursor skips: a heading or an empty state."""
    return Option(Text(text, style=style), disabled=True)


def _row(mark: str, article_id: str, detail: str) -> Text:
    """A row: the mark, the id in bold, then the reason or warning."""
    text = Text(mark + " ")
    text.append(inert(article_id), style="bold")
    text.append("  " + inert(detail))
    return text


def bad_file_text(bad: BadFile) -> Text:
    """The row for a bad file: its id, its reason (with the line when known) and what the
    site does with it."""
    return _row(BAD_MARK, bad.id, f"{bad.describe()} ({bad.site_words})")


def warning_text(article_id: str, warning: str) -> Text:
    """The row for one warning of an indexed article."""
    return _row(WARNING_MARK, article_id, warning)


def build_rows(
    bad: list[BadFile],
    warnings: list[tuple[str, str]],
    misread: Sequence[tuple[str, str]] = (),
) -> tuple[list[Option], list[str | None]]:
    """The options of the list and, by option index, the article id enter opens (or None).

    Problem files are the bad files and the ``misread`` articles (indexed, but Jekyll cannot
    read their front matter): those can be opened, like the warnings' articles.
    """
    if not bad and not warnings and not misread:
        return [_note(EMPTY, "italic")], [None]
    options: list[Option] = [_note(f"Problem files ({len(bad) + len(misread)})", "bold")]
    options += [Option(bad_file_text(item)) for item in bad]
    targets: list[str | None] = [None] * len(options)
    for article_id, reason in misread:
        options.append(Option(_row(BAD_MARK, article_id, reason)))
        targets.append(article_id)
    if not bad and not misread:
        options.append(_note(NONE, "italic"))
        targets.append(None)
    options.append(_note(f"Warnings ({len(warnings)})", "bold"))
    targets.append(None)
    for article_id, warning in warnings:
        options.append(Option(warning_text(article_id, warning)))
        targets.append(article_id)
    if not warnings:
        options.append(_note(NONE, "italic"))
        targets.append(None)
    return options, targets


class BadFilesList(OptionList):
    """The rows of the screen: an option list that never reads markup, with j/k movement."""

    DEFAULT_CSS = """
    BadFilesList, BadFilesList:focus {
        border: none;
    }
    BadFilesList {
        height: auto;
        max-height: 80vh;
        & > .option-list--option-disabled {
            color: $text-muted;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="bad_files.open"),
        Binding("j,down", "cursor_down", "Down", show=False, id="bad_files.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="bad_files.up"),
    ]

    def __init__(self, options: list[Option], *, id: str | None = None) -> None:
        super().__init__(*options, id=id, markup=False)


class BadFilesScreen(ModalScreen[str | None]):
    """Lists bad files and warnings; dismisses with the id of a warning row chosen by enter."""

    DEFAULT_CSS = """
    BadFilesScreen {
        align: center middle;
    }
    BadFilesScreen > #bad-files-dialog {
        width: 90%;
        max-width: 110;
        min-width: 60;
        height: auto;
        max-height: 100%;
        border: round $warning;
        background: $surface;
        padding: 0 1;
    }
    BadFilesScreen #bad-files-title {
        width: 1fr;
        text-align: center;
        text-style: bold;
        color: $text-warning;
    }
    BadFilesScreen #bad-files-hint {
        width: 1fr;
        text-align: center;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,exclamation_mark,q", "close", "Close", id="bad_files.close"),
    ]

    def __init__(
        self,
        bad: list[BadFile],
        warnings: list[tuple[str, str]],
        misread: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        self._options, self._targets = build_rows(list(bad), list(warnings), misread)

    def compose(self) -> ComposeResult:
        """The title, the list and the hint."""
        with Vertical(id="bad-files-dialog"):
            yield Static(Text(TITLE), id="bad-files-title")
            yield BadFilesList(self._options, id="bad-files-list")
            yield Static(Text(HINT), id="bad-files-hint")

    def on_mount(self) -> None:
        """Focus the list, on its first row that is not a heading."""
        rows = self.query_one(BadFilesList)
        rows.focus()
        rows.action_first()

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        """Enter on a warning row jumps to that article; on a bad file it explains why not."""
        event.stop()
        index = event.option_index
        target = self._targets[index] if 0 <= index < len(self._targets) else None
        if target is not None:
            self.dismiss(target)
        else:
            self.notify(CANNOT_OPEN, severity="warning", markup=False)

    def action_close(self) -> None:
        """Close without choosing an article."""
        self.dismiss(None)
