"""Tests for newsreader.site.psych: Psych's reading of YAML, rule by rule.

``LOAD_TABLE`` is also fed to the real Ruby Psych by tests/test_psych_oracle.py, so every row
here is checked twice: against the expected value written below, and against Ruby.
"""

from __future__ import annotations

import contextlib
import math
import time
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.site import psych
from newsreader.site.psych import PsychError, RubyDate, RubyHash, RubyObject, safe_load, tokenize

ERROR = object()  # Psych raises


def h(*pairs: tuple[Any, Any]) -> RubyHash:
    return RubyHash(pairs)


def t(*fields: int, offset: float = 0) -> datetime:
    return datetime(*fields, tzinfo=timezone(timedelta(hours=offset)))  # type: ignore[misc]


LOAD_TABLE: list[tuple[str, Any]] = [
    # booleans and nulls: YAML 1.1 words in any letter case, at most 5 characters
    ("a: fAlse", h(("a", False))),
    ("a: oFF", h(("a", False))),
    ("a: nO", h(("a", False))),
    ("a: No", h(("a", False))),
    ("a: TRUE", h(("a", True))),
    ("a: yEs", h(("a", True))),
    ("a: On", h(("a", True))),
    ("a: y", h(("a", "y"))),
    ("a: n", h(("a", "n"))),
    ("a: ~", h(("a", None))),
    ("a: nULL", h(("a", None))),
    ("a:", h(("a", None))),
    ("a: nil", h(("a", "nil"))),
    ("a: 'false'", h(("a", "false"))),
    ('a: "no"', h(("a", "no"))),
    ("a: falsey", h(("a", "falsey"))),
    # numbers
    ("a: 0", h(("a", 0))),
    ("a: 1,000", h(("a", 1000))),
    ("a: 1_000", h(("a", 1000))),
    ("a: 1__0", h(("a", "1__0"))),
    ("a: 012", h(("a", 10))),
    ("a: 08", h(("a", "08"))),
    ("a: 0x1_A", h(("a", 26))),
    ("a: 0b1_0", h(("a", 2))),
    ("a: 0o12", h(("a", "0o12"))),
    ("a: -0", h(("a", 0))),
    ("a: 1:20", h(("a", 4800))),
    ("a: 1:02:03", h(("a", 3723))),
    ("a: 1:30.5", h(("a", 5430.0))),
    ("a: 1:70", h(("a", "1:70"))),
    ("a: 1.5", h(("a", 1.5))),
    ("a: .5", h(("a", 0.5))),
    ("a: 1.", h(("a", 1.0))),
    ("a: 1e3", h(("a", "1e3"))),
    ("a: 1.0e+3", h(("a", 1000.0))),
    ("a: 1,0.5", h(("a", 10.5))),
    ("a: .", h(("a", "."))),
    ("a: -.", h(("a", "-."))),
    ("a: +.inf", h(("a", math.inf))),
    ("a: -.Inf", h(("a", -math.inf))),
    ("a: 1.2.3", h(("a", "1.2.3"))),
    ("a: 0b_", ERROR),
    ("a: .e+3", ERROR),
    ("a: 12345678901234567890123", h(("a", 12345678901234567890123))),
    # dates and times
    ("a: 2021-01-05", h(("a", date(2021, 1, 5)))),
    ("a: 2021-1-5", h(("a", date(2021, 1, 5)))),
    ("a: 2021-02-30", h(("a", "2021-02-30"))),
    ("a: 2021-13-01", h(("a", "2021-13-01"))),
    ("a: 1500-02-29", h(("a", RubyDate(1500, 2, 29)))),
    ("a: 1582-10-10", h(("a", "1582-10-10"))),
    ("a: 2021-01-01 12:00:00", h(("a", t(2021, 1, 1, 12)))),
    ("a: 2021-01-01T12:00:00Z", h(("a", t(2021, 1, 1, 12)))),
    ("a: 2001-12-14t21:59:43.10-05:00", h(("a", t(2001, 12, 14, 21, 59, 43, 100000, offset=-5)))),
    ("a: 2021-02-30 12:00:00", h(("a", t(2021, 3, 2, 12)))),
    ("a: 2021-01-01 24:00:00", h(("a", t(2021, 1, 2)))),
    # Ruby 3.1: a 31st that does not exist, whose UTC time is the next day: the 30th before
    ("a: 2021-2-31 23:00:00-05", h(("a", t(2021, 1, 30, 23, offset=-5)))),
    ("a: 2021-4-31 19:00:00-05", h(("a", t(2021, 3, 30, 19, offset=-5)))),
    ("a: 2021-4-31 18:59:59-05", h(("a", t(2021, 5, 1, 18, 59, 59, offset=-5)))),
    ("a: 2021-4-31 24:00:00-01", h(("a", t(2021, 3, 31, offset=-1)))),
    ("a: 2021-4-31 24:00:00", h(("a", t(2021, 5, 2)))),
    ("a: 2021-4-31 23:00:00 +05", h(("a", t(2021, 5, 1, 23, offset=5)))),
    ("a: 2021-12-31 23:00:00-05", h(("a", t(2021, 12, 31, 23, offset=-5)))),
    ("a: 2021-01-01 25:00:00", h(("a", "2021-01-01 25:00:00"))),
    ("a: 2021-01-01 12:00:00 +24", h(("a", "2021-01-01 12:00:00 +24"))),
    ("a: 2021-01-01 12:00:00 -00:30", h(("a", t(2021, 1, 1, 12, offset=0.5)))),
    ("a: 2021-01-01\t12:00:00", ERROR),
    ("a: 2021-01-01 12:00:00 +5", h(("a", t(2021, 1, 1, 12, offset=5)))),
    ("a: '2021-01-01'", h(("a", "2021-01-01"))),
    # symbols and tags
    ("a: :video", ERROR),
    (":k: 1", ERROR),
    ("a: ':video'", h(("a", ":video"))),
    ("a: :", ERROR),
    ("a: !!set {x}", ERROR),
    ("a: !!omap [{x: 1}]", h(("a", h(("x", 1))))),
    ("a: !!omap {x: 1}", ERROR),
    ("a: !ruby/object:Foo {x: 1}", ERROR),
    ("a: !ruby/object:Hash {x: 1}", h(("a", h(("x", 1))))),
    ("a: !ruby/sym x", ERROR),
    ("a: !ruby/regexp /x/", ERROR),
    ("a: !ruby/range 1..2", ERROR),
    ("a: !ruby/struct {x: 1}", ERROR),
    ("a: !ruby/class Date", h(("a", RubyObject("Class", "Date")))),
    ("a: !ruby/class Object", ERROR),
    ("a: !ruby/class ''", h(("a", None))),
    ("a: !!int '3'", h(("a", 3))),
    ("a: !!int abc", h(("a", "abc"))),
    ("a: ! '3'", h(("a", 3))),
    ("a: !!str 3", h(("a", "3"))),
    ("a: !!str", h(("a", ""))),
    ("a: !!null", h(("a", None))),
    ("a: !!float 1e3", h(("a", 1000.0))),
    ("a: !!float 0x1A", h(("a", 26.0))),
    ("a: !!float abc", ERROR),
    ("a: !!float ''", ERROR),
    ("a: !!binary aGVsbG8=", h(("a", b"hello"))),
    ("a: !foo {b: 1}", h(("a", h(("b", 1))))),
    ("a: !foo [1]", h(("a", [1]))),
    ("a: !str:Foo x", ERROR),
    ("a: !ruby/array:Foo [1]", ERROR),
    ("a: !ruby/encoding utf-8", h(("a", RubyObject("Encoding", "utf-8")))),
    # merges, in document order
    ("published: true\n<<: {published: false}", h(("published", False))),
    ("<<: {published: false}\npublished: true", h(("published", True))),
    ("<<: [{x: 1}, {x: 2, y: 3}]\nx: 0", h(("x", 0), ("y", 3))),
    ("x: 0\n<<: [{x: 1}, {x: 2, y: 3}]", h(("x", 1), ("y", 3))),
    ("<<: [{x: 1}, 3]", h(("<<", [h(("x", 1)), 3]))),
    ("<<: 3", h(("<<", 3))),
    ('"<<": {x: 1}', h(("x", 1))),
    ("!!str <<: {x: 1}", h(("<<", h(("x", 1))))),
    ("a: &a {p: 1}\nb:\n  p: 2\n  <<: *a", h(("a", h(("p", 1))), ("b", h(("p", 1))))),
    ("a: &a [1]\nb:\n  <<: *a", h(("a", [1]), ("b", h(("<<", [1]))))),
    # keys: Ruby identity, last wins
    ("1: a\n1.0: b\ntrue: c\n'1': d", h((1, "a"), (1.0, "b"), (True, "c"), ("1", "d"))),
    ("a: 1\nb: 2\na: 3", h(("a", 3), ("b", 2))),
    ("? [1, 2]\n: a\n? [1, 2]\n: b", h(([1, 2], "b"))),
    ("~: a\nnull: b", h((None, "b"))),
    # anchors and aliases
    ("a: &x 1\nb: &x 2\nc: *x", h(("a", 1), ("b", 2), ("c", 2))),
    ("a: *nowhere", ERROR),
    # documents and errors
    ("", None),
    ("# only a comment", None),
    ("---\n", None),
    ("--- a\n--- b: [", "a"),
    ("a: [", ERROR),
    ("a: b: c", ERROR),
    ("- a\n- b", ["a", "b"]),
    ("just text", "just text"),
    ("a: \x01", ERROR),
]


@pytest.mark.parametrize(("text", "expected"), LOAD_TABLE)
def test_load_table(text: str, expected: Any) -> None:
    if expected is ERROR:
        with pytest.raises(PsychError):
            safe_load(text)
    else:
        got = safe_load(text)
        assert got == expected
        assert type(got) is type(expected)


def test_error_reason_and_line() -> None:
    with pytest.raises(PsychError) as caught:
        safe_load("a: 1\nb: 2\ntype: :video\n")
    assert caught.value.line == 3
    assert "Symbol" in caught.value.reason
    with pytest.raises(PsychError) as caught:
        safe_load("a: 1\nb: [\n")
    assert caught.value.line is not None and "\n" not in caught.value.reason


def test_syntax_error_wins_over_a_disallowed_class_before_it() -> None:
    # Psych parses the whole document before building: the syntax error is what it reports.
    with pytest.raises(PsychError) as caught:
        safe_load("a: :sym\nb: [\n")
    assert "Symbol" not in caught.value.reason


def test_ruby_key_identity() -> None:
    mapping = safe_load("1: int\n1.0: float\ntrue: bool\n'1': text\n")
    assert isinstance(mapping, RubyHash)
    assert len(mapping) == 4
    assert mapping[1] == "int" and mapping[1.0] == "float" and mapping[True] == "bool"
    assert mapping.get_str("1") == "text"
    assert mapping.get_str("2", "none") == "none"
    assert mapping.has_str("1") and not mapping.has_str("true")


def test_aliases_share_objects() -> None:
    value = safe_load("a: &x [1, 2]\nb: *x\n")
    assert value.get_str("a") is value.get_str("b")


def test_billion_laughs_is_fast() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    lines.append("published: false")
    start = time.perf_counter()
    value = safe_load("\n".join(lines))
    assert time.perf_counter() - start < 1.0
    assert value.get_str("published") is False


def test_merge_bomb_is_refused_fast() -> None:
    keys = ", ".join(f"k{i}: {i}" for i in range(2000))
    text = f"base: &b {{{keys}}}\n" + "".join(f"m{i}: {{<<: *b}}\n" for i in range(600))
    start = time.perf_counter()
    with pytest.raises(PsychError, match="merge"):
        safe_load(text)
    assert time.perf_counter() - start < 5.0


def test_alias_keys_of_shared_structures_are_bounded() -> None:
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    lines.append("? *j\n: x")
    start = time.perf_counter()
    with pytest.raises(PsychError):
        safe_load("\n".join(lines))
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("depth", [100, 900])
def test_nesting_ruby_can_build(depth: int) -> None:
    value = safe_load("a: " + "[" * depth + "]" * depth)
    assert isinstance(value, RubyHash)


@pytest.mark.parametrize(
    "text", ["a: " + "[" * 5000 + "]" * 5000, "a: " + "{a: " * 2000 + "1" + "}" * 2000]
)
def test_nesting_too_deep_for_ruby_is_fatal(text: str) -> None:
    with pytest.raises(PsychError) as caught:
        safe_load(text)
    assert caught.value.fatal


def test_very_deep_nesting_does_not_recurse() -> None:
    with pytest.raises(PsychError):
        safe_load("[" * 200_000)


def test_huge_integer() -> None:
    digits = "9" * 50_000
    start = time.perf_counter()
    value = safe_load(f"a: {digits}")
    assert time.perf_counter() - start < 2.0
    assert value.get_str("a") % 10**10 == 9_999_999_999


def test_time_out_of_python_range() -> None:
    value = safe_load("a: 0000-01-01 00:00:00")
    when = value.get_str("a")
    assert isinstance(when, psych.RubyTime)
    assert float(when) == -62167219200.0


def test_reason_is_one_short_line() -> None:
    with pytest.raises(PsychError) as caught:
        safe_load("a: !ruby/object:" + "X" * 500 + " {}")
    assert len(caught.value.reason) <= 200 and "\n" not in caught.value.reason


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_never_raises_anything_but_psych_error(text: str) -> None:
    with contextlib.suppress(PsychError):
        safe_load(text)


@given(st.text(alphabet="0123456789+-:._,eExob", min_size=1, max_size=15))
@settings(max_examples=300, deadline=None)
def test_tokenize_never_raises_anything_but_psych_error(text: str) -> None:
    with contextlib.suppress(PsychError):
        tokenize(text)


def test_utc_datetime_kept() -> None:
    value = safe_load("a: 2021-06-01 10:00:00 Z")
    assert value.get_str("a") == datetime(2021, 6, 1, 10, tzinfo=UTC)


def test_a_time_whose_local_fields_precede_year_one_keeps_its_exact_instant() -> None:
    from datetime import datetime

    value = psych.safe_load("a: 0000-12-31 23:00:00-05\n").get_str("a")
    assert isinstance(value, datetime)
    assert value.timestamp() == -62135582400
