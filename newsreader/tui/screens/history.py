"""The main screen's history: following related entries, back and forward, like a browser."""

from __future__ import annotations

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
            other.append(self.location)
        self._visit(source.pop())
