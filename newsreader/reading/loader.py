"""Find article files in a folder and read them: the part of indexing that touches the disk.

The walk skips hidden files and folders and never follows a symbolic link (so it can neither leave
the folder nor loop). Files larger than the size limit are reported bad without being read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from newsreader.articles.model import Article, ArticleDetail, BadFile, FileStamp
from newsreader.reading.parsing import MAX_FILE_SIZE, parse_article, parse_detail
from newsreader.site import jekyll

DEFAULT_EXTENSIONS = (".md", ".markdown", ".txt")
#: The reason given for a file that disappeared between listing and reading.
VANISHED = "file vanished"


@dataclass(frozen=True, slots=True)
class FoundFile:
    """One candidate file: its id (POSIX path relative to the folder) and its stat facts."""

    id: str
    size: int
    mtime_ns: int


#: Folders more than this many levels below the opened one are not entered. No collection nests
#: so deep, and a folder bind-mounted inside itself (a loop no symlink check sees) would
#: otherwise be walked, listing the same files again at every level, until paths grew too long.
MAX_DEPTH = 1024


def folder_depth(rel_dir: str) -> int:
    """How many levels below the root a folder is ("" is the root itself, at 0)."""
    return rel_dir.count("/") + 1 if rel_dir else 0


def find_files(
    root: Path,
    extensions: Iterable[str] = DEFAULT_EXTENSIONS,
    max_depth: int = MAX_DEPTH,
    stat_files: bool = True,
) -> Iterator[FoundFile]:
    """Yield every article file below ``root``, in a stable (sorted) order.

    Iterative, with an explicit stack (a deep folder must not exhaust Python's recursion
    limit), and folders more than ``max_depth`` levels below ``root`` are not entered.

    ``stat_files=False``: the files are not stat-ed (size and mtime_ns are -1), and the listing's
    entry type alone tells a regular file (as ``S_ISREG`` of the stat would). For a cold index,
    which reads every file anyway (its stamp comes from ``fstat`` there): 100,000 stat calls
    fewer, ~0.25 s of a process that shares the CPU with the workers.
    """
    wanted = tuple(ext.lower() for ext in extensions)
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        if folder_depth(rel_dir) > max_depth:
            continue
        prefix = f"{rel_dir}/" if rel_dir else ""
        try:
            with os.scandir(root / rel_dir if rel_dir else root) as it:
                entries = sorted(it, key=_name)
        except OSError:
            continue
        subdirs: list[str] = []
        for entry in entries:
            found = _article_file(entry, prefix, wanted, subdirs, stat_files)
            if found is not None:
                yield found
        stack.extend(reversed(subdirs))


def first_files(
    root: Path,
    extensions: Iterable[str] = DEFAULT_EXTENSIONS,
    limit: int = 100,
    max_depth: int = MAX_DEPTH,
) -> list[FoundFile]:
    """Up to ``limit`` of the files :func:`find_files` yields, found without listing the whole
    folder: the first rows of a cold start. Which ones is up to the file system; they come in
    ``find_files`` order, so with ``limit`` at least the folder's file count both give the same.

    ``find_files`` lists (and sorts) a folder's every entry before it yields one: at 100,000
    files in one folder that is ~0.2 s, where these take a few milliseconds.
    """
    wanted = tuple(ext.lower() for ext in extensions)
    found: list[FoundFile] = []
    stack = [""]
    while stack and len(found) < limit:
        rel_dir = stack.pop()
        if folder_depth(rel_dir) > max_depth:
            continue
        prefix = f"{rel_dir}/" if rel_dir else ""
        subdirs: list[str] = []
        try:
            with os.scandir(root / rel_dir if rel_dir else root) as it:
                for entry in it:
                    item = _article_file(entry, prefix, wanted, subdirs)
                    if item is not None:
                        found.append(item)
                        if len(found) >= limit:
                            break
        except OSError:
            pass  # what was listed before the error is as good as any
        stack.extend(subdirs)
    return sorted(found, key=_walk_key)


def _walk_key(found: FoundFile) -> list[tuple[int, str]]:
    """Where ``find_files`` yields a file: by folder, a folder's files (by name) before its
    subfolders (by name)."""
    *folders, name = found.id.split("/")
    return [(1, folder) for folder in folders] + [(0, name)]


def _article_file(
    entry: os.DirEntry[str],
    prefix: str,
    wanted: tuple[str, ...],
    subdirs: list[str],
    stat_file: bool = True,
) -> FoundFile | None:
    """The article file an entry of a listing is, if it is one; a folder goes to ``subdirs``.

    ``stat_file=False``: no stat; the type from the listing (or from ``lstat`` where the listing
    gives none, as ``DirEntry.is_file`` does), size and mtime_ns -1.
    """
    name = entry.name
    if name.startswith("."):
        return None
    # The entry's type from the listing (no system call; never through a link) sorts out
    # folders, and the name other files: only candidates are stat-ed.
    try:
        if entry.is_dir(follow_symlinks=False):
            subdirs.append(prefix + name)
            return None
        if not name.lower().endswith(wanted):
            return None
        if not stat_file:
            return (
                FoundFile(prefix + name, -1, -1) if entry.is_file(follow_symlinks=False) else None
            )
        st = entry.stat(follow_symlinks=False)
    except OSError:  # is_dir() too may stat, where the listing gives no type
        return None
    if stat.S_ISREG(st.st_mode):
        return FoundFile(prefix + name, st.st_size, st.st_mtime_ns)
    return None


def file_signature(root: str | os.PathLike[str], article_id: str) -> tuple[int, int]:
    """(size, mtime_ns) of a file, not following a symlink; (-1, -1) if it cannot be stat-ed."""
    try:
        st = os.stat(f"{os.fspath(root)}/{article_id}", follow_symlinks=False)
    except (OSError, ValueError):
        return -1, -1
    return st.st_size, st.st_mtime_ns


_name = attrgetter("name")


#: Open flags for reading an article. O_NOFOLLOW: a symlink is refused, never followed.
#: O_NONBLOCK: opening a FIFO (put there after the walk) returns at once instead of waiting for a
#: writer, and fstat then refuses it; reads of regular files ignore the flag.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_TOO_LARGE_READ = f"over {MAX_FILE_SIZE:,} bytes"


def read_file(root: str | os.PathLike[str], article_id: str) -> tuple[bytes, FileStamp] | BadFile:
    """Read one file without following a symlink, or say why it cannot be read.

    This runs once per file of a cold index (100,000 times), so it is kept to the system calls:
    open, fstat, one read of the size fstat gave, close.
    """
    # A string join: building a Path per file costs more than the open itself.
    path = f"{os.fspath(root)}/{article_id}"
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        return BadFile(article_id, VANISHED)
    except OSError as exc:
        return BadFile(article_id, f"cannot read: {exc.strerror or exc}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return BadFile(article_id, "not a regular file")
        size = st.st_size
        if size > MAX_FILE_SIZE:
            return _too_large(article_id, path, f"{size:,} bytes; limit {MAX_FILE_SIZE:,}")
        data = _read_all(fd, size)
    except OSError as exc:
        return BadFile(article_id, f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)
    if data is None:
        return _too_large(article_id, path, _TOO_LARGE_READ)
    return data, FileStamp.of(data, size, st.st_mtime_ns)


def _too_large(article_id: str, path: str, size: str) -> BadFile:
    """A file over the size limit: ours to refuse, the site's to build; read cheaply for that."""
    reading = jekyll.read_large_as_jekyll(article_id, path)
    when = reading.time
    return BadFile(
        article_id,
        f"too large ({size})",
        document=reading.document,
        renders=reading.renders,
        site_time=None if when is None else float(when),
    )


def _read_all(fd: int, size: int) -> bytes | None:
    """The file's bytes (None past the size limit), in one read when fstat's size is right."""
    data = os.read(fd, size + 1)
    if len(data) == size:
        # Exactly what fstat said: the file ended there when read (asking for one byte more
        # proved it), so the usual empty read that confirms the end is skipped.
        return data
    # It grew since fstat, or a short read: read on to the end, within the size limit.
    chunks = [data]
    total = len(data)
    while total <= MAX_FILE_SIZE:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    return None


def load_file(root: str | os.PathLike[str], article_id: str) -> Article | BadFile:
    """Read and parse one file into a summary record."""
    got = read_file(root, article_id)
    if isinstance(got, BadFile):
        return got
    data, stamp = got
    return parse_article(article_id, data, stamp)


def load_detail(root: Path, article_id: str) -> ArticleDetail | BadFile:
    """Read and fully parse one file, for the detail pane and ``show``."""
    got = read_file(root, article_id)
    if isinstance(got, BadFile):
        return got
    return parse_detail(article_id, *got)
