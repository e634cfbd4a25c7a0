"""Open a folder: check it, find its article files and build the index.

This is the one entry point the CLI and the app use to index a folder, so that both always see
the same articles, the same bad files and the same cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from newsreader.articles.index import ArticleIndex
from newsreader.reading.indexer import IndexUpdate, index_updates
from newsreader.reading.loader import DEFAULT_EXTENSIONS


class FolderError(Exception):
    """The folder cannot be opened at all (missing, not a folder, unreadable)."""


def check_folder(folder: Path) -> Path:
    """Return the folder's absolute path, or raise FolderError with a one-line reason."""
    try:
        # exists() and is_dir() raise (rather than answer False) for a name too long, a
        # parent without search permission and the like.
        if not folder.exists():
            raise FolderError(f"no such folder: {folder}")
        if not folder.is_dir():
            raise FolderError(f"not a folder: {folder}")
        next(iter(folder.iterdir()), None)
        return folder.resolve()
    except OSError as exc:
        raise FolderError(f"cannot read folder {folder}: {exc.strerror or exc}") from None


def build_index(
    folder: Path, extensions: Iterable[str] = DEFAULT_EXTENSIONS, *, use_cache: bool = True
) -> ArticleIndex:
    """Index every article file of a folder (raises FolderError if it cannot be opened).

    The same fast path as the app: cached summaries, re-reading only new or changed files.
    The heap is not settled afterwards: a command exits soon after.
    """
    root = check_folder(folder)
    index = ArticleIndex(root)
    for update in index_updates(root, extensions, use_cache=use_cache, settle=False):
        apply_update(index, update)
    return index


def apply_update(index: ArticleIndex, update: IndexUpdate) -> None:
    """Merge one batch of indexing results into an index."""
    index.add_all(update.items)
    for article_id in update.removed:
        index.discard(article_id)
