"""Differential tests against the real Ruby Psych and Jekyll (``tests/psych_oracle.rb``).

One Ruby process per module answers every question over a pipe. Skipped when ``ruby`` is not
on PATH, but failed when the ``CI`` environment variable is set: CI must run it.
"""

from __future__ import annotations

import base64
import json
import math
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_jekyll_reading import READING_TABLE
from test_psych import LOAD_TABLE

from newsreader.site import psych
from newsreader.site.jekyll import parse_date_text, read_as_jekyll

ORACLE = Path(__file__).with_name("psych_oracle.rb")
#: Epoch seconds of the first and last second Python's datetime holds (years 1 to 9999).
PYTHON_MIN, PYTHON_MAX = -62135596800, 253402300799


class Oracle:
    """The Ruby process: one JSON line in, one JSON line out."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["ruby", str(ORACLE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ask(self, request: dict[str, str]) -> Any:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the Ruby oracle died"
        return json.loads(line)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def oracle() -> Iterator[Oracle]:
    if shutil.which("ruby") is None:
        if os.environ.get("CI"):
            pytest.fail("ruby is not on PATH, and CI is set: the Psych oracle must run in CI")
        pytest.skip("ruby is not on PATH")
    ruby = Oracle()
    yield ruby
    ruby.close()


def encode(value: Any) -> Any:
    """The Python value in the oracle's tagged JSON shape (see psych_oracle.rb)."""
    if value is None:
        return ["nil"]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", str(value)] if value.bit_length() < 10_000 else ["int", "huge"]
    if isinstance(value, psych.RubyTime):
        # A float of epoch seconds this far out holds about 10 µs: compare whole seconds.
        return ["time", math.floor(value), "approx"]
    if isinstance(value, float):
        return ["float", _float(value)]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, bytes):
        return ["bin", base64.b64encode(value).decode()]
    if isinstance(value, datetime):
        stamp = value.timestamp()
        return ["time", math.floor(stamp), value.microsecond]
    if isinstance(value, date | psych.RubyDate):
        return ["date", value.isoformat()]
    if isinstance(value, list):
        return ["list", [encode(v) for v in value]]
    if isinstance(value, psych.RubyHash):
        return ["hash", [[encode(k), encode(v)] for k, v in value.pairs()]]
    if isinstance(value, psych.RubyObject):
        return ["obj", value.kind]
    raise AssertionError(f"unexpected value {value!r}")


def _float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def normalize(answer: Any) -> Any:
    """The Ruby answer with floats in Python's spelling and errors reduced to "error"."""
    if answer[0] == "error":
        return ["error"]
    if answer[0] == "float":
        text = answer[1]
        return ["float", text if text in ("nan", "inf", "-inf") else repr(float(text))]
    if answer[0] == "time" and not PYTHON_MIN <= answer[1] <= PYTHON_MAX:
        return ["time", answer[1], "approx"]
    if answer[0] == "int" and len(answer[1]) > 3000:
        return ["int", "huge"]
    if answer[0] == "obj":
        return ["obj", {"Encoding": "Encoding", "Class": "Class"}.get(answer[1], answer[1])]
    if answer[0] == "list":
        return ["list", [normalize(v) for v in answer[1]]]
    if answer[0] == "hash":
        return ["hash", [[normalize(k), normalize(v)] for k, v in answer[1]]]
    return answer


def ours(text: str) -> Any:
    try:
        return encode(psych.safe_load(text))
    except psych.PsychError:
        return ["error"]


@pytest.mark.parametrize("text", [row[0] for row in LOAD_TABLE])
def test_table_agrees_with_psych(oracle: Oracle, text: str) -> None:
    expected = normalize(oracle.ask({"op": "load", "text": text}))
    got = ours(text)
    if got == ["obj", "Encoding"] or got == ["obj", "Class"]:
        got = ["obj", expected[1]] if expected[0] == "obj" else got
    assert got == expected, text


SCALAR_ALPHABET = "0123456789+-:._,eExXbB oO"
WORDS = ["true", "false", "yes", "no", "on", "off", "null", "nil", "y", "n", "inf", "nan", "~"]


def _case_variants(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda flags: "".join(c.upper() if f else c for c, f in zip(word, flags, strict=True))
    )


SCALARS = st.one_of(
    st.text(alphabet=SCALAR_ALPHABET, min_size=1, max_size=12),
    st.sampled_from(WORDS).flatmap(_case_variants),
    st.sampled_from([".inf", "-.inf", ".NaN", ".Inf", "+.inf"]).flatmap(_case_variants),
    st.builds(
        lambda y, m, d, sep, h, mi, s, frac, zone: f"{y}-{m}-{d}{sep}{h}:{mi}:{s}{frac}{zone}",
        st.sampled_from(["2021", "1999", "0000", "9999", "1500", "-2021"]),
        st.sampled_from(["1", "01", "12", "13", "00", "2"]),
        st.sampled_from(["1", "01", "28", "29", "30", "31", "32", "00"]),
        st.sampled_from([" ", "T", "t", "  "]),
        st.sampled_from(["0", "00", "12", "23", "24", "25"]),
        st.sampled_from(["00", "30", "59", "60"]),
        st.sampled_from(["00", "59", "60"]),
        st.sampled_from(["", ".", ".5", ".123456", ".1234567"]),
        st.sampled_from(["", "Z", " Z", "+01:00", "-05", "+0530", "-00:30", " +23:59", "+24"]),
    ),
    st.builds(
        lambda y, m, d: f"{y}-{m}-{d}",
        st.sampled_from(["2021", "2020", "1900", "2000", "1582", "1500", "0000", "0001"]),
        st.sampled_from(["1", "02", "10", "12", "13", "0", "00"]),
        st.sampled_from(["1", "05", "15", "28", "29", "30", "31", "0", "32"]),
    ),
)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(scalar=SCALARS)
def test_plain_scalars_agree_with_psych(oracle: Oracle, scalar: str) -> None:
    for text in (f"a: {scalar}\n", f"{scalar}: a\n"):
        expected = normalize(oracle.ask({"op": "load", "text": text}))
        assert ours(text) == expected, text


def _reading_facts(name: str, data: bytes) -> dict[str, Any]:
    reading = read_as_jekyll("_news/" + name, data)
    if not reading.document:
        return {"document": False}
    facts: dict[str, Any] = {"document": True, "fatal": bool(reading.fatal)}
    if not reading.fatal:
        facts["problem"] = bool(reading.problem)
        facts["renders"] = reading.renders
        facts["time"] = None if reading.time is None else math.floor(reading.time)
    return facts


@pytest.mark.parametrize(("label", "data"), [(row[0], row[1]) for row in READING_TABLE])
def test_readings_agree_with_jekyll(oracle: Oracle, label: str, data: bytes) -> None:
    name = "2020-01-02-story.md"
    answer = oracle.ask({"op": "doc", "name": name, "b64": base64.b64encode(data).decode()})
    if answer["document"] and answer["fatal"]:
        answer = {"document": True, "fatal": True}
    assert _reading_facts(name, data) == answer, label


@pytest.mark.parametrize(
    "name",
    ["2020-01-02-story.md", "21-01-05-story.md", "story.md", "2021-3-4-x.md", "2021-13-45-x.md"],
)
def test_file_name_dates_agree_with_jekyll(oracle: Oracle, name: str) -> None:
    data = b"---\ntitle: x\n---\n"
    answer = oracle.ask({"op": "doc", "name": name, "b64": base64.b64encode(data).decode()})
    if answer["fatal"]:
        answer = {"document": True, "fatal": True}
    assert _reading_facts(name, data) == answer, name


DATE_TEXTS = [
    "2021-03-04",
    "2021-3-4",
    "21-03-04",
    "2021-03-04 05:06",
    "2021-03-04 5:6:7",
    "2021-03-04T05:06:07Z",
    "2021-03-04 05:06:07 +0100",
    "2021-03-04 05:06:07 -05",
    "2021-03-04 05:06:07.123 UTC",
    "2021-03-04 05:06:07 EST",
    "2021-03-04 05:06:07 +0100 (CET)",
    "2021-02-30",
    "2021-13-01",
    "2021-12-32",
    "2021-03-04 25:00:00",
    "2021-03-04 24:00:00",
    "20210304",
    "20210304T050607",
    "2021/03/04",
    "2021/3/4 10:00",
    "4 Mar 2021",
    "4th March 2021",
    "Mar 4, 2021",
    "Thu, 04 Mar 2021 05:06:07 +0000",
    "  2021-03-04  ",
    "2021",
    "2021-03",
    "soon",
    "",
    "true",
    "5",
    "1614834367",
    # Date._parse finds a date and a clock anywhere in the text
    "on 2021-03-04 by x",
    "[2021-03-04]",
    "2021-03-04 garbage",
    "10:00 2021-03-04",
    "posted 4 March 2021 at 10:00",
    "04-03-2021",
    "4-3-21",
    "1-2-3",
    "published 2021-02-30",
    "2021-13-04 x",
    "abc 99-12-31",
    '{"a"=>1}',
    "[1, 2]",
    "Version 2",
]


@pytest.mark.parametrize("text", DATE_TEXTS)
def test_parse_date_agrees_with_jekyll(oracle: Oracle, text: str) -> None:
    answer = oracle.ask({"op": "date", "text": text})
    try:
        ours_ = ["time", math.floor(parse_date_text(text))]
    except ValueError:
        ours_ = ["error"]
    assert ours_ == (answer if answer[0] == "time" else ["error"]), text


PUBLISHED_VALUES = ["false", "fAlse", "oFF", "nO", "~", "", "null", "'false'", "0", "yes", "n"]
EXTRA_LINES = [
    "title: A story",
    "type: :video",
    ":k: 1",
    "tags: !!set {a}",
    "categories: 5",
    "categories: a b",
    "date: 2019-01-02",
    "date: 2031-01-02 10:00:00 +02:00",
    "date: '2019-01-02'",
    "date: nope",
    "date: [2019-01-02]",
    "date: [1, 2]",
    "date: {a: 1}",
    "date: 20190102",
    "date: 1.5",
    "date: 'posted on 2019-01-02 at 10:00'",
    "date: '2019-01-02" + " " * 130 + "'",
    "<<: {published: false}",
    "<<: {published: true}",
    "<<: [{published: false}, {title: x}]",
    "x: &a {published: false}",
    "y: *a",
    "z: !ruby/object:Foo {}",
    "w: [unclosed",
    "v: 0b_",
    "u: 2021-01-01\t12:00:00",
]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    published=st.none() | st.sampled_from(PUBLISHED_VALUES),
    extras=st.lists(st.sampled_from(EXTRA_LINES), max_size=4),
    name=st.sampled_from(["2020-01-02-story.md", "story.md", "2031-05-06-later.md"]),
    closing=st.sampled_from(["---", "...", "--- ", None]),
)
def test_generated_files_agree_with_jekyll(
    oracle: Oracle, published: str | None, extras: list[str], name: str, closing: str | None
) -> None:
    lines = list(extras)
    if published is not None:
        lines.insert(len(lines) // 2, f"published: {published}")
    text = "---\n" + "".join(line + "\n" for line in lines)
    text += f"{closing}\nbody\n" if closing is not None else "body\n"
    data = text.encode()
    answer = oracle.ask({"op": "doc", "name": name, "b64": base64.b64encode(data).decode()})
    if answer["document"] and answer["fatal"]:
        answer = {"document": True, "fatal": True}
    assert _reading_facts(name, data) == answer, text


FLOW_SCALARS = st.sampled_from(
    ["1", "1.0", "true", "~", "a", "'1'", "x", "2021-01-01", "-1", "0x1f", "1_0", "nO", '"<<"']
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Small block mappings with anchors, aliases, merges, tags and repeated keys."""
    anchors: list[str] = []
    lines = []
    for i in range(draw(st.integers(1, 6))):
        key = draw(st.sampled_from(["a", "b", "<<", "1", "1.0", "true", "~", "!!str <<", "'<<'"]))
        kind = draw(st.sampled_from(["scalar", "map", "seq", "alias", "merge-list", "tagged"]))
        if kind == "alias" and anchors:
            value = "*" + draw(st.sampled_from(anchors))
        elif kind == "map":
            pairs = draw(st.lists(st.tuples(FLOW_SCALARS, FLOW_SCALARS), max_size=3))
            value = "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        elif kind == "seq":
            value = "[" + ", ".join(draw(st.lists(FLOW_SCALARS, max_size=3))) + "]"
        elif kind == "merge-list" and anchors:
            value = "[" + ", ".join("*" + a for a in draw(st.lists(st.sampled_from(anchors)))) + "]"
        elif kind == "tagged":
            tag = draw(st.sampled_from(["!!str", "!!int", "!!float", "!", "!foo", "!!map"]))
            value = f"{tag} {draw(FLOW_SCALARS)}"
        else:
            value = draw(FLOW_SCALARS)
        if kind in ("map", "seq") and draw(st.booleans()):
            anchor = f"n{i}"
            anchors.append(anchor)
            value = f"&{anchor} {value}"
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=documents())
def test_generated_documents_agree_with_psych(oracle: Oracle, text: str) -> None:
    expected = normalize(oracle.ask({"op": "load", "text": text}))
    assert ours(text) == expected, text


@pytest.mark.parametrize(
    "name", ["story.md", "_draft.md", ".hidden.md", "#temp.md", "~lock.md", "story.md~", "story."]
)
def test_entry_filter_agrees_with_jekyll(oracle: Oracle, name: str) -> None:
    answer = oracle.ask({"op": "filtered", "name": name})
    assert (not read_as_jekyll("_news/" + name, b"---\n---\n").skipped) is answer["read"], name


#: Exotic tags and shapes, checked against Ruby only (tests/test_psych.py pins the usual ones).
ORACLE_ONLY = [
    'a: !!binary "aGVs bG8="',
    'a: !!binary "aGVsbG8"',
    'a: !!binary "!!!"',
    'a: !ruby/hash-with-ivars {elements: {x: 1}, ivars: {"@a": 1}}',
    "a: !ruby/hash-with-ivars:Foo {elements: {x: 1}}",
    "a: !!omap [[a, b], {c: d}]",
    "a: !!omap [a]",
    "a: !!omap []",
    "a: !ruby/encoding nope",
    "a: !ruby/object {x: 1}",
    "a: !ruby/exception {message: x}",
    "a: !map:Foo {x: 1}",
    "a: !ruby/hash:Hash {x: 1}",
    "a: !ruby/marshalable:Foo {x: 1}",
    "a: !str {str: x}",
    "a: !!str {x: 1}",
    "a: !ruby/object:Complex 1+2i",
    "a: !ruby/object:Rational 1/2",
    "a: !ruby/object:BigDecimal 1.5",
    "a: !ruby/object:DateTime 2021-01-01 00:00:00",
    "a: !ruby/symbol x",
    "a: !ruby/symbolic x",
    "a: !seq:Foo [1]",
    "a: !ruby/struct:Foo {x: 1}",
    "a: !!timestamp 2021-01-01",
    "a: !!bool yes",
    "a: !!int 0x1f",
    "a: !!float 1,000.5",
    "a: !!float 1_000",
    "a: !!float .inf",
    "a: !!float 2021-01-01 10:00:00 Z",
    "a: !float 1",
    "a: !!null ''",
    "a: !!set [a]",
    'a: "\\u00e9t\\u00e9"',
    "a: yes\nb: Yes\nc: YES\nd: yES",
    "a: 1e+3",
    "a: 1.0e3",
    "a: 1.5e+1_0",
    "a: +1_000",
    "a: -0b101",
    "a: 0x_",
    "a: 00:00",
    "a: 1:2:3.4",
    "a: -1:30",
    "a: ::",
    'a: :"quoted"',
    "a: '2021-01-01 10:00:00'",
    "a: 2021-01-01 10:00:00.",
    "a: 2021-1-1 1:00:00 -0:30",
    "a: 9999-12-31 23:59:59 -01:00",
    "a: 2021-06-31",
    "a: 2021-02-29",
    "a: 2020-02-29",
    "a: 1900-02-29",
    "a: 1582-10-04",
    "a: 1582-10-15",
    "? !!binary aGVsbG8=\n: x\nhello: 1",
    "? |\n  multi\n  line\n: x",
    "a: &x !!str 3\nb: *x",
    "a: !str {str: x, b: 1}",
    "a: !str {b: 1}",
    "a: !str {str: 1, b: 1}",
    "a: !str {str: 1}",
    "a: !str {}",
    "a: !!str {str: [1], b: 2}",
    "a: !str {str: x, <<: {c: 1}}",
]


@pytest.mark.parametrize("text", ORACLE_ONLY)
def test_exotic_documents_agree_with_psych(oracle: Oracle, text: str) -> None:
    assert ours(text) == normalize(oracle.ask({"op": "load", "text": text})), text
