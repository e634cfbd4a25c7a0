"""The stories screen (``S``): one row per story, its members below it when expanded.

A story is two or more articles that report one story (:mod:`newsreader.articles.stories`).
The stories are grouped over the whole folder, by the app's :class:`StoryKeeper`, so a story is
one whatever the filter and its published count is what the site shows; the screen lists the
stories with an article in the main list's view, so a filter narrows them (the header says so).

Deciding acts on the whole story in one write, one undo step: ``p`` publishes the story's lead
and unpublishes the rest; ``l`` on a member row makes that member the lead (published, the rest
unpublished). Writes go through the main screen's ordered writer; the rows show the index as it
is now (each member's flag is looked up afresh), and a regrouping follows every change.

Every row is Rich ``Text`` made from :func:`~newsreader.articles.text.inert` text: a title
holding markup or escape sequences shows literally.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar, Protocol

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.articles.index import ArticleIndex, date_text
from newsreader.articles.model import Article
from newsreader.articles.stories import LEAD_RULE, Story, make_story
from newsreader.articles.text import inert, readable
from newsreader.tui.messages import StoriesPending, StoriesReady
from newsreader.tui.story_keeper import StoryKeeper
from newsreader.tui.widgets.article_list import PUBLISHED_GLYPH, UNPUBLISHED_GLYPH, fit_cells
from newsreader.tui.widgets.footer import NewsFooter

#: Glyphs that carry the meaning without colour (``NO_COLOR``).
EXPANDED = "▾"
COLLAPSED = "▸"
DUPLICATE = "⚠"
LEAD = "★"
GROUPING = "grouping stories…"
HINT = f"{LEAD} {LEAD_RULE[0].upper()}{LEAD_RULE[1:]}"
#: The hint on a narrow screen: the rule without its parenthesis, in two lines at 80 columns.
SHORT_HINT = re.sub(r" \([^)]*\)", "", HINT)
#: Below this many columns (where the full hint would wrap) the short hint is shown.
HINT_WIDTH = len(HINT) + 4
#: Cells of a story row's right-hand columns: "+12 sources  ⚠ 12 published: duplicate".
SOURCES_WIDTH = 11
STATS_WIDTH = SOURCES_WIDTH + 2 + 24
PROVIDER_WIDTH = 16
NARROW_PROVIDER_WIDTH = 12
DATE_WIDTH = 10
STATE_WIDTH = 13
#: Below this many cells of row, columns shrink.
NARROW = 100

#: A row: the story's key, and the member's id (None: the story row itself).
Row = tuple[str, str | None]


class StoriesHost(Protocol):
    """What the stories screen asks of the screen that pushed it (the main screen)."""

    index: ArticleIndex
    #: True until the folder is read (the stories are grouped once it is).
    indexing: bool

    def decide_story(self, lead: str, member_ids: Sequence[str]) -> None:
        """Publish ``lead``, unpublish the other members: one write, one undo step."""

    def action_undo(self) -> None:
        """Undo the last change."""

    def action_redo(self) -> None:
        """Redo the last undone change."""

    def story_scope(self) -> tuple[str, set[str] | None]:
        """The main list's filter text, and the ids it shows (None: the whole folder)."""
        ...


def sources_words(story: Story) -> str:
    """``+N sources``: the members besides the lead."""
    others = len(story.articles) - 1
    return f"+{others} source" + ("" if others == 1 else "s")


def published_words(story: Story) -> str:
    """``K published``, and a duplicate flag when the site shows two or more members."""
    count = story.published
    if count >= 2:
        return f"{DUPLICATE} {count} published: duplicate"
    return f"{count} published"


def story_text(story: Story, expanded: bool, width: int) -> Text:
    """A story row: arrow, the lead's title, then sources and published count on the right."""
    title_width = max(10, width - 2 - 2 - STATS_WIDTH)
    title = readable(story.lead.title) or inert(story.lead.id)
    text = Text(f"{EXPANDED if expanded else COLLAPSED} ", style="bold")
    text.append(fit_cells(title, title_width), style="bold" if expanded else "")
    text.append("  ")
    # Right-aligned sources, then the published count left-aligned: the columns line up.
    text.append(fit_cells(sources_words(story).rjust(SOURCES_WIDTH), SOURCES_WIDTH), style="dim")
    text.append("  ")
    duplicate = story.published >= 2
    style = "bold yellow" if duplicate else "green" if story.published else ""
    text.append(fit_cells(published_words(story), STATS_WIDTH - SOURCES_WIDTH - 2), style=style)
    return text


def member_text(story: Story, article: Article, width: int) -> Text:
    """A member row: lead marker, site state, provider, date, title."""
    narrow = width < NARROW
    provider_width = NARROW_PROVIDER_WIDTH if narrow else PROVIDER_WIDTH
    fixed = 4 + 6 + 2 + STATE_WIDTH + 2 + provider_width + 2 + DATE_WIDTH + 2
    is_lead = article is story.lead
    text = Text("    ")
    text.append(f"{LEAD} lead" if is_lead else "      ", style="bold")
    text.append("  ")
    if article.published:
        # A published copy beside the lead is what makes the story a duplicate on the site.
        style = "green" if is_lead else "bold yellow"
        text.append(fit_cells(f"{PUBLISHED_GLYPH} published", STATE_WIDTH), style=style)
    else:
        text.append(fit_cells(f"{UNPUBLISHED_GLYPH} unpublished", STATE_WIDTH), style="dim")
    text.append("  ")
    provider = inert(article.provider) or "—"
    text.append(fit_cells(provider, provider_width), style="dim")
    text.append("  ")
    text.append(
        fit_cells(date_text(article.date)[:DATE_WIDTH] or "no date", DATE_WIDTH), style="dim"
    )
    text.append("  ")
    title = readable(article.title) or inert(article.id)
    text.append(fit_cells(title, max(10, width - fixed)))
    return text


def fresh_stories(
    stories: Sequence[Story], index: ArticleIndex, scope: set[str] | None
) -> list[Story]:
    """The stories as the index holds their members now (flags change before a regrouping),
    each ordered by the lead rule; only those with a member in ``scope`` (None: all)."""
    out = []
    for story in stories:
        if scope is not None and not any(i in scope for i in story.ids):
            continue
        members = [a for i in story.ids if (a := index.get(i)) is not None]
        if len(members) >= 2:
            out.append(make_story(members))
    return out


class StoryList(OptionList):
    """The rows: an option list that never reads markup, with j/k movement."""

    DEFAULT_CSS = """
    StoryList, StoryList:focus {
        border: none;
        height: 1fr;
        padding: 0 1;
        background: $surface;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Enter selects (OptionSelected): the screen expands a story row, opens a member row.
        Binding(
            "enter", "select", "Expand", id="stories.enter", tooltip="Expand a story, open a member"
        ),
        Binding("j,down", "cursor_down", "Down", show=False, id="stories.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="stories.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)


class StoriesScreen(Screen[str | None]):
    """One row per story; expand one to see its members; decide a story in one step."""

    DEFAULT_CSS = """
    StoriesScreen {
        background: $surface;
    }
    StoriesScreen #stories-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-style: bold;
    }
    StoriesScreen #stories-empty {
        padding: 1 2;
        color: $text-muted;
        text-style: italic;
        display: none;
    }
    StoriesScreen.-empty #stories-empty {
        display: block;
    }
    StoriesScreen.-empty StoryList {
        display: none;
    }
    StoriesScreen #stories-hint {
        height: auto;
        max-height: 2;
        padding: 0 1;
        color: $text-muted;
        background: $panel;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,S,q", "close", "Back", id="stories.close", tooltip="Back to the list"),
        Binding("space", "toggle_story", "Expand / collapse", show=False, id="stories.toggle"),
        Binding("right", "expand", "Expand", show=False, id="stories.expand"),
        Binding("left", "collapse", "Collapse", show=False, id="stories.collapse"),
        Binding(
            "p",
            "decide",
            "Publish lead",
            id="stories.decide",
            tooltip="Publish the story's lead, unpublish the rest (one undo step)",
        ),
        Binding(
            "l",
            "make_lead",
            "Make lead",
            id="stories.make_lead",
            tooltip="Make this member the lead: publish it, unpublish the rest (one undo step)",
        ),
        Binding(
            "o",
            "open",
            "Open",
            show=False,
            id="stories.open",
            tooltip="Open the article in the list",
        ),
        Binding("u", "undo", "Undo", id="stories.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="stories.redo"),
    ]

    def __init__(self, keeper: StoryKeeper, host: StoriesHost) -> None:
        super().__init__()
        self.keeper = keeper
        self.host = host
        #: The stories listed, as the index holds them now; by key.
        self.stories: list[Story] = []
        self._by_key: dict[str, Story] = {}
        self.expanded: set[str] = set()
        self.rows: list[Row] = []
        self._width = 0

    def compose(self) -> ComposeResult:
        """Header, rows (or what there is instead), the lead rule, the footer."""
        yield Static("", id="stories-title", markup=False)
        yield StoryList(id="stories-list")
        yield Static("", id="stories-empty", markup=False)
        yield Static(Text(HINT), id="stories-hint", markup=False)
        yield NewsFooter()

    @property
    def story_list(self) -> StoryList:
        """The rows."""
        return self.query_one(StoryList)

    def on_mount(self) -> None:
        """Listen for new groupings (the main screen starts them); show what is grouped now."""
        self.keeper.listen(self)
        self.story_list.focus()
        self._width = self._row_width(self.size.width)
        self.refresh_stories()

    def on_unmount(self) -> None:
        """Stop listening."""
        self.keeper.forget(self)

    def _row_width(self, width: int) -> int:
        # The list's padding (2), its scrollbar (2) and a cell between them.
        return max(40, width - 5)

    def on_resize(self, event: Resize) -> None:
        """Lay the rows out again for the new width."""
        hint = HINT if event.size.width >= HINT_WIDTH else SHORT_HINT
        self.query_one("#stories-hint", Static).update(Text(hint))
        width = self._row_width(event.size.width)
        if width != self._width:
            self._width = width
            self._show_rows()

    # --- what is shown -------------------------------------------------------------------

    def on_stories_ready(self, message: StoriesReady) -> None:
        """A new grouping: show it, the cursor staying on its story."""
        self.refresh_stories()

    def on_stories_pending(self, message: StoriesPending) -> None:
        """The index changed: the flags are shown afresh now, the grouping follows."""
        self.refresh_stories()

    def refresh_stories(self) -> None:
        """Show the keeper's stories as the index holds them now, in the main list's scope."""
        query, scope = self.host.story_scope()
        self.stories = fresh_stories(self.keeper.stories, self.host.index, scope)
        self._by_key = {s.key: s for s in self.stories}
        self.expanded &= set(self._by_key)
        self._show_header(query, scope is not None)
        self._show_rows()

    def _show_header(self, query: str, narrowed: bool) -> None:
        count = len(self.stories)
        duplicates = sum(1 for s in self.stories if s.published >= 2)
        text = Text("Stories", style="bold")
        noun = "story" if count == 1 else "stories"
        # In the view: the stories with an article in the main list's view (README).
        where = "in the view" if narrowed else "in the folder"
        if self.keeper.ready:
            text.append(f" · {count:,} {noun} {where}")
        if narrowed and query:
            text.append(" (filter: ")
            text.append(inert(query), style="italic")
            text.append(")")
        if self.keeper.ready and duplicates:
            text.append(f" · {DUPLICATE} {duplicates:,} duplicated on the site", style="yellow")
        if self.keeper.grouping or not self.keeper.ready:
            text.append(f" · {GROUPING}", style="italic")
        self.query_one("#stories-title", Static).update(text)

    def _empty_words(self) -> str:
        if self.keeper.error:
            return f"Could not group the stories: {self.keeper.error}"
        if self.host.indexing:
            return "Reading the folder… its stories are grouped once it is read."
        if not self.keeper.ready:
            return "Grouping the folder's articles into stories…"
        if self.keeper.stories:
            return "No story has an article in the view: clear the filter to see them all."
        return "No stories: no two articles in the folder report one story."

    def _show_rows(self) -> None:
        keep = self.current_row
        rows: list[Row] = []
        options: list[Option] = []
        width = self._width or self._row_width(self.size.width)
        for story in self.stories:
            expanded = story.key in self.expanded
            rows.append((story.key, None))
            options.append(Option(story_text(story, expanded, width)))
            if expanded:
                for article in story.articles:
                    rows.append((story.key, article.id))
                    options.append(Option(member_text(story, article, width)))
        self.rows = rows
        listing = self.story_list
        listing.set_options(options)
        self.set_class(not rows, "-empty")
        self.query_one("#stories-empty", Static).update(Text(self._empty_words()))
        if rows:
            listing.highlighted = self._row_index(keep)

    def _row_index(self, keep: Row | None) -> int:
        """Where the cursor goes: its row, else its story's row, else the top."""
        if keep is not None:
            for wanted in (keep, (keep[0], None)):
                if wanted in self.rows:
                    return self.rows.index(wanted)
        return 0

    @property
    def current_row(self) -> Row | None:
        """The (story key, member id or None) under the cursor."""
        highlighted = self.story_list.highlighted if self.rows else None
        if highlighted is None or not 0 <= highlighted < len(self.rows):
            return None
        return self.rows[highlighted]

    def _current(self) -> tuple[Story, Article | None] | None:
        row = self.current_row
        if row is None:
            return None
        story = self._by_key[row[0]]
        member = next((a for a in story.articles if a.id == row[1]), None)
        return story, member

    # --- keys ----------------------------------------------------------------------------

    def action_close(self) -> None:
        """Back to the main screen."""
        self.dismiss(None)

    def action_toggle_story(self) -> None:
        """Expand or collapse the story under the cursor."""
        row = self.current_row
        if row is not None:
            self._set_expanded(row[0], row[0] not in self.expanded)

    def action_expand(self) -> None:
        """Show the members of the story under the cursor."""
        row = self.current_row
        if row is not None:
            self._set_expanded(row[0], True)

    def action_collapse(self) -> None:
        """Hide the members of the story under the cursor (the cursor goes to its row)."""
        row = self.current_row
        if row is not None:
            self._set_expanded(row[0], False)

    def _set_expanded(self, key: str, expanded: bool) -> None:
        if (key in self.expanded) == expanded:
            return
        self.expanded ^= {key}
        self._show_rows()

    def action_enter(self) -> None:
        """On a story row: expand or collapse it; on a member row: open the member."""
        row = self.current_row
        if row is None:
            return
        if row[1] is None:
            self.action_toggle_story()
        else:
            self.dismiss(row[1])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        # The list's own enter (and a click) does what enter does here.
        event.stop()
        self.action_enter()

    def action_open(self) -> None:
        """Open the member under the cursor (on a story row: its lead) in the main list."""
        current = self._current()
        if current is not None:
            story, member = current
            self.dismiss((member or story.lead).id)

    def action_decide(self) -> None:
        """Publish the lead of the story under the cursor and unpublish the rest."""
        current = self._current()
        if current is not None:
            story = current[0]
            self.host.decide_story(story.lead.id, story.ids)

    def action_make_lead(self) -> None:
        """Make the member under the cursor the lead: publish it, unpublish the rest."""
        current = self._current()
        if current is None:
            return
        story, member = current
        if member is None:
            self.notify(
                "On a member row, l makes that member the lead: expand the story first",
                severity="warning",
                markup=False,
            )
            return
        self.host.decide_story(member.id, story.ids)

    def action_undo(self) -> None:
        """Undo the last change (the whole story's, if that was last)."""
        self.host.action_undo()

    def action_redo(self) -> None:
        """Redo the last undone change."""
        self.host.action_redo()
