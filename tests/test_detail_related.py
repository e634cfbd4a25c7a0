"""Tests for the detail pane and the related panel widgets.

The pane's content is checked as plain text, rendered from the renderables its sections hold with
a fixed-width Rich console; the panel's rows are plain Rich ``Text`` prompts, read directly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from newsreader.articles import lint
from newsreader.articles.model import (
    Article,
    ArticleDetail,
    FileStamp,
    Image,
    RelatedEntry,
    RelatedLink,
)
from newsreader.site import rules as site
from newsreader.tui.widgets.detail_pane import (
    NO_ARTICLE,
    SECTIONS,
    DetailPane,
    format_datetime,
    published_state,
    render_plain,
)
from newsreader.tui.widgets.related_panel import NOTHING_RELATED, RelatedPanel, RelatedRow

STAMP = FileStamp(size=1, mtime_ns=1, digest=b"")
WHEN = datetime(2021, 3, 11, 18, 10, 42, tzinfo=UTC)
HOSTILE = "[bold]Big[/bold] \x1b[2J\x07[link=file:///etc]x[/link]"


def make_article(**fields: Any) -> Article:
    """An article with a few fields set; the rest keep the model's defaults."""
    fields.setdefault("id", "2021-03-12-sample.md")
    return Article(stamp=STAMP, **fields)


def full_detail() -> ArticleDetail:
    """An article with every field group the pane shows."""
    article = make_article(
        id="sub/2021-03-12-nvidia-suite.md",
        title="Chipmaker ships a suite",
        date=WHEN,
        provider="Wire Weekly",
        domain="wire.example",
        topics=("AI Hardware", "AI"),
        type="video",
        category="news",
        quality=123,
        heat=-1,
        flag=False,
        has_flag=True,
        renders=False,
        web_url="https://web.example/story",
        original_url="https://orig.example/story",
        amp_url="https://amp.example/story",
        cdn_amp_url="https://cdn.example/story",
        warnings=("excerpt is not a string",),
    )
    return ArticleDetail(
        article=article,
        excerpt="First paragraph of the excerpt.\nSecond line of it.",
        images=(Image("https://img.example/pic.jpg", 700, 414, "A caption"),),
        featured_content='<iframe src="https://video.example/embed" allowfullscreen></iframe>',
        related=(RelatedEntry(link=RelatedLink(title="Other")),),
        unknown=(("mysteryKey", "[red]42[/red]"),),
        provider_images=(Image("https://img.example/logo.png", 50, 50),),
        body="A body after the front matter.",
    )


# (group, text the pane must show for full_detail())
FIELD_GROUPS = [
    ("title", "Chipmaker ships a suite"),
    ("provider and domain", "Wire Weekly · wire.example"),
    ("date", "2021-03-11 18:10 UTC"),
    ("type", "video"),
    ("category", "news"),
    ("quality", "123"),
    ("heat", "Heat       -1"),
    ("state", "○ unpublished"),
    ("topics", "AI Hardware, AI"),
    ("related count", "Related    1"),
    ("backlinks count", "Backlinks  4"),
    ("web url", "https://web.example/story"),
    ("original url", "https://orig.example/story"),
    ("amp url", "https://amp.example/story"),
    ("cdn amp url", "https://cdn.example/story"),
    ("image", "https://img.example/pic.jpg  700x414  A caption"),
    ("provider logo", "logo https://img.example/logo.png  50x50"),
    ("featured", '<iframe src="https://video.example/embed" allowfullscreen></iframe>'),
    ("unknown key", "mysteryKey  [red]42[/red]"),
    ("warning", "⚠ excerpt is not a string"),
    ("path", "sub/2021-03-12-nvidia-suite.md"),
    ("excerpt", "First paragraph of the excerpt.\nSecond line of it."),
    ("body", "A body after the front matter."),
]


class WidgetApp(App[None]):
    """A tiny app holding one of each widget and recording the panel's messages."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[Message] = []

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield DetailPane()
            yield RelatedPanel()

    def on_related_panel_open_article(self, message: RelatedPanel.OpenArticle) -> None:
        self.received.append(message)

    def on_related_panel_show_external(self, message: RelatedPanel.ShowExternal) -> None:
        self.received.append(message)


def shown_text(pane: DetailPane) -> str:
    """What the pane's visible Static widgets hold, as plain text."""
    statics = [pane.query_one(f"#detail-{name}", Static) for name in SECTIONS]
    return render_plain([s.content for s in statics if s.display], width=100)


# --- DetailPane -----------------------------------------------------------------------------


async def test_detail_pane_shows_every_field_group() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_detail(full_detail(), backlinks_count=4)
        await pilot.pause()
        text = shown_text(pane)
        missing = [group for group, expected in FIELD_GROUPS if expected not in text]
        assert missing == []
        assert text == pane.export_text(100)
        assert not pane.query_one("#detail-message", Static).display


@pytest.mark.parametrize(("group", "expected"), FIELD_GROUPS, ids=[g for g, _ in FIELD_GROUPS])
def test_exported_text_has_field_group(group: str, expected: str) -> None:
    pane = DetailPane()  # not mounted: the sections are built all the same
    pane.show_detail(full_detail(), backlinks_count=4)
    assert expected in pane.export_text(100)


async def test_detail_pane_starts_with_no_article_message() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)):
        pane = app.query_one(DetailPane)
        assert pane.export_text().strip() == NO_ARTICLE
        assert not pane.query_one("#detail-title", Static).display


DATE_CASES = [
    ("utc", datetime(2021, 3, 11, 18, 10, 59, tzinfo=UTC), "", "2021-03-11 18:10 UTC"),
    (
        "converted to utc",
        datetime(2021, 3, 12, 1, 10, tzinfo=timezone(timedelta(hours=7))),
        "",
        "2021-03-11 18:10 UTC",
    ),
    ("naive taken as utc", datetime(2021, 3, 11, 18, 10), "", "2021-03-11 18:10 UTC"),
    ("unparsed raw", None, "2021-13-45 99:99", "2021-13-45 99:99 (unparsed)"),
    ("missing", None, "", ""),
    ("raw made inert", None, "soon\x1b[0m", "soon␛[0m (unparsed)"),
]


@pytest.mark.parametrize(
    ("name", "date", "raw", "expected"), DATE_CASES, ids=[c[0] for c in DATE_CASES]
)
def test_format_datetime(name: str, date: datetime | None, raw: str, expected: str) -> None:
    assert format_datetime(date, raw) == expected


async def test_unparsed_date_shows_raw_text() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_detail(ArticleDetail(article=make_article(date_raw="next Tuesday-ish")))
        await pilot.pause()
        assert "Date       next Tuesday-ish (unparsed)" in shown_text(pane)


NOT_BOOLEAN = "a published value that is not true/false"
FUTURE = 32503680000.0  # 3000-01-01
STATE_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("true", {"flag": True, "has_flag": True}, "● published"),
    ("false", {"flag": False, "has_flag": True, "renders": False}, "○ unpublished"),
    ("missing key", {}, "● published (the file says no published key)"),
    ("text", {"has_flag": True}, f"● published (the file says {NOT_BOOLEAN})"),
    ("null", {"has_flag": True, "renders": False}, f"○ unpublished (the file says {NOT_BOOLEAN})"),
    (
        "misread",
        {"flag": False, "has_flag": True, "site_problem": "Symbol"},
        "● published with no front matter: Jekyll cannot read it (Symbol); "
        "the file says published: false",
    ),
    (
        "future",
        {"flag": True, "has_flag": True, "site_time": FUTURE},
        f"○ hidden until {site.date_words(FUTURE)}: dated in the future "
        "(the file says published: true)",
    ),
]


@pytest.mark.parametrize(
    ("name", "fields", "expected"), STATE_CASES, ids=[c[0] for c in STATE_CASES]
)
def test_published_state(name: str, fields: dict[str, Any], expected: str) -> None:
    fields.setdefault("flag", None)
    assert published_state(make_article(**fields)) == expected


async def test_hostile_text_is_literal_and_inert() -> None:
    article = make_article(title=HOSTILE, provider="[i]P[/i]", topics=("[b]t",))
    detail = ArticleDetail(
        article=article,
        excerpt="ring\x07 clear\x1b[2J",
        unknown=(("k\x1b", "v\x9b1m"),),
        body="\x1b]52;c;bad\x07",
    )
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_detail(detail)
        await pilot.pause()
        text = shown_text(pane)
        assert "[bold]Big[/bold] ␛[2J␇[link=file:///etc]x[/link]" in text
        assert "ring␇ clear␛[2J" in text
        assert "[i]P[/i]" in text
        assert "[b]t" in text
        assert "k␛  v\ufffd1m" in text
        assert "␛]52;c;bad␇" in text
        assert not any(ch in text for ch in "\x1b\x07\x9b")
        # What Textual draws is the same literal title, not parsed as markup.
        title = pane.query_one("#detail-title", Static)
        assert "[bold]Big[/bold]" in str(title.visual)


async def test_featured_content_is_shown_as_text() -> None:
    embed = '&lt;iframe src="https://v.example/e"&gt;&lt;/iframe&gt; <script>alert(1)</script>'
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_detail(ArticleDetail(article=make_article(), featured_content=embed))
        await pilot.pause()
        assert pane.query_one("#detail-featured", Static).display
        assert f"Featured content\n{embed}" in shown_text(pane)


async def test_empty_groups_are_hidden() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_detail(full_detail())
        await pilot.pause()
        pane.show_detail(ArticleDetail(article=make_article(title="Bare")))
        await pilot.pause()
        hidden = {n for n in SECTIONS if not pane.query_one(f"#detail-{n}", Static).display}
        expected = {"message", "context", "urls", "images", "featured", "unknown", "warnings"}
        assert hidden == expected | {"source", "excerpt", "body"}
        assert "(missing)" in shown_text(pane)


async def test_summary_shows_index_fields() -> None:
    article = make_article(title="Loading one", excerpt="Summary excerpt.", image_count=3)
    # The summary keeps the excerpt only as search text: the shown one comes with the detail.
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_summary(article)
        await pilot.pause()
        text = shown_text(pane)
        assert "Loading one" in text
        assert "Summary excerpt." not in text
        assert "Images   3" in text
        assert not pane.query_one("#detail-images", Static).display


async def test_related_entry_shows_its_own_fields() -> None:
    link = RelatedLink(
        title="Elsewhere story",
        urls=("https://else.example/a", "https://else.example/amp"),
        provider="Else News",
        domain="else.example",
        date=WHEN,
        quality=9,
    )
    entry = RelatedEntry(
        link=link,
        excerpt="Its own excerpt.",
        type="article",
        images=(Image("https://else.example/i.png", 10, None),),
        fields=(("title", "Elsewhere story"), ("customKey", "custom value")),
    )
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_related_entry(entry, parent_title="The [parent]")
        await pilot.pause()
        text = shown_text(pane)
        for expected in [
            "listed by The [parent]",
            "Elsewhere story",
            "Else News · else.example",
            "2021-03-11 18:10 UTC",
            "Quality  9",
            "https://else.example/amp",
            "https://else.example/i.png  10x?",
            "customKey  custom value",
            "Its own excerpt.",
        ]:
            assert expected in text


async def test_message_replaces_article() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_detail(full_detail())
        await pilot.pause()
        pane.show_message("This article's file is gone")
        await pilot.pause()
        assert shown_text(pane).strip() == "This article's file is gone"


async def test_new_article_scrolls_to_top() -> None:
    long = ArticleDetail(article=make_article(title="Long"), body="line\n" * 200)
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_detail(long)
        await pilot.pause()
        pane.focus()
        await pilot.press("end", "k")
        assert pane.scroll_y > 0
        pane.show_detail(full_detail())
        await pilot.pause()
        assert pane.scroll_y == 0


# --- RelatedPanel ---------------------------------------------------------------------------

PUBLISHED_TARGET = make_article(id="in/published.md", title="Target up", flag=True, has_flag=True)
HIDDEN_TARGET = make_article(
    id="in/hidden.md", title="Target down", flag=False, has_flag=True, renders=False
)
BACKLINK = make_article(id="back.md", title="Links here", provider="Back Co", date=WHEN)

ROWS = [
    RelatedRow(RelatedLink(title="Outside", provider="Ext", date=WHEN, quality=5), None, 0),
    RelatedRow(RelatedLink(title="Up listed"), PUBLISHED_TARGET, 1),
    RelatedRow(RelatedLink(), HIDDEN_TARGET, 2),
]

# Two lines a row: the title the panel's full width, then provider, date and quality.
EXPECTED_ROWS = [
    "Related (3)",
    "↗   Outside\n    Ext · 2021-03-11 · q5",
    "⇢ ● Up listed\n    ",
    "! ○ Target down\n    hidden on the site",
    "Backlinks (1)",
    "●   Links here\n    Back Co · 2021-03-11",
]


def row_texts(panel: RelatedPanel) -> list[str]:
    """The plain text of every row, headings included."""
    return [str(option.prompt) for option in panel.options]


async def test_related_rows_have_markers() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(RelatedPanel)
        panel.show(ROWS, [BACKLINK])
        await pilot.pause()
        assert row_texts(panel) == EXPECTED_ROWS
        assert panel.highlighted == 1  # the heading is skipped


GONE_LINK = RelatedLink(title="Was here", provider="Gone Co", quality=3)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (RelatedRow(RelatedLink(), PUBLISHED_TARGET, 0, lint.IN_FOLDER), "⇢ ● Target up\n    "),
        (
            RelatedRow(RelatedLink(title="Listed"), HIDDEN_TARGET, 0, lint.HIDDEN),
            "! ○ Listed\n    hidden on the site",
        ),
        (
            RelatedRow(RelatedLink(title="Far", provider="Ext"), None, 0, lint.NOT_IN_FOLDER),
            "↗   Far\n    not in the folder · Ext",
        ),
        (
            RelatedRow(GONE_LINK, None, 0, lint.REMOVED),
            "✗   Was here\n    removed from the folder · Gone Co · q3",
        ),
        # Links not resolved yet: nothing is said of an entry with no target.
        (RelatedRow(RelatedLink(title="Far"), None, 0), "↗   Far\n    "),
    ],
)
async def test_related_states_have_markers_and_words(row: RelatedRow, expected: str) -> None:
    """Each state reads in plain text (NO_COLOR): its marker and, but for the normal case, words."""
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(RelatedPanel)
        panel.show([row], [])
        await pilot.pause()
        assert row_texts(panel)[1] == expected


async def test_empty_states() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(RelatedPanel)
        panel.focus()
        assert row_texts(panel) == [NOTHING_RELATED]
        assert panel.has_class("-empty")
        await pilot.press("enter")
        assert panel.highlighted is None
        assert app.received == []


# (name, keys pressed after focusing, expected message type, expected payload)
ENTER_CASES = [
    ("external", ["enter"], RelatedPanel.ShowExternal, 0),
    ("in folder", ["j", "enter"], RelatedPanel.OpenArticle, "in/published.md"),
    ("unpublished in folder", ["down", "down", "enter"], RelatedPanel.OpenArticle, "in/hidden.md"),
    ("backlink", ["j", "j", "j", "enter"], RelatedPanel.OpenArticle, "back.md"),
    ("back up", ["j", "j", "k", "enter"], RelatedPanel.OpenArticle, "in/published.md"),
]


@pytest.mark.parametrize(
    ("name", "keys", "kind", "payload"), ENTER_CASES, ids=[c[0] for c in ENTER_CASES]
)
async def test_enter_posts_message(name: str, keys: list[str], kind: type, payload: object) -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(RelatedPanel)
        panel.show(ROWS, [BACKLINK])
        panel.focus()
        await pilot.press(*keys)
        await pilot.pause()
        assert [type(m) for m in app.received] == [kind]
        message = app.received[0]
        value = message.index if isinstance(message, RelatedPanel.ShowExternal) else None
        if isinstance(message, RelatedPanel.OpenArticle):
            value = message.article_id
        assert value == payload
        assert message.control is panel


async def test_open_binding_has_stable_id() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.set_keymap({"related.open": "o"})
        panel = app.query_one(RelatedPanel)
        panel.show(ROWS, [BACKLINK])
        panel.focus()
        await pilot.press("j", "o")
        await pilot.pause()
        assert [getattr(m, "article_id", None) for m in app.received] == ["in/published.md"]


async def test_click_selects_then_opens() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(RelatedPanel)
        panel.show(ROWS, [BACKLINK])
        await pilot.pause()
        # Lines 3-4 of the panel are option 2 ("⇢ ● Up listed"); the panel has no border.
        await pilot.click(panel, offset=(4, 3))
        assert panel.highlighted == 2
        assert app.received == []
        await pilot.click(panel, offset=(4, 4))
        assert [getattr(m, "article_id", None) for m in app.received] == ["in/published.md"]


async def test_double_click_opens_once() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(RelatedPanel)
        panel.show(ROWS, [BACKLINK])
        await pilot.pause()
        await pilot.double_click(panel, offset=(4, 8))  # the backlink row
        assert [getattr(m, "article_id", None) for m in app.received] == ["back.md"]


async def test_click_on_heading_does_nothing() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(RelatedPanel)
        panel.show(ROWS, [BACKLINK])
        await pilot.pause()
        await pilot.double_click(panel, offset=(4, 0))
        assert panel.highlighted == 1
        assert app.received == []


async def test_hostile_row_text_is_literal() -> None:
    row = RelatedRow(RelatedLink(title=HOSTILE, provider="\x1b[31mred"), None, 0)
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(RelatedPanel)
        panel.show([row], [make_article(title="[b]back\x07")])
        await pilot.pause()
        texts = row_texts(panel)
        assert texts[1].startswith("↗   [bold]Big[/bold] ␛[2J␇[link=file:///etc]x[/link]\n")
        assert texts[1].endswith("\n    ␛[31mred")
        assert texts[3].startswith("●   [b]back␇\n")


# --- reading order and entities -------------------------------------------------------------


def test_excerpt_comes_right_under_title_and_source() -> None:
    """The excerpt is the story: before dates, URLs, images and the file path."""
    order = [name for name in SECTIONS if name not in ("message", "context")]
    assert order[:3] == ["title", "source", "excerpt"]
    pane = DetailPane()
    pane.show_detail(full_detail())
    # export_text puts a blank line between two sections.
    lines = pane.export_text(100).splitlines()
    assert lines[:6] == [
        "Chipmaker ships a suite",
        "",
        "Wire Weekly · wire.example",
        "",
        "First paragraph of the excerpt.",
        "Second line of it.",
    ]


ENTITY_CASES = [
    ("no-break space", "a&nbsp;b", "a\u00a0b"),
    ("numeric ellipsis", "more&#8230;", "more…"),
    ("ampersand", "R&amp;D &lt;b&gt;", "R&D <b>"),
    ("double-escaped stays once-escaped", "&amp;amp;", "&amp;"),
    ("decoded markup stays literal", "&#91;bold]x&#91;/bold]", "[bold]x[/bold]"),
    ("escape by reference stays visible", "a&#27;[2Jb", "a␛[2Jb"),
    ("bell by hex reference", "x&#x07;y", "x␇y"),
    ("bidi override by reference", "a&#x202E;b", "a\ufffdb"),
]


@pytest.mark.parametrize(
    ("excerpt", "shown"), [c[1:] for c in ENTITY_CASES], ids=[c[0] for c in ENTITY_CASES]
)
async def test_excerpt_and_title_decode_entities_and_stay_inert(excerpt: str, shown: str) -> None:
    detail = ArticleDetail(article=make_article(title=f"T {excerpt}"), excerpt=excerpt)
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_detail(detail)
        await pilot.pause()
        text = shown_text(pane)
        assert text.splitlines()[:3] == [f"T {shown}", "", shown]
        assert not any(ch in text for ch in "\x1b\x07\u202e")


async def test_related_panel_collapses_when_there_is_nothing() -> None:
    app = WidgetApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(RelatedPanel)
        panel.show(ROWS, [])
        await pilot.pause()
        assert not panel.has_class("-empty")
        assert row_texts(panel)[-1] == "No backlinks"
        panel.show([], [])
        await pilot.pause()
        assert panel.has_class("-empty")
        assert row_texts(panel) == [NOTHING_RELATED]
