"""The core never imports Textual or Rich: the headless CLI must start without them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import newsreader

PACKAGE = Path(newsreader.__file__).parent
#: Every module of the package but the app (newsreader.tui), the core's packages included.
CORE_MODULES = sorted(
    ".".join(("newsreader", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(
        ".__init__"
    )
    for p in PACKAGE.rglob("*.py")
    if p.relative_to(PACKAGE).parts[0] != "tui" and p.stem != "__main__"
)

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich")
                        or m.startswith("newsreader.tui"))))
"""


def test_core_modules_are_found() -> None:
    for name in (
        "newsreader.cli",
        "newsreader.reading.parsing",
        "newsreader.articles.index",
        "newsreader.writing.triage",
    ):
        assert name in CORE_MODULES


def test_core_imports_neither_textual_nor_rich() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "newsreader", *CORE_MODULES],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


RUN_COMMANDS = """
import json, sys
from newsreader.cli import main
for command in ("list", "stats", "check"):
    main([command, sys.argv[1], "--json"])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))))
"""


def test_headless_commands_run_without_textual_or_rich(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text('---\ntitle: "A"\n---\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", RUN_COMMANDS, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
