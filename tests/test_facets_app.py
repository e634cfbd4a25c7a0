"""Pilot tests of the facets panel (F) and the status line's counts of the view."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from newsreader.config import Settings
from newsreader.tui.app import make_app
from newsreader.tui.screens import facets_view
from newsreader.tui.widgets.facets_panel import FacetsPanel, bar, spark
from newsreader.tui.widgets.status_bar import StatusBar
from tests.apphelpers import B, D, article_text, ready, wait_until, write_small_folder

SIZE = (160, 40)
MARKUP_PROVIDER = "[bold red]Loud[/] \x1b[2J Wire"
#: The same as a double-quoted YAML scalar (``\\e`` is the escape byte).
YAML_PROVIDER = '"[bold red]Loud[/] \\e[2J Wire"'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The four-article fixture folder, plus one article whose provider looks like markup."""
    folder = write_small_folder(tmp_path / "news")
    text = article_text(
        "Echo story",
        date="2022-11-01T08:00:00Z",
        url="https://x.example/e",
        quality=1,
        published="false",
    ).replace("name: Test Wire", f"name: {YAML_PROVIDER}")
    (folder / "e.md").write_text(text, encoding="utf-8")
    return folder


def status(app: object) -> str:
    """The status line's text."""
    return str(app.screen.query_one(StatusBar).render())  # type: ignore[attr-defined]


async def test_f_shows_facets_and_enter_filters_by_the_value(folder: Path) -> None:
    """F opens the panel on the view's counts; enter on "published" adds is:published."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        await pilot.press("F")
        panel = main.query_one(FacetsPanel)
        assert panel.display and app.focused is panel.values
        facets = panel.facets
        assert facets is not None
        assert (facets.total, facets.published, facets.unpublished) == (5, 2, 3)
        assert dict(facets.providers) == {"Test Wire": 4, MARKUP_PROVIDER: 1}
        await pilot.press("enter")  # the first value: published
        await pilot.pause()
        assert main.filter_query.text == "is:published"
        assert sorted(a.id for a in main.view) == [B, D]
        assert "2/5 shown  ● 2  ○ 0" in status(app)
        assert panel.facets is not None and panel.facets.total == 2
        await pilot.press("F")
        assert not panel.display and app.focused is main.articles


async def test_provider_from_a_file_is_shown_literally(folder: Path) -> None:
    """A provider name that looks like markup (with an escape byte) is drawn as plain text."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        app.main.action_toggle_facets()
        await pilot.pause()
        text = "\n".join(str(o.prompt) for o in app.main.facets_panel.values.options)
        assert "[bold red]Loud[/] ␛[2J Wire" in text


async def test_selecting_a_provider_quotes_it(folder: Path) -> None:
    """Choosing a provider adds provider:"…" to a query with OR in parentheses."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        main.set_query("alpha OR bravo")
        main.action_toggle_facets()
        main.facets_panel.post_message(FacetsPanel.Selected("provider", "Test Wire"))
        await pilot.pause()
        assert main.filter_query.text == '(alpha OR bravo) provider:"Test Wire"'
        assert len(main.view) == 2
        main.facets_panel.post_message(FacetsPanel.Selected("provider", "(none)"))
        await pilot.pause()
        assert main.filter_query.text == '(alpha OR bravo) provider:"Test Wire"'


async def test_large_views_are_counted_in_a_worker(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the inline limits the split and the facets come from a worker, then show."""
    monkeypatch.setattr(facets_view, "INLINE_COUNT", 0)
    monkeypatch.setattr(facets_view, "INLINE_FACETS", 0)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        main.set_query("story")
        await wait_until(pilot, lambda: "● 2  ○ 3" in status(app))
        main.action_toggle_facets()
        panel = main.facets_panel
        await wait_until(pilot, lambda: panel.facets is not None and panel.facets.total == 5)
        main.set_query("-is:published")
        await wait_until(pilot, lambda: panel.facets is not None and panel.facets.total == 3)
        assert "● 0  ○ 3" in status(app)
        heading = str(panel.query_one("#facets-heading", Static).render())
        assert heading == "Facets of 3 shown"


def test_bars_and_sparks() -> None:
    """Bars grow in eighths of a cell; sparks stand on zero."""
    assert bar(10, 10, 4) == "████"
    assert bar(1, 16, 4) == "▎   "
    assert bar(0, 10, 4) == "    "
    assert spark([0, 1, 2], rows=1) == [" ▄█"]
    assert spark([0, 4], rows=2) == [" █", " █"]
    assert spark([1, 4], rows=2) == [" █", "▄█"]


async def test_a_count_that_fails_says_so_and_the_next_one_runs(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error in the counting worker is shown, and does not stop later counts."""
    monkeypatch.setattr(facets_view, "INLINE_COUNT", 0)
    working = facets_view.count_published

    def broken(rows: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(facets_view, "count_published", broken)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        main.set_query("story")
        await wait_until(pilot, lambda: not main._counting)
        notes = [n.message for n in app._notifications]  # type: ignore[attr-defined]
        assert any("disk on fire" in n for n in notes)
        assert "● …  ○ …" in status(app)
        # Not monkeypatch.undo(): that would also undo the private XDG folders (conftest).
        monkeypatch.setattr(facets_view, "count_published", working)
        main.set_query("-is:published")
        await wait_until(pilot, lambda: "● 0  ○ 3" in status(app))


async def test_palette_toggles_facets(folder: Path) -> None:
    """The command palette's "Facets" does what F does."""
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        commands = {c.title: c for c in app.get_system_commands(app.main)}
        commands["Facets"].callback()
        await pilot.pause()
        assert app.main.facets_shown and app.main.facets_panel.display
        commands["Facets"].callback()
        await pilot.pause()
        assert not app.main.facets_panel.display
