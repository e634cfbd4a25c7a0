"""The per-folder summary cache: records of every indexed file, so a restart reads only changes.

The file lives in the platformdirs cache folder (never in the opened folder), its name carries the
format version, its header carries a magic string and the Python build (marshal's format is
Python's own), and every chunk of records carries a CRC-32 of its bytes. Anything that does not
check out — missing, truncated, corrupt, from another version or another program — is ignored,
and the cache is rebuilt.
"""

from __future__ import annotations

import marshal
import os
import sys
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsreader import paths
from newsreader.reading.records import Record, RecordError, record_key

CACHE_VERSION = 10  # 10: each chunk checked by CRC-32 (9: a warning for images with no url)
MAGIC = b"NEWSREADER-CACHE\n"
_TAG = sys.implementation.cache_tag.encode("ascii", "replace").ljust(32, b" ")[:32]
_DIGEST = 4


def cache_path(folder: Path) -> Path:
    """Where the cache of a folder lives."""
    return paths.cache_file(folder, CACHE_VERSION)


def _digest(payload: bytes) -> bytes:
    # CRC-32 catches truncation and flipped bytes, which is what it is for (a foreign or stale
    # record is refused when it is read, field by field); BLAKE2b took ~0.15 s of a 100k start.
    return zlib.crc32(payload).to_bytes(_DIGEST, "little")


def load_cache(path: Path) -> Iterator[list[Record]]:
    """Yield the cached records chunk by chunk, each checked against its own checksum first.

    A file with the wrong header yields nothing. A chunk that fails its checksum, does not unpack,
    or holds something that is not a record (a truncated, corrupt or foreign file) raises
    :class:`CacheError` — possibly after earlier good chunks, which the caller must then forget.
    Checking per chunk lets the first rows show before the whole file is read.
    """
    try:
        f = path.open("rb")
    except OSError:
        return
    with f:
        if f.read(len(MAGIC) + len(_TAG)) != MAGIC + _TAG:
            return
        while head := f.read(4 + _DIGEST):
            size = int.from_bytes(head[:4], "little")
            blob = f.read(size)
            if len(head) != 4 + _DIGEST or len(blob) != size or _digest(blob) != head[4:]:
                raise CacheError(f"corrupt cache {path}")
            yield _unpack(blob, path)


def _unpack(blob: bytes, path: Path) -> list[Record]:
    try:
        records = marshal.loads(blob)
        if not isinstance(records, tuple):
            raise RecordError("chunk is not a tuple")
        for record in records:
            record_key(record)
    except (EOFError, ValueError, TypeError, RecordError):
        raise CacheError(f"corrupt cache {path}") from None
    return list(records)


class CacheError(Exception):
    """The cache file is truncated, corrupt or not ours."""


def save_cache(path: Path, chunks: Iterable[Iterable[Record] | bytes]) -> None:
    """Write the cache atomically (temp file, fsync, rename): never half a file.

    Records come in chunks, each packed and written as it comes, so a big cache is never all in
    memory at once (joining the 80 MB of a 100k cache into one buffer first cost ~0.3 s). A
    chunk given as bytes is already packed: ``marshal.dumps`` of a tuple of records.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + _TAG)
            for chunk in chunks:
                blob = chunk if isinstance(chunk, bytes) else marshal.dumps(tuple(chunk))
                f.write(len(blob).to_bytes(4, "little") + _digest(blob))
                f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
