"""Tests for newsreader.config (settings with notices) and newsreader.session (saved state)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader import paths
from newsreader.config import Settings, load_settings, settings_from_dict
from newsreader.session import (
    SessionState,
    load_session,
    remember_theme,
    remembered_theme,
    save_session,
)

# --- config ------------------------------------------------------------------------------------


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert load_settings(None) == (Settings(), [])
    assert load_settings(tmp_path / "missing.toml") == (Settings(), [])
    defaults = Settings()
    assert defaults.default_sort == "date" and defaults.sort_reverse is False
    assert defaults.extensions == (".md", ".markdown", ".txt")
    assert defaults.keymap == {} and defaults.saved_views == {}


def test_config_file_lives_in_the_isolated_config_dir(isolated_dirs: Path) -> None:
    assert paths.config_file().is_relative_to(isolated_dirs)


def test_a_good_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'theme = "nord"\ndefault_sort = "quality"\nsort_reverse = true\n'
        "advance_on_publish = false\nwatch = false\nrestore_session = false\n"
        'extensions = ["md", ".TXT"]\n\n[keymap]\n"app.publish" = "p,P"\n\n'
        '[views]\n"AI to review" = "is:unpublished topic:AI"\n',
        encoding="utf-8",
    )
    settings, notices = load_settings(path)
    assert notices == []
    assert settings == Settings(
        theme="nord",
        default_sort="quality",
        sort_reverse=True,
        advance_on_publish=False,
        watch=False,
        restore_session=False,
        extensions=(".md", ".TXT"),
        keymap={"app.publish": "p,P"},
        saved_views={"AI to review": "is:unpublished topic:AI"},
    )


BROKEN_FILES: list[tuple[str, bytes]] = [
    ("toml-syntax", b"theme = \n"),
    ("unclosed-table", b"[keymap\n"),
    ("not-utf8", b'theme = "caf\xe9"\n'),
    ("duplicate-key", b'theme = "a"\ntheme = "b"\n'),
]


@pytest.mark.parametrize("data", [c[1] for c in BROKEN_FILES], ids=[c[0] for c in BROKEN_FILES])
def test_a_broken_file_gives_defaults_and_one_notice(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    settings, notices = load_settings(path)
    assert settings == Settings()
    assert len(notices) == 1
    assert "using defaults" in notices[0] and "\n" not in notices[0]


def test_a_folder_where_the_file_should_be(tmp_path: Path) -> None:
    (tmp_path / "config.toml").mkdir()
    settings, notices = load_settings(tmp_path / "config.toml")
    assert settings == Settings() and len(notices) == 1


WRONG_VALUES: list[tuple[str, dict[str, object], str]] = [
    ("theme-number", {"theme": 5}, "theme must be a str"),
    ("sort-unknown", {"default_sort": "colour"}, "'colour' is not a sort key"),
    ("sort-number", {"default_sort": 3}, "default_sort must be a str"),
    ("reverse-string", {"sort_reverse": "yes"}, "sort_reverse must be a bool"),
    ("watch-number", {"watch": 1}, "watch must be a bool"),
    ("extensions-empty", {"extensions": []}, "extensions must be a list of strings"),
    ("extensions-string", {"extensions": ".md"}, "extensions must be a list of strings"),
    ("extensions-mixed", {"extensions": [".md", 3]}, "extensions must be a list of strings"),
    ("keymap-not-table", {"keymap": "p"}, "[keymap] must be a table"),
    ("views-bad-value", {"views": {"a": 1, "b": "x"}}, "[views] values must be strings"),
    ("unknown-key", {"colour": "red", "zoom": 2}, "unknown settings ignored: colour, zoom"),
]


@pytest.mark.parametrize(
    ("data", "notice"), [c[1:] for c in WRONG_VALUES], ids=[c[0] for c in WRONG_VALUES]
)
def test_wrong_values_keep_defaults_with_a_notice(data: dict[str, object], notice: str) -> None:
    settings, notices = settings_from_dict(data)
    assert any(notice in n for n in notices), notices
    defaults = Settings()
    for key in ("theme", "default_sort", "sort_reverse", "watch", "extensions", "keymap"):
        assert getattr(settings, key) == getattr(defaults, key)


def test_good_values_survive_next_to_wrong_ones() -> None:
    settings, notices = settings_from_dict(
        {"theme": 5, "default_sort": "heat", "views": {"good": "is:published", "bad": []}}
    )
    assert settings.default_sort == "heat"
    assert settings.saved_views == {"good": "is:published"}
    assert len(notices) == 2


# --- session -----------------------------------------------------------------------------------


def test_session_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "session.json"
    state = SessionState(
        cursor="sub/a.md", query="topic:AI -is:published", sort="heat", reverse=True
    )
    save_session(path, state)
    assert load_session(path) == state
    save_session(path, SessionState())
    assert load_session(path) == SessionState()
    assert [p.name for p in path.parent.iterdir()] == ["session.json"]  # no temp files left


def test_session_file_is_per_folder_and_outside_it(tmp_path: Path, isolated_dirs: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert paths.session_file(one) != paths.session_file(two)
    assert paths.session_file(one).is_relative_to(isolated_dirs)
    assert paths.session_file(one) == paths.session_file(tmp_path / "x" / ".." / "one")


CORRUPT_SESSIONS: list[tuple[str, bytes, SessionState]] = [
    ("empty", b"", SessionState()),
    ("not-json", b"{cursor: a}", SessionState()),
    ("not-utf8", b'{"cursor": "\xff"}', SessionState()),
    ("list", b"[1, 2]", SessionState()),
    ("null", b"null", SessionState()),
    ("deeply-nested", b"[" * 100_000 + b"]" * 100_000, SessionState()),
    ("unhashable-sort", b'{"sort": ["date"], "query": "x"}', SessionState(query="x")),
    ("unknown-sort", b'{"sort": "colour", "cursor": "a.md"}', SessionState(cursor="a.md")),
    (
        "wrong-types",
        b'{"cursor": 5, "query": null, "sort": {}, "reverse": "yes"}',
        SessionState(),
    ),
    ("partial", b'{"reverse": true}', SessionState(reverse=True)),
]


@pytest.mark.parametrize(
    ("data", "expected"),
    [c[1:] for c in CORRUPT_SESSIONS],
    ids=[c[0] for c in CORRUPT_SESSIONS],
)
def test_corrupt_session_gives_defaults(
    tmp_path: Path, data: bytes, expected: SessionState
) -> None:
    path = tmp_path / "session.json"
    path.write_bytes(data)
    assert load_session(path) == expected


def test_missing_or_unreadable_session(tmp_path: Path) -> None:
    assert load_session(tmp_path / "missing.json") == SessionState()
    (tmp_path / "dir.json").mkdir()
    assert load_session(tmp_path / "dir.json") == SessionState()


THEMES: list[tuple[str, str | None, str, str]] = [
    # (case, stored file, config theme now, theme used)
    ("nothing stored", None, "nord", "nord"),
    ("chosen in the app", '{"theme": "dracula", "config_theme": "nord"}', "nord", "dracula"),
    ("config changed since", '{"theme": "dracula", "config_theme": "nord"}', "gruvbox", "gruvbox"),
    ("corrupt", "{not json", "nord", "nord"),
    ("not an object", "[1]", "nord", "nord"),
    ("empty theme", '{"theme": "", "config_theme": "nord"}', "nord", "nord"),
]


@pytest.mark.parametrize(
    ("stored", "config_theme", "expected"), [c[1:] for c in THEMES], ids=[c[0] for c in THEMES]
)
def test_remembered_theme(
    tmp_path: Path, stored: str | None, config_theme: str, expected: str
) -> None:

    path = tmp_path / "ui.json"
    if stored is not None:
        path.write_text(stored)
    assert remembered_theme(path, config_theme) == expected


def test_remember_theme_round_trips(tmp_path: Path) -> None:

    path = tmp_path / "state" / "ui.json"
    remember_theme(path, "dracula", "textual-dark")
    assert remembered_theme(path, "textual-dark") == "dracula"
    assert [p.name for p in path.parent.iterdir()] == ["ui.json"]
