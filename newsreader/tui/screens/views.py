"""The main screen's views: the work queue, pinned rows, and putting back a view the user left.

The queue view (``w``) lists unpublished articles first, newest first, and counts how many are
left; ``w`` again returns to the view before it. A followed related story (or the article an undo
changed) that the filter hides is pinned to the list instead of clearing the filter, and ``back``
puts back the exact view: query, sort, pins, cursor and scroll.
"""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Input

from newsreader.articles.model import Article
from newsreader.tui.screens.base import MainScreenBase, ViewState


def queue_order(rows: list[Article]) -> list[Article]:
    """Unpublished rows first, then published ones, each group in the order given."""
    return [a for a in rows if not a.published] + [a for a in rows if a.published]


class ViewMemory(MainScreenBase):
    """The queue view, pinned rows, and capturing and restoring the list's view."""

    #: Where the queue view was entered from, put back when it is left.
    _before_queue: ViewState | None = None

    def action_queue(self) -> None:
        """w: the work queue (unpublished first, newest first), or back to the view before."""
        if self.queue_saved is not None:
            before, self._before_queue = self._before_queue, None
            if before is None:  # the queue came back with ``back``: only its sort is known
                key, reverse = self.queue_saved
                before = replace(self.capture_view(), sort_key=key, sort_reverse=reverse)
                before = replace(before, queue_saved=None, pinned=frozenset())
            self.restore_view(before)
            return
        self._before_queue = self.capture_view()
        self.queue_saved = (self.sort_key, self.sort_reverse)
        self.sort_key, self.sort_reverse = "date", False
        self.pinned.clear()
        self._show_sort()
        # The queue starts at its top, the newest article still to decide, once its rows are in
        # (a large folder's come from a worker).
        self._pending_top = True
        self.refresh_view()

    def show_in_view(self, article_id: str) -> bool:
        """Put the cursor on an article; pin its row when the filter hides it.

        False when the folder has no such article (the cursor stays).
        """
        self.settle_view()  # not pinned for being past the first screen of a large view
        if self.articles.move_to(article_id):
            return True
        if article_id not in self.index:
            return False
        self.pinned.add(article_id)
        self.refresh_view(article_id, keep_gone=True)
        return True

    def capture_view(self) -> ViewState:
        """What the list shows now, to put back later."""
        current = self.articles.current
        return ViewState(
            query=self.filter_query.text,
            sort_key=self.sort_key,
            sort_reverse=self.sort_reverse,
            queue_saved=self.queue_saved,
            pinned=frozenset(self.pinned),
            cursor=current.id if current else None,
            scroll=self.articles.scroll_offset.y,
        )

    def restore_view(self, view: ViewState) -> None:
        """Put back a captured view: query, sort, queue, pins, then cursor and scroll."""
        now = self.capture_view()
        same = (now.query, now.sort_key, now.sort_reverse, now.queue_saved, now.pinned) == (
            view.query,
            view.sort_key,
            view.sort_reverse,
            view.queue_saved,
            view.pinned,
        )
        if same:
            self.settle_view()
            if view.cursor is not None:
                self.articles.move_to(view.cursor)
            self._scroll_list(view.scroll)
            return
        if view.query != now.query:
            # The input's Changed message that follows is an echo of this (see MainScreen).
            self.query_one("#query", Input).value = view.query
            self._apply_query_text(view.query)
        self.sort_key, self.sort_reverse = view.sort_key, view.sort_reverse
        self.queue_saved = view.queue_saved
        self.pinned = set(view.pinned)
        self._show_sort()
        # A large folder's view comes from a worker: the scroll waits for it (see _show_view).
        self._pending_scroll = view.scroll
        self.refresh_view(view.cursor)

    def _scroll_list(self, y: float) -> None:
        # Deferred like the list's own scroll to its cursor, so it lands after that one.
        self.articles.scroll_to(y=y, animate=False)
