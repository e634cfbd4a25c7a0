"""Tests for newsreader.writing.flagwriter: the byte-exact flag edit and the atomic, checked
write."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.articles.model import FileStamp
from newsreader.writing import flagwriter
from newsreader.writing.flagwriter import (
    ConflictError,
    FlagEditError,
    Folder,
    VanishedError,
    WriteError,
    edit_flag,
    edit_flag_tokens,
    flag_token,
    is_temp_name,
    read_with_stamp,
    set_flag_token,
    set_published,
    stamp_of,
    temp_name,
    token_meaning,
)

# A realistic article, written for these tests (the shape of a real one, not its text).
ARTICLE = (
    b"---\n"
    b"category: news\n"
    b'title: "Robots learn to \xe2\x80\x9cfold\xe2\x80\x9d laundry"\n'
    b'excerpt: "A lab shows a robot that folds shirts\xe2\x80\xa6"\n'
    b"publishedDateTime: 2023-04-01T10:20:30Z\n"
    b"webUrl: https://example.com/robots?id=1&x=2\n"
    b"type: article\n"
    b"quality: 12\n"
    b"heat: 12\n"
    b"published: false\n"
    b"\n"
    b"provider:\n"
    b"  name: Example News\n"
    b"  domain: example.com\n"
    b"\n"
    b"related:\n"
    b'  - title: "Another story"\n'
    b"    published: false\n"
    b"    quality: 3\n"
    b"\n"
    b'secured: "QUJD+/ZGVm=="\n'
    b"---\n"
)

# (name, input, value, expected output)
CASES: list[tuple[str, bytes, bool | None, bytes]] = [
    (
        "lf false to true",
        b"---\ntitle: a\npublished: false\n---\n",
        True,
        b"---\ntitle: a\npublished: true\n---\n",
    ),
    (
        "crlf kept",
        b"---\r\ntitle: a\r\npublished: true\r\n---\r\n",
        False,
        b"---\r\ntitle: a\r\npublished: false\r\n---\r\n",
    ),
    (
        "bom kept",
        b"\xef\xbb\xbf---\ntitle: a\npublished: false\n---\n",
        True,
        b"\xef\xbb\xbf---\ntitle: a\npublished: true\n---\n",
    ),
    (
        "trailing comment kept",
        b"---\npublished: false   # reviewed\n---\n",
        True,
        b"---\npublished: true   # reviewed\n---\n",
    ),
    (
        "capitalised True replaced",
        b"---\npublished: True\n---\n",
        False,
        b"---\npublished: false\n---\n",
    ),
    (
        "capitalised True already true",
        b"---\npublished: True\n---\n",
        True,
        b"---\npublished: True\n---\n",
    ),
    (
        "quoted string false becomes boolean",
        b'---\npublished: "false"\n---\n',
        False,
        b"---\npublished: false\n---\n",
    ),
    (
        "single-quoted string",
        b"---\npublished: 'yes please'\n---\n",
        True,
        b"---\npublished: true\n---\n",
    ),
    (
        "empty value filled",
        b"---\npublished:\nheat: 1\n---\n",
        True,
        b"---\npublished: true\nheat: 1\n---\n",
    ),
    (
        "empty value with comment",
        b"---\npublished:   # todo\n---\n",
        False,
        b"---\npublished: false   # todo\n---\n",
    ),
    (
        "missing key inserted after heat",
        b"---\nquality: 3\nheat: 3\n\nprovider:\n  name: x\n---\n",
        True,
        b"---\nquality: 3\nheat: 3\npublished: true\n\nprovider:\n  name: x\n---\n",
    ),
    (
        "missing key inserted after heat's continuation lines",
        b"---\nheat: 3\n  4\ntitle: a\n---\n",
        False,
        b"---\nheat: 3\n  4\npublished: false\ntitle: a\n---\n",
    ),
    (
        "missing key inserted after heat's block value",
        b"---\nheat:\n  - 1\n  - 2\ntitle: a\n---\n",
        False,
        b"---\nheat:\n  - 1\n  - 2\npublished: false\ntitle: a\n---\n",
    ),
    (
        "missing key without heat goes before the closing line",
        b"---\ntitle: a\ntopics:\n  - AI\n---\nbody\n",
        False,
        b"---\ntitle: a\ntopics:\n  - AI\npublished: false\n---\nbody\n",
    ),
    (
        "missing key inserted with crlf",
        b"---\r\nheat: 1\r\ntitle: a\r\n---\r\n",
        True,
        b"---\r\nheat: 1\r\npublished: true\r\ntitle: a\r\n---\r\n",
    ),
    (
        "empty front matter",
        b"---\n---\n",
        True,
        b"---\npublished: true\n---\n",
    ),
    (
        "nested published under related is a decoy",
        b"---\ntitle: a\nrelated:\n  - title: b\n    published: false\n---\n",
        True,
        b"---\ntitle: a\nrelated:\n  - title: b\n    published: false\npublished: true\n---\n",
    ),
    (
        "nested decoy before the real key",
        b"---\nrelated:\n  - published: true\npublished: true\n---\n",
        False,
        b"---\nrelated:\n  - published: true\npublished: false\n---\n",
    ),
    (
        "block scalar text is a decoy",
        b"---\nexcerpt: |\n  published: false\n  more\ntitle: a\n---\n",
        True,
        b"---\nexcerpt: |\n  published: false\n  more\ntitle: a\npublished: true\n---\n",
    ),
    (
        "folded block scalar decoy before the real key",
        b"---\nexcerpt: >-\n  published: true\n\npublished: true\n---\n",
        False,
        b"---\nexcerpt: >-\n  published: true\n\npublished: false\n---\n",
    ),
    (
        "multi-line quoted string decoy",
        b'---\ntitle: "a\npublished: false"\nheat: 2\n---\n',
        True,
        b'---\ntitle: "a\npublished: false"\nheat: 2\npublished: true\n---\n',
    ),
    (
        "body after the front matter is untouched",
        b"---\npublished: false\n---\npublished: false\n---\npublished: false\n",
        True,
        b"---\npublished: true\n---\npublished: false\n---\npublished: false\n",
    ),
    (
        "document-end marker closes the front matter",
        b"---\ntitle: a\n...\nbody\n---\nmore\n",
        True,
        b"---\ntitle: a\npublished: true\n...\nbody\n---\nmore\n",
    ),
    (
        "delimiters with trailing blanks",
        b"--- \npublished: false\n---\t\n",
        True,
        b"--- \npublished: true\n---\t\n",
    ),
    (
        "comment decoy",
        b"---\n# published: false\ntitle: a\n---\n",
        True,
        b"---\n# published: false\ntitle: a\npublished: true\n---\n",
    ),
    (
        "closing line without a line break",
        b"---\npublished: true\n---",
        False,
        b"---\npublished: false\n---",
    ),
    (
        "ampersand inside a quoted value is text, not an anchor",
        b'---\npublished: "a &b"\n---\n',
        True,
        b"---\npublished: true\n---\n",
    ),
    (
        "tagged value replaced with its tag",
        b"---\npublished: !!str false # c\n---\n",
        False,
        b"---\npublished: false # c\n---\n",
    ),
    (
        "missing key after a heat alias goes after heat's own line",
        b"---\nq: &n 5\nx: 1\nheat: *n\ny: 2\n---\n",
        True,
        b"---\nq: &n 5\nx: 1\nheat: *n\npublished: true\ny: 2\n---\n",
    ),
    (
        "indented root mapping keeps its indentation",
        b"---\n  title: a\n  heat: 1\n---\n",
        True,
        b"---\n  title: a\n  heat: 1\n  published: true\n---\n",
    ),
    (
        "remove existing key",
        b"---\nheat: 1\npublished: true\ntitle: a\n---\n",
        None,
        b"---\nheat: 1\ntitle: a\n---\n",
    ),
    (
        "remove with crlf",
        b"---\r\npublished: false # c\r\n---\r\n",
        None,
        b"---\r\n---\r\n",
    ),
    (
        "remove missing key is a no-op",
        b"---\ntitle: a\n---\n",
        None,
        b"---\ntitle: a\n---\n",
    ),
    (
        "realistic article to true",
        ARTICLE,
        True,
        ARTICLE.replace(b"heat: 12\npublished: false\n", b"heat: 12\npublished: true\n"),
    ),
    (
        "realistic article without the key",
        ARTICLE.replace(b"published: false\n\n", b"\n"),
        False,
        ARTICLE,
    ),
]


@pytest.mark.parametrize(("name", "data", "value", "expected"), CASES, ids=[c[0] for c in CASES])
def test_edit_flag(name: str, data: bytes, value: bool | None, expected: bytes) -> None:
    assert edit_flag(data, value) == expected


# (name, input, value, part of the error message)
ERRORS: list[tuple[str, bytes, bool | None, str]] = [
    ("no front matter", b"title: a\npublished: true\n", True, "no front matter"),
    ("empty file", b"", True, "no front matter"),
    ("no closing line", b"---\npublished: true\n", False, "closing '---'"),
    ("duplicate keys", b"---\npublished: true\nx: 1\npublished: false\n---\n", True, "duplicate"),
    ("duplicate keys on removal", b"---\npublished: true\npublished: 1\n---\n", None, "duplicate"),
    ("multi-line value", b"---\npublished:\n  true\n---\n", False, "more than one line"),
    ("block scalar value", b"---\npublished: |\n  true\n---\n", False, "more than one line"),
    ("block list value", b"---\npublished:\n  - true\n---\n", True, "more than one line"),
    ("anchored value", b"---\npublished: &p true\nx: *p\n---\n", False, "anchor"),
    ("anchored value removal", b"---\npublished: &p true\nx: *p\n---\n", None, "anchor"),
    ("not a mapping", b"---\n- a\n- b\n---\n", True, "not a mapping"),
    ("flow mapping", b"---\n{title: a, published: true}\n---\n", False, "flow mapping"),
    ("merge key", b"---\n<<: {published: true}\nheat: 1\n---\n", False, "merge key"),
    ("invalid yaml", b"---\ntitle: [a\n---\n", True, "not valid YAML"),
    ("invalid utf-8", b"---\ntitle: \xff\n---\n", True, "UTF-8"),
]


@pytest.mark.parametrize(("name", "data", "value", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_edit_flag_refuses(name: str, data: bytes, value: bool | None, message: str) -> None:
    with pytest.raises(FlagEditError, match=message) as info:
        edit_flag(data, value)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, WriteError)


# -------------------------------------------------------------------------------------------
# Properties over generated front matter

KEYS = ["title", "excerpt", "type", "quality", "category", "webUrl", "topics", "extra", "x_y"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), max_size=20)


@st.composite
def entries(draw: st.DrawFn, key: str) -> list[str]:
    """The lines of one top-level entry, some of them decoys mentioning ``published``."""
    kind = draw(st.sampled_from(["int", "quoted", "plain", "list", "related", "block", "empty"]))
    if kind == "int":
        return [f"{key}: {draw(st.integers(-5, 300))}"]
    if kind == "quoted":
        return [f"{key}: {json.dumps(draw(TEXT), ensure_ascii=False)}"]
    if kind == "plain":
        return [f"{key}: {draw(st.sampled_from(['news', 'a b', 'https://x.y/?a=1&b=2']))}"]
    if kind == "list":
        return [f"{key}:", "  - AI", "  - published: false"]
    if kind == "related":
        flag = draw(st.sampled_from(["true", "false"]))
        return [f"{key}:", "  - title: x", f"    published: {flag}", "    quality: 1"]
    if kind == "block":
        style = draw(st.sampled_from(["|", ">-", "|+"]))
        return [f"{key}: {style}", "  published: false", "", "  published: true"]
    return [f"{key}:"]


@st.composite
def articles(draw: st.DrawFn) -> tuple[bytes, Any]:
    """A generated article file and the value of its key (``None`` when it has none)."""
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=6))
    blocks = [draw(entries(key)) for key in keys]
    if draw(st.booleans()):
        blocks.insert(draw(st.integers(0, len(blocks))), [f"heat: {draw(st.integers(-1, 9))}"])
    flag = draw(st.sampled_from([None, "true", "false", "True", "FALSE", '"false"', "yes", "3"]))
    if flag is not None:
        comment = draw(st.sampled_from(["", " # note", "  #x"]))
        blocks.insert(draw(st.integers(0, len(blocks))), [f"published: {flag}{comment}"])
    if draw(st.booleans()):
        blocks.insert(draw(st.integers(0, len(blocks))), ["# published: false", ""])
    lines = ["---", *(line for block in blocks for line in block), "---"]
    if draw(st.booleans()):
        lines += ["published: false", "body text"]
    ending = draw(st.sampled_from(["\n", "\r\n", "mixed"]))
    out = ""
    for line in lines:
        out += line + (draw(st.sampled_from(["\n", "\r\n"])) if ending == "mixed" else ending)
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (bom + out).encode("utf-8"), flag


def front_matter(data: bytes) -> Any:
    """Load the front matter independently of the code under test (generated files only)."""
    lines = data.decode("utf-8").removeprefix("\ufeff").splitlines(keepends=True)
    close = next(i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") == "---")
    loaded = yaml.load("".join(lines[1:close]), Loader=yaml.CSafeLoader)
    return loaded if loaded is not None else {}


def changed_lines(before: bytes, after: bytes) -> tuple[list[bytes], list[bytes]]:
    """The lines only in ``before`` and only in ``after``, assuming one contiguous change."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return a[head : len(a) - tail], b[head : len(b) - tail]


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(articles(), st.sampled_from([True, False, None]))
def test_edit_touches_one_line(article: tuple[bytes, Any], value: bool | None) -> None:
    data, flag = article
    result = edit_flag(data, value)
    removed, added = changed_lines(data, result)
    if flag is None and value is None:
        assert result == data
    elif flag is None:
        assert removed == []
        assert [line.rstrip(b"\r\n") for line in added] == [f"published: {value}".lower().encode()]
    elif value is None:
        assert added == []
        assert len(removed) == 1 and removed[0].startswith(b"published: ")
    else:
        assert len(removed) == len(added) <= 1
        for line in removed + added:
            assert line.startswith(b"published: ")
        if added:  # the line break and the comment are kept
            assert added[0].endswith(b"\r\n") == removed[0].endswith(b"\r\n")
            assert added[0].split(b"#")[1:] == removed[0].split(b"#")[1:]


@SETTINGS
@given(articles(), st.sampled_from([True, False, None]))
def test_edit_result_loads(article: tuple[bytes, Any], value: bool | None) -> None:
    data, _ = article
    before, after = front_matter(data), front_matter(edit_flag(data, value))
    assert isinstance(after, dict)
    if value is None:
        assert "published" not in after
    else:
        assert after["published"] is value
    before.pop("published", None)
    after.pop("published", None)
    assert after == before


@SETTINGS
@given(articles())
def test_toggle_round_trip(article: tuple[bytes, Any]) -> None:
    data, flag = article
    if flag in ("true", "false"):
        original = flag == "true"
        assert edit_flag(edit_flag(data, not original), original) == data
    # Whatever the original form, the last write wins and writing it again changes nothing.
    for first in (True, False):
        twice = edit_flag(edit_flag(data, first), not first)
        assert front_matter(twice)["published"] is (not first)
        assert edit_flag(twice, not first) == twice


@SETTINGS
@given(articles(), st.booleans())
def test_insert_then_remove_restores(article: tuple[bytes, Any], value: bool) -> None:
    data, flag = article
    if flag is None:
        inserted = edit_flag(data, value)
        assert inserted != data
        assert edit_flag(inserted, None) == data


# -------------------------------------------------------------------------------------------
# Exact value tokens (what undo writes back)

TOKENS = [
    ("yes", b"---\ntitle: a\npublished: yes\n---\n", "yes"),
    ("quoted false", b'---\ntitle: a\npublished: "false"  # c\n---\n', '"false"'),
    ("tilde", b"---\npublished: ~\r\ntitle: a\r\n---\r\n", "~"),
    ("empty", b"---\ntitle: a\npublished:\n---\n", ""),
    ("missing", b"---\ntitle: a\nheat: 3\n---\n", None),
    ("True", b"---\npublished: True\n---\nbody published: false\n", "True"),
]


@pytest.mark.parametrize(("name", "data", "token"), TOKENS, ids=[t[0] for t in TOKENS])
def test_flag_token_and_exact_restore(name: str, data: bytes, token: str | None) -> None:
    assert flag_token(data) == token
    assert set_flag_token(data, token) == data
    # Whatever a publish or unpublish wrote over it, the old token brings back the same bytes.
    for value in (True, False):
        assert set_flag_token(edit_flag(data, value), token) == data


@pytest.mark.parametrize(
    ("token", "meaning"),
    [
        (None, None),
        ("false", False),
        ("FALSE", False),
        ("no", False),
        ('"false"', True),
        ("true", True),
        ("fAlse", False),
        ("oFF", False),
        ("~", False),
        ("null", False),
        ("", False),
        ("3", True),
        (":sym", True),
    ],
)
def test_token_meaning_is_jekylls(token: str | None, meaning: bool | None) -> None:
    assert token_meaning(token) is meaning


@pytest.mark.parametrize("token", ["a\nb: 1", "&x true", "*x", "[1, 2", "x: y"])
def test_set_flag_token_refuses_what_is_not_one_value(token: str) -> None:
    with pytest.raises(FlagEditError):
        set_flag_token(b"---\ntitle: a\npublished: true\n---\n", token)


@SETTINGS
@given(articles())
def test_token_round_trip(article: tuple[bytes, Any]) -> None:
    data, flag = article
    token = flag_token(data)
    assert token == flag
    assert set_flag_token(data, token) == data
    for value in (True, False):
        assert set_flag_token(edit_flag(data, value), token) == data


@SETTINGS
@given(articles(), st.sampled_from([True, False, None]))
def test_edit_flag_tokens_agrees_with_flag_token(
    article: tuple[bytes, Any], value: bool | None
) -> None:
    data, _ = article
    result = edit_flag(data, value)
    assert edit_flag_tokens(data, value) == (result, flag_token(data), flag_token(result))


@SETTINGS
@given(articles(), st.sampled_from([None, "true", "false", "yes", '"false"', "~", "No"]))
def test_set_flag_token_touches_one_line(article: tuple[bytes, Any], token: str | None) -> None:
    data, _ = article
    removed, added = changed_lines(data, set_flag_token(data, token))
    assert len(removed) <= 1 and len(added) <= 1
    for line in removed + added:
        assert line.startswith(b"published:")
    if token is not None and added:
        value = added[0].rstrip(b"\r\n").split(b"#")[0].rstrip(b" ")
        assert value == f"published: {token}".encode()


# -------------------------------------------------------------------------------------------
# Stamps and the atomic write


def write(path: Path, data: bytes, mode: int = 0o644) -> Path:
    path.write_bytes(data)
    path.chmod(mode)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_stamp_definition(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", ARTICLE)
    data, stamp = read_with_stamp(path)
    st_ = path.stat()
    assert data == ARTICLE
    assert stamp == FileStamp(
        st_.st_size, st_.st_mtime_ns, hashlib.blake2b(data, digest_size=8).digest()
    )
    assert stamp_of(data, st_) == stamp


def test_set_published_writes_atomically(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", ARTICLE, 0o640)
    _, stamp = read_with_stamp(path)
    inode = path.stat().st_ino
    new_stamp = set_published(path, True, stamp)
    assert path.read_bytes() == edit_flag(ARTICLE, True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode  # replaced, not rewritten in place
    assert read_with_stamp(path)[1] == new_stamp
    assert leftovers(tmp_path) == []


def test_set_published_without_expected_stamp(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"---\ntitle: a\n---\n")
    set_published(path, False, None)
    assert path.read_bytes() == b"---\ntitle: a\npublished: false\n---\n"
    set_published(path, None, None)
    assert path.read_bytes() == b"---\ntitle: a\n---\n"


def test_set_published_unchanged_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", ARTICLE)
    _, stamp = read_with_stamp(path)
    before = path.stat()
    assert set_published(path, False, stamp) == stamp
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def _grow(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\n")


def _touch(path: Path) -> None:
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 1_000_000_000))


def _same_size_same_mtime(path: Path) -> None:
    st_ = path.stat()
    path.write_bytes(path.read_bytes().replace(b"quality: 12", b"quality: 13"))
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns))


CONFLICTS = [("size", _grow), ("mtime", _touch), ("content", _same_size_same_mtime)]


@pytest.mark.parametrize(("name", "change"), CONFLICTS, ids=[c[0] for c in CONFLICTS])
def test_conflict_refused(tmp_path: Path, name: str, change: Any) -> None:
    path = write(tmp_path / "a.md", ARTICLE)
    _, stamp = read_with_stamp(path)
    change(path)
    changed = path.read_bytes()
    with pytest.raises(ConflictError, match=r"a\.md"):
        set_published(path, True, stamp)
    assert path.read_bytes() == changed
    assert leftovers(tmp_path) == []


def test_conflict_just_before_replace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "a.md", ARTICLE)
    _, stamp = read_with_stamp(path)
    real_write_all = flagwriter._write_all

    def racing_write(fd: int, data: bytes) -> None:
        real_write_all(fd, data)
        _grow(path)  # somebody else saves the file while we write the temporary copy

    monkeypatch.setattr(flagwriter, "_write_all", racing_write)
    with pytest.raises(ConflictError):
        set_published(path, True, stamp)
    assert path.read_bytes() == ARTICLE + b"\n"
    assert leftovers(tmp_path) == []


def test_vanished(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", ARTICLE)
    _, stamp = read_with_stamp(path)
    path.unlink()
    with pytest.raises(VanishedError, match=r"a\.md"):
        set_published(path, True, stamp)


def test_symlink_refused(tmp_path: Path) -> None:
    target = write(tmp_path / "real.md", ARTICLE)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    with pytest.raises(WriteError, match="symbolic link"):
        set_published(link, True, None)
    assert target.read_bytes() == ARTICLE
    assert link.is_symlink()


def test_directory_refused(tmp_path: Path) -> None:
    (tmp_path / "d.md").mkdir()
    with pytest.raises(WriteError, match="not a regular file"):
        set_published(tmp_path / "d.md", True, None)


def test_bad_front_matter_leaves_file(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"no front matter\n")
    with pytest.raises(FlagEditError):
        set_published(path, True, None)
    assert path.read_bytes() == b"no front matter\n"
    assert leftovers(tmp_path) == []


def test_read_only_directory(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = write(folder / "a.md", ARTICLE)
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running with privileges that ignore directory permissions")
        with pytest.raises(WriteError, match="permission denied"):
            set_published(path, True, None)
        assert path.read_bytes() == ARTICLE
        assert leftovers(folder) == []
    finally:
        folder.chmod(0o755)


def test_read_only_file(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", ARTICLE, 0o444)
    if os.access(path, os.W_OK):
        pytest.skip("running with privileges that ignore file permissions")
    with pytest.raises(WriteError, match="permission denied"):
        set_published(path, True, None)
    assert path.read_bytes() == ARTICLE


def test_permission_error_is_wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "a.md", ARTICLE)

    def refuse(src: Any, dst: Any, **kwargs: Any) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    # The fallback path (no RENAME_EXCHANGE) is the one that calls os.replace.
    monkeypatch.setattr(flagwriter, "_renameat2", None)
    monkeypatch.setattr(flagwriter.os, "replace", refuse)
    with pytest.raises(WriteError, match=r"^permission denied: .*a\.md$"):
        set_published(path, True, None)
    assert path.read_bytes() == ARTICLE
    assert leftovers(tmp_path) == []


def test_failed_fsync_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "a.md", ARTICLE)

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(flagwriter.os, "fsync", broken)
    with pytest.raises(WriteError, match="Input/output error"):
        set_published(path, True, None)
    assert path.read_bytes() == ARTICLE
    assert leftovers(tmp_path) == []


# -------------------------------------------------------------------------------------------
# The folder writer: short temporary names, directory descriptors, RENAME_EXCHANGE, owner


def test_temp_names_are_short_and_ours() -> None:
    name = temp_name()
    assert len(name) == len(".newsreader-") + 12 + len(".tmp") and is_temp_name(name)
    assert not is_temp_name(".a.md.0123456789ab.tmp")


def test_a_250_byte_file_name_can_be_published(tmp_path: Path) -> None:
    path = write(tmp_path / ("n" * 247 + ".md"), ARTICLE)
    set_published(path, True, None)
    assert path.read_bytes() == edit_flag(ARTICLE, True)
    assert leftovers(tmp_path) == []


def test_a_parent_swapped_for_a_symlink_cannot_redirect_the_write(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    write(root / "sub" / "a.md", ARTICLE)
    target = write(outside / "a.md", ARTICLE)
    with Folder(root) as folder:
        state = folder.read("sub/a.md")
        # Between the read and the write, the sub-folder becomes a link to somewhere else.
        (root / "sub").rename(root / "moved")
        (root / "sub").symlink_to(outside)
        with pytest.raises(WriteError, match="symbolic link"):
            folder.write("sub/a.md", edit_flag(ARTICLE, True), state, temp_name())
        with pytest.raises(WriteError, match="not a path inside"):
            folder.read("../outside/a.md")
    assert target.read_bytes() == ARTICLE
    assert leftovers(outside) == [] and leftovers(root / "moved") == []


def test_an_edit_made_just_before_the_swap_is_found_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if flagwriter._renameat2 is None:
        pytest.skip("renameat2 is not available here")
    path = write(tmp_path / "a.md", ARTICLE)
    _, stamp = read_with_stamp(path)
    real_exchange = flagwriter._exchange
    calls = []

    def racing_exchange(dir_fd: int, first: str, second: str) -> bool:
        if not calls:
            # The editor saves in place after any recheck could have run: only the check of
            # what the swap took out can see it.
            path.write_bytes(ARTICLE.replace(b"quality: 12", b"quality: 99"))
        calls.append(first)
        return real_exchange(dir_fd, first, second)

    monkeypatch.setattr(flagwriter, "_exchange", racing_exchange)
    with pytest.raises(ConflictError, match="while it was being written"):
        set_published(path, True, stamp)
    assert path.read_bytes() == ARTICLE.replace(b"quality: 12", b"quality: 99")
    assert len(calls) == 2  # swapped, inspected, swapped back
    assert leftovers(tmp_path) == []


def test_the_fallback_rechecks_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.md", ARTICLE)
    _, stamp = read_with_stamp(path)
    monkeypatch.setattr(flagwriter, "_renameat2", None)
    monkeypatch.setattr(flagwriter, "_before_install", lambda: _grow(path))
    with pytest.raises(ConflictError):
        set_published(path, True, stamp)
    assert path.read_bytes() == ARTICLE + b"\n"
    assert leftovers(tmp_path) == []


def test_unsupported_exchange_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno as errno_

    def enosys(*args: Any) -> int:
        flagwriter.ctypes.set_errno(errno_.ENOSYS)
        return -1

    monkeypatch.setattr(flagwriter, "_renameat2", enosys)
    path = write(tmp_path / "a.md", ARTICLE)
    set_published(path, True, None)
    assert path.read_bytes() == edit_flag(ARTICLE, True)
    assert leftovers(tmp_path) == []


def test_owner_and_extended_attributes_are_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", ARTICLE)
    try:
        os.setxattr(path, "user.origin", b"crawler")
    except OSError:
        pytest.skip("user.* extended attributes are not supported here")
    if os.geteuid() == 0:
        os.chown(path, 4321, 4322)
    before = path.stat()
    set_published(path, True, None)
    after = path.stat()
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert os.getxattr(path, "user.origin") == b"crawler"
    assert after.st_ino != before.st_ino
