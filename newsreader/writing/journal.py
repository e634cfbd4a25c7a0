"""The per-folder undo journal: an append-only, write-ahead JSON Lines file of flag changes.

A batch is written ahead of the files it changes, so that a process killed in the middle of one
leaves a journal that names every file it may have changed:

- ``{"op": "begin", "n": 7, "time": 1700000000.0, "label": "..."}`` opens batch 7;
- ``{"op": "file", "n": 7, "id": "a/b.md", "old": "false", "new": "true", "before": "<hex>",
  "after": "<hex>", "tmp": ".newsreader-<hex>.tmp"}`` is written (and fsynced) *before* that file
  is written: ``old``/``new`` are the exact value tokens of the flag line (``null``: no key),
  ``before``/``after`` the content digests of the whole file, ``tmp`` the temporary file about
  to be created (so that recovery can remove exactly it);
- ``{"op": "end", "n": 7, "count": 3}`` closes it (``"interrupted": true`` when recovery closed
  it for a process that died; ``count`` 0 drops a batch that changed nothing);
- ``{"op": "step", "n": 7, "do": "undo", "tmps": [["a/b.md", ".newsreader-….tmp"], ...]}``
  names the temporary files an undo or redo is about to create;
- ``{"op": "undo", "n": 7}`` / ``{"op": "redo", "n": 7}`` say batch 7 was fully undone or
  redone; ``{"op": "close", "n": 7}`` ends a step that did not complete (it stays to do).

Earlier versions wrote one ``{"op": "batch", ..., "changes": [...]}`` line per batch, with
boolean values and no digests; those still load.

Every append is one ``write`` with ``O_APPEND`` followed by ``fsync``; a crash leaves at most one
torn last line, which loading skips, as it skips foreign lines. Instances (the app and the CLI)
share the file: :meth:`Journal.locked` takes an exclusive ``flock`` on a lock file next to it and
reads what others appended, so numbers are never reused and a ``begin`` without ``end`` seen under
the lock is a batch whose process died (:meth:`Journal.open_operation`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.writing.flagwriter import token_meaning

__all__ = ["Batch", "Change", "Journal", "JournalError", "OpenOperation"]


@dataclass(frozen=True)
class Change:
    """One file's flag change: ``old`` is what undo writes back, ``new`` what redo writes.

    ``old``/``new`` are what the flag means (None: no key). Once written, ``tokens`` holds the
    exact old and new value texts and ``before``/``after`` the file's content digests (hex):
    undo and redo write exact bytes, and only over a file that is still what the journal wrote.
    """

    id: str
    old: bool | None
    new: bool | None
    tokens: tuple[str | None, str | None] | None = field(default=None, compare=False)
    before: str = field(default="", compare=False)
    after: str = field(default="", compare=False)
    tmp: str = field(default="", compare=False)


@dataclass(frozen=True)
class Batch:
    """Changes made by one user action, undone and redone as one."""

    number: int
    changes: tuple[Change, ...]
    time: float
    label: str
    #: Closed by recovery: its process died while writing it.
    interrupted: bool = False


@dataclass(frozen=True)
class OpenOperation:
    """A batch or step begun in the journal and not closed (its process died, under the lock)."""

    kind: str  # "batch", "undo" or "redo"
    number: int
    #: (file id, temporary name) pairs it may have left behind.
    temps: tuple[tuple[str, str], ...]


class JournalError(Exception):
    """The journal file could not be read or appended to; the message is one line."""


@dataclass
class _Open:
    kind: str
    number: int
    time: float = 0.0
    label: str = ""
    changes: list[Change] = field(default_factory=list)
    temps: list[tuple[str, str]] = field(default_factory=list)


class Journal:
    """The undo and redo stacks of one folder, persisted in the JSON Lines file at ``path``."""

    def __init__(self, path: Path) -> None:
        """Load the journal at ``path``; a missing file is an empty journal."""
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._undo: list[Batch] = []
        self._redo: list[Batch] = []
        self._next = 1
        self._open: _Open | None = None
        self._offset = 0  # bytes of the file already replayed (whole lines only)
        self._torn = False  # the file ends in a partial line
        self._lock_fd = -1
        self._depth = 0
        self._refresh()

    # ------------------------------------------------------------------------------ queries

    def peek_undo(self) -> Batch | None:
        """The batch the next undo reverts, if any."""
        return self._undo[-1] if self._undo else None

    def peek_redo(self) -> Batch | None:
        """The batch the next redo re-applies, if any."""
        return self._redo[-1] if self._redo else None

    def history(self) -> list[Batch]:
        """The batches currently done (undoable), oldest first."""
        return list(self._undo)

    def open_operation(self) -> OpenOperation | None:
        """The batch or step begun and not closed; under :meth:`locked`, one whose process died."""
        op = self._open
        return None if op is None else OpenOperation(op.kind, op.number, tuple(op.temps))

    # ------------------------------------------------------------------------------ locking

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's journal lock (re-entrant) and catch up with what others appended."""
        if self._depth == 0:
            self._acquire()
        self._depth += 1
        try:
            if self._depth == 1:
                self._refresh()
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                os.close(self._lock_fd)  # closing the descriptor releases the flock
                self._lock_fd = -1

    def _acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise JournalError(f"cannot lock journal {self.path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            os.close(fd)
            raise JournalError(f"cannot lock journal {self.path}: {exc.strerror or exc}") from exc
        self._lock_fd = fd

    # ------------------------------------------------------------------------------ batches

    def begin(self, label: str) -> int:
        """Open a new batch (under the lock) and return its number; it clears redo once ended."""
        self._require_lock()
        if self._open is not None:
            raise ValueError(f"operation {self._open.number} is still open: recover it first")
        number = self._next
        self._append([{"op": "begin", "n": number, "time": time.time(), "label": label}])
        return number

    def intend(self, number: int, changes: Sequence[Change]) -> None:
        """Record, in one write and fsync, the files about to be written by batch ``number``."""
        if changes:
            self._require_open("batch", number)
            self._append([_file_record(number, change) for change in changes])

    def end(self, number: int, count: int, *, interrupted: bool = False) -> Batch | None:
        """Close batch ``number``; with changes it becomes the next undo (None when it has none)."""
        self._require_open("batch", number)
        record: dict[str, Any] = {"op": "end", "n": number, "count": count}
        if interrupted:
            record["interrupted"] = True
        self._append([record])
        top = self.peek_undo()
        return top if top is not None and top.number == number else None

    def record(self, changes: Iterable[Change], label: str = "") -> Batch:
        """Journal a whole batch at once (begin, every file, end); it becomes the next undo."""
        changes = tuple(changes)
        if not changes:
            raise ValueError("a batch needs at least one change")
        with self.locked():
            number = self.begin(label)
            self.intend(number, changes)
            batch = self.end(number, len(changes))
        assert batch is not None
        return batch

    def recover(self, remove_temp: Callable[[str, str], object]) -> OpenOperation | None:
        """Close an operation whose process died, after removing the temporary files it named.

        ``remove_temp(id, tmp)`` removes one. An interrupted batch is ended (flagged
        interrupted) so that it becomes the next undo; an interrupted undo or redo is closed,
        leaving its batch to do again. Returns what was recovered, if anything.
        """
        with self.locked():
            op = self.open_operation()
            if op is None:
                return None
            for article_id, tmp in op.temps:
                remove_temp(article_id, tmp)
            if op.kind == "batch":
                self.end(op.number, -1, interrupted=True)
            else:
                self.close_step(op.number)
            return op

    # ------------------------------------------------------------------------------ steps

    def intend_step(self, batch: Batch, do: str, temps: Sequence[tuple[str, str]]) -> None:
        """Record the temporary files an undo or redo of ``batch`` is about to create."""
        self._require_lock()
        if self._open is not None and (self._open.kind, self._open.number) != (do, batch.number):
            raise ValueError(f"operation {self._open.number} is still open: recover it first")
        self._append(
            [{"op": "step", "n": batch.number, "do": do, "tmps": [list(t) for t in temps]}]
        )

    def mark_undone(self, batch: Batch) -> None:
        """Record that ``batch`` (the top of the undo stack) was undone by the caller."""
        with self.locked():
            if self.peek_undo() != batch:
                raise ValueError(f"batch {batch.number} is not the next one to undo")
            self._append([{"op": "undo", "n": batch.number}])

    def mark_redone(self, batch: Batch) -> None:
        """Record that ``batch`` (the top of the redo stack) was redone by the caller."""
        with self.locked():
            if self.peek_redo() != batch:
                raise ValueError(f"batch {batch.number} is not the next one to redo")
            self._append([{"op": "redo", "n": batch.number}])

    def close_step(self, number: int) -> None:
        """End an undo or redo that did not complete: its batch stays where it was."""
        self._require_lock()
        self._append([{"op": "close", "n": number}])

    # ------------------------------------------------------------------------------ internals

    def _require_lock(self) -> None:
        if self._depth == 0:
            raise ValueError("the journal must be locked (Journal.locked) for this")

    def _require_open(self, kind: str, number: int) -> None:
        self._require_lock()
        if self._open is None or (self._open.kind, self._open.number) != (kind, number):
            raise ValueError(f"{kind} {number} is not open")

    def _refresh(self) -> None:
        """Replay the whole lines appended since the last look (by us or another instance)."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise JournalError(f"cannot read journal {self.path}: {exc.strerror or exc}") from exc
        whole = data.rfind(b"\n") + 1
        self._torn = whole < len(data)
        self._offset += whole
        for line in data[:whole].splitlines():
            self._replay(line)

    def _replay(self, line: bytes) -> None:
        """Apply one record; anything malformed (a torn write, a foreign line) is skipped."""
        try:
            record = json.loads(line)
        except ValueError:
            return
        if not isinstance(record, dict):
            return
        number = record.get("n")
        if not isinstance(number, int) or isinstance(number, bool):
            return
        handler = _HANDLERS.get(record.get("op"))  # type: ignore[arg-type]
        if handler is not None:
            handler(self, record, number)

    def _on_batch(self, record: dict[str, Any], number: int) -> None:
        batch = _parse_batch(record, number)
        if batch is not None:
            self._push(batch)

    def _on_begin(self, record: dict[str, Any], number: int) -> None:
        stamp, label = _time(record.get("time")), record.get("label", "")
        if stamp is None or not isinstance(label, str):
            return
        self._open = _Open("batch", number, stamp, label)
        self._next = max(self._next, number + 1)

    def _on_file(self, record: dict[str, Any], number: int) -> None:
        change = _parse_file(record)
        if change is None or not self._is_open("batch", number):
            return
        assert self._open is not None
        self._open.changes.append(change)
        if change.tmp:
            self._open.temps.append((change.id, change.tmp))

    def _on_end(self, record: dict[str, Any], number: int) -> None:
        if not self._is_open("batch", number):
            return
        assert self._open is not None
        op, self._open = self._open, None
        if record.get("count") != 0 and op.changes:
            interrupted = record.get("interrupted") is True
            self._push(Batch(number, tuple(op.changes), op.time, op.label, interrupted))

    def _on_step(self, record: dict[str, Any], number: int) -> None:
        do, temps = record.get("do"), record.get("tmps")
        if do not in ("undo", "redo") or not isinstance(temps, list):
            return
        if not self._is_open(do, number):
            self._open = _Open(do, number)
        assert self._open is not None
        self._open.temps += [
            (t[0], t[1]) for t in temps if isinstance(t, list) and len(t) == 2 and _strs(t)
        ]

    def _on_undo(self, record: dict[str, Any], number: int) -> None:
        self._close_step(number)
        # A marker only applies to the batch on top of its stack; a stray one is ignored.
        if self._undo and self._undo[-1].number == number:
            self._redo.append(self._undo.pop())

    def _on_redo(self, record: dict[str, Any], number: int) -> None:
        self._close_step(number)
        if self._redo and self._redo[-1].number == number:
            self._undo.append(self._redo.pop())

    def _on_close(self, record: dict[str, Any], number: int) -> None:
        self._close_step(number)
        if self._is_open("batch", number):
            self._open = None

    def _close_step(self, number: int) -> None:
        if self._open is not None and self._open.kind != "batch" and self._open.number == number:
            self._open = None

    def _is_open(self, kind: str, number: int) -> bool:
        return self._open is not None and (self._open.kind, self._open.number) == (kind, number)

    def _push(self, batch: Batch) -> None:
        self._undo.append(batch)
        self._redo.clear()
        self._next = max(self._next, batch.number + 1)

    def _append(self, records: list[dict[str, Any]]) -> None:
        """Append records in one write and fsync, then replay them (and anything before them)."""
        # ASCII-only JSON: an undecodable file name (a lone surrogate) survives as an escape.
        text = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
        # After a torn last line the next append must start on a fresh line, or it would be
        # glued to (and lost with) the broken one.
        payload = (("\n" if self._torn else "") + text).encode("ascii")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                # One write: O_APPEND makes it land after anything else, whole.
                written = os.write(fd, payload)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise JournalError(f"cannot write journal {self.path}: {exc.strerror or exc}") from exc
        if written != len(payload):
            raise JournalError(f"cannot write journal {self.path}: short write (disk full?)")
        self._refresh()


_HANDLERS = {
    "batch": Journal._on_batch,
    "begin": Journal._on_begin,
    "file": Journal._on_file,
    "end": Journal._on_end,
    "step": Journal._on_step,
    "undo": Journal._on_undo,
    "redo": Journal._on_redo,
    "close": Journal._on_close,
}


def _file_record(number: int, change: Change) -> dict[str, Any]:
    record: dict[str, Any] = {"op": "file", "n": number, "id": change.id}
    if change.tokens is None:  # no exact text known: the meaning, as older versions wrote
        record.update(old=change.old, new=change.new, flags=True)
    else:
        record.update(old=change.tokens[0], new=change.tokens[1])
    record.update(before=change.before, after=change.after, tmp=change.tmp)
    return record


def _parse_file(record: dict[str, Any]) -> Change | None:
    ident, old, new = record.get("id"), record.get("old"), record.get("new")
    before, after, tmp = record.get("before", ""), record.get("after", ""), record.get("tmp", "")
    if not isinstance(ident, str) or not _strs([before, after, tmp]):
        return None
    if record.get("flags") is True:
        if not _is_flag(old) or not _is_flag(new):
            return None
        return Change(ident, old, new, None, before, after, tmp)
    if not _is_token(old) or not _is_token(new):
        return None
    tokens = (old, new)
    return Change(ident, token_meaning(old), token_meaning(new), tokens, before, after, tmp)


def _parse_batch(record: dict[str, Any], number: int) -> Batch | None:
    """The batch an old-style ``batch`` record describes, or None when any part is malformed."""
    stamp, label, raw = _time(record.get("time")), record.get("label", ""), record.get("changes")
    if stamp is None or not isinstance(label, str) or not isinstance(raw, list) or not raw:
        return None
    changes = [_parse_change(item) for item in raw]
    if any(change is None for change in changes):
        return None
    return Batch(number, tuple(c for c in changes if c is not None), stamp, label)


def _parse_change(item: Any) -> Change | None:
    if not isinstance(item, dict):
        return None
    ident, old, new = item.get("id"), item.get("old"), item.get("new")
    if not isinstance(ident, str) or not _is_flag(old) or not _is_flag(new):
        return None
    return Change(ident, old, new)


def _is_flag(value: Any) -> bool:
    return value is None or isinstance(value, bool)


def _is_token(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _time(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _strs(values: list[Any]) -> bool:
    return all(isinstance(v, str) for v in values)
