"""Tests for the git folder (flag-only changes, commit), review and their CLI commands.

Every test makes its own repository in a temporary folder; git's identity and config come from
the environment (an empty global config), never from the user's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader import paths
from newsreader.reading.folder import build_index
from newsreader.writing import gitfolder, review
from newsreader.writing.gitfolder import (
    FileStatus,
    GitError,
    changed_files,
    commit_flags,
    commit_message,
    toplevel,
)
from newsreader.writing.journal import Journal
from newsreader.writing.triage import Triage


def _article(title: str, published: str | None = "false", heat: int = 5) -> bytes:
    flag = "" if published is None else f"published: {published}\n"
    return f'---\ntitle: "{title}"\nheat: {heat}\n{flag}---\nBody of {title}.\n'.encode()


@pytest.fixture(autouse=True)
def git_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A known identity and an empty global config for every git call (ours and the code's)."""
    home = tmp_path_factory.mktemp("githome")
    (home / "gitconfig").write_text("")
    for key, value in {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(key, value)


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; its stdout."""
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose ``_news`` folder holds three committed articles and a README."""
    root = tmp_path / "site"
    news = root / "_news"
    news.mkdir(parents=True)
    for name in ("a", "b", "c"):
        (news / f"{name}.md").write_bytes(_article(f"Story {name.upper()}"))
    (root / "README.md").write_text("site\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    return root


def _triage(folder: Path) -> Triage:
    index = build_index(folder)
    return Triage(index, Journal(paths.journal_file(index.root)))


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
        check=False,
    )


def _head_count(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


# ---------------------------------------------------------------------------- changed files

# (case, working bytes of _news/a.md (None: deleted), flag-only, HEAD token, working token)
CLASSIFY = [
    ("flag flipped", _article("Story A", "true"), True, "false", "true"),
    ("flag removed", _article("Story A", None), True, "false", None),
    ("flag quoted", _article("Story A", '"false"'), True, "false", '"false"'),
    ("crawler: heat", _article("Story A", "false", heat=9), False, None, None),
    ("crawler and flag", _article("Story A", "true", heat=9), False, None, None),
    ("title edited", _article("Story Z", "true"), False, None, None),
    ("deleted", None, False, None, None),
]


@pytest.mark.parametrize(
    ("work", "flag_only", "head_token", "work_token"),
    [case[1:] for case in CLASSIFY],
    ids=[case[0] for case in CLASSIFY],
)
def test_changed_files_classifies(
    repo: Path,
    work: bytes | None,
    flag_only: bool,
    head_token: str | None,
    work_token: str | None,
) -> None:
    path = repo / "_news" / "a.md"
    if work is None:
        path.unlink()
    else:
        path.write_bytes(work)
    [status] = changed_files(repo / "_news")
    assert (status.id, status.path, status.flag_only) == ("a.md", "_news/a.md", flag_only)
    assert bool(status.reason) != flag_only
    if flag_only:
        assert (status.head_token, status.work_token) == (head_token, work_token)


def test_untracked_files_and_other_folders(repo: Path) -> None:
    (repo / "_news" / "new.md").write_bytes(_article("New", "true"))
    (repo / "README.md").write_text("changed outside the folder\n")
    statuses = changed_files(repo / "_news")
    assert [(s.id, s.flag_only, s.reason) for s in statuses] == [
        ("new.md", False, "untracked new file")
    ]


def test_mode_only_change_is_not_flag_only(repo: Path) -> None:
    (repo / "_news" / "a.md").chmod(0o755)
    [status] = changed_files(repo / "_news")
    assert not status.flag_only


def test_mode_change_beside_a_flag_change_is_left_out(repo: Path) -> None:
    path = repo / "_news" / "a.md"
    path.write_bytes(_article("Story A", "true"))
    path.chmod(0o755)
    [status] = changed_files(repo / "_news")
    assert (status.flag_only, status.reason) == (False, "file mode changed")


def test_odd_names_are_paths_not_patterns(repo: Path) -> None:
    news = repo / "_news"
    for name in ("[x].md", "with space.md", "*.md"):
        (news / name).write_bytes(_article(name))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "odd names")
    (news / "[x].md").write_bytes(_article("[x].md", "true"))
    (news / "with space.md").write_bytes(_article("with space.md", "true"))
    result = commit_flags(news)
    assert [s.id for s in result.committed] == ["[x].md", "with space.md"]
    assert git(repo, "status", "--porcelain") == ""


def test_repository_without_commits(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "a.md").write_bytes(_article("A"))
    [status] = changed_files(tmp_path)
    assert (status.id, status.flag_only) == ("a.md", False)
    assert commit_flags(tmp_path).commit == ""


def test_outside_git(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    assert toplevel(folder) is None
    with pytest.raises(GitError, match="not inside a git work tree"):
        changed_files(folder)


# ---------------------------------------------------------------------------- message

MESSAGES = [
    ("publish only", {"a": "true", "b": "true"}, "Publish 2\n\nPublished:\n- A\n- B\n"),
    ("unpublish only", {"a": "false"}, "Unpublish 1\n\nUnpublished:\n- A\n"),
    (
        "both; no key publishes",
        {"a": "true", "b": None, "c": "no"},
        "Publish 2, unpublish 1\n\nPublished:\n- A\n- B\n\nUnpublished:\n- c\n",
    ),
]


@pytest.mark.parametrize(
    ("tokens", "expected"), [m[1:] for m in MESSAGES], ids=[m[0] for m in MESSAGES]
)
def test_commit_message(tokens: dict[str, str | None], expected: str) -> None:
    changes = [FileStatus(i, i, True, "x", token) for i, token in tokens.items()]
    titles = {"a": "A", "b": "B"}  # c has no title: its id stands in
    assert commit_message(changes, lambda i: titles.get(i, "")) == expected


# ---------------------------------------------------------------------------- commit


def test_commit_only_flag_changes(repo: Path) -> None:
    news = repo / "_news"
    triage = _triage(news)
    assert triage.set_published(["a.md", "b.md"], True).ok
    assert triage.set_published(["c.md"], False).unchanged == ["c.md"]
    (news / "b.md").write_bytes(_article("Story B", "true", heat=99))  # a crawler ran
    (repo / "README.md").write_text("staged, not ours\n")
    git(repo, "add", "README.md")

    result = commit_flags(news, lambda i: {"a.md": "Story A"}.get(i, ""))

    assert [s.id for s in result.committed] == ["a.md"]
    assert [(s.id, s.flag_only) for s in result.left_out] == [("b.md", False)]
    assert git(repo, "log", "-1", "--format=%B") == "Publish 1\n\nPublished:\n- Story A\n\n"
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["_news/a.md"]
    assert result.commit == git(repo, "rev-parse", "HEAD").strip()
    # The unrelated staged file is still staged; the crawler's edit is still unstaged.
    assert git(repo, "status", "--porcelain").splitlines() == ["M  README.md", " M _news/b.md"]


def test_a_file_rewritten_while_committing_is_left_out(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crawler writes between the check and the commit: its edit must not go in."""
    news = repo / "_news"
    for name in ("a", "b"):
        (news / f"{name}.md").write_bytes(_article(f"Story {name.upper()}", "true"))
    crawled = _article("Story B", "true", heat=42)
    checked = gitfolder.changed_files

    def check_then_crawl(folder: Path) -> list[FileStatus]:
        statuses = checked(folder)
        (news / "b.md").write_bytes(crawled)  # after the check, before the commit
        return statuses

    monkeypatch.setattr(gitfolder, "changed_files", check_then_crawl)
    result = commit_flags(news)

    assert [s.id for s in result.committed] == ["a.md"]
    assert [(s.id, s.reason) for s in result.left_out] == [("b.md", "changed while committing")]
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["_news/a.md"]
    assert git(repo, "show", "HEAD:_news/b.md").encode() == _article("Story B")
    assert (news / "b.md").read_bytes() == crawled
    assert git(repo, "status", "--porcelain").splitlines() == [" M _news/b.md"]


def test_commit_runs_the_users_hooks(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho refused by the hook >&2\nexit 1\n")
    hook.chmod(0o755)
    (repo / "_news" / "a.md").write_bytes(_article("Story A", "true"))
    with pytest.raises(gitfolder.GitError, match="refused by the hook"):
        commit_flags(repo / "_news")
    assert _head_count(repo) == 1
    assert git(repo, "status", "--porcelain").splitlines() == [" M _news/a.md"]


def test_commit_custom_message(repo: Path) -> None:
    (repo / "_news" / "a.md").write_bytes(_article("Story A", "true"))
    result = commit_flags(repo / "_news", message="Morning triage")
    assert result.message == "Morning triage"
    assert git(repo, "log", "-1", "--format=%s").strip() == "Morning triage"


def test_nothing_to_commit(repo: Path) -> None:
    (repo / "_news" / "a.md").write_bytes(_article("Story A", "false", heat=7))
    result = commit_flags(repo / "_news")
    assert (result.commit, result.committed, _head_count(repo)) == ("", [], 1)
    assert [s.id for s in result.left_out] == ["a.md"]


# ---------------------------------------------------------------------------- review


def test_review_in_git_lists_only_our_flag_only_changes(repo: Path) -> None:
    news = repo / "_news"
    triage = _triage(news)
    assert triage.set_published(["a.md", "b.md"], True).ok
    (news / "b.md").write_bytes(_article("Story B", "true", heat=42))  # other change: out
    (news / "c.md").write_bytes(_article("Story C", "true"))  # by hand, not in the journal
    [item] = review.pending(triage.index, triage.journal)
    assert (item.id, item.old, item.new, item.title) == ("a.md", "false", "true", "Story A")
    assert item.diff == ["- published: false", "+ published: true"]


def test_review_after_commit_is_empty(repo: Path) -> None:
    triage = _triage(repo / "_news")
    assert triage.set_published(["a.md"], True).ok
    commit_flags(repo / "_news")
    assert review.pending(triage.index, triage.journal) == []


def test_revert_in_git_is_undoable(repo: Path) -> None:
    news = repo / "_news"
    triage = _triage(news)
    assert triage.set_published(["a.md", "b.md"], True).ok
    outcome = review.revert(triage, ["a.md", "c.md"])
    assert [c.id for c in outcome.changed] == ["a.md"]
    assert [(f.id, f.message) for f in outcome.failed] == [("c.md", review.NOT_PENDING)]
    assert (news / "a.md").read_bytes() == _article("Story A", "false")  # HEAD's bytes again
    assert [i.id for i in review.pending(triage.index, triage.journal)] == ["b.md"]
    undone = triage.undo()
    assert undone is not None and [c.id for c in undone.changed] == ["a.md"]
    assert (news / "a.md").read_bytes() == _article("Story A", "true")


def test_review_outside_git(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    for name in ("a", "b", "c"):
        (news / f"{name}.md").write_bytes(_article(name.upper(), None))
    triage = _triage(news)
    assert triage.set_published(["a.md", "b.md", "c.md"], False).ok
    assert triage.set_published(["b.md"], True).ok  # back to... published: true, not no key
    (news / "c.md").write_bytes(_article("C", "false", heat=8))  # changed by someone else
    items = review.pending(triage.index, triage.journal)
    assert [(i.id, i.old, i.new) for i in items] == [
        ("a.md", None, "false"),
        ("b.md", None, "true"),
    ]
    assert items[0].diff == ["+ published: false"]
    assert review.revert(triage, ["a.md"]).ok
    assert (news / "a.md").read_bytes() == _article("A", None)
    assert [i.id for i in review.pending(triage.index, triage.journal)] == ["b.md"]


# ---------------------------------------------------------------------------- CLI


def test_cli_review_and_revert(repo: Path) -> None:
    news = repo / "_news"
    assert _cli("publish", news, "a.md").returncode == 0
    done = _cli("review", news, "--json")
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == [
        {
            "id": "a.md",
            "title": "Story A",
            "from": "false",
            "to": "true",
            "diff": ["- published: false", "+ published: true"],
            "committed": False,
        }
    ]
    text = _cli("review", news).stdout
    assert text.splitlines() == [
        "a.md: false -> true",
        "  - published: false",
        "  + published: true",
        "1 uncommitted flag changes",
    ]
    done = _cli("review", news, "--revert", "a.md", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "a.md"
    assert _cli("review", news).stdout == "0 uncommitted flag changes\n"
    assert _cli("undo", news).returncode == 0
    assert "a.md: false -> true" in _cli("review", news).stdout


def test_cli_commit(repo: Path) -> None:
    news = repo / "_news"
    assert _cli("publish", news, "a.md").returncode == 0
    assert _cli("unpublish", news, "b.md").returncode == 0  # already false: unchanged
    (news / "c.md").write_bytes(_article("Story C", "false", heat=1))
    done = _cli("commit", news, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert result["files"] == [{"id": "a.md", "from": "false", "to": "true"}]
    assert result["left_out"] == [
        {"id": "c.md", "reason": "other changes than the published: line"}
    ]
    done = _cli("commit", news)
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "nothing to commit")
    assert _head_count(repo) == 2


def test_cli_commit_outside_git(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(_article("A"))
    done = _cli("commit", tmp_path)
    assert done.returncode == 2
    assert "not inside a git work tree" in done.stderr
