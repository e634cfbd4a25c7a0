"""Inputs that used to take the app down (issue 9, part 3), each checked in the core and the app.

Emptied folders, dates at the edge of ``datetime`` and impossible dates, folders nested 1,000
deep, files with 90,000 keys, URLs with control characters, and the exit code after a crash.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader import cli
from newsreader.config import Settings
from newsreader.folder import build_index
from newsreader.index import ArticleIndex, sort_articles
from newsreader.loader import load_detail
from newsreader.model import Article, ArticleDetail, FileStamp
from newsreader.parsing import parse_article, parse_detail
from newsreader.query import parse_query
from newsreader.records import from_record, to_record
from newsreader.render import article_json, detail_json, detail_lines, list_line
from newsreader.tui.app import make_app
from newsreader.tui.screens.main import MainScreen
from tests.apphelpers import ready

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
    assert capsys.readouterr().out == "0 articles, 0 bad, 0 warnings\n"
    assert cli.main(["stats", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0
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
