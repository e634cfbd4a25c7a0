"""Set the top-level ``published:`` key of one article file, changing no other byte.

The edit is textual, not a YAML round trip: re-dumping the front matter would re-quote strings,
reflow the ``secured`` blob and drop comments. The YAML parser is used only to *locate* things
(which line holds the top-level key, where its value starts and ends, where ``heat``'s value
ends), so decoys such as a nested ``published:`` under ``related``, a block scalar whose text
says ``published: false`` or a body after the front matter are never touched. After editing, the
new front matter is loaded again and compared with the old one, so a bug here can refuse an edit
but never corrupt a file.

Writes are atomic (a temporary ``.newsreader-<12 hex>.tmp`` in the same folder, fsync, then a
``renameat2(RENAME_EXCHANGE)`` whose swapped-out file is checked, or a recheck and ``rename``
where the swap is unsupported), go through the opened folder's directory descriptor, and refuse
to proceed when the file changed on disk since the caller read it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from newsreader.articles.model import FileStamp
from newsreader.site import jekyll, psych

__all__ = [
    "ConflictError",
    "FileState",
    "FlagEditError",
    "Folder",
    "VanishedError",
    "WriteError",
    "edit_flag",
    "edit_flag_tokens",
    "flag_token",
    "is_temp_name",
    "read_with_stamp",
    "set_flag_token",
    "set_published",
    "stamp_of",
    "temp_name",
    "token_meaning",
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


def _replace_value(lines: list[_Line], key: yaml.Node, val: yaml.Node, token: str) -> None:
    """Replace the value token on the key's line, keeping the comment and the line break."""
    start, stop = _value_span(lines, key, val)
    index = key.start_mark.line + 1
    line = lines[index]
    if start == stop and not line.text[:start].endswith((" ", "\t")):
        token = " " + token  # an empty value (`published:`): YAML needs a space after ':'
    lines[index] = _Line(line.text[:start] + token + line.text[stop:], line.end)


def _set_value_text(lines: list[_Line], key: yaml.Node, val: yaml.Node, token: str) -> None:
    """Put ``token`` in place of the value text as it is (undo: the exact old text)."""
    start, stop = _value_span(lines, key, val)
    index = key.start_mark.line + 1
    text = lines[index].text
    head = text[:start]
    if not token and head.endswith(" ") and head[:-1].endswith(":") and not text[stop:]:
        head = head[:-1]  # `published:` had no value: the space came with the value we wrote
    elif token and start == stop and not head.endswith((" ", "\t")):
        token = " " + token
    lines[index] = _Line(head + token + text[stop:], lines[index].end)


def _remove_line(lines: list[_Line], key: yaml.Node, val: yaml.Node) -> None:
    """Remove the whole ``published:`` line (undo of an insertion)."""
    _value_span(lines, key, val)
    index = key.start_mark.line + 1
    if lines[index].text[: key.start_mark.column].strip():
        raise FlagEditError(f"unsupported '{KEY}' key: other content shares its line")
    del lines[index]


def _insert_line(
    lines: list[_Line], pairs: list[tuple[yaml.Node, yaml.Node]], close: int, token: str
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
    lines.insert(at, _Line(f"{indent}{KEY}: {token}".rstrip(" "), end_of_line))


def _check(old: Any, new_yaml: str, wanted: Any) -> None:
    """Refuse unless the new front matter equals the old one except ``published`` == ``wanted``."""
    try:
        new = yaml.load(new_yaml, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise FlagEditError(f"edit refused: the result would not load ({_one_line(exc)})") from exc
    old_rest = {k: v for k, v in (old or {}).items() if k != KEY}
    new_map = new if isinstance(new, dict) else {}
    new_rest = {k: v for k, v in new_map.items() if k != KEY}
    got = new_map.get(KEY, _MISSING)
    # repr() rather than ==, so that a NaN value compares equal to itself; `is` for booleans,
    # so that 1 is not taken for true.
    same = got is wanted or (type(got) is type(wanted) and repr(got) == repr(wanted))
    if not same or repr(old_rest) != repr(new_rest):
        raise FlagEditError("edit refused: the result would change more than the flag")


@dataclass(slots=True)
class _Parsed:
    """A file's lines, split around its front matter, with the ``published`` key located."""

    bom: str
    lines: list[_Line]
    close: int
    pairs: list[tuple[yaml.Node, yaml.Node]]
    old: Any
    found: tuple[yaml.Node, yaml.Node] | None

    def result(self, count: int, wanted: Any) -> bytes:
        """The edited file, after checking that only the flag changed (``count``: old length)."""
        # The edit added or removed at most one line, all of it before the closing '---'.
        _check(self.old, _join(self.lines[1 : self.close + len(self.lines) - count]), wanted)
        return (self.bom + _join(self.lines)).encode("utf-8")


def _parse(data: bytes) -> _Parsed:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FlagEditError(f"file is not valid UTF-8 (byte {exc.start})") from exc
    bom = _BOM if text.startswith(_BOM) else ""
    lines = _split_lines(text[len(bom) :])
    close = _front_matter(lines)
    pairs, old = _compose(_join(lines[1:close]))
    found = [(key, val) for key, val in pairs if _is_key(key, KEY)]
    if len(found) > 1:
        lines_at = ", ".join(str(key.start_mark.line + 2) for key, _ in found)
        raise FlagEditError(f"duplicate top-level '{KEY}' keys (lines {lines_at})")
    return _Parsed(bom, lines, close, pairs, old, found[0] if found else None)


def edit_flag(data: bytes, value: bool | None) -> bytes:
    """Return ``data`` with its top-level ``published`` set to ``value`` (None: key removed).

    Only the value token on that one line changes; a missing key is inserted as one line after
    ``heat`` (or before the closing ``---``). If the key already holds the wanted boolean the
    bytes are returned unchanged. Raises :class:`FlagEditError` when the file cannot be edited
    safely.
    """
    return edit_flag_tokens(data, value)[0]


def edit_flag_tokens(data: bytes, value: bool | None) -> tuple[bytes, str | None, str | None]:
    """:func:`edit_flag`, also returning the flag's exact text before and after (None: no key).

    One parse instead of three (:func:`flag_token` on both sides): the journal needs both.
    """
    parsed = _parse(data)
    lines, count = parsed.lines, len(parsed.lines)
    old = None
    if parsed.found:
        key, val = parsed.found
        start, stop = _value_span(lines, key, val)
        old = lines[key.start_mark.line + 1].text[start:stop]
        if value is None:
            _remove_line(lines, key, val)
        elif _holds(val, value):
            return data, old, old
        else:
            _replace_value(lines, key, val, _token(value))
    elif value is None:
        return data, None, None
    else:
        _insert_line(lines, parsed.pairs, parsed.close, _token(value))
    new = None if value is None else _token(value)
    return parsed.result(count, _MISSING if value is None else value), old, new


def flag_token(data: bytes) -> str | None:
    """The exact text of the top-level ``published`` value (``yes``, ``"false"``, ``~``...).

    None when the key is missing; an empty string for ``published:`` with no value. Raises
    :class:`FlagEditError` for anything :func:`edit_flag` would refuse to edit.
    """
    parsed = _parse(data)
    if parsed.found is None:
        return None
    key, val = parsed.found
    start, stop = _value_span(parsed.lines, key, val)
    return parsed.lines[key.start_mark.line + 1].text[start:stop]


def set_flag_token(data: bytes, token: str | None) -> bytes:
    """Return ``data`` with the ``published`` value text set to ``token`` exactly (None: no key).

    The inverse of :func:`flag_token`: undo writes back the very bytes a file had, not only
    their meaning. Every other byte is kept, and the result is checked like :func:`edit_flag`'s.
    """
    if token is not None and ("\n" in token or "\r" in token):
        raise FlagEditError(f"unsupported '{KEY}' value: it spans more than one line")
    parsed = _parse(data)
    lines, count = parsed.lines, len(parsed.lines)
    if parsed.found:
        key, val = parsed.found
        if token is None:
            _remove_line(lines, key, val)
        else:
            _set_value_text(lines, key, val, token)
    elif token is None:
        return data
    else:
        _insert_line(lines, parsed.pairs, parsed.close, token)
    return parsed.result(count, _MISSING if token is None else _token_value(token))


def _token_value(token: str) -> Any:
    """What YAML makes of a value token (refusing tokens that are not one plain value)."""
    try:
        loaded = yaml.load(f"{KEY}: {token}", Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise FlagEditError(f"unsupported '{KEY}' value: {_one_line(exc)}") from exc
    if not isinstance(loaded, dict) or len(loaded) != 1 or _has_anchor(token):
        raise FlagEditError(f"unsupported '{KEY}' value: {token!r}")
    return loaded[KEY]


def token_meaning(token: str | None) -> bool | None:
    """What a flag token means to Jekyll, read by Psych's rules (None: no key).

    False for what hides a page (``false`` and ``no``/``off`` in any letter case, and null:
    ``~``, ``null``, nothing); True for anything else, including a token Psych refuses, since
    Jekyll then publishes the page with no front matter.
    """
    if token is None:
        return None
    try:
        loaded = psych.safe_load(f"{KEY}: {token}\n")
    except psych.PsychError:
        return True
    if not isinstance(loaded, psych.RubyHash):
        return True
    return jekyll.renders(loaded.get_str(KEY), True)


def _holds(val: yaml.Node, value: bool) -> bool:
    """True when the node is already the YAML boolean ``value`` (``True``, ``yes``...)."""
    return (
        isinstance(val, yaml.ScalarNode)
        and val.tag == _BOOL_TAG
        and _BOOL_VALUES.get(val.value.lower()) is value
    )


# --------------------------------------------------------------------------------------------
# The atomic write, through the opened folder's descriptor

TEMP_PREFIX = ".newsreader-"
TEMP_SUFFIX = ".tmp"
_TEMP = re.compile(r"\.newsreader-[0-9a-f]{12}\.tmp")
_RENAME_EXCHANGE = 2  # linux/fs.h
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def temp_name() -> str:
    """A fresh temporary file name: short enough for any folder, and recognisably this app's."""
    return f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"


def is_temp_name(name: str) -> bool:
    """True for a name :func:`temp_name` could have made."""
    return _TEMP.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class FileState:
    """A regular file as read for an edit: its bytes, stamp, stat and extended attributes."""

    data: bytes
    stamp: FileStamp
    stat: os.stat_result
    xattrs: tuple[tuple[str, bytes], ...] = ()


def _load_renameat2() -> Callable[..., int] | None:
    if sys.platform != "linux":
        return None
    try:
        function: Any = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # glibc before 2.28, or another libc
        return None
    int_, path = ctypes.c_int, ctypes.c_char_p
    function.argtypes = (int_, path, int_, path, ctypes.c_uint)
    function.restype = ctypes.c_int
    return cast(Callable[..., int], function)


_renameat2 = _load_renameat2()


def _exchange(dir_fd: int, first: str, second: str) -> bool:
    """Swap two names atomically; False when the system or file system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(dir_fd, os.fsencode(first), dir_fd, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), second)


def _before_install() -> None:
    """Called between the temporary file's fsync and its rename (a hook for race tests)."""


class Folder:
    """An opened article folder: every read and write goes through its directory descriptor.

    Each path component below the folder is opened from its parent's descriptor with
    ``O_NOFOLLOW``, so a sub-folder swapped for a symbolic link cannot redirect a write outside
    the folder, and a renamed folder keeps being the one written to.
    """

    def __init__(self, root: Path, *, defer_dir_sync: bool = False) -> None:
        """Open ``root`` (raises :class:`WriteError` when it cannot be opened).

        With ``defer_dir_sync`` the renames are made durable by :meth:`sync`, once for many
        files, instead of one directory fsync per file (half of a batch's fsyncs). The caller
        must call :meth:`sync` before it journals the files as done.
        """
        self.root = root
        self._defer = defer_dir_sync
        self._unsynced: set[str] = set()
        with _errors(root):
            self._fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)

    def sync(self) -> None:
        """Make the renames of deferred writes durable (fsync each folder written to)."""
        for parent in sorted(self._unsynced):
            # _parent opens the folder holding a file: name any file in it ("" is the root).
            inside = f"{parent}/x" if parent else "x"
            with contextlib.suppress(OSError, WriteError), self._parent(inside) as (fd, _):
                os.fsync(fd)
        self._unsynced.clear()

    def close(self) -> None:
        """Close the folder's descriptor."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _parent(self, rel: str) -> Iterator[tuple[int, str]]:
        """The descriptor of the folder holding ``rel``, and the file's own name in it."""
        *dirs, name = rel.split("/")
        if any(part in ("", ".", "..") for part in (*dirs, name)):
            raise WriteError(f"not a path inside the folder: {rel}")
        fd = self._fd
        try:
            for part in dirs:
                try:
                    fd = _open_dir(part, fd, self._fd)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise WriteError(
                            f"refusing to write through a symbolic link: {self.root / rel}"
                        ) from exc
                    raise
            yield fd, name
        finally:
            if fd != self._fd:
                os.close(fd)

    def read(self, rel: str) -> FileState:
        """Read the regular file ``rel`` (never through a symbolic link)."""
        path = self.root / rel
        with _errors(path), self._parent(rel) as (dir_fd, name):
            return _read_at(dir_fd, name, path)

    def write(self, rel: str, data: bytes, expected: FileState, tmp: str) -> FileStamp:
        """Replace ``rel`` with ``data`` via the temporary file ``tmp``; return the new stamp.

        Refuses (:class:`ConflictError`, nothing changed) unless the file replaced is exactly
        ``expected``. Owner, mode and extended attributes are kept where the process may.
        """
        path = self.root / rel
        with _errors(path), self._parent(rel) as (dir_fd, name):
            if not os.access(name, os.W_OK, dir_fd=dir_fd):  # read() refused links
                raise WriteError(f"permission denied: {path} is read-only")
            stamp = _replace_at(dir_fd, name, tmp, data, expected, path, sync=not self._defer)
        if self._defer:
            self._unsynced.add(rel.rpartition("/")[0])
        return stamp

    def remove_temp(self, rel: str, tmp: str) -> bool:
        """Remove this app's temporary file ``tmp`` next to ``rel``; False if it was not there."""
        if not is_temp_name(tmp):
            raise ValueError(f"not a temporary file name of this app: {tmp!r}")
        try:
            with self._parent(rel) as (dir_fd, _):
                os.unlink(tmp, dir_fd=dir_fd)
        except (OSError, WriteError):
            return False
        return True


def _open_dir(name: str, dir_fd: int, root_fd: int) -> int:
    fd = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    if dir_fd != root_fd:
        os.close(dir_fd)
    return fd


@contextlib.contextmanager
def _errors(path: Path) -> Iterator[None]:
    """Turn OS errors into one-line :class:`WriteError` messages naming ``path``."""
    try:
        yield
    except FileNotFoundError as exc:
        raise VanishedError(f"file vanished: {path}") from exc
    except PermissionError as exc:
        raise WriteError(f"permission denied: {path}") from exc
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _read_at(dir_fd: int, name: str, path: Path) -> FileState:
    st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if stat.S_ISLNK(st.st_mode):
        raise WriteError(f"refusing to write through a symbolic link: {path}")
    if not stat.S_ISREG(st.st_mode):
        raise WriteError(f"not a regular file: {path}")
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # it became a link between the stat and the open
            raise WriteError(f"refusing to write through a symbolic link: {path}") from exc
        raise
    with open(fd, "rb", closefd=True) as handle:
        st = os.fstat(handle.fileno())
        data = handle.read()
        xattrs = _xattrs(handle.fileno())
    return FileState(data, stamp_of(data, st), st, xattrs)


def _xattrs(fd: int) -> tuple[tuple[str, bytes], ...]:
    try:
        return tuple((name, os.getxattr(fd, name)) for name in os.listxattr(fd))
    except OSError:  # unsupported here, or not allowed: nothing to keep
        return ()


def _replace_at(
    dir_fd: int, name: str, tmp: str, data: bytes, expected: FileState, path: Path, *, sync: bool
) -> FileStamp:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(tmp, flags, 0o600, dir_fd=dir_fd)
    try:
        try:
            _keep_owner(fd, expected.stat)  # before fchmod: a chown may clear set-id bits
            os.fchmod(fd, stat.S_IMODE(expected.stat.st_mode))
            for key, value in expected.xattrs:
                with contextlib.suppress(OSError):
                    os.setxattr(fd, key, value)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        _before_install()
        _install(dir_fd, name, tmp, expected, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
    if sync:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)  # make the rename durable
    # Stat after the rename: some file systems settle mtime on close.
    return stamp_of(data, os.stat(name, dir_fd=dir_fd, follow_symlinks=False))


def _install(dir_fd: int, name: str, tmp: str, expected: FileState, path: Path) -> None:
    """Put ``tmp`` in place of ``name`` unless ``name`` is no longer the file ``expected``.

    With ``RENAME_EXCHANGE`` the check is made on what the swap took out: an edit made up to
    the swap is found in it and put back, so no moment is left in which it could be lost. Where
    the swap is not supported, the file is checked just before a plain rename.
    """
    if _exchange(dir_fd, tmp, name):
        try:
            swapped_out = _read_at(dir_fd, tmp, path)
        except (OSError, WriteError):
            swapped_out = None
        if swapped_out is None or swapped_out.stamp != expected.stamp:
            _exchange(dir_fd, tmp, name)  # put their file back; ours is removed by the caller
            raise ConflictError(f"{path} changed on disk while it was being written; reload it")
        os.unlink(tmp, dir_fd=dir_fd)
        return
    if _read_at(dir_fd, name, path).stamp != expected.stamp:
        raise ConflictError(f"{path} changed on disk while it was being written; reload it")
    os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


def set_published(path: Path, value: bool | None, expected: FileStamp | None) -> FileStamp:
    """Set the ``published`` flag of the file at ``path`` atomically; return its new stamp.

    With ``expected``, refuse (:class:`ConflictError`) if the file is not exactly what was read.
    Nothing is written when the flag already has the value. Symbolic links are refused.
    """
    with Folder(path.parent) as folder:
        state = folder.read(path.name)
        if expected is not None and state.stamp != expected:
            raise ConflictError(f"{path} changed on disk since it was read; reload it first")
        new = edit_flag(state.data, value)
        if new == state.data:
            return state.stamp
        return folder.write(path.name, new, state, temp_name())


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
