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
from collections.abc import Iterable
from pathlib import Path

from newsreader import paths
from newsreader.records import Record, RecordError, record_key

CACHE_VERSION = 1
MAGIC = b"NEWSREADER-CACHE\n"
_TAG = sys.implementation.cache_tag.encode("ascii", "replace").ljust(32, b" ")[:32]
_DIGEST = 16


def cache_path(folder: Path) -> Path:
    """Where the cache of a folder lives."""
    return paths.cache_file(folder, CACHE_VERSION)


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=_DIGEST).digest()


def load_cache(path: Path) -> dict[str, Record]:
    """Read a cache file into {id: record}; an untrustworthy file gives an empty dict."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    head = len(MAGIC) + len(_TAG)
    if not data.startswith(MAGIC) or data[len(MAGIC) : head] != _TAG:
        return {}
    digest, payload = data[head : head + _DIGEST], data[head + _DIGEST :]
    if digest != _digest(payload):
        return {}
    try:
        records = marshal.loads(payload)
        if not isinstance(records, tuple):
            return {}
        return {record_key(r)[0]: r for r in records}
    except (EOFError, ValueError, TypeError, RecordError):
        return {}


def save_cache(path: Path, records: Iterable[Record]) -> None:
    """Write the cache atomically (temp file, fsync, rename): never half a file."""
    payload = marshal.dumps(tuple(records))
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
