"""The app's verdict is Jekyll's: every article and bad file carries what the site does with it.

Table tests through the whole core (parse, index, records and cache, the CLI's JSON, triage),
without Jekyll itself; tests/test_jekyll_e2e.py checks the same verdicts against a real build.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsreader.articles.model import Article, BadFile, FileStamp
from newsreader.reading.folder import build_index
from newsreader.reading.parsing import parse_article
from newsreader.reading.records import from_record, to_record
from newsreader.render import article_json, problem_json
from newsreader.site import rules as site
from newsreader.site.jekyll import SiteConfig

STAMP = FileStamp(1, 1, b"12345678")
HEAD = '---\ntitle: "A story"\nwebUrl: "https://example.org/a"\n'


def _file(flag_line: str, extra: str = "") -> bytes:
    return f"{HEAD}{flag_line}\n{extra}---\n".encode()


# (name, file name, bytes, verdict now, site_problem expected, flag, has_flag)
CASES: list[tuple[str, str, bytes, str, bool, bool | None, bool]] = [
    ("true", "a.md", _file("published: true"), "published", False, True, True),
    ("false", "a.md", _file("published: false"), "hidden", False, False, True),
    ("missing", "a.md", _file(""), "published", False, None, False),
    ("mixed-case false", "a.md", _file("published: fAlse"), "hidden", False, False, True),
    ("oFF", "a.md", _file("published: oFF"), "hidden", False, False, True),
    ("nO", "a.md", _file("published: nO"), "hidden", False, False, True),
    ("YES", "a.md", _file("published: YES"), "published", False, True, True),
    ("tilde", "a.md", _file("published: ~"), "hidden", False, None, True),
    ("null", "a.md", _file("published: null"), "hidden", False, None, True),
    ("empty", "a.md", _file("published:"), "hidden", False, None, True),
    ("quoted false", "a.md", _file('published: "false"'), "published", False, None, True),
    ("zero", "a.md", _file("published: 0"), "published", False, None, True),
    ("symbol", "a.md", _file("published: false", "type: :video\n"), "published", True, False, True),
    (
        "merge overrides",
        "a.md",
        _file("published: true", "<<: {published: false}\n"),
        "hidden",
        False,
        False,
        True,
    ),
    (
        "future file name",
        "2999-01-01-later.md",
        _file("published: true"),
        "hidden",
        False,
        True,
        True,
    ),
    (
        "past file name",
        "2001-01-01-old.md",
        _file("published: true"),
        "published",
        False,
        True,
        True,
    ),
    (
        "future date key",
        "a.md",
        _file("published: true", "date: 2999-01-01\n"),
        "hidden",
        False,
        True,
        True,
    ),
]


@pytest.mark.parametrize(
    ("name", "file_name", "data", "verdict", "misread", "flag", "has_flag"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_articles_carry_jekylls_verdict(
    name: str,
    file_name: str,
    data: bytes,
    verdict: str,
    misread: bool,
    flag: bool | None,
    has_flag: bool,
) -> None:
    article = parse_article(file_name, data, STAMP)
    assert isinstance(article, Article), article
    assert article.site == verdict
    assert article.published is (verdict == "published")
    assert bool(article.site_problem) is misread
    assert (article.flag, article.has_flag) == (flag, has_flag)
    # The cache gives back the same reading.
    assert from_record(to_record(article)) == article


# (name, bytes, verdict of the bad file)
BAD_CASES: list[tuple[str, bytes, str]] = [
    ("byte-order mark", b"\xef\xbb\xbf" + _file("published: false"), "copied"),
    ("cr only", _file("published: false").replace(b"\n", b"\r"), "copied"),
    ("blank first line", b"\n" + _file("published: false"), "copied"),
    ("yaml directive", b"%YAML 1.1\n" + _file("published: false"), "copied"),
    ("empty", b"", "copied"),
    ("syntax error", _file("published: false", 'title: "never closed\n'), "published"),
    (
        "not utf-8",
        _file("published: false", 'excerpt: "cafX"\n').replace(b"X", b"\xe9"),
        "published",
    ),
    ("never closed", _file("published: false")[: -len(b"---\n")], "published"),
    ("a list", b"---\n- published: false\n---\n", "published"),
    ("tag we refuse", _file("published: false", "extra: !custom value\n"), "hidden"),
]


@pytest.mark.parametrize(("name", "data", "verdict"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_files_carry_what_the_site_does(name: str, data: bytes, verdict: str) -> None:
    bad = parse_article("a.md", data, STAMP)
    assert isinstance(bad, BadFile), bad
    assert bad.site == verdict
    assert from_record(to_record(bad, STAMP)) == bad


def test_a_date_that_does_not_parse_is_a_warning_not_a_bad_file() -> None:
    article = parse_article(
        "a.md", _file("published: false", "publishedDateTime: 2021-13-45\n"), STAMP
    )
    assert isinstance(article, Article)
    assert article.site == "hidden"
    assert any("publishedDateTime" in w for w in article.warnings)


def test_site_config_future_and_unpublished() -> None:
    later = parse_article("2999-01-01-later.md", _file("published: true"), STAMP)
    hidden = parse_article("a.md", _file("published: false"), STAMP)
    assert isinstance(later, Article) and isinstance(hidden, Article)
    assert (later.site, hidden.site) == ("hidden", "hidden")
    site.use_config(SiteConfig(future=True))
    assert (later.site, hidden.site) == ("published", "hidden")
    site.use_config(SiteConfig(unpublished=True))
    assert (later.site, hidden.site) == ("hidden", "published")


def test_the_folders_site_config_is_read(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "_config.yml").write_text("future: true\n")
    news = tmp_path / "_news"
    news.mkdir()
    (news / "2999-01-01-later.md").write_bytes(_file("published: true"))
    index = build_index(news)
    assert index.site.future
    [article] = index.articles
    assert article.published
    assert article_json(index, article)["site"] == "published"


def test_problem_files_list_their_site_verdict(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_bytes(_file("published: true"))
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + _file("published: false"))
    (tmp_path / "symbol.md").write_bytes(_file("published: false", "type: :video\n"))
    (tmp_path / "hidden-bad.md").write_bytes(_file("published: false", "x: !custom y\n"))
    index = build_index(tmp_path)
    rows = {row["id"]: (row["site"], row["indexed"]) for row in problem_json(index)}
    assert rows == {
        "bom.md": ("copied", False),
        "symbol.md": ("published", True),
        "hidden-bad.md": ("hidden", False),
    }
    counts = index.counts()
    assert (counts.bad, counts.misread, counts.reaching_site) == (2, 1, 2)
    symbol = index.get("symbol.md")
    assert symbol is not None and symbol.published and symbol.flag is False


def test_flag_blockers() -> None:
    later = parse_article("2999-01-01-later.md", _file("published: false"), STAMP)
    misread = parse_article("a.md", _file("published: false", "type: :video\n"), STAMP)
    plain = parse_article("a.md", _file("published: false"), STAMP)
    assert isinstance(later, Article) and isinstance(misread, Article)
    assert isinstance(plain, Article)
    assert "future" in site.flag_blocker(later, True)
    assert site.flag_blocker(later, False) == ""
    assert "front matter" in site.flag_blocker(misread, False)
    assert "front matter" in site.flag_blocker(misread, True)
    assert site.flag_blocker(plain, True) == ""
    site.use_config(SiteConfig(unpublished=True))
    assert "unpublished" in site.flag_blocker(plain, False)


def test_date_words_survive_the_edges_of_time() -> None:
    assert site.date_words(None) == "no date"
    assert site.date_words(1e300)
    assert time.strftime("%Y", time.localtime(0)) in site.date_words(0.0)
