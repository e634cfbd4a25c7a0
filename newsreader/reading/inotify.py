"""Linux inotify through :mod:`ctypes`: the kernel says which files of a folder changed.

No dependency beyond the standard library. :class:`Inotify` wraps one non-blocking inotify
instance: :meth:`~Inotify.add_watch` per folder, :meth:`~Inotify.read` for the events queued so far
(never blocks), :meth:`~Inotify.readable` to ask cheaply whether any are. Everything that can go
wrong raises :class:`OSError`: not Linux, a libc without inotify (``ENOSYS``), too many instances
(``EMFILE``), too many watches (``ENOSPC``). The caller (:mod:`newsreader.reading.watcher`) then
falls back to polling.
"""

from __future__ import annotations

import ctypes
import errno
import os
import select
import struct
import sys
import weakref
from dataclasses import dataclass

IN_ACCESS = 0x00000001
IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_UNMOUNT = 0x00002000
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_DONT_FOLLOW = 0x02000000
IN_ISDIR = 0x40000000

#: What the watcher asks for on every folder. IN_MODIFY and IN_CREATE only say a file is being
#: written (it is not read until IN_CLOSE_WRITE says its writer is done).
FOLDER_EVENTS = (
    IN_CLOSE_WRITE
    | IN_MODIFY
    | IN_MOVED_TO
    | IN_MOVED_FROM
    | IN_CREATE
    | IN_DELETE
    | IN_ATTRIB
    | IN_DELETE_SELF
    | IN_MOVE_SELF
)
#: A watch only on a real folder (IN_ONLYDIR), never through a symbolic link (IN_DONT_FOLLOW).
WATCH_FLAGS = FOLDER_EVENTS | IN_ONLYDIR | IN_DONT_FOLLOW

_EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then the name)
#: Enough for many events; one event needs at most 16 + NAME_MAX + 1 bytes.
_BUFFER = 64 * 1024

#: Filesystems whose changes made elsewhere (another machine, the host of a virtual machine) raise
#: no inotify event here: a folder on one of them is polled.
REMOTE_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "virtiofs",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
    }
)


@dataclass(frozen=True, slots=True)
class Event:
    """One inotify event: the watch it came from, what happened, and the name in that folder."""

    wd: int
    mask: int
    cookie: int
    name: str


class _Libc:
    """The three libc functions, with their C signatures."""

    def __init__(self) -> None:
        if not sys.platform.startswith("linux"):
            raise OSError(errno.ENOSYS, f"inotify is Linux only (this is {sys.platform})")
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            self.init1 = libc.inotify_init1
            self.add_watch = libc.inotify_add_watch
            self.rm_watch = libc.inotify_rm_watch
        except (OSError, AttributeError) as exc:
            raise OSError(errno.ENOSYS, f"libc without inotify: {exc}") from exc
        self.init1.argtypes = [ctypes.c_int]
        self.init1.restype = ctypes.c_int
        self.add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self.add_watch.restype = ctypes.c_int
        self.rm_watch.argtypes = [ctypes.c_int, ctypes.c_int]
        self.rm_watch.restype = ctypes.c_int


_libc: _Libc | None = None


def _load() -> _Libc:
    global _libc
    if _libc is None:
        _libc = _Libc()
    return _libc


def _error(path: str | None = None) -> OSError:
    code = ctypes.get_errno()
    return OSError(code, os.strerror(code), path) if path else OSError(code, os.strerror(code))


class Inotify:
    """One inotify instance, non-blocking and closed on exec; closed when garbage collected."""

    def __init__(self) -> None:
        self._lib = _load()
        fd = self._lib.init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise _error()
        self.fd = fd
        self._closer = weakref.finalize(self, os.close, fd)
        self._poller = select.poll()  # not select.select: it refuses descriptors above 1023
        self._poller.register(fd, select.POLLIN)

    def add_watch(self, path: str, mask: int = WATCH_FLAGS) -> int:
        """Watch a folder; the watch descriptor its events carry. Raises OSError."""
        wd = int(self._lib.add_watch(self.fd, os.fsencode(path), mask))
        if wd < 0:
            raise _error(path)
        return wd

    def rm_watch(self, wd: int) -> None:
        """Stop watching (a watch already gone with its folder is no error)."""
        self._lib.rm_watch(self.fd, wd)

    def readable(self) -> bool:
        """Whether events are waiting (no read: one system call, nothing consumed)."""
        if not self._closer.alive:
            return False
        return bool(self._poller.poll(0))

    def read(self) -> list[Event]:
        """Every event queued so far, without blocking (an empty list when there is none)."""
        events: list[Event] = []
        while True:
            try:
                data = os.read(self.fd, _BUFFER)
            except BlockingIOError:
                return events
            except InterruptedError:
                continue
            if not data:
                return events
            events.extend(parse(data))

    def close(self) -> None:
        self._closer()

    @property
    def closed(self) -> bool:
        return not self._closer.alive


def parse(data: bytes) -> list[Event]:
    """The events in a buffer read from an inotify descriptor (struct inotify_event each)."""
    events = []
    offset, end, head = 0, len(data), _EVENT.size
    while offset + head <= end:
        wd, mask, cookie, length = _EVENT.unpack_from(data, offset)
        offset += head
        raw = data[offset : offset + length].split(b"\0", 1)[0]
        offset += length
        events.append(Event(wd, mask, cookie, os.fsdecode(raw)))
    return events


def filesystem_type(path: str) -> str | None:
    """The type of the filesystem that holds ``path`` (from /proc/self/mounts), if known."""
    try:
        real = os.path.realpath(path)
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as f:
            mounts = f.read().splitlines()
    except OSError:
        return None
    best, kind = "", None
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        # Octal escapes (\040 for a space) in mount points.
        point = fields[1].encode().decode("unicode_escape")
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind
