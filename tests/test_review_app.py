"""The review screen, the uncommitted count and the commit key, in the app (Pilot).

Each git test makes its own repository in a temporary folder (the four-article fixture folder as
``site/_news``, committed); git's identity and config come from the environment with an empty
global config (``git_env``, shared with ``test_gitfolder``), never from the user's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsreader.config import Settings
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.git_review import NO_GIT, NOT_IN_GIT, GitReview
from newsreader.tui.messages import ReviewCounted
from newsreader.tui.screens.commit import CommitScreen
from newsreader.tui.screens.review import ReviewScreen, header_text, item_text
from newsreader.tui.widgets.status_bar import StatusBar
from newsreader.writing.review import ReviewItem
from tests.apphelpers import TITLES, A, B, C, current, ready, wait_until, write_small_folder
from tests.test_gitfolder import git, git_env  # noqa: F401  (git_env: an autouse fixture)
from tests.test_live_folder import poll_until

SIZE = (120, 40)


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """The fixture folder as ``_news`` of a git repository, everything committed."""
    root = tmp_path / "site"
    folder = write_small_folder(root / "_news")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    return folder


def notifications(app: NewsreaderApp) -> list[str]:
    return [n.message for n in app._notifications]


def status(app: NewsreaderApp) -> str:
    return str(app.main.query_one(StatusBar).render())


def commits(folder: Path) -> list[str]:
    return git(folder, "log", "--format=%s").splitlines()


def _published(app: NewsreaderApp, article_id: str) -> bool | None:
    article = app.main.index.get(article_id)
    return None if article is None else article.published


async def _counted(pilot: Any, app: NewsreaderApp, n: int) -> None:
    """Wait until the review count is ``n`` and the status line is drawn from it."""
    await wait_until(pilot, lambda: app.main.git_review.count == n)


async def test_review_lists_the_decided_file_and_revert_is_undoable(news: Path) -> None:
    before = (news / A).read_bytes()
    app = make_app(news)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert app.main.git_review.in_git is True
        assert "uncommitted" not in status(app)
        await pilot.press("p")  # A: false -> true
        await _counted(pilot, app, 1)
        assert "✎ 1 uncommitted" in status(app)
        await pilot.press("R")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await wait_until(pilot, lambda: [i.id for i in screen.items] == [A])
        item = screen.items[0]
        assert (item.old, item.new, item.title) == ("false", "true", TITLES[A])
        first, second = item_text(item).plain.splitlines()
        assert first.split() == [*TITLES[A].split(), A]
        words = "published: false → true - published: false + published: true"
        assert " ".join(second.split()) == words
        await pilot.press("x")
        await wait_until(pilot, lambda: (news / A).read_bytes() == before)
        await _counted(pilot, app, 0)
        assert screen.items == []
        assert "uncommitted" not in status(app)
        await pilot.press("u")  # undo, on the review screen: the change is back
        await wait_until(pilot, lambda: b"published: true" in (news / A).read_bytes())
        await _counted(pilot, app, 1)
        await wait_until(pilot, lambda: [i.id for i in screen.items] == [A])
        await pilot.press("enter")  # opens the article in the main screen
        assert app.screen is app.main and current(app.main) == A
    assert commits(news) == ["init"]  # reviewing commits nothing


async def test_the_count_follows_a_change_on_disk(news: Path) -> None:
    before = (news / A).read_bytes()
    app = make_app(news, Settings(restore_session=False, watch=False))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p")
        await _counted(pilot, app, 1)
        (news / A).write_bytes(before)  # set back by hand, in an editor
        await poll_until(
            pilot, app.main, lambda: getattr(app.main.index.get(A), "published", None) is False
        )
        await _counted(pilot, app, 0)
        assert "uncommitted" not in status(app)


async def test_revert_all_asks_first(news: Path) -> None:
    before = {name: (news / name).read_bytes() for name in (A, B)}
    app = make_app(news)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p", "p")  # A published, then B (published) unpublished
        await _counted(pilot, app, 2)
        await pilot.press("R", "X")
        assert isinstance(app.screen, ReviewScreen) is False  # the question is on top
        await pilot.press("y")
        await wait_until(pilot, lambda: all((news / n).read_bytes() == before[n] for n in before))
        await _counted(pilot, app, 0)


async def test_commit_key_commits_flag_only_files_and_leaves_a_crawler_edit_out(
    news: Path,
) -> None:
    app = make_app(news)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p")  # A published: flag only
        await _counted(pilot, app, 1)
        # A crawler run moves C's heat: another change, never ours to commit.
        crawled = (news / C).read_text(encoding="utf-8").replace("heat: 5", "heat: 9")
        (news / C).write_text(crawled, encoding="utf-8")
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(app.screen, CommitScreen))
        dialog = str(app.screen.query_one("#commit-left-out").render())
        assert C in dialog and "other changes" in dialog
        message = str(app.screen.query_one("#commit-message Static").render())
        assert message.splitlines()[0] == "Publish 1" and f"- {TITLES[A]}" in message
        await pilot.press("y")
        await wait_until(pilot, lambda: len(commits(news)) == 2)
        await wait_until(pilot, lambda: any("Committed 1 file: " in n for n in notifications(app)))
        assert any("1 left out" in n for n in notifications(app))
        await _counted(pilot, app, 0)
    assert git(news, "show", "--name-only", "--format=", "HEAD").split() == [f"_news/{A}"]
    assert git(news, "status", "--porcelain").split() == ["M", f"_news/{C}"]


async def test_commit_with_nothing_to_commit_makes_no_commit(news: Path) -> None:
    app = make_app(news)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("C")
        await wait_until(pilot, lambda: any("Nothing to commit" in n for n in notifications(app)))
        assert not isinstance(app.screen, CommitScreen)
    assert commits(news) == ["init"]


async def test_a_failing_hook_is_shown_not_raised(news: Path) -> None:
    hook = news.parent / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refused by the hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    app = make_app(news)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p")
        await _counted(pilot, app, 1)
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(app.screen, CommitScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: any("Commit failed" in n for n in notifications(app)))
        assert any("refused by the hook" in n for n in notifications(app))
        assert app.main.git_review.count == 1  # still there to commit
    assert commits(news) == ["init"]


async def test_outside_git_the_count_is_to_review_and_commit_says_why_not(
    tmp_path: Path,
) -> None:
    folder = write_small_folder(tmp_path / "plain")
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("p", "C")
        await _counted(pilot, app, 1)
        assert app.main.git_review.in_git is False
        assert "✎ 1 to review" in status(app)
        await wait_until(pilot, lambda: NOT_IN_GIT in notifications(app))


async def test_without_git_the_commit_key_says_so(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    app = make_app(news)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await wait_until(pilot, lambda: app.main.git_review.in_git is False)
        await pilot.press("C")
        await wait_until(pilot, lambda: NO_GIT in notifications(app))


def test_rows_and_header_show_file_text_literally() -> None:
    item = ReviewItem("[b]x[/b].md", "false", "", "[red]Title[/red] \x1b[31m")
    text = item_text(item, marked=True, width=100)
    first, second = text.plain.splitlines()
    assert first.startswith("✚ [red]Title[/red]") and "\x1b" not in first
    assert "[b]x[/b].md" in first and "published: false → (empty)" in second
    header = header_text(True, [item], 1, "").plain
    assert header.startswith("Review: 1 flag change not committed") and "1 marked" in header
    assert "[bold]" in header_text(True, None, 0, "git: [bold]boom").plain


class _Host:
    """Enough of a screen for GitReview: workers are recorded, not run."""

    def __init__(self) -> None:
        self.started: list[Any] = []

    def run_worker(self, work: Any, **_: Any) -> None:
        self.started.append(work)


def test_a_listing_overtaken_by_a_newer_request_is_dropped(tmp_path: Path) -> None:
    from newsreader.articles.index import ArticleIndex

    host = _Host()
    review = GitReview(host, ArticleIndex(tmp_path), tmp_path / "journal.jsonl")  # type: ignore[arg-type]
    review.refresh()
    review.refresh()  # asked while the first runs: it waits for it
    assert len(host.started) == 1
    item = ReviewItem("a.md", "false", "true")
    assert review.take(ReviewCounted(1, True, [item])) is False  # stale: dropped
    assert review.items is None and len(host.started) == 2  # the newer one runs now
    assert review.take(ReviewCounted(2, True, [item])) is True
    assert review.items == [item] and review.count == 1
