"""What the parts of the main screen share: its state, its panes and the calls between parts.

The main screen (:mod:`newsreader.tui.screens.main`) is put together from parts, a module each:
the folder (indexing, the view, the live folder), triage, and history. Each part is a mixin over
:class:`MainScreenBase`, which holds the state they share and declares the calls one part makes to
another, so that each part type-checks on its own and the screen stays a router.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual.notifications import SeverityLevel
from textual.screen import Screen

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import Article
from newsreader.articles.query import parse_query
from newsreader.articles.text import inert
from newsreader.reading.watcher import FolderWatcher
from newsreader.session import SessionState
from newsreader.tui.git_review import GitReview
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.detail_pane import DetailPane
from newsreader.tui.widgets.related_panel import RelatedPanel
from newsreader.tui.widgets.status_bar import StatusBar, StatusInfo
from newsreader.tui.workers import UiTriage, WriteJob

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp


@dataclass(frozen=True)
class ViewState:
    """What the list showed: enough to put back the exact view (``back``, leaving the queue)."""

    query: str
    sort_key: str
    sort_reverse: bool
    #: The sort the queue view was entered from (None: not in the queue view).
    queue_saved: tuple[str, bool] | None
    pinned: frozenset[str]
    cursor: str | None
    scroll: float


@dataclass(frozen=True)
class Location:
    """A place in the browsing history: an article, or one of its external related entries."""

    article_id: str
    external: int | None = None
    #: The list as it was when the user left this place; not part of what the place is.
    view: ViewState | None = field(default=None, compare=False)


class MainScreenBase(Screen[None]):
    """The state of the main screen, its panes, and the calls its parts make to each other."""

    #: Above this many articles the view is filtered and sorted, and related entries resolved,
    #: in a worker, off the UI thread.
    ASYNC_THRESHOLD: ClassVar[int] = 20_000

    def __init__(self, index: ArticleIndex) -> None:
        super().__init__()
        self.index = index
        self.view: list[Article] = []
        self.marks: set[str] = set()
        self.decisions = 0
        self.filter_query = parse_query("")
        self.query_error = ""
        self.indexing = True
        self.loaded = 0
        self.back_stack: list[Location] = []
        self.forward_stack: list[Location] = []
        self.location: Location | None = None
        #: What the side panes show: the location, its article object and whether related
        #: entries were resolved. Showing the same again is skipped (see show_location).
        self._shown: tuple[Location, Article, bool] | None = None
        self._restore: SessionState = SessionState()
        self._refresh_pending = False
        self._jobs: queue.Queue[WriteJob] = queue.Queue()
        self._message = ""
        # The article under the cursor, kept here because on unmount the list is already gone.
        self._cursor_id: str | None = None
        #: Set once the first full index of the folder is in (tests and benchmarks wait on it).
        self.indexed = asyncio.Event()
        #: Set once the first rows read are painted: indexing waits for it (see index_folder).
        self.rows_painted = threading.Event()
        #: True while a worker computes the view (filter + sort) for a large folder.
        self.filtering = False
        #: True while the list shows only the first screen of a large view (the rows a keystroke
        #: found first, in the sort): a worker completes it (see FolderSync.refresh_view).
        self.completing = False
        #: The extra rows (vanished, pinned) the view asked for last was to hold.
        self._view_extra: list[Article] = []
        self._view_generation = 0
        #: All articles in the current sort, for (index version, sort key, reverse).
        self._sorted: tuple[tuple[int, str, bool], list[Article]] | None = None
        #: The last filtered rows, with the sort key and query text they were made for.
        self._last_view: tuple[tuple[int, str, bool], str, list[Article]] | None = None
        #: Articles whose files left the folder while shown: struck out until the user changes
        #: the view (query or sort), with the rows they had.
        self.gone: set[str] = set()
        self._gone_rows: dict[str, Article] = {}
        #: Articles shown although the filter hides them (a followed related story, the
        #: article an undo changed): their rows stay until the user changes query or sort.
        self.pinned: set[str] = set()
        #: In the queue view (unpublished first, newest first): the sort to go back to.
        self.queue_saved: tuple[str, bool] | None = None
        #: The list's scroll offset to put back once the next view is shown (see ViewState).
        self._pending_scroll: float | None = None
        #: Put the cursor on the first row of the next view shown (entering the queue view).
        self._pending_top = False
        #: Made on mount: the watcher with the extensions the settings name, the triage with
        #: the folder's journal, the sort from the settings or the last session.
        self.watcher: FolderWatcher
        self.triage: UiTriage
        #: The review and git state (uncommitted flag changes, committing): see GitReview.
        self.git_review: GitReview
        self.sort_key: str
        self.sort_reverse: bool
        #: The facets panel is shown (F); the rows (by identity) and index version its facets
        #: and the status line's published split were counted for (see FacetsView).
        self.facets_shown = False
        self._facets_for: tuple[list[Article], int] | None = None
        self._counted: tuple[list[Article], int, int] | None = None
        self._counting = False

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a toast. Never markup: messages carry file names, query text and error text."""
        super().notify(
            inert(message, multiline=True),
            title=inert(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    @property
    def nr_app(self) -> NewsreaderApp:
        """The app, with its settings."""
        from newsreader.tui.app import NewsreaderApp

        assert isinstance(self.app, NewsreaderApp)
        return self.app

    # --- panes -------------------------------------------------------------------------

    @property
    def articles(self) -> ArticleList:
        """The list pane."""
        return self.query_one("#articles", ArticleList)

    @property
    def detail(self) -> DetailPane:
        """The detail pane."""
        return self.query_one("#detail", DetailPane)

    @property
    def related(self) -> RelatedPanel:
        """The related panel."""
        return self.query_one("#related", RelatedPanel)

    def update_status(self) -> None:
        """Refresh the status line: the published split is the view's."""
        counts = self.index.counts()
        shown = self.view
        split = self.view_split()
        self.query_one(StatusBar).show_info(
            StatusInfo(
                shown=len(shown),
                counting=self.completing,
                pinned=len(self.pinned),
                total=counts.total,
                published=split[0] if split else None,
                unpublished=split[1] if split else None,
                marked=len(self.marks),
                bad=counts.bad + counts.misread,
                reaching_site=counts.reaching_site,
                decisions=self.decisions,
                uncommitted=self.git_review.count,
                in_git=self.git_review.in_git is not False,
                # Only counted in the queue view: a pass over every row, on every update.
                queue_left=None
                if self.queue_saved is None or self.completing
                else sum(1 for a in shown if not a.published),
                query=self.filter_query.text,
                loading=f"indexing… {self.loaded:,} files" if self.indexing else "",
                message=self._message,
            )
        )

    # --- calls between parts (made by MainScreen and its parts) ------------------------------

    def refresh_view(self, keep: str | None = None, *, keep_gone: bool = False) -> None:
        """Recompute the view from the index (see FolderSync)."""
        raise NotImplementedError

    def settle_view(self) -> None:
        """Complete a view shown as its first screen only, now (see FolderSync)."""
        raise NotImplementedError

    def full_view(self) -> list[Article]:
        """The whole view, for actions that take all of it: computed now if the list shows
        only its first screen (a keystroke's, while a worker completes it)."""
        self.settle_view()
        return self.view

    def show_location(self, location: Location) -> None:
        """Show an article in the side panes (see MainScreen)."""
        raise NotImplementedError

    def refresh_related(self) -> None:
        """Resolve the shown article's related entries again (see MainScreen)."""
        raise NotImplementedError

    def set_query(self, text: str) -> None:
        """Replace the query and refresh the view (see MainScreen)."""
        raise NotImplementedError

    def clear_marks(self) -> None:
        """Unmark every article (see MainScreen)."""
        raise NotImplementedError

    def view_split(self) -> tuple[int, int] | None:
        """Published and unpublished rows of the view; None while counting (see FacetsView)."""
        raise NotImplementedError

    def _links_available(self) -> bool:
        """Whether related entries can be resolved now without stalling (see MainScreen)."""
        raise NotImplementedError

    def _show_sort(self) -> None:
        """Show the sort in the list header (see MainScreen)."""
        raise NotImplementedError

    def _apply_query_text(self, text: str) -> bool:
        """Parse and take a query, or show why it is wrong (see MainScreen)."""
        raise NotImplementedError

    def show_in_view(self, article_id: str) -> bool:
        """Put the cursor on an article, pinned if the filter hides it (see ViewMemory)."""
        raise NotImplementedError

    def capture_view(self) -> ViewState:
        """What the list shows now (see ViewMemory)."""
        raise NotImplementedError

    def restore_view(self, view: ViewState) -> None:
        """Put a captured view back (see ViewMemory)."""
        raise NotImplementedError
