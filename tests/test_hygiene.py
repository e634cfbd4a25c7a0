"""The test suite itself never writes into the user's real config, state, cache or data folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: A test module shaped like the ones that leaked: a module-scoped fixture that indexes a folder
#: (writing its cache) and a test that runs the CLI, which reads the config and writes a cache.
PROBE = """
import subprocess, sys
import pytest
from newsreader.reading.folder import build_index

@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("probe")
    (folder / "a.md").write_text("---\\ntitle: A\\n---\\n")
    return build_index(folder)

def test_probe(index, tmp_path):
    assert len(index) == 1
    subprocess.run([sys.executable, "-m", "newsreader", "list", str(index.root)], check=True)
"""


def test_a_test_run_writes_nothing_under_home(tmp_path: Path) -> None:
    """Run pytest, with this suite's conftest, under a fresh HOME and no XDG variables: module-
    scoped fixtures and subprocesses included, nothing may appear in that home."""
    home = tmp_path / "home"
    home.mkdir()
    probe = tmp_path / "probe" / "test_probe.py"
    probe.parent.mkdir()
    probe.write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT))
    plugins = ["-p", "no:cacheprovider", "-p", "tests.conftest"]
    where = ["--rootdir", str(probe.parent), "--basetemp", str(tmp_path / "base")]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *plugins, *where, str(probe)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(home.rglob("*")) == []
