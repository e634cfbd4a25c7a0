"""Review: the flag changes this app made that are not committed yet, and taking them back.

Inside a git work tree an item is a file the journal touched whose only change from HEAD is
its ``published:`` value (what :func:`~newsreader.writing.gitfolder.commit_flags` would
commit); its old value is HEAD's. Outside git it is a file changed by the journal's done
batches that is still exactly what the last of them left; its old value is what the first of
them found. Reverting writes the old value text back through :meth:`Triage.revert`, as its own
batch, so that undo brings the change back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import content_digest
from newsreader.writing.gitfolder import changed_files, toplevel
from newsreader.writing.journal import Change, Journal
from newsreader.writing.triage import Failure, Outcome, Triage

__all__ = ["ReviewItem", "pending", "revert"]

NOT_PENDING = "no uncommitted flag change by this app to revert"


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One file whose flag this app changed and that is not committed yet."""

    id: str
    #: The flag's value text before (what a revert writes back) and now; None: no key.
    old: str | None
    new: str | None
    title: str = ""
    #: Whether the change is in a commit; review lists only uncommitted ones (for the JSON).
    committed: bool = False

    @property
    def diff(self) -> list[str]:
        """The change as a diff of the one line: ``- published: false``, ``+ published: true``.

        A side with no key has no line.
        """
        lines = []
        if self.old is not None:
            lines.append(_line("-", self.old))
        if self.new is not None:
            lines.append(_line("+", self.new))
        return lines


def _line(sign: str, token: str) -> str:
    return f"{sign} published:{' ' if token else ''}{token}"


def pending(index: ArticleIndex, journal: Journal, in_git: bool | None = None) -> list[ReviewItem]:
    """Every file whose flag this app changed and that is not committed, sorted by id.

    ``in_git`` says whether the folder is in a git work tree when the caller knows (the app
    asks once, at open); None asks git.
    """
    with journal.locked():  # read what other instances appended
        batches = journal.history()
    changes = [c for batch in batches for c in batch.changes]
    if in_git is None:
        in_git = toplevel(index.root) is not None
    items = _in_git(index, {c.id for c in changes}) if in_git else _outside_git(index, changes)
    return sorted(items, key=lambda item: item.id)


def _title(index: ArticleIndex, article_id: str) -> str:
    article = index.get(article_id)
    return article.title if article is not None else ""


def _in_git(index: ArticleIndex, touched: set[str]) -> list[ReviewItem]:
    return [
        ReviewItem(s.id, s.head_token, s.work_token, _title(index, s.id))
        for s in changed_files(index.root)
        if s.flag_only and s.id in touched
    ]


def _outside_git(index: ArticleIndex, changes: Iterable[Change]) -> list[ReviewItem]:
    first: dict[str, Change] = {}
    last: dict[str, Change] = {}
    for change in changes:
        # Changes journalled by older versions kept no exact text: nothing exact to restore.
        if change.tokens is None or not change.after:
            continue
        first.setdefault(change.id, change)
        last[change.id] = change
    items = []
    for article_id, change in last.items():
        try:
            data = (index.root / article_id).read_bytes()
        except OSError:
            continue
        old, new = first[article_id].tokens, change.tokens
        assert old is not None and new is not None
        # Changed since by someone else, or back where it started: nothing of ours to review.
        if content_digest(data).hex() != change.after or old[0] == new[1]:
            continue
        items.append(ReviewItem(article_id, old[0], new[1], _title(index, article_id)))
    return items


def revert(triage: Triage, ids: Iterable[str]) -> Outcome:
    """Take back the uncommitted flag changes of ``ids`` as one undoable batch."""
    items = {item.id: item for item in pending(triage.index, triage.journal)}
    wanted = list(dict.fromkeys(ids))
    outcome = triage.revert({i: items[i].old for i in wanted if i in items})
    outcome.failed += [Failure(i, NOT_PENDING) for i in wanted if i not in items]
    return outcome
