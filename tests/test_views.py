"""Saving a view into config.toml: only the view's line changes, or nothing does."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from newsreader.views import ViewSaveError, save_view, toml_string, with_view

KEEP = """# my settings
theme = "nord"   # dark

[keymap]
"app.publish" = "p,P"
"""

EDITS: list[tuple[str, str, str, str, str]] = [
    # (case, file before, name, query, file after)
    ("empty file", "", "AI", "topic:AI", '[views]\nAI = "topic:AI"\n'),
    ("no views table", KEEP, "AI", "topic:AI", KEEP + '\n[views]\nAI = "topic:AI"\n'),
    (
        "no final newline",
        'theme = "nord"',
        "AI",
        "topic:AI",
        'theme = "nord"\n\n[views]\nAI = "topic:AI"\n',
    ),
    (
        "replace a quoted key, keep the comments",
        '[views] # mine\n"AI to review" = "x"  # old\nb = "y"\n\n# next\n[keymap]\n',
        "AI to review",
        'is:unpublished "a phrase"',
        '[views] # mine\n"AI to review" = "is:unpublished \\"a phrase\\""\nb = "y"\n\n# next\n'
        "[keymap]\n",
    ),
    (
        "add after the last key, before the next table's comments",
        '[views]\na = "x"\n\n# keys\n[keymap]\n',
        "b c",
        "y",
        '[views]\na = "x"\n"b c" = "y"\n\n# keys\n[keymap]\n',
    ),
    (
        "crlf kept",
        'a = 1\r\n[views]\r\nx = "1"\r\n',
        "y",
        "2",
        'a = 1\r\n[views]\r\nx = "1"\r\ny = "2"\r\n',
    ),
    (
        "a control character and a backslash",
        "",
        "tab\there",
        "a\\b\x7f",
        '[views]\n"tab\\u0009here" = "a\\\\b\\u007f"\n',
    ),
]


@pytest.mark.parametrize(
    ("before", "name", "query", "after"), [c[1:] for c in EDITS], ids=[c[0] for c in EDITS]
)
def test_with_view(before: str, name: str, query: str, after: str) -> None:
    new = with_view(before, name, query)
    assert new == after
    assert tomllib.loads(new)["views"][name] == query


REFUSED: list[tuple[str, str, str]] = [
    ("inline table", 'views = { a = "x" }\n', "an inline table"),
    ("multi-line value", '[views]\na = """\nb = "x"\n"""\n', "add the view by hand"),
    ("broken file", "theme = \n", "does not parse"),
    ("views not a table", 'views = "x"\n', "not a [views] table"),
    ("array of tables", '[[views]]\na = "x"\n', "not a [views] table"),
]


@pytest.mark.parametrize(
    ("before", "message"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_refused_edits(before: str, message: str) -> None:
    with pytest.raises(ViewSaveError, match=message.replace("[", r"\[").replace("]", r"\]")):
        with_view(before, "b", "y")


def test_save_view_keeps_the_file_and_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "config.toml"
    save_view(path, "AI", "topic:AI")  # created with its folder
    assert tomllib.loads(path.read_text())["views"] == {"AI": "topic:AI"}
    path.write_text(KEEP)
    path.chmod(0o600)
    save_view(path, "AI", "topic:AI")
    assert path.read_text() == KEEP + '\n[views]\nAI = "topic:AI"\n'
    assert path.stat().st_mode & 0o777 == 0o600
    broken = 'views = { a = "x" }\n'
    path.write_text(broken)
    with pytest.raises(ViewSaveError):
        save_view(path, "b", "y")
    assert path.read_text() == broken
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


def test_toml_string_round_trips() -> None:
    for text in ("", "plain", 'q"uote', "back\\slash", "\x00\x1f\x7f", "é ü \u2028"):
        assert tomllib.loads(f"k = {toml_string(text)}")["k"] == text
