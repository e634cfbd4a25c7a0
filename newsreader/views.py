"""Saving a view (name = query) into the ``[views]`` table of ``config.toml``.

The standard library reads TOML but cannot write it, and a full writer would lose the user's
comments and layout. So this edits the file as text, touching only the one line of the view
(or adding it, and the ``[views]`` header when there is none), then proves the edit: the new
text must parse, and parse to exactly the old settings with that one view set. Anything it
cannot edit that way (an inline ``views = {...}`` table, a multi-line value, a file that does
not parse) is refused with the reason, and the file is left as it was. The write is atomic.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any

_HEADER = re.compile(r"\s*\[\s*(?:views|\"views\"|'views')\s*\]\s*(?:#.*)?")
_ANY_HEADER = re.compile(r"\s*\[")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class ViewSaveError(Exception):
    """The view could not be saved; the config file is unchanged."""


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (controls and DEL escaped, which TOML requires)."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_key(name: str) -> str:
    """A bare key when TOML allows one, else a quoted key."""
    return name if _BARE_KEY.fullmatch(name) else toml_string(name)


def _line_key(line: str) -> str | None:
    """The key a one-line ``key = value`` defines, or None (a comment, a blank, a fragment)."""
    try:
        parsed = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    if len(parsed) != 1:
        return None
    key, value = next(iter(parsed.items()))
    # A dotted key (a.b = 1) parses to a table: not a line of ours to replace.
    return None if isinstance(value, dict) else key


def with_view(text: str, name: str, query: str) -> str:
    """``text`` (a config file) with the view ``name`` set to ``query``; raises ViewSaveError."""
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ViewSaveError(f"the config file does not parse ({exc}); fix it first") from None
    entry = f"{toml_key(name)} = {toml_string(query)}"
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    start = next(
        (i for i, line in enumerate(lines) if _HEADER.fullmatch(line.rstrip("\r\n"))), None
    )
    if start is None:
        tail = "" if not text or text.endswith("\n") else newline
        gap = newline if text.strip() else ""
        new = f"{text}{tail}{gap}[views]{newline}{entry}{newline}"
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines)
        )
        found = next((i for i in range(start + 1, end) if _line_key(lines[i]) == name), None)
        if found is not None:
            lines[found] = entry + newline
        else:
            # After the table's last key line, so blank lines and comments before the next
            # table stay with it.
            last = max((i for i in range(start, end) if _line_key(lines[i])), default=start)
            if not lines[last].endswith("\n"):
                lines[last] += newline
            lines.insert(last + 1, entry + newline)
        new = "".join(lines)
    _prove(before, new, name, query)
    return new


def _prove(before: dict[str, Any], new: str, name: str, query: str) -> None:
    """Refuse an edit that does not parse to the old settings plus this one view."""
    expected = dict(before)
    views = expected.get("views", {})
    if not isinstance(views, dict):
        raise ViewSaveError("the config's views is not a [views] table")
    expected["views"] = {**views, name: query}
    try:
        after = tomllib.loads(new)
    except tomllib.TOMLDecodeError:
        after = None
    if after != expected:
        raise ViewSaveError(
            "cannot edit the config's [views] table safely (an inline table or a multi-line "
            "value?); add the view by hand"
        )


def save_view(path: Path, name: str, query: str) -> None:
    """Set the view ``name`` to ``query`` in the config file at ``path`` (created if missing).

    Raises :class:`ViewSaveError` with a one-line reason; the file is then unchanged.
    """
    if not name.strip():
        raise ViewSaveError("a view needs a name")
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        text, mode = "", 0o644
    except (OSError, UnicodeDecodeError) as exc:
        raise ViewSaveError(f"cannot read {path}: {exc}") from None
    new = with_view(text, name, query)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(new)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ViewSaveError(f"cannot write {path}: {exc}") from None
