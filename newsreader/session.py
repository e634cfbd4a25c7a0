"""Per-folder session state: where the editor was (cursor, query, sort), restored next start.

Stored as JSON in the platformdirs state directory, never inside the opened folder. A missing or
corrupt file gives the default state.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from newsreader.articles.index import SORT_KEYS


@dataclass(frozen=True)
class SessionState:
    """What is restored when the folder is opened again."""

    cursor: str | None = None
    query: str = ""
    sort: str | None = None
    reverse: bool = False


def load_session(path: Path) -> SessionState:
    """Read a saved state; anything unreadable or malformed gives the default."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return SessionState()
    if not isinstance(data, dict):
        return SessionState()
    cursor, query, sort, reverse = (data.get(k) for k in ("cursor", "query", "sort", "reverse"))
    return SessionState(
        cursor=cursor if isinstance(cursor, str) else None,
        query=query if isinstance(query, str) else "",
        sort=sort if isinstance(sort, str) and sort in SORT_KEYS else None,
        reverse=reverse if isinstance(reverse, bool) else False,
    )


def save_session(path: Path, state: SessionState) -> None:
    """Write the state atomically (a crash never leaves half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".session-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(state), f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remembered_theme(path: Path, config_theme: str) -> str:
    """The theme last chosen in the app, unless the config's ``theme`` changed since then.

    The choice is stored with the config value it overrode: editing ``theme`` in the config
    file later wins again, rather than being silently ignored.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return config_theme
    if not isinstance(data, dict) or data.get("config_theme") != config_theme:
        return config_theme
    theme = data.get("theme")
    return theme if isinstance(theme, str) and theme else config_theme


def remember_theme(path: Path, theme: str, config_theme: str) -> None:
    """Store the theme chosen in the app (atomically), with the config theme it overrides."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ui-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"theme": theme, "config_theme": config_theme}, f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
