"""``python -m newsreader.demo`` (what ``make demo`` runs): open the app on a sample corpus.

The demo corpus is 300 synthetic articles from :mod:`newsreader.samplegen`, always the same ones
(fixed seed), kept in the user data directory. It is generated only when that folder does not
exist yet, so edits made while trying the app survive the next demo. Delete the folder to get a
fresh copy.

Where ``git`` is installed the corpus is also a git work tree with one commit, so the review
screen, the status line's count of uncommitted decisions and the commit key have something to
work on. Without git the demo opens all the same.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from newsreader import paths
from newsreader.samplegen import DEFAULT_SEED, generate_corpus
from newsreader.writing import gitfolder

DEMO_COUNT = 300
DEMO_DIRNAME = "demo-corpus"


def demo_dir() -> Path:
    """Where the demo corpus lives."""
    return paths.data_dir() / DEMO_DIRNAME


def prepare(dest: Path | None = None) -> tuple[Path, bool]:
    """Make sure the demo corpus exists; return its folder and whether it was just created.

    The corpus is written to a temporary sibling folder and renamed into place, so an
    interrupted run never leaves a half-written corpus that later runs would mistake for done.
    """
    dest = dest if dest is not None else demo_dir()
    if dest.exists():
        return dest, False
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        generate_corpus(staging, DEMO_COUNT, seed=DEFAULT_SEED)
        make_repository(staging)
        staging.rename(dest)
    except OSError:
        # Another demo may have created it meanwhile; theirs is as good as ours.
        shutil.rmtree(staging, ignore_errors=True)
        if not dest.exists():
            raise
        return dest, False
    return dest, True


def make_repository(folder: Path) -> bool:
    """Make ``folder`` a git work tree whose one commit holds every file; False without git.

    No user or system git config is read (no hooks, signing or templates of theirs run on the
    demo), and a failure leaves a plain folder: the demo needs git only for review and commit.
    """
    try:
        gitfolder.make_repository(folder, "Demo corpus")
    except gitfolder.GitError:
        shutil.rmtree(folder / ".git", ignore_errors=True)
        return False
    return True


def open_app(folder: Path) -> int:
    """Run the app on ``folder``, replacing this process where the platform allows it."""
    argv = [sys.executable, "-m", "newsreader", str(folder)]
    sys.stdout.flush()
    if os.name == "posix":
        os.execv(sys.executable, argv)
    return subprocess.call(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare the demo corpus, say where it is, and open the app on it (unless ``--no-open``)."""
    parser = argparse.ArgumentParser(
        prog="python -m newsreader.demo",
        description="Open newsreader on a generated corpus of 300 sample articles.",
    )
    parser.add_argument(
        "--no-open", action="store_true", help="only prepare the corpus and print its path"
    )
    args = parser.parse_args(argv)
    folder, created = prepare()
    if created:
        print(f"Demo corpus: created {DEMO_COUNT} sample articles in {folder}")
    else:
        print(f"Demo corpus: using {folder} (delete it to regenerate)")
    if args.no_open:
        return 0
    return open_app(folder)


if __name__ == "__main__":
    sys.exit(main())
