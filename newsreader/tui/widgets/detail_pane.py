"""The detail pane: every field of one article, laid out for reading, scrollable from the keyboard.

The pane is a fixed stack of sections (title, source, fields, URLs, images, ...), each a
:class:`~textual.widgets.Static` holding a Rich renderable. Showing an article updates the
sections and hides the empty ones, so nothing is mounted or removed while the user reads.

Everything that comes from a file is untrusted: it goes through
:func:`newsreader.articles.text.inert` and into Rich ``Text`` as plain text, never as markup, so
``[bold]`` in a title shows literally and an ESC in an excerpt becomes a visible glyph instead of a
terminal command.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import ClassVar

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from newsreader.articles.model import Article, ArticleDetail, Image, RelatedEntry
from newsreader.articles.text import inert, readable
from newsreader.site import rules as site_rules

#: The sections of the pane, top to bottom; each is a Static with id ``detail-<name>``. The
#: excerpt is the story the editor judges: it comes right under the title and source, where the
#: smallest pane still shows it, and the metadata follows.
SECTIONS: tuple[str, ...] = (
    "message",
    "context",
    "title",
    "source",
    "excerpt",
    "fields",
    "urls",
    "images",
    "featured",
    "unknown",
    "warnings",
    "path",
    "body",
)

#: What a section holds: a Rich renderable, or None to hide the section.
Sections = dict[str, RenderableType | None]

NO_ARTICLE = "No article selected"

#: At most this many rows of one list (other keys, an entry's fields, images) are shown, then
#: a line saying how many more there are. A file can hold 90,000 keys: laying out a grid of
#: them all took Rich ~35 s, every time the cursor landed on it.
MAX_ROWS = 200
#: At most this many topics are listed.
MAX_TOPICS = 50
#: Longer excerpts, bodies and featured contents are cut here (laid out in full, a megabyte
#: of text would cost seconds too).
MAX_TEXT = 20_000


def format_datetime(date: datetime | None, raw: str = "") -> str:
    """``YYYY-MM-DD HH:MM UTC``; the raw text marked "(unparsed)" when it did not parse."""
    if date is None:
        return f"{inert(raw)} (unparsed)" if raw else ""
    if date.tzinfo is not None:
        date = date.astimezone(UTC)
    # A naive timestamp has no zone to convert from; the format's timestamps are UTC.
    # Not strftime's %Y: glibc does not pad years before 1000 to four digits.
    return f"{date.year:04d}-{date:%m-%d %H:%M} UTC"


def published_state(article: Article) -> str:
    """What the site does with the article (Jekyll's answer), and the file's own flag where
    the two differ."""
    flag = _flag_words(article)
    if article.site_problem and not article.published:
        return f"○ {article.site_problem} (the file says {flag})"
    if article.site_problem:
        return (
            f"● published with no front matter: Jekyll cannot read it "
            f"({article.site_problem}); the file says {flag}"
        )
    if article.published:
        return "● published" + ("" if article.flag is True else f" (the file says {flag})")
    if article.renders:
        when = site_rules.date_words(article.site_time)
        return f"○ hidden until {when}: dated in the future (the file says {flag})"
    return "○ unpublished" + ("" if article.flag is False else f" (the file says {flag})")


def _flag_words(article: Article) -> str:
    if not article.has_flag:
        return "no published key"
    if article.flag is None:
        return "a published value that is not true/false"
    return f"published: {'true' if article.flag else 'false'}"


def _plain(value: str) -> Text:
    """One line of file text, made inert."""
    return Text(inert(value))


def _heading(label: str) -> Text:
    return Text(label, style="bold underline")


def _grid(rows: Iterable[tuple[str, str]]) -> Table | None:
    """A two-column label/value grid of the rows with a value, or None if none has one."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    # Long URLs must wrap rather than be cut: fold breaks them anywhere.
    table.add_column(overflow="fold")
    for label, value in rows:
        if value:
            table.add_row(_plain(label), _plain(value))
    return table if table.row_count else None


def _more(count: int, noun: str) -> Text:
    """The line that stands for what was left out."""
    return Text(f"… and {count:,} more {noun}", style="dim italic")


def _capped_grid(rows: Sequence[tuple[str, str]], noun: str) -> RenderableType | None:
    """The grid of the first ``MAX_ROWS`` rows, then how many more there are."""
    grid = _grid(rows[:MAX_ROWS])
    if grid is None or len(rows) <= MAX_ROWS:
        return grid
    return Group(grid, _more(len(rows) - MAX_ROWS, noun))


def topics_text(topics: Sequence[str]) -> str:
    """The first ``MAX_TOPICS`` topics, comma-separated, then how many more there are."""
    text = ", ".join(topics[:MAX_TOPICS])
    if len(topics) > MAX_TOPICS:
        text += f" … and {len(topics) - MAX_TOPICS:,} more"
    return text


def _titled(label: str, body: RenderableType | None) -> RenderableType | None:
    return None if body is None else Group(_heading(label), body)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _images(images: Sequence[Image], logos: Sequence[Image] = ()) -> RenderableType | None:
    """One line per image: URL, then WIDTHxHEIGHT and title when known."""
    lines: list[Text] = []
    for prefix, group in (("", images), ("logo ", logos)):
        for image in group[:MAX_ROWS]:
            line = Text(prefix, style="dim")
            line.append(inert(image.url) or "(no url)")
            if image.width is not None or image.height is not None:
                size = f"{_number(image.width) or '?'}x{_number(image.height) or '?'}"
                line.append(f"  {size}", style="dim")
            if image.title:
                line.append(f"  {inert(image.title)}", style="italic")
            lines.append(line)
        if len(group) > MAX_ROWS:
            lines.append(_more(len(group) - MAX_ROWS, "logos" if prefix else "images"))
    return _titled(f"Images ({len(images)})", Group(*lines)) if lines else None


def _article_urls(article: Article) -> Table | None:
    return _grid(
        [
            ("Web", article.web_url),
            ("Original", article.original_url),
            ("AMP", article.amp_url),
            ("CDN AMP", article.cdn_amp_url),
        ]
    )


def _source(provider: str, domain: str) -> Text | None:
    parts = [inert(p) for p in (provider, domain) if p]
    return Text(" · ".join(parts), style="italic") if parts else None


def _multiline(text: str, *, entities: bool = False) -> Text | None:
    """Long file text, cut at ``MAX_TEXT``; with ``entities``, HTML entities decoded.

    Only the excerpt is decoded: featured content and the body are source (HTML, Markdown),
    shown as the file has them.
    """
    if not text.strip():
        return None
    cut = text[:MAX_TEXT]
    shown = Text(readable(cut, multiline=True) if entities else inert(cut, multiline=True))
    if len(text) > MAX_TEXT:
        shown.append(f"\n… and {len(text) - MAX_TEXT:,} more characters", style="dim italic")
    return shown


def _warnings(warnings: Sequence[str]) -> Text | None:
    if not warnings:
        return None
    return Text("\n".join(f"⚠ {inert(w)}" for w in warnings))


def _article_sections(
    article: Article, extra_fields: Sequence[tuple[str, str]], excerpt: str = ""
) -> Sections:
    """The sections every view of an article shares (summary and full detail).

    The summary record keeps the excerpt only lowercased, for search: the excerpt shown comes
    from the full parse.
    """
    date = format_datetime(article.date, article.date_raw) or "(missing)"
    fields = [
        ("Date", date),
        ("Type", article.type),
        ("Category", article.category),
        ("Quality", _number(article.quality)),
        ("Heat", _number(article.heat)),
        ("State", published_state(article)),
        ("Topics", topics_text(article.topics)),
        *extra_fields,
    ]
    return {
        "title": Text(readable(article.title) or "(untitled)"),
        "source": _source(article.provider, article.domain),
        "fields": _grid(fields),
        "urls": _titled("URLs", _article_urls(article)),
        "warnings": _warnings(article.warnings),
        "path": Text.assemble(("File  ", "bold"), inert(article.id)),
        "excerpt": _multiline(excerpt, entities=True),
    }


def detail_sections(detail: ArticleDetail, backlinks_count: int = 0) -> Sections:
    """The sections for a fully parsed article."""
    article = detail.article
    counts = [("Related", str(len(detail.related))), ("Backlinks", str(backlinks_count))]
    sections = _article_sections(article, counts, detail.excerpt)
    sections["images"] = _images(detail.images, detail.provider_images)
    sections["featured"] = _titled("Featured content", _multiline(detail.featured_content))
    sections["unknown"] = _titled("Other keys", _capped_grid(detail.unknown, "keys"))
    sections["body"] = _titled("Body", _multiline(detail.body))
    return sections


def summary_sections(article: Article) -> Sections:
    """The sections for an article known only by its summary record (full parse pending)."""
    counts = [
        ("Related", str(len(article.related))),
        ("Images", str(article.image_count) if article.image_count else ""),
    ]
    return _article_sections(article, counts)


def related_entry_sections(entry: RelatedEntry, parent_title: str) -> Sections:
    """The sections for an external related entry: its own fields as its listing gives them."""
    link = entry.link
    context = Text("↗ Related story, not in this folder · listed by ", style="dim")
    context.append(inert(parent_title) or "(untitled)", style="dim italic")
    fields = [
        ("Date", format_datetime(link.date)),
        ("Type", entry.type),
        ("Quality", _number(link.quality)),
    ]
    return {
        "context": context,
        "title": Text(readable(link.title) or "(untitled)"),
        "source": _source(link.provider, link.domain),
        "fields": _grid(fields),
        "urls": _titled("URLs", _grid(("URL", url) for url in link.urls)),
        "images": _images(entry.images),
        "unknown": _titled("All fields", _capped_grid(entry.fields, "fields")),
        "excerpt": _multiline(entry.excerpt, entities=True),
    }


def render_plain(renderables: Iterable[RenderableType], width: int = 100) -> str:
    """Render Rich renderables to plain text at a fixed width, a blank line between them."""
    console = Console(
        file=io.StringIO(), width=width, record=True, color_system=None, legacy_windows=False
    )
    for number, renderable in enumerate(renderables):
        if number:
            console.print()  # the blank line the pane's CSS margin draws between sections
        console.print(renderable)
    # Grids pad their cells to the column width; trailing blanks carry no information.
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


class DetailPane(VerticalScroll):
    """Shows one article in full, an article's summary, an external related entry or a message."""

    DEFAULT_CSS = """
    DetailPane {
        padding: 0 1;
        background: $surface;
        scrollbar-gutter: stable;
        &:focus {
            background-tint: $foreground 5%;
        }
        & > Static {
            width: 1fr;
            margin-bottom: 1;
        }
        & > #detail-message {
            color: $text-muted;
            text-style: italic;
            margin-top: 1;
        }
        & > #detail-context {
            margin-bottom: 0;
        }
        & > #detail-title {
            color: $text-primary;
            text-style: bold;
            margin-bottom: 0;
        }
        & > #detail-source {
            color: $text-muted;
        }
        & > #detail-warnings {
            color: $text-warning;
            background: $warning-muted;
            padding: 0 1;
        }
        & > #detail-path {
            color: $text-muted;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="detail.scroll_down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="detail.scroll_up"),
    ]

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._sections: Sections = {"message": Text(NO_ARTICLE)}

    def compose(self) -> ComposeResult:
        """One Static per section; markup is off because section content is never markup."""
        for name in SECTIONS:
            content = self._sections.get(name)
            static = Static(content or "", id=f"detail-{name}", markup=False)
            static.display = content is not None
            yield static

    @property
    def sections(self) -> Sections:
        """The shown sections by name (absent or None: hidden)."""
        return dict(self._sections)

    def export_text(self, width: int = 100) -> str:
        """The pane's content as plain text, rendered at ``width`` columns."""
        shown = (self._sections.get(name) for name in SECTIONS)
        return render_plain((r for r in shown if r is not None), width)

    def show_detail(self, detail: ArticleDetail, *, backlinks_count: int = 0) -> None:
        """Show a fully parsed article."""
        self._show(detail_sections(detail, backlinks_count))

    def show_summary(self, article: Article) -> None:
        """Show what the index knows about an article, e.g. while its full parse loads."""
        self._show(summary_sections(article))

    def show_related_entry(self, entry: RelatedEntry, parent_title: str) -> None:
        """Show an external related entry of the article titled ``parent_title``."""
        self._show(related_entry_sections(entry, parent_title))

    def show_message(self, text: str) -> None:
        """Show a message instead of an article (e.g. "No article selected")."""
        self._show({"message": Text(inert(text, multiline=True))})

    def _show(self, sections: Sections) -> None:
        self._sections = sections
        if not self.is_mounted:
            return  # compose() picks the sections up
        for name in SECTIONS:
            content = sections.get(name)
            static = self.query_one(f"#detail-{name}", Static)
            static.update(content or "")
            static.display = content is not None
        # A new article starts at its top, not where the previous one was scrolled to.
        self.scroll_home(animate=False, immediate=True)
