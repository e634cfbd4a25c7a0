"""The owner of the opened folder's review and git state: what is not committed, and committing.

One :class:`GitReview` per main screen. It asks git once, at open, whether the folder is in a
work tree; then it lists the flag changes this app made that are not committed (outside git:
that are still on disk) in a thread worker each time the screen tells it something may have
changed: a write finished (publish, undo, redo, revert), the watcher saw files change, a commit
ran. One listing runs at a time; a request made meanwhile runs once it ends, and a result that
a newer request has overtaken is dropped. The screen routes the workers' messages
(:class:`ReviewCounted`, :class:`CommitPlanned`, :class:`CommitDone`) here; fresh state is
published on :attr:`GitReview.changed`, which the status line and the review screen follow.

The commit flow lives here too: list what a commit takes and leaves out, ask (showing the
generated message), commit in a worker, say what happened.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.screen import Screen
from textual.signal import Signal

from newsreader.articles.index import ArticleIndex
from newsreader.tui.messages import CommitDone, CommitPlanned, ReviewCounted
from newsreader.tui.screens.commit import CommitScreen
from newsreader.writing.gitfolder import changed_files, commit_flags, commit_message, toplevel
from newsreader.writing.journal import Journal
from newsreader.writing.review import ReviewItem, pending

__all__ = ["NOT_IN_GIT", "NO_GIT", "GitReview"]

NOT_IN_GIT = "This folder is not in a git work tree: nothing to commit"
NO_GIT = "Cannot commit: git is not installed (no git command on the PATH)"
#: Hash characters shown after a commit.
SHORT_HASH = 7


class GitReview:
    """What is pending review in one folder, kept up to date off the UI thread."""

    def __init__(self, screen: Screen[Any], index: ArticleIndex, journal_path: Path) -> None:
        self._screen = screen
        self._index = index
        self._journal_path = journal_path
        #: Whether the folder is in a git work tree; None until the first listing is in.
        self.in_git: bool | None = None
        #: The uncommitted flag changes; None until the first listing is in.
        self.items: list[ReviewItem] | None = None
        #: Why the last listing failed ("" when it did not).
        self.error = ""
        #: Published (on the UI thread) each time fresh state is taken in.
        self.changed: Signal[GitReview] = Signal(screen, "git-review")
        self._asked = 0
        self._running = False
        self._committing = False
        # The worker's own journal reader: the writer thread holds the triage's, and a journal
        # object is not for two threads; its own descriptor makes flock exclude the writer.
        self._journal: Journal | None = None

    @property
    def count(self) -> int:
        """How many files are pending (0 until known)."""
        return len(self.items or ())

    # --- listing -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Something may have changed: list again (once the listing running now is done)."""
        self._asked += 1
        if not self._running:
            self._launch()

    def _launch(self) -> None:
        self._running = True
        generation = self._asked
        self._screen.run_worker(
            lambda: self._list(generation),
            thread=True,
            group="review",
            description="review listing",
            exit_on_error=False,
        )

    def _list(self, generation: int) -> None:
        """In a worker: whether in git (asked once), and what is pending; posted to the screen."""
        in_git = self.in_git
        try:
            if in_git is None:
                in_git = toplevel(self._index.root) is not None
            if self._journal is None:
                self._journal = Journal(self._journal_path)
            items = pending(self._index, self._journal, in_git)
        except Exception as exc:  # shown, never raised: the next listing must still run
            message = ReviewCounted(generation, bool(in_git), [], str(exc) or repr(exc))
        else:
            message = ReviewCounted(generation, in_git, items)
        self._screen.post_message(message)

    def take(self, message: ReviewCounted) -> bool:
        """Take in a listing; False when a newer one was asked for meanwhile (it runs now)."""
        self._running = False
        if message.generation != self._asked:
            self._launch()
            return False
        self.in_git = message.in_git
        self.items = message.items
        self.error = message.error
        self.changed.publish(self)
        return True

    # --- committing ----------------------------------------------------------------------

    def title(self, article_id: str) -> str:
        """The article's title (for commit messages); "" when it is not indexed."""
        article = self._index.get(article_id)
        return article.title if article is not None else ""

    def ask_commit(self) -> None:
        """List what a commit takes and leaves out; :meth:`planned` then asks the user."""
        if self.in_git is False:
            missing = shutil.which("git") is None
            self._screen.notify(NO_GIT if missing else NOT_IN_GIT, severity="warning")
            return
        if self._committing:
            self._screen.notify("A commit is already running")
            return
        self._committing = True
        self._screen.run_worker(
            self._plan, thread=True, group="commit", description="commit plan", exit_on_error=False
        )

    def _plan(self) -> None:
        try:
            statuses = changed_files(self._index.root)
        except Exception as exc:  # git missing, not a repository, unreadable: said, not raised
            self._screen.post_message(CommitPlanned([], error=str(exc) or repr(exc)))
            return
        message = commit_message([s for s in statuses if s.flag_only], self.title)
        self._screen.post_message(CommitPlanned(statuses, message))

    def planned(self, message: CommitPlanned) -> None:
        """Ask before committing, with the message and the files left out; or say why not."""
        if message.error:
            self._committing = False
            self._screen.notify(f"Cannot commit: {message.error}", severity="error", timeout=10)
            return
        taken = [s for s in message.statuses if s.flag_only]
        left_out = [s for s in message.statuses if not s.flag_only]
        if not taken:
            self._committing = False
            extra = f" ({len(left_out)} files with other changes left out)" if left_out else ""
            self._screen.notify(f"Nothing to commit{extra}")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._screen.run_worker(
                    self._commit, thread=True, group="commit", exit_on_error=False
                )
            else:
                self._committing = False

        self._screen.app.push_screen(CommitScreen(message.message, len(taken), left_out), answered)

    def _commit(self) -> None:
        try:
            result = commit_flags(self._index.root, self.title)
        except Exception as exc:  # a hook refused, no identity, a lock: said, not raised
            self._screen.post_message(CommitDone(None, str(exc) or repr(exc)))
            return
        self._screen.post_message(CommitDone(result))

    def done(self, message: CommitDone) -> None:
        """Say what the commit did, and list what is pending again."""
        self._committing = False
        say = self._screen.notify
        result = message.result
        if message.error or result is None:
            say(f"Commit failed: {message.error}", severity="error", timeout=15)
        elif not result.commit:
            say("Nothing to commit")
        else:
            n = len(result.committed)
            noun = "file" if n == 1 else "files"
            left = f"; {len(result.left_out)} left out" if result.left_out else ""
            say(f"Committed {n} {noun}: {result.commit[:SHORT_HASH]}{left}", timeout=8)
        self.refresh()
