"""Tests for the virtual article list widget: rendering, cursor, messages and the row API."""

from __future__ import annotations

from datetime import datetime

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult

from newsreader.articles.model import Article, FileStamp
from newsreader.tui.widgets.article_list import (
    DIFFERS_GLYPH,
    MARK_GLYPH,
    PUBLISHED_GLYPH,
    UNPUBLISHED_GLYPH,
    ArticleList,
    ColumnLayout,
    compact_number,
    fit_cells,
)

STAMP = FileStamp(0, 0, b"")
SIZE = (100, 20)
#: The last cells of every row: gap, quality (6), gap, heat (6), the blank by the scrollbar.
TAIL = 15


def make(index: int, **fields: object) -> Article:
    """A hand-built article with predictable fields."""
    values: dict[str, object] = {
        "title": f"Title {index}",
        "provider": "Provider",
        "date": datetime(2024, 1, 1 + index % 28),
        "quality": index % 100,
        "heat": index % 10,
        # The file's flag agrees with the site (no "!" beside the status glyph).
        "flag": True,
        "has_flag": True,
    }
    values.update(fields)
    return Article(id=f"a{index:06d}.md", stamp=STAMP, **values)  # type: ignore[arg-type]


def make_rows(count: int) -> list[Article]:
    """``count`` distinct articles."""
    return [make(i) for i in range(count)]


class ListApp(App[None]):
    """A tiny owner for the list: records its messages and keeps the marks, like a screen."""

    def __init__(self, rows: list[Article]) -> None:
        super().__init__()
        self.initial_rows = rows
        self.highlights: list[ArticleList.Highlighted] = []
        self.toggles: list[str] = []
        self.marks: set[str] = set()

    def compose(self) -> ComposeResult:
        yield ArticleList(id="list")

    def on_mount(self) -> None:
        widget = self.query_one(ArticleList)
        widget.set_rows(self.initial_rows)
        widget.focus()

    def on_article_list_highlighted(self, message: ArticleList.Highlighted) -> None:
        self.highlights.append(message)

    def on_article_list_toggle_mark(self, message: ArticleList.ToggleMark) -> None:
        self.toggles.append(message.article_id)
        self.marks ^= {message.article_id}
        self.query_one(ArticleList).set_marks(self.marks)


def screen_line_of_cursor(widget: ArticleList) -> int:
    """The widget line the cursor row is drawn on (row i is virtual line i + 1)."""
    return widget.cursor + 1 - widget.scroll_offset.y


def assert_cursor_visible(widget: ArticleList) -> None:
    """The cursor row is below the header and above the bottom edge."""
    line = screen_line_of_cursor(widget)
    assert 1 <= line < widget.scrollable_content_region.height


# -- pure helpers ---------------------------------------------------------------------------

FIT_CASES = [
    ("pads short text", "abc", 5, "abc  "),
    ("exact fit", "abcde", 5, "abcde"),
    ("cuts with an ellipsis", "abcdefg", 5, "abcd…"),
    ("zero width", "abc", 0, ""),
    ("cjk fits", "中文", 4, "中文"),
    ("cjk straddling the cut is dropped and padded", "中文字", 4, "中… "),
    ("cjk cut on a boundary", "中文字x", 5, "中文…"),
    ("combining characters take no cell", "e\u0301e\u0301", 3, "e\u0301e\u0301 "),
    ("combining kept with its base when cut", "e\u0301e\u0301e\u0301e\u0301", 3, "e\u0301e\u0301…"),
    ("emoji is double width", "👍x", 4, "👍x "),
    ("emoji straddling the cut", "a👍bc", 3, "a… "),
]


@pytest.mark.parametrize(
    ("text", "width", "expected"), [c[1:] for c in FIT_CASES], ids=[c[0] for c in FIT_CASES]
)
def test_fit_cells(text: str, width: int, expected: str) -> None:
    result = fit_cells(text, width)
    assert result == expected
    assert cell_len(result) == width


NUMBER_CASES = [
    ("none is blank", None, "    "),
    ("zero", 0, "   0"),
    ("four digits", 9999, "9999"),
    ("negative", -12, " -12"),
    ("thousands", 12345, " 12k"),
    ("hundreds of thousands", 999_999, "999k"),
    ("millions", 12_345_678, " 12M"),
    ("negative thousands", -12345, "-12k"),
]


@pytest.mark.parametrize(
    ("value", "expected"), [c[1:] for c in NUMBER_CASES], ids=[c[0] for c in NUMBER_CASES]
)
def test_compact_number(value: int | None, expected: str) -> None:
    assert compact_number(value) == expected


LAYOUT_CASES = [
    ("usual", 90, 16, 43),
    ("provider grows on a wide screen", 130, 24, 75),
    ("provider stops growing", 200, 30, 139),
    ("provider shrinks for the title", 60, 9, 20),
    ("provider hidden when narrow", 45, 0, 15),
    ("too narrow for a title", 20, 0, 0),
]


@pytest.mark.parametrize(
    ("width", "provider", "title"), [c[1:] for c in LAYOUT_CASES], ids=[c[0] for c in LAYOUT_CASES]
)
def test_column_layout(width: int, provider: int, title: int) -> None:
    layout = ColumnLayout.for_width(width)
    assert (layout.provider, layout.title) == (provider, title)


# -- the widget -----------------------------------------------------------------------------


async def test_initial_render_and_highlight() -> None:
    rows = make_rows(5)
    rows[1] = make(1, flag=False, has_flag=True, renders=False)
    app = ListApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        widget = app.query_one(ArticleList)
        width = widget.scrollable_content_region.width
        header = widget.render_line(0).text
        assert header.split() == ["Date", "Provider", "Title", "Qual", "Heat"]
        first = widget.render_line(1).text
        assert first.startswith(" " + PUBLISHED_GLYPH + "  2024-01-01 Provider")
        assert "Title 0" in first
        assert first.endswith("     0      0 ")
        assert widget.render_line(2).text[1] == UNPUBLISHED_GLYPH
        assert all(cell_len(widget.render_line(y).text) == width for y in range(7))
        assert widget.render_line(6).text.strip() == ""  # below the last row
        assert app.highlights[-1].article is rows[0]
        assert app.highlights[-1].index == 0
        assert app.highlights[-1].control is widget


async def test_keys_move_cursor_and_scroll() -> None:
    rows = make_rows(50)
    app = ListApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        await pilot.press("j", "j", "down", "k")
        assert widget.cursor == 2
        assert app.highlights[-1].article is rows[2]
        assert app.highlights[-1].index == 2

        # The last visible row is line 19; j from there scrolls by one.
        widget.cursor = 18
        await pilot.pause()
        assert widget.scroll_offset.y == 0
        await pilot.press("j")
        assert widget.cursor == 19
        assert widget.scroll_offset.y == 1
        assert_cursor_visible(widget)

        await pilot.press("G")
        assert widget.cursor == 49
        assert widget.scroll_offset.y == widget.max_scroll_y
        assert_cursor_visible(widget)
        assert "Title 49" in widget.render_line(screen_line_of_cursor(widget)).text
        assert app.highlights[-1].article is rows[49]

        await pilot.press("g", "pagedown")
        page = widget.scrollable_content_region.height - 1
        assert widget.cursor == page
        assert widget.scroll_offset.y == page
        assert_cursor_visible(widget)
        assert "Title 0" not in widget.render_line(1).text

        await pilot.press("pageup", "end", "home")
        assert widget.cursor == 0
        assert widget.scroll_offset.y == 0
        assert app.highlights[-1].article is rows[0]


async def test_click_moves_cursor() -> None:
    app = ListApp(make_rows(30))
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        await pilot.click(ArticleList, offset=(20, 4))
        assert widget.cursor == 3
        await pilot.click(ArticleList, offset=(20, 0))  # the header
        assert widget.cursor == 3


async def test_space_posts_toggle_mark_and_moves_down() -> None:
    rows = make_rows(10)
    app = ListApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        await pilot.press("space")
        await pilot.pause()
        assert app.toggles == [rows[0].id]
        assert widget.cursor == 1
        assert widget.marked == {rows[0].id}
        assert widget.render_line(1).text.startswith(MARK_GLYPH + PUBLISHED_GLYPH)
        assert widget.render_line(2).text.startswith(" " + PUBLISHED_GLYPH)

        # The widget does not decide: without the owner's set_marks nothing is marked.
        widget.set_marks(set())
        await pilot.pause()
        assert not widget.render_line(1).text.startswith(MARK_GLYPH)


async def test_set_rows_keep_and_clamp() -> None:
    rows = make_rows(40)
    app = ListApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        widget.move_to(rows[30].id)
        await pilot.pause()
        assert widget.cursor == 30

        reordered = list(reversed(rows))
        widget.set_rows(reordered, keep=rows[30].id)
        await pilot.pause()
        assert widget.rows is reordered
        assert widget.cursor == 9
        assert widget.current is rows[30]
        assert app.highlights[-1].article is rows[30]
        assert_cursor_visible(widget)

        # The kept id is gone: the cursor index is clamped to the shorter list.
        widget.set_rows(rows[:5], keep="missing.md")
        await pilot.pause()
        assert widget.cursor == 4
        assert app.highlights[-1].article is rows[4]
        assert widget.scroll_offset.y == 0

        widget.set_rows([])
        await pilot.pause()
        assert widget.current is None
        assert app.highlights[-1].article is None
        assert app.highlights[-1].index == -1


async def test_set_rows_follows_the_article_by_object_then_by_id() -> None:
    rows = make_rows(40)
    app = ListApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        widget.move_to(rows[30].id)
        await pilot.pause()
        # A filtered view of the same objects: found by identity.
        widget.set_rows(rows[25:], keep=rows[30].id)
        assert (widget.cursor, widget.current) == (5, rows[30])
        # The article was re-read (a new object with the same id): found by id.
        reread = [make(i, title=f"Re-read {i}") for i in range(40)]
        widget.set_rows(reread, keep=rows[30].id)
        assert widget.current is reread[30]
        # Filtered out: neither way finds it, the cursor index is clamped.
        widget.set_rows(reread[:3], keep=rows[30].id)
        assert widget.cursor == 2
        await pilot.pause()
        # Given the very object the rows hold (the owner knows): identity only, no id scan.
        widget.set_rows(reread, keep=rows[30].id, kept=reread[30])
        assert widget.cursor == 30
        widget.set_rows(reread[5:], keep=rows[30].id, kept=rows[30])  # not that object: absent
        assert widget.cursor == 30  # the index is kept (clamped), the article not followed
        assert widget.current is reread[35]
        await pilot.pause()


async def test_set_rows_keeps_scroll_position() -> None:
    rows = make_rows(100)
    app = ListApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        widget.move_to(rows[60].id)
        await pilot.pause()
        before = widget.scroll_offset.y
        widget.set_rows([make(i, title=f"New {i}") for i in range(100)], keep=rows[60].id)
        await pilot.pause()
        assert widget.scroll_offset.y == before
        assert "New 60" in widget.render_line(screen_line_of_cursor(widget)).text


async def test_row_count_sizes_the_scrollbar_with_or_without_a_layout() -> None:
    """Rows that keep needing a scrollbar resize only its thumb; crossing the height lays out."""
    app = ListApp(make_rows(1000))
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        await pilot.pause()
        assert widget.show_vertical_scrollbar
        assert widget.vertical_scrollbar.window_virtual_size == 1001
        widget.move_to("a000900.md")
        await pilot.pause()
        widget.set_rows(make_rows(200))  # still more rows than lines: no layout of the screen
        await pilot.pause()
        assert widget.virtual_size.height == 201
        assert widget.vertical_scrollbar.window_virtual_size == 201
        assert widget.max_scroll_y == 201 - widget.scrollable_content_region.height
        assert widget.scroll_offset.y <= widget.max_scroll_y and widget.cursor == 199
        assert_cursor_visible(widget)
        widget.set_rows(make_rows(3))  # now they fit: the scrollbar goes
        await pilot.pause()
        assert widget.virtual_size.height == 4 and not widget.show_vertical_scrollbar
        widget.set_rows(make_rows(500))  # and comes back
        await pilot.pause()
        assert widget.show_vertical_scrollbar
        assert widget.vertical_scrollbar.window_virtual_size == 501


async def test_update_row_and_move_to() -> None:
    rows = make_rows(10)
    app = ListApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        assert "Title 3" in widget.render_line(4).text  # cached now
        assert widget.update_row(make(3, title="Changed", flag=False, has_flag=True, renders=False))
        await pilot.pause()
        line = widget.render_line(4).text
        assert "Changed" in line
        assert line[1] == UNPUBLISHED_GLYPH
        assert widget.rows[3].title == "Changed"
        assert not widget.update_row(make(99))

        assert widget.move_to(rows[7].id)
        await pilot.pause()
        assert widget.cursor == 7
        assert app.highlights[-1].article is rows[7]
        assert not widget.move_to("missing.md")
        assert widget.cursor == 7


async def test_sort_label_in_header() -> None:
    app = ListApp(make_rows(3))
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        widget.set_sort_label("date", True)
        assert "Date ▼" in widget.render_line(0).text
        widget.set_sort_label("heat", False)
        header = widget.render_line(0).text
        # Beside the label, a space between: never over one of its letters.
        assert header.endswith("  Qual ▲ Heat ")
        assert "▼" not in header
        widget.set_sort_label("quality", True)
        assert widget.render_line(0).text.endswith(" ▼ Qual   Heat ")
        widget.set_sort_label("id", False)
        assert "Title · by id ▲" in widget.render_line(0).text
        await pilot.pause()


async def test_sort_arrow_survives_a_narrow_provider_column() -> None:
    app = ListApp(make_rows(3))
    async with app.run_test(size=(58, 10)) as pilot:
        widget = app.query_one(ArticleList)
        widget.set_sort_label("provider", True)
        await pilot.pause()
        layout = ColumnLayout.for_width(widget.scrollable_content_region.width)
        assert 0 < layout.provider < len("Provider ▼")
        # The name is cut to make room; the arrow stays, a space before it.
        assert fit_cells("Provider", layout.provider - 2) + " ▼" in widget.render_line(0).text


async def test_empty_message_is_centred() -> None:
    app = ListApp([])
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        widget.empty_message = "No articles match"
        await pilot.pause()
        lines = [widget.render_line(y).text for y in range(1, SIZE[1])]
        shown = [line for line in lines if line.strip()]
        assert [line.strip() for line in shown] == ["No articles match"]
        left = len(shown[0]) - len(shown[0].lstrip())
        right = len(shown[0]) - len(shown[0].rstrip())
        assert abs(left - right) <= 1
        await pilot.press("j", "space")
        assert app.toggles == []


WIDE_TITLES = [
    "中文标题很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长",
    "日本語のタイトル",
    "emoji 👍🏽 and 👨‍👩‍👧 family " * 4,
    "combining e\u0301e\u0301e\u0301 a\u0308o\u0308u\u0308 " * 5,
    "x" * 58 + "中",  # a wide character straddling the title cut
    "plain ascii",
    "",
]


async def test_wide_titles_keep_columns_aligned() -> None:
    rows = [
        make(i, title=title, provider="提供者プロバイダー長い名前です", quality=42, heat=7)
        for i, title in enumerate(WIDE_TITLES)
    ]
    app = ListApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        widget = app.query_one(ArticleList)
        width = widget.scrollable_content_region.width
        layout = ColumnLayout.for_width(width)
        title_x = width - TAIL - layout.title
        header = widget.render_line(0)
        assert header.crop(width - TAIL, width).text == "   Qual   Heat "
        assert header.crop(title_x, title_x + 5).text == "Title"
        for y in range(1, len(rows) + 1):
            strip = widget.render_line(y)
            assert strip.cell_length == width
            assert cell_len(strip.text) == width
            assert strip.crop(width - TAIL, width).text == "     42      7 "
            assert strip.crop(4, 14).text == "2024-01-" + f"{y:02d}"
        # The untitled row shows its id instead.
        assert rows[-1].id in widget.render_line(len(rows)).text


HOSTILE_CASES = [
    ("markup", "[bold]x[/] [link=http://e]y[/link]", "[bold]x[/] [link=http://e]y[/link]"),
    ("escape sequence", "\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
    ("bell and newline", "ring\x07\nnext", "ring␇ next"),
    ("bidi override", "abc\u202edef", "abc\ufffddef"),
    ("c1 control", "x\x9by", "x\ufffdy"),
]


@pytest.mark.parametrize(
    ("title", "shown"), [c[1:] for c in HOSTILE_CASES], ids=[c[0] for c in HOSTILE_CASES]
)
async def test_hostile_titles_render_inert(title: str, shown: str) -> None:
    app = ListApp([make(0, title=title, provider=title[:10])])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        widget = app.query_one(ArticleList)
        strip = widget.render_line(1)
        assert shown in strip.text
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in strip.text)
        # Plain segments: markup in the text did not turn into styles or links.
        assert all(segment.style is None or not segment.style.link for segment in strip)
        assert len({segment.style for segment in strip}) <= 3


async def test_hundred_thousand_rows() -> None:
    rows = make_rows(100_000)
    app = ListApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(ArticleList)
        assert widget.virtual_size.height == 100_001
        assert "Title 0" in widget.render_line(1).text
        await pilot.press("G")
        assert widget.cursor == 99_999
        assert_cursor_visible(widget)
        assert "Title 99999" in widget.render_line(screen_line_of_cursor(widget)).text
        assert widget.move_to(rows[50_000].id)
        await pilot.pause()
        assert "Title 50000" in widget.render_line(screen_line_of_cursor(widget)).text
        assert app.highlights[-1].article is rows[50_000]


def test_highlighted_coalesces_per_list() -> None:
    first, second = ArticleList(), ArticleList()
    older = ArticleList.Highlighted(make(0), 0, article_list=first)
    newer = ArticleList.Highlighted(make(1), 1, article_list=first)
    other = ArticleList.Highlighted(make(2), 2, article_list=second)
    assert older.can_replace(newer)
    assert not older.can_replace(other)
    assert not older.can_replace(ArticleList.ToggleMark("a.md", article_list=first))


# -- published and unpublished rows ----------------------------------------------------------

STATUS_CASES = [
    ("published", {}, PUBLISHED_GLYPH + " "),
    ("unpublished", {"flag": False, "renders": False}, UNPUBLISHED_GLYPH + " "),
    ("no published key", {"flag": None, "has_flag": False}, PUBLISHED_GLYPH + DIFFERS_GLYPH),
    ("future date", {"site_time": 4_102_444_800.0}, UNPUBLISHED_GLYPH + DIFFERS_GLYPH),
    (
        "problem file, flag false",
        {"flag": False, "site_problem": "a :symbol"},
        PUBLISHED_GLYPH + DIFFERS_GLYPH,
    ),
]


@pytest.mark.parametrize(
    ("fields", "glyphs"), [c[1:] for c in STATUS_CASES], ids=[c[0] for c in STATUS_CASES]
)
async def test_status_glyphs_carry_the_meaning_without_colour(
    fields: dict[str, object], glyphs: str
) -> None:
    """What the site does, and ``!`` where the file's flag says otherwise, in the glyphs alone."""
    app = ListApp([make(0), make(1, **fields)])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.query_one(ArticleList).render_line(2).text[1:3] == glyphs


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "nord", "gruvbox"])
async def test_unpublished_rows_are_readable_not_disabled(theme: str) -> None:
    """The work queue reads like any row: only the status glyph's colour and shape differ."""
    rows = [make(0, title="Shown"), make(1, title="Queued", flag=False, renders=False)]
    app = ListApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        widget = app.query_one(ArticleList)
        widget.set_rows([*rows, make(2)])
        widget.cursor = 2  # off the two rows compared
        await pilot.pause()
        published, unpublished = widget.render_line(1), widget.render_line(2)
        title_style = next(s.style for s in unpublished if "Queued" in s.text)
        assert title_style == next(s.style for s in published if "Shown" in s.text)
        assert title_style is not None and not title_style.italic and not title_style.dim
        glyphs = [
            next(s.style for s in strip if s.text == glyph)
            for strip, glyph in ((published, PUBLISHED_GLYPH), (unpublished, UNPUBLISHED_GLYPH))
        ]
        colors = [style.color if style else None for style in glyphs]
        assert None not in colors and colors[0] != colors[1]
        background = title_style.bgcolor
        assert all(color != background for color in colors)
