"""Triage: change the ``published`` flag of articles through the flag writer, with undo.

Both the CLI and the app go through :class:`Triage`, so every change is written the same safe
way, journalled the same way and undoable from either. After every write (or refusal) the article
is re-read from disk, so the index always shows what the file really holds.

The journal is written ahead: each chunk of files is recorded (exact old and new flag text,
content digests before and after, the temporary name) and fsynced before any of them is written,
all under the journal's lock, so a process killed mid-batch leaves a batch that one undo reverts
exactly. Undo and redo only write over a file that is still what the journal says it left; a file
changed since is skipped and reported, never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import Article, BadFile, content_digest
from newsreader.reading.loader import VANISHED, load_file
from newsreader.site import rules as site_rules
from newsreader.writing.flagwriter import (
    ConflictError,
    FileState,
    FlagEditError,
    Folder,
    VanishedError,
    WriteError,
    edit_flag,
    edit_flag_tokens,
    flag_token,
    set_flag_token,
    temp_name,
    token_meaning,
)
from newsreader.writing.journal import Batch, Change, Journal, OpenOperation

#: Files whose intents are journalled with one write and fsync before any of them is written.
CHUNK = 64

#: Told ``(done, total)`` after each chunk of a batch is written (the app draws a progress bar).
Progress = Callable[[int, int], object]


@dataclass(slots=True)
class Failure:
    """A change that could not be made (or, in ``Outcome.skipped``, was left alone on purpose)."""

    id: str
    message: str


@dataclass(slots=True)
class Outcome:
    """What one triage action did."""

    changed: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    batch: Batch | None = None
    #: Undo/redo: files changed on disk since the batch, left as they are.
    skipped: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed and nothing was skipped."""
        return not self.failed and not self.skipped


def flag_state(article: Article) -> bool | None:
    """The value to write back to restore an article's flag (None: no key at all)."""
    return article.flag if article.has_flag and article.flag is not None else None


def _restore_value(article: Article) -> bool | None:
    # What the flag means to Jekyll (a non-boolean one: its truth, null hides); the journal
    # also keeps its exact text, which is what undo writes back.
    if article.has_flag and article.flag is None:
        return article.renders
    return flag_state(article)


def _already(article: Article, published: bool) -> bool:
    """The site already does what was asked: shows the page now, or its flag hides it."""
    if published:
        return article.published
    return not article.renders and not article.site_problem


@dataclass(frozen=True, slots=True)
class _Write:
    """One file about to be written: the change (as journalled), what was read, the new bytes."""

    change: Change
    state: FileState
    data: bytes
    tmp: str


class _Skip(Exception):
    """Undo/redo leaves this file as it is; the message says why."""


def _hex(data: bytes) -> str:
    return content_digest(data).hex()


def _chunks(items: Sequence[Change]) -> Iterator[tuple[int, Sequence[Change]]]:
    """Consecutive chunks of ``CHUNK`` changes, each with the offset it starts at."""
    for start in range(0, len(items), CHUNK):
        yield start, items[start : start + CHUNK]


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
        return self.plan_decisions(dict.fromkeys(ids, published))

    def plan_decisions(self, decisions: Mapping[str, bool]) -> tuple[list[Change], list[Failure]]:
        """The changes ``decisions`` (id: publish it?) would make, in their order, and the ids
        refused, by the rules of :meth:`plan` (a file already so is left out)."""
        changes, missing = [], []
        for article_id, published in decisions.items():
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

    def decide(
        self,
        decisions: Mapping[str, bool],
        label: str = "decide",
        progress: Progress | None = None,
        required: Iterable[str] = (),
    ) -> Outcome:
        """Publish some articles and unpublish others as ONE journal batch: one undo step.

        ``decisions`` maps ids to the flag they should have (see :func:`story_decisions`);
        files already so are left alone and listed unchanged, refusals are listed failed.
        When one of the ``required`` ids is refused (the lead of a story cannot be
        published, say), nothing at all is written: unpublishing the rest would take the
        story off the site.
        """
        decisions = dict(decisions)
        with self.journal.locked():
            self.recover()
            changes, missing = self.plan_decisions(decisions)
            needed = set(required)
            if any(f.id in needed for f in missing):
                outcome = Outcome()
                outcome.failed = missing
                refused = {f.id for f in missing}
                outcome.unchanged = [i for i in decisions if i not in refused and i in self.index]
                return outcome
            outcome = self._publish(changes, label, progress)
        outcome.failed[:0] = missing
        planned = {c.id for c in changes} | {f.id for f in missing}
        outcome.unchanged += [i for i in decisions if i not in planned and i in self.index]
        return outcome

    def _why_not_indexed(self, article_id: str) -> str:
        bad = self.index.bad_file(article_id)
        if bad is None:
            return "no such article"
        return f"the app cannot read this file safely ({bad.describe()}); {bad.site_words}"

    def set_published(
        self,
        ids: Iterable[str],
        published: bool,
        label: str = "",
        progress: Progress | None = None,
    ) -> Outcome:
        """Set the flag on every article named; journal the changes made as one batch.

        ``progress(done, total)`` is told how many of the files to change were handled after
        each chunk.
        """
        verb = "publish" if published else "unpublish"
        return self.decide(dict.fromkeys(ids, published), label or verb, progress)

    def revert(self, tokens: Mapping[str, str | None], label: str = "revert") -> Outcome:
        """Write back the exact flag text ``tokens[id]`` (None: no key) as one undoable batch.

        Review uses this to take back a change not yet committed: the file gets its former
        flag line byte for byte, journalled like any publish, so undo brings the change back.
        """
        with self.journal.locked():
            self.recover()
            changes, missing = [], []
            for article_id, token in tokens.items():
                article = self.index.get(article_id)
                if article is None:
                    missing.append(Failure(article_id, self._why_not_indexed(article_id)))
                else:
                    meaning = token_meaning(token)
                    old = _restore_value(article)
                    changes.append(Change(article_id, old, meaning, (None, token)))
            outcome = self._publish(changes, label)
        outcome.failed[:0] = missing
        return outcome

    def undo(self, progress: Progress | None = None) -> Outcome | None:
        """Revert the last batch (None when there is nothing to undo)."""
        with self.journal.locked():
            self.recover()
            batch = self.journal.peek_undo()
            return None if batch is None else self._step(batch, False, progress)

    def redo(self, progress: Progress | None = None) -> Outcome | None:
        """Re-apply the last undone batch (None when there is nothing to redo)."""
        with self.journal.locked():
            self.recover()
            batch = self.journal.peek_redo()
            return None if batch is None else self._step(batch, True, progress)

    def recover(self) -> OpenOperation | None:
        """Close in the journal an operation whose process died, removing its temporary files.

        An interrupted batch becomes the next undo. Every action does this first; the CLI and
        the app also do it when they open a folder.
        """
        with self.journal.locked():
            if self.journal.open_operation() is None:
                return None
            with Folder(self.index.root) as folder:
                return self.journal.recover(folder.remove_temp)

    # ------------------------------------------------------------------------------ batches

    def _publish(
        self, changes: list[Change], label: str, progress: Progress | None = None
    ) -> Outcome:
        outcome = Outcome()
        if not changes:
            return outcome
        with self._folder(changes, outcome) as folder:
            if folder is None:
                return outcome
            number = self.journal.begin(label)
            for start, chunk in _chunks(changes):
                ready = [w for c in chunk if (w := self._prepare(folder, c, outcome))]
                # Intent before change: if this cannot be journalled, none of them is written.
                self.journal.intend(number, [w.change for w in ready])
                for write in ready:
                    self._install(folder, write, outcome)
                folder.sync()
                if progress is not None:
                    progress(min(start + CHUNK, len(changes)), len(changes))
            outcome.batch = self.journal.end(number, len(outcome.changed))
        return outcome

    def _prepare(self, folder: Folder, change: Change, outcome: Outcome) -> _Write | None:
        """Read the file and work out its new bytes; None (and a failure) when it cannot be."""
        article = self.index.get(change.id)
        try:
            state = folder.read(change.id)
            if article is not None and state.stamp != article.stamp:
                path = self.index.root / change.id
                raise ConflictError(f"{path} changed on disk since it was read; reload it first")
            if change.tokens is None:
                data, old, new = edit_flag_tokens(state.data, change.new)
            else:  # a revert: the exact former text, not only its meaning
                old, new = flag_token(state.data), change.tokens[1]
                data = set_flag_token(state.data, new)
        except WriteError as exc:
            outcome.failed.append(Failure(change.id, str(exc)))
            self.reload(change.id)
            return None
        if data == state.data:
            outcome.unchanged.append(change.id)
            return None
        tmp = temp_name()
        before, after = _hex(state.data), _hex(data)
        meaning = token_meaning(old)
        change = replace(
            change, old=meaning, tokens=(old, new), before=before, after=after, tmp=tmp
        )
        return _Write(change, state, data, tmp)

    def _install(self, folder: Folder, write: _Write, outcome: Outcome) -> bool:
        """Write one prepared file; on failure, say why."""
        article_id = write.change.id
        try:
            folder.write(article_id, write.data, write.state, write.tmp)
        except WriteError as exc:
            outcome.failed.append(Failure(article_id, str(exc)))
            return False
        finally:
            self.reload(article_id)
        outcome.changed.append(write.change)
        return True

    # ------------------------------------------------------------------------------ undo, redo

    def _step(self, batch: Batch, forward: bool, progress: Progress | None = None) -> Outcome:
        """Undo (or redo) ``batch``; the journal marks it only when no write failed."""
        do = "redo" if forward else "undo"
        outcome = Outcome(batch=batch)
        changes = list(batch.changes)
        with self._folder(changes, outcome) as folder:
            if folder is None:
                return outcome
            for start, chunk in _chunks(changes):
                ready = [w for c in chunk if (w := self._prepare_step(folder, c, forward, outcome))]
                if ready:
                    self.journal.intend_step(batch, do, [(w.change.id, w.tmp) for w in ready])
                for write in ready:
                    self._install_step(folder, write, outcome)
                folder.sync()
                if progress is not None:
                    progress(min(start + CHUNK, len(changes)), len(changes))
        if outcome.failed:
            # Left to do: a later undo finds the files done so far already reverted.
            if self.journal.open_operation() is not None:
                self.journal.close_step(batch.number)
        elif forward:
            self.journal.mark_redone(batch)
        else:
            self.journal.mark_undone(batch)
        return outcome

    def _prepare_step(
        self, folder: Folder, change: Change, forward: bool, outcome: Outcome
    ) -> _Write | None:
        try:
            state = folder.read(change.id)
            data = _step_bytes(state.data, change, forward)
        except (_Skip, VanishedError, FlagEditError) as exc:
            outcome.skipped.append(Failure(change.id, f"{exc}; left as is"))
            self.reload(change.id)
            return None
        except WriteError as exc:
            outcome.failed.append(Failure(change.id, str(exc)))
            self.reload(change.id)
            return None
        if data is None:
            outcome.unchanged.append(change.id)  # already so: the write never happened or
            self.reload(change.id)  # a killed undo made it; either way it is done
            return None
        return _Write(change, state, data, temp_name())

    def _install_step(self, folder: Folder, write: _Write, outcome: Outcome) -> None:
        try:
            folder.write(write.change.id, write.data, write.state, write.tmp)
        except ConflictError as exc:
            outcome.skipped.append(Failure(write.change.id, f"{exc}; left as is"))
        except WriteError as exc:
            outcome.failed.append(Failure(write.change.id, str(exc)))
        else:
            outcome.changed.append(write.change)
        finally:
            self.reload(write.change.id)

    # ------------------------------------------------------------------------------ helpers

    def _folder(self, changes: list[Change], outcome: Outcome) -> _FolderOrFail:
        return _FolderOrFail(self.index.root, changes, outcome)

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


class _FolderOrFail:
    """Open the folder for a batch; if it cannot be opened every change fails with why."""

    def __init__(self, root: Path, changes: list[Change], outcome: Outcome) -> None:
        self._root = root
        self._changes = changes
        self._outcome = outcome
        self._folder: Folder | None = None

    def __enter__(self) -> Folder | None:
        try:
            # One directory fsync per chunk, made before the journal records the chunk done.
            self._folder = Folder(self._root, defer_dir_sync=True)
        except WriteError as exc:
            self._outcome.failed += [Failure(c.id, str(exc)) for c in self._changes]
        return self._folder

    def __exit__(self, *exc: object) -> None:
        if self._folder is not None:
            self._folder.close()


def _step_bytes(data: bytes, change: Change, forward: bool) -> bytes | None:
    """The bytes undo (or redo) writes over ``data``; None when the file already has them.

    Raises :class:`_Skip` when the file is neither what the batch left nor what it found.
    """
    if change.tokens is None or not change.before or not change.after:
        return _step_by_meaning(data, change, forward)
    source, target = (change.before, change.after) if forward else (change.after, change.before)
    digest = _hex(data)
    if digest == target:
        return None
    if digest != source:
        raise _Skip("changed on disk since this change")
    new = set_flag_token(data, change.tokens[1] if forward else change.tokens[0])
    if _hex(new) != target:
        raise _Skip("its exact former bytes cannot be restored")
    return new


def _step_by_meaning(data: bytes, change: Change, forward: bool) -> bytes | None:
    """Undo or redo a change journalled by an older version, which kept only flag meanings."""
    source, target = (change.old, change.new) if forward else (change.new, change.old)
    now = token_meaning(flag_token(data))
    if now == target:
        return None
    if now != source:
        raise _Skip("changed on disk since this change")
    return edit_flag(data, target)


def story_decisions(member_ids: Sequence[str], lead: str) -> dict[str, bool]:
    """What deciding a story writes: its ``lead`` published, every other member unpublished.

    ``member_ids`` are the story's articles (any order); the lead comes first in the result,
    which is the order the batch is written and described in.
    """
    if lead not in member_ids:
        raise ValueError(f"{lead} is not a member of the story")
    return {lead: True, **{i: False for i in member_ids if i != lead}}
