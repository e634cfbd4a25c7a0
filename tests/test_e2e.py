"""End to end: the installed ``newsreader`` script in a real terminal (a tmux pane).

The test starts the console script on a folder of fixture files in a detached tmux session on a
private server (``-L``), waits until the list shows the first article, presses ``p`` and ``q``
with ``tmux send-keys``, and then checks the file on disk: only its ``published:`` line changed.
The app gets TERM=xterm-256color and XDG_* directories of its own, so no user file is touched.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SIZE = (120, 40)
#: How long the app may take to show the list, save a flag or quit (it needs about a second).
DEADLINE = 15.0
POLL = 0.1
#: Seconds the shell keeps the pane alive after the app exits (longer than any test waits).
LINGER = 60

#: The newest article is first in the default sort (date, newest first), so the cursor is on it.
FIRST_ID = "2024-03-02-first.md"
FIRST_TITLE = "Harbour cranes learn to unload themselves"
FIRST_DATE = "2024-03-02"
#: The list cuts titles to its column; this much of the first one always fits at 120 columns.
TITLE_PREFIX = 20
SECOND_ID = "2024-03-01-second.md"
#: What the shell prints after the app exits: EXIT_MARK, the status, "]".
EXIT_MARK = "[newsreader exited with status "


def _article(title: str, date: str, published: str, slug: str) -> str:
    """A small article in the real layout (invented text), with a body-less front matter."""
    return (
        "---\n"
        "category: news\n"
        f'title: "{title}"\n'
        'excerpt: "A short excerpt, with \\"quotes\\" and an &nbsp; entity."\n'
        f"publishedDateTime: {date}\n"
        f'originalUrl: "https://www.e2e.example/news/{slug}/?ref=feed&x=1"\n'
        f"webUrl: https://www.e2e.example/news/{slug}/\n"
        "type: article\n"
        "quality: 42\n"
        "heat: 7\n"
        f"published: {published}\n"
        "\n"
        "provider:\n"
        "  name: End To End Times\n"
        "  domain: e2e.example\n"
        "\n"
        "topics:\n"
        "  - Robotics\n"
        "\n"
        'secured: "c2lnbmF0dXJlLW5vdC1yZWFs;ZTJl"\n'
        "---\n"
    )


FIXTURES = {
    FIRST_ID: _article(FIRST_TITLE, f"{FIRST_DATE}T10:00:00Z", "true", "first"),
    SECOND_ID: _article("A second story for the list", "2024-03-01T09:00:00Z", "false", "second"),
}


def newsreader_script() -> Path:
    """The console script installed next to the running interpreter (the venv's bin dir)."""
    bin_dir = Path(sys.executable).parent
    found = shutil.which("newsreader", path=os.pathsep.join([str(bin_dir), os.environ["PATH"]]))
    if found is None:
        pytest.fail("the newsreader console script is not installed (pip install -e .)")
    return Path(found)


class Tmux:
    """A private tmux server (its own socket name) holding one session."""

    def __init__(self, name: str) -> None:
        self.socket = f"nr-e2e-{os.getpid()}"
        self.name = name

    def run(self, *args: str, check: bool = True) -> str:
        """Run a tmux command against the private server; return its stdout."""
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            timeout=DEADLINE,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, command: str, size: tuple[int, int]) -> None:
        """Start the session running ``command``; keep the pane (and its text) after it exits."""
        width, height = size
        self.run(
            "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command,
            ";", "set-option", "-t", self.name, "remain-on-exit", "on",
        )  # fmt: skip

    def screen(self) -> str:
        """The text on the pane now."""
        return self.run("capture-pane", "-p", "-t", self.name, check=False)

    def keys(self, *keys: str) -> None:
        """Type keys into the pane."""
        self.run("send-keys", "-t", self.name, *keys)

    def kill(self) -> None:
        """Stop the private server and everything in it."""
        self.run("kill-server", check=False)


def wait_for(what: str, probe: Callable[[], bool], tmux: Tmux) -> None:
    """Poll ``probe`` until it is true; fail with the screen after DEADLINE."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(POLL)
    pytest.fail(f"timed out waiting for {what}; the screen was:\n{tmux.screen()}")


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A private tmux server, killed afterwards whatever happened."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    server = Tmux("newsreader")
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The fixture articles, written into a fresh folder."""
    news = tmp_path / "news"
    news.mkdir()
    for name, text in FIXTURES.items():
        (news / name).write_bytes(text.encode("utf-8"))
    return news


def app_command(folder: Path, state: Path) -> str:
    """The shell command: the script with its own terminal type and directories, then its status.

    The status is printed by the shell rather than read from tmux (``pane_dead_status``), which
    tmux leaves empty when the pane's pty closes before it has reaped the process. The shell then
    lingers (the server is killed at the end) because tmux may drop what a pane printed just
    before it died.
    """
    env = ["env", "-u", "COLUMNS", "-u", "LINES", "TERM=xterm-256color"]
    env += [f"XDG_{name}_HOME={state / name.lower()}" for name in ("CONFIG", "STATE", "CACHE")]
    app = shlex.join([*env, str(newsreader_script()), str(folder)])
    return shlex.join(["sh", "-c", f'{app}; echo "{EXIT_MARK}$?]"; sleep {LINGER}'])


def exit_status(screen: str) -> int | None:
    """The app's exit status once the shell has printed it, else None."""
    found = re.search(re.escape(EXIT_MARK) + r"(\d+)\]", screen)
    return int(found.group(1)) if found else None


def list_shows_first(screen: str) -> bool:
    """Whether a list row shows the first article: its date, then (the start of) its title."""
    return any(
        FIRST_DATE in line and FIRST_TITLE[:TITLE_PREFIX] in line.split(FIRST_DATE, 1)[1]
        for line in screen.splitlines()
    )


def reports_unpublish(screen: str) -> bool:
    """Whether the status line (the one with the counts) reports one unpublished article.

    The status line is searched on its own: the toast repeating the message must not count. Its
    end may be hidden under the toast, so only the start of the message is required.
    """
    return any(
        "shown" in line and "decisions 1" in line and "Unpublished 1 article" in line
        for line in screen.splitlines()
    )


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """The (old, new) pairs of lines that differ; the line count must not change."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new), "a line was added or removed"
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_publish_toggle_in_a_real_terminal(tmux: Tmux, folder: Path, tmp_path: Path) -> None:
    """p on the first article, then q: the file differs only in its published line."""
    tmux.start(app_command(folder, tmp_path / "xdg"), SIZE)
    wait_for("the list to show the first article", lambda: list_shows_first(tmux.screen()), tmux)

    tmux.keys("p")
    wait_for("the status line to report the change", lambda: reports_unpublish(tmux.screen()), tmux)
    tmux.keys("q")
    wait_for("the app to exit", lambda: exit_status(tmux.screen()) is not None, tmux)
    screen = tmux.screen()
    assert exit_status(screen) == 0, screen

    # Bytes, not read_text: a changed line ending must not be hidden by newline translation.
    first = (folder / FIRST_ID).read_bytes().decode("utf-8")
    assert changed_lines(FIXTURES[FIRST_ID], first) == [("published: true\n", "published: false\n")]
    # The second article was never touched.
    assert (folder / SECOND_ID).read_bytes() == FIXTURES[SECOND_ID].encode("utf-8")
    # The undo journal went to the private state directory the app was given.
    assert list((tmp_path / "xdg" / "state").rglob("*.jsonl"))
