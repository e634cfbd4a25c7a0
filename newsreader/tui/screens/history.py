"""The main screen's history: following related entries, back and forward, like a browser.

Following a story never loses the view: one the filter hides is pinned to the list, and each
place on the back and forward stacks keeps the view the user left it in, which ``back`` and
``forward`` put back (query, sort, pins, cursor and scroll).
"""

from __future__ import annotations

from dataclasses import replace

from textual import on

from newsreader.tui.screens.base import Location, MainScreenBase
from newsreader.tui.widgets.related_panel import RelatedPanel


class History(MainScreenBase):
    """Opens related entries and moves back and forward through what was opened."""

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
            self.back_stack.append(self._here())
            self.forward_stack.clear()
        self._visit(location)

    def _here(self) -> Location:
        """The current place, with the view it is shown in."""
        assert self.location is not None
        return replace(self.location, view=self.capture_view())

    def _visit(self, location: Location) -> None:
        if location.view is not None:
            self.restore_view(location.view)
        elif location.external is None:
            pinned = location.article_id in self.pinned
            # The list follows the article it shows; the triage keys act on the list's row.
            self.show_in_view(location.article_id)
            if not pinned and location.article_id in self.pinned:
                self.notify(
                    f"{location.article_id} is outside the filter: pinned to the list "
                    "(backspace goes back)"
                )
        self.show_location(location)

    def action_back(self) -> None:
        """Go back in the related-browsing history."""
        self._step(self.back_stack, self.forward_stack, "Nothing to go back to")

    def action_forward(self) -> None:
        """Go forward in the related-browsing history."""
        self._step(self.forward_stack, self.back_stack, "Nothing to go forward to")

    def _step(self, source: list[Location], other: list[Location], nothing: str) -> None:
        """Visit the top of ``source``; the current place goes on ``other``."""
        if not source:
            self.notify(nothing)
            return
        if self.location is not None:
            other.append(self._here())
        self._visit(source.pop())
