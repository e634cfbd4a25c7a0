"""Tests for newsreader.reading.scanner: the fast front-matter scanner must agree with the YAML
loader.

The one property: for any text, ``scan_front_matter`` either returns None (the caller then loads
the YAML in full), or exactly what ``load_yaml`` returns (same keys in the same order, same values
of the same types, same tzinfo), which is then a mapping; and it returns None whenever
``load_yaml`` raises. Tables pin down the tricky corners (and which of them the fast path takes),
generated and hostile corpora check real-shaped files and the fallback rate, and hypothesis
throws random YAML-ish text at it.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from newsreader.articles.model import FileStamp
from newsreader.reading import scanner
from newsreader.reading.parsing import (
    KNOWN_KEYS,
    ParseError,
    decode,
    load_yaml,
    split_front_matter,
    summarize,
)
from newsreader.reading.scanner import scan_front_matter
from newsreader.samplegen import generate_corpus

STAMP = FileStamp(0, 0, b"")
BAD = object()  # load_yaml raised


# --- the property --------------------------------------------------------------------------------


def assert_same(scanned: Any, loaded: Any, path: str = "$") -> None:
    """Equal values of identical types, recursively (True is not 1, dict order included)."""
    assert type(scanned) is type(loaded), f"{path}: {scanned!r} vs {loaded!r}"
    if isinstance(loaded, dict):
        assert len(scanned) == len(loaded), f"{path}: {scanned!r} vs {loaded!r}"
        for (key_s, value_s), (key_l, value_l) in zip(scanned.items(), loaded.items(), strict=True):
            assert_same(key_s, key_l, f"{path}.<key {key_l!r}>")
            assert_same(value_s, value_l, f"{path}.{key_l!r}")
    elif isinstance(loaded, list):
        assert len(scanned) == len(loaded), f"{path}: {scanned!r} vs {loaded!r}"
        for n, (item_s, item_l) in enumerate(zip(scanned, loaded, strict=True)):
            assert_same(item_s, item_l, f"{path}[{n}]")
    elif isinstance(loaded, float) and math.isnan(loaded):
        assert math.isnan(scanned), path
    elif isinstance(loaded, datetime):
        assert scanned == loaded and scanned.tzinfo == loaded.tzinfo, f"{path}: {scanned!r}"
        assert scanned.utcoffset() == loaded.utcoffset(), path
    else:
        assert scanned == loaded, f"{path}: {scanned!r} vs {loaded!r}"


def load_or_bad(source: str) -> Any:
    """What the full parse gives, or BAD when it raises (any exception counts as a bad file)."""
    try:
        return load_yaml(source)
    except Exception:
        return BAD


def check(source: str) -> tuple[dict[str, Any] | None, Any]:
    """Assert the property for one front-matter text; return (scanned, loaded)."""
    loaded = load_or_bad(source)
    try:
        scanned = scanner.scan_strict(source)  # no safety net: a crash is a failure here
    except scanner._Bail:
        scanned = None
    assert (scan_front_matter(source) is None) == (scanned is None)
    if scanned is not None:
        assert loaded is not BAD, f"scanned a text the loader refuses: {source!r}"
        assert isinstance(loaded, dict), f"scanned a non-mapping document: {source!r}"
        assert_same(scanned, loaded)
        assert summarize("x", scanned, STAMP) == summarize("x", loaded, STAMP)
    return scanned, loaded


def front_matter(data: bytes) -> str | None:
    """The YAML text of a file, as the indexer would pass it on (None if split fails)."""
    try:
        return split_front_matter(decode(data))[0]
    except ParseError:
        return None


# --- tables of tricky snippets -----------------------------------------------------------------

# Expectations: "fast" — the scanner answers (and agrees); "slow" — the loader reads it but the
# scanner declines (conservative, allowed; an impossible date, which the loader keeps as text, is
# one); "bad" — the loader raises, so the scanner must decline;
# "none" — the document is not a mapping, so the scanner must decline.
BASE = 'title: "T"\n'

VALUE_CASES = [
    # booleans: the three casings of YAML 1.1's words, anything else is text
    ("bool true", "published: true", "fast"),
    ("bool True", "published: True", "fast"),
    ("bool TRUE", "published: TRUE", "fast"),
    ("bool tRUE is text", "published: tRUE", "fast"),
    ("bool false", "published: false", "fast"),
    ("bool FALSE", "published: FALSE", "fast"),
    ("bool yes", "published: yes", "fast"),
    ("bool Yes", "published: Yes", "fast"),
    ("bool NO", "published: NO", "fast"),
    ("bool on", "published: on", "fast"),
    ("bool Off", "published: Off", "fast"),
    ("y is text", "published: y", "fast"),
    ("n is text", "published: n", "fast"),
    ("quoted false is text", 'published: "false"', "fast"),
    # integers
    ("int", "quality: 44", "fast"),
    ("int zero", "quality: 0", "fast"),
    ("int negative", "heat: -1", "fast"),
    ("int minus zero", "heat: -0", "fast"),
    ("int plus", "heat: +12", "fast"),
    ("int octal 0777", "quality: 0777", "fast"),
    ("int 08 is text", "quality: 08", "fast"),
    ("int 09_1 is text", "quality: 09_1", "fast"),
    ("int underscores", "quality: 1_000", "fast"),
    ("int hex", "quality: 0x1F", "fast"),
    ("int hex underscore", "quality: 0x_1", "fast"),
    ("int binary", "quality: 0b101", "fast"),
    ("int binary empty", "quality: 0b_", "bad"),
    ("int hex empty", "quality: 0x_", "bad"),
    ("int sexagesimal", "quality: 1:20", "fast"),
    ("int sexagesimal 3", "quality: -1:02:03", "fast"),
    ("sexagesimal 1:60 is text", "quality: 1:60", "fast"),
    ("int 64-bit edge", "quality: 9223372036854775807", "fast"),
    ("int beyond 64 bits", "quality: 99999999999999999999", "fast"),
    ("int of 5000 digits", "quality: " + "9" * 5000, "bad"),
    ("int arabic digits are text", "quality: 1\u0661", "fast"),
    ("int superscript is text", "quality: 1\u00b2", "fast"),
    # floats
    ("float", "quality: 1.5", "fast"),
    ("float .5", "quality: .5", "fast"),
    ("float 1.", "quality: 1.", "fast"),
    ("float exponent", "quality: 1.e+5", "fast"),
    ("float exponent no dot is text", "quality: 1e5", "fast"),
    ("float inf", "quality: .inf", "fast"),
    ("float -Inf", "quality: -.Inf", "fast"),
    ("float nan", "quality: .NaN", "fast"),
    ("float sexagesimal", "quality: 1:30.5", "fast"),
    ("float underscore", "quality: 1_0.5", "fast"),
    # null
    ("null tilde", "title: ~", "fast"),
    ("null word", "title: null", "fast"),
    ("null Null", "title: Null", "fast"),
    ("null NULL", "title: NULL", "fast"),
    ("nULL is text", "title: nULL", "fast"),
    ("empty value", "title:", "fast"),
    ("empty value with spaces", "title:   ", "fast"),
    ("empty quoted", 'title: ""', "fast"),
    # timestamps
    ("timestamp Z", "publishedDateTime: 2021-12-28T02:28:00Z", "fast"),
    ("timestamp offset", "publishedDateTime: 2021-12-28T02:28:00+01:00", "fast"),
    ("timestamp offset -05", "publishedDateTime: 2021-12-28T02:28:00-05", "fast"),
    ("timestamp +00:00", "publishedDateTime: 2021-12-28T02:28:00+00:00", "fast"),
    ("timestamp lowercase t", "publishedDateTime: 2021-12-28t02:28:00z", "fast"),
    ("timestamp space", "publishedDateTime: 2021-12-28 02:28:00", "fast"),
    ("timestamp space Z", "publishedDateTime: 2021-12-28 02:28:00 Z", "fast"),
    ("timestamp fraction", "publishedDateTime: 2021-12-28T02:28:00.123456789Z", "fast"),
    ("timestamp one-digit hour", "publishedDateTime: 2021-12-28T2:28:00Z", "fast"),
    ("timestamp naive", "publishedDateTime: 2021-12-28T02:28:00", "fast"),
    ("timestamp without seconds is text", "publishedDateTime: 2021-12-28T02:28Z", "fast"),
    ("timestamp without seconds naive", "publishedDateTime: 2021-12-28T02:28", "fast"),
    ("date only", "publishedDateTime: 2021-12-28", "fast"),
    ("date one-digit month is text", "publishedDateTime: 2021-1-5", "fast"),
    ("date invalid", "publishedDateTime: 2021-13-45", "slow"),
    ("timestamp invalid day", "publishedDateTime: 2021-02-30T00:00:00Z", "slow"),
    ("timestamp hour 24", "publishedDateTime: 2021-12-28T24:00:00Z", "slow"),
    ("timestamp second 60", "publishedDateTime: 2021-12-28T02:28:60Z", "slow"),
    ("timestamp offset 99", "publishedDateTime: 2021-12-28T02:28:00+99:00", "slow"),
    ("timestamp quoted is text", 'publishedDateTime: "2021-12-28T02:28:00Z"', "fast"),
    ("not a date", "publishedDateTime: yesterday", "fast"),
    ("date a number", "publishedDateTime: 20211228", "fast"),
    # quoted numbers, strings that look like other things
    ("quoted number", 'quality: "44"', "fast"),
    ("quality high", 'quality: "high"', "fast"),
    ("quality plain word", "quality: high", "fast"),
    ("merge value", "title: <<", "bad"),
    ("value tag", "title: =", "bad"),
    ("plain =x", "title: =x", "fast"),
    # double-quoted escapes
    ("escaped quote", r'title: "say \"hi\""', "fast"),
    ("escaped backslash", r'title: "a\\b"', "fast"),
    ("escaped backslash then quote", r'title: "a\\"', "fast"),
    ("escape u", r'title: "caf\u00e9"', "fast"),
    ("escape x", r'title: "\x41"', "fast"),
    ("escape U", r'title: "\U0001F600"', "fast"),
    ("escape n", r'title: "a\nb"', "fast"),
    ("escape t", r'title: "a\tb"', "fast"),
    ("escape slash", r'title: "a\/b"', "fast"),
    ("escape 0", r'title: "a\0b"', "fast"),
    ("escape e a b v f r", r'title: "\e\a\b\v\f\r"', "fast"),
    ("escape N _ L P space", r'title: "\N\_\L\P\ "', "fast"),
    ("escape tab char", 'title: "a\\\tb"', "fast"),
    ("escape single quote", r"""title: "it\'s" """, "bad"),
    ("escape unknown", r'title: "\q"', "bad"),
    ("escape percent", r'title: "\%"', "bad"),
    ("escape short x", r'title: "\x4"', "bad"),
    ("escape short u", r'title: "\u00e"', "bad"),
    ("escape surrogate", r'title: "\ud800"', "bad"),
    ("escape beyond unicode", r'title: "\U00110000"', "bad"),
    ("escape control char ok", r'title: "\x01"', "fast"),
    ("escape line break", 'title: "a\\\n  b"', "slow"),
    ("unclosed quote", 'title: "abc', "bad"),
    ("unclosed quote continues", 'title: "abc\n  def"', "slow"),
    ("text after quote", 'title: "abc" def', "bad"),
    ("text right after quote", 'title: "abc"def', "bad"),
    ("spaces after quote", 'title: "abc"   ', "fast"),
    ("comment after quote", 'title: "abc" # c', "slow"),
    ("quote inside quoted", 'title: "a"b"', "bad"),
    ("curly quotes", 'title: "China’s ‘self-reliance’ “push”"', "fast"),
    ("html entities", 'title: "We&#8217;re&nbsp;here&#8230;"', "fast"),
    ("nbsp char", 'title: "a\u00a0b"', "fast"),
    ("emoji", 'title: "🚀 launch"', "fast"),
    ("zwj emoji", 'title: "👩\u200d💻"', "fast"),
    ("cjk", 'title: "自動運転タクシー"', "fast"),
    ("tab in quoted", 'title: "a\tb"', "fast"),
    ("hash in quoted", 'title: "a #b"', "fast"),
    ("colon in quoted", 'title: "a: b"', "fast"),
    ("single quoted", "title: 'it''s'", "slow"),
    # plain scalars
    ("plain words", "title: Hello world", "fast"),
    ("plain inner spaces kept", "title: a   b", "fast"),
    ("plain trailing spaces", "title: hello   ", "fast"),
    ("plain with quotes inside", 'title: say "hi"', "fast"),
    ("plain with apostrophe", "title: it's", "fast"),
    ("plain url", "webUrl: https://x.example/a?b=1&c=2=3", "fast"),
    ("plain url fragment", "webUrl: https://x.example/a#frag", "fast"),
    ("plain url then comment", "webUrl: https://x.example/a #frag", "slow"),
    ("plain tab then comment", "webUrl: https://x.example/a\t#frag", "slow"),
    ("plain colon inside", "title: a:b", "fast"),
    ("plain colon space", "title: a: b", "bad"),
    ("plain trailing colon", "title: a:", "bad"),
    ("plain tab inside", "title: a\tb", "slow"),
    ("tab after colon", "title:\tfoo", "slow"),
    ("plain dash word", "title: -foo", "fast"),
    ("plain dash space", "title: - foo", "bad"),
    ("plain lone dash", "title: -", "bad"),
    ("plain ---", "title: ---", "fast"),
    ("plain ...", "title: ...", "fast"),
    ("plain question", "title: ?foo", "slow"),
    ("plain colon start", "title: :foo", "slow"),
    ("plain percent", "title: %foo", "bad"),
    ("plain at", "title: @foo", "bad"),
    ("plain backtick", "title: `foo", "bad"),
    ("plain comma start", "title: ,foo", "bad"),
    ("plain with brackets", "title: a [b] {c}", "fast"),
    ("flow sequence", "topics: [AI, ML]", "slow"),
    ("flow mapping", "provider: {name: a}", "slow"),
    ("unclosed flow", "topics: [AI", "bad"),
    ("block literal", "excerpt: |\n  a\n  b", "slow"),
    ("block folded", "excerpt: >-\n  a\n  b", "slow"),
    ("anchor and alias", "title: &a x\nexcerpt: *a", "slow"),
    ("unknown alias", "title: *a", "bad"),
    ("tag str", "quality: !!str 5", "slow"),
    ("python tag", "quality: !!python/object/apply:os.system [x]", "bad"),
    ("multi-line plain", "title: a\n  b", "slow"),
    ("multi-line plain after blank", "title: a\n\n  b", "slow"),
    ("value on next line", "title:\n  a", "slow"),
    ("comment line", "# a comment\ntitle: x", "fast"),
    ("indented comment line", "title: x\n    # c\nheat: 1", "fast"),
    ("comment in a block", "provider:\n  # c\n  name: a", "fast"),
    ("control char in comment", "# a\x01b\ntitle: x", "bad"),
    ("tab in comment", "# a\tb\ntitle: x", "fast"),
]

CHARACTER_CASES = [
    ("C0 in plain", "title: a\x01b", "bad"),
    ("C0 in quoted", 'title: "a\x1bb"', "bad"),
    ("DEL", 'title: "a\x7fb"', "bad"),
    ("NUL", "title: a\x00b", "bad"),
    ("C1", 'title: "a\x9bb"', "bad"),
    ("NEL", 'title: "a\x85b"', "slow"),
    ("line separator", 'title: "a\u2028b"', "slow"),
    ("paragraph separator in plain", "title: a\u2029b", "bad"),
    ("BOM inside", 'title: "a\ufeffb"', "slow"),
    ("BOM at a line start", "title: a\n\ufeffheat: 1", "bad"),
    ("U+FFFE", 'title: "a\ufffeb"', "bad"),
    ("U+FFFF", "title: a\uffffb", "bad"),
    ("surrogate", 'title: "a\ud800b"', "bad"),
    ("private use", 'title: "a\ue000b"', "fast"),
    ("astral", "title: a\U0001f600b", "fast"),
    ("form feed", "title: a\x0cb", "bad"),
    ("vertical tab", 'title: "a\x0bb"', "bad"),
    ("CRLF", "title: x\r\nheat: 3\r\n", "fast"),
    ("CRLF quoted", 'title: "x"\r\nheat: 3\r\n', "fast"),
    ("lone CR", "title: x\rheat: 3\n", "slow"),
    ("CR in quoted", 'title: "a\rb"\n', "slow"),
]

STRUCTURE_CASES = [
    ("empty", "", "none"),
    ("blank lines", "\n\n  \n", "none"),
    ("only a comment", "# nothing\n", "none"),
    ("root list", "- a\n- b\n", "none"),
    ("root scalar", "just text\n", "none"),
    ("root quoted", '"text"\n', "none"),
    ("root indented", "  title: x\n  heat: 1\n", "slow"),
    ("duplicate keys", "title: a\nheat: 1\ntitle: b\n", "fast"),
    ("duplicate maps", "provider:\n  name: a\nprovider:\n  domain: b\n", "fast"),
    ("nested published", "provider:\n  name: a\n  published: false\n", "fast"),
    ("nested map", "provider:\n  name: A B\n  domain: a.example\n", "fast"),
    ("nested map deep indent", "provider:\n      name: A\n      domain: a\n", "fast"),
    ("nested map bad dedent", "provider:\n  name: a\n domain: b\n", "bad"),
    ("nested map bad indent", "provider:\n  name: a\n    domain: b\n", "bad"),
    ("nested map over-indented second key", "provider:\n    name: a\n  domain: b\n", "bad"),
    ("topics list", "topics:\n  - AI\n  - AI in Autos\n", "fast"),
    ("topics indentless", "topics:\n- AI\n- ML\nheat: 1\n", "fast"),
    ("topics string", "topics: AI\n", "fast"),
    ("topics with a number", "topics:\n  - AI\n  - 5\n  - true\n", "fast"),
    ("topics with null", "topics:\n  -\n  - AI\n", "fast"),
    ("topics empty entry last", "topics:\n  - AI\n  -\n", "fast"),
    ("list then key at list indent", "topics:\n  - AI\n  heat: 1\n", "bad"),
    ("list entry continuation", "topics:\n  - AI\n    ML\n", "slow"),
    ("list entry no space", "topics:\n  -AI\n", "slow"),
    ("nested compact list", "topics:\n  - - a\n    - b\n", "slow"),
    ("key after scalar in map", "title: x\n- a\n", "bad"),
    ("images", "images:\n  - url: u\n    width: 1\n    height: 2\n    isCached: true\n", "fast"),
    ("images wide dash", "images:\n  -   url: u\n      width: 1\n", "fast"),
    ("images dash alone", "images:\n  -\n    url: u\n    width: 1\n", "fast"),
    ("images misaligned", "images:\n  - url: u\n     width: 1\n", "bad"),
    ("images under-aligned", "images:\n  - url: u\n   width: 1\n", "bad"),
    ("images two", "images:\n  - url: a\n  - url: b\n", "fast"),
    ("images null", "images:\n", "fast"),
    ("images not a list", "images: none\n", "fast"),
    ("images indentless in entry", "related:\n  - images:\n    - url: a\n    title: t\n", "fast"),
    (
        "related",
        "related:\n"
        '  - title: "A"\n'
        "    publishedDateTime: 2021-12-29T00:19:00Z\n"
        '    webUrl: "https://a.example/x"\n'
        "    provider:\n"
        "      name: P\n"
        "      domain: p.example\n"
        "    quality: 7\n"
        '  - title: "B"\n',
        "fast",
    ),
    ("related missing fields", "related:\n  - title: only a title\n  - quality: 3\n", "fast"),
    ("related with a scalar entry", "related:\n  - just text\n  - title: t\n", "fast"),
    ("related null", "related: null\n", "fast"),
    ("related empty", "related:\nheat: 1\n", "fast"),
    ("related a string", "related: none\n", "fast"),
    ("related entry provider wrong", "related:\n  - provider: nobody\n", "fast"),
    ("provider not a map", "provider: Someone\n", "fast"),
    ("provider list", "provider:\n  - a\n", "fast"),
    ("indentless list in an entry", "a:\n  - b: 1\n    c:\n    - x\n    d: 2\n  - e\n", "fast"),
    ("indentless list of entries", "a:\n- b:\n  - c\n- d\n", "fast"),
    ("indentless list in a map", "a:\n  b:\n  - c\n  d: 1\n", "fast"),
    ("bare dash then list", "k:\n  -\n    - a\n", "fast"),
    ("dash with trailing spaces", "k:\n  - \n  - a\n", "fast"),
    ("list after a scalar is a continuation", "a: 1\n  - x\n", "slow"),
    ("key under a list misaligned", "a:\n  - x\n  - y\n b: 1\n", "bad"),
    ("list dedent to nowhere", "a:\n    - b\n  - c\n", "bad"),
    ("list inside an entry map", "k:\n  - a: 1\n    - b\n", "bad"),
    ("blank lines before a block", "k:\n\n\n  j: w\n", "fast"),
    ("empty nested value", "k:\n  j:\n  l: 2\n", "fast"),
    ("keys true and 1", "true: a\n1: b\n", "fast"),
    ("key yes", "yes: x\n", "fast"),
    ("key null", "null: y\nNULL: z\n", "fast"),
    ("key tilde", "~: x\n", "slow"),
    ("key sexagesimal", "1:20: x\n", "slow"),
    ("key date", "2021-12-28: x\n", "fast"),
    ("key invalid date", "2021-13-45: x\n", "slow"),
    ("key float", "1.5: x\n", "fast"),
    ("key with spaces", "my key: x\n", "fast"),
    ("key with two spaces", "my  key: x\n", "slow"),
    ("key space before colon", "title : x\n", "slow"),
    ("key quoted", '"title": x\n', "slow"),
    ("key merge", "<<: x\n", "bad"),
    ("key merge map", "<<:\n  title: x\n", "slow"),
    ("key equals", "=: x\n", "slow"),
    ("key complex", "? title\n: x\n", "slow"),
    ("key unicode", "título: x\n", "slow"),
    ("key long", "k" * 2000 + ": x\n", "bad"),
    ("key with colon", "a:b: x\n", "slow"),
    ("key no space after colon", "title:x\n", "none"),
    ("key no space then key", "title:x\nheat: 1\n", "bad"),
    ("unknown keys kept", "foo: 1\nbar_baz: [1\n", "bad"),
    ("unknown keys fine", "foo: 1\nbar-baz.q/x: two\n", "fast"),
    ("document start inside", "title: a\n--- b: c\n", "bad"),
    ("document start plain", "title: a\n---x: c\n", "slow"),
    ("document end inside", "title: a\n...\nheat: 1\n", "bad"),
    ("directive", "%YAML 1.1\n---\ntitle: a\n", "slow"),
    ("tab indentation", "provider:\n\tname: a\n", "bad"),
    ("tab line", "title: a\n\t\nheat: 1\n", "bad"),
    ("trailing spaces everywhere", "title: a  \nprovider:  \n  name: b \n\n   \n", "fast"),
    (
        "deep nesting",
        "".join(f"{'  ' * n}k{n}:\n" for n in range(30)) + "  " * 30 + "x: 1\n",
        "fast",
    ),
    ("too deep", "".join(f"{'  ' * n}k{n}:\n" for n in range(40)) + "  " * 40 + "x: 1\n", "slow"),
]

ALL_CASES = VALUE_CASES + CHARACTER_CASES + STRUCTURE_CASES


@pytest.mark.parametrize(("name", "text", "expected"), ALL_CASES, ids=[c[0] for c in ALL_CASES])
def test_snippet(name: str, text: str, expected: str) -> None:
    """Each snippet keeps the property and takes the expected path ("none": not a mapping)."""
    source = text + "\n"
    scanned, loaded = check(source)
    if loaded is BAD:
        outcome = "bad"
    elif not isinstance(loaded, dict):
        outcome = "none"
    else:
        outcome = "fast" if scanned is not None else "slow"
    assert outcome == expected, f"{name}: {source!r} -> {outcome}"
    # After another key, and before one, the property still holds.
    check(BASE + source)
    check(source + "heat: 1\n")


TYPED_CASES = [
    ("bool", "published: yes", "published", True),
    ("bool off", "published: OFF", "published", False),
    ("octal", "quality: 0777", "quality", 511),
    ("underscore", "quality: 1_000", "quality", 1000),
    ("sexagesimal", "quality: 1:20", "quality", 80),
    ("float", "quality: .5", "quality", 0.5),
    ("null", "title: ~", "title", None),
    ("text", "quality: 08", "quality", "08"),
    ("utc", "d: 2021-12-28T02:28:00Z", "d", datetime(2021, 12, 28, 2, 28, tzinfo=UTC)),
    (
        "offset",
        "d: 2021-12-28T02:28:00+01:00",
        "d",
        datetime(2021, 12, 28, 2, 28, tzinfo=timezone(timedelta(hours=1))),
    ),
    ("naive", "d: 2021-12-28 02:28:00", "d", datetime(2021, 12, 28, 2, 28)),
    ("date", "d: 2021-12-28", "d", date(2021, 12, 28)),
    ("no seconds", "d: 2021-12-28T02:28Z", "d", "2021-12-28T02:28Z"),
    ("escapes", r'd: "\"\\\u00e9\x41\n"', "d", '"\\éA\n'),
    ("crlf", "d: x\r\n", "d", "x"),
]


@pytest.mark.parametrize(
    ("name", "text", "key", "value"), TYPED_CASES, ids=[c[0] for c in TYPED_CASES]
)
def test_typed_value(name: str, text: str, key: str, value: Any) -> None:
    """The scanner builds these values itself, with PyYAML's exact types."""
    scanned, _ = check(text)
    assert scanned is not None, name
    assert_same(scanned[key], value)


def test_escape_table_matches_libyaml() -> None:
    """Every single-character escape the scanner knows is the loader's; every other is refused."""
    for code in map(chr, range(0x20, 0x7F)):
        source = f'k: "a\\{code}b"\n'
        loaded = load_or_bad(source)
        scanned = scan_front_matter(source)
        if code in "xuU":
            assert loaded is BAD and scanned is None  # no hex digits follow
        elif loaded is BAD:
            assert scanned is None, code
        else:
            assert scanned is not None, code
            assert_same(scanned, loaded)


def test_known_keys_are_plain_strings() -> None:
    """The keys taken without resolving really resolve to themselves, and cover the format."""
    resolver = yaml.resolver.Resolver()
    for key in scanner._PLAIN_KEYS:
        assert resolver.resolve(yaml.ScalarNode, key, (True, False)) == "tag:yaml.org,2002:str"
    assert KNOWN_KEYS <= scanner._PLAIN_KEYS


def test_special_words_match_the_resolver() -> None:
    """The scanner's table of booleans and nulls is exactly PyYAML's (in every casing)."""
    for word, value in scanner._SPECIAL.items():
        assert_same(load_yaml(f"k: {word}\n")["k"], value)
    for word in ("yes", "no", "true", "false", "on", "off", "null", "y", "n", "nil", "none"):
        variants = {word, word.title(), word.upper(), word.swapcase(), word[0] + word[1:].upper()}
        for variant in variants:
            check(f"k: {variant}\n")
            check(f"{variant}: k\n")


# --- resolution of plain scalars, exhaustively over short tricky strings -----------------------

PLAIN_PIECES = ["0", "1", "7", "9", "_", ".", "-", "+", ":", "e", "E", "x", "b", "o", "T", "Z", " "]


def test_plain_scalars_over_short_combinations() -> None:
    """Every string of up to 3 pieces from a numeric-ish alphabet, as value and as key."""
    words = [""]
    for _ in range(3):
        words = [w + p for w in words for p in PLAIN_PIECES] + words
    for word in set(words):
        if word.strip():
            check(f"k: {word}\n")
            check(f"{word}: v\n")
            check(f"k:\n  - {word}\n")


def test_timestamps_with_random_digits() -> None:
    """Random digit soup in timestamp shapes: the fast path agrees, or the loader refuses too."""
    rng = random.Random(5)
    shapes = [
        "dddd-dd-ddTdd:dd:ddZ",
        "dddd-dd-ddTdd:dd:dd+dd:dd",
        "dddd-dd-dd dd:dd:dd.ddd",
        "dddd-d-dTd:dd:dd",
        "dddd-dd-dd",
    ]
    for _ in range(3000):
        shape = rng.choice(shapes)
        text = "".join(
            rng.choice("0123456789" if rng.random() < 0.8 else "0129") if c == "d" else c
            for c in shape
        )
        check(f"publishedDateTime: {text}\n")


# --- corpora -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 7, 2024])
def test_generated_corpus(tmp_path: Path, seed: int) -> None:
    """Generated files: the scanner agrees on every file and answers for over 99% of them."""
    paths = generate_corpus(tmp_path, 700, seed)
    fallbacks = 0
    for path in paths:
        source = front_matter(path.read_bytes())
        assert source is not None
        scanned, loaded = check(source)
        assert isinstance(loaded, dict)
        fallbacks += scanned is None
    assert fallbacks < len(paths) / 100


def test_generated_corpus_reformatted(tmp_path: Path) -> None:
    """The same files with CRLF, trailing spaces, comments and wider indents still agree."""
    paths = generate_corpus(tmp_path, 150, 11)
    rng = random.Random(3)
    fast = 0
    for path in paths:
        source = front_matter(path.read_bytes())
        assert source is not None
        lines = source.split("\n")
        variants = [
            source.replace("\n", "\r\n"),
            "\n".join(line + " " * rng.randrange(3) for line in lines),
            "\n".join(f"{line}\n# n{n}" if n % 7 == 0 else line for n, line in enumerate(lines)),
            "\n".join(_widen(line) for line in lines),
        ]
        for variant in variants:
            scanned, _ = check(variant)
            fast += scanned is not None
    assert fast == 4 * len(paths)


MUTATION_CHARS = ':: ##--""\\\t\n\n\r\'&*!|>[{0.5é\x01\x85\ufeff'


def test_mutated_corpus_files(tmp_path: Path) -> None:
    """Real-shaped files with random small edits (characters, lines, indents) keep the property."""
    paths = generate_corpus(tmp_path, 40, 5)
    sources = [front_matter(p.read_bytes()) or "" for p in paths]
    rng = random.Random(8)
    outcomes: Counter[str] = Counter()
    for _ in range(3000):
        text = rng.choice(sources)
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.5:
                text = text[:pos] + rng.choice(MUTATION_CHARS) + text[pos:]
            elif roll < 0.7:
                text = text[:pos] + text[pos + 1 :]
            else:
                lines = text.split("\n")
                n = rng.randrange(len(lines))
                lines[n] = rng.choice(["", " ", "  ", "- "]) + lines[n] if roll < 0.85 else ""
                text = "\n".join(lines)
        scanned, loaded = check(text)
        outcomes["bad" if loaded is BAD else "fast" if scanned is not None else "slow"] += 1
    assert outcomes["fast"] > 300 and outcomes["bad"] > 300, outcomes


def _widen(line: str) -> str:
    """Indent every indented line by three more spaces (the structure stays the same)."""
    return "   " + line if line.startswith(" ") else line


def test_hostile_corpus(tmp_path: Path) -> None:
    """Every hostile file that splits: the property holds (and bad YAML is declined)."""
    from tests.hostile import write_hostile_corpus

    folder = tmp_path / "hostile"
    write_hostile_corpus(folder)
    seen = 0
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        source = front_matter(path.read_bytes())
        if source is not None:
            check(source)
            seen += 1
    assert seen >= 15


def test_example_shapes() -> None:
    """Files shaped like the real examples (written here: quoted and bare URLs, video, related)."""
    source = (
        "category: news\n"
        'title: "China pursues tech ‘self-reliance,’ fueling “global” unease"\n'
        'excerpt: "It&#8217;s a business unlike anything&nbsp;before… ..."\n'
        "publishedDateTime: 2021-12-28T02:28:00Z\n"
        "webUrl: https://img.example/process/620x349?source=https://a.example/x.jpg&op=CROP\n"
        'featuredContent: "<iframe width=\\"800\\" src=\\"https://v.example/e\\"></iframe>"\n'
        "type: video\n"
        "quality: 137\n"
        "heat: -1\n"
        "published: false\n"
        "\n"
        "provider:\n"
        "  name: 12WBOY\n"
        "  domain: wboy.example\n"
        "  images:\n"
        '    - url: "https://a.example/logo-50x50.jpg"\n'
        "      width: 50\n"
        "      height: 50\n"
        "\n"
        "topics:\n"
        "  - AI in Autos\n"
        "  - AI\n"
        "\n"
        "related:\n"
        '  - title: "Op-Ed: a take"\n'
        "    publishedDateTime: 2021-12-28T23:15:00Z\n"
        '    webUrl: "https://b.example/op-ed/article"\n'
        "    provider:\n"
        "      name: Digital Journal\n"
        "      domain: b.example\n"
        "    quality: 7\n"
        "    images:\n"
        '      - url: "https://b.example/i.jpg"\n'
        "        width: 768\n"
        "        isCached: true\n"
        "\n"
        'secured: "9wpOxd2WP3+s4/0ISb9/sYKp==;jrXtXv4t+VAcN3+qifYwHw=="\n'
    )
    scanned, _ = check(source)
    assert scanned is not None
    article = summarize("x", scanned, STAMP)
    assert article.flag is False and article.heat == -1 and article.domain == "wboy.example"
    assert len(article.related) == 1 and article.related[0].quality == 7


def test_cache_is_bounded_and_harmless() -> None:
    """The cache of plain scalars stays bounded and never changes an answer."""
    for n in range(scanner._CACHE_SIZE + 50):
        check(f"k{n}: word{n}\nquality: {n}\n")
    assert len(scanner._PLAIN_CACHE) <= scanner._CACHE_SIZE
    check("k: 0777\nj: 0777\n")
    for n in range(scanner._LINE_CACHE_SIZE + 50):
        check(f"k{n}: w\nl:\n  - w{n}\n")
    assert len(scanner._MAP_LINES) <= scanner._LINE_CACHE_SIZE
    assert len(scanner._SEQ_LINES) <= scanner._LINE_CACHE_SIZE
    assert len(scanner._KEYS) <= scanner._LINE_CACHE_SIZE


#: Lines that the line and key caches learn from the first documents, then meet again elsewhere:
#: deeper, shallower, as a sequence entry or head, without their colon, beside other lines.
CACHE_PRIMERS = [
    "type: article\nprovider:\n  name: P Q\n  domain: p.example\ntopics:\n  - AI\n  - 5\n",
    "images:\n  - url: u\n    width: 480\n    isCached: true\nrelated:\n  - quality: 7\n",
    'title: "t"\nk:\n  title: "t"\n  k2:\n    - AI\n',
]
CACHE_PROBES = [
    "  type: article\n",
    "type: article\n  name: P Q\n",
    "provider:\n  name: P Q\n    domain: p.example\n",
    "provider:\n    name: P Q\n  domain: p.example\n",
    "provider:\n  name: P Q\n domain: p.example\n",
    "name: P Q\ndomain: p.example\n",
    "topics:\n  - AI\n    - 5\n",
    "topics:\n    - AI\n  - 5\n",
    "topics:\n  - AI\n  name: P Q\n",
    "topics:\n- AI\n- 5\ntype: article\n",
    "k:\n  - AI\n  type: article\n",
    "k:\n  - name: P Q\n    width: 480\n  - type: article\n",
    "k:\n  - width: 480\n    width: 480\n  width: 480\n",
    "k:\n  -   width: 480\n      isCached: true\n    isCached: true\n",
    "images:\n  - url: u\n    width: 480\n    - AI\n",
    "type\n",
    "type: article\ntype\n",
    "provider:\n  name\n",
    "provider\n  name: P Q\n",
    'k:\n  title: "t"\n  title\n',
    'k:\n  k2:\n  - AI\n  title: "t"\n',
    'title: "t"\n  title: "t"\n',
    "type: article  \nquality: 7\n",
    "k:\ntype: article\n",
    "k:\n  j:\n  name: P Q\n",
    "k:\n  j:\n  - AI\n",
    "k:\n    j:\n  - AI\n",
    "k:\n  - j:\n    - AI\n",
    "k:\n  - j:\n  - AI\n",
    "k:\n  -\n  - AI\n",
    "k:\n\n  name: P Q\n",
    "k:\n  \n  name: P Q\n",
]


def test_long_values_with_every_character() -> None:
    """Long values (checked another way than short ones) with any ASCII or tricky character."""
    tricky = [chr(code) for code in range(0x80)] + ["\x85", "\xa0", "\u2028", "\ufeff", "é"]
    for char in tricky:
        for text in ("a" * 60 + char + "b" * 9, char + "a" * 70, "a" * 70 + char):
            check(f'title: "{text}"\n')
            check(f'provider:\n  name: "{text}"\n')
            check(f"title: {text}\n")


def test_line_caches_never_change_an_answer() -> None:
    """A cached line or key met again in another place reads as the loader reads it there."""
    for primer in CACHE_PRIMERS:
        scanned, _ = check(primer)
        assert scanned is not None, primer
    assert scanner._MAP_LINES and scanner._SEQ_LINES and scanner._KEYS
    for probe in CACHE_PROBES:
        for primer in CACHE_PRIMERS:
            check(primer)
            check(probe)
            check(primer + probe)
            check(probe + primer)


# --- hypothesis --------------------------------------------------------------------------------

TRICKY_SCALARS = [
    "", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "yes", "No", "ON",
    "off", "y", "n", "0", "00", "0777", "08", "-1", "+1", "-0", "1_000", "0x1F", "0x_", "0b1",
    "0b_", "1:20", "1:60", "1.5", ".5", "1.", "1e5", "1.e+5", ".inf", "-.INF", ".nan", "<<", "=",
    "2021-12-28T02:28:00Z", "2021-12-28T02:28:00+01:00", "2021-12-28 02:28:00",
    "2021-12-28t02:28:00.5z", "2021-12-28", "2021-13-45", "2021-02-30T00:00:00Z",
    "2021-12-28T02:28Z", "12WBOY", "news", "article", "AI in Autos", "a: b", "a:", ":a", "a:b",
    "a #b", "a#b", "#a", "-", "- a", "-a", "--- a", "...", "?a", "? a", "%a", "@a", "`a", "&a",
    "*a", "!a", "|", ">", "[a]", "{a: b}", "'a'", '"a"', "a'b", 'a"b', "https://x.example/a?b=1&c",
    "a\tb", "a  b", "é", "’", "\u00a0", "a\\b", "\\", "k" * 30,
]  # fmt: skip
KEYS = [
    *sorted(KNOWN_KEYS), "name", "domain", "url", "width", "height", "isCached", "x", "my key",
    "1", "1:20", "true", "yes", "~", "null", "<<", "=", "2021-12-28", "a:b", "title ", " title",
    "-x", "?x", "#x", '"q"', "a.b", "a/b", "é",
]  # fmt: skip
ALPHABET = (
    "aZ09 :#-_.,?&=/\\\"'!*&%@`|>[]{}~+<\t"
    "\x00\x07\x1b\x7f\x85\x9b\xa0\u2028\ufeff\ufffe\ud800é’😀\r"
)
#: Characters that keep a properly quoted string valid (and a plain one mostly valid).
CLEAN_ALPHABET = "aZ09 -_./?&=#:'\"\\é’😀\xa0\u200d"
HOSTILE_SCALARS = st.one_of(
    st.sampled_from(TRICKY_SCALARS),
    st.text(alphabet=ALPHABET, max_size=10),
    st.text(alphabet="aZ09 :-._", max_size=10),
)
CLEAN_SCALARS = st.one_of(
    st.sampled_from([t for t in TRICKY_SCALARS if load_or_bad(f"k: {t}") is not BAD]),
    st.text(alphabet="aZ09 -._/", max_size=12).map(str.strip),
)
ESCAPES = ['\\"', "\\\\", "\\n", "\\t", "\\/", "\\u00e9", "\\x41", "\\U0001F600", "\\'", "\\q"]


@st.composite
def quoted(draw: st.DrawFn, text: str, hostile: bool) -> str:
    """``text`` double-quoted: escaped properly, with random escapes, or raw (maybe broken)."""
    mode = draw(st.integers(0, 3)) if hostile else 1
    if mode == 0:
        return '"' + text + '"'
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    if mode == 1:
        return '"' + body + '"'
    if mode == 2:
        pieces = draw(st.lists(st.sampled_from(ESCAPES), max_size=3))
        return '"' + body + "".join(pieces) + '"'
    return '"' + body  # unclosed


@st.composite
def scalar_text(draw: st.DrawFn, hostile: bool = True) -> str:
    """A scalar as it would appear after ``key: `` or ``- ``."""
    if draw(st.booleans()):
        return draw(HOSTILE_SCALARS if hostile else CLEAN_SCALARS)
    text = (
        draw(st.text(alphabet=CLEAN_ALPHABET, max_size=12))
        if not hostile
        else draw(HOSTILE_SCALARS)
    )
    return draw(quoted(text, hostile))


@st.composite
def block(draw: st.DrawFn, indent: int, depth: int, hostile: bool) -> list[str]:
    """Lines of a block mapping or sequence at ``indent`` (with random shapes inside)."""
    lines: list[str] = []
    is_map = depth == 0 or draw(st.booleans())
    keys = KEYS if hostile else KEYS[: len(KNOWN_KEYS) + 8]
    for _ in range(draw(st.integers(1 if depth == 0 else 0, 5))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", " ", "# c", "  # c", "\t" if hostile else ""])))
        nested = depth < 3 and draw(st.integers(0, 3)) == 0
        step = draw(st.sampled_from([2, 2, 2, 1, 4, 0]))
        if is_map:
            key = draw(st.sampled_from(keys))
            if nested:
                lines.append(" " * indent + key + ":")
                lines += draw(block(indent + step, depth + 1, hostile))
            else:
                lines.append(" " * indent + key + ": " + draw(scalar_text(hostile)))
        else:
            gap = " " * draw(st.sampled_from([1, 1, 1, 3]))
            if nested and draw(st.booleans()):
                inner = draw(block(indent + 1 + len(gap), depth + 1, hostile))
                if inner and inner[0].strip():
                    inner[0] = " " * indent + "-" + gap + inner[0].lstrip(" ")
                    lines += inner
                    continue
            if nested:
                lines.append(" " * indent + "-")
                lines += draw(block(indent + max(step, 1), depth + 1, hostile))
            else:
                lines.append(" " * indent + "-" + gap + draw(scalar_text(hostile)))
    return lines


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A YAML-ish front matter, clean or hostile; hostile ones are mutated further."""
    hostile = draw(st.booleans())
    lines = draw(block(0, 0, hostile))
    for _ in range(draw(st.integers(0, 2)) if hostile else 0):
        if not lines:
            break
        n = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.integers(0, 4))
        if kind == 0:
            lines[n] = " " + lines[n]
        elif kind == 1 and lines[n]:
            lines[n] = lines[n][1:]
        elif kind == 2:
            lines[n] += draw(st.sampled_from([" ", "  ", "\t", " # c", ":", "\\", '"']))
        elif kind == 3:
            pos = draw(st.integers(0, len(lines[n])))
            char = draw(st.sampled_from(ALPHABET))
            lines[n] = lines[n][:pos] + char + lines[n][pos:]
        else:
            lines.insert(n, lines[n])
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("\n", "\r\n")
    return text


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_documents(source: str) -> None:
    """Structured random documents (with mutations) keep the property."""
    scanned, loaded = check(source)
    event("bad" if loaded is BAD else "fast" if scanned is not None else "slow")


LINE_PIECES = st.tuples(
    st.sampled_from([0, 0, 0, 1, 2, 2, 2, 3, 4, 4, 6]),
    st.sampled_from(["", "", "", "- ", "- ", "-", "-  ", "- - "]),
    st.sampled_from([*KEYS[:8], "x", "", "1", "true", '"k"', "#"]),
    st.sampled_from([": ", ": ", ": ", ":", " : ", "", ":  "]),
    st.booleans().flatmap(lambda hostile: scalar_text(hostile)),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE_PIECES, min_size=1, max_size=8))
def test_random_line_soup(pieces: list[tuple[int, str, str, str, str]]) -> None:
    """Lines glued from random indents, dashes, keys, separators and scalars keep the property."""
    source = "".join(
        " " * indent + dash + key + sep + value + "\n" for indent, dash, key, sep, value in pieces
    )
    scanned, loaded = check(source)
    event("bad" if loaded is BAD else "fast" if scanned is not None else "slow")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_random_text_values(text: str) -> None:
    """Any text at all as a plain value, a quoted value, a key and a list entry."""
    check(f"title: {text}\n")
    check(f'title: "{text}"\n')
    check(f"{text}: x\n")
    check(f"topics:\n  - {text}\n")


def test_hypothesis_reaches_the_fast_path() -> None:
    """The random documents above are not all declined (else they would test nothing)."""
    counts: Counter[str] = Counter()

    @settings(max_examples=300, deadline=None, database=None)
    @given(documents())
    def collect(source: str) -> None:
        scanned, loaded = check(source)
        counts["bad" if loaded is BAD else "fast" if scanned is not None else "slow"] += 1

    collect()
    assert counts["fast"] >= 30, counts
    assert counts["bad"] >= 10, counts
