"""Tests for newsreader.site.jekyll: what Jekyll 4.3 does with one file of a collection.

``READING_TABLE`` is also fed to Jekyll itself by tests/test_psych_oracle.py (file name
``2020-01-02-story.md``), so each row is checked against Ruby as well.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.site.jekyll import (
    COPIED,
    HIDDEN,
    PUBLISHED,
    Reading,
    SiteConfig,
    explain,
    filename_time,
    find_site_config,
    front_matter_time,
    has_yaml_header,
    read_as_jekyll,
    read_large_as_jekyll,
    renders,
    verdict,
)

NAME = "_news/2020-01-02-story.md"
NOW = datetime(2026, 6, 1).timestamp()
FILE_DATE = datetime(2020, 1, 2).timestamp()  # local midnight, as Time.parse gives it
MARCH_4_10H = datetime(2021, 3, 4, 10).timestamp()
BODY = b"\nSome text.\n"


def fm(*lines: str, close: str = "---") -> bytes:
    return ("---\n" + "".join(line + "\n" for line in lines) + close + "\n").encode() + BODY


# (label, bytes, expected Reading fields)
READING_TABLE: list[tuple[str, bytes, dict[str, Any]]] = [
    ("plain", fm("title: A story"), {"renders": True, "flag": "missing", "time": FILE_DATE}),
    ("published false", fm("published: false"), {"renders": False, "flag": "false"}),
    ("published true", fm("published: true"), {"renders": True, "flag": "true"}),
    ("fAlse", fm("published: fAlse"), {"renders": False, "flag": "false"}),
    ("oFF", fm("published: oFF"), {"renders": False, "flag": "false"}),
    ("nO", fm("published: nO"), {"renders": False, "flag": "false"}),
    ("tilde", fm("published: ~"), {"renders": False, "flag": "null"}),
    ("null", fm("published: null"), {"renders": False, "flag": "null"}),
    ("empty", fm("published:"), {"renders": False, "flag": "null"}),
    ("quoted false", fm('published: "false"'), {"renders": True, "flag": 'text "false"'}),
    ("zero", fm("published: 0"), {"renders": True, "flag": "number 0"}),
    ("n", fm("published: n"), {"renders": True, "flag": 'text "n"'}),
    ("falsey", fm("published: falsey"), {"renders": True}),
    ("nested published", fm("meta:", "  published: false"), {"renders": True}),
    # header rule
    ("BOM", b"\xef\xbb\xbf" + fm("published: false"), {"document": False}),
    ("CRLF", fm("published: false").replace(b"\n", b"\r\n"), {"renders": False, "problem": ""}),
    ("CR only", fm("published: false").replace(b"\n", b"\r"), {"document": False}),
    ("blank first line", b"\n" + fm("published: false"), {"document": False}),
    ("%YAML first", b"%YAML 1.1\n" + fm("published: false"), {"document": False}),
    ("empty file", b"", {"document": False}),
    ("dashes only", b"---", {"document": False}),
    ("spaces after dashes", b"---  \t\npublished: false\n---\n", {"renders": False}),
    ("text after dashes", b"--- x\npublished: false\n---\n", {"document": False}),
    # front matter boundaries
    ("never closed", b"---\npublished: false\nbody\n", {"renders": True, "problem": ""}),
    ("dots close", fm("published: false", close="..."), {"renders": False}),
    ("closing with spaces", fm("published: false", close="---   "), {"renders": False}),
    ("empty front matter", b"---\n---\nbody\n", {"renders": True, "problem": ""}),
    ("blank lines first", b"---\n\n\npublished: false\n---\n", {"renders": False}),
    ("closing at end", b"---\npublished: false\n---", {"renders": False}),
    ("later document", b"---\npublished: false\n--- x\n---\n", {"renders": False}),
    # errors: the page is built with no front matter (published, no file-name date)
    ("symbol value", fm("type: :video", "published: false"), {"renders": True, "time": None}),
    ("symbol key", fm(":k: 1", "published: false"), {"renders": True, "problem": "Symbol"}),
    ("!!set", fm("tags: !!set {a}", "published: false"), {"renders": True, "problem": "Set"}),
    ("syntax error", fm("published: false", "title: [oops"), {"renders": True, "problem": "line"}),
    ("invalid UTF-8", fm("published: false") + b"\xff\xfe", {"renders": True, "problem": "UTF-8"}),
    ("NUL in front matter", fm("published: false", "t: a\x00b"), {"renders": True}),
    ("NUL in body", fm("published: false") + b"\x00", {"renders": False, "problem": ""}),
    ("list", fm("- published", "- false"), {"renders": True, "problem": "mapping"}),
    ("text", fm("just text"), {"renders": True, "problem": "mapping"}),
    ("false document", fm("false"), {"renders": True, "problem": "", "time": FILE_DATE}),
    ("null document", fm("~"), {"renders": True, "problem": "", "time": FILE_DATE}),
    ("categories number", fm("published: false", "categories: 5"), {"renders": True}),
    ("categories text", fm("published: false", "categories: a b"), {"renders": False}),
    ("categories list", fm("published: false", "categories: [a]"), {"renders": False}),
    ("unknown alias", fm("published: false", "x: *nope"), {"renders": True}),
    # merges
    ("merge after", fm("published: true", "<<: {published: false}"), {"renders": False}),
    ("merge before", fm("<<: {published: false}", "published: true"), {"renders": True}),
    ("merge list", fm("<<: [{published: false}, {published: true}]"), {"renders": False}),
    ("duplicate keys", fm("published: false", "published: true"), {"renders": True}),
    # dates
    ("date", fm("date: 2021-03-04"), {"time": datetime(2021, 3, 4).timestamp()}),
    ("date time", fm("date: 2021-03-04 05:06:07 Z"), {"time": 1614834367.0}),
    ("date text", fm("date: '2021-03-04 05:06:07 +01:00'"), {"time": 1614830767.0}),
    ("future date", fm("date: 2030-01-01"), {"time": datetime(2030, 1, 1).timestamp()}),
    ("invalid date", fm("date: 2021-13-45"), {"fatal": "Invalid date"}),
    ("null date", fm("date:"), {"fatal": "Invalid date"}),
    ("word date", fm("date: soon"), {"fatal": "Invalid date"}),
    ("date in a list", fm("date: [2021-03-04]"), {"time": datetime(2021, 3, 4).timestamp()}),
    ("numbers list date", fm("date: [1, 2]"), {"fatal": "Invalid date"}),
    ("date in words", fm("date: on 2021-03-04 at 10:00"), {"time": MARCH_4_10H}),
    ("long date text", fm("date: '2021-03-04" + " " * 130 + "'"), {"fatal": "Invalid date"}),
    ("deep nesting", fm("x: " + "[" * 1500 + "]" * 1500), {"fatal": "nest", "problem": ""}),
]


@pytest.mark.parametrize(("label", "data", "expected"), READING_TABLE)
def test_reading_table(label: str, data: bytes, expected: dict[str, Any]) -> None:
    reading = read_as_jekyll(NAME, data)
    expected = {"document": True, **expected}
    for field, value in expected.items():
        got = getattr(reading, field)
        if field in ("problem", "fatal") and value:
            assert value.lower() in got.lower(), (label, field, reading)
        else:
            assert got == value, (label, field, reading)
    if not reading.document:
        assert verdict(reading, SiteConfig(), NOW) == COPIED


def test_problem_readings_are_published_without_dates() -> None:
    reading = read_as_jekyll(NAME, fm("type: :video", "published: false"))
    assert reading.problem and reading.renders and reading.time is None
    assert verdict(reading, SiteConfig(), NOW) == PUBLISHED
    assert "no front matter" in explain(reading, SiteConfig(), NOW)


@pytest.mark.parametrize(
    ("data", "config", "expected", "words"),
    [
        (fm("published: false"), SiteConfig(), HIDDEN, "hidden: published: false"),
        (fm("published: false"), SiteConfig(unpublished=True), PUBLISHED, "unpublished"),
        (fm("published: ~"), SiteConfig(), HIDDEN, "published: null"),
        (fm("date: 2030-01-01"), SiteConfig(), HIDDEN, "future (2030-01-01)"),
        (fm("date: 2030-01-01"), SiteConfig(future=True), PUBLISHED, "published"),
        (fm("title: x"), SiteConfig(), PUBLISHED, "published"),
        (b"no header\n", SiteConfig(), COPIED, "copied"),
        (fm("date: nope"), SiteConfig(), HIDDEN, "build stops"),
    ],
)
def test_verdicts(data: bytes, config: SiteConfig, expected: str, words: str) -> None:
    reading = read_as_jekyll(NAME, data)
    assert verdict(reading, config, NOW) == expected
    assert words in explain(reading, config, NOW)


def test_file_name_date_in_the_future() -> None:
    reading = read_as_jekyll("_news/2031-05-06-later.md", fm("title: x"))
    assert reading.time == datetime(2031, 5, 6).timestamp()
    assert verdict(reading, SiteConfig(), NOW) == HIDDEN
    assert verdict(reading, SiteConfig(future=True), NOW) == PUBLISHED


def test_front_matter_date_wins_over_the_file_name() -> None:
    reading = read_as_jekyll("_news/2031-05-06-later.md", fm("date: 2020-01-01"))
    assert reading.time == datetime(2020, 1, 1).timestamp()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("2020-01-02-x.md", datetime(2020, 1, 2).timestamp()),
        ("_news/2020-1-2-x.md", datetime(2020, 1, 2).timestamp()),
        ("a/b/21-01-05-x.md", datetime(2021, 1, 5).timestamp()),
        ("x.md", None),
        ("2020-01-02.md", None),
        ("2020-01-02-x", None),
        ("2020-01-02-x/y.md", None),
    ],
)
def test_filename_time(path: str, expected: float | None) -> None:
    assert filename_time(path) == expected


def test_invalid_file_name_date_is_fatal() -> None:
    with pytest.raises(ValueError):
        filename_time("2021-13-45-x.md")
    assert read_as_jekyll("_news/2021-13-45-x.md", fm("title: x")).fatal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2021, 1, 1).date(), datetime(2021, 1, 1).timestamp()),
        ("2021-01-01", datetime(2021, 1, 1).timestamp()),
        ("2021-01-01T10:00:00Z", 1609495200.0),
        ("20210101", datetime(2021, 1, 1).timestamp()),
        ("2021/01/01", datetime(2021, 1, 1).timestamp()),
        ("Fri, 01 Jan 2021 10:00:00 +0000", 1609495200.0),
    ],
)
def test_front_matter_time(value: Any, expected: float) -> None:
    assert front_matter_time(value) == expected


@pytest.mark.parametrize("value", [None, True, "", "soon", "2021-13-01"])
def test_front_matter_time_raises_like_parse_date(value: Any) -> None:
    with pytest.raises(ValueError):
        front_matter_time(value)


@pytest.mark.parametrize(
    ("value", "present", "expected"),
    [
        (False, True, False),
        (None, True, False),
        (None, False, True),
        ("false", True, True),
        (0, True, True),
        (True, True, True),
        ([], True, True),
    ],
)
def test_renders(value: Any, present: bool, expected: bool) -> None:
    assert renders(value, present) is expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"---\n", True),
        (b"---\r\nx", True),
        (b"--- \t\x0b\x0c\r\n", True),
        (b"---", False),
        (b"", False),
        (b"---x\n", False),
        (b" ---\n", False),
        (b"----\n", False),
    ],
)
def test_has_yaml_header(data: bytes, expected: bool) -> None:
    assert has_yaml_header(data) is expected


def test_read_as_jekyll_is_fast_on_a_typical_file() -> None:
    lines = [f"key{i}: some value number {i}" for i in range(60)]
    lines += ["published: false", "topics:", "  - AI", "  - Cloud", "related:"]
    lines += [f'  - title: "Related {i}"\n    webUrl: https://x.example/{i}' for i in range(20)]
    data = fm(*lines) + b"x" * 2000
    start = time.perf_counter()
    for _ in range(50):
        reading = read_as_jekyll(NAME, data)
    per_file = (time.perf_counter() - start) / 50
    assert reading.renders is False
    assert per_file < 0.01


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_never_raises(data: bytes) -> None:
    reading = read_as_jekyll(NAME, b"---\n" + data)
    assert isinstance(reading, Reading)
    read_as_jekyll(NAME, data)


def test_billion_laughs_front_matter_is_fast() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 15):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    start = time.perf_counter()
    reading = read_as_jekyll(NAME, fm(*lines, "published: false"))
    assert time.perf_counter() - start < 1.0
    assert reading.renders is False


# --- large files ------------------------------------------------------------------------


def test_read_large(tmp_path: Path) -> None:
    path = tmp_path / "2020-01-02-big.md"
    with path.open("wb") as handle:
        handle.write(b"---\ntitle: big\npublished: false\ndate: 2019-05-06\n---\n")
        handle.write(b"x" * (3 << 20))
    reading = read_large_as_jekyll("_news/2020-01-02-big.md", str(path))
    assert reading.document and reading.renders is False
    assert reading.time == datetime(2019, 5, 6).timestamp()


@pytest.mark.parametrize(
    ("head", "document", "renders"),
    [
        (b"\xef\xbb\xbf---\npublished: false\n---\n", False, True),
        (b"---\npublished: nO\n---\n", True, False),
        (b"---\npublished: false\n", True, True),  # never closed: no front matter
        (b"---\nx:\n  published: false\n---\n", True, True),
    ],
)
def test_read_large_shapes(tmp_path: Path, head: bytes, document: bool, renders: bool) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(head + b"y\n" * 1000)
    reading = read_large_as_jekyll("_news/big.md", str(path))
    assert (reading.document, reading.renders) == (document, renders)


def test_read_large_missing_file(tmp_path: Path) -> None:
    reading = read_large_as_jekyll("x.md", str(tmp_path / "nope.md"))
    assert reading.problem


# --- site config ------------------------------------------------------------------------


def test_find_site_config_walks_up_to_the_git_root(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("future: true\n")  # above the work tree: not used
    site = tmp_path / "repo"
    (site / ".git").mkdir(parents=True)
    folder = site / "web" / "_news"
    folder.mkdir(parents=True)
    assert find_site_config(folder) == SiteConfig()
    (site / "_config.yml").write_text("future: true\nunpublished: yEs\n")
    assert find_site_config(folder) == SiteConfig(True, True, str(site / "_config.yml"))
    (site / "web" / "_config.yml").write_text("future: false\n")
    assert find_site_config(folder) == SiteConfig(False, False, str(site / "web" / "_config.yml"))


def test_find_site_config_ignores_the_folder_itself(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "_news"
    folder.mkdir()
    (folder / "_config.yml").write_text("future: true\n")
    assert find_site_config(folder).future is False


@pytest.mark.parametrize(
    ("text", "future", "problem"),
    [
        ("future: 'false'\n", True, False),  # Ruby truth: any text is true
        ("future: ~\n", False, False),
        ("future: [\n", False, True),
        ("- a\n", False, True),
        ("", False, False),
        ("x: :sym\n", False, True),
    ],
)
def test_site_config_values(tmp_path: Path, text: str, future: bool, problem: bool) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "_config.yml").write_text(text)
    folder = tmp_path / "_news"
    folder.mkdir()
    config = find_site_config(folder)
    assert config.future is future
    assert bool(config.problem) is problem


def test_find_site_config_never_raises(tmp_path: Path) -> None:
    assert find_site_config(tmp_path / "missing" / "x") == SiteConfig()
    if os.name == "posix":
        (tmp_path / ".git").mkdir()
        (tmp_path / "_config.yml").write_bytes(b"\xff\xfe")
        assert find_site_config(tmp_path / "_news").problem


@pytest.mark.parametrize(
    ("path", "skipped"),
    [
        ("_news/story.md", False),
        ("_news/_draft.md", True),
        ("_news/.hidden.md", True),
        ("_news/#temp.md", True),
        ("_news/~lock.md", True),
        ("_news/story.md~", True),
        ("_news/story.", True),
        ("story.md", False),
    ],
)
def test_entry_filter(path: str, skipped: bool) -> None:
    reading = read_as_jekyll(path, fm("title: x"))
    assert bool(reading.skipped) is skipped
    if skipped:
        assert verdict(reading, SiteConfig(), NOW) == HIDDEN
        assert "not in the site" in explain(reading, SiteConfig(), NOW)


LARGE_LINES = [
    "published: false",
    "published: nO",
    "published: ~",
    "published: true",
    "published: 'false'",
    "published:\n  false",
    "published:\n  - x",
    "date: 2019-05-06",
    "date: 2031-05-06 10:00:00 Z",
    "title: A story",
    "meta:\n  published: false",
    "excerpt: >\n  published: false",
]


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(LARGE_LINES), max_size=5))
def test_large_reading_agrees_on_simple_front_matter(tmp_path: Path, lines: list[str]) -> None:
    head = ("---\n" + "".join(line + "\n" for line in lines) + "---\n").encode()
    path = tmp_path / "2020-01-02-big.md"
    path.write_bytes(head + b"z" * 70_000 + b"\n" + b"published: true\n")  # overwritten each time
    large = read_large_as_jekyll(NAME, str(path))
    small = read_as_jekyll(NAME, head + b"body\n")
    assert (large.document, large.renders, large.time, large.flag) == (
        small.document,
        small.renders,
        small.time,
        small.flag,
    )


def test_explain_far_future() -> None:
    reading = read_as_jekyll(NAME, fm("date: 99999-01-01 00:00:00 Z"))
    assert verdict(reading, SiteConfig(), NOW) == HIDDEN
    assert "future" in explain(reading, SiteConfig(), NOW)
