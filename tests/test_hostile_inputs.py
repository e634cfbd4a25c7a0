"""Inputs that used to take the app down (issue 9, part 3), each checked in the core and the app.

Emptied folders, dates at the edge of ``datetime`` and impossible dates, folders nested 1,000
deep, files with 90,000 keys, URLs with control characters, and the exit code after a crash.
"""

from __future__ import annotations

import json
import os
import re
import webbrowser
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader import cli
from newsreader.articles.index import ArticleIndex, sort_articles
from newsreader.articles.model import Article, ArticleDetail, FileStamp, Image
from newsreader.articles.query import parse_query
from newsreader.config import Settings
from newsreader.reading import watcher as watcher_module
from newsreader.reading.folder import build_index
from newsreader.reading.loader import find_files, load_detail
from newsreader.reading.parsing import parse_article, parse_detail
from newsreader.reading.records import from_record, to_record
from newsreader.reading.watcher import FolderWatcher
from newsreader.render import article_json, detail_json, detail_lines, list_line
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.widgets import detail_pane, related_panel
from tests.apphelpers import ready, wait_until

SIZE = (120, 40)


def screen_text(app: object) -> str:
    """What the terminal shows, as plain text lines."""
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join(strip.text for strip in strips)


STAMP = FileStamp(0, 0, b"")


def article(title: str, extra: str = "") -> str:
    """A small good article file; ``extra`` is more front-matter YAML."""
    return f'---\ntitle: "{title}"\nwebUrl: "https://x.example/{title}"\n{extra}---\n'


# --- 1. a folder whose files were all removed, or empty from the start ---------------------------


def _emptied_folder(tmp_path: Path) -> Path:
    """A folder indexed (so its cache holds articles), then stripped of every file."""
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.md", "sub/b.md"):
        (folder / name).write_text(article(name[-4]))
    assert len(build_index(folder)) == 2
    for name in ("a.md", "sub/b.md"):
        (folder / name).unlink()
    return folder


@pytest.mark.parametrize("emptied", [True, False], ids=["emptied", "empty"])
def test_cli_on_an_empty_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], emptied: bool
) -> None:
    """Every read-only command gives its normal empty output: no cache traceback."""
    if emptied:
        folder = _emptied_folder(tmp_path)
    else:
        folder = tmp_path / "empty"
        folder.mkdir()
    assert cli.main(["list", str(folder)]) == 0
    assert cli.main(["list", str(folder), "--json"]) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["check", str(folder)]) == 0
    assert capsys.readouterr().out == "0 articles, 0 problem files (0 reach the site), 0 warnings\n"
    assert cli.main(["stats", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 0
    # Run again: the cache written for the emptied folder must read back too.
    assert cli.main(["list", str(folder)]) == 0
    assert cli.main(["show", str(folder), "a.md"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err


async def test_app_on_an_emptied_folder(tmp_path: Path) -> None:
    """The app finishes indexing a folder whose cached files are all gone: an empty list."""
    folder = _emptied_folder(tmp_path)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert main.indexing is False and main.view == [] and len(main.index) == 0
        text = "\n".join(main.articles.render_line(y).text for y in range(30))
        assert "No article files (.md .markdown .txt) in" in text
        assert "No article selected" in main.detail.export_text()
        assert "0/0 shown" in screen_text(app)
        # The cached rows shown before the walk dropped them raised no error either.
        assert not [n for n in app._notifications if "vanished" in n.message]


# --- 2. dates at the edge of datetime, and impossible dates ------------------------------------

EDGE_DATES = {
    "late.md": "9999-12-31T23:59:59-23:59",
    "early.md": "0001-01-01T00:00:00+05:00",
    "quoted.md": '"9999-12-31T23:59:59-23:59"',
}
IMPOSSIBLE_DATES = {
    "month.md": "2021-13-45",
    "feb.md": "2021-02-30",
    "hour.md": "2021-12-28T24:00:00Z",
    "offset.md": "2021-01-01T00:00:00+99:00",
}
#: In range, but only just: these are kept as dates.
LIMIT_DATES = {"last.md": "9999-12-31T23:59:59Z", "first.md": "0001-01-01T00:00:00Z"}
RELATED_EDGE = (
    "related:\n"
    '  - title: "late"\n'
    "    publishedDateTime: 9999-12-31T23:59:59-23:59\n"
    '    webUrl: "https://y.example/late"\n'
    '  - title: "early"\n'
    "    publishedDateTime: 0001-01-01T00:00:00+00:01\n"
    '    webUrl: "https://y.example/early"\n'
)


def write_date_folder(folder: Path) -> Path:
    """One article per edge, impossible and limit date, and one whose related entries have them."""
    folder.mkdir(parents=True)
    for name, value in {**EDGE_DATES, **IMPOSSIBLE_DATES, **LIMIT_DATES}.items():
        (folder / name).write_text(article(name[:-3], f"publishedDateTime: {value}\n"))
    (folder / "related.md").write_text(
        article("related", "publishedDateTime: 2021-01-01T00:00:00Z\n" + RELATED_EDGE)
    )
    return folder


@pytest.mark.parametrize("name", sorted({**EDGE_DATES, **IMPOSSIBLE_DATES}))
def test_unusable_date_is_a_warning_on_a_good_article(name: str) -> None:
    value = {**EDGE_DATES, **IMPOSSIBLE_DATES}[name]
    data = article("t", f"publishedDateTime: {value}\n").encode()
    for parse in (parse_article, parse_detail):
        result = parse(name, data, STAMP)
        item = result.article if isinstance(result, ArticleDetail) else result
        assert isinstance(item, Article), result
        assert item.date is None and item.title == "t"
        assert item.date_raw == value.strip('"')
        kind = "is out of range" if name in EDGE_DATES else "is not a date"
        raw = value.strip('"')
        assert item.warnings == (f'publishedDateTime {kind}: "{raw}"',)


def test_limit_dates_are_kept() -> None:
    for name, value in LIMIT_DATES.items():
        item = parse_article(name, article("t", f"publishedDateTime: {value}\n").encode(), STAMP)
        assert isinstance(item, Article) and item.date is not None and not item.warnings
        assert item.date.isoformat()[:4] in ("9999", "0001")


def test_edge_dates_in_related_entries() -> None:
    data = article("t", RELATED_EDGE).encode()
    item = parse_article("r.md", data, STAMP)
    assert isinstance(item, Article)
    assert [link.date for link in item.related] == [None, None]
    detail = parse_detail("r.md", data, STAMP)
    assert isinstance(detail, ArticleDetail)
    assert [entry.link.date for entry in detail.related] == [None, None]
    # The entry's own fields still show the value as written.
    assert any("9999-12-31T23:59:59-23:59" in value for _, value in detail.related[0].fields)


def test_edge_dates_through_sort_json_records_and_queries(tmp_path: Path) -> None:
    folder = write_date_folder(tmp_path / "dates")
    index = build_index(folder)
    assert len(index) == 10 and not index.bad
    for key in ("date", "title", "quality"):
        for reverse in (False, True):
            assert len(sort_articles(index.articles, key, reverse)) == 10
    for item in index.articles:
        json.dumps(article_json(index, item))
        list_line(item)
        assert from_record(to_record(item)) == item
        detail = load_detail(folder, item.id)
        assert isinstance(detail, ArticleDetail)
        json.dumps(detail_json(index, detail))
        detail_lines(index, detail)
    dated = {a.id for a in index.articles if a.date is not None}
    assert dated == {"last.md", "first.md", "related.md"}
    for text, expected in [
        ("date>=9999-12-31", {"last.md"}),
        ("date<0002", {"first.md"}),
        ("date:9999", {"last.md"}),
        ("date>9999-12-31", set()),
        ("date<=9999", dated),
        ("has:date", dated),
        ("-has:date", {a.id for a in index.articles} - dated),
    ]:
        assert {a.id for a in parse_query(text).filter(index.articles)} == expected, text
    # A second run reads the same from the cache.
    again = build_index(folder)
    assert sorted(again.articles, key=lambda a: a.id) == sorted(index.articles, key=lambda a: a.id)


async def test_app_with_edge_dates(tmp_path: Path) -> None:
    """The app starts, lists, shows and sorts articles with edge and impossible dates."""
    folder = write_date_folder(tmp_path / "dates")
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert len(main.view) == 10
        for row in list(main.view):
            assert main.articles.move_to(row.id)
            await pilot.pause()
            assert main.detail.export_text()
        assert main.articles.move_to("late.md")
        await pilot.pause()
        assert "is out of range" in main.detail.export_text()
        assert main.articles.move_to("related.md")
        await pilot.pause()
        main.set_sort("date", True)
        main.set_query("date>=2021")
        await pilot.pause()
        assert {a.id for a in main.view} == {"last.md", "related.md"}
        assert isinstance(app.screen, MainScreen)
    assert app.return_code in (None, 0)


def test_index_keeps_edge_dates_out_of_the_url_map(tmp_path: Path) -> None:
    """Resolving related entries and backlinks works with edge dates in the folder."""
    folder = write_date_folder(tmp_path / "dates")
    index: ArticleIndex = build_index(folder)
    for item in index.articles:
        index.resolve(item)
        index.backlinks(item.id)


# --- 3. folders nested 1,000 deep ----------------------------------------------------------------

DEPTH = 1000
BOTTOM = "d/" * DEPTH + "bottom.md"


@pytest.fixture
def deep(tmp_path: Path) -> Iterator[Path]:
    """A folder 1,000 levels deep with one article at the bottom, removed iteratively after."""
    root = tmp_path / "deep"
    root.mkdir()
    path = root
    for _ in range(DEPTH):  # not os.makedirs: it recurses, and would exceed the limit
        path = path / "d"
        path.mkdir()
    (path / "bottom.md").write_text(article("bottom"))
    yield root
    # shutil.rmtree (and so pytest's own clean-up) recurses too: take the tree down bottom up.
    for top, dirs, files in _walk_bottom_up(root):
        for name in files:
            os.unlink(os.path.join(top, name))
        for name in dirs:
            os.rmdir(os.path.join(top, name))


def _walk_bottom_up(root: Path) -> list[tuple[str, list[str], list[str]]]:
    listed = []
    stack = [str(root)]
    while stack:
        top = stack.pop()
        entries = list(os.scandir(top))
        dirs = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
        listed.append((top, dirs, [e.name for e in entries if e.name not in dirs]))
        stack.extend(os.path.join(top, name) for name in dirs)
    return listed[::-1]


@pytest.mark.parametrize("use_inotify", [False, True], ids=["polling", "inotify"])
def test_deep_folder_walks(deep: Path, use_inotify: bool) -> None:
    """The loader and the watcher walk 1,000 levels, find the bottom file and see it change."""
    assert [f.id for f in find_files(deep)] == [BOTTOM]
    assert [a.id for a in build_index(deep).articles] == [BOTTOM]
    watcher = FolderWatcher(deep, use_inotify=use_inotify)
    watcher.prime()
    assert len(watcher.dirs) == DEPTH + 1 and list(watcher.files) == [BOTTOM]
    new = deep / BOTTOM.replace("bottom.md", "new.md")
    new.write_text(article("new"))
    first = watcher.poll().changed
    # Polled, a change waits for its second look; with inotify, a closed file is news at once.
    assert bool(first) == watcher.inotify_active
    assert first + watcher.poll().changed == [BOTTOM.replace("bottom.md", "new.md")]
    # A new deep branch, found by the watcher in one go.
    branch = deep / "d" / "e"
    branch.mkdir()
    path = branch
    for _ in range(DEPTH - 2):
        path = path / "e"
        path.mkdir()
    (path / "x.md").write_text(article("x"))
    changed = watcher.poll().changed
    changed += watcher.poll().changed
    assert changed == ["d/" + "e/" * (DEPTH - 1) + "x.md"]
    assert len(watcher.dirs) == 2 * DEPTH
    assert not watcher.poll()


def test_walks_are_bounded_in_depth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders deeper than the bound (a bind mount of a folder inside itself) are not entered."""
    root = tmp_path / "news"
    path = root
    for level in range(8):
        path.mkdir()
        (path / f"level{level}.md").write_text(article(str(level)))
        path = path / "d"
    found = [f.id.rsplit("/", 1)[-1] for f in find_files(root, max_depth=3)]
    assert sorted(found) == ["level0.md", "level1.md", "level2.md", "level3.md"]
    monkeypatch.setattr(watcher_module, "MAX_DEPTH", 3)
    watcher = FolderWatcher(root)
    watcher.mark_dirs()
    assert sorted(watcher.dirs) == ["", "d", "d/d", "d/d/d"]


async def test_app_on_a_deep_folder(deep: Path) -> None:
    """The app finishes indexing a 1,000-level folder, lists the bottom file, and undo works."""
    app = make_app(deep, Settings())
    before = (deep / BOTTOM).read_text()
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert [a.id for a in main.view] == [BOTTOM]
        await pilot.press("p")
        await wait_until(pilot, lambda: "published: false" in (deep / BOTTOM).read_text())
        await pilot.press("u")
        await wait_until(pilot, lambda: (deep / BOTTOM).read_text() == before)


# --- 4. files with 90,000 keys, related entries or topics ---------------------------------------

HUGE = 90_000


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if not number:
            return text


def write_huge_folder(folder: Path) -> Path:
    """Three files just under the size limit: 90,000 keys, related entries, topics."""
    folder.mkdir(parents=True)
    keys = "".join(f"k{_base36(i)}: 1\n" for i in range(HUGE))
    (folder / "keys.md").write_text(article("keys", keys))
    related = "related:\n" + "".join(f"- w: {i}\n" for i in range(HUGE))
    (folder / "related.md").write_text(article("related", related))
    topics = "topics:\n" + "".join(f"- t{i}\n" for i in range(HUGE))
    (folder / "topics.md").write_text(article("topics", topics))
    return folder


async def test_huge_files_show_a_capped_detail(tmp_path: Path) -> None:
    """The panes list the first rows of a huge list and say how many more there are.

    Laying out 90,000 grid rows took ~35 s each time the cursor landed on the file (see
    ``detail_pane.MAX_ROWS``); the cap, not the time, is asserted.
    """
    folder = write_huge_folder(tmp_path / "huge")
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        main = app.main
        assert main.articles.move_to("keys.md")
        await pilot.pause()
        text = main.detail.export_text()
        assert f"… and {HUGE - detail_pane.MAX_ROWS:,} more keys" in text
        rows = [line for line in text.splitlines() if re.fullmatch(r"k[0-9a-z]+ +1", line)]
        assert len(rows) == detail_pane.MAX_ROWS
        assert main.articles.move_to("topics.md")
        await pilot.pause()
        text = main.detail.export_text()
        assert f"t{detail_pane.MAX_TOPICS - 1} … and {HUGE - detail_pane.MAX_TOPICS:,} more" in text
        assert f"t{detail_pane.MAX_TOPICS}," not in text
        assert main.articles.move_to("related.md")
        await pilot.pause()
        panel = main.related
        # Heading, the listed rows, the "more" line, the backlinks heading and its note.
        assert panel.option_count == related_panel.MAX_ROWS + 4
        prompts = [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]
        assert prompts[0] == f"Related ({HUGE:,})"
        assert prompts[related_panel.MAX_ROWS + 1] == (
            f"… and {HUGE - related_panel.MAX_ROWS:,} more"
        )


def test_capped_sections_of_a_related_entry_and_long_texts() -> None:
    """An entry with many fields, many images and a megabyte of body are cut too."""
    rows = tuple((f"k{i}", "v") for i in range(1000))
    shown = detail_pane._capped_grid(rows, "fields")
    text = detail_pane.render_plain([shown])  # type: ignore[list-item]
    assert text.count(" v\n") == detail_pane.MAX_ROWS
    assert f"… and {1000 - detail_pane.MAX_ROWS:,} more fields" in text
    body = detail_pane._multiline("x" * (detail_pane.MAX_TEXT + 5))
    assert body is not None and body.plain.endswith("… and 5 more characters")
    images = tuple(Image(url=f"https://i.example/{i}") for i in range(300))
    text = detail_pane.render_plain([detail_pane._images(images)])  # type: ignore[list-item]
    assert text.count("https://i.example/") == detail_pane.MAX_ROWS
    assert "… and 100 more images" in text


# --- 5. copying and opening only clean http(s) URLs ---------------------------------------------


async def test_copy_and_open_refuse_a_url_with_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """y and o refuse a URL with a newline and an escape, saying why; a clean one works."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.md").write_text(
        '---\ntitle: "Hostile"\npublishedDateTime: 2021-01-02T00:00:00Z\n'
        'webUrl: "https://x.example/a\\nrm -rf ~\\e[2J"\n---\n'
    )
    (folder / "b.md").write_text(
        '---\ntitle: "Clean"\npublishedDateTime: 2021-01-01T00:00:00Z\n'
        'webUrl: "https://x.example/b"\n---\n'
    )
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    app = make_app(folder, Settings())
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert app.main.articles.current is not None
        assert app.main.articles.current.id == "a.md"
        await pilot.press("y", "o")
        await pilot.pause(0.1)
        messages = [n.message for n in app._notifications]
        assert "Not copied: the URL contains whitespace or line breaks" in messages
        assert "Not opened: the URL contains whitespace or line breaks" in messages
        assert app.clipboard == "" and opened == []
        await pilot.press("j", "y", "o")
        await wait_until(pilot, lambda: bool(opened))
        assert app.clipboard == "https://x.example/b" and opened == ["https://x.example/b"]


# --- 6. the exit code after a crash -------------------------------------------------------------


@pytest.mark.parametrize("crash", [True, False], ids=["crash", "quit"])
def test_app_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], crash: bool
) -> None:
    """``newsreader DIR`` (the CLI's own path into the app) exits 1 when the app died of an
    exception, and 0 when it was quit."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.md").write_text(article("a"))
    run = NewsreaderApp.run

    def headless_run(app: NewsreaderApp) -> None:
        # No terminal here: run headless, and crash (or quit) once the screen is up.
        def act() -> None:
            if crash:
                raise RuntimeError("forced crash")
            app.exit()

        app.call_later(lambda: app.set_timer(0.2, act))
        run(app, headless=True)

    monkeypatch.setattr(NewsreaderApp, "run", headless_run)
    monkeypatch.setattr(cli, "_has_terminal", lambda: True)
    assert cli.main([str(folder)]) == (1 if crash else 0)
    if crash:
        assert "forced crash" in capsys.readouterr().err
