"""The status line: query state, counts, decisions and progress, on one row."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from newsreader.articles.text import inert


@dataclass(frozen=True)
class StatusInfo:
    """Everything the status line shows; the screen fills it in."""

    shown: int = 0
    #: The shown rows are the first screen of a view still being counted ("counting…").
    counting: bool = False
    #: Of the shown rows, how many the filter hides but were pinned (a followed story).
    pinned: int = 0
    total: int = 0
    #: Of the shown rows (None: still being counted, in a large view).
    published: int | None = 0
    unpublished: int | None = 0
    marked: int = 0
    bad: int = 0
    #: Of the problem files, how many the site still builds (publishes or copies).
    reaching_site: int = 0
    decisions: int = 0
    #: Files whose flag this app changed that are not committed (outside git: not reviewed).
    uncommitted: int = 0
    #: Whether the folder is in a git work tree (it says "uncommitted", else "to review").
    in_git: bool = True
    #: In the queue view: how many shown articles are still unpublished (None: not queueing).
    queue_left: int | None = None
    query: str = ""
    loading: str = ""
    message: str = ""


class StatusBar(Static):
    """Shows a :class:`StatusInfo`; it decides nothing."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def show_info(self, info: StatusInfo) -> None:
        """Render the given state."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if info.loading:
            text.append(f"{info.loading}  ", style="bold yellow")
        if info.counting:
            text.append(f"counting…/{info.total:,} shown", style="bold")
        else:
            text.append(f"{info.shown:,}/{info.total:,} shown", style="bold")
        if info.pinned:
            text.append(f" ({info.pinned:,} pinned)")
        if info.queue_left is not None:
            # Early in the line: at 80 columns the end of it is cut off.
            text.append(f"  queue: {info.queue_left:,} left", style="bold reverse")
        if info.published is None or info.unpublished is None:
            text.append("  ● …  ○ …")
        else:
            text.append(f"  ● {info.published:,}  ○ {info.unpublished:,}")
        if info.marked:
            text.append(f"  ✚ {info.marked:,} marked", style="bold")
        if info.uncommitted:
            # Bold like the marks, no colour: it reads the same under NO_COLOR.
            what = "uncommitted" if info.in_git else "to review"
            text.append(f"  ✎ {info.uncommitted:,} {what}", style="bold")
        if info.bad:
            text.append(f"  ! {info.bad:,} bad", style="bold red")
            if info.reaching_site:
                text.append(f" ({info.reaching_site:,} on the site)", style="bold red")
        text.append(f"  decisions {info.decisions}")
        if info.query:
            text.append("  query: ")
            text.append(inert(info.query), style="italic")
        if info.message:
            text.append(f"  {inert(info.message)}", style="cyan")
        # One row of fixed size whatever it says: no need to lay out the whole screen again
        # (~20 ms at 160x45, measured), after every keystroke and every indexing batch.
        self.update(text, layout=False)
