"""The facets panel: the shown articles counted by state, provider, topic and type, and by day.

It draws a :class:`~newsreader.articles.facets.ViewFacets` the screen hands it (the counting is core
work, done off the UI thread for large views) and posts :class:`FacetsPanel.Selected` when a value
is chosen; the screen turns that into a query term. Values from files are shown as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.articles.facets import PROVIDER, STATE, TOPIC, TYPE, Timeline, ViewFacets
from newsreader.articles.text import inert

#: Cells of the longest bar in a section.
BAR_WIDTH = 10
_EIGHTHS = " ▏▎▍▌▋▊▉"
_LEVELS = " ▁▂▃▄▅▆▇█"


def bar(count: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of ``width`` cells for ``count`` out of ``largest``, in eighths."""
    if largest <= 0 or count <= 0:
        return " " * width
    eighths = max(1, round(count * width * 8 / largest))
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text.ljust(width)


def spark(values: list[int], rows: int = 2) -> list[str]:
    """Vertical bars for ``values`` (zero at the bottom), ``rows`` lines high, top line first."""
    largest = max(values, default=0)
    levels = [
        (0 if v <= 0 else max(1, round(v * rows * 8 / largest))) if largest else 0 for v in values
    ]
    lines = []
    for row in reversed(range(rows)):
        cells = [_LEVELS[min(8, max(0, level - row * 8))] for level in levels]
        lines.append("".join(cells))
    return lines


class TimelineChart(Widget):
    """Articles per day across the view, summed into one column per cell."""

    DEFAULT_CSS = """
    TimelineChart {
        height: 2;
        color: $primary;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timeline = Timeline()

    def show(self, timeline: Timeline) -> None:
        """Draw this timeline."""
        self.timeline = timeline
        self.refresh()

    def render(self) -> Text:
        """Two rows of block characters, as wide as the widget."""
        bins = self.timeline.bins(self.size.width)
        if not bins:
            return Text("no dates", style="dim")
        return Text("\n".join(spark(bins)), no_wrap=True)


class FacetValues(OptionList):
    """The selectable values; ``j`` / ``k`` move as in the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="facets.down"),
        Binding("k", "cursor_up", "Up", show=False, id="facets.up"),
    ]


@dataclass(frozen=True)
class _Row:
    kind: str
    value: str


class FacetsPanel(Vertical, can_focus=False):
    """The facets of the view; enter (or a click) on a value posts :class:`Selected`."""

    DEFAULT_CSS = """
    FacetsPanel {
        padding: 0 1;
    }
    FacetsPanel > #facets-heading {
        height: 1;
        text-style: bold;
    }
    FacetsPanel > #facets-span {
        height: 1;
        color: $text-muted;
    }
    FacetsPanel > OptionList {
        height: 1fr;
        border: none;
        padding: 0;
        background: transparent;
    }
    """

    @dataclass
    class Selected(Message):
        """A facet value was chosen: ``kind`` (provider, topic, type or is) and ``value``."""

        kind: str
        value: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[_Row | None] = []
        self.facets: ViewFacets | None = None

    def compose(self) -> ComposeResult:
        """Heading, timeline with its date span, and the selectable values."""
        yield Static("Facets", id="facets-heading", markup=False)
        yield TimelineChart(id="facets-timeline")
        yield Static("", id="facets-span", markup=False)
        yield FacetValues(id="facets-values", markup=False, compact=True)

    @property
    def values(self) -> OptionList:
        """The list of selectable values (it takes the focus)."""
        return self.query_one("#facets-values", OptionList)

    def show_pending(self) -> None:
        """Say the counts are being made (a large view, counted in a worker)."""
        self.query_one("#facets-heading", Static).update("Facets: counting…")

    def show_facets(self, facets: ViewFacets) -> None:
        """Draw ``facets``, keeping the highlighted row where it was."""
        self.facets = facets
        self.query_one("#facets-heading", Static).update(f"Facets of {facets.total:,} shown")
        self.query_one(TimelineChart).show(facets.timeline)
        self.query_one("#facets-span", Static).update(_span_text(facets.timeline))
        values = self.values
        highlighted = values.highlighted
        options: list[Option | None] = []
        self._rows = []
        self._add_section(options, "Published", _state_rows(facets), 0)
        self._add_section(options, "Providers", facets.providers, facets.more[0], PROVIDER)
        self._add_section(options, "Topics", facets.topics, facets.more[1], TOPIC)
        self._add_section(options, "Types", facets.types, facets.more[2], TYPE)
        values.clear_options()
        values.add_options(options)
        if values.option_count:
            values.highlighted = min(highlighted or 0, values.option_count - 1)
            if values.get_option_at_index(values.highlighted).disabled:
                values.action_cursor_down()

    def _add_section(
        self,
        options: list[Option | None],
        title: str,
        rows: tuple[tuple[str, int], ...],
        more: int,
        kind: str = STATE,
    ) -> None:
        options.append(Option(Text(title, style="bold"), disabled=True))
        self._rows.append(None)
        largest = max((n for _, n in rows), default=0)
        digits = len(f"{largest:,}")
        for value, count in rows:
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(bar(count, largest), style="cyan")
            prompt.append(f" {count:>{digits},} ")
            prompt.append(inert(value))  # text from files: literal, controls made visible
            options.append(Option(prompt))
            self._rows.append(_Row(kind, value))
        if more:
            options.append(Option(Text(f"… and {more:,} more", style="dim"), disabled=True))
            self._rows.append(None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a value: post what was chosen."""
        event.stop()
        row = self._rows[event.option_index] if event.option_index < len(self._rows) else None
        if row is not None:
            self.post_message(self.Selected(row.kind, row.value))


def _state_rows(facets: ViewFacets) -> tuple[tuple[str, int], ...]:
    return (("published", facets.published), ("unpublished", facets.unpublished))


def _span_text(timeline: Timeline) -> str:
    parts = []
    if timeline.first is not None and timeline.last is not None:
        parts.append(f"{timeline.first.isoformat()} … {timeline.last.isoformat()}")
    if timeline.earlier:
        parts.append(f"{timeline.earlier:,} earlier")
    if timeline.undated:
        parts.append(f"{timeline.undated:,} undated")
    return ", ".join(parts) or "no dates"
