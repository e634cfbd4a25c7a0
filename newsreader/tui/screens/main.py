"""The main screen: list, detail and related panes over one folder.

The screen is the router: widgets post messages, key bindings and palette commands call the same
``action_*`` methods, and those go to the core (query, index, triage). Disk work runs in workers.
Its parts live in their own modules, each a mixin over :class:`~.base.MainScreenBase`: the folder
(indexing, view, live folder) in :mod:`.folder_sync`, triage in :mod:`.triage_actions`, and the
related-browsing history in :mod:`.history`. What is left here: the panes, start and stop, the
list and detail, filter and sort, and the smaller actions.
"""

from __future__ import annotations

import tempfile
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import Input, Static

from newsreader import paths
from newsreader.articles.index import SORT_KEYS, Links
from newsreader.articles.lint import link_status
from newsreader.articles.model import Article, BadFile, RelatedLink
from newsreader.articles.query import QueryError, parse_query
from newsreader.articles.text import inert
from newsreader.articles.urls import web_url_problem
from newsreader.reading.loader import VANISHED, load_detail
from newsreader.reading.watcher import FolderWatcher
from newsreader.render import misread_reason
from newsreader.session import SessionState, load_session, save_session
from newsreader.tui.git_review import GitReview
from newsreader.tui.messages import CommitDone, CommitPlanned, LinksReady, ReviewCounted
from newsreader.tui.screens.bad_files import BadFilesScreen
from newsreader.tui.screens.base import Location
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.screens.facets_view import FacetsView
from newsreader.tui.screens.folder_sync import FolderSync
from newsreader.tui.screens.history import History
from newsreader.tui.screens.long_work import LongWork
from newsreader.tui.screens.review import ReviewScreen
from newsreader.tui.screens.sort import SortScreen
from newsreader.tui.screens.stories import StoriesScreen
from newsreader.tui.screens.triage_actions import TriageActions
from newsreader.tui.screens.views import ViewMemory
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.detail_pane import DetailPane
from newsreader.tui.widgets.facets_panel import FacetsPanel
from newsreader.tui.widgets.footer import NewsFooter
from newsreader.tui.widgets.progress_line import ProgressLine
from newsreader.tui.widgets.related_panel import MAX_ROWS as RELATED_ROWS
from newsreader.tui.widgets.related_panel import RelatedPanel, RelatedRow
from newsreader.tui.widgets.status_bar import StatusBar
from newsreader.tui.workers import UiTriage, WriteJob, index_folder, write_loop
from newsreader.writing.journal import Journal, JournalError

__all__ = ["Location", "MainScreen"]

NARROW_WIDTH = 120
#: Lines ``J`` / ``K`` scroll the detail pane by: a few lines, so reading on keeps its place.
DETAIL_STEP = 4
#: Escape clears up to this many marks at once; more, and it asks first.
MARKS_CLEARED_WITHOUT_ASKING = 3


class MainScreen(History, TriageActions, ViewMemory, FacetsView, LongWork, FolderSync):
    """List, detail and related panes; triage keys; filter; sort; history."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_query", "Filter", id="app.filter"),
        Binding("p", "toggle_published", "Publish", id="app.publish"),
        Binding(
            "P",
            "publish_only",
            "Publish only",
            show=False,
            id="app.publish_only",
            tooltip="Publish only (marked ones: asks first), then move on",
        ),
        Binding(
            "U",
            "unpublish_only",
            "Unpublish only",
            show=False,
            id="app.unpublish_only",
            tooltip="Unpublish only (marked ones: asks first), then move on",
        ),
        Binding(
            "w",
            "queue",
            "Queue",
            show=False,
            id="app.queue",
            tooltip="Work queue: unpublished first, newest first (again: back)",
        ),
        Binding("u", "undo", "Undo", id="app.undo"),
        Binding("ctrl+r", "redo", "Redo", id="app.redo"),
        Binding("s", "choose_sort", "Sort", id="app.sort"),
        Binding("r", "focus_related", "Related", id="app.related"),
        Binding("backspace", "back", "Back", show=False, id="app.back"),
        Binding("right_square_bracket", "forward", "Forward", show=False, id="app.forward"),
        Binding("o", "open_url", "Open", show=False, id="app.open_url"),
        Binding("y", "copy_url", "Copy URL", show=False, id="app.copy_url"),
        Binding("exclamation_mark", "bad_files", "Problems", id="app.problems"),
        Binding(
            "S",
            "stories",
            "Stories",
            id="app.stories",
            tooltip="Stories: one row per story, decide a story in one step",
        ),
        # Read on in the detail pane while the list keeps the focus (and the cursor).
        Binding(
            "J",
            "scroll_detail(1)",
            "Detail down",
            show=False,
            id="app.detail_down",
            tooltip="Scroll the detail down (from the list)",
        ),
        Binding(
            "K",
            "scroll_detail(-1)",
            "Detail up",
            show=False,
            id="app.detail_up",
            tooltip="Scroll the detail up (from the list)",
        ),
        Binding(
            "F",
            "toggle_facets",
            "Facets",
            id="app.facets",
            tooltip="Facets: the view by state, provider, topic, type and day",
        ),
        Binding(
            "R",
            "review",
            "Review",
            show=False,
            id="app.review",
            tooltip="Review: flag changes not committed yet (revert, commit)",
        ),
        Binding(
            "C",
            "commit",
            "Commit",
            show=False,
            id="app.commit",
            tooltip="Commit the files whose only change is the published: line (git)",
        ),
        Binding("escape", "escape", "Clear", show=False, id="app.escape"),
        # Replace the screen's focus_next / focus_previous: the query input is reached with `/`.
        Binding("tab", "cycle_panes(1)", "Next pane", show=False, id="app.next_pane"),
        Binding("shift+tab", "cycle_panes(-1)", "Previous pane", show=False, id="app.prev_pane"),
    ]

    def compose(self) -> ComposeResult:
        """The panes; layout lives in newsreader.tcss."""
        with Horizontal(id="query-bar"):
            yield Input(
                placeholder="/ filter: words  topic:AI  is:unpublished  quality>=40  -word  a OR b",
                id="query",
                compact=True,
            )
            # Error text quotes what the user typed: plain text, never markup.
            yield Static("", id="query-error", markup=False)
        with Horizontal(id="panes"):
            yield ArticleList(id="articles")
            with Vertical(id="side"):
                yield DetailPane(id="detail")
                yield RelatedPanel(id="related")
            yield FacetsPanel(id="facets")
        yield ProgressLine(id="progress")
        yield StatusBar(id="status")
        yield NewsFooter()

    # --- start, stop ---------------------------------------------------------------------

    def on_mount(self) -> None:
        """Restore the session, start indexing and the writer."""
        settings = self.nr_app.settings
        self.sort_key, self.sort_reverse = settings.default_sort, settings.sort_reverse
        if settings.restore_session:
            self._restore = load_session(paths.session_file(self.index.root))
            self.sort_key = self._restore.sort or self.sort_key
            self.sort_reverse = self._restore.reverse if self._restore.sort else self.sort_reverse
            if self._restore.query:
                self._apply_query_text(self._restore.query)
                self.query_one("#query", Input).value = self._restore.query
        self._show_sort()
        self.articles.empty_message = "Indexing…"
        self.articles.focus()
        self.triage = UiTriage(self.app, self.index, self._open_journal())
        self.git_review = GitReview(self, self.index, self.triage.journal.path)
        self.git_review.refresh()  # asks git once whether the folder is in a work tree
        self.run_worker(
            lambda: write_loop(self.triage, self._jobs, self.post_message),
            thread=True,
            group="writer",
            description="flag writer",
            exit_on_error=False,
        )
        self.watcher = FolderWatcher(self.index.root, settings.extensions)
        self.run_worker(
            lambda: index_folder(
                self.index.root,
                settings.extensions,
                self.watcher,
                self.post_message,
                self.rows_painted,
            ),
            thread=True,
            group="index",
            exclusive=True,
            description="index folder",
            exit_on_error=False,
        )
        self._update_layout(self.size.width)
        self.update_status()

    def _open_journal(self) -> Journal:
        """The folder's undo journal; if it cannot be read, a fresh one for this session only."""
        path = paths.journal_file(self.index.root)
        try:
            return Journal(path)
        except JournalError as exc:
            self.notify(f"{exc}. Undo works for this session only.", severity="error", timeout=15)
            spare = Path(tempfile.mkdtemp(prefix="newsreader-journal-"))
            return Journal(spare / path.name)

    def on_unmount(self) -> None:
        """Remember where the editor was; stop watching the folder."""
        self.save_state()
        watcher = getattr(self, "watcher", None)
        if watcher is not None:
            watcher.close()

    def save_state(self) -> None:
        """Save cursor, query and sort for the next start."""
        if self.indexing:
            return
        # The queue view is a pass over the folder, not a sort to start with next time.
        sort, reverse = self.queue_saved or (self.sort_key, self.sort_reverse)
        state = SessionState(
            cursor=self._cursor_id, query=self.filter_query.text, sort=sort, reverse=reverse
        )
        try:
            save_session(paths.session_file(self.index.root), state)
        except OSError as exc:
            self.notify(f"Could not save session: {exc}", severity="warning")

    def on_resize(self, event: Resize) -> None:
        """Stack the panes on narrow terminals."""
        self._update_layout(event.size.width)

    def _update_layout(self, width: int) -> None:
        self.set_class(width < NARROW_WIDTH, "-narrow")

    # --- list and detail -----------------------------------------------------------------

    @on(ArticleList.Highlighted)
    def _on_highlighted(self, message: ArticleList.Highlighted) -> None:
        self._cursor_id = message.article.id if message.article else None
        if message.article is None:
            self.location = self._shown = None
            self.detail.show_message(
                "No article selected" if self.indexing is False else "Indexing…"
            )
            self.related.show([], [])
            return
        self.show_location(Location(message.article.id))

    def show_location(self, location: Location) -> None:
        """Show an article (or one of its external related entries) in the side panes."""
        self.location = location
        article = self.index.get(location.article_id)
        if article is None:
            self._shown = None
            self.detail.show_message(f"{location.article_id} is gone from the folder")
            self.related.show([], [])
            return
        # Backlinks and related resolution need the whole folder, and every batch read changes
        # it: computing them on each refresh while indexing starves the indexer. The final
        # refresh (or, in a large folder, LinksReady) fills them in.
        resolve = self._links_available()
        shown = (location, article, resolve)
        if self._shown is not None and self._shown[1] is article and self._shown[::2] == shown[::2]:
            # The panes show this very article already (a filter kept the cursor on it, say):
            # parsing it again would cost a layout of the screen and scroll the detail to the top.
            return
        self._shown = shown
        backlinks = self.index.backlinks(article.id) if resolve else []
        detail = load_detail(self.index.root, article.id)
        if isinstance(detail, BadFile):
            self.detail.show_summary(article)
            # A cached row whose file is gone, shown while indexing: the walk is about to drop
            # it (a folder emptied since the last run would otherwise start with an error).
            if not (self.indexing and detail.reason == VANISHED):
                self.notify(f"{article.id}: {detail.describe()}", severity="error")
        elif location.external is not None and location.external < len(detail.related):
            self.detail.show_related_entry(detail.related[location.external], article.title)
        else:
            self.detail.show_detail(detail, backlinks_count=len(backlinks))
        self._show_related(article, backlinks, resolve)

    def _show_related(self, article: Article, backlinks: list[Article], resolve: bool) -> None:
        # Only the rows the panel lists are resolved: an article can list 90,000 entries.
        listed = article.related[:RELATED_ROWS]
        rows = [self._related_row(link, article.id, i, resolve) for i, link in enumerate(listed)]
        self.related.show(rows, backlinks, related_count=len(article.related))

    def refresh_related(self) -> None:
        """Resolve the shown article's related entries again, for the panel only: a story they
        name may have been hidden, removed or added on disk. The panel's cursor keeps its row."""
        if self.location is None or self._shown is None or not self._shown[2]:
            return  # nothing shown, or links not resolved yet (the final refresh does it)
        article = self.index.get(self.location.article_id)
        if article is None:
            return
        highlighted = self.related.highlighted
        self._show_related(article, self.index.backlinks(article.id), True)
        panel = self.related
        if (
            highlighted is not None
            and highlighted < panel.option_count
            and not panel.get_option_at_index(highlighted).disabled
        ):
            panel.highlighted = highlighted

    def _related_row(self, link: RelatedLink, source_id: str, i: int, resolve: bool) -> RelatedRow:
        """One row of the related panel; its state on the site only once links are resolved
        (before, an entry with no target is not known to be outside the folder)."""
        if not resolve:
            return RelatedRow(link, None, i)
        target = self.index.resolve_link(link, source_id)
        return RelatedRow(link, target, i, link_status(self.index, link, target))

    def _links_available(self) -> bool:
        """Whether related entries can be resolved now without stalling the UI.

        A small folder builds its URL map and backlinks at once; a large one (about a second
        at 100,000 articles) in a worker, and the panes show links unresolved until it is done.
        """
        if self.indexing:
            return False
        if self.index.links_ready or len(self.index) < self.ASYNC_THRESHOLD:
            return True
        if not any(w.group == "links" and w.is_running for w in self.workers):
            self._build_links(self.index.links_job())
        return False

    @work(thread=True, group="links", exit_on_error=False)
    def _build_links(self, job: Callable[[], Links]) -> None:
        self.post_message(LinksReady(job()))

    def on_links_ready(self, message: LinksReady) -> None:
        """Links built by a worker: take them, or build again if the folder changed meanwhile."""
        if self.index.install_links(message.links):
            if self.location is not None:
                self.show_location(self.location)
        else:
            self._links_available()

    @on(ArticleList.ToggleMark)
    def _on_toggle_mark(self, message: ArticleList.ToggleMark) -> None:
        self.marks ^= {message.article_id}
        self.articles.set_marks(self.marks)
        self.update_status()

    def action_cycle_panes(self, step: int) -> None:
        """Move the focus to the next (or previous) of list, detail and related."""
        panes = [self.articles, self.detail, self.related]
        if self.facets_shown:
            panes.append(self.facets_panel.values)
        focused = self.app.focused
        if focused in panes:
            self.set_focus(panes[(panes.index(focused) + step) % len(panes)])
        else:
            self.set_focus(self.articles)

    def action_scroll_detail(self, direction: int) -> None:
        """Scroll the detail pane a few lines down (1) or up (-1); the focus stays put."""
        self.detail.scroll_relative(y=direction * DETAIL_STEP, animate=False, immediate=True)

    def action_focus_related(self) -> None:
        """Jump to the related panel."""
        self.set_focus(self.related)

    # --- query and sort ------------------------------------------------------------------

    def action_focus_query(self) -> None:
        """Focus the filter input.

        At once, not later as ``Widget.focus`` does: keys typed right after ``/`` may already be
        queued (a busy app, a paste), and must go to the filter, not act on the list (``p``
        would flip the published flag).
        """
        self.set_focus(self.query_one("#query", Input))

    @on(Input.Changed, "#query")
    def _on_query_changed(self, message: Input.Changed) -> None:
        if message.value == self.filter_query.text and not self.query_error:
            return  # the echo of a query set by the app (set_query, back): already applied
        if self._apply_query_text(message.value):
            self.pinned.clear()
            self.refresh_view()

    def _apply_query_text(self, text: str) -> bool:
        error = self.query_one("#query-error", Static)
        try:
            query = parse_query(text)
        except QueryError as exc:
            self.query_error = str(exc)
            error.update(Text(f"⚠ {inert(str(exc))}"))
            error.add_class("-shown")
            return False
        if self.query_error:  # hide the last error (an update would lay out the screen again)
            self.query_error = ""
            error.update("")
            error.remove_class("-shown")
        self.filter_query = query
        return True

    @on(Input.Submitted, "#query")
    def _on_query_submitted(self) -> None:
        self.set_focus(self.articles)

    def set_query(self, text: str) -> None:
        """Replace the query (saved views, palette) and refresh the view."""
        self.query_one("#query", Input).value = text
        if self._apply_query_text(text):
            self.pinned.clear()
            self.refresh_view()

    def action_escape(self) -> None:
        """Clear the query when typing in it; otherwise clear the marks (asking, if many)."""
        field = self.query_one("#query", Input)
        if field.has_focus:
            field.value = ""
            self.set_focus(self.articles)
        elif len(self.marks) > MARKS_CLEARED_WITHOUT_ASKING:
            # Marking a batch takes a while; one stray escape must not throw that work away.
            self.app.push_screen(
                ConfirmScreen(f"Clear {len(self.marks)} marks?", yes="Clear", no="Keep"),
                lambda yes: self.clear_marks() if yes else None,
            )
        else:
            self.clear_marks()

    def clear_marks(self) -> None:
        """Unmark every article."""
        self.marks.clear()
        self.articles.set_marks(self.marks)
        self.update_status()

    def action_choose_sort(self) -> None:
        """Choose the sort key and direction."""

        def chosen(result: tuple[str, bool] | None) -> None:
            if result:
                self.set_sort(*result)

        self.app.push_screen(SortScreen(list(SORT_KEYS), self.sort_key, self.sort_reverse), chosen)

    def set_sort(self, key: str, reverse: bool) -> None:
        """Sort the view (this leaves the queue view and unpins rows)."""
        self.sort_key, self.sort_reverse = key, reverse
        self.queue_saved = None
        self.pinned.clear()
        self._show_sort()
        self.refresh_view()

    def _show_sort(self) -> None:
        # The list's arrow shows the direction rows run in: ▼ means largest / newest first.
        descending = SORT_KEYS[self.sort_key] != self.sort_reverse
        self.articles.set_sort_label(self.sort_key, descending)

    # --- other actions -------------------------------------------------------------------

    def _current_url(self, verb: str) -> str | None:
        """The current article's URL if it is a clean http(s) URL; otherwise say why not."""
        current = self.articles.current
        url = current.url if current else ""
        if not url:
            self.notify("This article has no URL", severity="warning")
            return None
        # A URL from a file may carry newlines and escape bytes: never hand those on.
        problem = web_url_problem(url)
        if problem is not None:
            self.notify(f"Not {verb}: the URL {problem}", severity="warning")
            return None
        return url

    def action_open_url(self) -> None:
        """Open the article's URL in the browser (clean http and https URLs only)."""
        url = self._current_url("opened")
        if url is None:
            return
        self._open_in_browser(url)
        self.notify("Opening in the browser…")

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_in_browser(self, url: str) -> None:
        if not webbrowser.open(url):
            self.app.call_from_thread(
                self.notify, "No browser could be started", severity="warning"
            )

    def action_copy_url(self) -> None:
        """Copy the article's URL to the clipboard (clean http and https URLs only)."""
        url = self._current_url("copied")
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.notify("Copied the URL")

    def action_bad_files(self) -> None:
        """Show the files that could not be read and the warnings."""
        # Indexed, but Jekyll cannot read them: problem files that can be opened.
        misread = [(a.id, f"{misread_reason(a)} ({a.site_words})") for a in self.index.misread]
        warnings = [
            (a.id, w) for a in sorted(self.index.articles, key=lambda a: a.id) for w in a.warnings
        ]

        def chosen(article_id: str | None) -> None:
            self.settle_view()
            if article_id and not self.articles.move_to(article_id):
                self.set_query("")
                self.articles.move_to(article_id)

        self.app.push_screen(BadFilesScreen(self.index.bad, warnings, misread), chosen)

    # --- review and commit (the state is GitReview's; these route to it) ------------------

    def on_review_counted(self, message: ReviewCounted) -> None:
        """A listing of the uncommitted flag changes: the status line counts them."""
        if self.git_review.take(message):
            self.update_status()

    def on_commit_planned(self, message: CommitPlanned) -> None:
        """What a commit would take: ask (see GitReview)."""
        self.git_review.planned(message)

    def on_commit_done(self, message: CommitDone) -> None:
        """A commit ran: say what happened (see GitReview)."""
        self.git_review.done(message)

    def action_review(self) -> None:
        """Show the flag changes not committed yet; enter there opens one here."""

        def chosen(article_id: str | None) -> None:
            if article_id and not self.show_in_view(article_id):
                self.notify(f"{article_id} is not in the folder", severity="warning")

        self.git_review.refresh()
        self.app.push_screen(ReviewScreen(self.git_review, self), chosen)

    def action_commit(self) -> None:
        """Commit the flag-only changes, after showing the message and what is left out."""
        self.git_review.ask_commit()

    def revert_flags(self, ids: list[str]) -> None:
        """Write back the flags' old text (review), through the writer: undo brings it back."""
        if self.indexing:  # its reloaded rows would race the indexing batches (as undo's would)
            self.notify("Still reading the folder: revert once it is indexed")
        elif ids:
            self._jobs.put(WriteJob("revert", tuple(ids), "revert"))

    def on_screen_resume(self) -> None:
        """Back from another screen (help, review): count again, as a commit made in a shell
        meanwhile changes the count and no file changes to tell the watcher."""
        if hasattr(self, "git_review"):
            self.git_review.refresh()

    def action_stories(self) -> None:
        """S: the stories of the view, one row each (see StoriesScreen)."""

        def chosen(article_id: str | None) -> None:
            if article_id and self.show_in_view(article_id):
                self.set_focus(self.articles)

        self.app.push_screen(StoriesScreen(self.nr_app.stories, self), chosen)

    def story_scope(self) -> tuple[str, set[str] | None]:
        """The filter, and the ids of the view the stories screen lists stories of (None: the
        whole folder, when nothing is filtered out)."""
        if self.filter_query.is_empty:
            return "", None
        return self.filter_query.text, {a.id for a in self.full_view()}
