"""Set the top-level ``published:`` key of one article file, changing no other byte.

The edit is textual, not a YAML round trip: re-dumping the front matter would re-quote strings,
reflow the ``secured`` blob and drop comments. The YAML parser is used only to *locate* things
(which line holds the top-level key, where its value starts and ends, where ``heat``'s value
ends), so decoys such as a nested ``published:`` under ``related``, a block scalar whose text
says ``published: false`` or a body after the front matter are never touched. After editing, the
new front matter is loaded again and compared with the old one, so a bug here can refuse an edit
but never corrupt a file.

Writes are atomic (temporary file in the same folder, fsync, ``os.replace``) and refuse to
proceed when the file changed on disk since the caller read it.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from newsreader.model import FileStamp

__all__ = [
    "ConflictError",
    "FlagEditError",
    "VanishedError",
    "WriteError",
    "edit_flag",
    "read_with_stamp",
    "set_published",
    "stamp_of",
]

KEY = "published"
_BOM = "\ufeff"
# Every character sequence YAML (and libyaml) counts as a line break; splitting the same way
# keeps our line numbers aligned with the parser's marks.
_LINE = re.compile(r"([^\r\n\x85\u2028\u2029]*)(\r\n|\r|\n|\x85|\u2028|\u2029|)")
_OPENING = re.compile(r"---[ \t]*")
# As in Jekyll, a YAML document-end marker also closes the front matter.
_CLOSING = re.compile(r"(?:---|\.\.\.)[ \t]*")
_BOOL_VALUES: dict[str, bool] = yaml.constructor.SafeConstructor.bool_values
_BOOL_TAG = "tag:yaml.org,2002:bool"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_MISSING = object()


class WriteError(Exception):
    """A flag could not be written; the message is one line, fit to show the user."""


class FlagEditError(WriteError):
    """The file's text cannot be edited safely (no front matter, odd ``published`` value...)."""


class ConflictError(WriteError):
    """The file changed on disk since it was read, so writing would lose someone's edit."""


class VanishedError(WriteError):
    """The file no longer exists."""


# --------------------------------------------------------------------------------------------
# Stamps


def stamp_of(data: bytes, st: os.stat_result) -> FileStamp:
    """The stamp of a file whose content is ``data`` and whose ``stat`` is ``st``."""
    return FileStamp.of(data, st.st_size, st.st_mtime_ns)  # the one definition, shared


def read_with_stamp(path: Path) -> tuple[bytes, FileStamp]:
    """Read a file and stamp it; the stat comes from the open descriptor, so both agree."""
    return _read(path, os.O_RDONLY)


def _read(path: Path, flags: int) -> tuple[bytes, FileStamp]:
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb", closefd=True) as handle:
        st = os.fstat(handle.fileno())
        data = handle.read()
    return data, stamp_of(data, st)


# --------------------------------------------------------------------------------------------
# The pure text edit


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the file: its text without the break, and the break itself."""

    text: str
    end: str


def _split_lines(text: str) -> list[_Line]:
    lines = [_Line(m.group(1), m.group(2)) for m in _LINE.finditer(text)]
    # The pattern also matches the empty string at the very end; that is not a line.
    if lines and not lines[-1].text and not lines[-1].end:
        lines.pop()
    return lines


def _join(lines: list[_Line]) -> str:
    return "".join(line.text + line.end for line in lines)


def _front_matter(lines: list[_Line]) -> int:
    """The index of the closing ``---`` (or ``...``) line; the YAML is ``lines[1:close]``."""
    if not lines or not _OPENING.fullmatch(lines[0].text) or not lines[0].end:
        raise FlagEditError("no front matter: the file does not start with a '---' line")
    for index in range(1, len(lines)):
        if _CLOSING.fullmatch(lines[index].text):
            return index
    raise FlagEditError("no front matter: the closing '---' line is missing")


def _compose(yaml_text: str) -> tuple[list[tuple[yaml.Node, yaml.Node]], Any]:
    """The root mapping's key/value node pairs, and the constructed front matter (for the check)."""
    loader = yaml.CSafeLoader(yaml_text)
    try:
        node = loader.get_single_node()
        # Take the pairs before constructing: construction flattens merge keys in place.
        pairs = _top_level(node)
        value = loader.construct_document(node) if node is not None else None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise FlagEditError(f"front matter is not valid YAML: {_one_line(exc)}") from exc
    finally:
        loader.dispose()
    return pairs, value


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _top_level(node: yaml.Node | None) -> list[tuple[yaml.Node, yaml.Node]]:
    """The key/value node pairs of the root mapping (none for an empty front matter)."""
    if node is None:
        return []
    if not isinstance(node, yaml.MappingNode):
        raise FlagEditError("front matter is not a mapping of keys to values")
    if node.flow_style:
        raise FlagEditError("unsupported front matter: a flow mapping ({...}) at the top level")
    if any(key.tag == _MERGE_TAG for key, _ in node.value):
        # A merged mapping could supply `published` from elsewhere in the file.
        raise FlagEditError("unsupported front matter: a merge key ('<<') at the top level")
    return list(node.value)


def _is_key(node: yaml.Node, name: str) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.value == name


def _token(value: bool) -> str:
    return "true" if value else "false"


def _value_span(lines: list[_Line], key: yaml.Node, val: yaml.Node) -> tuple[int, int]:
    """The columns of the value token on the key's line; refuse any value we cannot edit."""
    single = val.start_mark.line == val.end_mark.line == key.start_mark.line
    if not single or (isinstance(val, yaml.ScalarNode) and val.style in ("|", ">")):
        raise FlagEditError(f"unsupported '{KEY}' value: it spans more than one line")
    start, stop = val.start_mark.column, val.end_mark.column
    if _has_anchor(lines[key.start_mark.line + 1].text[start:stop]):
        # An anchored value may be aliased elsewhere; editing it would change that too.
        raise FlagEditError(f"unsupported '{KEY}' value: it carries a YAML anchor or alias")
    return start, stop


def _has_anchor(token: str) -> bool:
    """True if a value's text is an alias or has an anchor among its leading properties."""
    if token.startswith("*"):
        return True
    for part in token.split():
        if part.startswith("&"):
            return True
        if not part.startswith("!"):
            return False  # the scalar itself: an '&' inside it is just text
    return False


def _replace_value(lines: list[_Line], key: yaml.Node, val: yaml.Node, value: bool) -> None:
    """Replace the value token on the key's line, keeping the comment and the line break."""
    start, stop = _value_span(lines, key, val)
    index = key.start_mark.line + 1
    line = lines[index]
    token = _token(value)
    if start == stop and not line.text[:start].endswith((" ", "\t")):
        token = " " + token  # an empty value (`published:`): YAML needs a space after ':'
    lines[index] = _Line(line.text[:start] + token + line.text[stop:], line.end)


def _remove_line(lines: list[_Line], key: yaml.Node, val: yaml.Node) -> None:
    """Remove the whole ``published:`` line (undo of an insertion)."""
    _value_span(lines, key, val)
    index = key.start_mark.line + 1
    if lines[index].text[: key.start_mark.column].strip():
        raise FlagEditError(f"unsupported '{KEY}' key: other content shares its line")
    del lines[index]


def _insert_line(
    lines: list[_Line], pairs: list[tuple[yaml.Node, yaml.Node]], close: int, value: bool
) -> None:
    """Insert ``published: <value>`` after ``heat``'s value, else before the closing ``---``."""
    at = close
    heat = [(key, val) for key, val in pairs if _is_key(key, "heat")]
    if heat:
        key, val = heat[-1]
        end = val.end_mark
        # A block value ends at column 0 of the line after it; anything else ends mid-line.
        at = end.line + 1 if end.column == 0 else end.line + 2
        # An alias's node lives elsewhere in the file; never insert before heat's own line.
        at = min(max(at, key.start_mark.line + 2), close)
    indent = " " * pairs[0][0].start_mark.column if pairs else ""
    before = lines[at - 1].end
    end_of_line = before if before == "\r\n" else "\n"
    lines.insert(at, _Line(f"{indent}{KEY}: {_token(value)}", end_of_line))


def _check(old: Any, new_yaml: str, value: bool | None) -> None:
    """Refuse unless the new front matter equals the old one except for ``published``."""
    try:
        new = yaml.load(new_yaml, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise FlagEditError(f"edit refused: the result would not load ({_one_line(exc)})") from exc
    old_rest = {k: v for k, v in (old or {}).items() if k != KEY}
    new_map = new if isinstance(new, dict) else {}
    new_rest = {k: v for k, v in new_map.items() if k != KEY}
    wanted = _MISSING if value is None else value
    # repr() rather than ==, so that a NaN value compares equal to itself.
    if new_map.get(KEY, _MISSING) is not wanted or repr(old_rest) != repr(new_rest):
        raise FlagEditError("edit refused: the result would change more than the flag")


def edit_flag(data: bytes, value: bool | None) -> bytes:
    """Return ``data`` with its top-level ``published`` set to ``value`` (None: key removed).

    Only the value token on that one line changes; a missing key is inserted as one line after
    ``heat`` (or before the closing ``---``). If the key already holds the wanted boolean the
    bytes are returned unchanged. Raises :class:`FlagEditError` when the file cannot be edited
    safely.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FlagEditError(f"file is not valid UTF-8 (byte {exc.start})") from exc
    bom = _BOM if text.startswith(_BOM) else ""
    lines = _split_lines(text[len(bom) :])
    close = _front_matter(lines)
    count = len(lines)
    pairs, old = _compose(_join(lines[1:close]))
    found = [(key, val) for key, val in pairs if _is_key(key, KEY)]
    if len(found) > 1:
        lines_at = ", ".join(str(key.start_mark.line + 2) for key, _ in found)
        raise FlagEditError(f"duplicate top-level '{KEY}' keys (lines {lines_at})")
    if found:
        key, val = found[0]
        if value is None:
            _remove_line(lines, key, val)
        elif _holds(val, value):
            return data
        else:
            _replace_value(lines, key, val, value)
    elif value is None:
        return data
    else:
        _insert_line(lines, pairs, close, value)
    # The edit added or removed at most one line, all of it before the closing '---'.
    _check(old, _join(lines[1 : close + len(lines) - count]), value)
    return (bom + _join(lines)).encode("utf-8")


def _holds(val: yaml.Node, value: bool) -> bool:
    """True when the node is already the YAML boolean ``value`` (``True``, ``yes``...)."""
    return (
        isinstance(val, yaml.ScalarNode)
        and val.tag == _BOOL_TAG
        and _BOOL_VALUES.get(val.value.lower()) is value
    )


# --------------------------------------------------------------------------------------------
# The atomic write


def set_published(path: Path, value: bool | None, expected: FileStamp | None) -> FileStamp:
    """Set the ``published`` flag of the file at ``path`` atomically; return its new stamp.

    With ``expected``, refuse (:class:`ConflictError`) if the file is not exactly what was read.
    Nothing is written when the flag already has the value. Symbolic links are refused.
    """
    try:
        return _set_published(path, value, expected)
    except FileNotFoundError as exc:
        raise VanishedError(f"file vanished: {path}") from exc
    except PermissionError as exc:
        raise WriteError(f"permission denied: {path}") from exc
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _set_published(path: Path, value: bool | None, expected: FileStamp | None) -> FileStamp:
    data, stamp, st = _read_regular(path)
    if expected is not None and stamp != expected:
        raise ConflictError(f"{path} changed on disk since it was read; reload it first")
    new = edit_flag(data, value)
    if new == data:
        return stamp
    if not os.access(path, os.W_OK):
        raise WriteError(f"permission denied: {path} is read-only")
    return _replace_atomically(path, new, st, lambda: _unchanged(path, stamp))


def _read_regular(path: Path) -> tuple[bytes, FileStamp, os.stat_result]:
    """Read a regular file, never through a symbolic link."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise WriteError(f"refusing to write through a symbolic link: {path}")
    if not stat.S_ISREG(st.st_mode):
        raise WriteError(f"not a regular file: {path}")
    try:
        data, stamp = _read(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        # ELOOP: the path became a link between lstat and open.
        if os.path.islink(path):
            raise WriteError(f"refusing to write through a symbolic link: {path}") from exc
        raise
    return data, stamp, st


def _unchanged(path: Path, stamp: FileStamp) -> None:
    """Raise ConflictError unless the file on disk still has ``stamp``."""
    current = _read_regular(path)[1]
    if current != stamp:
        raise ConflictError(f"{path} changed on disk while it was being written; reload it")


def _replace_atomically(
    path: Path, data: bytes, st: os.stat_result, recheck: Callable[[], None]
) -> FileStamp:
    """Write ``data`` to a temporary sibling, then rename it over ``path``."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        try:
            _keep_owner(fd, st)  # before fchmod: a chown may clear set-id bits
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            _write_all(fd, data)
            os.fsync(fd)
            new_stat = os.fstat(fd)
        finally:
            os.close(fd)
        recheck()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    # Stat after the rename: some file systems settle mtime on close. Should another writer
    # have replaced the file meanwhile, our digest will not match theirs on the next write.
    with contextlib.suppress(OSError):
        new_stat = os.lstat(path)
    return stamp_of(data, new_stat)


def _keep_owner(fd: int, st: os.stat_result) -> None:
    """Give the new file the old owner when allowed (e.g. running as root on a user's file)."""
    current = os.fstat(fd)
    if (current.st_uid, current.st_gid) != (st.st_uid, st.st_gid):
        with contextlib.suppress(OSError):
            os.fchown(fd, st.st_uid, st.st_gid)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; best effort, since not every platform can open a directory."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
