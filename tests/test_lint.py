"""Tests for the front-matter lint and the related entries' states (newsreader.articles.lint)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsreader.articles import lint
from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import Article, FileStamp, RelatedLink
from newsreader.reading.parsing import parse_article
from tests.test_cli import assert_ok, run

STAMP = FileStamp(size=1, mtime_ns=1, digest=b"")


def make_article(**fields: Any) -> Article:
    """An article with a few fields set (one image unless told: the images rule stays quiet)."""
    fields.setdefault("id", "a.md")
    fields.setdefault("image_count", 1)
    return Article(stamp=STAMP, **fields)


def index_of(tmp_path: Path, *articles: Article) -> ArticleIndex:
    index = ArticleIndex(tmp_path)
    index.add_all(articles)
    return index


# --- the rules, one text at a time ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain ASCII title", ""),
        ("It’s a “quoted” title — fine…", ""),
        ("Café in São Paulo, naïve Zürich", ""),
        ("Ãmbito: a Portuguese word", ""),
        ("Itâ€™s broken", "â€™"),
        ("A dash â€” here", "â€”"),
        ("â€˜Quotedâ€™", "â€˜"),
        ("CafÃ© au lait", "Ã©"),
        ("Costs Â£5", "Â£"),
    ],
)
def test_garbled_title(text: str, expected: str) -> None:
    assert lint.garbled(text) == expected


@pytest.mark.parametrize(
    ("excerpt", "expected"),
    [
        ("It’s fine — really…", False),
        ("Café in São Paulo", False),
        ("Soft\u00adhyphen in a\u00adword", False),
        ("Itâ€™s broken", True),
        ("CafÃ© au lait", True),
        ("MÃ¼nchen", True),
    ],
)
def test_garbled_excerpt_as_the_index_keeps_it(excerpt: str, expected: bool) -> None:
    """The index keeps the excerpt only folded for search: the rule sees it so."""
    article = make_article(title="T", excerpt=excerpt)
    codes = {
        f.code for f in lint.lint_article(ArticleIndex(Path(".")), article, frozenset(lint.CODES))
    }
    assert (lint.MOJIBAKE in codes) is expected


@pytest.mark.parametrize(
    ("excerpt", "cut"),
    [
        ("A whole sentence.", False),
        ("", False),
        ("Ellipsis inside... then more.", False),
        ("Cut short...", True),
        ("Cut short…", True),
        ("Cut short…  ", True),
        ("Cut short …\n", True),
    ],
)
def test_cut_excerpt(excerpt: str, cut: bool) -> None:
    article = make_article(title="T", excerpt=excerpt)
    found = lint.lint_article(ArticleIndex(Path(".")), article, frozenset({lint.CUT}))
    assert bool(found) is cut


@pytest.mark.parametrize(("count", "warned"), [(0, True), (1, False), (3, False)])
def test_missing_images(count: int, warned: bool) -> None:
    article = make_article(image_count=count)
    found = lint.lint_article(ArticleIndex(Path(".")), article, frozenset({lint.IMAGES}))
    assert [f.message for f in found] == (["no images"] if warned else [])


@pytest.mark.parametrize(
    ("images", "warning"),
    [
        ("images:\n  - url: https://img.example/1.jpg\n", None),
        ("images: []\n", None),
        ("images:\n  - url: https://img.example/1.jpg\n  - width: 5\n", "1 of 2"),
        ('images:\n  - url: "  "\n', "1 of 1"),
        ("images:\n  - https://img.example/bare.jpg\n  - url: 7\n", "2 of 2"),
    ],
)
def test_image_entries_without_url(images: str, warning: str | None) -> None:
    """Found when the file is read (the index keeps no image entries), coded ``images``."""
    article = parse_article("a.md", f"---\ntitle: T\n{images}---\n".encode(), STAMP)
    assert isinstance(article, Article)
    found = [w for w in article.warnings if lint.warning_code(w) == lint.IMAGES]
    expected = [] if warning is None else [f"images: {warning} entries have no url"]
    assert found == expected


@pytest.mark.parametrize(
    ("urls", "expected"),
    [
        # (web, original) of a.md, then of b.md; what is said of each
        ((("https://x.example/1", ""), ("https://y.example/2", "")), {}),
        ((("https://x.example/1", ""), ("https://x.example/1", "")), {"b.md": "a.md"}),
        ((("https://x.example/1", ""), ("", "http://www.x.example/1/")), {"b.md": "a.md"}),
        ((("", "https://x.example/1"), ("https://x.example/1", "")), {"b.md": "a.md"}),
        ((("", ""), ("", "")), {}),
    ],
)
def test_duplicate_urls(
    tmp_path: Path, urls: tuple[tuple[str, str], ...], expected: dict[str, str]
) -> None:
    a = make_article(id="a.md", web_url=urls[0][0], original_url=urls[0][1])
    b = make_article(id="b.md", web_url=urls[1][0], original_url=urls[1][1])
    found = lint.lint(index_of(tmp_path, b, a), {lint.DUPLICATE_URL})
    assert {f.id: f.message for f in found} == {i: f"same URL as {t}" for i, t in expected.items()}


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("mojibake", {"mojibake"}),
        ("mojibake, cut", {"mojibake", "cut"}),
        ("all", set(lint.CODES)),
        ("default", set(lint.CODES) - {"outside"}),
        ("none", set()),
        ("", set()),
    ],
)
def test_parse_codes(text: str, codes: set[str]) -> None:
    assert lint.parse_codes(text) == codes


def test_parse_codes_names_an_unknown_code() -> None:
    with pytest.raises(ValueError, match="'nope'"):
        lint.parse_codes("cut,nope")


# --- related entries -----------------------------------------------------------------------

UP = make_article(id="up.md", title="Up", web_url="https://site.example/up")
DOWN = make_article(
    id="down.md", title="Down", web_url="https://site.example/down", flag=False, renders=False
)
GONE = make_article(id="gone.md", title="Gone", web_url="https://site.example/gone")


def link(url: str, title: str = "") -> RelatedLink:
    return RelatedLink(title=title, urls=(url,))


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("https://site.example/up", lint.IN_FOLDER, ""),
        ("http://www.site.example/up/", lint.IN_FOLDER, ""),
        ("https://site.example/down", lint.HIDDEN, "hidden on the site"),
        ("https://elsewhere.example/x", lint.NOT_IN_FOLDER, "not in the folder"),
        ("https://site.example/gone", lint.REMOVED, "removed from the folder"),
    ],
)
def test_link_status(tmp_path: Path, url: str, status: str, words: str) -> None:
    index = index_of(tmp_path, UP, DOWN, GONE)
    index.discard(GONE.id)
    target = index.resolve_link(link(url))
    assert lint.link_status(index, link(url), target) == status
    assert lint.STATUS_WORDS[status] == words


def test_a_replaced_file_is_not_removed(tmp_path: Path) -> None:
    """A re-read with a new URL is an edit, not a removal; a file back again is in the folder."""
    index = index_of(tmp_path, UP, GONE)
    index.add(make_article(id="gone.md", web_url="https://site.example/moved"))
    old = link("https://site.example/gone")
    assert lint.link_status(index, old, index.resolve_link(old)) == lint.NOT_IN_FOLDER
    index.discard(UP.id)
    index.add(UP)
    up = link("https://site.example/up")
    assert lint.link_status(index, up, index.resolve_link(up)) == lint.IN_FOLDER


def test_related_findings(tmp_path: Path) -> None:
    source = make_article(
        id="src.md",
        related=(
            link("https://site.example/up", "Fine"),
            link("https://site.example/down"),
            link("https://elsewhere.example/x", "Outside"),
            link("https://site.example/gone", "Was here"),
        ),
    )
    index = index_of(tmp_path, source, UP, DOWN, GONE)
    index.discard(GONE.id)
    found = lint.lint(index, lint.CODES)
    assert [(f.code, f.message) for f in found] == [
        ("related", "related: 'Down' is hidden on the site (down.md)"),
        ("outside", "related: 'Outside' is not in the folder (https://elsewhere.example/x)"),
        ("related", "related: 'Was here' is removed from the folder (gone.md)"),
    ]
    assert {f.code for f in lint.lint(index)} == {"related"}  # outside is not a default


# --- check --json ----------------------------------------------------------------------------

FILES = {
    "good.md": """---
title: "Good story"
excerpt: "A whole sentence."
webUrl: "https://news.example/good"
images:
  - url: "https://img.example/1.jpg"
related:
  - title: "Hidden one"
    webUrl: "https://news.example/hidden"
  - title: "Far away"
    webUrl: "https://far.example/x"
---
""",
    "hidden.md": """---
title: "Hidden one"
excerpt: "Itâ€™s garbled, and cut..."
webUrl: "https://news.example/hidden"
published: false
images:
  - url: "https://img.example/2.jpg"
  - title: "no url"
---
""",
    "twin.md": """---
title: "CafÃ© twin"
originalUrl: "http://www.news.example/good/"
publishedDateTime: 2021-02-30
---
""",
}


@pytest.fixture(scope="module")
def linted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lint") / "news"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def check_json(folder: Path, *args: str) -> dict[str, Any]:
    result = run("check", folder, "--json", *args)
    assert_ok(result)
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_check_json_lint(linted: Path) -> None:
    report = check_json(linted)
    assert set(report) == {"articles", "bad", "warnings"} and report["bad"] == []
    assert all(set(w) == {"id", "warning", "code"} for w in report["warnings"])
    codes = [(w["id"], w["code"]) for w in report["warnings"]]
    assert codes == [
        ("good.md", "related"),
        ("hidden.md", "images"),
        ("hidden.md", "mojibake"),
        ("hidden.md", "cut"),
        ("twin.md", "front-matter"),
        ("twin.md", "mojibake"),
        ("twin.md", "images"),
        ("twin.md", "duplicate-url"),
    ]
    assert [w["warning"] for w in report["warnings"][:3]] == [
        "related: 'Hidden one' is hidden on the site (hidden.md)",
        "images: 1 of 2 entries have no url",
        "garbled text in the excerpt: 'â€™'",  # as written, though the index keeps it folded
    ]


@pytest.mark.parametrize(
    ("option", "codes"),
    [
        ("mojibake", {"front-matter", "mojibake"}),
        ("cut,duplicate-url", {"front-matter", "cut", "duplicate-url"}),
        ("images", {"front-matter", "images"}),
        ("outside", {"front-matter", "outside"}),
        ("none", {"front-matter"}),
    ],
)
def test_check_lint_filter(linted: Path, option: str, codes: set[str]) -> None:
    report = check_json(linted, "--lint", option)
    assert {w["code"] for w in report["warnings"]} == codes


def test_check_text_and_bad_code(linted: Path) -> None:
    result = run("check", linted, "--lint", "cut")
    assert_ok(result)
    assert "warn  hidden.md: the excerpt is cut short (it ends in ...) [cut]" in result.stdout
    result = run("check", linted, "--lint", "cut,typo")
    assert result.returncode == 2 and "unknown lint code 'typo'" in result.stderr
