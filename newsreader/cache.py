"""The per-folder summary cache: records of every indexed file, so a restart reads only changes.

The file lives in the platformdirs cache folder (never in the opened folder), its name carries the
format version, and its header carries a magic string, the Python build (marshal's format is
Python's own) and a hash of the payload. Anything that does not check out — missing, truncated,
corrupt, from another version or another program — is ignored, and the cache is rebuilt.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsreader import paths
from newsreader.records import Record, RecordError, record_key

CACHE_VERSION = 2
MAGIC = b"NEWSREADER-CACHE\n"
_TAG = sys.implementation.cache_tag.encode("ascii", "replace").ljust(32, b" ")[:32]
_DIGEST = 16


def cache_path(folder: Path) -> Path:
    """Where the cache of a folder lives."""
    return paths.cache_file(folder, CACHE_VERSION)


def _digest(payload: bytes | memoryview) -> bytes:
    return hashlib.blake2b(payload, digest_size=_DIGEST).digest()


def load_cache(path: Path) -> Iterator[list[Record]]:
    """Yield the cached records in chunks; an untrustworthy file yields nothing at all.

    The whole file is checked (header and hash) before the first chunk is yielded, and each
    record's key is checked as it is read, so callers never see part of a bad cache — except
    that :func:`newsreader.records.from_record` may still find a malformed record, which callers
    must treat as "cache untrustworthy".
    """
    try:
        data = path.read_bytes()
    except OSError:
        return
    head = len(MAGIC) + len(_TAG)
    if not data.startswith(MAGIC) or data[len(MAGIC) : head] != _TAG:
        return
    digest, payload = data[head : head + _DIGEST], memoryview(data)[head + _DIGEST :]
    if digest != _digest(payload):
        return
    del data
    chunks = []
    offset = 0
    while offset < len(payload):
        size = int.from_bytes(payload[offset : offset + 4], "little")
        chunks.append(payload[offset + 4 : offset + 4 + size])
        offset += 4 + size
    if offset != len(payload):
        return
    for chunk in chunks:
        try:
            records = marshal.loads(chunk)
            if not isinstance(records, tuple):
                raise RecordError("chunk is not a tuple")
            for record in records:
                record_key(record)
        except (EOFError, ValueError, TypeError, RecordError):
            raise CacheError(f"corrupt cache {path}") from None
        yield list(records)


class CacheError(Exception):
    """The cache passed its hash check but holds something unexpected."""


def save_cache(path: Path, chunks: Iterable[Iterable[Record]]) -> None:
    """Write the cache atomically (temp file, fsync, rename): never half a file.

    Records come in chunks, so a big cache is never all in memory as records at once.
    """
    parts = []
    for chunk in chunks:
        blob = marshal.dumps(tuple(chunk))
        parts.append(len(blob).to_bytes(4, "little"))
        parts.append(blob)
    payload = b"".join(parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + _TAG + _digest(payload) + payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
