"""Notice files added, changed or removed in a folder while the app runs, cheaply at 100k files.

On Linux the kernel says what changed (inotify, :mod:`newsreader.reading.inotify`, through ctypes:
no extra dependency). One watch per folder; each :meth:`FolderWatcher.poll` reads the events
queued since the last one and stats only the files they name. A file closed after writing
(IN_CLOSE_WRITE) or renamed into place (IN_MOVED_TO) is reported on that poll: its writer is done.
A file only created (IN_CREATE: it may still be being written) waits for its close. Nothing is
listed or stat-ed for a folder nobody touched, so a poll costs next to nothing and the app polls
every :data:`FAST_INTERVAL` seconds. A slow safety sweep catches whatever an event could have
missed: a step every :data:`SAFETY_INTERVAL` seconds stats 1/``safety_polls`` of the known
files and folders (every one in 150 x 2 s = 5 minutes), and a folder whose mtime moved with no
event is listed again. An event queue overflow means one full rescan.

Where inotify is not to be had (not Linux, no inotify in libc, the watch limit reached, a network
filesystem whose remote changes raise no event) the watcher polls, every :data:`POLL_INTERVAL`
seconds. Each poll:

* stats every known folder: adding, removing or atomically replacing a file changes its folder's
  mtime, and only such folders are listed again (in a large folder, only new names, and known
  names whose inode number in the listing changed -- a file replaced by a rename -- are stat-ed
  then: in-place edits of known files are left to the sweep);
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

import errno
import os
import stat
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.reading import inotify
from newsreader.reading.loader import DEFAULT_EXTENSIONS, MAX_DEPTH, find_files, folder_depth

#: Seconds between two polls when the watcher polls (no inotify).
POLL_INTERVAL = 2.0
#: Seconds between two looks at the inotify queue (a poll with no event costs next to nothing).
FAST_INTERVAL = 0.25
#: With inotify, a poll is due at least this often even with no event: it takes one step of the
#: safety sweep (a poll for an event in between takes none, and costs next to nothing).
SAFETY_INTERVAL = 2.0
#: Seconds a file being written (IN_CREATE or IN_MODIFY, no IN_CLOSE_WRITE since) is left to its
#: writer before the two-poll stability rule takes it (a hard link raises IN_CREATE and no close;
#: a writer that keeps its file open must still be heard of).
OPEN_FILE_GRACE = 60.0

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
    """Tracks the article files of one folder (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        extensions: Iterable[str] = DEFAULT_EXTENSIONS,
        sweep_polls: int = 15,
        stat_all_below: int = 2000,
        *,
        use_inotify: bool = True,
        safety_polls: int = 150,
    ) -> None:
        self.root = root
        self.extensions = tuple(e.lower() for e in extensions)
        self.sweep_polls = max(1, sweep_polls)
        #: A folder listed again with at most this many entries has every file stat-ed.
        self.stat_all_below = stat_all_below
        #: With inotify: the safety sweep looks at every file and folder once in so many polls.
        self.safety_polls = max(1, safety_polls)
        self.use_inotify = use_inotify
        #: Why the watcher polls instead of using inotify ("" while inotify is in use or unasked).
        self.fallback_reason = ""
        self.files: dict[str, Signature] = {}
        self.dirs: dict[str, int] = {}
        #: Polling, large folders only: each file's inode number in the last listing (name ->
        #: inode per folder), so that a file replaced under its name is seen in the next one.
        self.inodes: dict[str, dict[str, int]] = {}
        self._unsettled: dict[str, Signature | None] = {}
        self._cursor = 0
        self._dir_cursor = 0
        self._notify: inotify.Inotify | None = None
        self._wds: dict[int, str] = {}  # watch descriptor -> folder (relative)
        self._dir_wds: dict[str, int] = {}  # folder -> watch descriptor
        #: Files being written (IN_CREATE or IN_MODIFY, no IN_CLOSE_WRITE since) -> when last.
        self._open: dict[str, float] = {}
        self._safety_keys: list[str] = []
        self._last_poll = 0.0
        #: With inotify: seconds between two steps of the safety sweep (0: a step every poll).
        self.safety_interval = SAFETY_INTERVAL
        self._last_safety = -SAFETY_INTERVAL
        #: Held by a poll and by close(): the descriptor is never closed under a read.
        self._lock = threading.RLock()

    # --- the mechanism -------------------------------------------------------------------

    @property
    def inotify_active(self) -> bool:
        """Whether the kernel reports changes (else the folder is polled)."""
        return self._notify is not None

    @property
    def interval(self) -> float:
        """Seconds between two looks at the folder: short with inotify, as a look is cheap."""
        return FAST_INTERVAL if self._notify is not None else POLL_INTERVAL

    def due(self, now: float | None = None) -> bool:
        """Whether a poll would find anything to do now (cheap: the caller may ask often).

        Polling: every :data:`POLL_INTERVAL`. Inotify: when events wait, a change awaits its
        second look, or the safety sweep's next step is due.
        """
        now = time.monotonic() if now is None else now
        since = now - self._last_poll
        notify = self._notify
        if notify is None:
            return since >= POLL_INTERVAL
        if self._unsettled or now - self._last_safety >= self.safety_interval:
            return True
        try:
            return notify.readable()
        except (OSError, ValueError):
            return True  # closed meanwhile (a fallback): the poll sorts it out

    def close(self) -> None:
        """Release the inotify descriptor (the watcher then polls, if polled again)."""
        with self._lock:
            self._stop_inotify()

    def _start_inotify(self) -> None:
        self._stop_inotify()
        if not self.use_inotify:
            return
        kind = inotify.filesystem_type(str(self.root))
        if kind in inotify.REMOTE_FILESYSTEMS:
            self.fallback_reason = f"{kind} filesystem: changes made elsewhere raise no event"
            return
        try:
            self._notify = inotify.Inotify()
        except OSError as exc:
            self.fallback_reason = f"inotify unavailable: {exc}"
            return
        self.fallback_reason = ""

    def _stop_inotify(self) -> None:
        if self._notify is not None:
            self._notify.close()
        self._notify = None
        self._wds.clear()
        self._dir_wds.clear()
        self._open.clear()

    def _fall_back(self, reason: str) -> None:
        """Give up inotify for polling; the next polls list changed folders as before."""
        self._stop_inotify()
        self.fallback_reason = reason
        # Every folder listed on the next poll: anything the lost events would have said is
        # found (recorded mtimes may be newer than what the watcher took in).
        for rel in self.dirs:
            self.dirs[rel] = -1

    def _watch(self, rel: str) -> bool:
        """Add a watch on one folder (before it is listed). False: the folder is gone."""
        notify = self._notify
        if notify is None:
            return True
        try:
            wd = notify.add_watch(str(self.root / rel) if rel else str(self.root))
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
                return False  # gone, or replaced by a file or a link: nothing to watch
            if exc.errno == errno.ENOSPC:
                reason = "inotify watch limit reached (fs.inotify.max_user_watches)"
            else:
                reason = f"inotify cannot watch {rel or '.'}: {exc.strerror or exc}"
            self._fall_back(reason)
            return True
        old = self._dir_wds.get(rel)
        if old is not None and old != wd:
            self._wds.pop(old, None)
        self._wds[wd] = rel
        self._dir_wds[rel] = wd
        return True

    def _unwatch_below(self, rel: str) -> list[str]:
        """Forget a folder that went away and every folder below it; the files known there."""
        prefix = f"{rel}/" if rel else ""
        for key in [d for d in self._dir_wds if d == rel or d.startswith(prefix)]:
            wd = self._dir_wds.pop(key)
            self._wds.pop(wd, None)
            if self._notify is not None:
                self._notify.rm_watch(wd)
        for key in [d for d in self.dirs if d == rel or d.startswith(prefix)]:
            del self.dirs[key]
        self.inodes = {
            d: m for d, m in self.inodes.items() if d != rel and not d.startswith(prefix)
        }
        return [a for a in self.files if a.startswith(prefix)] if prefix else list(self.files)

    # --- baseline ------------------------------------------------------------------------

    def prime(self) -> None:
        """Take the current state of the folder as the baseline (no changes reported)."""
        self.mark_dirs()
        files = find_files(self.root, self.extensions)
        self.set_files({f.id: signature(f.size, f.mtime_ns) for f in files})

    def mark_dirs(self) -> None:
        """Record every folder's mtime (and watch it, with inotify). Call it before indexing
        starts: a file added while the index is built then changes a recorded mtime (or queues
        an event), and the next poll finds it."""
        with self._lock:
            self.dirs = {}
            self.inodes = {}
            self._start_inotify()
            self._scan_dirs("")

    def set_files(self, known: dict[str, Signature]) -> None:
        """The files the index knows, with the signature (or stamp) it read them at.

        The dict is kept, not copied: 100,000 entries are worth not holding twice.
        """
        self.files = known
        self._unsettled.clear()

    def _scan_dirs(self, top: str) -> None:
        """Record the mtime of ``top`` and of every folder below it (as ``find_files`` walks).

        With inotify each folder is watched before it is listed, so nothing added meanwhile is
        missed. Polling, a large folder's inode numbers are recorded from the same listing.

        Iterative: a folder nested 1,000 deep would exceed Python's recursion limit, and the
        RecursionError used to kill the indexing worker (the app then never left "Indexing…").
        """
        stack = [top]
        while stack:
            rel = stack.pop()
            if folder_depth(rel) > MAX_DEPTH:
                continue
            path = self.root / rel if rel else self.root
            if not self._watch(rel):
                continue
            inodes: dict[str, int] | None = {} if self._notify is None else None
            subdirs = []
            try:
                st = os.stat(path, follow_symlinks=False)
                if not stat.S_ISDIR(st.st_mode):
                    continue
                with os.scandir(path) as it:
                    for e in it:
                        if e.name.startswith("."):
                            continue
                        if e.is_dir(follow_symlinks=False):
                            subdirs.append(e.name)
                        elif inodes is not None:
                            inodes[e.name] = e.inode()
            except OSError:
                continue
            self.dirs[rel] = st.st_mtime_ns
            if inodes is not None and len(inodes) > self.stat_all_below:
                self.inodes[rel] = inodes
            stack.extend(f"{rel}/{name}" if rel else name for name in subdirs)

    # --- polling -------------------------------------------------------------------------

    def poll(self) -> Changes:
        """Look for changes since the last poll (settled ones, or ones whose writer is done)."""
        with self._lock:
            return self._poll()

    def _poll(self) -> Changes:
        self._last_poll = time.monotonic()
        if self._notify is not None:
            try:
                return self._poll_events(self._notify)
            except OSError as exc:
                self._fall_back(f"inotify failed: {exc}")
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

    def _poll_events(self, notify: inotify.Inotify) -> Changes:
        """One poll with inotify: what the events name, the unsettled, a step of the sweep."""
        seen: dict[str, Signature | None] = {}  # to settle (the two-poll rule)
        done: dict[str, None] = {}  # their writer is done: reported at once (ordered set)
        touched: set[str] = set()  # folders whose mtime the events explain
        overflow = False
        for event in notify.read():
            mask = event.mask
            if mask & inotify.IN_Q_OVERFLOW:
                overflow = True
                continue
            rel = self._wds.get(event.wd)
            if rel is None:
                continue
            if mask & inotify.IN_IGNORED:
                # The watch is gone (its folder removed): the parent's event said what went.
                if self._dir_wds.get(rel) == event.wd:
                    del self._dir_wds[rel]
                del self._wds[event.wd]
                continue
            if mask & (inotify.IN_DELETE_SELF | inotify.IN_MOVE_SELF):
                if not rel:
                    overflow = True  # the folder itself went or moved: look at it all again
                continue
            name = event.name
            if not name or name.startswith("."):
                continue
            touched.add(rel)
            child = f"{rel}/{name}" if rel else name
            if mask & inotify.IN_ISDIR:
                if mask & (inotify.IN_DELETE | inotify.IN_MOVED_FROM):
                    done.update(dict.fromkeys(self._unwatch_below(child)))
                elif mask & (inotify.IN_CREATE | inotify.IN_MOVED_TO):
                    self._new_dir(child, seen)  # (the watch limit reached: polling from now)
                continue
            if not child.lower().endswith(self.extensions):
                continue
            if mask & (inotify.IN_CREATE | inotify.IN_MODIFY):
                self._open[child] = time.monotonic()  # its writer may still be writing
                continue
            self._open.pop(child, None)
            done[child] = None
        if overflow:
            return self._rescan_all()
        changes = Changes()
        for article_id in done:
            sig = self._stat(article_id)
            self._unsettled.pop(article_id, None)
            seen.pop(article_id, None)
            if sig is not None and article_id in self._open:
                continue
            if _same(self.files.get(article_id), sig):
                continue
            if sig is None:
                if self.files.pop(article_id, None) is not None:
                    changes.removed.append(article_id)
            else:
                self.files[article_id] = sig
                changes.changed.append(article_id)
        for rel in touched:
            if rel in self.dirs:
                # The events explain the new mtime: the sweep need not list the folder again.
                self.dirs[rel] = self._dir_mtime(rel) or self.dirs[rel]
        now = time.monotonic()
        if now - self._last_safety >= self.safety_interval:
            self._last_safety = now
            self._safety_step(seen, done)
        for article_id in list(self._unsettled):
            if article_id not in seen and article_id not in done:
                seen[article_id] = self._stat(article_id)
        for article_id in self._open:
            seen.pop(article_id, None)  # still being written: its IN_CLOSE_WRITE will come
            self._unsettled.pop(article_id, None)
        settled = self._settle(seen)
        changes.changed += settled.changed
        changes.removed += settled.removed
        return changes

    def _new_dir(self, child: str, seen: dict[str, Signature | None]) -> None:
        """A folder created or moved in: watch it (and below), then take in its files."""
        if folder_depth(child) > MAX_DEPTH or child in self.dirs:
            return
        self._scan_dirs(child)
        if child not in self.dirs:
            return  # gone already, or not a folder
        below = MAX_DEPTH - folder_depth(child)
        for f in find_files(self.root / child, self.extensions, below):
            seen[f"{child}/{f.id}"] = signature(f.size, f.mtime_ns)

    def _rescan_all(self) -> Changes:
        """The event queue overflowed (or the folder itself moved): events were lost. Watch
        every folder afresh and compare every file with what is known (two-poll rule)."""
        self.mark_dirs()
        seen: dict[str, Signature | None] = {}
        found = {
            f.id: signature(f.size, f.mtime_ns) for f in find_files(self.root, self.extensions)
        }
        for article_id, sig in found.items():
            if not _same(self.files.get(article_id), sig):
                seen[article_id] = sig
        for article_id in self.files:
            if article_id not in found:
                seen[article_id] = None
        return self._settle(seen)

    def _safety_step(self, seen: dict[str, Signature | None], done: dict[str, None]) -> None:
        """A slice of the slow sweep: folders whose mtime moved with no event are listed again,
        a slice of the known files is stat-ed, created files never closed are given up on."""
        dirs = list(self.dirs)
        if dirs:
            size = len(dirs) // self.safety_polls + 1
            start = self._dir_cursor % len(dirs)
            self._dir_cursor = start + size
            for rel in dirs[start : start + size]:
                if rel in self.dirs and self._dir_mtime(rel) != self.dirs[rel]:
                    self._rescan_dir(rel, seen)
        if self._cursor >= len(self._safety_keys):
            # A new round: the keys listed once per round, not once per poll (100,000 of them).
            self._safety_keys, self._cursor = list(self.files), 0
        if self._safety_keys:
            size = len(self._safety_keys) // self.safety_polls + 1
            start = self._cursor
            self._cursor = start + size
            for article_id in self._safety_keys[start : start + size]:
                if article_id not in seen and article_id not in done:
                    sig = self._stat(article_id)
                    if not _same(self.files.get(article_id), sig):
                        seen[article_id] = sig
        now = time.monotonic()
        for article_id, since in list(self._open.items()):
            if now - since >= OPEN_FILE_GRACE:
                del self._open[article_id]
                seen[article_id] = self._stat(article_id)

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
            for article_id in self._unwatch_below(rel):
                seen[article_id] = None
            return
        self.dirs[rel] = mtime
        path = self.root / rel if rel else self.root
        inodes: dict[str, int] = {}
        try:
            with os.scandir(path) as it:
                for e in it:
                    if not e.name.startswith("."):
                        inodes[e.name] = e.inode()  # from the listing: no system call
        except OSError:
            return
        listed = {prefix + n for n in inodes}
        start = len(prefix)
        known = {
            article_id
            for article_id in self.files
            if article_id.startswith(prefix) and article_id.find("/", start) < 0
        }
        if len(listed) > self.stat_all_below:
            # A large folder whose mtime changed: usually one file came or went (a flag write
            # replaces its file). Only names the watcher does not know, and known names whose
            # inode changed (replaced by a rename), are stat-ed; an in-place edit of a known
            # file is left to the sweep. ~90,000 stat calls after every write into a flat
            # folder would cost ~0.7 s; this costs a listing and a few set operations.
            todo = listed - known
            todo.update(c for c in self._unsettled if c in listed)
            before = self.inodes.get(rel)
            if before is not None:
                todo.update(prefix + n for n, ino in inodes.items() if before.get(n, ino) != ino)
            if self._notify is None:
                self.inodes[rel] = inodes
        else:
            todo = listed  # a small folder: every file looked at, as exact as it is cheap
            self.inodes.pop(rel, None)
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
