"""Notice files added, changed or removed in a folder while the app runs, cheaply at 100k files.

Polling, with no extra dependency. Each :meth:`FolderWatcher.poll`:

* stats every known folder: adding, removing or atomically replacing a file changes its folder's
  mtime, and only such folders are listed again (in a large folder, only new names are stat-ed
  then: known files are left to the sweep);
* stats a rolling slice of the known files, so an in-place edit is noticed within one sweep
  (``sweep_polls`` polls) without statting 100,000 files every time;
* reports a change only once it has settled (the same size and mtime on two polls in a row), which
  debounces files that are still being written.

What it knows of a file is a :data:`Signature`: its size and mtime packed into bytes, so that the
index's :class:`~newsreader.articles.model.FileStamp` objects (which begin with the same 16 bytes)
serve as signatures as they are, and 100,000 files cost the watcher a dict, not 100,000 more
objects.
"""

from __future__ import annotations

import os
import stat
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.reading.loader import DEFAULT_EXTENSIONS, MAX_DEPTH, find_files, folder_depth

#: Bytes that begin with (size, mtime_ns) packed as two little-endian int64 (a FileStamp does).
Signature = bytes
_SIGNATURE = struct.Struct("<qq")


def signature(size: int, mtime_ns: int) -> Signature:
    """The signature of a file of this size and mtime."""
    return _SIGNATURE.pack(size, mtime_ns)


def _same(known: Signature | None, seen: Signature | None) -> bool:
    """Whether a file seen now (a bare signature, or None: gone) is as it was known."""
    if known is None or seen is None:
        return known is seen
    return known.startswith(seen)


@dataclass(slots=True)
class Changes:
    """What a poll found: ids of new or changed files, and ids of removed files."""

    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed)


class FolderWatcher:
    """Tracks the article files of one folder by polling (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        extensions: Iterable[str] = DEFAULT_EXTENSIONS,
        sweep_polls: int = 15,
        stat_all_below: int = 2000,
    ) -> None:
        self.root = root
        self.extensions = tuple(e.lower() for e in extensions)
        self.sweep_polls = max(1, sweep_polls)
        #: A folder listed again with at most this many entries has every file stat-ed.
        self.stat_all_below = stat_all_below
        self.files: dict[str, Signature] = {}
        self.dirs: dict[str, int] = {}
        self._unsettled: dict[str, Signature | None] = {}
        self._cursor = 0

    def prime(self) -> None:
        """Take the current state of the folder as the baseline (no changes reported)."""
        self.mark_dirs()
        files = find_files(self.root, self.extensions)
        self.set_files({f.id: signature(f.size, f.mtime_ns) for f in files})

    def mark_dirs(self) -> None:
        """Record every folder's mtime. Call it before indexing starts: a file added while the
        index is built then changes a recorded mtime, and the next poll finds it."""
        self.dirs = {}
        self._scan_dirs("")

    def set_files(self, known: dict[str, Signature]) -> None:
        """The files the index knows, with the signature (or stamp) it read them at.

        The dict is kept, not copied: 100,000 entries are worth not holding twice.
        """
        self.files = known
        self._unsettled.clear()

    def _scan_dirs(self, top: str) -> None:
        """Record the mtime of ``top`` and of every folder below it (as ``find_files`` walks).

        Iterative: a folder nested 1,000 deep would exceed Python's recursion limit, and the
        RecursionError used to kill the indexing worker (the app then never left "Indexing…").
        """
        stack = [top]
        while stack:
            rel = stack.pop()
            if folder_depth(rel) > MAX_DEPTH:
                continue
            path = self.root / rel if rel else self.root
            try:
                st = os.stat(path, follow_symlinks=False)
                with os.scandir(path) as it:
                    subdirs = [
                        e.name
                        for e in it
                        if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)
                    ]
            except OSError:
                continue
            self.dirs[rel] = st.st_mtime_ns
            stack.extend(f"{rel}/{name}" if rel else name for name in subdirs)

    def poll(self) -> Changes:
        """Look for settled changes since the last poll."""
        seen: dict[str, Signature | None] = {}
        for rel, mtime in list(self.dirs.items()):
            current = self._dir_mtime(rel)
            if current != mtime:
                self._rescan_dir(rel, seen)
        for article_id in self._sweep_slice():
            if article_id not in seen:
                seen[article_id] = self._stat(article_id)
        for article_id in list(self._unsettled):
            if article_id not in seen:
                seen[article_id] = self._stat(article_id)
        return self._settle(seen)

    def _dir_mtime(self, rel: str) -> int | None:
        try:
            st = os.stat(self.root / rel if rel else self.root, follow_symlinks=False)
        except OSError:
            return None
        return st.st_mtime_ns if stat.S_ISDIR(st.st_mode) else None

    def _rescan_dir(self, rel: str, seen: dict[str, Signature | None]) -> None:
        prefix = f"{rel}/" if rel else ""
        mtime = self._dir_mtime(rel)
        if mtime is None:
            # The folder is gone: everything below it is removed.
            for key in [d for d in self.dirs if d == rel or d.startswith(prefix)]:
                del self.dirs[key]
            for article_id in self.files:
                if article_id.startswith(prefix):
                    seen[article_id] = None
            return
        self.dirs[rel] = mtime
        path = self.root / rel if rel else self.root
        try:
            listed = {prefix + n for n in os.listdir(path) if not n.startswith(".")}
        except OSError:
            return
        start = len(prefix)
        known = {
            article_id
            for article_id in self.files
            if article_id.startswith(prefix) and article_id.find("/", start) < 0
        }
        if len(listed) > self.stat_all_below:
            # A large folder whose mtime changed: usually one file came or went (a flag write
            # replaces its file). Only names the watcher does not know are stat-ed; an edit of
            # a known file is left to the sweep. ~90,000 stat calls after every write into a
            # flat folder would cost ~0.7 s; this costs a listing and a few set operations.
            todo = listed - known
            todo.update(c for c in self._unsettled if c in listed)
        else:
            todo = listed  # a small folder: every file looked at, as exact as it is cheap
        for child in sorted(todo):
            self._look_at(child, seen)
        for article_id in known - listed:
            seen[article_id] = None

    def _look_at(self, child: str, seen: dict[str, Signature | None]) -> None:
        """Stat one entry of a folder listed again: a new folder is walked, a file recorded."""
        try:
            st = os.stat(self.root / child, follow_symlinks=False)
        except OSError:
            return  # gone since the listing: its folder's mtime changed again
        if stat.S_ISDIR(st.st_mode):
            if child not in self.dirs and folder_depth(child) <= MAX_DEPTH:
                self._scan_dirs(child)
                below = MAX_DEPTH - folder_depth(child)
                for f in find_files(self.root / child, self.extensions, below):
                    seen[f"{child}/{f.id}"] = signature(f.size, f.mtime_ns)
        elif stat.S_ISREG(st.st_mode) and child.lower().endswith(self.extensions):
            seen[child] = signature(st.st_size, st.st_mtime_ns)

    def _sweep_slice(self) -> list[str]:
        ids = list(self.files) if len(self.files) < 2000 else None
        if ids is not None:
            return ids
        size = len(self.files) // self.sweep_polls + 1
        keys = list(self.files)
        start = self._cursor % len(keys)
        self._cursor = start + size
        return keys[start : start + size]

    def _stat(self, article_id: str) -> Signature | None:
        try:
            st = os.stat(self.root / article_id, follow_symlinks=False)
        except OSError:
            return None
        return signature(st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else None

    def _settle(self, seen: dict[str, Signature | None]) -> Changes:
        changes = Changes()
        for article_id, sig in seen.items():
            if _same(self.files.get(article_id), sig):
                self._unsettled.pop(article_id, None)
                continue
            if article_id in self._unsettled and self._unsettled[article_id] == sig:
                del self._unsettled[article_id]
                if sig is None:
                    self.files.pop(article_id, None)
                    changes.removed.append(article_id)
                else:
                    self.files[article_id] = sig
                    changes.changed.append(article_id)
            else:
                self._unsettled[article_id] = sig
        return changes
