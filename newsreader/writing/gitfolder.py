"""The opened folder as part of a git work tree: which files differ from HEAD, and committing
exactly the ones whose only change is the top-level ``published:`` flag.

Everything goes through the ``git`` command line (no git library). A file counts as
*flag-only* when HEAD's blob, with its flag value text set to the working file's, is byte for
byte the working file: the same check the flag writer makes, so a crawler's edit (a new
``heat``) or another writer's edit beside a flag change is never mistaken for ours. Untracked,
deleted and unreadable files are other changes. Nothing here ever pushes.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsreader.writing.flagwriter import FlagEditError, flag_token, set_flag_token, token_meaning

__all__ = [
    "FIXED_IDENTITY",
    "CommitResult",
    "FileStatus",
    "GitError",
    "changed_files",
    "commit_flags",
    "commit_message",
    "make_repository",
    "toplevel",
]

#: A fixed author, committer and date, and neither the user's nor the system's git config
#: (signing, hooks, templates): a repository made with it is the same every time (the demo's,
#: the screenshots').
FIXED_IDENTITY = {
    "GIT_AUTHOR_NAME": "newsreader",
    "GIT_AUTHOR_EMAIL": "newsreader@example.invalid",
    "GIT_AUTHOR_DATE": "2024-01-01T12:00:00Z",
    "GIT_COMMITTER_NAME": "newsreader",
    "GIT_COMMITTER_EMAIL": "newsreader@example.invalid",
    "GIT_COMMITTER_DATE": "2024-01-01T12:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


_OBJECT = re.compile(rb"[0-9a-f]{40,64} ([a-z]+) ([0-9]+)")


class GitError(Exception):
    """A git command failed; the message is one line."""


@dataclass(frozen=True, slots=True)
class FileStatus:
    """One file of the folder that differs from HEAD."""

    #: The path inside the opened folder (an article id).
    id: str
    #: The path inside the repository, as git names it.
    path: str
    #: True when the only change from HEAD is the top-level ``published:`` value.
    flag_only: bool
    #: The flag's value text in HEAD and in the working file (None: no key or no such file).
    head_token: str | None = None
    work_token: str | None = None
    #: Why it is not flag-only ("" when it is).
    reason: str = ""

    @property
    def publishes(self) -> bool:
        """True when the working file's flag lets Jekyll render the page (no key does too)."""
        return token_meaning(self.work_token) is not False


@dataclass(slots=True)
class CommitResult:
    """What :func:`commit_flags` did."""

    #: The new commit's hash; "" when nothing was committed.
    commit: str = ""
    message: str = ""
    committed: list[FileStatus] = field(default_factory=list)
    #: Files of the folder with other changes, left out of the commit.
    left_out: list[FileStatus] = field(default_factory=list)


def _run(
    cwd: Path,
    args: Sequence[str],
    *,
    check: bool = True,
    stdin: bytes = b"",
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run one git command in ``cwd``; with ``check``, a failure raises :class:`GitError`."""
    # --literal-pathspecs: an article named "[draft].md" or "*.md" is a path, not a pattern.
    try:
        done = subprocess.run(
            ["git", "--literal-pathspecs", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
            # No prompts (credentials, editors): this runs headless and from the app.
            env={**os.environ, **(env or {}), "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true"},
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from exc
    if check and done.returncode != 0:
        text = os.fsdecode(done.stderr or done.stdout).strip().splitlines()
        raise GitError(f"git {args[0]} failed: {text[-1] if text else done.returncode}")
    return done


def make_repository(root: Path, message: str) -> None:
    """Make ``root`` a git repository whose one commit holds every file in it, made with
    :data:`FIXED_IDENTITY`; :class:`GitError` when git is missing or fails."""
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "--no-verify"]):
        extra = ["-m", message] if args[0] == "commit" else []
        _run(root, [*args, *extra], env=FIXED_IDENTITY)


def toplevel(folder: Path) -> Path | None:
    """The root of the git work tree ``folder`` is in; None outside one (or without git)."""
    try:
        done = _run(folder, ["rev-parse", "--show-toplevel"], check=False)
    except GitError:
        return None
    if done.returncode != 0:
        return None
    return Path(os.fsdecode(done.stdout.rstrip(b"\n")))


def _prefix(folder: Path, top: Path) -> str:
    """The folder's path inside the repository ("" at its root), with a trailing slash."""
    inside = folder.resolve().relative_to(top.resolve()).as_posix()
    return "" if inside == "." else inside + "/"


def _head_blobs(
    top: Path, paths: Sequence[str], rev: str = "HEAD", env: Mapping[str, str] | None = None
) -> dict[str, bytes]:
    """The content of each of ``paths`` that is a file in ``rev`` ("": the index ``env``
    names, as in ``git cat-file :path``).

    One ``git cat-file --batch`` for them all: a crawler run can change thousands of files, and
    one process per file would take seconds. Its input is line-based, so a path holding a line
    break is left out (and so counts as not in HEAD: an other change, never committed).
    """
    asked = [p for p in paths if "\n" not in p]
    if not asked:
        return {}
    prefix = os.fsencode(rev) + b":"
    query = b"".join(prefix + os.fsencode(p) + b"\n" for p in asked)
    out = _run(top, ["cat-file", "--batch"], stdin=query, env=env).stdout
    blobs, pos = {}, 0
    for path in asked:
        end = out.index(b"\n", pos)
        # "<hash> <type> <size>" then the content and a newline, or "<name> missing".
        found = _OBJECT.fullmatch(out[pos:end])
        pos = end + 1
        if found is not None:
            size = int(found[2])
            if found[1] == b"blob":
                blobs[path] = out[pos : pos + size]
            pos += size + 1
    return blobs


def _modes(folder: Path) -> dict[str, tuple[bytes, bytes]]:
    """The (HEAD, working tree) modes of tracked files under ``folder`` whose mode changed."""
    out = _run(folder, ["diff-index", "--raw", "-z", "--no-renames", "HEAD", "--", "."]).stdout
    fields = out.split(b"\0")
    changed = {}
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        parts = meta.split(b" ")
        if len(parts) >= 2 and parts[0].lstrip(b":") != parts[1]:
            changed[os.fsdecode(path)] = (parts[0].lstrip(b":"), parts[1])
    return changed


def _classify(
    top: Path, article_id: str, path: str, code: str, head: bytes | None, mode_changed: bool
) -> FileStatus:
    """Whether the file's only change from HEAD is its flag value."""
    if code == "??":
        return FileStatus(article_id, path, False, reason="untracked new file")
    if "D" in code:
        return FileStatus(article_id, path, False, reason="deleted")
    if head is None:
        return FileStatus(article_id, path, False, reason="not in HEAD")
    if mode_changed:  # git commit would take the new mode along with the flag
        return FileStatus(article_id, path, False, reason="file mode changed")
    try:
        work = (top / path).read_bytes()
    except OSError as exc:
        return FileStatus(article_id, path, False, reason=exc.strerror or str(exc))
    return _compare(article_id, path, head, work)


def _compare(article_id: str, path: str, head: bytes, work: bytes) -> FileStatus:
    """``work`` against ``head``: flag-only when HEAD's bytes with the flag value text set to
    ``work``'s are ``work`` byte for byte."""
    try:
        head_token, work_token = flag_token(head), flag_token(work)
        same = work != head and set_flag_token(head, work_token) == work
    except FlagEditError as exc:
        return FileStatus(article_id, path, False, reason=str(exc))
    reason = "" if same else "other changes than the published: line"
    return FileStatus(article_id, path, same, head_token, work_token, reason)


def changed_files(folder: Path) -> list[FileStatus]:
    """Every file under ``folder`` that differs from HEAD, sorted by id.

    Raises :class:`GitError` when ``folder`` is not inside a git work tree.
    """
    top = toplevel(folder)
    if top is None:
        raise GitError(f"{folder} is not inside a git work tree")
    prefix = _prefix(folder, top)
    # Porcelain v1 with -z: stable, unquoted paths relative to the top level; --no-renames
    # so that every entry is one path (a rename shows as a deletion and a new file).
    done = _run(
        folder,
        ["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--", "."],
    )
    entries = []
    for entry in done.stdout.split(b"\0"):
        if len(entry) < 4:
            continue
        code, path = entry[:2].decode("ascii", "replace"), os.fsdecode(entry[3:])
        if path.startswith(prefix):
            entries.append((code, path))
    if not entries:
        return []
    has_head = _run(top, ["rev-parse", "--verify", "-q", "HEAD"], check=False).returncode == 0
    heads = _head_blobs(top, [p for _, p in entries]) if has_head else {}
    modes = _modes(folder) if has_head else {}
    found = [
        _classify(top, path[len(prefix) :], path, code, heads.get(path), path in modes)
        for code, path in entries
    ]
    return sorted(found, key=lambda s: s.id)


def commit_message(changes: Iterable[FileStatus], title: Callable[[str], str]) -> str:
    """ "Publish 3, unpublish 1", then the titles published and unpublished (``title(id)``)."""
    changes = list(changes)
    published = [c for c in changes if c.publishes]
    unpublished = [c for c in changes if not c.publishes]
    counts = []
    if published:
        counts.append(f"publish {len(published)}")
    if unpublished:
        counts.append(f"unpublish {len(unpublished)}")
    head = ", ".join(counts)
    lines = [head[:1].upper() + head[1:]]
    for heading, group in (("Published", published), ("Unpublished", unpublished)):
        if group:
            lines += ["", f"{heading}:"]
            lines += [f"- {title(c.id) or c.id}" for c in group]
    return "\n".join(lines) + "\n"


def commit_flags(
    folder: Path, title: Callable[[str], str] = lambda _: "", message: str | None = None
) -> CommitResult:
    """Commit exactly the files under ``folder`` whose only change from HEAD is their flag.

    Files with any other change are left out (and listed); whatever else is staged stays
    staged and out of the commit. With nothing flag-only, no commit is made. ``message``
    replaces the generated one. Never pushes.

    The commit is built in a private index (HEAD's tree, then ``git add`` of the flag-only
    files, so git's filters apply as in any commit), and each file is checked again there, as
    the blob that will be committed: a crawler that rewrote a file after it was first checked
    cannot slip its edit in (the file is left out, "changed while committing"). Then ``git
    commit`` runs on that index, with the user's hooks and signing, and the real index takes the
    committed files' new content; nothing else in it moves.
    """
    statuses = changed_files(folder)
    result = CommitResult(
        committed=[s for s in statuses if s.flag_only],
        left_out=[s for s in statuses if not s.flag_only],
    )
    if not result.committed:
        return result
    top = toplevel(folder)
    assert top is not None  # changed_files checked it
    head = _run(top, ["rev-parse", "--verify", "HEAD"]).stdout.decode("ascii").strip()
    with tempfile.TemporaryDirectory(prefix="newsreader-commit-") as private:
        env = {"GIT_INDEX_FILE": str(Path(private) / "index")}
        _run(top, ["read-tree", head], env=env)
        paths = [s.path for s in result.committed]
        _run(top, ["add", "--", *paths], env=env)
        heads = _head_blobs(top, paths, head)
        staged = _head_blobs(top, paths, "", env)
        kept, raced = [], []
        for status in result.committed:
            blob = staged.get(status.path)
            again = (
                None if blob is None else _compare(status.id, status.path, heads[status.path], blob)
            )
            if again is not None and again.flag_only and again.work_token == status.work_token:
                kept.append(status)
            else:
                raced.append(replace(status, flag_only=False, reason="changed while committing"))
        if raced:
            _run(top, ["reset", "-q", head, "--", *[s.path for s in raced]], env=env)
        result.committed = kept
        result.left_out = sorted(result.left_out + raced, key=lambda s: s.id)
        if not kept:
            return result
        result.message = message or commit_message(kept, title)
        # The message comes on stdin, never through an editor.
        _run(top, ["commit", "-q", "-F", "-"], stdin=result.message.encode(), env=env)
    result.commit = _run(top, ["rev-parse", "HEAD"]).stdout.decode("ascii").strip()
    # The real index: the committed files as committed (as ``git commit --only`` leaves it).
    _run(top, ["reset", "-q", "--", *[s.path for s in kept]])
    return result
