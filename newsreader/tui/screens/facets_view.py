"""The main screen's view counts: the status line's published split and the facets panel.

Both count what the view shows, not the whole folder. A small view is counted at once; a large
one in a worker (about 25 ms for the published split of 100,000 rows, 0.1 s for every facet), at
most one at a time: when it is done and the view has changed meanwhile, the newest view is
counted next, so a burst of keystrokes costs one count, not one per key.
"""

from __future__ import annotations

from textual import on
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader.articles.facets import add_term, count_published, facet_term, view_facets
from newsreader.articles.model import Article
from newsreader.tui.messages import ViewCounted
from newsreader.tui.screens.base import MainScreenBase
from newsreader.tui.widgets.facets_panel import FacetsPanel

#: Views up to this many rows get their published split counted on the UI thread (~5 ms).
INLINE_COUNT = 20_000
#: ... and their facets (~5 ms).
INLINE_FACETS = 4_000


class FacetsView(MainScreenBase):
    """Keeps the view's counts and facets current, and turns a chosen facet into a query term."""

    @property
    def facets_panel(self) -> FacetsPanel:
        """The facets panel."""
        return self.query_one("#facets", FacetsPanel)

    def action_toggle_facets(self) -> None:
        """F: show or hide the facets of the view (shown, it takes the focus)."""
        self.facets_shown = not self.facets_shown
        self.set_class(self.facets_shown, "-facets")
        if self.facets_shown:
            self._facets_for = None
            self.update_status()
            self.set_focus(self.facets_panel.values)
        elif self.app.focused is self.facets_panel.values:
            self.set_focus(self.articles)

    @on(FacetsPanel.Selected)
    def _on_facet_selected(self, message: FacetsPanel.Selected) -> None:
        term = facet_term(message.kind, message.value)
        if term is None:
            self.notify(f"No query term names {message.kind} {message.value!r}")
            return
        query = add_term(self.filter_query.text, term)
        if query == self.filter_query.text.strip():
            self.notify(f"The filter has {term} already")
            return
        self.set_query(query)

    def view_split(self) -> tuple[int, int] | None:
        """Published and unpublished rows of the view; None while a worker counts them.

        Also brings the facets panel up to date when it is shown. Neither is counted while the
        list shows only the first screen of the view (the whole view comes next).
        """
        if self.completing:
            if self.facets_shown:
                self.facets_panel.show_pending()
            return None
        rows, version = self.view, self.index.version
        split = self._split(rows, version)
        facets_stale = self.facets_shown and not _same(self._facets_for, rows, version)
        if facets_stale and len(rows) <= INLINE_FACETS:
            self._show_facets(rows, version)
            facets_stale = False
        if split is None or facets_stale:
            self._count_in_worker(rows, version)
        return split

    def _split(self, rows: list[Article], version: int) -> tuple[int, int] | None:
        if self.filter_query.is_empty and not self.gone:
            # The view is the folder, whose split the index keeps as articles come and go.
            counts = self.index.counts()
            return counts.published, counts.unpublished
        counted = self._counted
        if counted is not None and _same((counted[0], counted[1]), rows, version):
            published = counted[2]
        elif len(rows) <= INLINE_COUNT:
            published = count_published(rows)
            self._counted = (rows, version, published)
        else:
            return None
        return published, len(rows) - published

    def _show_facets(self, rows: list[Article], version: int) -> None:
        facets = view_facets(rows)
        assert facets is not None  # nothing cancels it
        self._facets_for = (rows, version)
        self.facets_panel.show_facets(facets)

    def _count_in_worker(self, rows: list[Article], version: int) -> None:
        if self.facets_shown:
            self.facets_panel.show_pending()
        if self._counting:
            return  # one at a time: its result asks again for the view as it is then
        self._counting = True
        with_facets = self.facets_shown
        self.run_worker(
            lambda: self._count(rows, version, with_facets),
            thread=True,
            group="facets",
            description="count the view",
            exit_on_error=False,
        )

    def _count(self, rows: list[Article], version: int, with_facets: bool) -> None:
        worker = get_current_worker()
        if with_facets:
            facets = view_facets(rows, cancelled=lambda: worker.is_cancelled)
            if facets is None:
                return
            self.post_message(ViewCounted(rows, version, facets.published, facets))
        else:
            self.post_message(ViewCounted(rows, version, count_published(rows)))

    @on(Worker.StateChanged)
    def _count_failed(self, event: Worker.StateChanged) -> None:
        # A count that raised or was cancelled posts nothing: let the next one start.
        if event.worker.group != "facets":
            return
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self._counting = False
        if event.state == WorkerState.ERROR:
            self.notify(f"Could not count the view: {event.worker.error}", severity="error")

    def on_view_counted(self, message: ViewCounted) -> None:
        """A worker counted a view: keep it, and count again if the view moved on."""
        self._counting = False
        self._counted = (message.rows, message.version, message.published)
        if message.facets is not None and self.facets_shown:
            self._facets_for = (message.rows, message.version)
            self.facets_panel.show_facets(message.facets)
        self.update_status()


def _same(counted: tuple[list[Article], int] | None, rows: list[Article], version: int) -> bool:
    """Whether counts were made for this very row list at this index version."""
    # By identity: comparing two lists of 100,000 articles would compare every article.
    return counted is not None and counted[0] is rows and counted[1] == version
