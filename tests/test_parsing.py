"""Tests for newsreader.reading.parsing: bytes in, an Article, ArticleDetail or BadFile out; no
raise."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import Article, ArticleDetail, BadFile, FileStamp
from newsreader.reading.parsing import (
    KNOWN_KEYS,
    MAX_FILE_SIZE,
    ParseError,
    decode,
    load_mapping,
    parse_article,
    parse_detail,
    render_value,
    short_repr,
    split_front_matter,
    to_datetime,
)
from newsreader.render import article_json, detail_json, detail_lines, list_line

STAMP = FileStamp(0, 0, b"")


def fm(yaml_text: str, body: str = "") -> bytes:
    """A file with ``yaml_text`` as its front matter (and an optional body)."""
    return f"---\n{yaml_text}---\n{body}".encode()


def good(data: bytes) -> Article:
    result = parse_article("a.md", data, STAMP)
    assert isinstance(result, Article), result
    return result


def good_detail(data: bytes) -> ArticleDetail:
    result = parse_detail("a.md", data, STAMP)
    assert isinstance(result, ArticleDetail), result
    return result


# --- decode / split / load ---------------------------------------------------------------------

BILLION_LAUGHS = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)
)
# Only 60 aliases (under the alias-count limit), but 2**30 values once expanded.
DOUBLING = "a0: &a0 [x, x]\n" + "".join(
    f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 31)
)
MANY_ALIASES = "a: &a x\nb: [" + ", ".join(["*a"] * 80) + "]\n"

BAD_CASES: list[tuple[str, bytes, str, int | None]] = [
    ("empty", b"", "empty file", None),
    ("not-utf8", b"---\ntitle: caf\xe9\n---\n", "not UTF-8", None),
    ("nul", b"---\ntitle: a\x00b\n---\n", "binary", None),
    ("too-large", b"---\ntitle: x\n---\n" + b"x" * MAX_FILE_SIZE, "too large", None),
    ("no-front-matter", b"title: x\n", "no front matter", 1),
    ("leading-blank-line", b"\n---\ntitle: x\n---\n", "no front matter", 1),
    ("byte-order-mark", "\ufeff---\ntitle: T\n---\n".encode(), "byte-order mark", 1),
    ("cr-only", b"---\rtitle: x\r---\r", "carriage return", 1),
    ("yaml-directive", b"%YAML 1.1\n---\ntitle: x\n---\n", "YAML directive", 1),
    ("dashes-without-newline", b"---title: x\n---\n", "no front matter", 1),
    ("never-closed", b"---\ntitle: x\n", "never closed", None),
    ("empty-front-matter", b"---\n---\n", "front matter is empty", None),
    ("comment-only", b"---\n# nothing\n---\n", "front matter is empty", None),
    ("list", fm("- a\n- b\n"), "not a mapping (it is a list)", None),
    ("scalar", fm("just some text\n"), "not a mapping (it is a string)", None),
    ("number", fm("42\n"), "not a mapping (it is a number)", None),
    ("invalid-yaml", fm("a: 1\nb: c: d\n"), "invalid YAML", 3),
    ("unterminated-quote", fm('title: "abc\nfoo: 1\n'), "invalid YAML", 4),
    ("tab-indent", fm("title: x\n\tfoo: 1\n"), "invalid YAML", 3),
    ("control-char", fm("title: ok\nexcerpt: a\x01b\n"), "control characters", 3),
    ("unhashable-key", fm("? [a]\n: b\n"), "unhashable key", 2),
    ("python-tag", fm("a: !!python/object/apply:os.system ['true']\n"), "tag not allowed", 2),
    ("python-name", fm("title: x\na: !!python/name:os.system\n"), "tag not allowed", 3),
    ("custom-tag", fm("a: !foo bar\n"), "tag not allowed: !foo", 2),
    ("billion-laughs", fm(BILLION_LAUGHS), "alias bomb", None),
    ("doubling-aliases", fm(DOUBLING), "alias bomb", None),
    ("many-aliases", fm(MANY_ALIASES), "alias bomb", None),
    ("deep-flow", fm("a: " + "[" * 5000 + "]" * 5000 + "\n"), "nesting", 2),
    ("deep-flow-map", fm("a: " + "{a: " * 3000 + "}" * 3000 + "\n"), "nesting", 2),
    ("deep-block", fm("a:\n" + "- " * 3000 + "x\n"), "nesting", 3),
    ("huge-decimal", fm("quality: " + "9" * 5000 + "\n"), "number too long", 2),
    # Sexagesimal integers build in quadratic time: a long one is refused unbuilt.
    ("sexagesimal", fm("title: x\nheat: 1:" + ":".join(["59"] * 400) + "\n"), "number too long", 3),
    ("long-float", fm("heat: 1." + "0" * 2000 + "\n"), "number too long", 2),
]


@pytest.mark.parametrize(
    ("data", "reason", "line"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES]
)
def test_bad_files(data: bytes, reason: str, line: int | None) -> None:
    for parse in (parse_article, parse_detail):
        result = parse("x.md", data, STAMP)
        assert isinstance(result, BadFile), result
        assert result.id == "x.md"
        assert reason in result.reason
        assert "\n" not in result.reason and len(result.reason) <= 200
        if line is not None:
            assert result.line == line
            assert result.describe() == f"line {line}: {result.reason}"


GOOD_SHAPES = [
    ("plain", b"---\ntitle: T\n---\n", ""),
    ("crlf", b"---\r\ntitle: T\r\n---\r\nbody\r\n", "body\r\n"),
    ("dots-close", b"---\ntitle: T\n...\nbody\n", "body\n"),
    ("trailing-spaces", b"--- \ntitle: T\n---\t\n", ""),
    ("no-final-newline", b"---\ntitle: T\n---", ""),
    ("body-kept", b"---\ntitle: T\n---\n\nSome *body*\n---\nmore\n", "\nSome *body*\n---\nmore\n"),
]


@pytest.mark.parametrize(
    ("data", "body"), [c[1:] for c in GOOD_SHAPES], ids=[c[0] for c in GOOD_SHAPES]
)
def test_good_shapes(data: bytes, body: str) -> None:
    assert good(data).title == "T"
    detail = good_detail(data)
    assert detail.body == body
    assert detail.raw == {"title": "T"}


def test_helpers_raise_parse_error() -> None:
    assert decode("\ufeffhé".encode()) == "hé"
    assert split_front_matter("---\na: 1\n---\nrest") == ("a: 1\n", "rest")
    assert load_mapping(b"---\na: 1\n---\n") == ({"a": 1}, "")
    with pytest.raises(ParseError) as caught:
        split_front_matter("no")
    assert caught.value.line == 1


# --- fields that degrade -----------------------------------------------------------------------

DEGRADE_CASES: list[tuple[str, str, str, Any, str]] = [
    ("quality-string", 'quality: "high"\n', "quality", None, 'quality is not an integer: "high"'),
    ("quality-bool", "quality: true\n", "quality", None, "quality is not an integer"),
    ("quality-float", "quality: 4.5\n", "quality", None, "quality is not an integer"),
    ("heat-list", "heat: [1]\n", "heat", None, "heat is not an integer"),
    ("heat-huge-hex", "heat: 0x" + "f" * 40 + "\n", "heat", None, "heat is out of range"),
    ("title-number", "title: 2021\n", "title", "", "title is not text"),
    ("excerpt-map", "excerpt: {a: 1}\n", "search", "kept\x00\x00\x00", "excerpt is not text"),
    ("type-list", "type: [article]\n", "type", "", "type is not text"),
    ("url-bool", "webUrl: false\n", "web_url", "", "webUrl is not text"),
    ("topics-string", "topics: AI\n", "topics", (), "topics is not a list"),
    ("topics-mixed", "topics: [AI, 3, null]\n", "topics", ("AI",), "topics has entries"),
    ("related-null", "related:\n", "related", (), "related is null"),
    ("related-string", "related: soon\n", "related", (), "related is not a list"),
    ("provider-string", "provider: wboy\n", "provider", "", "provider is not a mapping"),
    ("images-map", "images: {url: x}\n", "image_count", 0, "images is not a list"),
    ("date-junk", "publishedDateTime: soon\n", "date", None, "publishedDateTime is not a date"),
    ("date-number", "publishedDateTime: 20211228\n", "date", None, "is not a date: 20211228"),
    (
        "published-string",
        'published: "false"\n',
        "flag",
        None,
        'published is not a boolean: "false"',
    ),
]


@pytest.mark.parametrize(
    ("yaml_text", "attr", "expected", "warning"),
    [c[1:] for c in DEGRADE_CASES],
    ids=[c[0] for c in DEGRADE_CASES],
)
def test_wrong_types_degrade_with_a_warning(
    yaml_text: str, attr: str, expected: Any, warning: str
) -> None:
    article = good(fm("title: kept\n" + yaml_text if "title:" not in yaml_text else yaml_text))
    assert getattr(article, attr) == expected
    assert any(warning in w for w in article.warnings), article.warnings
    assert all("\n" not in w for w in article.warnings)
    if "title:" not in yaml_text:
        assert article.title == "kept"  # the rest of the file is still read


def test_related_with_non_mapping_entries_keeps_the_mappings() -> None:
    article = good(
        fm("related:\n  - just text\n  - title: Kept\n    webUrl: https://a.example/x\n")
    )
    assert [link.title for link in article.related] == ["Kept"]
    assert any("related has entries" in w for w in article.warnings)


def test_a_clean_file_has_no_warnings() -> None:
    article = good(
        fm(
            "category: news\ntitle: T\nexcerpt: E\npublishedDateTime: 2021-12-28T02:28:00Z\n"
            "originalUrl: https://o.example/a\nwebUrl: https://w.example/a\ntype: article\n"
            "quality: 40\nheat: -1\npublished: true\nprovider:\n  name: P\n  domain: p.example\n"
            "topics:\n  - AI\nimages:\n  - url: https://i.example/1.jpg\n    width: 700\n"
            "    height: 414\nrelated: []\nsecured: blob\n"
        )
    )
    assert article.warnings == ()
    assert (article.category, article.title, article.search, article.type) == (
        "news",
        "T",
        "t\x00e\x00p\x00p.example",
        "article",
    )
    assert (article.quality, article.heat, article.flag, article.has_flag) == (40, -1, True, True)
    assert (article.provider, article.domain, article.topics) == ("P", "p.example", ("AI",))
    assert article.image_count == 1
    assert article.url == "https://w.example/a"
    assert article.urls == ("https://w.example/a", "https://o.example/a")


# --- dates -------------------------------------------------------------------------------------

PLUS_2 = timezone(timedelta(hours=2))
DATE_CASES: list[tuple[str, str, datetime | None, str]] = [
    ("aware-z", "2021-12-28T02:28:00Z", datetime(2021, 12, 28, 2, 28, tzinfo=UTC), ""),
    ("aware-offset", "2021-12-28T02:28:00+02:00", datetime(2021, 12, 28, 2, 28, tzinfo=PLUS_2), ""),
    (
        "seconds",
        "2021-12-28T02:28:17.5Z",
        datetime(2021, 12, 28, 2, 28, 17, 500000, tzinfo=UTC),
        "",
    ),
    ("naive", "2021-12-28 02:28:00", datetime(2021, 12, 28, 2, 28, tzinfo=UTC), ""),
    ("date-only", "2021-12-28", datetime(2021, 12, 28, tzinfo=UTC), ""),
    ("string-iso", '"2021-12-28T02:28:00Z"', datetime(2021, 12, 28, 2, 28, tzinfo=UTC), ""),
    (
        "string-offset",
        '"2021-12-28T02:28:00+02:00"',
        datetime(2021, 12, 28, 2, 28, tzinfo=PLUS_2),
        "",
    ),
    ("string-date", '"2021-12-28"', datetime(2021, 12, 28, tzinfo=UTC), ""),
    ("string-padded", '" 2021-12-28 "', datetime(2021, 12, 28, tzinfo=UTC), ""),
    ("junk", '"last Tuesday"', None, "last Tuesday"),
    ("number", "1640658480", None, "1640658480"),
    ("missing", "", None, ""),
]


@pytest.mark.parametrize(
    ("value", "expected", "raw"), [c[1:] for c in DATE_CASES], ids=[c[0] for c in DATE_CASES]
)
def test_dates(value: str, expected: datetime | None, raw: str) -> None:
    article = good(fm(f"title: T\npublishedDateTime: {value}\n" if value else "title: T\n"))
    assert article.date == expected
    if expected is not None:
        assert article.date is not None and article.date.tzinfo is not None
        assert article.date.utcoffset() == expected.utcoffset()
        assert article.warnings == ()
    assert article.date_raw == raw
    assert bool(raw) == any("not a date" in w for w in article.warnings)


def test_to_datetime_direct() -> None:
    assert to_datetime(None) == (None, "", None)
    assert to_datetime(date(2020, 2, 29))[0] == datetime(2020, 2, 29, tzinfo=UTC)
    when, raw, warning = to_datetime(["x"])
    assert when is None and raw == "[x]" and warning and "not a date" in warning


# --- published ---------------------------------------------------------------------------------

PUBLISHED_CASES: list[tuple[str, str | None, bool, bool | None, bool, bool]] = [
    ("missing", None, True, None, False, False),
    ("true", "true", True, True, True, False),
    ("false", "false", False, False, True, False),
    ("False", "False", False, False, True, False),
    ("yaml11-no", "no", False, False, True, False),
    ("yaml11-yes", "yes", True, True, True, False),
    ("string-false", '"false"', True, None, True, True),
    ("zero", "0", True, None, True, True),
    # Jekyll tests the value's truth: null (and Psych's any-case booleans) hide the page.
    ("null", "", False, None, True, True),
    ("tilde", "~", False, None, True, True),
    ("mixed-case-false", "fAlse", False, False, True, False),
    ("mixed-case-off", "oFF", False, False, True, False),
    ("list", "[false]", True, None, True, True),
]


@pytest.mark.parametrize(
    ("value", "published", "flag", "has_flag", "warned"),
    [c[1:] for c in PUBLISHED_CASES],
    ids=[c[0] for c in PUBLISHED_CASES],
)
def test_published_follows_jekyll(
    value: str | None, published: bool, flag: bool | None, has_flag: bool, warned: bool
) -> None:
    text = "title: T\n" if value is None else f"title: T\npublished: {value}\n"
    article = good(fm(text))
    assert article.published is published
    assert article.flag is flag
    assert article.has_flag is has_flag
    assert any("published is" in w and "not a boolean" in w for w in article.warnings) is warned


# --- detail: unknown keys, related, images -----------------------------------------------------


def test_unknown_keys_are_kept_raw_in_file_order() -> None:
    detail = good_detail(
        fm(
            "zeta: last\ntitle: T\ncustomKey: value\nnested:\n  a: 1\n  b: [x, y]\n"
            "when: 2021-12-28\nnothing:\n42: answer\n"
        )
    )
    assert detail.unknown == (
        ("zeta", "last"),
        ("customKey", "value"),
        ("nested", "{a: 1, b: [x, y]}"),
        ("when", "2021-12-28"),
        ("nothing", "null"),
        ("42", "answer"),
    )
    assert "title" not in dict(detail.unknown)
    assert detail.raw["nested"] == {"a": 1, "b": ["x", "y"]}


def test_tagged_collections_and_binary_render_as_text() -> None:
    detail = good_detail(
        fm(
            "a: !!set {x}\nb: !!omap [{k: 1}, {j: 2}]\nc: !!pairs [{k: 1}]\n"
            "d: !!binary aGVsbG8=\ne: !!float 1:30.5\nf: 0x" + "f" * 900 + "\n"
        )
    )
    assert dict(detail.unknown) == {
        "a": "[x]",
        "b": "[[k, 1], [j, 2]]",
        "c": "[[k, 1]]",
        "d": "<5 bytes>",
        "e": "90.5",
        "f": "<integer of 3,600 bits>",
    }


def test_related_links_and_entries() -> None:
    text = """title: T
related:
  - title: First
    excerpt: One
    publishedDateTime: 2021-03-01T10:00:00Z
    webUrl: https://a.example/1
    ampWebUrl: https://a.example/1/amp
    cdnAmpWebUrl: https://a-example.cdn.ampproject.org/c/s/a.example/1/amp
    type: video
    provider:
      name: A
      domain: a.example
    quality: 12
    images:
      - url: https://a.example/1.jpg
        width: 50
        height: 50
    extra: kept
  - title: Second
    quality: lots
    provider: not-a-map
    webUrl: ""
"""
    article = good(fm(text))
    first, second = article.related
    assert first.title == "First"
    assert first.urls == (
        "https://a.example/1",
        "https://a.example/1/amp",
        "https://a-example.cdn.ampproject.org/c/s/a.example/1/amp",
    )
    assert (first.provider, first.domain, first.quality) == ("A", "a.example", 12)
    assert first.date == datetime(2021, 3, 1, 10, tzinfo=UTC)
    assert (second.title, second.urls, second.quality, second.provider) == ("Second", (), None, "")
    detail = good_detail(fm(text))
    entry = detail.related[0]
    assert (entry.excerpt, entry.type) == ("One", "video")
    assert [(i.url, i.width, i.height) for i in entry.images] == [
        ("https://a.example/1.jpg", 50, 50)
    ]
    assert ("extra", "kept") in entry.fields
    assert entry.fields[0] == ("title", "First")


def test_images_and_provider_images() -> None:
    detail = good_detail(
        fm(
            "images:\n  - url: https://i.example/a.jpg\n    width: 700\n    height: x\n"
            "    title: Pic\n  - width: 1\n  - just text\n"
            "provider:\n  name: P\n  images:\n    - url: https://i.example/logo.png\n"
            "featuredContent: '&lt;iframe&gt;'\nsecured: 'a=b;c'\n"
        )
    )
    assert [(i.url, i.width, i.height, i.title) for i in detail.images] == [
        ("https://i.example/a.jpg", 700, None, "Pic")
    ]
    assert [i.url for i in detail.provider_images] == ["https://i.example/logo.png"]
    assert detail.featured_content == "&lt;iframe&gt;"
    assert detail.secured == "a=b;c"
    assert detail.article.image_count == 3


# --- render_value ------------------------------------------------------------------------------


def _self_list() -> list[Any]:
    value: list[Any] = ["x"]
    value.append(value)
    return value


def _self_dict() -> dict[str, Any]:
    value: dict[str, Any] = {"k": "v"}
    value["self"] = value
    return value


def _shared(levels: int) -> list[Any]:
    """2**levels leaves through shared references, as aliases build them."""
    value: list[Any] = ["leaf"]
    for _ in range(levels):
        value = [value, value]
    return value


RENDER_CASES: list[tuple[str, Any, str]] = [
    (
        "scalars",
        [None, True, 1.5, b"ab", date(2021, 1, 2)],
        "[null, true, 1.5, <2 bytes>, 2021-01-02]",
    ),
    ("nested", {"a": {"b": [1, 2]}}, "{a: {b: [1, 2]}}"),
    ("huge-int", 1 << 20000, "<integer of 20,001 bits>"),
    ("self-list", _self_list(), "[x, [x, "),
    ("self-dict", _self_dict(), "{k: v, self: {k: v, "),
    ("shared", _shared(40), "[[[[[[[[["),
]


@pytest.mark.parametrize(
    ("value", "prefix"), [c[1:] for c in RENDER_CASES], ids=[c[0] for c in RENDER_CASES]
)
def test_render_value_is_bounded(value: Any, prefix: str) -> None:
    text = render_value(value, budget=300)
    assert text.startswith(prefix)
    assert len(text) <= 300
    assert len(short_repr(value)) <= 40


def test_render_value_of_a_recursive_yaml_structure() -> None:
    detail = good_detail(fm("a: &a [x, *a]\nb: &b {self: *b}\n"))
    rendered = dict(detail.unknown)
    assert rendered["a"].startswith("[x, [x, [x, ")
    assert rendered["b"].startswith("{self: {self: ")
    assert all(len(v) <= 4000 for v in rendered.values())


def test_render_value_long_text_is_cut() -> None:
    text = render_value("x" * 10_000, budget=100)
    assert len(text) == 100 and text.endswith("…")


# --- never raise (hypothesis) ------------------------------------------------------------------

EMPTY_INDEX = ArticleIndex(Path("."))


def _check_result(result: Article | ArticleDetail | BadFile) -> None:
    if isinstance(result, BadFile):
        assert result.reason and "\n" not in result.reason
        return
    article = result.article if isinstance(result, ArticleDetail) else result
    assert all(isinstance(w, str) and "\n" not in w for w in article.warnings)
    assert article.date is None or article.date.tzinfo is not None
    # What the CLI prints of it must not raise either (huge numbers, odd text).
    list_line(article)
    json.dumps(article_json(EMPTY_INDEX, article))
    if isinstance(result, ArticleDetail):
        detail_lines(EMPTY_INDEX, result)
        json.dumps(detail_json(EMPTY_INDEX, result))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    for blob in (data, b"---\n" + data + b"\n---\n"):
        _check_result(parse_article("f.md", blob, STAMP))
        _check_result(parse_detail("f.md", blob, STAMP))


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(1 << 200), max_value=1 << 200)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.dates()
    | st.datetimes()
    | st.datetimes(timezones=st.just(UTC))
)
KEYS = st.sampled_from(sorted(KNOWN_KEYS)) | st.text(max_size=10)
YAMLISH = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            KEYS | st.sampled_from(["name", "domain", "url", "webUrl"]), children, max_size=5
        )
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, YAMLISH, max_size=8))
def test_arbitrary_front_matter_never_raises(mapping: dict[str, Any]) -> None:
    blob = ("---\n" + yaml.safe_dump(mapping, allow_unicode=True) + "---\n").encode()
    _check_result(parse_article("f.md", blob, STAMP))
    _check_result(parse_detail("f.md", blob, STAMP))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH, st.text(max_size=200))
def test_arbitrary_yaml_and_text_never_raise(value: Any, text: str) -> None:
    dumped = yaml.safe_dump(value, allow_unicode=True)
    for source in (dumped, text, dumped + text, text + "\n" + dumped):
        blob = ("---\n" + source + "\n---\n").encode("utf-8", "surrogatepass")
        _check_result(parse_article("f.md", blob, STAMP))
        _check_result(parse_detail("f.md", blob, STAMP))
