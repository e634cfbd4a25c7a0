"""Triage: change the ``published`` flag of articles through the flag writer, with undo.

Both the CLI and the app go through :class:`Triage`, so every change is written the same safe
way, journalled the same way and undoable from either. After every write (or refusal) the article
is re-read from disk, so the index always shows what the file really holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from newsreader import site as site_rules
from newsreader.flagwriter import WriteError, set_published
from newsreader.index import ArticleIndex
from newsreader.journal import Batch, Change, Journal
from newsreader.loader import VANISHED, load_file
from newsreader.model import Article, BadFile


@dataclass(slots=True)
class Failure:
    """A change that could not be made."""

    id: str
    message: str


@dataclass(slots=True)
class Outcome:
    """What one triage action did."""

    changed: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    batch: Batch | None = None

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed


def flag_state(article: Article) -> bool | None:
    """The value to write back to restore an article's flag (None: no key at all)."""
    return article.flag if article.has_flag and article.flag is not None else None


def _restore_value(article: Article) -> bool | None:
    # A non-boolean flag cannot be written back as it was: restore its meaning instead.
    if article.has_flag and article.flag is None:
        return True
    return flag_state(article)


def _already(article: Article, published: bool) -> bool:
    """The site already does what was asked: shows the page now, or its flag hides it."""
    if published:
        return article.published
    return not article.renders and not article.site_problem


class Triage:
    """Publishes and unpublishes articles of one index, journalling every change."""

    def __init__(self, index: ArticleIndex, journal: Journal) -> None:
        self.index = index
        self.journal = journal

    def plan(self, ids: Iterable[str], published: bool) -> tuple[list[Change], list[Failure]]:
        """The changes setting ``published`` would make, and the ids it cannot change.

        A change must change what the site does: publishing makes Jekyll render the page now,
        unpublishing makes its flag hide the page. Where the flag cannot do that (Jekyll
        ignores the front matter, the page is dated in the future...) the id is refused with
        the reason, and so is a file the app could not index.
        """
        changes, missing = [], []
        for article_id in dict.fromkeys(ids):
            article = self.index.get(article_id)
            if article is None:
                missing.append(Failure(article_id, self._why_not_indexed(article_id)))
            elif _already(article, published):
                continue
            elif blocker := site_rules.flag_blocker(article, published):
                missing.append(Failure(article_id, blocker))
            else:
                changes.append(Change(article_id, _restore_value(article), published))
        return changes, missing

    def _why_not_indexed(self, article_id: str) -> str:
        bad = self.index.bad_file(article_id)
        if bad is None:
            return "no such article"
        return f"the app cannot read this file safely ({bad.describe()}); {bad.site_words}"

    def set_published(self, ids: Iterable[str], published: bool, label: str = "") -> Outcome:
        """Set the flag on every article named; record the changes made as one batch."""
        ids = list(dict.fromkeys(ids))
        changes, missing = self.plan(ids, published)
        outcome = self._apply(changes, forward=True)
        outcome.failed[:0] = missing
        planned = {c.id for c in changes} | {f.id for f in missing}
        outcome.unchanged = [i for i in ids if i not in planned and i in self.index]
        if outcome.changed:
            verb = "publish" if published else "unpublish"
            outcome.batch = self.journal.record(outcome.changed, label or verb)
        return outcome

    def undo(self) -> Outcome | None:
        """Revert the last batch (None when there is nothing to undo)."""
        batch = self.journal.peek_undo()
        if batch is None:
            return None
        outcome = self._apply(list(batch.changes), forward=False)
        self.journal.mark_undone(batch)
        outcome.batch = batch
        return outcome

    def redo(self) -> Outcome | None:
        """Re-apply the last undone batch (None when there is nothing to redo)."""
        batch = self.journal.peek_redo()
        if batch is None:
            return None
        outcome = self._apply(list(batch.changes), forward=True)
        self.journal.mark_redone(batch)
        outcome.batch = batch
        return outcome

    def _apply(self, changes: list[Change], *, forward: bool) -> Outcome:
        outcome = Outcome()
        for change in changes:
            value = change.new if forward else change.old
            error = self._write(change.id, value)
            if error:
                outcome.failed.append(Failure(change.id, error))
            else:
                outcome.changed.append(change)
        return outcome

    def _write(self, article_id: str, value: bool | None) -> str | None:
        article = self.index.get(article_id)
        if article is None:
            return "no such article"
        try:
            set_published(self.index.root / article_id, value, article.stamp)
        except WriteError as exc:
            return str(exc)
        finally:
            self.reload(article_id)
        return None

    def reload(self, article_id: str) -> None:
        """Re-read one file from disk and hand the result to :meth:`store`."""
        item = load_file(self.index.root, article_id)
        vanished = isinstance(item, BadFile) and item.reason == VANISHED
        self.store(article_id if vanished else item)

    def store(self, item: Article | BadFile | str) -> None:
        """Put a re-read file into the index (a bare id means the file is gone)."""
        if isinstance(item, str):
            self.index.discard(item)
        else:
            self.index.add(item)
