"""A fast scanner for the common shape of article front matter, exact or silent.

Loading every file with the YAML loader costs about 0.3 ms a file, far too slow to index 100,000
files. Real (and generated) front matter uses a tiny part of YAML: block mappings and sequences
indented with spaces, one-line double-quoted strings, one-line plain scalars. This module reads
exactly that subset with plain string operations and returns the same mapping the loader would
(``load_yaml`` in :mod:`newsreader.reading.parsing`), or None whenever the text is outside the
subset or anything about it is uncertain; the caller then falls back to the loader, which also
reports the errors. It never returns a wrong answer for a file the loader would refuse.

What the subset accepts, and why each rule is exactly the loader's:

* Characters: YAML refuses control characters, surrogates and U+FFFE/U+FFFF, so any of them means
  None. NEL, U+2028 and U+2029 are YAML line breaks and U+FEFF is skipped at line starts by
  libyaml, so they mean None too. CRLF endings are turned into LF (YAML treats both alike);
  a lone CR means None. Tabs are accepted only inside double-quoted strings.
* Lines: blank lines and whole-line ``#`` comments are separators (nothing here spans lines).
  Trailing spaces never belong to a one-line value, so they are dropped.
* Structure: ``key: value``, ``key:`` followed by a more-indented block (or, as YAML allows, a
  ``- `` sequence at the key's own indentation), ``- value`` and ``- key: value`` entries.
  Any other indentation (a continuation line, a stray deeper line) means None.
* Keys: plain and word-like (letters, digits, ``_ . - /``, single inner spaces). Keys the format
  names are strings; any other key is resolved like a plain value (``yes:`` is True, ``1:20:``
  is 80), so a key the loader could not build means None.
* Values: double-quoted strings on one line, with libyaml's escapes; plain scalars that do not
  start with an indicator and hold no ``: ``, `` #`` or tab. A plain scalar gets its type from
  PyYAML's own YAML 1.1 resolver table, and anything but a string, null, boolean, decimal int or
  ``...T..:..:..Z`` timestamp is built by PyYAML's own constructor (failures mean None).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

__all__ = ["scan_front_matter", "scan_strict"]


class _Bail(Exception):
    """The text is outside the subset (or the loader would refuse it): give up quietly."""


# --- character checks --------------------------------------------------------------------------

#: Anything but the characters accepted in a value: YAML's printable set (tab included) minus
#: NEL, U+2028, U+2029 (line breaks to YAML) and U+FEFF (skipped at line starts by libyaml).
#: Values that ``str.isprintable`` accepts never hold one, so this runs on few of them.
_BAD_TEXT = re.compile(
    "[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)

# --- keys and plain scalars --------------------------------------------------------------------

#: Keys known to resolve to themselves (plain strings): the format's keys and its nested ones.
_PLAIN_KEYS = frozenset(
    {
        "category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl",
        "ampWebUrl", "cdnAmpWebUrl", "type", "quality", "heat", "published", "featuredContent",
        "provider", "topics", "images", "related", "secured", "name", "domain", "url", "width",
        "height", "isCached",
    }
)  # fmt: skip
_OTHER_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*(?: [A-Za-z0-9_./-]+)*")
_MAX_KEY = 128
#: Deeper indentation than this is not article front matter (and bounds the recursion).
_MAX_INDENT = 64

#: Characters that may not start a plain scalar ('-' is handled on its own; '"' means quoted).
_BAD_START = frozenset("?:,[]{}#&*!|>'%@`\t")
#: Inside a one-line plain scalar: ': ' or a final ':' (mapping value), ' #' (comment), a final
#: space (trailing spaces are not part of the value; see _tidy), or any character refused in a
#: value (tabs included).
_BAD_PLAIN = re.compile(
    ": | #|[: ]$"
    "|[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
#: First characters for which PyYAML's resolver has an implicit (non-string) tag to try.
_IMPLICIT_FIRST = frozenset(Resolver.yaml_implicit_resolvers) - {""}
_SPECIAL: dict[str, bool | None] = {
    **{word: True for word in ("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")},
    **{word: False for word in ("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")},
    **dict.fromkeys(("~", "null", "Null", "NULL")),
}
_MISSING = object()
#: Plain scalars already checked, with their values: most repeat from file to file (``news``,
#: ``true``, small numbers, provider names and domains, topics). Bounded; values immutable.
_PLAIN_CACHE: dict[str, Any] = {}
_CACHE_SIZE = 4096
_CACHED_LENGTH = 80
#: Whole lines already read, with what they hold: ``key: value`` lines of a block mapping as
#: (column of the key, key, value), ``- value`` entries of a block sequence as (column of the
#: dash, value). A line means the same wherever it appears in a mapping (or a sequence), so a
#: hit skips the splitting, the key check and the value's own lookup. Most short lines repeat
#: from file to file (``type: article``, ``  name: ...``, ``    width: 480``, ``  - AI``).
#: Bounded like the plain cache; keys and values are immutable. Entry heads (``- key: value``)
#: are never stored: as map lines they do not start with their key's column of spaces.
_MAP_LINES: dict[str, tuple[int, Any, Any]] = {}
_SEQ_LINES: dict[str, tuple[int, Any]] = {}
#: Key prefixes of mapping lines already read (the indentation and the key, as the text before
#: ``": "``), with (the key's column, the key): a handful of them make up every file.
_KEYS: dict[str, tuple[int, str]] = {}
_LINE_CACHE_SIZE = 8192
#: The characters ``str.isprintable`` accepts among ASCII, as bytes; and the length from which
#: checking an ASCII value through them is faster.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
_LONG = 48
_CACHED_LINE_LENGTH = 100
#: Immutable, and repeated: dates are left out (nearly every one is new).
_CACHED_TYPES = frozenset({str, int, bool, type(None), float})
_TIMESTAMP_Z = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_BUILT = frozenset(
    {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
)
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()

# --- double-quoted scalars ---------------------------------------------------------------------

_HEX = re.compile("[0-9A-Fa-f]+")
_HEX_SIZES = {"x": 2, "u": 4, "U": 8}
#: libyaml's single-character escapes (``\'`` is not one of them).
_ESCAPES = {
    "0": "\x00", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b",
    "f": "\x0c", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip


def scan_front_matter(source: str) -> dict[str, Any] | None:
    """The mapping ``load_yaml(source)`` gives, when the text is in the simple subset; else None.

    ``source`` is the YAML text between the ``---`` lines, as ``split_front_matter`` returns it.
    None means "not certain": the caller must do the full parse (which also reports errors).
    A non-None result has exactly the loader's keys, values and types. Never raises.
    """
    try:
        return scan_strict(source)
    except _Bail:
        return None
    except Exception:  # a bug here must cost speed (the full parse), never a file
        return None


def scan_strict(source: str) -> dict[str, Any] | None:
    """:func:`scan_front_matter` without the safety net: unexpected errors propagate (tests)."""
    if "\r" in source:
        source = source.replace("\r\n", "\n")
        if "\r" in source:
            return None  # a lone CR is a line break to YAML
    lines = source.split("\n")
    try:
        mapping, _ = _block_map(lines, 0, 0, False)
    except _Bail:
        # Trailing spaces and comment lines are rare, so they are only looked for (and dropped)
        # once the fast pass gives up: every such line makes it give up.
        tidy = _tidy(lines)
        if tidy is None:
            return None
        mapping, _ = _block_map(tidy, 0, 0, False)
    # No content at all is an empty document: the loader gives None, not a mapping.
    return mapping or None


def _tidy(lines: list[str]) -> list[str] | None:
    """The lines without trailing spaces and comment lines.

    None if that changes nothing, or if a comment holds a character YAML refuses.
    """
    tidy = []
    for line in lines:
        stripped = line.rstrip(" ")
        if stripped.lstrip(" ").startswith("#"):
            if _BAD_TEXT.search(stripped):
                return None
            continue
        tidy.append(stripped)
    return tidy if tidy != lines else None


# --- structure ---------------------------------------------------------------------------------
#
# Every line is checked as it is read: indentation by slices (or str.startswith, off the hot
# path: it parses its arguments slowly), keys against a set (or a strict pattern), values by the
# string methods in the hot path below. A line that is blank but for spaces, or a comment, fails
# one of these checks (see _tidy). Lines, key prefixes and plain values read before are looked up
# in caches instead (_MAP_LINES, _SEQ_LINES, _KEYS, _PLAIN_CACHE): each entry holds exactly what
# the checks gave for that text, and the text means the same wherever it appears.


def _block_map(lines: list[str], i: int, indent: int, entry: bool) -> tuple[Any, int]:
    """A block mapping whose keys sit at column ``indent``, from line ``i``; (dict, next line).

    ``entry``: line ``i`` starts with ``- `` (the mapping is a sequence entry) and its first key
    starts at column ``indent``.
    """
    if indent > _MAX_INDENT:
        raise _Bail
    result: dict[Any, Any] = {}
    count = len(lines)
    head = i if entry else -1
    known_line = _MAP_LINES.get
    known_key = _KEYS.get
    # Only cheap operations in this loop: str.startswith and str.find (with a start) parse their
    # arguments slowly, and this runs for every line.
    while i < count:
        line = lines[i]
        if not line:
            i += 1
            continue
        last = line[-1]
        quoted = last == '"'
        # Quoted values and timestamps are not cached (nearly every one is new): no lookup.
        if not quoted and last != "Z":
            hit = known_line(line)
            if hit is not None:
                # A line read before: no need to look inside it again (see _MAP_LINES).
                column, key, value = hit
                if column != indent:
                    if column < indent:
                        break  # less indented: the mapping ends here
                    raise _Bail  # more indented: a continuation or an error
                result[key] = value
                i += 1
                continue
        prefix, sep, rest = line.partition(": ")
        if sep:
            found = known_key(prefix)
        elif last == ":":
            prefix = line[:-1]  # "key:" and its value in the block below, if any
            found = known_key(prefix)
        else:
            found = None  # not a key line: _key_of tells the end of the mapping from an error
        if found is None:
            key = _key_of(line, prefix, sep, indent, i == head)
            if key is _MISSING:
                break  # less indented: the mapping ends here
        else:
            column, key = found
            if column != indent:
                if column < indent:
                    break  # less indented: the mapping ends here
                raise _Bail  # more indented: a continuation or an error
        if not sep:
            # When the block's first line was read before (the usual provider and topics), go
            # straight into it: the choice _nested makes for that line, without its call.
            below = lines[i + 1] if i + 1 < count else ""
            if below[-1:] != '"':  # (a quoted value is never cached, and long to hash)
                hit = known_line(below)
                if hit is not None and hit[0] > indent:
                    result[key], i = _block_map(lines, i + 1, hit[0], False)
                    continue
                item = _SEQ_LINES.get(below)
                if item is not None and item[0] >= indent:  # indentless: allowed after a key
                    result[key], i = _block_seq(lines, i + 1, item[0])
                    continue
            result[key], i = _nested(lines, i + 1, indent, True)
            continue
        # The hot path: a one-line double-quoted string without escapes. For long ASCII text,
        # deleting the printable bytes is faster than str.isprintable and means the same.
        if quoted and rest[0] == '"' and rest != '"':
            body = rest[1:-1]
            if (
                '"' not in body
                and "\\" not in body
                and (
                    not body.encode().translate(None, _PRINTABLE_ASCII)
                    if len(body) > _LONG and body.isascii()
                    else body.isprintable()
                )
            ):
                result[key] = body
                i += 1
                continue
        if len(rest) == 20 and rest[19] == "Z" and _TIMESTAMP_Z.match(rest):
            # The usual timestamp (as in _value), never cached: nearly every one is new.
            try:
                result[key] = datetime.fromisoformat(rest)
            except ValueError:
                raise _Bail from None
            i += 1
            continue
        value = _PLAIN_CACHE.get(rest, _MISSING)
        if value is _MISSING:
            value = _value(rest)
        result[key] = value
        if (
            not quoted
            and len(line) <= _CACHED_LINE_LENGTH
            and i != head
            and type(value) in _CACHED_TYPES
            and type(key) is str  # a key built anew each time (as the loader does) otherwise
        ):
            if len(_MAP_LINES) >= _LINE_CACHE_SIZE:
                _MAP_LINES.clear()
            _MAP_LINES[line] = (indent, key, value)
        i += 1
    return result, i


def _key_of(line: str, prefix: str, sep: str, indent: int, head: bool) -> Any:
    """The key of a line of a block mapping at column ``indent``; _MISSING if less indented.

    ``prefix`` is the text before the first ``": "`` (``sep``), or before the final ``:``.
    ``head``: the line is ``- key...``, its key at column ``indent``.
    """
    if indent and not head and not line.startswith(" " * indent):
        return _MISSING  # less indented: the mapping ends here
    if not sep and line[-1] != ":":
        raise _Bail  # a scalar where a key was expected (or something stranger)
    # A more-indented line (a continuation or an error) leaves a key starting with a space,
    # which _other_key refuses.
    text = prefix[indent:]
    key = text if text in _PLAIN_KEYS else _other_key(text)
    if not head and type(key) is str:
        # The prefix is exactly the indentation and the key: it means this key anywhere.
        if len(_KEYS) >= _LINE_CACHE_SIZE:
            _KEYS.clear()
        _KEYS[prefix] = (indent, key)
    return key


def _nested(lines: list[str], i: int, indent: int, indentless: bool) -> tuple[Any, int]:
    """The block after ``key:`` or a bare ``-`` at column ``indent``, or None when there is none.

    ``indentless``: a ``- `` sequence at the same column is the value (allowed after a key).
    """
    count = len(lines)
    while i < count and not lines[i]:
        i += 1
    if i == count:
        return None, i
    line = lines[i]
    content = line.lstrip(" ")
    if not content:
        raise _Bail  # a line of spaces
    column = len(line) - len(content)
    is_entry = content[0] == "-" and (len(content) == 1 or content[1] == " ")
    if column > indent:
        if is_entry:
            return _block_seq(lines, i, column)
        return _block_map(lines, i, column, False)  # refuses a scalar on the next line
    if column == indent and indentless and is_entry:
        return _block_seq(lines, i, column)
    return None, i


def _block_seq(lines: list[str], i: int, indent: int) -> tuple[Any, int]:
    """A block sequence whose ``-`` sit at column ``indent``, from line ``i``; (list, next)."""
    if indent > _MAX_INDENT:
        raise _Bail
    result: list[Any] = []
    append = result.append
    count = len(lines)
    pad = " " * indent
    known = _SEQ_LINES.get
    while i < count:
        line = lines[i]
        hit = known(line)
        if hit is not None:
            # A "- value" line read before (see _SEQ_LINES).
            column, value = hit
            if column != indent:
                if column < indent:
                    break  # less indented: the sequence ends here
                raise _Bail  # more indented: a continuation or an error
            append(value)
            i += 1
            continue
        if not line:
            i += 1
            continue
        # Slices rather than str.startswith, which parses its arguments slowly.
        if indent and line[:indent] != pad:
            break  # less indented: the sequence ends here
        if line[indent : indent + 2] != "- ":
            if len(line) == indent + 1 and line[indent] == "-":
                # A bare "-": the entry is the block below, or null.
                value, i = _nested(lines, i + 1, indent, False)
                append(value)
                continue
            if len(line) == indent or line[indent] in " -":
                raise _Bail  # spaces only, more indented (a continuation or an error), "-x"
            break  # a key beside an indentless sequence: the enclosing mapping goes on
        column = indent + 2
        if line[column : column + 1] == " ":  # more spaces after the dash
            column = len(line) - len(line[column:].lstrip(" "))
        if column == len(line):
            raise _Bail  # "- " and trailing spaces
        first = line[column]
        # No ": " before the column: the line starts with spaces, "-" and spaces.
        if first != '"' and (": " in line or line[-1] == ":"):
            if first == "-" and line.startswith("- ", column):
                raise _Bail  # "- - x": a nested compact sequence
            value, i = _block_map(lines, i, column, True)
        else:
            content = line[column:]
            value = _PLAIN_CACHE.get(content, _MISSING)
            if value is _MISSING:
                value = _value(content)
            if (
                column == indent + 2
                and len(line) <= _CACHED_LINE_LENGTH
                and type(value) in _CACHED_TYPES
            ):
                if len(_SEQ_LINES) >= _LINE_CACHE_SIZE:
                    _SEQ_LINES.clear()
                _SEQ_LINES[line] = (indent, value)
            i += 1
        append(value)
    return result, i


# --- scalars ---------------------------------------------------------------------------------


def _other_key(text: str) -> Any:
    """A plain key the format does not name: its resolved value, or _Bail if unsure."""
    if len(text) > _MAX_KEY or not _OTHER_KEY.fullmatch(text):
        raise _Bail
    return _resolve(text) if text[0] in _IMPLICIT_FIRST else text


def _value(text: str) -> Any:
    """The value of a one-line scalar after ``key:`` or ``-`` (its leading spaces included)."""
    if len(text) == 20 and _TIMESTAMP_Z.match(text):
        # The usual timestamp: the pattern leaves nothing to check (fromisoformat then reads
        # it exactly as PyYAML does, and refuses the same impossible dates).
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise _Bail from None
    if text[:1] == " ":
        text = text.lstrip(" ")
    if not text:
        raise _Bail  # only spaces: trailing spaces (see _tidy)
    if text[0] == '"':
        return _quoted(text)
    return _plain(text)


def _quoted(text: str) -> str:
    """A one-line double-quoted scalar, exactly as libyaml reads it."""
    if not _printable(text):
        raise _Bail
    if "\\" not in text:
        if text.find('"', 1) == len(text) - 1:
            return text[1:-1]
        raise _Bail  # unclosed (a multi-line string), or text after the closing quote
    if len(text) < 2 or text[-1] != '"':
        raise _Bail
    body = text[1:-1]
    # Only \" escapes (the usual case) when every backslash and every quote is one of them.
    if (
        "\\\\" not in body
        and body[-1] != "\\"
        and body.count("\\") == body.count('\\"') == body.count('"')
    ):
        return body.replace('\\"', '"')
    return _unescape(body)


def _printable(text: str) -> bool:
    """Whether a value holds only characters YAML accepts (tabs included)."""
    if text.isprintable():
        return True
    # No-break spaces and tabs are common and fine, but not "printable" to Python.
    if text.replace("\xa0", " ").replace("\t", " ").isprintable():
        return True
    return not _BAD_TEXT.search(text)


def _unescape(body: str) -> str:
    """The text of a double-quoted scalar's ``body`` (between the quotes), escapes read."""
    parts = body.split("\\")
    if '"' in parts[0]:
        raise _Bail  # the string closes early: text after the closing quote
    out = [parts[0]]
    count = len(parts)
    k = 1
    while k < count:
        part = parts[k]
        if not part:  # an escaped backslash: the next part is plain text
            k += 1
            if k == count:
                raise _Bail  # the body ends in a lone backslash: the closing quote is escaped
            out.append("\\")
            rest = parts[k]
        elif (char := _ESCAPES.get(part[0])) is not None:
            out.append(char)
            rest = part[1:]
        else:
            size = _HEX_SIZES.get(part[0], 0)
            if not size or len(part) <= size or not _HEX.fullmatch(part, 1, size + 1):
                raise _Bail  # an escape libyaml refuses (or a short \x, \u, \U)
            value = int(part[1 : size + 1], 16)
            if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
                raise _Bail  # libyaml refuses these escape codes
            out.append(chr(value))
            rest = part[size + 1 :]
        if '"' in rest:
            raise _Bail  # the string closes early: text after the closing quote
        out.append(rest)
        k += 1
    return "".join(out)


def _plain(text: str) -> Any:
    """A one-line plain scalar (stripped, not empty): its value, as PyYAML resolves it."""
    first = text[0]
    if first in _BAD_START or (first == "-" and (len(text) == 1 or text[1] == " ")):
        raise _Bail
    if _BAD_PLAIN.search(text):
        raise _Bail
    value = _resolve(text) if first in _IMPLICIT_FIRST else text
    if len(text) <= _CACHED_LENGTH and type(value) in _CACHED_TYPES:
        if len(_PLAIN_CACHE) >= _CACHE_SIZE:
            _PLAIN_CACHE.clear()  # start again rather than keep the first values forever
        _PLAIN_CACHE[text] = value
    return value


def _resolve(text: str) -> Any:
    """A plain scalar whose first character has implicit tags: its value, as PyYAML builds it."""
    value = _SPECIAL.get(text, _MISSING)
    if value is not _MISSING:
        return value
    if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
        return int(text) if len(text) < 19 else _build(text)
    return _build(text)


#: Longer numbers are refused by the full parse (building some takes quadratic time).
MAX_NUMBER_LENGTH = 1000


def _build(text: str) -> Any:
    """Resolve and construct a plain scalar with PyYAML's own resolver and constructors."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return SafeConstructor.bool_values[text.lower()]
    if tag not in _BUILT:
        raise _Bail  # merge keys ('<<') and the value tag ('=')
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Bail  # the loader refuses numbers this long unbuilt (see parsing._check_scalar)
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except Exception:  # the loader fails on the same value (0b_, 2021-02-30, 5,000 digits)
        raise _Bail from None
