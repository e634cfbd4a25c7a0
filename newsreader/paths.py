"""Where newsreader keeps its own files: config, state, cache and data (platformdirs).

Nothing is ever written inside the opened folder except the article files themselves; every
per-folder file lives under these directories, named by a hash of the folder's resolved path.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import platformdirs

APP_NAME = "newsreader"


def config_dir() -> Path:
    """The directory holding ``config.toml``."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The user's config file (may not exist)."""
    return config_dir() / "config.toml"


def state_dir() -> Path:
    """Per-folder session state and journals."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Per-folder summary caches (safe to delete)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """User data, such as the demo corpus."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def folder_key(folder: Path) -> str:
    """A stable file-name-safe key for a folder: its name plus a hash of its resolved path."""
    resolved = folder.resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in resolved.name)[:40]
    return f"{name or 'root'}-{digest}"


def journal_file(folder: Path) -> Path:
    """The undo journal of one folder."""
    return state_dir() / "journals" / f"{folder_key(folder)}.jsonl"


def session_file(folder: Path) -> Path:
    """The saved cursor, query and sort of one folder."""
    return state_dir() / "sessions" / f"{folder_key(folder)}.json"


def cache_file(folder: Path, version: int) -> Path:
    """The summary cache of one folder, for one cache format version."""
    return cache_dir() / f"{folder_key(folder)}.v{version}.cache"


def ui_state_file() -> Path:
    """What the app remembers across folders (the theme chosen in the palette)."""
    return state_dir() / "ui.json"
