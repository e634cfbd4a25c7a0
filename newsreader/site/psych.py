"""Psych's reading of YAML: what Ruby's ``Psych.safe_load`` returns, as Python values.

Jekyll loads front matter with ``Psych.safe_load(yaml, permitted_classes: [Date, Time],
aliases: true)`` (Psych 4.0.3, Ruby 3.1). PyYAML and Psych share libyaml's parser, so this module
takes libyaml's *events* from PyYAML's C parser (syntax errors and composition agree) and builds
the values itself, following Psych's ``visitors/to_ruby.rb`` and ``scalar_scanner.rb`` rule by
rule rather than PyYAML's resolver:

* plain scalars resolve as ``ScalarScanner#tokenize`` does: booleans and nulls in any letter
  case (``fAlse``, ``oFF``, ``NULL``), but only for strings of at most 5 characters; ``y``/``n``
  stay text; ints with ``,`` and ``_``; ``0b``/``0``/``0x`` bases; base-60 ``1:20`` (Psych's
  own arithmetic: ``1:20`` is 4800); ``1e3`` is text (an exponent needs a sign and a dot);
* a plain scalar starting with ``:`` is a Ruby Symbol: refused (``DisallowedClass``);
* quoted (untagged) scalars are text; ``!`` and unknown tags are resolved like plain scalars
  (``! '3'`` and ``!!int '3'`` are 3); ``!!str`` keeps text; ``!!float`` is Ruby's ``Float()``;
  ``!!binary`` is bytes;
* ``!!set``, ``!ruby/...`` objects, symbols, ranges, regexps and other classes are refused as
  Psych's restricted class loader refuses them; a *sequence* tagged ``!!omap`` is allowed (Psych
  builds it without the class loader) and gives a :class:`RubyHash`;
* ``<<`` merge keys are applied in document order with ``Hash#merge!``: a merge overrides keys
  given before it, a key given after it overrides the merge; a list of merges gives precedence
  to its first entries; a merge of anything but mappings stores the value under ``"<<"``;
* duplicate keys: the last wins, keeping the first one's position (a Ruby Hash);
* anchors may be redefined (an alias takes the latest), an unknown alias fails (``BadAlias``);
* only the first document of the stream is read (``Psych.parse`` stops there).

Values: Ruby String is ``str`` (binary strings are ``bytes``), nil ``None``, true/false
``bool``, Integer ``int`` (of any size), Float ``float``, Date ``datetime.date`` (a date Python
cannot hold, such as the Julian 1500-02-29 or year 0, is a :class:`RubyDate`), Time an aware
``datetime`` (a zone-less time is UTC, the instant Psych gives in the local zone; a time Python
cannot hold is a :class:`RubyTime`, a ``float`` of epoch seconds), Array ``list`` (aliases give
the *same* list object, as Ruby shares objects), Hash a :class:`RubyHash`, which keeps Ruby key
identity (``1``, ``1.0``, ``true`` and ``"1"`` are four keys). Other objects Psych may build
(an ``Encoding``, the class ``Date``) are :class:`RubyObject`.

Bounded work for any input: every composed node is built once (aliases share), merges copy top
levels only and are capped (:data:`MAX_MERGED_ENTRIES`), the builder is iterative, nesting
deeper than Ruby's own stack allows is an error (marked ``fatal``: Ruby raises
``SystemStackError``, which Jekyll does not rescue), and huge integers are converted in
sub-quadratic time.

Known differences from Ruby (checked by tests/test_psych_oracle.py where they can be):
PyYAML's libyaml (0.2.6) refuses more than 1,000 nested levels where Ruby's (0.2.5) has no
limit but Ruby itself overflows at about 960 to 1,308 (both fatal here); merge and key-size caps
refuse what Ruby would slowly build; times keep microseconds, not nanoseconds; ``!ruby/encoding``
names are checked against Python's codecs; ``!ruby/hash-with-ivars`` keeps only its elements.
"""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import yaml

__all__ = [
    "MAX_MERGED_ENTRIES",
    "PsychError",
    "RubyDate",
    "RubyHash",
    "RubyObject",
    "RubyTime",
    "safe_load",
    "tokenize",
]

#: Entries copied by ``<<`` merges in one load before it is refused as a merge bomb. Ruby would
#: go on (slowly); no real front matter comes near.
MAX_MERGED_ENTRIES = 1_000_000
#: Nodes walked to give one container key its identity (a shared structure used as a key).
MAX_KEY_NODES = 100_000
#: Ruby's ``ToRuby`` visitor recurses per nesting level and overflows its VM stack (8 MiB
#: thread stack here) at about 1,308 nested sequences or 960 nested mappings; each level is
#: weighted so that both limits hold (measured with Ruby 3.1, Psych 4.0.3).
_SEQ_WEIGHT, _MAP_WEIGHT, _STACK_BUDGET = 11, 15, 14_400

STR_TAG = "tag:yaml.org,2002:str"


class PsychError(Exception):
    """Psych (or Ruby while building a value) raises for this YAML.

    ``reason`` is one line of at most 200 characters, ``line`` the 1-based line within the given
    text (or None). ``fatal`` is True when Ruby raises something Jekyll does not rescue (a
    ``SystemStackError`` from nesting too deep), which stops a whole build.
    """

    def __init__(self, reason: str, line: int | None = None, *, fatal: bool = False) -> None:
        reason = " ".join(reason.split())
        reason = reason if len(reason) <= 200 else reason[:199] + "…"
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.fatal = fatal


class RubyTime(float):
    """A Ruby Time Python's ``datetime`` cannot hold (year < 1 or > 9999): epoch seconds."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"RubyTime({float(self)!r})"


@dataclass(frozen=True, slots=True)
class RubyDate:
    """A Ruby Date Python's ``date`` cannot hold (year 0, or a Julian-only day like 1500-02-29)."""

    year: int
    month: int
    day: int

    def isoformat(self) -> str:
        """Ruby's ``Date#to_s``."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True)
class RubyObject:
    """Another Ruby object safe_load may build (``kind`` is its class, ``text`` its source)."""

    kind: str
    text: str


class RubyHash(Mapping[Any, Any]):
    """A Ruby Hash: insertion-ordered, with Ruby's key identity (``eql?``).

    ``1``, ``1.0``, ``True`` and ``"1"`` are distinct keys; lists and hashes may be keys.
    String keys are stored as themselves, so :meth:`get_str` is one dict lookup.
    """

    __slots__ = ("_entries",)

    def __init__(self, pairs: Any = ()) -> None:
        self._entries: dict[Hashable, tuple[Any, Any]] = {}
        for key, value in pairs:
            self[key] = value

    def __setitem__(self, key: Any, value: Any) -> None:
        ident = key if type(key) is str else _key_id(key)
        old = self._entries.get(ident)
        # Ruby keeps the first key object (and position) when a key is set again.
        self._entries[ident] = (key if old is None else old[0], value)

    def __getitem__(self, key: Any) -> Any:
        return self._entries[key if type(key) is str else _key_id(key)][1]

    def __contains__(self, key: object) -> bool:
        try:
            ident = key if type(key) is str else _key_id(key)
        except PsychError:
            return False
        return ident in self._entries

    def __iter__(self) -> Iterator[Any]:
        return (pair[0] for pair in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RubyHash):
            return self._entries == other._entries
        if isinstance(other, Mapping):
            try:
                return len(self) == len(other) and all(
                    k in self and self[k] == v for k, v in other.items()
                )
            except TypeError:
                return False
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{k!r}: {v!r}" for k, v in self.pairs()[:50])
        return f"RubyHash({{{inner}}})"

    def get_str(self, key: str, default: Any = None) -> Any:
        """The value of a string key (Ruby ``hash["key"]``), or ``default``."""
        pair = self._entries.get(key)
        return default if pair is None else pair[1]

    def has_str(self, key: str) -> bool:
        """Whether a string key is present (Ruby ``hash.key?("key")``)."""
        return key in self._entries

    def pairs(self) -> list[tuple[Any, Any]]:
        """The (key, value) pairs in Ruby's order."""
        return list(self._entries.values())

    def merge_from(self, other: RubyHash) -> int:
        """Ruby ``merge!``: copy every entry of ``other`` (shallow); returns how many."""
        self._entries.update(other._entries)
        return len(other._entries)


def _key_id(key: Any) -> Hashable:
    """A hashable identity equal exactly when Ruby's ``eql?`` (and ``hash``) would be."""
    budget = [MAX_KEY_NODES]
    try:
        return _key_id_walk(key, budget, set())
    except RecursionError:
        raise PsychError("mapping key nested too deeply") from None


def _key_id_walk(key: Any, budget: list[int], open_ids: set[int]) -> Hashable:
    budget[0] -= 1
    if budget[0] < 0:
        raise PsychError("mapping key too large (a shared structure used as a key?)")
    if type(key) is str:
        return key
    if isinstance(key, bool):
        return ("b", key)
    if isinstance(key, int):
        return ("i", key)
    if isinstance(key, RubyTime | datetime):
        return ("t", key)
    if isinstance(key, float):
        return ("f", key)
    if key is None:
        return ("n",)
    if isinstance(key, date | RubyDate):
        return ("d", key)
    if isinstance(key, bytes):
        # Ruby: an ASCII-only binary string is eql? to the same text.
        return key.decode("ascii") if key.isascii() else ("B", key)
    if isinstance(key, str):
        return str(key)
    if isinstance(key, list | RubyHash):
        if id(key) in open_ids:
            return ("recursive",)  # Ruby hashes a self-containing array as a marker too
        open_ids.add(id(key))
        try:
            if isinstance(key, list):
                return ("a", tuple(_key_id_walk(v, budget, open_ids) for v in key))
            return (
                "h",
                frozenset(
                    (_key_id_walk(k, budget, open_ids), _key_id_walk(v, budget, open_ids))
                    for k, v in key.pairs()
                ),
            )
        finally:
            open_ids.discard(id(key))
    if isinstance(key, RubyObject):
        return ("o", key.kind, key.text)
    return ("?", id(key))


# --- scalars: ScalarScanner#tokenize ---------------------------------------------------------

# Ruby's \s is ASCII whitespace; [[:alpha:]] is Unicode (str.isalpha is close enough).
_STRING_CLASS = frozenset("_ \t\r\n\f\v!@#$%^&*(){}<>|/\\~;=")
_NOT_FIRST = frozenset("0123456789.:-")
_TIME = re.compile(
    r"-?[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t\r\n\f\v]+)[0-9]{1,2}:[0-9][0-9]:[0-9][0-9]"
    r"(?:\.[0-9]*)?(?:[ \t\r\n\f\v]*(?:Z|[-+][0-9]{1,2}:?(?:[0-9][0-9])?))?"
)
_DATE = re.compile(r"[0-9]{4}-(?:1[012]|0[0-9]|[0-9])-(?:[12][0-9]|3[01]|0[0-9]|[0-9])")
_INF = re.compile(r"\+?\.inf", re.I)
_NEG_INF = re.compile(r"-\.inf", re.I)
_NAN = re.compile(r"\.nan", re.I)
_SEXA_INT = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9]){1,2}")
_SEXA_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9]){1,2}\.[0-9_]*")
_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_,]*)?\.[0-9]*(?:[eE][-+][0-9]+)?")
_FLOAT_CLEAN = re.compile(r"[,_]|\.(?=[Ee]|$)")
_INTEGER = re.compile(
    r"[-+]?0b[0-1_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[0-9a-fA-F_,]+"
)
_NOT_YTONF = re.compile(r"^[^ytonf~]", re.I | re.M)
_NULL = re.compile(r"^null$", re.I | re.M)
_TRUE = re.compile(r"^(?:yes|true|on)$", re.I | re.M)
_FALSE = re.compile(r"^(?:no|false|off)$", re.I | re.M)
_TO_I = re.compile(r"[ \t\r\n\f\v]*([-+]?[0-9]+(?:_[0-9]+)*)")
_TO_F = re.compile(
    r"[ \t\r\n\f\v]*([-+]?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?"
    r"(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?)"
)
_RUBY_FLOAT = re.compile(
    r"[ \t\r\n\f\v]*([-+]?(?:[0-9]+(?:_[0-9]+)*)?(?:\.[0-9]+(?:_[0-9]+)*)?"
    r"(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?)[ \t\r\n\f\v]*"
)
_RUBY_HEX_FLOAT = re.compile(
    r"[ \t\r\n\f\v]*([-+]?0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)*(?:\.[0-9a-fA-F]*)?"
    r"(?:[pP][-+]?[0-9]+)?)"
    r"[ \t\r\n\f\v]*"
)
_TIME_PARTS = re.compile(r"([0-9]+:[0-9]+:[0-9]+)(?:\.([0-9]*))?\s*(Z|[-+][0-9]+(:[0-9][0-9])?)?")
_TZ = re.compile(r"([+\-]?[0-9]{1,2}):?([0-9]{1,2})?")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stringish(s: str) -> bool:
    """``s.match?(%r{^[^\\d.:-]?[[:alpha:]_\\s!@#$%\\^&*(){}<>|/\\\\~;=]+})`` on one line."""
    c0 = s[0]
    if c0 in _STRING_CLASS or c0.isalpha():
        return True
    if c0 in _NOT_FIRST or len(s) < 2:
        return False
    c1 = s[1]
    return c1 in _STRING_CLASS or c1.isalpha()


def tokenize(string: str) -> Any:
    """``Psych::ScalarScanner#tokenize``: the Ruby value of a plain (untagged) scalar.

    Raises PsychError where Psych raises (a Symbol, ``0b_``).
    """
    if not string:
        return None
    if "\n" in string or _stringish(string):
        if len(string) > 5 or _NOT_YTONF.search(string):
            return string
        if string == "~" or _NULL.search(string):
            return None
        if _TRUE.search(string):
            return True
        if _FALSE.search(string):
            return False
        return string
    if _TIME.fullmatch(string):
        try:
            return _parse_time(string)
        except _RubyArgumentError:
            return string
    if _DATE.fullmatch(string):
        return _parse_date(string)
    if _INF.fullmatch(string):
        return float("inf")
    if _NEG_INF.fullmatch(string):
        return float("-inf")
    if _NAN.fullmatch(string):
        return float("nan")
    if string[0] == ":" and len(string) > 1:
        raise PsychError("Tried to load unspecified class: Symbol")
    if _SEXA_INT.fullmatch(string):
        total = 0
        for e, part in enumerate(string.split(":")):
            total += _ruby_to_i(part) * 60 ** abs(e - 2)
        return total
    if _SEXA_FLOAT.fullmatch(string):
        total_f = 0.0
        for e, part in enumerate(string.split(":")):
            total_f += _ruby_to_f(part) * 60 ** abs(e - 2)
        return total_f
    if _FLOAT.fullmatch(string):
        if string in (".", "+.", "-."):
            return string
        cleaned = _FLOAT_CLEAN.sub("", string)
        try:
            return float(cleaned)
        except ValueError:
            raise PsychError(f'invalid value for Float(): "{cleaned}"') from None
    if _INTEGER.fullmatch(string):
        return _parse_int(string.replace(",", "").replace("_", ""))
    return string


class _RubyArgumentError(Exception):
    """Ruby's ArgumentError inside ``parse_time``, which tokenize rescues (the text stays)."""


def _parse_int(text: str) -> int:
    """Ruby ``Integer(text)`` for the shapes Psych's INTEGER pattern lets through."""
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    try:
        if body.startswith("0b"):
            return sign * int(body[2:], 2)
        if body.startswith("0x"):
            return sign * int(body[2:], 16)
        if len(body) > 1 and body.startswith("0"):
            return sign * int(body[1:], 8)
        return sign * _int10(body)
    except ValueError:
        raise PsychError(f'invalid value for Integer(): "{text}"') from None


def _int10(digits: str) -> int:
    """int(digits) for decimal digits of any length, in sub-quadratic time.

    Python refuses over 4,300 digits (and its own conversion is quadratic); Ruby reads them.
    """
    if len(digits) <= 4000:
        return int(digits)
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(digits)
    half = len(digits) // 2
    low = len(digits) - half
    high: int = _int10(digits[:half]) * 10**low
    return high + _int10(digits[half:])


def _ruby_to_i(text: str) -> int:
    match = _TO_I.match(text)
    return _int10_signed(match.group(1).replace("_", "")) if match else 0


def _int10_signed(text: str) -> int:
    if text[0] in "+-":
        return -_int10(text[1:]) if text[0] == "-" else _int10(text[1:])
    return _int10(text)


def _ruby_to_f(text: str) -> float:
    match = _TO_F.match(text)
    if not match:
        return 0.0
    try:
        return float(match.group(1).replace("_", ""))
    except (ValueError, OverflowError):
        return 0.0


def _ruby_float(value: Any) -> float:
    """Ruby ``Float(value)`` for what tokenize gives (``!!float`` scalars)."""
    if isinstance(value, bool) or value is None:
        raise PsychError(f"can't convert {_ruby_class(value)} into Float")
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            return float("inf") if value > 0 else float("-inf")
    if isinstance(value, float):  # RubyTime too: Time#to_f
        return float(value)
    if isinstance(value, datetime):
        return (value - _EPOCH).total_seconds()
    if isinstance(value, str):
        match = _RUBY_FLOAT.fullmatch(value)
        if (
            match
            and re.search("[0-9]", match.group(1))
            and not match.group(1).startswith((".", "+.", "-."))
        ):
            try:
                return float(match.group(1).replace("_", ""))
            except ValueError:
                pass
        match = _RUBY_HEX_FLOAT.fullmatch(value)
        if match:
            try:
                return float.fromhex(match.group(1).replace("_", ""))
            except (ValueError, OverflowError):
                pass
        raise PsychError(f'invalid value for Float(): "{value[:60]}"')
    raise PsychError(f"can't convert {_ruby_class(value)} into Float")


def _ruby_class(value: Any) -> str:
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | RubyDate):
        return "Date"
    return type(value).__name__


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year; day may overflow)."""
    y -= m <= 2
    era = y // 400  # floor division (the C original adjusts for truncation)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + 1 - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468 + (d - 1)


_TIMEZONES: dict[int, timezone] = {0: UTC}
#: The months of 30 days or fewer.
_SHORT_MONTHS = frozenset({2, 4, 6, 9, 11})


def ruby_time(
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int,
    second: int,
    offset: int = 0,
    micro: int = 0,
) -> datetime | RubyTime:
    """Ruby ``Time.new``/``Time.utc`` of these fields at a UTC offset in seconds.

    ``micro`` is the fraction of the second in microseconds (Ruby keeps nanoseconds; Python
    cannot). Raises ``ValueError`` where Ruby raises ArgumentError (month 13, day 32, hour 25,
    minute 60, an offset of a day or more); Ruby lets a day up to 31 overflow into the next
    month, hour 24 (with zero minutes and seconds) be the next day, and second 60 be the next
    minute.
    """
    if not (
        1 <= month <= 12
        and 1 <= day <= 31
        and 0 <= minute <= 59
        and 0 <= second <= 60
        and (0 <= hour <= 23 or (hour == 24 and minute == 0 and second == 0))
        and -86400 < offset < 86400
    ):
        raise ValueError("argument out of range")
    seconds = (
        _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
    )
    zone = _TIMEZONES.get(offset)
    if zone is None:
        zone = _TIMEZONES.setdefault(offset, timezone(timedelta(seconds=offset)))
    try:
        instant = _EPOCH + timedelta(seconds=seconds, microseconds=micro)
    except OverflowError:
        return RubyTime(seconds + micro / 1_000_000)
    try:
        return instant.astimezone(zone)
    except OverflowError:
        # The instant fits Python's years but its local fields do not (0001-01-01 04:00 UTC
        # is 0000-12-31 at -05:00): keep the exact instant, in UTC.
        return instant


def _parse_time(string: str) -> datetime | RubyTime:
    """``ScalarScanner#parse_time`` (its ArgumentErrors become _RubyArgumentError)."""
    parts = re.split(r"[ tT]", string, maxsplit=1)
    if len(parts) < 2:
        # A tab between date and time: Psych calls nil.match (NoMethodError, not rescued).
        raise PsychError("undefined method `match' for nil:NilClass")
    date_part, time_part = parts
    ymd = re.match(r"(-?[0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", date_part)
    md = _TIME_PARTS.search(time_part)
    if ymd is None or md is None:  # cannot happen after _TIME matched
        raise _RubyArgumentError
    yy, m, dd = (int(x) for x in ymd.groups())
    hh, mm, ss = (int(x) for x in md.group(1).split(":"))
    # The fraction's first six digits are its microseconds (floored, as Ruby's usec is).
    micro = int((md.group(2) or "").ljust(6, "0")[:6])
    zone = md.group(3)
    offset = 0
    if zone and zone != "Z":
        tz = _TZ.fullmatch(zone)
        if tz is None:
            raise PsychError("undefined method `[]' for nil:NilClass")
        first = int(tz.group(1))
        offset = first * 3600
        minutes = int(tz.group(2)) * 60 if tz.group(2) else 0
        # Psych's own rule: the sign of the hours decides, so "-00:30" is +00:30.
        offset = offset - minutes if offset < 0 else offset + minutes
    if (
        dd == 31
        and m in _SHORT_MONTHS
        and offset < 0
        and hh * 3600 + mm * 60 + ss - offset >= 86400
    ):
        # Ruby 3.1's Time.new (measured against it; Time.utc and Time.parse do otherwise): a
        # 31st of a month of 30 days or fewer whose UTC time falls on the next day becomes the
        # 30th of the month before, at the same clock time ("2021-4-31 23:00:00 -05" is March
        # 30, where "2021-4-31 18:00:00 -05" is May 1).
        m, dd = m - 1, 30
    try:
        return ruby_time(yy, m, dd, hh, mm, ss, offset, micro)
    except ValueError:
        raise _RubyArgumentError from None


def _julian_valid(y: int, m: int, d: int) -> bool:
    leap = y % 4 == 0
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return 1 <= d <= days


def _parse_date(string: str) -> date | RubyDate | str:
    """``Date.strptime(string, '%Y-%m-%d')`` (Ruby's Date is Julian before 1582-10-15)."""
    y, m, d = (int(x) for x in string.split("-"))
    if not 1 <= m <= 12:
        return string
    if (y, m, d) < (1582, 10, 15):
        if (y, m) == (1582, 10) and 5 <= d <= 14:
            return string  # the days the reform skipped
        if not _julian_valid(y, m, d):
            return string
        try:
            return date(y, m, d)
        except ValueError:
            return RubyDate(y, m, d)
    try:
        return date(y, m, d)
    except ValueError:
        return string


# --- tagged nodes: ToRuby#deserialize and friends -----------------------------------------

_STR_TAG = re.compile(r"!(?:str|ruby/string)(?::(.*))?")
_PERMITTED = frozenset({"Date", "Time"})


def _disallowed(name: str) -> PsychError:
    return PsychError(f"Tried to load unspecified class: {name}")


def _resolve_class(name: str | None) -> str | None:
    """Restricted ClassLoader#load: None for no name; the name if permitted; else raises."""
    if not name:
        return None
    if name in _PERMITTED:
        return name
    raise _disallowed(name)


def _tagged_scalar(tag: str, value: str) -> Any:
    if tag in ("!binary", "tag:yaml.org,2002:binary"):
        # Ruby's unpack('m') skips characters outside the alphabet.
        clean = re.sub(r"[^A-Za-z0-9+/]", "", value)
        clean = clean[: len(clean) - len(clean) % 4] if len(clean) % 4 == 1 else clean
        try:
            return binascii.a2b_base64(clean + "=" * (-len(clean) % 4))
        except binascii.Error:
            return b""
    match = _STR_TAG.fullmatch(tag)
    if match or tag == STR_TAG:
        if match and _resolve_class(match.group(1)):
            raise PsychError(f"undefined method `replace' for {match.group(1)}")
        return value
    if tag == "!ruby/object:BigDecimal":
        raise _disallowed("BigDecimal")
    if tag == "!ruby/object:DateTime":
        raise _disallowed("DateTime")
    if tag == "!ruby/encoding":
        try:
            codecs.lookup(value)
        except LookupError:
            raise PsychError(f"unknown encoding name - {value[:60]}") from None
        return RubyObject("Encoding", value)
    if tag == "!ruby/object:Complex":
        raise _disallowed("Complex")
    if tag == "!ruby/object:Rational":
        raise _disallowed("Rational")
    if tag in ("!ruby/class", "!ruby/module"):
        name = _resolve_class(value)
        return None if name is None else RubyObject("Class", name)
    if tag in ("tag:yaml.org,2002:float", "!float"):
        return _ruby_float(tokenize(value))
    if tag == "!ruby/regexp":
        raise _disallowed("Regexp")
    if tag == "!ruby/range":
        raise _disallowed("Range")
    if tag.startswith("!ruby/sym"):
        raise _disallowed("Symbol")
    return tokenize(value)


# Mapping tags (visit_Psych_Nodes_Mapping), decided when the mapping starts.
_HASH, _OMAP_SEQ, _LIST, _IVARS, _STR_MAP = "hash", "omap", "list", "ivars", "str"


def _mapping_mode(tag: str | None) -> str:
    if tag is None:
        return _HASH
    if re.match(r"!ruby/struct", tag):
        raise _disallowed("Struct")
    match = re.match(r"!ruby/object:?(.*)", tag)
    if match:
        name = match.group(1)
        if name == "Hash":
            return _HASH
        raise _disallowed(name or "Object")
    match = _STR_TAG.fullmatch(tag)
    if match or tag == STR_TAG:
        if match and _resolve_class(match.group(1)):
            raise PsychError(f"undefined method `replace' for {match.group(1)}")
        return _STR_MAP
    if re.match(r"!ruby/array:", tag):
        raise _disallowed(tag.split(":", 1)[1] or "Array")
    if tag == "!ruby/range":
        raise _disallowed("Range")
    if re.match(r"!ruby/exception", tag):
        raise _disallowed("Exception")
    if tag in ("!set", "tag:yaml.org,2002:set"):
        raise _disallowed("Psych::Set")
    match = re.fullmatch(r"!ruby/hash-with-ivars(?::(.*))?", tag)
    if match:
        if match.group(1) is not None:
            raise _disallowed(match.group(1))
        return _IVARS
    match = re.match(r"!map:(.*)|!ruby/hash:(.*)", tag)
    if match:
        raise _disallowed(match.group(1) or match.group(2) or "nil")
    if tag in ("!omap", "tag:yaml.org,2002:omap"):
        raise _disallowed("Psych::Omap")
    match = re.match(r"!ruby/marshalable:(.*)", tag)
    if match:
        raise _disallowed(match.group(1))
    return _HASH


_IVAR_NAME = re.compile(r"[^\W\d]\w*")


def _string_from_mapping(members: RubyHash) -> Any:
    """A mapping tagged ``!str``: its ``str`` member is the string, other members become
    instance variables of it (which Ruby refuses on nil, numbers, true and false)."""
    value = members.get_str("str")
    others = [k for k in members if k != "str"]
    if others and (value is None or isinstance(value, bool | int | float)):
        raise PsychError(f"can't modify frozen {_ruby_class(value)}")
    for key in others:
        name = key[1:] if isinstance(key, str) and key.startswith("@") else key
        if not (isinstance(name, str) and _IVAR_NAME.fullmatch(name)):
            raise PsychError(f"`@{name}' is not allowed as an instance variable name")
    return value


def _sequence_mode(tag: str | None) -> str:
    if tag in ("!omap", "tag:yaml.org,2002:omap"):
        return _OMAP_SEQ  # built without the class loader: allowed
    if tag is not None:
        match = re.match(r"!(?:seq|ruby/array):(.*)", tag)
        if match:
            raise _disallowed(match.group(1) or "nil")
    return _LIST


# --- the builder --------------------------------------------------------------------------


class _Frame:
    """A mapping or sequence being built, with its pending key."""

    __slots__ = ("container", "has_key", "key", "key_tag", "mode", "weight")

    def __init__(self, mode: str, container: Any, weight: int) -> None:
        self.mode = mode
        self.container = container
        self.weight = weight
        self.has_key = False
        self.key: Any = None
        self.key_tag: str | None = None


def _line(event: Any) -> int | None:
    mark = getattr(event, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def safe_load(text: str) -> Any:
    """``Psych.safe_load(text, permitted_classes: [Date, Time], aliases: true)``.

    Returns the value of the first document (None for an empty stream), or raises PsychError.
    """
    parser = yaml.CSafeLoader(text)
    try:
        return _build(parser)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        context = f" {exc.context}" if exc.context else ""
        # PyYAML's libyaml (0.2.6) stops at 1,000 nested levels; Ruby's (0.2.5) has no limit,
        # and Ruby overflows its stack near there instead (SystemStackError): fatal either way.
        if "maximum nesting depth" in str(exc.problem):
            reason = "stack level too deep: nested too deeply for Ruby (SystemStackError)"
            raise PsychError(reason, line, fatal=True) from None
        raise PsychError(f"{exc.problem}{context}", line) from None
    except yaml.reader.ReaderError as exc:
        char = ord(exc.character) if isinstance(exc.character, str) else exc.character
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise PsychError(f"invalid character #x{char:04x}: {exc.reason}", line) from None
    except yaml.YAMLError as exc:
        raise PsychError(str(exc)) from None
    finally:
        parser.dispose()


def _build(parser: Any) -> Any:
    """Walk the first document's events, building values as Psych's ToRuby does.

    The common cases (a plain scalar that is text, appending to a list, a plain key) are
    inlined: this loop runs once per YAML node of every file read.
    """
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    string_class = _STRING_CLASS
    get_event = parser.get_event
    anchors: dict[str, Any] = {}
    stack: list[_Frame] = []
    top: _Frame | None = None
    depth_cost = 0
    merged = [0]
    root: Any = None
    error: PsychError | None = None
    while True:
        event = get_event()
        kind = type(event)
        try:
            if error is not None:
                if kind is yaml.DocumentEndEvent:
                    raise error
                if kind is yaml.StreamEndEvent:
                    return None
                continue  # after a build error: read on, a syntax error is reported first
            if kind is scalar_event:
                text = event.value
                if event.implicit[1]:  # quoted, untagged: the text itself
                    value: Any = text
                elif event.tag is None:
                    first = text[:1]
                    if len(text) > 5 and (first in string_class or first.isalpha()):
                        value = text  # tokenize's first rule, inlined
                    else:
                        value = tokenize(text)
                else:
                    value = _tagged_scalar(event.tag, text)
                if event.anchor is not None:
                    anchors[event.anchor] = value
                node_kind = "scalar"
            elif kind is mapping_start or kind is sequence_start:
                is_map = kind is mapping_start
                mode = _mapping_mode(event.tag) if is_map else _sequence_mode(event.tag)
                container: Any = [] if mode is _LIST else RubyHash()
                weight = _MAP_WEIGHT if is_map else _SEQ_WEIGHT
                depth_cost += weight
                if depth_cost > _STACK_BUDGET:
                    raise PsychError(
                        "stack level too deep: nested too deeply for Ruby (SystemStackError)",
                        _line(event),
                        fatal=True,
                    )
                if event.anchor is not None:
                    anchors[event.anchor] = container  # registered before its children
                top = _Frame(mode, container, weight)
                stack.append(top)
                continue
            elif kind is mapping_end or kind is sequence_end:
                frame = stack.pop()
                top = stack[-1] if stack else None
                depth_cost -= frame.weight
                value = frame.container
                if frame.mode is _STR_MAP:
                    value = _string_from_mapping(value)
                node_kind = "seq" if kind is sequence_end else "map"
            elif kind is alias_event:
                try:
                    value = anchors[event.anchor]
                except KeyError:
                    raise PsychError(f"Unknown alias: {event.anchor}") from None
                node_kind = "alias"
            elif kind is yaml.DocumentEndEvent:
                return root
            elif kind is yaml.StreamEndEvent:
                return None  # no document: Psych's fallback
            else:  # StreamStartEvent, DocumentStartEvent
                continue
            if top is None:
                root = value
            elif top.mode is _LIST:
                top.container.append(value)
            elif top.mode is _HASH and not top.has_key:
                top.has_key = True
                top.key = value
                top.key_tag = event.tag if node_kind == "scalar" else None
            elif top.mode is _HASH and type(top.key) is str and top.key != "<<":
                # revive_hash's plain case: hash[key] = val (a key set again keeps its place).
                top.has_key = False
                entries = top.container._entries
                old = entries.get(top.key)
                entries[top.key] = (top.key if old is None else old[0], value)
            else:
                _deliver(top, value, node_kind, event, merged)
        except PsychError as exc:
            if exc.fatal:
                raise exc from None
            if error is exc:
                raise
            error = exc if exc.line is not None else PsychError(exc.reason, _line(event))
            stack.clear()
            top = None
            if kind is yaml.DocumentEndEvent:
                raise error from None


def _deliver(frame: _Frame, value: Any, node_kind: str, event: Any, merged: list[int]) -> None:
    """Hand a finished child value to the container being built (``revive_hash`` for maps)."""
    mode = frame.mode
    if mode is _LIST:
        frame.container.append(value)
        return
    if mode is _OMAP_SEQ:
        # Psych::Omap: map[accept(child.children.first)] = accept(child.children.last)
        if isinstance(value, RubyHash) and len(value):
            pairs = value.pairs()
            frame.container[pairs[0][0]] = pairs[-1][1]
        elif isinstance(value, list) and value:
            frame.container[value[0]] = value[-1]
        else:
            raise PsychError("undefined method for nil:NilClass (an !!omap entry)")
        return
    if not frame.has_key:
        frame.has_key = True
        frame.key = value
        frame.key_tag = getattr(event, "tag", None) if node_kind == "scalar" else None
        return
    frame.has_key = False
    key, hash_ = frame.key, frame.container
    if mode is _STR_MAP:  # no merges here: every key is a member
        hash_[key] = value
        return
    if mode is _IVARS:
        # !ruby/hash-with-ivars: its `elements` are the hash; ivars are set on it (ignored here).
        if key == "elements" and isinstance(value, RubyHash):
            merged[0] += hash_.merge_from(value)
        return
    if (key == "<<" or key == b"<<") and frame.key_tag != STR_TAG:
        if node_kind in ("alias", "map"):
            if isinstance(value, RubyHash):
                merged[0] += hash_.merge_from(value)
            else:  # merge! of a non-Hash: TypeError, rescued by storing the value
                hash_[key] = value
        elif node_kind == "seq":
            if all(isinstance(v, RubyHash) for v in value):
                combined = RubyHash()
                for item in reversed(value):
                    merged[0] += combined.merge_from(item)
                merged[0] += hash_.merge_from(combined)
            else:
                hash_[key] = value
        else:
            hash_[key] = value
        if merged[0] > MAX_MERGED_ENTRIES:
            raise PsychError(f"<< merges copy over {MAX_MERGED_ENTRIES:,} entries: merge bomb?")
        return
    hash_[key] = value
