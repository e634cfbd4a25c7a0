"""The article list: a virtual, keyboard-driven table that stays fluid with a million rows.

Textual's DataTable, OptionList and ListView build an object (or a measured renderable) per row,
which is far too slow for 100,000 articles. :class:`ArticleList` is a Line API
:class:`~textual.scroll_view.ScrollView` instead: the rows are a plain list of
:class:`~newsreader.articles.model.Article`, the virtual height is the row count (plus one header
line), and :meth:`ArticleList.render_line` renders only the lines on screen, caching the strips it
made.

Line 0 of the widget is a fixed header with the column titles and the sort arrow; it does not
scroll. Virtual line ``i + 1`` is row ``i``, so the row under screen line ``y`` (``y >= 1``) is
``scroll_y + y - 1``.

Everything from a file is untrusted: it goes through :func:`newsreader.articles.text.inert` and is
rendered as plain :class:`~rich.segment.Segment` text, never as markup. Columns are measured and cut
in terminal cells (``rich.cells``), so CJK, emoji and combining characters keep them aligned.

The widget only renders and reports: marks come from the owner (:meth:`ArticleList.set_marks`),
and ``space`` merely posts :class:`ArticleList.ToggleMark` for the owner to decide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Set
from contextlib import suppress
from dataclasses import dataclass
from itertools import repeat
from operator import is_
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.articles.model import Article
from newsreader.articles.text import inert, readable

#: The status glyphs carry the meaning without colour (``NO_COLOR``, a monochrome terminal):
#: published or not as the site decides, and ``!`` where the file's flag says otherwise.
PUBLISHED_GLYPH = "●"
UNPUBLISHED_GLYPH = "○"
DIFFERS_GLYPH = "!"
MARK_GLYPH = "✚"
GONE_GLYPH = "✗"
ELLIPSIS = "…"
_STRIP_CACHE_SIZE = 2048

DATE_WIDTH = 10
#: The provider column's width on a usual screen; a wide one gives it a share of the room, up
#: to ``MAX_PROVIDER_WIDTH``, so long provider names are cut less.
PROVIDER_WIDTH = 16
MAX_PROVIDER_WIDTH = 30
#: Cells a number takes (``compact_number``), and its column: room for a sort arrow and a
#: space beside the column's four-letter title ("▼ Qual").
NUMBER_WIDTH = 4
NUMBER_COLUMN = 6
#: The provider column gives up cells (down to hiding) so the title keeps at least this many.
MIN_TITLE_WIDTH = 20
MIN_PROVIDER_WIDTH = 6
#: mark, status, differs, gap, date, gap, [provider, gap,] title, gap, quality, gap, heat, and a
#: last blank cell, so the scrollbar never touches a number.
_FIXED_WIDTH = 1 + 1 + 1 + 1 + DATE_WIDTH + 1 + 1 + NUMBER_COLUMN + 1 + NUMBER_COLUMN + 1

#: Sort keys that name a column, mapped to that column; other keys show in the title header.
_SORT_COLUMNS = {
    "date": "date",
    "provider": "provider",
    "title": "title",
    "quality": "quality",
    "heat": "heat",
}

_HEADER = "article-list--header"
_CURSOR = "article-list--cursor"
_MARKED = "article-list--marked"
_UNPUBLISHED = "article-list--unpublished"
_PUBLISHED = "article-list--published"
_DIFFERS = "article-list--differs"
_MARK = "article-list--mark"
_META = "article-list--meta"
_EMPTY = "article-list--empty"
_GONE = "article-list--gone"


def fit_cells(text: str, width: int) -> str:
    """Return ``text`` cut or padded to exactly ``width`` terminal cells.

    Text that is too long ends in ``…``; a double-width character that would straddle the cut is
    dropped and the gap padded with a space, so the result is always exactly ``width`` cells.
    """
    if width <= 0:
        return ""
    size = cell_len(text)
    if size <= width:
        return text + " " * (width - size)
    # set_cell_size pads where a wide character was dropped; the ellipsis goes before the pad.
    cut = set_cell_size(text, width - 1).rstrip(" ")
    return cut + ELLIPSIS + " " * (width - 1 - cell_len(cut))


def compact_number(value: int | None, width: int = NUMBER_WIDTH) -> str:
    """Return ``value`` right-aligned in ``width`` cells, shortened (``12k``) if it is too long."""
    if value is None:
        return " " * width
    text = str(value)
    if len(text) > width:
        for divisor, unit in ((1_000, "k"), (1_000_000, "M"), (1_000_000_000, "G")):
            short = f"{int(value / divisor)}{unit}"
            if len(short) <= width:
                text = short
                break
        else:
            text = text[: width - 1] + ELLIPSIS
    return text.rjust(width)


def format_date(article: Article) -> str:
    """The article's date as ``YYYY-MM-DD``, or an empty string when it has none."""
    date = article.date
    if date is None:
        return ""
    # Not strftime: it does not zero-pad years before 1000 on every platform.
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    """The cell widths of the columns for one widget width (provider 0 means hidden)."""

    width: int
    provider: int
    title: int

    @classmethod
    def for_width(cls, width: int) -> ColumnLayout:
        """Share ``width`` between the columns: the title takes what the others leave."""
        room = width - _FIXED_WIDTH - 1
        # A quarter of the room on a wide screen, the usual width on others.
        wanted = max(PROVIDER_WIDTH, min(MAX_PROVIDER_WIDTH, room // 4))
        provider = min(wanted, room - MIN_TITLE_WIDTH)
        if provider < MIN_PROVIDER_WIDTH:
            provider = 0
        used = _FIXED_WIDTH + (provider + 1 if provider else 0)
        return cls(width=width, provider=provider, title=max(0, width - used))


class ArticleList(ScrollView, can_focus=True):
    """A virtual list of articles with a fixed header, a cursor and marks shown by the owner."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "cursor_first", "First", show=False, id="list.first"),
        Binding("G,end", "cursor_last", "Last", show=False, id="list.last"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("space", "toggle_mark", "Mark", id="list.toggle_mark"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        _HEADER,
        _CURSOR,
        _MARKED,
        _UNPUBLISHED,
        _PUBLISHED,
        _DIFFERS,
        _MARK,
        _META,
        _EMPTY,
        _GONE,
    }

    DEFAULT_CSS = """
    ArticleList {
        width: 1fr;
        height: 1fr;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        & > .article-list--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .article-list--meta {
            color: $text-muted;
        }
        & > .article-list--published {
            color: $text-success;
        }
        /* Unpublished rows are the work queue: as readable as any, the glyph says what they are. */
        & > .article-list--unpublished {
            color: $text-warning;
            text-style: bold;
        }
        & > .article-list--differs {
            color: $text-error;
            text-style: bold;
        }
        & > .article-list--marked {
            background: $accent 20%;
        }
        & > .article-list--mark {
            color: $accent;
            text-style: bold;
        }
        & > .article-list--gone {
            color: $text-error;
            text-style: strike;
        }
        & > .article-list--empty {
            color: $text-disabled;
            text-style: italic;
        }
        & > .article-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .article-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class Highlighted(Message):
        """The cursor landed on a different article (also sent after every ``set_rows``).

        ``article`` is None and ``index`` is -1 when the list is empty. Fast scrolling coalesces:
        a pending Highlighted from the same list replaces an unhandled older one.
        """

        def __init__(
            self,
            article: Article | None,
            index: int,
            *,
            article_list: ArticleList | None = None,
        ) -> None:
            super().__init__()
            self.article = article
            self.index = index
            self.article_list = article_list

        @property
        def control(self) -> ArticleList | None:
            """The list that sent the message (for ``@on(..., selector)``)."""
            return self.article_list

        def can_replace(self, message: Message) -> bool:
            """A newer Highlighted from the same list makes this one stale."""
            return (
                isinstance(message, ArticleList.Highlighted)
                and message.article_list is self.article_list
            )

    class ToggleMark(Message):
        """The user asked to toggle the mark of one article; the owner decides and calls back."""

        def __init__(self, article_id: str, *, article_list: ArticleList | None = None) -> None:
            super().__init__()
            self.article_id = article_id
            self.article_list = article_list

        @property
        def control(self) -> ArticleList | None:
            """The list that sent the message."""
            return self.article_list

    class WantsRest(Message):
        """The rows are only the first screen of the view, and a key needs the rest (``G``,
        moving past the last row): the owner should give the whole view now. The key waits,
        and is done once :meth:`set_rows` brings the rest."""

        def __init__(self, *, article_list: ArticleList | None = None) -> None:
            super().__init__()
            self.article_list = article_list

        @property
        def control(self) -> ArticleList | None:
            """The list that sent the message."""
            return self.article_list

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row (clamped to the rows; 0 when the list is empty)."""

    empty_message: reactive[str] = reactive("No articles")
    """The dim line shown centred when there are no rows."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create an empty list; fill it with :meth:`set_rows`."""
        self._rows: list[Article] = []
        self._marks: set[str] = set()
        self._gone: set[str] = set()
        # Built on first use by update_row (writes come in bulk): building it for a million rows
        # on every set_rows would cost more than the rest of set_rows.
        self._index: dict[str, int] | None = None
        self._sort: tuple[str, bool] | None = None
        # Strips of the rows on screen, keyed by (index, width, cursor?, marked?, focused?).
        self._strips: dict[tuple[int, int, bool, bool, bool, bool], Strip] = {}
        # The rows are a first screen only (see set_rows): keys that need the rest wait here,
        # in order, with every key after them, until the whole view comes.
        self._partial = False
        self._waiting: list[Callable[[], None]] = []
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.virtual_size = Size(0, 1)

    # -- public API ---------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[Article]:
        """The rows in display order (the list given to :meth:`set_rows`; do not mutate it)."""
        return self._rows

    @property
    def marked(self) -> Set[str]:
        """The ids shown as marked (as last given to :meth:`set_marks`)."""
        return self._marks

    @property
    def current(self) -> Article | None:
        """The article under the cursor, or None when the list is empty."""
        return self._rows[self.cursor] if self._rows else None

    @property
    def partial(self) -> bool:
        """Whether the rows are only the first screen of the view (the rest is coming)."""
        return self._partial

    @property
    def page_rows(self) -> int:
        """How many rows one page shows (and moves): the visible rows below the header."""
        return self._page_height()

    def set_rows(
        self,
        rows: list[Article],
        *,
        keep: str | None = None,
        kept: Article | None = None,
        partial: bool = False,
    ) -> None:
        """Show ``rows`` (kept, not copied); the cursor follows ``keep`` if it is among them.

        Otherwise the cursor index is clamped. The scroll position is kept where it still fits,
        and :class:`Highlighted` is posted for the article now under the cursor. ``kept``, when
        given, is the very object the rows hold for ``keep`` if they hold it at all (the owner
        computed them from the index as it is): it is then looked for by identity only.

        ``partial`` rows are the first screen of a view whose rest is still being computed:
        moving within them works; keys that need more (the last row, past the last row) post
        :class:`WantsRest` and wait, with every key after them, for the next whole ``set_rows``.
        """
        old_cursor = self.cursor
        old_current = self.current
        self._rows = rows
        self._index = None
        self._strips.clear()
        self._set_row_count(len(rows))
        target = old_cursor
        if keep is not None:
            found = self._find(keep, hint=old_cursor, same=kept or old_current, exact=bool(kept))
            if found is not None:
                target = found
        # Set without the watcher: it would post Highlighted only if the index changed.
        self.set_reactive(ArticleList.cursor, self.validate_cursor(target))
        if self.scroll_offset.y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False)
        self._scroll_cursor_into_view()
        self.refresh()
        self._post_highlighted()
        self._partial = partial
        if not partial and self._waiting:
            waiting, self._waiting = self._waiting, []
            for key in waiting:
                key()

    def _wait_for_rest(self, key: Callable[[], None], needs_rest: bool) -> bool:
        """True when ``key`` must wait for the whole view (it is kept and done then)."""
        if not self._partial or not (needs_rest or self._waiting):
            return False
        if not self._waiting:
            self.post_message(self.WantsRest(article_list=self))
        self._waiting.append(key)
        return True

    def _set_row_count(self, count: int) -> None:
        """Size the scrollable area for ``count`` rows (and the header line)."""
        size = Size(0, count + 1)
        height = self.size.height
        if self.is_mounted and self.virtual_size.height > height and size.height > height:
            # The scrollbar was needed and still is: only its thumb moves. Setting the virtual
            # size would lay out the whole screen (~20-30 ms at 160x45, measured), after every
            # keystroke of a filter and every indexing batch; Textual takes this same path for
            # a size change that needs no layout.
            self.set_reactive(ArticleList.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def update_row(self, article: Article) -> bool:
        """Replace the row with ``article.id`` by ``article`` and redraw it; False if absent."""
        index = self._index_of(article.id)
        if index is None:
            return False
        self._rows[index] = article
        self._forget_row(index)
        self.refresh_line(index + 1)
        return True

    def move_to(self, article_id: str) -> bool:
        """Put the cursor on the article ``article_id``; False (cursor unchanged) if absent."""
        # One look-up (a restored session, a followed link) scans the rows instead of building
        # the id map: at 100,000 rows the map costs ~7 MB and the scan a few milliseconds.
        if self._index is not None:
            index = self._index.get(article_id)
        else:
            index = self._find(article_id, hint=self.cursor)
        if index is None:
            return False
        self.cursor = index
        return True

    def set_gone(self, ids: Iterable[str]) -> None:
        """Show the articles in ``ids`` as gone from the folder (kept in place, struck out)."""
        self._gone = set(ids)
        self._strips.clear()
        self.refresh()

    def set_marks(self, ids: Iterable[str]) -> None:
        """Show the articles in ``ids`` as marked (the owner decides what is marked)."""
        self._marks = set(ids)
        self._strips.clear()
        self.refresh()

    def set_sort_label(self, key: str, reverse: bool) -> None:
        """Show the sort in the header: an arrow on the column ``key`` (▼ when ``reverse``)."""
        self._sort = (key, reverse)
        self.refresh(Region(0, 0, self.size.width, 1))

    # -- cursor -------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        """Clamp the cursor to the rows."""
        return max(0, min(value, len(self._rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        """Redraw the two rows, keep the cursor visible and tell the owner."""
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self._scroll_cursor_into_view()
        self._post_highlighted()

    def action_cursor_down(self) -> None:
        """Move the cursor one row down."""
        if self._wait_for_rest(self.action_cursor_down, self.cursor + 1 >= len(self._rows)):
            return
        self.cursor += 1

    def action_cursor_up(self) -> None:
        """Move the cursor one row up."""
        if self._wait_for_rest(self.action_cursor_up, False):
            return
        self.cursor -= 1

    def action_cursor_first(self) -> None:
        """Move the cursor to the first row."""
        if self._wait_for_rest(self.action_cursor_first, False):
            return
        self.cursor = 0

    def action_cursor_last(self) -> None:
        """Move the cursor to the last row."""
        if self._wait_for_rest(self.action_cursor_last, True):
            return
        self.cursor = len(self._rows) - 1

    def action_page_down(self) -> None:
        """Scroll a page down and move the cursor by as much."""
        page = self._page_height()
        # The page below: the rows a page further on, down to the cursor's new row.
        end = max(self.cursor + page, self.scroll_offset.y + 2 * page)
        if self._wait_for_rest(self.action_page_down, end >= len(self._rows)):
            return
        self.scroll_to(y=self.scroll_offset.y + page, animate=False)
        self.cursor += page

    def action_page_up(self) -> None:
        """Scroll a page up and move the cursor by as much."""
        if self._wait_for_rest(self.action_page_up, False):
            return
        page = self._page_height()
        self.scroll_to(y=max(0, self.scroll_offset.y - page), animate=False)
        self.cursor -= page

    def action_toggle_mark(self) -> None:
        """Ask the owner to toggle the mark of the current article, then move down."""
        if self._wait_for_rest(self.action_toggle_mark, self.cursor + 1 >= len(self._rows)):
            return
        article = self.current
        if article is None:
            return
        self.post_message(self.ToggleMark(article.id, article_list=self))
        self.cursor += 1

    def on_click(self, event: events.Click) -> None:
        """Move the cursor to the clicked row (clicks on the header do nothing)."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = self.scroll_offset.y + offset.y - 1
        if index < len(self._rows):
            self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        """Keep the cursor on screen when the pane shrinks."""
        self._scroll_cursor_into_view()

    # -- rendering ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """Forget the cached strips: the theme or a pseudo-class (focus) changed."""
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        """Render screen line ``y``: the header at 0, then the rows from the scroll offset."""
        width = self.scrollable_content_region.width
        if y == 0:
            return self._render_header(width)
        if not self._rows:
            return self._render_empty(y, width)
        index = self.scroll_offset.y + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, self._style())
        is_cursor = index == self.cursor
        article_id = self._rows[index].id
        is_marked = article_id in self._marks
        key = (index, width, is_cursor, is_marked, self.has_focus, article_id in self._gone)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) >= _STRIP_CACHE_SIZE:
                # Only visible rows are ever wanted again: dropping the lot is cheap and simple.
                self._strips.clear()
            strip = self._render_row(self._rows[index], width, is_cursor, is_marked)
            self._strips[key] = strip
        return strip

    def _style(self, *components: str) -> Style:
        """The Rich style of the widget with ``components`` layered on it, in order."""
        return self.get_visual_style(*components).rich_style

    def _render_row(self, article: Article, width: int, is_cursor: bool, is_marked: bool) -> Strip:
        """Build the strip of one row; every file string is made inert and kept plain."""
        layout = ColumnLayout.for_width(width)
        state = []
        gone = article.id in self._gone
        if gone:
            state.append(_GONE)
        if is_marked:
            state.append(_MARKED)
        if is_cursor:
            state.append(_CURSOR)
        base = self._style(*state)
        meta = self._style(_META, *state)
        mark_style = self._style(_MARK, *state) if is_marked else base
        mark = Segment(MARK_GLYPH if is_marked else " ", mark_style)
        if gone:
            status = Segment(GONE_GLYPH, base)
        elif article.published:
            status = Segment(PUBLISHED_GLYPH, self._style(_PUBLISHED, *state))
        else:
            status = Segment(UNPUBLISHED_GLYPH, self._style(_UNPUBLISHED, *state))
        differs = not gone and article.site_differs
        note = Segment(DIFFERS_GLYPH if differs else " ", self._style(_DIFFERS, *state))
        middle = " " + fit_cells(format_date(article), DATE_WIDTH) + " "
        if layout.provider:
            middle += fit_cells(inert(article.provider), layout.provider) + " "
        # An untitled file still needs something to recognise it by.
        title = fit_cells(readable(article.title) or inert(article.id), layout.title)
        numbers = (
            " "
            + compact_number(article.quality).rjust(NUMBER_COLUMN)
            + " "
            + compact_number(article.heat).rjust(NUMBER_COLUMN)
            + " "
        )
        segments = [
            mark,
            status,
            note,
            Segment(middle, meta),
            Segment(title, base),
            Segment(numbers, meta),
        ]
        return Strip(segments).adjust_cell_length(width, base)

    def _render_header(self, width: int) -> Strip:
        """Build the header strip: the column titles, aligned with the rows, and the sort."""
        layout = ColumnLayout.for_width(width)
        text = "   " + " " + self._label("date", "Date", DATE_WIDTH) + " "
        if layout.provider:
            text += self._label("provider", "Provider", layout.provider) + " "
        text += self._title_label(layout.title) + " "
        text += self._number_label("quality", "Qual") + " " + self._number_label("heat", "Heat")
        style = self._style(_HEADER)
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def _render_empty(self, y: int, width: int) -> Strip:
        """The centred empty message on the middle line, blank lines elsewhere."""
        base = self._style()
        if y != max(1, self.scrollable_content_region.height // 2):
            return Strip.blank(width, base)
        message = inert(self.empty_message)
        size = min(cell_len(message), width)
        left = (width - size) // 2
        segments = [
            Segment(" " * left, base),
            Segment(fit_cells(message, size), self._style(_EMPTY)),
        ]
        return Strip(segments).adjust_cell_length(width, base)

    def _arrow(self, column: str) -> str:
        """The sort arrow for ``column``, or an empty string when the list is not sorted by it."""
        if self._sort is None:
            return ""
        key, reverse = self._sort
        if _SORT_COLUMNS.get(key.lower()) != column:
            return ""
        return "▼" if reverse else "▲"

    @staticmethod
    def _with_arrow(name: str, arrow: str, width: int) -> str:
        """``name``, then a space and ``arrow`` if there is one, in ``width`` cells.

        The name is cut to make room, never the arrow: it is what says the list is sorted.
        """
        if not arrow:
            return fit_cells(name, width)
        return fit_cells(fit_cells(name, width - 2).rstrip() + " " + arrow, width)

    def _label(self, column: str, name: str, width: int) -> str:
        """A left-aligned column title with its sort arrow beside it."""
        return self._with_arrow(name, self._arrow(column), width)

    def _title_label(self, width: int) -> str:
        """The title column's header; a sort key without a column of its own is named here."""
        if self._sort is not None and self._sort[0].lower() not in _SORT_COLUMNS:
            key, reverse = self._sort
            return self._with_arrow(f"Title · by {inert(key)}", "▼" if reverse else "▲", width)
        return self._label("title", "Title", width)

    def _number_label(self, column: str, name: str) -> str:
        """A right-aligned title for a number column, its sort arrow on the left ("▼ Qual")."""
        arrow = self._arrow(column)
        return (f"{arrow} {name}" if arrow else name).rjust(NUMBER_COLUMN)

    # -- helpers ------------------------------------------------------------------------------

    def _page_height(self) -> int:
        """How many rows one page moves: the visible rows below the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        """Scroll the least distance that shows the cursor row below the header."""
        if not self.is_mounted:
            return
        if not self.scrollable_content_region.height:
            # Not laid out yet: the window is empty, so any scroll would be wrong.
            self.call_after_refresh(self._scroll_cursor_into_view)
            return
        self.scroll_to_region(
            Region(0, self.cursor + 1, 1, 1),
            spacing=Spacing(1, 0, 0, 0),
            animate=False,
            force=True,
            x_axis=False,
        )

    def _post_highlighted(self) -> None:
        """Tell the owner which article the cursor is on now."""
        article = self.current
        index = self.cursor if article is not None else -1
        self.post_message(self.Highlighted(article, index, article_list=self))

    def _find(
        self, article_id: str, *, hint: int, same: Article | None = None, exact: bool = False
    ) -> int | None:
        """The index of ``article_id`` in the rows, trying ``hint`` first (no map is built).

        ``same`` is the article object the cursor was on: a filtered view holds the very same
        objects, and comparing pointers never touches the 100,000 articles themselves, so it
        is several times faster than comparing ids. Ids are compared when that fails (the
        article was re-read, or is not in the rows), unless ``exact`` says the rows hold
        ``same`` itself if they hold the article at all.
        """
        rows = self._rows
        if 0 <= hint < len(rows) and rows[hint].id == article_id:
            return hint
        if same is not None and same.id == article_id:
            with suppress(ValueError):
                return list(map(is_, rows, repeat(same))).index(True)
            if exact:
                return None
        return next((i for i, row in enumerate(rows) if row.id == article_id), None)

    def _index_of(self, article_id: str) -> int | None:
        """The index of ``article_id``, through the id map built on first use."""
        if self._index is None:
            self._index = {row.id: i for i, row in enumerate(self._rows)}
        return self._index.get(article_id)

    def _forget_row(self, index: int) -> None:
        """Drop the cached strips of one row (every width/cursor/mark/focus combination)."""
        for key in [key for key in self._strips if key[0] == index]:
            del self._strips[key]
