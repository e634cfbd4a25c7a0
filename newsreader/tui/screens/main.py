"""The main screen: list, detail and related panes over one folder, and the triage actions.

The screen is the router: widgets post messages, key bindings and palette commands call the same
``action_*`` methods, and those go to the core (query, index, triage). Disk work runs in workers.
"""

from __future__ import annotations

import asyncio
import queue
import tempfile
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from newsreader import paths
from newsreader.index import SORT_KEYS, ArticleIndex, Links, sort_articles
from newsreader.journal import Journal, JournalError
from newsreader.loader import load_detail
from newsreader.model import Article, BadFile
from newsreader.query import QueryError, narrows, parse_query
from newsreader.session import SessionState, load_session, save_session
from newsreader.text import inert
from newsreader.tui.messages import (
    FolderChanged,
    IndexBatch,
    LinksReady,
    ViewReady,
    WriteFinished,
)
from newsreader.tui.screens.bad_files import BadFilesScreen
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.screens.sort import SortScreen
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.detail_pane import DetailPane
from newsreader.tui.widgets.related_panel import RelatedPanel, RelatedRow
from newsreader.tui.widgets.status_bar import StatusBar, StatusInfo
from newsreader.tui.workers import UiTriage, WriteJob, index_folder, poll_folder, write_loop
from newsreader.watcher import FolderWatcher, Signature

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp

NARROW_WIDTH = 120
REFRESH_DELAY = 0.25
#: Above this many articles the view is filtered and sorted, and related entries resolved, in a
#: worker, off the UI thread.
ASYNC_VIEW_THRESHOLD = 20_000
#: Seconds between two looks at the folder for files added, changed or removed.
POLL_INTERVAL = 2.0


@dataclass(frozen=True)
class Location:
    """A place in the browsing history: an article, or one of its external related entries."""

    article_id: str
    external: int | None = None


class MainScreen(Screen[None]):
    """List, detail and related panes; triage keys; filter; sort; history."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_query", "Filter", id="app.filter"),
        Binding("p", "toggle_published", "Publish", id="app.publish"),
        Binding("u", "undo", "Undo", id="app.undo"),
        Binding("ctrl+r", "redo", "Redo", id="app.redo"),
        Binding("s", "choose_sort", "Sort", id="app.sort"),
        Binding("r", "focus_related", "Related", id="app.related"),
        Binding("backspace", "back", "Back", show=False, id="app.back"),
        Binding("right_square_bracket", "forward", "Forward", show=False, id="app.forward"),
        Binding("o", "open_url", "Open", show=False, id="app.open_url"),
        Binding("y", "copy_url", "Copy URL", show=False, id="app.copy_url"),
        Binding("exclamation_mark", "bad_files", "Problems", id="app.problems"),
        Binding("escape", "escape", "Clear", show=False, id="app.escape"),
        # Replace the screen's focus_next / focus_previous: the query input is reached with `/`.
        Binding("tab", "cycle_panes(1)", "Next pane", show=False, id="app.next_pane"),
        Binding("shift+tab", "cycle_panes(-1)", "Previous pane", show=False, id="app.prev_pane"),
    ]

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
        self._restore: SessionState = SessionState()
        self._refresh_pending = False
        self._jobs: queue.Queue[WriteJob] = queue.Queue()
        self._message = ""
        # The article under the cursor, kept here because on unmount the list is already gone.
        self._cursor_id: str | None = None
        #: Set once the first full index of the folder is in (tests and benchmarks wait on it).
        self.indexed = asyncio.Event()
        #: True while a worker computes the view (filter + sort) for a large folder.
        self.filtering = False
        self._view_generation = 0
        #: All articles in the current sort, for (index version, sort key, reverse).
        self._sorted: tuple[tuple[int, str, bool], list[Article]] | None = None
        #: The last filtered rows, with the sort key and query text they were made for.
        self._last_view: tuple[tuple[int, str, bool], str, list[Article]] | None = None
        #: Articles whose files left the folder while shown: struck out until the user changes
        #: the view (query or sort), with the rows they had.
        self.gone: set[str] = set()
        self._gone_rows: dict[str, Article] = {}
        #: Made on mount, with the extensions the settings name.
        self.watcher: FolderWatcher

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
        yield StatusBar(id="status")
        yield Footer()

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
                self.index.root, settings.extensions, self.watcher, self.post_message
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
        """Remember where the editor was."""
        self.save_state()

    def save_state(self) -> None:
        """Save cursor, query and sort for the next start."""
        if self.indexing:
            return
        state = SessionState(
            cursor=self._cursor_id,
            query=self.filter_query.text,
            sort=self.sort_key,
            reverse=self.sort_reverse,
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

    # --- widgets -------------------------------------------------------------------------

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

    # --- indexing ------------------------------------------------------------------------

    def on_index_batch(self, message: IndexBatch) -> None:
        """Take in freshly read files; refresh the view now and then while indexing."""
        self.index.add_all(message.items)
        for article_id in message.removed:
            self.index.discard(article_id)
        # Cached rows come before the walk has counted anything: count what is listed so far.
        self.loaded = max(message.done, len(self.index) + self.index.bad_count)
        if message.notice:
            self.notify(message.notice, severity="warning")
        if message.finished:
            self.indexing = False
            self.articles.empty_message = self._empty_message()
            self.refresh_view()
            if self.index.bad_count:
                self.notify(
                    f"{self.index.bad_count} files could not be read: press ! to see them",
                    severity="warning",
                )
            if self.nr_app.settings.watch:
                self.set_interval(POLL_INTERVAL, self._poll_folder, name="watch folder")
            self._links_available()  # a large folder starts resolving related entries now
        elif not self.view and message.items:
            # The first rows: show them at once, whatever the throttle.
            self.refresh_view()
        elif not self._refresh_pending:
            self._refresh_pending = True
            self.set_timer(REFRESH_DELAY, self._timed_refresh)
        self.update_status()

    def _empty_message(self) -> str:
        """What the list says when it has no rows, once the folder is read."""
        if len(self.index):
            return "No articles match"
        root = self.index.root
        if not root.is_dir():
            return f"Folder not found: {root}"
        extensions = " ".join(self.nr_app.settings.extensions)
        return f"No article files ({extensions}) in {root}"

    def _timed_refresh(self) -> None:
        self._refresh_pending = False
        if self.indexing:
            self.refresh_view()

    def _finish_restore(self) -> None:
        cursor = self._restore.cursor
        if cursor and self.articles.move_to(cursor):
            self._restore = SessionState()

    def refresh_view(self, keep: str | None = None, *, keep_gone: bool = False) -> None:
        """Recompute the view from the index with the current query and sort.

        Small folders are done at once; large ones in a worker, so typing in the filter never
        waits for 100,000 articles to be filtered and sorted (the latest request wins). With
        ``keep_gone`` (a refresh the folder caused, not the user) rows of vanished files stay.
        """
        current = self.articles.current
        keep = keep or (current.id if current else self._restore.cursor)
        self._view_generation += 1
        if not keep_gone:
            self.gone.clear()
        extra = [self._gone_rows[i] for i in self.gone if i in self._gone_rows]
        if len(self.index) < ASYNC_VIEW_THRESHOLD:
            self._show_view(self.compute_view(extra), keep)
        else:
            self.filtering = True
            self._compute_view_in_worker(self._view_generation, keep, extra)

    def compute_view(self, extra: list[Article] | None = None) -> list[Article]:
        """The articles the current query shows, in the current sort (safe in a worker).

        ``extra`` rows (vanished files still shown) are merged in where the sort puts them.
        """
        key = (self.index.version, self.sort_key, self.sort_reverse)
        cached = self._sorted
        if cached is None or cached[0] != key:
            # Sorting is the costly part: keep the sorted folder, so typing only filters.
            cached = (key, sort_articles(self.index.articles, self.sort_key, self.sort_reverse))
            self._sorted = cached
        query, base = self.filter_query, cached[1]
        last = self._last_view
        if last is not None and last[0] == key and narrows(last[1], query.text):
            base = last[2]  # typing on in a word or adding one: only last rows can still match
        rows = query.filter(base)
        self._last_view = (key, query.text, rows)
        if extra:
            rows = sort_articles(rows + extra, self.sort_key, self.sort_reverse)
        return rows

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def _compute_view_in_worker(
        self, generation: int, keep: str | None, extra: list[Article]
    ) -> None:
        self.post_message(ViewReady(generation, self.compute_view(extra), keep))

    def on_view_ready(self, message: ViewReady) -> None:
        """A worker's view: shown unless a newer one was asked for meanwhile."""
        if message.generation == self._view_generation:
            self.filtering = False
            self._show_view(message.rows, message.keep)

    def _show_view(self, rows: list[Article], keep: str | None) -> None:
        self.view = rows
        self._gone_rows = {i: a for i, a in self._gone_rows.items() if i in self.gone}
        self.articles.set_gone(self.gone)
        self.articles.set_rows(rows, keep=keep)
        if not self.indexing and not self.indexed.is_set():
            self._finish_restore()
            self.indexed.set()
        self.update_status()

    # --- live folder ---------------------------------------------------------------------

    def _poll_folder(self) -> None:
        if any(w.group == "watch" and w.is_running for w in self.workers):
            return  # the last look is still going (a huge folder): one at a time
        self.run_worker(
            lambda: poll_folder(
                self.index.root, self.watcher, self._known_files, self.post_message
            ),
            thread=True,
            group="watch",
            exclusive=False,
            description="watch folder",
            exit_on_error=False,
        )

    def _known_files(self) -> dict[str, Signature]:
        # The stamps themselves: they begin with the (size, mtime) signature the watcher wants.
        return {a.id: a.stamp for a in self.index.articles}

    def _mark_gone(self, article: Article) -> None:
        self.gone.add(article.id)
        self._gone_rows[article.id] = article

    def on_folder_changed(self, message: FolderChanged) -> None:
        """Merge files changed on disk; rows, marks, cursor and scroll stay where they were."""
        added = changed = 0
        for item in message.items:
            old = self.index.get(item.id)
            if isinstance(item, Article) and old is not None and old.stamp == item.stamp:
                continue  # our own write, already in the index
            if old is None and isinstance(item, Article):
                added += 1
            else:
                changed += 1
            self.index.add(item)
            if isinstance(item, Article):
                self.articles.update_row(item)
            elif old is not None:
                self._mark_gone(old)
        for article_id in message.removed:
            article = self.index.get(article_id)
            self.index.discard(article_id)
            if article is not None:
                self._mark_gone(article)
        if not (added or changed or message.removed):
            return
        counts = ((added, "new"), (changed, "changed"), (len(message.removed), "removed"))
        self._message = "folder: " + ", ".join(f"{n} {what}" for n, what in counts if n)
        if added:
            # New rows go where the sort puts them; the cursor stays on its article.
            self.refresh_view(self._cursor_id, keep_gone=True)
        self.articles.set_gone(self.gone)
        touched = self.gone | {item.id for item in message.items}
        if self.location is not None and self.location.article_id in touched:
            self.show_location(self.location)
        self.update_status()

    def update_status(self) -> None:
        """Refresh the status line."""
        counts = self.index.counts()
        shown = self.view
        self.query_one(StatusBar).show_info(
            StatusInfo(
                shown=len(shown),
                total=counts.total,
                published=counts.published,
                unpublished=counts.unpublished,
                marked=len(self.marks),
                bad=counts.bad,
                decisions=self.decisions,
                query=self.filter_query.text,
                loading=f"indexing… {self.loaded:,} files" if self.indexing else "",
                message=self._message,
            )
        )

    # --- list and detail -----------------------------------------------------------------

    @on(ArticleList.Highlighted)
    def _on_highlighted(self, message: ArticleList.Highlighted) -> None:
        self._cursor_id = message.article.id if message.article else None
        if message.article is None:
            self.location = None
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
            self.detail.show_message(f"{location.article_id} is gone from the folder")
            self.related.show([], [])
            return
        # Backlinks and related resolution need the whole folder, and every batch read changes
        # it: computing them on each refresh while indexing starves the indexer. The final
        # refresh (or, in a large folder, LinksReady) fills them in.
        resolve = self._links_available()
        backlinks = self.index.backlinks(article.id) if resolve else []
        detail = load_detail(self.index.root, article.id)
        if isinstance(detail, BadFile):
            self.detail.show_summary(article)
            self.notify(f"{article.id}: {detail.describe()}", severity="error")
        elif location.external is not None and location.external < len(detail.related):
            self.detail.show_related_entry(detail.related[location.external], article.title)
        else:
            self.detail.show_detail(detail, backlinks_count=len(backlinks))
        if resolve:
            rows = [RelatedRow(r.link, r.target, r.index) for r in self.index.resolve(article)]
        else:
            rows = [RelatedRow(link, None, i) for i, link in enumerate(article.related)]
        self.related.show(rows, backlinks)

    def _links_available(self) -> bool:
        """Whether related entries can be resolved now without stalling the UI.

        A small folder builds its URL map and backlinks at once; a large one (about a second
        at 100,000 articles) in a worker, and the panes show links unresolved until it is done.
        """
        if self.indexing:
            return False
        if self.index.links_ready or len(self.index) < ASYNC_VIEW_THRESHOLD:
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

    # --- related and history -------------------------------------------------------------

    @on(RelatedPanel.OpenArticle)
    def _on_open_article(self, message: RelatedPanel.OpenArticle) -> None:
        self.go(Location(message.article_id))

    @on(RelatedPanel.ShowExternal)
    def _on_show_external(self, message: RelatedPanel.ShowExternal) -> None:
        if self.location is not None:
            self.go(Location(self.location.article_id, message.index))

    def go(self, location: Location) -> None:
        """Follow a link: the current place goes on the back stack."""
        if self.location is not None and self.location != location:
            self.back_stack.append(self.location)
            self.forward_stack.clear()
        self._visit(location)

    def _visit(self, location: Location) -> None:
        moved = location.external is not None or self.articles.move_to(location.article_id)
        if not moved and location.article_id in self.index and self.filter_query.text:
            # The list follows the article it shows: widen the view when the filter hides it.
            self.set_query("")
            self.articles.move_to(location.article_id)
            self.notify("Filter cleared to show the article")
        self.show_location(location)

    def action_back(self) -> None:
        """Go back in the related-browsing history."""
        if not self.back_stack:
            self.notify("Nothing to go back to")
            return
        if self.location is not None:
            self.forward_stack.append(self.location)
        self._visit(self.back_stack.pop())

    def action_forward(self) -> None:
        """Go forward in the related-browsing history."""
        if not self.forward_stack:
            self.notify("Nothing to go forward to")
            return
        if self.location is not None:
            self.back_stack.append(self.location)
        self._visit(self.forward_stack.pop())

    def action_cycle_panes(self, step: int) -> None:
        """Move the focus to the next (or previous) of list, detail and related."""
        panes = [self.articles, self.detail, self.related]
        focused = self.app.focused
        if focused in panes:
            panes[(panes.index(focused) + step) % len(panes)].focus()
        else:
            self.articles.focus()

    def action_focus_related(self) -> None:
        """Jump to the related panel."""
        self.related.focus()

    # --- query and sort ------------------------------------------------------------------

    def action_focus_query(self) -> None:
        """Focus the filter input."""
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def _on_query_changed(self, message: Input.Changed) -> None:
        if self._apply_query_text(message.value):
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
        self.query_error = ""
        error.update("")
        error.remove_class("-shown")
        self.filter_query = query
        return True

    @on(Input.Submitted, "#query")
    def _on_query_submitted(self) -> None:
        self.articles.focus()

    def set_query(self, text: str) -> None:
        """Replace the query (saved views, palette) and refresh the view."""
        self.query_one("#query", Input).value = text
        if self._apply_query_text(text):
            self.refresh_view()

    def action_escape(self) -> None:
        """Clear the query when typing in it; otherwise clear the marks."""
        field = self.query_one("#query", Input)
        if field.has_focus:
            field.value = ""
            self.articles.focus()
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
        """Sort the view."""
        self.sort_key, self.sort_reverse = key, reverse
        self._show_sort()
        self.refresh_view()

    def _show_sort(self) -> None:
        # The list's arrow shows the direction rows run in: ▼ means largest / newest first.
        descending = SORT_KEYS[self.sort_key] != self.sort_reverse
        self.articles.set_sort_label(self.sort_key, descending)

    # --- triage --------------------------------------------------------------------------

    def action_toggle_published(self) -> None:
        """p: toggle the current article, or (after confirming) all marked ones."""
        if self.marks:
            marked = [a for a in self.index.articles if a.id in self.marks]
            publish = not all(a.published for a in marked)
            self.confirm_bulk(marked, publish, "marked")
            return
        current = self.articles.current
        if current is None:
            return
        landed = None
        if self.nr_app.settings.advance_on_publish:
            self.articles.action_cursor_down()
            after = self.articles.current
            landed = after.id if after is not None and after is not current else None
        # "toggle" is resolved by the writer: a second p before the first write lands must see
        # the flag that write set, not the one the screen knew when the key was pressed.
        self._jobs.put(WriteJob("toggle", (current.id,), landed=landed))

    def confirm_bulk(self, articles: list[Article], publish: bool, what: str) -> None:
        """Ask before changing many articles; the question states the count."""
        verb = "Publish" if publish else "Unpublish"
        todo = [a.id for a in articles if a.published != publish]
        if not todo:
            self.notify(f"All {len(articles)} {what} articles are already {verb.lower()}ed")
            return
        noun = "article" if len(todo) == 1 else "articles"
        already = len(articles) - len(todo)
        skipped = f"{already} already {verb.lower()}ed, left as they are" if already else ""

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._jobs.put(
                    WriteJob(verb.lower(), tuple(todo), f"{verb.lower()} {len(todo)} {what}")
                )
                if what == "marked":
                    self.clear_marks()

        self.app.push_screen(
            ConfirmScreen(f"{verb} {len(todo)} {what} {noun}?", skipped),
            confirmed,
        )

    def bulk_view(self, publish: bool) -> None:
        """Publish or unpublish every article in the view (palette)."""
        self.confirm_bulk(list(self.view), publish, "shown")

    def mark_all(self) -> None:
        """Mark every article in the view (palette)."""
        self.marks |= {a.id for a in self.view}
        self.articles.set_marks(self.marks)
        self.update_status()

    def action_undo(self) -> None:
        """Undo the last change (also one made in an earlier session)."""
        self._queue_step("undo")

    def action_redo(self) -> None:
        """Redo the last undone change."""
        self._queue_step("redo")

    def _queue_step(self, action: str) -> None:
        # The journal names files by id: until the index holds them all, the step would fail
        # on files not read yet and still be marked done in the journal.
        if self.indexing:
            self.notify(f"Still reading the folder: {action} once it is indexed")
            return
        self._jobs.put(WriteJob(action))

    def on_write_finished(self, message: WriteFinished) -> None:
        """Show what a write did; refresh the rows it touched, keeping the cursor."""
        outcome = message.outcome
        if message.error:
            # Files may have changed before the failure: show what the index now holds.
            action = "change the flag" if message.action == "toggle" else message.action
            self.notify(f"Could not {action}: {message.error}", severity="error")
            self.refresh_view()
            self._undo_advance(message)
            return
        if outcome is None:
            self.notify(f"Nothing to {message.action}")
            return
        n = len(outcome.changed)
        sign = -1 if message.action == "undo" else 1
        # Undoing a change of an earlier session does not make this session's count negative.
        self.decisions = max(0, self.decisions + sign * n)
        touched = [c.id for c in outcome.changed] + [f.id for f in outcome.failed]
        if any(article_id not in self.index for article_id in touched):
            self.refresh_view()  # a file vanished: its row goes
        for article_id in touched:
            self._refresh_row(article_id)
        if outcome.changed:
            label = outcome.batch.label if outcome.batch else message.action
            prefix = {"undo": "Undid ", "redo": "Redid "}.get(message.action, "")
            names = outcome.changed[0].id if n == 1 else f"{n} articles"
            self._message = f"{prefix}{label}: {names}"
            self.notify(self._message, timeout=3)
        for failure in outcome.failed:
            self.notify(
                f"{failure.id}: {failure.message} (reloaded from disk)", severity="error", timeout=8
            )
        self._undo_advance(message)
        self.update_status()
        if self.location is not None and self.location.article_id in touched:
            self.show_location(self.location)

    def _undo_advance(self, message: WriteFinished) -> None:
        """After a failed ``p``, put the cursor back on its article if the user has not moved."""
        outcome = message.outcome
        failed = message.error or (outcome is not None and outcome.failed)
        if not failed or message.landed is None or not message.ids:
            return
        current = self.articles.current
        if current is not None and current.id == message.landed:
            self.articles.move_to(message.ids[0])

    def _refresh_row(self, article_id: str) -> None:
        article = self.index.get(article_id)
        if article is not None:
            # The view is the list's row list itself (set_rows keeps it), so this updates both.
            self.articles.update_row(article)

    # --- other actions -------------------------------------------------------------------

    def _current_url(self) -> str | None:
        current = self.articles.current
        url = current.url if current else ""
        if not url:
            self.notify("This article has no URL", severity="warning")
            return None
        return url

    def action_open_url(self) -> None:
        """Open the article's URL in the browser (http and https only)."""
        url = self._current_url()
        if url is None:
            return
        if not url.lower().startswith(("http://", "https://")):
            self.notify("Only http and https URLs are opened", severity="warning")
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
        """Copy the article's URL to the clipboard."""
        url = self._current_url()
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.notify("Copied the URL")

    def action_bad_files(self) -> None:
        """Show the files that could not be read and the warnings."""
        warnings = [
            (a.id, w) for a in sorted(self.index.articles, key=lambda a: a.id) for w in a.warnings
        ]

        def chosen(article_id: str | None) -> None:
            if article_id and not self.articles.move_to(article_id):
                self.set_query("")
                self.articles.move_to(article_id)

        self.app.push_screen(BadFilesScreen(self.index.bad, warnings), chosen)
