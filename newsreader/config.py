"""User settings, read from ``config.toml`` in the platformdirs config directory.

A broken or partly wrong config never stops the app: every problem becomes a one-line notice and
the affected setting keeps its default.

Example::

    theme = "nord"
    default_sort = "quality"      # date, quality, heat, title, provider, id
    sort_reverse = false
    advance_on_publish = true     # move to the next article after p
    watch = true                  # take in changes to the folder while running
    extensions = [".md", ".markdown", ".txt"]

    [keymap]                      # binding id = "comma,separated,keys"
    "app.publish" = "p,P"

    [views]                       # saved views: name = query
    "AI to review" = "is:unpublished topic:AI"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from newsreader.articles.index import DEFAULT_SORT, SORT_KEYS
from newsreader.reading.loader import DEFAULT_EXTENSIONS


@dataclass(frozen=True)
class Settings:
    """Everything the user can set; the defaults are what a fresh install uses."""

    theme: str = "textual-dark"
    default_sort: str = DEFAULT_SORT
    sort_reverse: bool = False
    advance_on_publish: bool = True
    watch: bool = True
    restore_session: bool = True
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    keymap: dict[str, str] = field(default_factory=dict)
    saved_views: dict[str, str] = field(default_factory=dict)


def load_settings(path: Path | None) -> tuple[Settings, list[str]]:
    """Read settings from ``path``; return them with a notice for every problem found."""
    if path is None or not path.exists():
        return Settings(), []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Settings(), [f"config {path}: {exc}; using defaults"]
    return settings_from_dict(data)


def settings_from_dict(data: dict[str, Any]) -> tuple[Settings, list[str]]:
    """Build settings from parsed TOML, keeping defaults for wrong values."""
    notices: list[str] = []
    values: dict[str, Any] = {}
    defaults = Settings()
    for key in ("theme", "default_sort"):
        if key in data:
            _take(values, notices, key, data[key], str)
    for key in ("sort_reverse", "advance_on_publish", "watch", "restore_session"):
        if key in data:
            _take(values, notices, key, data[key], bool)
    if values.get("default_sort", defaults.default_sort) not in SORT_KEYS:
        notices.append(f"config: default_sort {values.pop('default_sort')!r} is not a sort key")
    if "extensions" in data:
        exts = data["extensions"]
        if isinstance(exts, list) and exts and all(isinstance(e, str) for e in exts):
            values["extensions"] = tuple(e if e.startswith(".") else f".{e}" for e in exts)
        else:
            notices.append("config: extensions must be a list of strings")
    for key, target in (("keymap", "keymap"), ("views", "saved_views")):
        table = data.get(key, {})
        if not isinstance(table, dict):
            notices.append(f"config: [{key}] must be a table")
            continue
        good = {k: v for k, v in table.items() if isinstance(v, str)}
        if len(good) != len(table):
            notices.append(f"config: [{key}] values must be strings")
        values[target] = good
    unknown = set(data) - {*values, "keymap", "views", "extensions", *_SCALARS}
    if unknown:
        notices.append(f"config: unknown settings ignored: {', '.join(sorted(unknown))}")
    return replace(defaults, **values), notices


_SCALARS = (
    "theme",
    "default_sort",
    "sort_reverse",
    "advance_on_publish",
    "watch",
    "restore_session",
)


def _take(values: dict[str, Any], notices: list[str], key: str, value: Any, kind: type) -> None:
    if isinstance(value, kind):
        values[key] = value
    else:
        notices.append(f"config: {key} must be a {kind.__name__}, not {value!r}")
