"""A fast scanner for the common shape of article front matter, exact or silent.

Loading every file with the YAML loader costs about 0.3 ms a file, far too slow to index 100,000
files. Real (and generated) front matter uses a tiny part of YAML: block mappings and sequences
indented with spaces, one-line double-quoted strings, one-line plain scalars. This module reads
exactly that subset with plain string operations and returns the same mapping the loader would
(``load_yaml`` in :mod:`newsreader.parsing`), or None whenever the text is outside the subset or
anything about it is uncertain; the caller then falls back to the loader, which also reports the
errors. It never returns a wrong answer for a file the loader would refuse.

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
from datetime import UTC, datetime
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

__all__ = ["scan_front_matter"]


class _Bail(Exception):
    """The text is outside the subset (or the loader would refuse it): give up quietly."""


# --- character checks --------------------------------------------------------------------------

#: ASCII characters YAML refuses (C0 controls but tab, LF and CR; DEL).
_BAD_ASCII = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Anything but the characters accepted here: YAML's printable set minus NEL, U+2028, U+2029
#: (line breaks to YAML) and U+FEFF (skipped at line starts by libyaml).
_BAD_ANY = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_COMMENT_LINE = re.compile(r"^ *#", re.M)

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
#: Inside a one-line plain scalar: ': ' or a final ':' (mapping value), ' #' (comment), tab.
_BAD_PLAIN = re.compile(r": | #|\t|:$")
#: First characters for which PyYAML's resolver has an implicit (non-string) tag to try.
_IMPLICIT_FIRST = frozenset(Resolver.yaml_implicit_resolvers) - {""}
_SPECIAL: dict[str, bool | None] = {
    **{word: True for word in ("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")},
    **{word: False for word in ("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")},
    **dict.fromkeys(("~", "null", "Null", "NULL")),
}
_MISSING = object()
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

_QUOTED = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"\Z')
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
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
    A non-None result has exactly the loader's keys, values and types.
    """
    if (_BAD_ASCII if source.isascii() else _BAD_ANY).search(source):
        return None
    if "\r" in source:
        source = source.replace("\r\n", "\n")
        if "\r" in source:
            return None
    lines = source.split("\n")
    if " \n" in source or source.endswith(" "):
        lines = [line.rstrip(" ") for line in lines]
    if "#" in source and _COMMENT_LINE.search(source):
        lines = [line for line in lines if not line.lstrip(" ").startswith("#")]
    try:
        mapping, _ = _block_map(lines, 0, 0, None)
    except _Bail:
        return None
    # No content at all is an empty document: the loader gives None, not a mapping.
    return mapping or None


# --- structure ---------------------------------------------------------------------------------


def _block_map(lines: list[str], i: int, indent: int, first: str | None) -> tuple[Any, int]:
    """A block mapping whose keys sit at column ``indent``, from line ``i``; (dict, next line).

    ``first`` is the content of its first line when that line starts with ``- `` (a mapping
    inside a sequence entry); the mapping's column is then where that content starts.
    """
    if indent > _MAX_INDENT:
        raise _Bail
    result: dict[Any, Any] = {}
    if first is not None:
        i = _entry(lines, i, indent, first, result)
    count = len(lines)
    pad = " " * indent
    while i < count:
        line = lines[i]
        if not line:
            i += 1
            continue
        if indent:
            if not line.startswith(pad):
                break  # less indented: the mapping ends here
            line = line[indent:]
        if line[0] == " ":
            raise _Bail  # more indented than the keys: a continuation, or an error
        i = _entry(lines, i, indent, line, result)
    return result, i


def _entry(lines: list[str], i: int, indent: int, content: str, result: dict[Any, Any]) -> int:
    """Read one ``key: value`` (or ``key:`` and its block) into ``result``; the next line."""
    key, sep, rest = content.partition(": ")
    if sep:
        if rest[0] == " ":
            rest = rest.lstrip(" ")
        result[key if key in _PLAIN_KEYS else _other_key(key)] = _scalar(rest)
        return i + 1
    if content[-1] != ":":
        raise _Bail  # a scalar where a key was expected (or something stranger)
    key = content[:-1]
    key = key if key in _PLAIN_KEYS else _other_key(key)
    result[key], i = _nested(lines, i + 1, indent, True)
    return i


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
    column = len(line) - len(content)
    is_entry = content[0] == "-" and (len(content) == 1 or content[1] == " ")
    if column > indent:
        if is_entry:
            return _block_seq(lines, i, column)
        return _block_map(lines, i, column, None)  # refuses a scalar on the next line
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
    while i < count:
        line = lines[i]
        if not line:
            i += 1
            continue
        if indent and not line.startswith(pad):
            break  # less indented: the sequence ends here
        char = line[indent]
        if char != "-":
            if char == " ":
                raise _Bail  # more indented: a continuation of a scalar entry, or an error
            break  # a key beside an indentless sequence: the enclosing mapping goes on
        if len(line) == indent + 1:  # a bare "-": the entry is the block below, or null
            value, i = _nested(lines, i + 1, indent, False)
            append(value)
            continue
        if line[indent + 1] != " ":
            raise _Bail  # "-x" where an entry was expected
        content = line[indent + 2 :]
        column = indent + 2
        if content[0] == " ":
            stripped = content.lstrip(" ")
            column += len(content) - len(stripped)
            content = stripped
        first = content[0]
        if first == '"' or (": " not in content and content[-1] != ":"):
            append(_scalar(content))
            i += 1
        elif first == "-" and (len(content) == 1 or content[1] == " "):
            raise _Bail  # "- - x": a nested compact sequence
        else:
            value, i = _block_map(lines, i, column, content)
            append(value)
    return result, i


# --- scalars -----------------------------------------------------------------------------------


def _other_key(text: str) -> Any:
    """A plain key the format does not name: its resolved value, or _Bail if unsure."""
    if len(text) > _MAX_KEY or not _OTHER_KEY.fullmatch(text):
        raise _Bail
    return _resolve(text) if text[0] in _IMPLICIT_FIRST else text


def _scalar(text: str) -> Any:
    """The value of a one-line scalar (stripped, not empty): quoted or plain."""
    first = text[0]
    if first == '"':
        if "\\" not in text:
            if text.find('"', 1) == len(text) - 1:
                return text[1:-1]
            raise _Bail  # unclosed (a multi-line string), or text after the closing quote
        return _unescape(text)
    if first in _BAD_START or (first == "-" and (len(text) == 1 or text[1] == " ")):
        raise _Bail
    if _BAD_PLAIN.search(text):
        raise _Bail
    return _resolve(text) if first in _IMPLICIT_FIRST else text


def _unescape(text: str) -> str:
    """A one-line double-quoted scalar with backslash escapes, exactly as libyaml reads it."""
    match = _QUOTED.match(text)
    if not match:
        raise _Bail
    return _ESCAPE.sub(_escape, match.group(1))


def _escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) == 1:
        char = _ESCAPES.get(code)
        if char is None:
            raise _Bail  # an escape libyaml refuses (or a short \x, \u, \U)
        return char
    value = int(code[1:], 16)
    if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
        raise _Bail  # libyaml refuses these escape codes
    return chr(value)


def _resolve(text: str) -> Any:
    """A plain scalar whose first character has implicit tags: its value, as PyYAML builds it."""
    value = _SPECIAL.get(text, _MISSING)
    if value is not _MISSING:
        return value
    if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
        return int(text) if len(text) < 19 else _build(text)
    if len(text) == 20 and text[10] == "T" and _TIMESTAMP_Z.match(text):
        try:
            return datetime(
                int(text[0:4]),
                int(text[5:7]),
                int(text[8:10]),
                int(text[11:13]),
                int(text[14:16]),
                int(text[17:19]),
                tzinfo=UTC,
            )
        except ValueError:
            raise _Bail from None  # 2021-13-45: the loader fails on it too
    return _build(text)


def _build(text: str) -> Any:
    """Resolve and construct a plain scalar with PyYAML's own resolver and constructors."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return SafeConstructor.bool_values[text.lower()]
    if tag not in _BUILT:
        raise _Bail  # merge keys ('<<') and the value tag ('=')
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except Exception:  # the loader fails on the same value (0b_, 2021-02-30, 5,000 digits)
        raise _Bail from None
