"""Tests for the headless CLI, run as ``python -m newsreader`` in subprocesses on temp folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newsreader import __version__, paths
from tests.hostile import EXPECTED_WARNINGS, write_hostile_corpus

ALPHA = """---
category: news
title: "Alpha story"
excerpt: "Alpha excerpt."
publishedDateTime: 2021-01-01T10:00:00Z
webUrl: "https://alpha.example/a"
type: article
quality: 50
heat: 10
published: false

provider:
  name: Alpha News
  domain: alpha.example

topics:
  - AI

customField: kept

related:
  - title: "Beta by AMP"
    webUrl: "https://www.beta.example/b/amp"
  - title: "Elsewhere"
    webUrl: "https://ext.example/x"

secured: "c2lnbmF0dXJl;Zm9v=="
---
"""

BETA = """---
title: "Beta story"
publishedDateTime: 2021-02-01T00:00:00Z
webUrl: "https://beta.example/b"
type: video
quality: 20
heat: 30
published: true
provider:
  name: Beta
  domain: beta.example
topics: [AI, Cars]
---
"""

GAMMA = """---
title: "Gamma story"
webUrl: "https://gamma.example/g"
heat: 5
topics:
  - Cars
related:
  - title: "Alpha again"
    webUrl: "http://alpha.example/a/"
---
"""

DELTA = """---
title: "Delta story"
publishedDateTime: 2020-06-01T00:00:00Z
quality: "high"
published: false
---
"""

# Parses fine, but the flag writer refuses a flow mapping at the top level.
FLOW = """---
{title: "Flow story", published: false}
---
"""

FILES = {
    "2021-01-01-alpha.md": ALPHA,
    "2021-02-01-beta.md": BETA,
    "gamma.txt": GAMMA,
    "sub/delta.md": DELTA,
    "flow.md": FLOW,
}
ALPHA_ID, BETA_ID = "2021-01-01-alpha.md", "2021-02-01-beta.md"
LIST_KEYS = {
    "id",
    "title",
    "published",
    "date",
    "provider",
    "domain",
    "topics",
    "type",
    "quality",
    "heat",
    "url",
    "related_count",
    "resolved_count",
    "warnings",
}


def _write(folder: Path) -> Path:
    for rel, text in FILES.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(text.encode())
    return folder


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for read-only commands (shared by the tests of this module)."""
    return _write(tmp_path_factory.mktemp("cli") / "news")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str | None]]:
    folder = tmp_path_factory.mktemp("cli-hostile") / "corpus"
    return folder, write_hostile_corpus(folder)


def run(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m newsreader ARGS`` (the XDG dirs of the test are inherited)."""
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def json_lines(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def assert_error(result: subprocess.CompletedProcess[str], message: str, code: int = 2) -> None:
    """A clean failure: exit ``code`` and exactly one line on stderr, naming the problem."""
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("newsreader: ") and message in lines[0], lines


# --- read-only commands ------------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert_ok(result)
    assert result.stdout.strip() == f"newsreader {__version__}"


def test_list_text(news: Path) -> None:
    result = run("list", news)
    assert_ok(result)
    lines = result.stdout.splitlines()
    # Newest first; the undated last, in id order.
    ids = [line.rsplit("[", 1)[1].rstrip("]") for line in lines]
    assert ids == [BETA_ID, ALPHA_ID, "sub/delta.md", "flow.md", "gamma.txt"]
    assert lines[0].startswith("● 2021-02-01")
    assert lines[1].startswith("○ 2021-01-01") and "Alpha story" in lines[1]


def test_list_json(news: Path) -> None:
    result = run("list", news, "--json")
    assert_ok(result)
    records = {r["id"]: r for r in json_lines(result)}
    assert set(records) == set(FILES)
    assert all(set(r) >= LIST_KEYS for r in records.values())
    alpha = records[ALPHA_ID]
    assert alpha["title"] == "Alpha story" and alpha["published"] is False
    assert alpha["date"] == "2021-01-01T10:00:00+00:00"
    assert (alpha["provider"], alpha["domain"]) == ("Alpha News", "alpha.example")
    assert (alpha["topics"], alpha["type"], alpha["quality"], alpha["heat"]) == (
        ["AI"],
        "article",
        50,
        10,
    )
    assert alpha["url"] == "https://alpha.example/a"
    assert (alpha["related_count"], alpha["resolved_count"], alpha["warnings"]) == (2, 1, [])
    gamma = records["gamma.txt"]
    assert gamma["date"] is None and gamma["quality"] is None and gamma["published"] is True
    assert records["sub/delta.md"]["warnings"] and records["sub/delta.md"]["quality"] is None


SORTS: list[tuple[str, list[str], list[str]]] = [
    (
        "quality",
        ["--sort", "quality"],
        [ALPHA_ID, BETA_ID, "flow.md", "gamma.txt", "sub/delta.md"],
    ),
    (
        "quality-reverse",
        ["--sort", "quality", "--reverse"],
        [BETA_ID, ALPHA_ID, "flow.md", "gamma.txt", "sub/delta.md"],
    ),
    ("query", ["--query", "topic:AI is:unpublished"], [ALPHA_ID]),
    (
        "query-or-heat",
        ["-q", "heat>=10 OR topic:cars", "--sort", "heat"],
        [BETA_ID, ALPHA_ID, "gamma.txt"],
    ),
]


@pytest.mark.parametrize(("args", "expected"), [c[1:] for c in SORTS], ids=[c[0] for c in SORTS])
def test_list_sort_and_query(news: Path, args: list[str], expected: list[str]) -> None:
    result = run("list", news, "--json", *args)
    assert_ok(result)
    assert [r["id"] for r in json_lines(result)] == expected


def test_show_json(news: Path) -> None:
    result = run("show", news, f"./{ALPHA_ID}", "--json")
    assert_ok(result)
    record = json.loads(result.stdout)
    assert record["id"] == ALPHA_ID and record["excerpt"] == "Alpha excerpt."
    assert record["unknown"] == {"customField": "kept"}
    assert [(r["title"], r["target"]) for r in record["related"]] == [
        ("Beta by AMP", BETA_ID),
        ("Elsewhere", None),
    ]
    assert record["backlinks"] == ["gamma.txt"]
    assert record["urls"]["web"] == "https://alpha.example/a"


def test_show_text(news: Path) -> None:
    result = run("show", news, ALPHA_ID)
    assert_ok(result)
    out = result.stdout
    assert out.startswith("Alpha story\n")
    for expected in (
        "unpublished",
        "customField: kept",
        "Related (2)",
        f"-> {BETA_ID}",
        "(external)",
        "Backlinks (1)",
        "[gamma.txt]",
    ):
        assert expected in out, expected


def test_stats(news: Path) -> None:
    result = run("stats", news, "--json")
    assert_ok(result)
    stats = json.loads(result.stdout)
    assert (stats["articles"], stats["published"], stats["unpublished"], stats["bad"]) == (
        5,
        2,
        3,
        0,
    )
    assert stats["topics"] == {"AI": 2, "Cars": 2}
    assert stats["types"] == {"(none)": 3, "article": 1, "video": 1}
    assert stats["providers"]["Alpha News"] == 1
    result = run("stats", news, "--query", "topic:Cars", "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["articles"] == 2
    result = run("stats", news)
    assert_ok(result)
    assert "articles     5" in result.stdout and "unpublished  3" in result.stdout


def test_check_good_folder(news: Path) -> None:
    result = run("check", news, "--json")
    assert_ok(result)
    report = json.loads(result.stdout)
    assert report["articles"] == 5 and report["bad"] == []
    front_matter = [w for w in report["warnings"] if w["code"] == "front-matter"]
    assert {w["id"] for w in front_matter} == {"sub/delta.md"}
    # No article of this folder has images: the default lint says so of each.
    images = {w["id"] for w in report["warnings"] if w["code"] == "images"}
    assert images == {ALPHA_ID, BETA_ID, "gamma.txt", "sub/delta.md", "flow.md"}


def test_check_hostile_folder(hostile: tuple[Path, dict[str, str | None]]) -> None:
    folder, expected = hostile
    result = run("check", folder, "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"articles", "bad", "warnings"}
    assert report["articles"] == sum(1 for r in expected.values() if r is None)
    bad = {b["id"]: b["reason"] for b in report["bad"]}
    assert bad.keys() == {i for i, r in expected.items() if r is not None}
    for article_id, reason in bad.items():
        assert expected[article_id] in reason.lower()
    # What the site does with each: Jekyll copies what has no front matter for it, and builds
    # the page with no front matter (so published) when it cannot read the YAML either.
    site = {b["id"]: b["site"] for b in report["bad"]}
    assert {i: site[i] for i in ("empty.md", "bom.md", "no-front-matter.md", "binary.md")} == {
        "empty.md": "copied",
        "bom.md": "copied",
        "no-front-matter.md": "copied",
        "binary.md": "copied",
    }
    assert site["invalid-yaml.md"] == site["unclosed.md"] == "published"
    assert not any(b["indexed"] for b in report["bad"])
    assert {w["id"] for w in report["warnings"]} >= set(EXPECTED_WARNINGS)
    assert all(set(w) == {"id", "warning", "code"} for w in report["warnings"])

    result = run("check", folder)
    assert result.returncode == 1
    assert "bad   empty.md: empty file" in result.stdout
    reaching = sum(1 for b in report["bad"] if b["site"] != "hidden")
    assert result.stdout.splitlines()[-1].endswith(
        f"{len(bad)} problem files ({reaching} reach the site), {len(report['warnings'])} warnings"
    )


def test_hostile_titles_cannot_drive_the_terminal(
    hostile: tuple[Path, dict[str, str | None]],
) -> None:
    folder, _ = hostile
    for args in (["list", folder], ["show", folder, "markup-title.md"]):
        result = run(*args)
        assert_ok(result)
        assert not any(ch in result.stdout for ch in "\x1b\x07\x9b"), args
    assert_error(run("show", folder, "empty.md"), "empty.md: empty file")


ERRORS: list[tuple[str, list[str], str]] = [
    ("bad-query", ["list", "{news}", "--query", "colour:red"], "unknown field"),
    ("bad-query-stats", ["stats", "{news}", "-q", "(topic:AI"], "newsreader: "),
    ("missing-folder", ["list", "{news}/nope"], "no such folder"),
    ("file-not-folder", ["check", "{news}/flow.md"], "not a folder"),
    ("unknown-id", ["show", "{news}", "nope.md"], "nope.md: no such article"),
    ("publish-nothing", ["publish", "{news}"], "name article ids or give --query or --view"),
    ("usage", ["list"], "required: DIR (see newsreader list --help)"),
    ("bad-choice", ["list", "{news}", "--sort", "size"], "argument --sort: invalid choice"),
]


@pytest.mark.parametrize(("args", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors_are_one_line(news: Path, args: list[str], message: str) -> None:
    result = run(*(a.format(news=news) for a in args))
    assert_error(result, message)
    assert result.stdout == ""


def test_an_unreadable_journal_is_one_line(tmp_path: Path) -> None:
    folder = _write(tmp_path / "news")
    paths.journal_file(folder).mkdir(parents=True)  # a folder where the journal should be
    assert_error(run("publish", folder, ALPHA_ID), "cannot read journal")
    assert (folder / ALPHA_ID).read_bytes() == ALPHA.encode()


def test_file_names_that_are_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.md")
    (folder / name).write_bytes(BETA.encode())
    # A strict UTF-8 stdout, as under an en_US.UTF-8 locale.
    result = run("list", folder, "--json", env={"PYTHONIOENCODING": "utf-8"})
    assert_ok(result)
    assert [r["id"] for r in json_lines(result)] == [name]


# --- changes -----------------------------------------------------------------------------------


def test_publish_unpublish_undo_redo(tmp_path: Path) -> None:
    folder = _write(tmp_path / "news")
    original = {rel: (folder / rel).read_bytes() for rel in FILES}

    def current(rel: str) -> bytes:
        return (folder / rel).read_bytes()

    def only_flag(rel: str, old: bytes, new: bytes) -> bytes:
        assert original[rel].count(old) == 1
        return original[rel].replace(old, new)

    # A dry run says what would change and writes nothing, not even the journal.
    result = run("publish", folder, ALPHA_ID, BETA_ID, "--dry-run")
    assert_ok(result)
    assert result.stdout.splitlines() == [
        f"would publish {ALPHA_ID}: false -> true",
        "would publish: 1 changed, 1 unchanged, 0 failed",
    ]
    result = run("publish", folder, "--query", "is:unpublished", "--dry-run", "--json")
    assert_ok(result)
    assert {(r["id"], r["from"], r["to"], r["dry_run"]) for r in json_lines(result)} == {
        (ALPHA_ID, False, True, True),
        ("sub/delta.md", False, True, True),
        ("flow.md", False, True, True),
    }
    assert {rel: current(rel) for rel in FILES} == original
    assert_error(run("undo", folder), "nothing to undo")

    # Publishing changes the flag's value token and nothing else.
    result = run("publish", folder, ALPHA_ID)
    assert_ok(result)
    assert result.stdout.splitlines()[0] == f"publish {ALPHA_ID}: false -> true"
    published_alpha = only_flag(ALPHA_ID, b"published: false", b"published: true")
    assert current(ALPHA_ID) == published_alpha

    # Undo and redo work from later processes (the journal is on disk).
    result = run("undo", folder)
    assert_ok(result)
    assert result.stdout.splitlines()[0] == f"undo {ALPHA_ID}: true -> false"
    assert current(ALPHA_ID) == original[ALPHA_ID]
    assert_ok(run("redo", folder))
    assert current(ALPHA_ID) == published_alpha
    result = run("undo", folder, "--json")
    assert_ok(result)
    assert json_lines(result) == [
        {
            "id": ALPHA_ID,
            "from": True,
            "to": False,
            "dry_run": False,
            "from_text": "true",
            "to_text": "false",
        }
    ]
    assert current(ALPHA_ID) == original[ALPHA_ID]

    # A failed change (unknown id) is reported and the rest is still done; exit 1.
    result = run("unpublish", folder, "gamma.txt", f"./{BETA_ID}", "missing.md")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "unpublish gamma.txt: (no key) -> false" in result.stdout
    assert "failed missing.md: no such article" in result.stdout
    assert result.stderr.splitlines() == ["newsreader: missing.md: no such article"]
    assert current("gamma.txt") == original["gamma.txt"].replace(
        b"heat: 5\n", b"heat: 5\npublished: false\n"
    )
    assert current(BETA_ID) == only_flag(BETA_ID, b"published: true", b"published: false")

    # A file the writer refuses fails alone; the other one is published.
    result = run("publish", folder, "flow.md", "sub/delta.md", "--json")
    assert result.returncode == 1
    records = json_lines(result)
    assert {
        "id": "sub/delta.md",
        "from": False,
        "to": True,
        "dry_run": False,
        "from_text": "false",
        "to_text": "true",
    } in records
    assert [r["id"] for r in records if "error" in r] == ["flow.md"]
    assert current("flow.md") == original["flow.md"]
    assert current("sub/delta.md") == only_flag(
        "sub/delta.md", b"published: false", b"published: true"
    )

    # Undo goes back one batch at a time; the unpublish batch is undone as one step.
    assert_ok(run("undo", folder))
    assert current("sub/delta.md") == original["sub/delta.md"]
    assert current("gamma.txt") != original["gamma.txt"]
    result = run("undo", folder)
    assert_ok(result)
    assert "undo: 2 changed, 0 unchanged, 0 failed" in result.stdout
    assert {rel: current(rel) for rel in FILES} == original
    assert_error(run("undo", folder), "nothing to undo")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["2021-01-01-alpha.md", "2021-02-01-beta.md", "gamma.txt", "sub", "flow.md"]
    )


def test_undo_skips_a_file_changed_since_and_says_so(tmp_path: Path) -> None:
    folder = _write(tmp_path / "news")
    original = (folder / BETA_ID).read_bytes()
    assert_ok(run("unpublish", folder, ALPHA_ID, BETA_ID))
    edited = (folder / BETA_ID).read_bytes() + b"edited by hand\n"
    (folder / BETA_ID).write_bytes(edited)
    result = run("undo", folder)
    assert result.returncode == 1
    assert f"newsreader: skipped {BETA_ID}: changed on disk since" in result.stderr
    assert "1 skipped" in result.stdout
    assert (folder / BETA_ID).read_bytes() == edited != original
    assert "nothing to undo" in run("undo", folder).stderr  # skipped is an answer: it is done


def test_reading_a_folder_recovers_a_killed_batch(tmp_path: Path) -> None:
    """`list` (any command) closes a batch a killed process left open and removes its temp."""
    from newsreader.writing.journal import Change, Journal

    folder = _write(tmp_path / "news")
    tmp = ".newsreader-0123456789ab.tmp"
    (folder / tmp).write_bytes(b"half-written")
    journal = Journal(paths.journal_file(folder))
    with journal.locked():
        number = journal.begin("publish")
        journal.intend(number, [Change(ALPHA_ID, False, True, ("false", "true"), "00", "11", tmp)])
    # The writer "dies" here: no end record.
    result = run("list", folder)
    assert result.returncode == 0, result.stderr
    assert not (folder / tmp).exists()
    batch = Journal(paths.journal_file(folder)).peek_undo()
    assert batch is not None and batch.interrupted and batch.number == number


# --- help, mistyped commands, folders, config, views -------------------------------------------


def test_top_level_help_lists_every_command_and_ends_with_examples() -> None:
    from newsreader.cli import COMMANDS

    result = run("--help")
    assert_ok(result)
    out = result.stdout
    for name in COMMANDS:
        assert sum(line.startswith(f"  {name} ") for line in out.splitlines()) == 1, name
    assert "exit codes:" in out and "newsreader help query" in out
    assert out.rstrip().splitlines()[-1].lstrip().startswith("newsreader completion")
    assert "examples:" in out.split("exit codes:")[1]


@pytest.mark.parametrize(
    "command", ["list", "show", "stats", "check", "publish", "unpublish", "undo", "redo"]
)
def test_each_command_help_points_to_the_query_syntax_and_exit_codes(command: str) -> None:
    result = run(command, "--help")
    assert_ok(result)
    assert "newsreader help query" in result.stdout and "exit codes:" in result.stdout
    assert "--config FILE" in result.stdout


def test_help_query_prints_the_syntax_table() -> None:
    from newsreader.articles.query import SYNTAX

    result = run("help", "query")
    assert_ok(result)
    for term, _ in SYNTAX:
        assert term.replace("`", "").split(",")[0] in result.stdout
    assert_ok(run("help", "list"))
    assert "--sort" in run("help", "list").stdout


def test_readme_documents_the_query_syntax_and_exit_codes() -> None:
    """The README's query table is generated from the one in the code; the exit codes too."""
    from newsreader.articles.query import syntax_markdown
    from newsreader.cli import EXIT_CODES

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert syntax_markdown() in readme
    for line in EXIT_CODES.splitlines()[1:]:
        code = line.split()[0]
        if code.isdigit():
            assert f"| {code} |" in readme, code


TYPOS: list[tuple[str, list[str], str]] = [
    ("lsit", ["lsit", "{news}"], "unknown command 'lsit' (did you mean list?)"),
    ("pubilsh", ["pubilsh", "{news}"], "unknown command 'pubilsh' (did you mean publish?)"),
    ("far off, with a folder", ["frobnicate", "{news}"], "unknown command 'frobnicate' (commands:"),
    ("a missing folder alone", ["{news}/nope"], "no such folder"),
]


@pytest.mark.parametrize(("args", "message"), [c[1:] for c in TYPOS], ids=[c[0] for c in TYPOS])
def test_a_mistyped_command_is_named(news: Path, args: list[str], message: str) -> None:
    assert_error(run(*(a.format(news=news) for a in args)), message)


def test_a_folder_named_like_a_command_typo_is_a_folder(tmp_path: Path) -> None:
    """An existing folder wins over the guess: `newsreader lsit` with a folder lsit opens it
    (here: the app refuses for want of a terminal, which proves it got that far)."""
    (tmp_path / "lsit").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "newsreader", "lsit"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2 and "needs a terminal" in result.stderr


def test_the_app_refuses_to_start_without_a_terminal(news: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsreader", str(news)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "needs a terminal" in lines[0] and "newsreader list" in lines[0]


def test_tilde_is_expanded_in_folders(news: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "news").symlink_to(news, target_is_directory=True)
    result = run("list", "~/news", "--json", env={"HOME": str(home)})
    assert_ok(result)
    assert len(json_lines(result)) == len(FILES)
    result = run("list", "--config=~/conf.toml", "~/news", env={"HOME": str(home)})
    assert_error(result, f"config {home}/conf.toml: no such file")


def test_config_option_chooses_the_config_file(news: Path, tmp_path: Path) -> None:
    config = tmp_path / "other.toml"
    config.write_text('default_sort = "quality"\n[views]\nai = "topic:AI"\n')
    by_quality = [ALPHA_ID, BETA_ID, "flow.md", "gamma.txt", "sub/delta.md"]
    for args in (["--config", config, "list", news], ["list", news, "--config", config]):
        result = run(*args, "--json")
        assert_ok(result)
        assert [r["id"] for r in json_lines(result)] == by_quality
    result = run("stats", news, "--config", config, "--view", "ai", "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["articles"] == 2
    assert_error(run("list", news, "--config", tmp_path / "none.toml"), "no such file")
    # The app takes it too (checked before it looks for a terminal).
    assert_error(run("--config", tmp_path / "none.toml", news), "none.toml: no such file")


VIEWS: list[tuple[str, list[str], list[str]]] = [
    ("view", ["--view", "ai"], [BETA_ID, ALPHA_ID]),
    ("view and query: both", ["--view", "ai", "-q", "is:unpublished"], [ALPHA_ID]),
    ("an OR view stays whole", ["--view", "either", "-q", "type:video"], [BETA_ID]),
    ("accents folded", ["-q", "\u00e1lpha"], [ALPHA_ID]),
    ("fuzzy title", ["-q", "~gmst"], ["gamma.txt"]),
]


@pytest.mark.parametrize(("args", "expected"), [c[1:] for c in VIEWS], ids=[c[0] for c in VIEWS])
def test_views_in_commands_that_take_a_query(
    news: Path, args: list[str], expected: list[str]
) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text('[views]\nai = "topic:AI"\neither = "topic:AI OR heat<=5"\n')
    result = run("list", news, "--json", *args)
    assert_ok(result)
    assert [r["id"] for r in json_lines(result)] == expected


def test_an_unknown_view_is_one_line(news: Path) -> None:
    assert_error(run("list", news, "--view", "nope"), "unknown view 'nope' (views: none saved")
    result = run("publish", news, "--view", "nope", "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout) == {
        "error": "unknown view 'nope' (views: none saved in the config's [views])"
    }


# --- the --json contract on every path ---------------------------------------------------------


def test_json_errors_are_json(news: Path, tmp_path: Path) -> None:
    result = run("show", news, "nope.md", "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"id": "nope.md", "error": "nope.md: no such article"}
    result = run("list", news, "-q", "colour:red", "--json")
    assert result.returncode == 2 and "unknown field" in json.loads(result.stdout)["error"]
    result = run("list", news, "--sort", "size", "--json")
    assert result.returncode == 2 and "invalid choice" in json.loads(result.stdout)["error"]
    folder = _write(tmp_path / "news")
    result = run("undo", folder, "--json")
    assert result.returncode == 2
    assert json_lines(result) == [{"error": "nothing to undo"}]
    # Nothing changed: no line (JSON Lines of nothing), exit 0.
    result = run("publish", folder, BETA_ID, "--json")
    assert_ok(result)
    assert result.stdout == ""


def test_show_json_counts_match_list_json(news: Path) -> None:
    listed = {r["id"]: r for r in json_lines(run("list", news, "--json"))}
    shown = json.loads(run("show", news, ALPHA_ID, "--json").stdout)
    # show adds lists to list's keys and changes none of them.
    assert {k: shown[k] for k in listed[ALPHA_ID]} == listed[ALPHA_ID]
    assert len(shown["related"]) == shown["related_count"]
    assert sum(r["target"] is not None for r in shown["related"]) == shown["resolved_count"]


# --- completion --------------------------------------------------------------------------------


def _complete(script: str, words: list[str], tmp_path: Path) -> list[str]:
    """Run the bash completion function on ``words`` (the last is being typed)."""
    (tmp_path / "script.bash").write_text(script)
    line = " ".join(words)
    probe = (
        f"source {tmp_path / 'script.bash'}; COMP_WORDS=({line}); "
        f"COMP_CWORD={len(words) - 1}; _newsreader; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    )
    result = subprocess.run(
        ["bash", "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_bash_completion_from_the_parser(tmp_path: Path) -> None:
    result = run("completion", "bash")
    assert_ok(result)
    (tmp_path / "seeds").mkdir()
    assert _complete(result.stdout, ["newsreader", "li"], tmp_path) == ["list"]
    assert _complete(result.stdout, ["newsreader", "se"], tmp_path) == ["seeds"]
    assert _complete(result.stdout, ["newsreader", "list", "seeds", "--so"], tmp_path) == ["--sort"]
    assert _complete(result.stdout, ["newsreader", "list", "--sort", "q"], tmp_path) == ["quality"]
    assert _complete(result.stdout, ["newsreader", "completion", "f"], tmp_path) == ["fish"]
    assert _complete(result.stdout, ["newsreader", "publish", "seeds", "--v"], tmp_path) == [
        "--view"
    ]


def test_zsh_and_fish_completion_name_every_command_and_option() -> None:
    from newsreader.cli import COMMANDS

    zsh, fish = run("completion", "zsh"), run("completion", "fish")
    assert_ok(zsh)
    assert_ok(fish)
    assert zsh.stdout.startswith("#compdef newsreader") and "bashcompinit" in zsh.stdout
    for name in COMMANDS:
        assert f"-a {name} " in fish.stdout, name
    assert "-l sort -x -a 'date quality heat title provider id'" in fish.stdout
    assert "-l view -x" in fish.stdout and "-l config -r -F" in fish.stdout
    syntax = subprocess.run(["bash", "-n"], input=zsh.stdout, text=True, check=False)
    assert syntax.returncode == 0
