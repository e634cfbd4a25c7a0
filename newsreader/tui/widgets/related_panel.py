"""The related panel: the current article's related entries, then the articles linking to it.

It is an :class:`~textual.widgets.OptionList` whose rows are plain Rich ``Text`` (never markup),
with two section headings and empty states as disabled rows the cursor skips. The panel decides
nothing: enter (or a click on the selected row, or a double click) posts
:class:`RelatedPanel.OpenArticle` or :class:`RelatedPanel.ShowExternal`, and the screen acts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.articles import lint
from newsreader.articles.model import Article, RelatedLink
from newsreader.articles.text import inert, readable
from newsreader.tui.widgets.article_list import fit_cells

IN_FOLDER = "⇢"
EXTERNAL = "↗"
PUBLISHED = "●"
UNPUBLISHED = "○"
#: An entry naming an article of the folder that the site does not show: a link to nowhere
#: on the site (with ``○``, and the words, so it reads without colour).
HIDDEN = "!"
#: An entry naming an article whose file was removed from the folder.
REMOVED = "✗"
#: At most this many related entries, and as many backlinks, are listed, then a line saying how
#: many more there are: an article can list 90,000, and an option each cost seconds.
MAX_ROWS = 500
#: The panel's one line when the article has neither related stories nor backlinks.
NOTHING_RELATED = "No related stories · no backlinks"


@dataclass(frozen=True)
class RelatedRow:
    """One entry of the current article's ``related`` list, resolved against the folder."""

    link: RelatedLink
    #: The article in the folder it resolves to, or None (external).
    target: Article | None
    #: Position in the article's related list.
    index: int
    #: The entry's state on the site (:mod:`newsreader.articles.lint`: in the folder, hidden
    #: on the site, not in the folder, removed); "" when not known (links not resolved yet:
    #: an in-folder target's state is then read from it, and an entry with none says nothing).
    status: str = ""


@dataclass(frozen=True)
class _Open:
    """Enter on this row opens the article with this id."""

    article_id: str


@dataclass(frozen=True)
class _External:
    """Enter on this row shows the external related entry at this index."""

    index: int


def _date(date: datetime | None) -> str:
    # Not strftime: glibc's %Y does not pad years before 1000 to four digits.
    return f"{date.year:04d}-{date:%m-%d}" if date is not None else ""


MARKER_CELLS = 3


def _row_text(marker: str, title: str, details: list[str], words: str = "") -> Text:
    """A row of two lines: marker glyphs and the title, the panel's full width for the title;
    then, under the title, what the site makes of the entry when that is not the normal case
    (``words``: "hidden on the site"...; first, so a narrow panel cuts the facts, not it),
    provider, date and quality.

    Stories of one cluster often share their title word for word: the provider line tells them
    apart however much of the title fits.
    """
    provider, day, quality = details
    text = Text(fit_cells(marker, MARKER_CELLS) + " ")
    text.append(readable(title) or "(untitled)")
    text.append("\n" + " " * (MARKER_CELLS + 1))
    if words:
        text.append(words, style="bold italic")
        text.append(" · " if provider or day or quality else "")
    text.append(inert(provider), style="bold")
    facts = " · ".join(part for part in (day, quality) if part)
    if facts:
        text.append((" · " if provider else "") + facts, style="dim")
    return text


def _state(article: Article) -> str:
    return PUBLISHED if article.published else UNPUBLISHED


def related_text(row: RelatedRow) -> Text:
    """The row for a related entry; the link's own fields, the target's where it has none."""
    link, target = row.link, row.target
    quality = "" if link.quality is None else f"q{link.quality}"
    status = row.status
    if not status and target is not None:
        status = lint.IN_FOLDER if target.published else lint.HIDDEN
    words = lint.STATUS_WORDS.get(status, "")
    if target is None:
        details = [link.provider, _date(link.date), quality]
        marker = REMOVED if status == lint.REMOVED else EXTERNAL
        return _row_text(marker, link.title, details, words)
    details = [link.provider or target.provider, _date(link.date or target.date), quality]
    marker = f"{IN_FOLDER if status == lint.IN_FOLDER else HIDDEN} {_state(target)}"
    return _row_text(marker, link.title or target.title, details, words)


def backlink_text(article: Article) -> Text:
    """The row for an article that lists the current one as related."""
    return _row_text(_state(article), article.title, [article.provider, _date(article.date), ""])


def _note(text: str, style: str) -> Option:
    """A row the cursor skips: a heading or an empty state."""
    return Option(Text(text, style=style), disabled=True)


class RelatedPanel(OptionList):
    """Lists related entries (``⇢`` in the folder, ``!`` hidden on the site, ``↗`` not in the
    folder, ``✗`` removed from it) and then backlinks."""

    DEFAULT_CSS = """
    RelatedPanel, RelatedPanel:focus {
        border: none;
        padding: 0 1;
    }
    RelatedPanel {
        height: 1fr;
        max-height: 100%;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        & > .option-list--option-disabled {
            color: $text-muted;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="related.open"),
        Binding("j,down", "cursor_down", "Down", show=False, id="related.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="related.up"),
    ]

    class OpenArticle(Message):
        """Open the article with this id (an in-folder related entry or a backlink)."""

        def __init__(self, panel: RelatedPanel, article_id: str) -> None:
            super().__init__()
            self.panel = panel
            self.article_id = article_id

        @property
        def control(self) -> RelatedPanel:
            """The panel that posted the message (for ``@on`` selectors)."""
            return self.panel

    class ShowExternal(Message):
        """Show the external related entry at ``index`` of the current article's list."""

        def __init__(self, panel: RelatedPanel, index: int) -> None:
            super().__init__()
            self.panel = panel
            self.index = index

        @property
        def control(self) -> RelatedPanel:
            """The panel that posted the message (for ``@on`` selectors)."""
            return self.panel

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, markup=False)
        # What enter does on each option, by option index; None for headings and notes.
        self._actions: list[_Open | _External | None] = []
        # Whether the first click of a double click already acted (so it acts only once).
        self._click_acted = False
        self.show([], [])

    def show(
        self,
        entries: list[RelatedRow],
        backlinks: list[Article],
        *,
        related_count: int | None = None,
    ) -> None:
        """Replace the rows: the related entries, then the backlinks.

        ``related_count``: how many related entries the article has, when ``entries`` holds
        only the first of them (at least ``MAX_ROWS``, the ones listed).
        """
        total = len(entries) if related_count is None else max(related_count, len(entries))
        options: list[Option] = []
        actions: list[_Open | _External | None] = []

        def add(option: Option, action: _Open | _External | None) -> None:
            options.append(option)
            actions.append(action)

        # Nothing to list: one line says so, and the panel gives its height to the detail.
        nothing = not entries and not backlinks
        self.set_class(nothing, "-empty")
        if nothing:
            add(_note(NOTHING_RELATED, "italic"), None)
        else:
            self._add_rows(add, entries, backlinks, total)
        self._actions = actions
        self.set_options(options)
        self.action_first()  # the first actionable row, or None when there is none
        self.scroll_home(animate=False, immediate=True)

    @staticmethod
    def _add_rows(
        add: Callable[[Option, _Open | _External | None], None],
        entries: list[RelatedRow],
        backlinks: list[Article],
        total: int,
    ) -> None:
        """Add the headings, the related entries and the backlinks (or their empty states)."""
        add(_note(f"Related ({total:,})", "bold"), None)
        for row in entries[:MAX_ROWS]:
            action = _External(row.index) if row.target is None else _Open(row.target.id)
            add(Option(related_text(row)), action)
        if not entries:
            add(_note("No related stories", "italic"), None)
        elif total > MAX_ROWS:
            add(_note(f"… and {total - MAX_ROWS:,} more", "italic"), None)
        add(_note(f"Backlinks ({len(backlinks):,})", "bold"), None)
        for article in backlinks[:MAX_ROWS]:
            add(Option(backlink_text(article)), _Open(article.id))
        if not backlinks:
            add(_note("No backlinks", "italic"), None)
        elif len(backlinks) > MAX_ROWS:
            add(_note(f"… and {len(backlinks) - MAX_ROWS:,} more", "italic"), None)

    def action_select(self) -> None:
        """Act on the highlighted row: post OpenArticle or ShowExternal."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self._actions):
            return
        action = self._actions[index]
        if isinstance(action, _Open):
            self.post_message(self.OpenArticle(self, action.article_id))
        elif isinstance(action, _External):
            self.post_message(self.ShowExternal(self, action.index))

    async def _on_click(self, event: events.Click) -> None:
        """A click selects a row; a click on the selected row, or a double click, opens it."""
        # Replaces OptionList's click handler, which would open on the first click.
        event.prevent_default()
        clicked = event.style.meta.get("option")
        # The index comes from rendered lines, so it may predate the last show(): check it.
        if not isinstance(clicked, int) or not 0 <= clicked < self.option_count:
            return
        if self.options[clicked].disabled:
            return
        if event.chain == 1:
            self._click_acted = clicked == self.highlighted
            self.highlighted = clicked
            if self._click_acted:
                self.action_select()
        elif event.chain == 2 and not self._click_acted:
            self.action_select()

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # The panel speaks only through its own messages; the screen need not filter ours.
        event.stop()
