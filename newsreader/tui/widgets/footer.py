"""The footer, with the keys a newcomer needs most first, so a narrow terminal keeps them.

Textual's footer lists the focused widget's keys first and the app's last; at 80 columns the
row is cut after "r Relate", dropping "? Help" and "q Quit", the two a newcomer needs most.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Actions shown first, in this order.
FIRST = ("help", "quit")


class NewsFooter(Footer):
    """Textual's footer with the :data:`FIRST` actions moved to the front."""

    def compose(self) -> ComposeResult:
        """Textual's keys, reordered (this footer shows no key groups, so all are FooterKeys)."""
        keys = list(super().compose())
        first = sorted(
            (k for k in keys if isinstance(k, FooterKey) and k.action in FIRST),
            key=lambda k: FIRST.index(k.action),
        )
        yield from first
        yield from (k for k in keys if k not in first)
