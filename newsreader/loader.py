"""Find article files in a folder and read them: the part of indexing that touches the disk.

The walk skips hidden files and folders and never follows a symbolic link (so it can neither leave
the folder nor loop). Files larger than the size limit are reported bad without being read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsreader.model import Article, ArticleDetail, BadFile, FileStamp
from newsreader.parsing import MAX_FILE_SIZE, parse_article, parse_detail

DEFAULT_EXTENSIONS = (".md", ".markdown", ".txt")
#: The reason given for a file that disappeared between listing and reading.
VANISHED = "file vanished"


@dataclass(frozen=True, slots=True)
class FoundFile:
    """One candidate file: its id (POSIX path relative to the folder) and its stat facts."""

    id: str
    size: int
    mtime_ns: int


def find_files(root: Path, extensions: Iterable[str] = DEFAULT_EXTENSIONS) -> Iterator[FoundFile]:
    """Yield every article file below ``root``, in a stable (sorted) order."""
    wanted = tuple(ext.lower() for ext in extensions)
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            with os.scandir(root / rel_dir if rel_dir else root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                subdirs.append(rel)
            elif stat.S_ISREG(st.st_mode) and entry.name.lower().endswith(wanted):
                yield FoundFile(rel, st.st_size, st.st_mtime_ns)
        stack.extend(reversed(subdirs))


def read_file(root: Path, article_id: str) -> tuple[bytes, FileStamp] | BadFile:
    """Read one file without following a symlink, or say why it cannot be read."""
    path = root / article_id
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return BadFile(article_id, VANISHED)
    except OSError as exc:
        return BadFile(article_id, f"cannot read: {exc.strerror or exc}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return BadFile(article_id, "not a regular file")
        if st.st_size > MAX_FILE_SIZE:
            return BadFile(article_id, f"too large ({st.st_size:,} bytes; limit {MAX_FILE_SIZE:,})")
        chunks = []
        while chunk := os.read(fd, max(st.st_size + 1, 65536)):
            chunks.append(chunk)
            if sum(map(len, chunks)) > MAX_FILE_SIZE:
                return BadFile(article_id, f"too large (over {MAX_FILE_SIZE:,} bytes)")
        data = b"".join(chunks)
    except OSError as exc:
        return BadFile(article_id, f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)
    return data, FileStamp.of(data, st.st_size, st.st_mtime_ns)


def load_file(root: Path, article_id: str) -> Article | BadFile:
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
