"""The main screen's folder: indexing batches, the view (filter and sort), and the live folder.

Indexing and polling run in workers (:mod:`newsreader.tui.workers`) and post their results here;
a large folder's view is computed in a worker too, so typing never waits for 100,000 articles.
A keystroke there shows the first screen of its rows at once and the rest follows (see
:meth:`FolderSync.refresh_view`).
"""

from __future__ import annotations

from textual import on, work

from newsreader.articles.index import sort_articles
from newsreader.articles.model import Article
from newsreader.articles.query import FirstMatches, narrows
from newsreader.reading.watcher import FAST_INTERVAL, Signature
from newsreader.session import SessionState
from newsreader.tui.messages import FolderChanged, IndexBatch, ViewReady
from newsreader.tui.screens.base import MainScreenBase
from newsreader.tui.screens.views import queue_order
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.workers import poll_folder

REFRESH_DELAY = 0.25
#: Seconds between two asks whether the folder needs a look: the watcher answers cheaply (an
#: inotify queue with events in it; polling, every ``watcher.POLL_INTERVAL`` seconds).
WATCH_TICK = FAST_INTERVAL
#: A keystroke in a large folder looks for its first screen of rows among at most this many
#: articles, on the UI thread (a few milliseconds); a rarer word waits for the whole result.
FIRST_SCREEN_BUDGET = 25_000
#: Rows the first screen holds beyond what fills the screen: a few keys of moving on.
FIRST_SCREEN_MARGIN = 20
#: Seconds from showing a first screen to starting its completion (the count, the rest).
COMPLETE_DELAY = 0.15


class FolderSync(MainScreenBase):
    """Takes in what indexing and the watcher find, and keeps the view in step."""

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
        if message.items and not self.rows_painted.is_set():
            # Indexing waits until these rows are painted (see index_folder).
            self.articles.call_after_refresh(self.rows_painted.set)
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
                self.set_interval(WATCH_TICK, self._watch_tick, name="watch folder")
            self._links_available()  # a large folder starts resolving related entries now
            self.nr_app.stories.index_changed()  # the first grouping of the whole folder
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

        First screen first: in a large folder whose sorted view is at hand, the query's first
        matches in the sort, enough for the screen, are found here (:meth:`Query.first`) and
        shown at once (``completing``: the status line says "counting…"); the worker completes
        the view once typing pauses, and a newer keystroke drops it. Whatever needs the whole
        view meanwhile calls :meth:`settle_view`; the list's keys that go past the rows found
        so far wait for it (:class:`ArticleList.WantsRest`). The final rows, count and cursor
        are those a full evaluation gives.
        """
        current = self.articles.current
        # While the folder is read, newer articles keep arriving above the first rows: a cursor
        # on the top row stays on the top row (the newest story), or a first open would follow
        # the newest article of the first batch down to wherever the whole folder puts it.
        at_top = not self.indexed.is_set() and self.articles.cursor == 0
        if keep is None and current is not None and not at_top:
            keep = current.id
        keep = keep or self._restore.cursor
        self._view_generation += 1
        if not keep_gone:
            self.gone.clear()
        extra = [self._gone_rows[i] for i in self.gone if i in self._gone_rows]
        extra += [a for i in self.pinned if (a := self.index.get(i)) is not None]
        self._view_extra = extra
        if len(self.index) < self.ASYNC_THRESHOLD:
            self._show_view(self.compute_view(extra), keep, self.index.version)
            return
        # Not for a view put back (its scroll offset waits for the whole view), nor one with
        # rows merged in (pinned, vanished) or reordered (the queue): those come whole.
        plain = not extra and self.queue_saved is None and self._pending_scroll is None
        first = self._first_screen(keep) if plain and not self._pending_top else None
        if first is None:
            self.filtering = True
            self._compute_view_in_worker(self._view_generation, keep, extra)
            return
        # First screen first: the rows are shown now, the rest (and the count) follows.
        self.filtering = False
        self._show_view(first.rows, keep, self.index.version, partial=not first.complete)
        if not first.complete:
            # Once typing pauses: a worker would share the CPU with painting the first screen
            # (and the detail of the article under the cursor), and a burst of keys costs one
            # pass over the folder, not one per key.
            generation = self._view_generation
            self.set_timer(COMPLETE_DELAY, lambda: self._complete_view(generation))

    def _first_screen(self, keep: str | None) -> FirstMatches | None:
        """The query's first matches in the sort, enough for the screen as it stands (and the
        kept article, if it matches); None when the sorted folder is not at hand (a worker
        sorts) or the screen needs a long scan (a rare word)."""
        key = (self.index.version, self.sort_key, self.sort_reverse)
        cached = self._sorted
        if cached is None or cached[0] != key:
            return None
        query, base = self.filter_query, cached[1]
        last = self._last_view
        if last is not None and last[0] == key and narrows(last[1], query.text):
            base = last[2]
        # Enough rows for the screen as the list will show it, and a few to move on: the
        # cursor goes to the kept article if it matches, else stays at its index, and the list
        # scrolls only as far as showing the cursor needs, so no row below it is on screen.
        article_list = self.articles
        kept = self.index.get(keep) if keep is not None else None
        through = kept if kept is not None and query.matches(kept) else None
        beyond = article_list.page_rows + FIRST_SCREEN_MARGIN
        down_to = article_list.cursor if through is None else 0
        first = query.first(
            base, down_to + beyond, through=through, after=beyond, budget=FIRST_SCREEN_BUDGET
        )
        if first is not None and first.complete:
            self._last_view = (key, query.text, first.rows)
        return first

    def _complete_view(self, generation: int) -> None:
        if generation == self._view_generation and self.completing:
            self._compute_view_in_worker(generation, None, self._view_extra)

    def settle_view(self) -> None:
        """Complete a view shown as its first screen only, now, on the UI thread (a fraction of
        a second at 100,000 articles): an action that takes the whole view asked for it."""
        if not self.completing:
            return
        self._view_generation += 1  # what a worker is computing is not wanted any more
        self.filtering = False
        current = self.articles.current
        keep = current.id if current is not None else None
        self._show_view(self.compute_view(self._view_extra), keep, self.index.version)

    @on(ArticleList.WantsRest)
    def _on_wants_rest(self) -> None:
        self.settle_view()

    def compute_view(self, extra: list[Article] | None = None) -> list[Article]:
        """The articles the current query shows, in the current sort (safe in a worker).

        ``extra`` rows (vanished files and pinned articles still shown) are merged in where the
        sort puts them. In the queue view unpublished rows come first.
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
            listed = {a.id for a in rows}
            extra = [a for a in extra if a.id not in listed]  # a pinned row the filter now shows
            rows = sort_articles(rows + extra, self.sort_key, self.sort_reverse)
        return rows if self.queue_saved is None else queue_order(rows)

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def _compute_view_in_worker(
        self, generation: int, keep: str | None, extra: list[Article]
    ) -> None:
        version = self.index.version
        self.post_message(ViewReady(generation, self.compute_view(extra), keep, version))

    def on_view_ready(self, message: ViewReady) -> None:
        """A worker's view: shown unless a newer one was asked for meanwhile."""
        if message.generation == self._view_generation:
            self.filtering = False
            keep = message.keep
            if self.completing:
                # The rest of a first screen: the cursor stays on the article it is on now.
                current = self.articles.current
                keep = current.id if current is not None else keep
            self._show_view(message.rows, keep, message.version)

    def _show_view(
        self, rows: list[Article], keep: str | None, version: int, *, partial: bool = False
    ) -> None:
        # Rows computed from the index as it is now hold the kept article's very object, or do
        # not hold it at all: the list then finds it by identity, or knows it is not there
        # without comparing 100,000 ids.
        kept = None
        if keep is not None and version == self.index.version:
            kept = self.index.get(keep) or self._gone_rows.get(keep)
        self.view = rows
        self.completing = partial
        self._gone_rows = {i: a for i, a in self._gone_rows.items() if i in self.gone}
        self.articles.set_gone(self.gone)
        self.articles.set_rows(rows, keep=keep, kept=kept, partial=partial)
        if self._pending_top and rows:
            self.articles.move_to(rows[0].id)
        self._pending_top = False
        if self._pending_scroll is not None:
            self.articles.scroll_to(y=self._pending_scroll, animate=False)
            self._pending_scroll = None
        if not self.indexing and not self.indexed.is_set():
            self._finish_restore()
            self.indexed.set()
        self.update_status()

    # --- live folder ---------------------------------------------------------------------

    def _watch_tick(self) -> None:
        if self.watcher.due():
            self._poll_folder()

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
        self.nr_app.stories.index_changed()
        if added:
            # New rows go where the sort puts them; the cursor stays on its article.
            self.refresh_view(self._cursor_id, keep_gone=True)
        self.articles.set_gone(self.gone)
        touched = self.gone | {item.id for item in message.items}
        if self.location is not None and self.location.article_id in touched:
            self.show_location(self.location)
        elif self.location is not None:
            # A story the shown article names may be hidden, removed or back: its panel says so.
            self.refresh_related()
        self.update_status()
        self.git_review.refresh()  # a flag changed back by hand, a crawler's edit
