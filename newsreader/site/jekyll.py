"""What Jekyll 4.3 does with one file of a collection: published, hidden, or copied as it is.

An emulation of ``Collection#read``, ``Document#read`` and ``Publisher#publish?`` (Jekyll 4.3.1,
``lib/jekyll/collection.rb``, ``document.rb``, ``utils.rb``, ``publisher.rb``), for a file's
bytes, so the app can say what the *site* will do rather than what a Python reading suggests:

1. ``Utils.has_yaml_header?``: the first line (up to its ``\\n``) must be ``---``, optional
   ASCII whitespace, newline. Otherwise (a BOM, CR-only line ends, a blank first line, ``%YAML``
   first, an empty file) the file is a *static file*, copied into the site byte for byte.
2. ``Document#read_content``: the text is matched against ``YAML_FRONT_MATTER_REGEXP``; no
   match (the front matter is never closed) means no front matter and no error. Invalid UTF-8
   anywhere in the file makes the match raise ``ArgumentError``.
3. Group 1 (from the opening ``---`` line to the closing line) goes to ``Psych.safe_load``
   (:func:`newsreader.site.psych.safe_load`). ``nil``/``false`` merge nothing; a Hash is merged
   (``categories`` that is not a string, list or null raises ``TypeError`` first); anything
   else raises ``NoMethodError``.
4. A front-matter ``date`` goes through ``Utils.parse_date(value.to_s)`` (``Time.parse``); a
   date it cannot parse raises ``InvalidDateError``, a ``FatalException``: the build stops.
5. ``read_post_data``: a ``YYYY-MM-DD-slug.ext`` file name gives the date when the front matter
   has none (an invalid one is fatal too).
6. Any other error while reading is logged and the document is built **with no front matter**:
   published, whatever its ``published:`` line says, and without its file-name date.

The reading does not depend on the clock or the site; :func:`verdict` adds both.
Not emulated: front matter ``defaults:`` from ``_config.yml`` (they may set ``published``),
``--future``/``--unpublished`` command-line flags, a collection's ``output: true``, and
``strict_front_matter`` (which makes every read error fatal).
"""

from __future__ import annotations

import functools
import math
import os
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from newsreader.site import psych

__all__ = [
    "COPIED",
    "HIDDEN",
    "PUBLISHED",
    "Reading",
    "SiteConfig",
    "describe_flag",
    "entry_filter_skips",
    "explain",
    "filename_time",
    "find_site_config",
    "front_matter_time",
    "has_yaml_header",
    "read_as_jekyll",
    "read_large_as_jekyll",
    "renders",
    "verdict",
]

PUBLISHED, HIDDEN, COPIED = "published", "hidden", "copied"
#: How much of a large file's front matter the cheap reading scans, and of a site config.
_LARGE_SCAN = 8 << 20
_CONFIG_LIMIT = 4 << 20


@dataclass(frozen=True, slots=True)
class Reading:
    """What Jekyll reads from one file, independent of the clock and the site's config."""

    #: False: ``has_yaml_header?`` fails, so the file is a static file, copied as it is.
    document: bool
    #: Ruby truth of ``data.fetch("published", true)``: False for false and nil; True for a
    #: missing key, text, numbers...; True when the front matter could not be read.
    renders: bool
    #: Epoch seconds of the document's date (front matter ``date``, else the file name's
    #: ``YYYY-MM-DD``, local time); None: no date (Jekyll uses the build time).
    time: float | None
    #: "" or the one-line reason Jekyll cannot read the front matter (it then builds the page
    #: with no front matter at all).
    problem: str
    #: How Psych reads the top-level ``published`` value, for display: "true", "false", "null",
    #: "missing", 'text "false"', "number 0"... ("missing" when Psych could not read the front
    #: matter or it is not a mapping; as Psych read it when Jekyll dropped a readable mapping).
    flag: str
    #: "" or why Jekyll stops the whole build on this file: an invalid ``date`` (front matter
    #: or file name: ``InvalidDateError``), a ``.yml`` document Psych refuses, nesting deeper
    #: than Ruby's stack.
    fatal: str = ""
    #: "" or why Jekyll's EntryFilter never reads the file at all (a name starting with ``.``,
    #: ``_``, ``#`` or ``~``, or ending with ``~`` or ``.``): not in the site, so HIDDEN.
    skipped: str = ""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The parts of a site's ``_config.yml`` that decide what is published."""

    future: bool = False  # `future: true` renders future-dated documents
    unpublished: bool = False  # `unpublished: true` renders `published: false` too
    path: str = ""  # the _config.yml it came from, "" when none
    #: "" or why the config could not be read (Jekyll would then stop or use its defaults).
    problem: str = ""


# --- header and front matter --------------------------------------------------------------

_OPEN = re.compile(r"---[ \t\r\n\f\v]*\n")
# The closing line of YAML_FRONT_MATTER_REGEXP, found with the newline before it.
_CLOSE = re.compile(r"\n(?:---|\.\.\.)[ \t\r\n\f\v]*$", re.M)
_YAML_EXTS = (".yaml", ".yml")
# Document::DATE_FILENAME_MATCHER (Ruby's \d is ASCII; `^`/`$` are line anchors).
_DATE_FILENAME = re.compile(r"^(?>.+/)*?([0-9]{2,4}-[0-9]{1,2}-[0-9]{1,2})-([^/]*)(\.[^.]+)$", re.M)


def has_yaml_header(data: bytes) -> bool:
    """``Utils.has_yaml_header?``: the first line (up to and including ``\\n``) is ``---``,
    optional ASCII whitespace, and its newline. An empty file is not (``EOFError``)."""
    end = data.find(b"\n")
    if end < 0 or not data.startswith(b"---"):
        return False
    return not data[3:end].strip(b" \t\r\f\v")


def _front_matter(text: str) -> str | None:
    """Group 1 of ``YAML_FRONT_MATTER_REGEXP`` (from the opening line to the closing one)."""
    opening = _OPEN.match(text)
    if not opening:
        return None
    # The greedy \s* ends the opening at the last newline of its whitespace run; no closing
    # line can start inside that run (it starts with whitespace), so search from its end.
    closing = _CLOSE.search(text, opening.end() - 1)
    return text[: closing.start() + 1] if closing else None


def renders(value: Any, present: bool) -> bool:
    """Ruby truth of ``data.fetch("published", true)``: only nil and false are false."""
    return not present or (value is not None and value is not False)


def describe_flag(value: Any, present: bool) -> str:
    """How a ``published`` value reads, for display ("true", "null", 'text "false"'...)."""
    if not present:
        return "missing"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:29] + "…"
        shown = "".join(c if c.isprintable() else "?" for c in shown)
        return f'text "{shown}"'
    if isinstance(value, int | float):
        return f"number {_number_text(value)}"
    if isinstance(value, datetime | psych.RubyTime):
        return "time"
    if isinstance(value, date | psych.RubyDate):
        return f"date {value.isoformat()}"
    if isinstance(value, list):
        return "list"
    if isinstance(value, psych.RubyHash):
        return "mapping"
    if isinstance(value, bytes):
        return "binary text"
    if isinstance(value, psych.RubyObject):
        return f"Ruby {value.kind}"
    return type(value).__name__


def _number_text(value: float) -> str:
    if isinstance(value, int) and value.bit_length() > 64:
        return f"of {value.bit_length()} bits"
    return str(value)


# --- dates: Utils.parse_date = Time.parse(input).localtime ----------------------------------

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
#: Zone names Date._parse knows that front matter uses (Ruby knows many more).
_ZONES = {
    "Z": 0, "UT": 0, "UTC": 0, "GMT": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "CET": 1, "CEST": 2, "BST": 1, "IST": 5.5, "JST": 9,
}  # fmt: skip
_ZONE = r"(Z|UTC?|GMT|[ECMP][SD]T|CEST|CET|BST|IST|JST|[-+][0-9]{1,2}(?::?[0-9]{2})?)"
_CLOCK = r"([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:[.,]([0-9]+))?)?"
# A trailing "(CET)"-style comment is ignored, as Date._parse does.
_TAIL = r"\s*(?:\([^()]*\))?\s*"
_ISO = re.compile(
    rf"\s*(-?[0-9]+)-([0-9]{{1,2}})-([0-9]{{1,2}})(?:(?:[Tt]|\s+){_CLOCK})?\s*{_ZONE}?{_TAIL}",
    re.A,
)
_COMPACT = re.compile(
    r"\s*([0-9]{4})([0-9]{2})([0-9]{2})(?:[Tt]?([0-9]{2})([0-9]{2})([0-9]{2}))?\s*"
)
_SLASHED = re.compile(
    rf"\s*([0-9]{{4}})/([0-9]{{1,2}})/([0-9]{{1,2}})(?:\s+{_CLOCK})?\s*{_ZONE}?{_TAIL}", re.A
)
_NAMED = re.compile(
    r"\s*(?:[A-Za-z]{3,9},?\s+)?(?:([0-9]{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3})[a-z]*\.?"
    r"|([A-Za-z]{3})[a-z]*\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?)\s+([0-9]{4})"
    rf"(?:\s+{_CLOCK})?\s*{_ZONE}?{_TAIL}",
    re.A,
)


def _offset(zone: str | None) -> int | None:
    if not zone:
        return None
    if zone in _ZONES:
        return int(_ZONES[zone] * 3600)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = (digits, "0") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    return sign * (int(hours) * 3600 + int(minutes) * 60)


def _local_epoch(y: int, mo: int, d: int, h: int, mi: int, s: int, offset: int | None) -> float:
    """Epoch seconds of ``Time.local``/``Time.new`` fields (day overflow as Ruby allows)."""
    if offset is None:
        try:
            # The local zone's offset at that moment (the machine's TZ, as Ruby uses it).
            naive = datetime(y, mo, 1) + timedelta(days=d - 1, hours=h, minutes=mi, seconds=s)
            return naive.timestamp()
        except (ValueError, OverflowError, OSError):
            offset = 0
    when = psych.ruby_time(y, mo, d, h, mi, s, offset)
    if isinstance(when, datetime):
        return when.timestamp()
    return float(when)


def parse_date_text(text: str) -> float:
    """``Time.parse(text)`` for the date shapes front matter and file names use.

    Raises ValueError where Ruby raises ArgumentError. Whole-text shapes (ISO dates and times,
    ``YYYYMMDD``, ``YYYY/MM/DD``, RFC 2822, ``Jan 5, 2021``) are read exactly; otherwise, as
    ``Date._parse`` does, an ISO or named-month date and a clock are looked for anywhere in the
    text. Ruby understands more (``2021.03.04``, ``2021-063``, ``Mar 2021``, Japanese eras, a
    clock alone meaning today): an approximation, which treats those as invalid.
    """
    if len(text) > 128:  # Date._parse's own limit
        raise ValueError(f"string length ({len(text)}) exceeds the limit 128")
    match = _ISO.fullmatch(text)
    if match:
        y, mo, d, h, mi, s, _frac, zone = match.groups()
        year = int(y)
        if len(y) <= 2 and y.isdigit():  # Date._parse completes unsigned short years
            year += 1900 if year >= 69 else 2000
        return _fields_epoch(year, int(mo), int(d), h, mi, s, zone)
    match = _COMPACT.fullmatch(text)
    if match:
        y, mo, d, h, mi, s = match.groups()
        return _fields_epoch(int(y), int(mo), int(d), h, mi, s, None)
    match = _SLASHED.fullmatch(text)
    if match:
        y, mo, d, h, mi, s, _frac, zone = match.groups()
        return _fields_epoch(int(y), int(mo), int(d), h, mi, s, zone)
    match = _NAMED.fullmatch(text)
    if match:
        d1, m1, m2, d2, y, h, mi, s, _frac, zone = match.groups()
        month = _MONTHS.get((m1 or m2 or "").lower())
        if month is None:
            raise ValueError(f"no time information in {text!r}")
        return _fields_epoch(int(y), month, int(d1 or d2), h, mi, s, zone)
    return _scan_date(text)


_SCAN_CLOCK = re.compile(rf"(?<![0-9]){_CLOCK}(?:\s*{_ZONE}(?![A-Za-z]))?", re.A)
_SCAN_ISO = re.compile(r"(?<![0-9])([-+]?[0-9]+)-([0-9]+)-(-?[0-9]+)", re.A)
_SCAN_NAMED = re.compile(
    r"(?:(?<![0-9])([0-9]{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3})[a-z]*\.?"
    r"|\b([A-Za-z]{3})[a-z]*\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?)\s+([0-9]{4})(?![0-9])",
    re.A,
)


def _scan_date(text: str) -> float:
    """``Date._parse`` finds a date and a clock anywhere in the text ("on 2021-03-04 by x").

    The ISO ``y-m-d`` and named-month shapes are searched for, with a clock anywhere; text with
    a clock but no date (Ruby takes today's date) is treated as invalid.
    """
    clock = _SCAN_CLOCK.search(text)
    h = mi = s = zone = None
    rest = text
    if clock:
        h, mi, s, _frac, zone = clock.groups()
        rest = text[: clock.start()] + " " + text[clock.end() :]
    match = _SCAN_ISO.search(rest)
    if match:
        first, mo, last = match.groups()
        if len(last.lstrip("-")) > 2 and len(first.lstrip("+-")) <= 2:
            first, last = last, first  # Date's s3e: a long last field is the year
        year = int(first)
        if len(first) <= 2 and first.isdigit():
            year += 1900 if year >= 69 else 2000
        return _fields_epoch(year, int(mo), int(last.lstrip("-") or 0), h, mi, s, zone)
    match = _SCAN_NAMED.search(rest)
    if match:
        d1, m1, m2, d2, y = match.groups()
        month = _MONTHS.get((m1 or m2 or "").lower())
        if month is not None:
            return _fields_epoch(int(y), month, int(d1 or d2), h, mi, s, zone)
    raise ValueError(f"no time information in {text[:60]!r}")


def _fields_epoch(
    y: int, mo: int, d: int, h: str | None, mi: str | None, s: str | None, zone: str | None
) -> float:
    hour, minute, second = int(h or 0), int(mi or 0), int(s or 0)
    offset = _offset(zone)
    try:
        # Validate as Time.local does (day up to 31 overflows, month 13 raises).
        psych.ruby_time(y, mo, d, hour, minute, second, offset or 0)
    except ValueError:
        raise ValueError("argument out of range") from None
    return _local_epoch(y, mo, d, hour, minute, second, offset)


def ruby_to_s(value: Any) -> str:
    """Ruby's ``to_s`` of a front-matter value, as far as ``Time.parse`` can tell them apart.

    Containers give Ruby's ``inspect`` of their items (cut after 200 characters: Time.parse
    refuses more than 128 anyway).
    """
    if isinstance(value, list | psych.RubyHash):
        return _inspect(value, [200])
    if value is None:
        return ""
    if isinstance(value, float):
        return _ruby_float_text(value)
    return _scalar_to_s(value)


def _scalar_to_s(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime):
        if value.utcoffset() == timedelta(0) and value.tzinfo is UTC:
            return value.strftime("%Y-%m-%d %H:%M:%S UTC")
        return value.strftime("%Y-%m-%d %H:%M:%S %z")
    if isinstance(value, date | psych.RubyDate):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value) if value.bit_length() < 1000 else "9" * 400
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, psych.RubyObject):
        return value.text
    return repr(value)


def _ruby_float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)
    return text if "e" in text or "." in text else text + ".0"


def _inspect(value: Any, room: list[int]) -> str:
    """Ruby's ``inspect``, close enough for Time.parse, within a character budget."""
    room[0] -= 1
    if room[0] < 0:
        return ""
    if isinstance(value, list):
        return "[" + ", ".join(_inspect(v, room) for v in value[:50]) + "]"
    if isinstance(value, psych.RubyHash):
        pairs = value.pairs()[:50]
        return "{" + ", ".join(f"{_inspect(k, room)}=>{_inspect(v, room)}" for k, v in pairs) + "}"
    if value is None:
        return "nil"
    if isinstance(value, str):
        return '"' + value[:200].replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float):
        return _ruby_float_text(value)
    if isinstance(value, datetime | psych.RubyTime):
        return _scalar_to_s(value) if isinstance(value, datetime) else str(float(value))
    if isinstance(value, date | psych.RubyDate):
        return f"#<Date: {value.isoformat()}>"
    return _scalar_to_s(value)


def front_matter_time(value: Any) -> float | None:
    """Jekyll's date for a front-matter ``date`` value (``Utils.parse_date(value.to_s)``).

    A Date is local midnight; a Time keeps its instant, to the whole second (``to_s`` drops the
    fraction). Raises ValueError where ``parse_date`` raises ``InvalidDateError`` (also for
    ``date:`` with no value: nil's ``to_s`` is empty; a list's text may hold a date).
    """
    if isinstance(value, psych.RubyTime):
        return float(math.floor(value))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return float(math.floor(value.timestamp()))
    if isinstance(value, date | psych.RubyDate):
        return _local_epoch(value.year, value.month, value.day, 0, 0, 0, None)
    return parse_date_text(ruby_to_s(value))


def filename_time(relative_path: str) -> float | None:
    """The date of a ``YYYY-MM-DD-slug.ext`` file name (``DATE_FILENAME_MATCHER``), local time.

    None when the name has no date. Raises ValueError when Jekyll's ``parse_date`` raises on
    it (``2021-13-45-x.md``: the build stops).
    """
    match = _DATE_FILENAME.search(relative_path)
    if not match:
        return None
    return _name_date(match.group(1))


@functools.lru_cache(maxsize=4096)
def _name_date(text: str) -> float:
    # Hundreds of files of a folder share each day: parse each date once (a cold index of
    # 100,000 files would otherwise spend ~0.4 s here).
    return parse_date_text(text)


# --- reading a file -----------------------------------------------------------------------


def read_as_jekyll(relative_path: str, data: bytes) -> Reading:
    """Emulate ``Collection#read``/``Document#read`` on one file's bytes. Never raises.

    ``relative_path`` is the file's path (its file name gives the date and the entry-filter
    rule; see :func:`entry_filter_skips`).
    """
    try:
        reading = _read(relative_path, data)
    except Exception as exc:  # a bug here must not stop an index; say so instead
        return Reading(True, True, None, f"could not emulate Jekyll: {exc!r}"[:200], "missing")
    skipped = entry_filter_skips(relative_path)
    return replace(reading, skipped=skipped) if skipped else reading


def entry_filter_skips(relative_path: str) -> str:
    """Why Jekyll's ``EntryFilter`` leaves the file out of the collection, or "".

    Its rule (``special?``, ``backup?`` and the "dot" check) looks at the entry's path within
    the collection and at its base name; only the base name is checked here, since the caller's
    path may start with the collection's own ``_name`` folder. ``include:`` in the config can
    bring such files back, which is not emulated.
    """
    name = relative_path.rsplit("/", 1)[-1]
    if name[:1] in (".", "_", "#", "~"):
        return f"Jekyll skips files whose name starts with '{name[0]}'"
    if name.endswith("~"):
        return "Jekyll skips backup files (the name ends with '~')"
    if name.endswith("."):
        return "Jekyll skips files whose name ends with '.'"
    return ""


def _read(relative_path: str, data: bytes) -> Reading:
    if not has_yaml_header(data):
        return Reading(document=False, renders=True, time=None, problem="", flag="missing")
    if data.startswith(b"\xef\xbb\xbf"):  # read with bom|utf-8 (cannot pass the header check)
        data = data[3:]
    if relative_path.endswith(_YAML_EXTS):
        return _read_yaml_document(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _no_front_matter(f"invalid byte sequence in UTF-8 (offset {exc.start})")
    source = _front_matter(text)
    mapping: psych.RubyHash | None = None
    if source is not None:
        try:
            loaded = psych.safe_load(source)
        except psych.PsychError as exc:
            if exc.fatal:  # Ruby's SystemStackError: not rescued, the build stops
                return Reading(True, True, None, "", "missing", fatal=exc.reason)
            where = f"line {exc.line}: " if exc.line else ""
            return _no_front_matter(f"{where}{exc.reason}")
        if isinstance(loaded, psych.RubyHash):
            mapping = loaded
        elif loaded is not None and loaded is not False:
            kind = describe_flag(loaded, True).split(" ")[0]
            return _no_front_matter(f"front matter is not a mapping (it is {kind})")
    time: float | None = None
    flag, published = "missing", True
    if mapping is not None:
        present = mapping.has_str("published")
        value = mapping.get_str("published")
        flag, published = describe_flag(value, present), renders(value, present)
        categories = mapping.get_str("categories")
        if categories is not None and not isinstance(categories, str | list):
            # Document#merge_categories!: `data["categories"] | other["categories"]`.
            reason = f"categories: no implicit conversion of {_ruby_class(categories)} into Array"
            return _no_front_matter(reason, flag)
        if mapping.has_str("date"):
            date_value = mapping.get_str("date")
            try:
                time = front_matter_time(date_value)
            except ValueError:
                shown = ruby_to_s(date_value)[:60]
                reason = f"Invalid date '{shown}': the front matter's date is not a valid date"
                return Reading(True, published, None, "", flag, fatal=reason)
    if time is None and not (mapping is not None and mapping.has_str("date")):
        try:
            time = filename_time(relative_path)
        except ValueError:
            reason = "Invalid date: the file name's date is not a valid date"
            return Reading(True, published, None, "", flag, fatal=reason)
    return Reading(True, published, time, "", flag)


def _ruby_class(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, psych.RubyHash):
        return "Hash"
    if isinstance(value, datetime | psych.RubyTime):
        return "Time"
    if isinstance(value, date | psych.RubyDate):
        return "Date"
    return type(value).__name__


def _no_front_matter(problem: str, flag: str = "missing") -> Reading:
    """Jekyll logged an error and builds the page with no front matter (and no file-name date)."""
    return Reading(document=True, renders=True, time=None, problem=problem[:200], flag=flag)


def _read_yaml_document(data: bytes) -> Reading:
    """A ``.yml``/``.yaml`` document: the whole file is its data, and errors are not rescued."""
    try:
        loaded = psych.safe_load(data.decode("utf-8"))
    except UnicodeDecodeError:
        return Reading(True, True, None, "", "missing", fatal="invalid UTF-8 in a YAML document")
    except psych.PsychError as exc:
        return Reading(True, True, None, "", "missing", fatal=exc.reason)
    if loaded is None or loaded is False:
        return Reading(True, True, None, "", "missing")
    if not isinstance(loaded, psych.RubyHash):
        return Reading(True, True, None, "", "missing", fatal="a YAML document that is no mapping")
    present = loaded.has_str("published")
    value = loaded.get_str("published")
    when = loaded.get_str("date")
    time = float(math.floor(when.timestamp())) if isinstance(when, datetime) else None
    return Reading(True, renders(value, present), time, "", describe_flag(value, present))


def read_large_as_jekyll(relative_path: str, path: str) -> Reading:
    """A cheap reading of a file too large to read whole (over the app's size limit).

    An approximation: it checks the header, then reads the front matter line by line in
    bounded chunks (never the whole file in memory) and loads only its top-level
    ``published:`` and ``date:`` lines (the last of each, as duplicate keys go, with the
    indented lines that continue them). It does not see errors elsewhere in the front matter
    or invalid UTF-8 in the body, which would make Jekyll drop the front matter, nor keys
    spelled otherwise (``"published":``, ``published :``), merges or a ``categories`` Jekyll
    refuses. Never raises.
    """
    limit = 64 * 1024
    try:
        with open(path, "rb") as handle:
            first = handle.readline(limit)
            if not has_yaml_header(first):
                if len(first) == limit and not first.endswith(b"\n"):
                    # A first line longer than the limit: read on to its end, cheaply.
                    return _large_header_check(handle, first)
                return Reading(False, True, None, "", "missing")
            lines: dict[bytes, bytes] = {}
            read = len(first)
            closed = False
            current: bytes | None = None  # the key whose indented value lines follow
            at_line_start = True
            while read <= _LARGE_SCAN:
                line = handle.readline(limit)
                if not line:
                    break
                read += len(line)
                starts, at_line_start = at_line_start, line.endswith(b"\n")
                if not starts:
                    continue  # the rest of a line longer than the chunk
                if line[:3] in (b"---", b"...") and not line[3:].strip(b" \t\r\n\f\v"):
                    closed = True
                    break
                if current is not None and (line[:1] in (b" ", b"\t") or not line.strip()):
                    if len(lines[current]) < limit:
                        lines[current] += line
                    continue
                current = None
                for key in (b"published", b"date"):
                    if line.startswith(key) and line[len(key) : len(key) + 1] == b":":
                        lines[key] = line
                        current = key
    except OSError as exc:
        return Reading(True, True, None, f"cannot read the file: {exc.strerror}", "missing")
    if not closed:
        return Reading(True, True, _safe_filename_time(relative_path), "", "missing")
    source = "---\n" + "".join(
        v.decode("utf-8", "replace").rstrip("\r\n") + "\n" for v in lines.values()
    )
    return read_as_jekyll(relative_path, (source + "---\n").encode("utf-8"))


def _large_header_check(handle: Any, first: bytes) -> Reading:
    # The header rule looks at the whole first line; a very long one cannot pass unless it is
    # all whitespace after `---`.
    if not first.startswith(b"---") or first[3:].strip(b" \t\r\f\v"):
        return Reading(False, True, None, "", "missing")
    return Reading(True, True, None, "", "missing")


def _safe_filename_time(relative_path: str) -> float | None:
    try:
        return filename_time(relative_path)
    except ValueError:
        return None


# --- the site -----------------------------------------------------------------------------


def find_site_config(folder: Path) -> SiteConfig:
    """The site config of an opened folder: the first ``_config.yml`` in its parent and upward,
    up to the git work tree's root (a folder holding ``.git``) or the filesystem root.

    Read with :func:`newsreader.site.psych.safe_load`; ``future``/``unpublished`` take Ruby truth (a
    text "false" is true to Jekyll). A config that cannot be read gives the defaults with a
    ``problem``. Never raises.
    """
    try:
        here = Path(os.path.abspath(folder)).parent
    except (OSError, ValueError):
        return SiteConfig()
    for _ in range(256):
        candidate = here / "_config.yml"
        try:
            if candidate.is_file():
                return _read_site_config(candidate)
            at_root = (here / ".git").exists()
        except OSError:
            at_root = False
        if at_root or here.parent == here:
            break
        here = here.parent
    return SiteConfig()


def _read_site_config(path: Path) -> SiteConfig:
    try:
        data = path.read_bytes()[:_CONFIG_LIMIT]
        text = data.decode("utf-8")
        loaded = psych.safe_load(text[1:] if text.startswith("\ufeff") else text)
    except OSError as exc:
        return SiteConfig(path=str(path), problem=f"cannot read: {exc.strerror}")
    except UnicodeDecodeError:
        return SiteConfig(path=str(path), problem="not UTF-8 text")
    except psych.PsychError as exc:
        where = f"line {exc.line}: " if exc.line else ""
        return SiteConfig(path=str(path), problem=f"{where}{exc.reason}")
    if loaded is None or loaded is False:
        return SiteConfig(path=str(path))
    if not isinstance(loaded, psych.RubyHash):
        return SiteConfig(path=str(path), problem="the configuration is not a mapping")
    return SiteConfig(
        future=renders(loaded.get_str("future"), True),
        unpublished=renders(loaded.get_str("unpublished"), True),
        path=str(path),
    )


def verdict(reading: Reading, config: SiteConfig, now: float) -> str:
    """PUBLISHED, HIDDEN or COPIED: ``Publisher#publish?`` with the site's config and clock.

    A reading with ``fatal`` set is HIDDEN: the build stops, so nothing is published. A file
    Jekyll's entry filter skips (``skipped``) is HIDDEN too: it is neither published nor copied.
    """
    if reading.skipped:
        return HIDDEN
    if not reading.document:
        return COPIED
    if reading.fatal:
        return HIDDEN
    return PUBLISHED if publishes(reading.renders, reading.time, config, now) else HIDDEN


def publishes(renders: bool, when: float | None, config: SiteConfig, now: float) -> bool:
    """``Publisher#publish?`` of a document: its flag lets it through (or the config renders
    unpublished pages), and it is not dated after the build (or the config allows the future).

    ``when`` is the document's date in epoch seconds; None: it has none (the build's time).
    """
    if not (renders or config.unpublished):
        return False
    return not _in_the_future(when, config, now)


def _in_the_future(when: float | None, config: SiteConfig, now: float) -> bool:
    # `thing.date.to_i > site.time.to_i`: whole seconds; no date means the build time itself.
    return not config.future and when is not None and math.floor(when) > math.floor(now)


def _day_text(epoch: float) -> str:
    # Local time, as Jekyll reads a date without a zone (so the day shown is the day given).
    try:
        return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d")
    except (OverflowError, OSError, ValueError):
        return f"{epoch:.0f} seconds after 1970"


def explain(reading: Reading, config: SiteConfig, now: float) -> str:
    """The verdict in words, for the UI."""
    if reading.skipped:
        return f"not in the site: {reading.skipped}"
    if not reading.document:
        return "copied to the site as raw text: the file does not start with a '---' line"
    if reading.fatal:
        return f"the site build stops on this file: {reading.fatal}"
    if reading.problem:
        return f"the site publishes this page with no front matter ({reading.problem})"
    if not (reading.renders or config.unpublished):
        return f"hidden: published: {reading.flag}"
    if _in_the_future(reading.time, config, now) and reading.time is not None:
        when = _day_text(reading.time)
        return f"hidden: dated in the future ({when})"
    if not reading.renders:
        return f"published: the site's config renders unpublished pages (published: {reading.flag})"
    return "published"
