"""The per-folder undo journal: an append-only JSON Lines file of flag changes.

Each line is one record:

- ``{"op": "batch", "n": 7, "time": 1700000000.0, "label": "...", "changes": [...]}``, where
  every change is ``{"id": "relative/path.md", "old": false, "new": true}`` (``null`` means the
  key was missing);
- ``{"op": "undo", "n": 7}`` and ``{"op": "redo", "n": 7}``, markers saying batch 7 was undone or
  redone.

Replaying the records rebuilds the undo and redo stacks, so they survive a restart. The journal
only records; the caller applies a batch's changes (``old`` for undo, ``new`` for redo) and then
marks it. Each append is a single ``write`` of one whole line followed by ``fsync``, so a crash
leaves at most one truncated last line, which loading skips.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Batch", "Change", "Journal", "JournalError"]


@dataclass(frozen=True)
class Change:
    """One file's flag change: ``old`` is what undo writes back, ``new`` what redo writes."""

    id: str
    old: bool | None
    new: bool | None


@dataclass(frozen=True)
class Batch:
    """Changes made by one user action, undone and redone as one."""

    number: int
    changes: tuple[Change, ...]
    time: float
    label: str


class JournalError(Exception):
    """The journal file could not be read or appended to; the message is one line."""


class Journal:
    """The undo and redo stacks of one folder, persisted in the JSON Lines file at ``path``."""

    def __init__(self, path: Path) -> None:
        """Load the journal at ``path``; a missing file is an empty journal."""
        self.path = path
        self._undo: list[Batch] = []
        self._redo: list[Batch] = []
        self._next = 1
        # A crash mid-append can leave a last line without its newline; the next append must
        # start on a fresh line or it would be glued to (and lost with) the broken one.
        self._needs_newline = False
        self._load()

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

    # ------------------------------------------------------------------------------ updates

    def record(self, changes: Iterable[Change], label: str = "") -> Batch:
        """Append a batch of changes just made; it becomes the next undo and clears redo."""
        batch = Batch(self._next, tuple(changes), time.time(), label)
        if not batch.changes:
            raise ValueError("a batch needs at least one change")
        self._append(_batch_record(batch))
        self._push(batch)
        return batch

    def mark_undone(self, batch: Batch) -> None:
        """Record that ``batch`` (the top of the undo stack) was undone by the caller."""
        if self.peek_undo() != batch:
            raise ValueError(f"batch {batch.number} is not the next one to undo")
        self._append({"op": "undo", "n": batch.number})
        self._redo.append(self._undo.pop())

    def mark_redone(self, batch: Batch) -> None:
        """Record that ``batch`` (the top of the redo stack) was redone by the caller."""
        if self.peek_redo() != batch:
            raise ValueError(f"batch {batch.number} is not the next one to redo")
        self._append({"op": "redo", "n": batch.number})
        self._undo.append(self._redo.pop())

    # ------------------------------------------------------------------------------ internals

    def _push(self, batch: Batch) -> None:
        self._undo.append(batch)
        self._redo.clear()
        self._next = max(self._next, batch.number + 1)

    def _load(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise JournalError(f"cannot read journal {self.path}: {exc.strerror or exc}") from exc
        self._needs_newline = bool(data) and not data.endswith(b"\n")
        for line in data.splitlines():
            self._replay(line)

    def _replay(self, line: bytes) -> None:
        """Apply one record; anything malformed (a torn write, a foreign line) is skipped."""
        try:
            record = json.loads(line)
        except ValueError:
            return
        if not isinstance(record, dict):
            return
        op, number = record.get("op"), record.get("n")
        if not isinstance(number, int) or isinstance(number, bool):
            return
        if op == "batch":
            batch = _parse_batch(record, number)
            if batch is not None:
                self._push(batch)
        # A marker only applies to the batch on top of its stack; a stray one is ignored.
        elif op == "undo" and self._undo and self._undo[-1].number == number:
            self._redo.append(self._undo.pop())
        elif op == "redo" and self._redo and self._redo[-1].number == number:
            self._undo.append(self._redo.pop())

    def _append(self, record: dict[str, Any]) -> None:
        # ASCII-only JSON: an undecodable file name (a lone surrogate) survives as an escape.
        line = json.dumps(record, separators=(",", ":")) + "\n"
        if self._needs_newline:
            line = "\n" + line
        payload = line.encode("ascii")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                # One write of the whole line: O_APPEND makes it land after anything else.
                written = os.write(fd, payload)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise JournalError(f"cannot write journal {self.path}: {exc.strerror or exc}") from exc
        if written != len(payload):
            raise JournalError(f"cannot write journal {self.path}: short write (disk full?)")
        self._needs_newline = False


def _batch_record(batch: Batch) -> dict[str, Any]:
    return {
        "op": "batch",
        "n": batch.number,
        "time": batch.time,
        "label": batch.label,
        "changes": [{"id": c.id, "old": c.old, "new": c.new} for c in batch.changes],
    }


def _parse_batch(record: dict[str, Any], number: int) -> Batch | None:
    """The batch a record describes, or None when any part of it is malformed."""
    stamp, label, raw = record.get("time"), record.get("label", ""), record.get("changes")
    if not isinstance(stamp, int | float) or isinstance(stamp, bool):
        return None
    if not isinstance(label, str) or not isinstance(raw, list) or not raw:
        return None
    changes = [_parse_change(item) for item in raw]
    if any(change is None for change in changes):
        return None
    return Batch(number, tuple(c for c in changes if c is not None), float(stamp), label)


def _parse_change(item: Any) -> Change | None:
    if not isinstance(item, dict):
        return None
    ident, old, new = item.get("id"), item.get("old"), item.get("new")
    if not isinstance(ident, str) or not _is_flag(old) or not _is_flag(new):
        return None
    return Change(ident, old, new)


def _is_flag(value: Any) -> bool:
    return value is None or isinstance(value, bool)
