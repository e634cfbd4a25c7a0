"""Real SIGKILLs of a real ``newsreader`` process mid-batch and mid-undo: no decision is lost.

Each test runs the CLI in a subprocess with its own XDG folders, watches the journal from outside
and kills the process once it has got so far; a fresh process then undoes, and every file must
hold exactly its original bytes, with no temporary file of ours left anywhere in the folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsreader import paths
from newsreader.writing.journal import Journal

CORPUS = 3000


def _env(xdg: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("CONFIG", "STATE", "CACHE", "DATA"):
        env[f"XDG_{name}_HOME"] = str(xdg / name.lower())
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob(".newsreader-*")]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated corpus, copied for each test (generating it takes a few seconds)."""
    root = tmp_path_factory.mktemp("crash-corpus") / "news"
    xdg = tmp_path_factory.mktemp("crash-xdg")
    subprocess.run(
        [sys.executable, "-m", "newsreader.samplegen", str(root), str(CORPUS), "--seed", "9"],
        env=_env(xdg),
        check=True,
        capture_output=True,
        timeout=120,
    )
    return root


@pytest.fixture
def corpus(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    shutil.copytree(template, folder, symlinks=True)
    return folder


def _count(journal: Path, marker: bytes) -> int:
    try:
        return journal.read_bytes().count(marker)
    except FileNotFoundError:
        return 0


def _run_and_kill(env: dict[str, str], journal: Path, marker: bytes, at: int, *args: str) -> bool:
    """Run the CLI; SIGKILL it once it added ``at`` ``marker``s to the journal (False: it ended)."""
    at += _count(journal, marker)
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsreader", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if _count(journal, marker) >= at:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        proc.wait(timeout=60)
    return proc.returncode == -signal.SIGKILL


def _setup(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, str], Path]:
    """The child's environment, and its journal (this process shares the child's XDG folders)."""
    env = _env(tmp_path / "xdg")
    for name, value in env.items():
        if name.startswith("XDG_"):
            monkeypatch.setenv(name, value)
    return env, paths.journal_file(folder.resolve())


# Kill points, as counts of "file" intents journalled: just after start, early, middle, late
# (about 1,830 files are published in the corpus).
KILL_POINTS = [1, 200, 1000, 1700]


def test_sigkill_mid_publish_then_one_undo_restores_every_byte(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, journal = _setup(tmp_path, corpus, monkeypatch)
    original = _snapshot(corpus)
    figures = []
    for at in KILL_POINTS:
        killed = _run_and_kill(
            env, journal, b'"op":"file"', at, "unpublish", str(corpus), "--query", "is:published"
        )
        changed = sum(1 for k, v in _snapshot(corpus).items() if original.get(k) != v)
        undo = _cli(env, "undo", str(corpus))
        figures.append((at, killed, changed, undo.stdout.splitlines()[-1:]))
        assert undo.returncode == 0, undo.stderr
        assert _snapshot(corpus) == original, f"kill at {at}: files differ after undo"
        assert _temps(corpus) == []
        again = _cli(env, "undo", str(corpus))
        assert again.returncode == 2 and "nothing to undo" in again.stderr
        reloaded = Journal(journal)
        assert reloaded.open_operation() is None and reloaded.peek_undo() is None
    print("\nkill point (intents), killed, files changed, undo:", *figures, sep="\n  ")
    assert any(changed for _, _, changed, _ in figures)


def test_sigkill_mid_undo_then_a_second_undo_finishes_it(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, journal = _setup(tmp_path, corpus, monkeypatch)
    for path in sorted(p for p in corpus.rglob("*") if p.is_file())[1000:]:
        path.unlink()  # 1,000 files are enough here, and keep the test short
    original = _snapshot(corpus)
    publish = _cli(env, "unpublish", str(corpus), "--query", "is:published")
    assert publish.returncode == 0, publish.stderr
    killed = _run_and_kill(env, journal, b'"op":"step"', 4, "undo", str(corpus))
    reverted = sum(1 for k, v in _snapshot(corpus).items() if original.get(k) == v)
    undo = _cli(env, "undo", str(corpus))
    print(f"\nundo killed: {killed}; files at their original bytes then: {reverted}; {undo.stdout}")
    assert undo.returncode == 0, undo.stderr
    assert _snapshot(corpus) == original
    assert _temps(corpus) == []
    redo = _cli(env, "redo", str(corpus))  # and the batch can still be redone, exactly
    assert redo.returncode == 0, redo.stderr
    assert _cli(env, "undo", str(corpus)).returncode == 0
    assert _snapshot(corpus) == original
