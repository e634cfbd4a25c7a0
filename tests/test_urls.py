"""Tests for newsreader.articles.urls: which URLs name the same story and which do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.articles.index import ArticleIndex, UrlMap
from newsreader.articles.model import Article, FileStamp, RelatedLink
from newsreader.articles.urls import (
    MAX_WEB_URL_LENGTH,
    _normalize_general,
    normalize_url,
    web_url_problem,
)

BASE = "https://example.com/news/2021/story"

SAME: list[tuple[str, str, str]] = [
    ("scheme", "http://example.com/news/2021/story", BASE),
    ("no-scheme", "example.com/news/2021/story", BASE),
    ("www", "https://www.example.com/news/2021/story", BASE),
    ("host-case", "HTTPS://WWW.Example.COM/news/2021/story", BASE),
    ("trailing-slash", "https://example.com/news/2021/story/", BASE),
    ("fragment", "https://example.com/news/2021/story#comments", BASE),
    ("blank-around", "  https://example.com/news/2021/story \n", BASE),
    ("amp-suffix", "https://example.com/news/2021/story/amp/", BASE),
    ("amp-prefix", "https://example.com/amp/news/2021/story", BASE),
    ("amp-html", "https://example.com/news/2021/story/amp.html", BASE),
    ("dot-amp", "https://example.com/news/2021/story.amp", BASE),
    ("query-amp", "https://example.com/news/2021/story?amp", BASE),
    ("query-amp-1", "https://example.com/news/2021/story?amp=1", BASE),
    ("query-outputtype", "https://example.com/news/2021/story?outputType=amp", BASE),
    ("query-usqp", "https://example.com/news/2021/story?usqp=mq331AQ", BASE),
    (
        "cdn-amp",
        "https://example-com.cdn.ampproject.org/c/s/example.com/news/2021/story/amp/",
        BASE,
    ),
    (
        "cdn-amp-viewer",
        "https://www-example-com.cdn.ampproject.org/v/s/www.example.com/news/2021/story"
        "?amp_js_v=0.1",
        BASE,
    ),
    ("cdn-amp-http", "https://example-com.cdn.ampproject.org/c/example.com/news/2021/story", BASE),
    (
        "keeps-real-query",
        "https://www.example.com/story/?id=7&amp=1",
        "http://example.com/story?id=7",
    ),
    ("bare-host", "https://www.example.com/", "example.com"),
]

DIFFERENT: list[tuple[str, str, str]] = [
    ("other-path", "https://example.com/news/2021/other", BASE),
    ("path-case", "https://example.com/News/2021/Story", BASE),
    ("parent-path", "https://example.com/news/2021", BASE),
    ("other-host", "https://example.org/news/2021/story", BASE),
    ("subdomain", "https://news.example.com/news/2021/story", BASE),
    ("www-glued", "https://wwwexample.com/news/2021/story", BASE),
    ("amp-like-word", "https://example.com/news/2021/ampere", "https://example.com/news/2021"),
    ("amp-prefixed-slug", "https://example.com/news/amp-story", "https://example.com/news"),
    ("query-id", "https://example.com/story?id=7", "https://example.com/story?id=8"),
    ("query-vs-none", "https://example.com/story?id=7", "https://example.com/story"),
]


@pytest.mark.parametrize(("a", "b"), [c[1:] for c in SAME], ids=[c[0] for c in SAME])
def test_same_story(a: str, b: str) -> None:
    assert normalize_url(a) == normalize_url(b) != ""


@pytest.mark.parametrize(("a", "b"), [c[1:] for c in DIFFERENT], ids=[c[0] for c in DIFFERENT])
def test_different_stories(a: str, b: str) -> None:
    assert normalize_url(a) != normalize_url(b)
    assert normalize_url(a) and normalize_url(b)


@pytest.mark.parametrize("url", ["", "   ", "https://", "https://www.", "//"])
def test_unusable_urls_have_no_key(url: str) -> None:
    assert normalize_url(url) == ""


def test_normalised_form() -> None:
    assert normalize_url("https://WWW.Example.com/A/b/amp/?x=1#f") == "example.com/A/b?x=1"


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80) | st.from_regex(r"https?://[\[\]a-z.:@%/?&=#-]{0,40}", fullmatch=True))
def test_never_raises(url: str) -> None:
    key = normalize_url(url)
    assert isinstance(key, str)
    assert normalize_url(f" {url}\n") == key  # surrounding blanks never matter


# --- the compact URL map -----------------------------------------------------------------------


def test_url_map_keeps_the_smallest_id_per_key() -> None:
    urls = UrlMap([(3, "b.md"), (1, "x.md"), (3, "a.md"), (-(2**63), "low.md")])
    assert [urls.get(k) for k in (3, 1, -(2**63), 2)] == ["a.md", "x.md", "low.md", None]
    urls.offer(3, "c.md")  # a larger id does not take the URL
    urls.offer(1, "w.md")  # a smaller one does
    urls.offer(2**63 - 1, "high.md")
    assert [urls.get(k) for k in (3, 1, 2**63 - 1)] == ["a.md", "w.md", "high.md"]
    assert len(urls) == 4


@given(
    st.lists(st.tuples(st.integers(-3, 3), st.sampled_from("abcdef")), max_size=40),
    st.lists(st.tuples(st.integers(-3, 3), st.sampled_from("abcdef")), max_size=40),
    st.integers(1, 5),
)
def test_url_map_equals_a_plain_dict(
    built: list[tuple[int, str]], offered: list[tuple[int, str]], merge_at: int
) -> None:
    """Bulk build, later offers and merges of the recent ones give what a dict would."""
    model: dict[int, str] = {}
    urls = UrlMap(built)
    urls.MERGE_AT = merge_at  # merge often
    for key, article_id in [*built, *offered]:
        if key not in model or article_id < model[key]:
            model[key] = article_id
    for key, article_id in offered:
        urls.offer(key, article_id)
    assert {k: urls.get(k) for k in range(-3, 4)} == {k: model.get(k) for k in range(-3, 4)}
    assert len(urls) == len(model)


def test_links_built_elsewhere_are_taken_only_if_nothing_changed(tmp_path: Path) -> None:
    stamp = FileStamp(0, 0, b"")
    link = RelatedLink("B", ("https://b.example/story",))
    a = Article("a.md", stamp, title="A", web_url="https://a.example/x", related=(link,))
    b = Article("b.md", stamp, title="B", web_url="https://www.b.example/story/")
    index = ArticleIndex(tmp_path)
    index.add_all([a, b])
    stale = index.links_job()
    index.discard("b.md")
    fresh = index.links_job()
    index.add(b)
    assert not index.install_links(stale()) and not index.install_links(fresh())
    assert not index.links_ready
    assert index.install_links(index.links_job()())
    assert index.links_ready
    assert [r.target for r in index.resolve(a)] == [b]
    assert index.backlinks("b.md") == [a]


@pytest.mark.parametrize(("threshold", "settles"), [(3, 0), (2, 1)])
def test_links_of_a_large_folder_settle_the_heap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int, settles: int
) -> None:
    import newsreader.articles.index

    calls: list[None] = []
    monkeypatch.setattr(newsreader.articles.index, "SETTLE_LINKS", threshold)
    monkeypatch.setattr(newsreader.articles.index.heap, "settle", lambda: calls.append(None))
    stamp = FileStamp(0, 0, b"")
    index = ArticleIndex(tmp_path)
    index.add_all([Article("a.md", stamp), Article("b.md", stamp)])
    stale = index.links_job()
    index.discard("b.md")
    assert not index.install_links(stale()) and calls == []  # nothing taken, nothing settled
    index.add(Article("b.md", stamp))
    assert index.install_links(index.links_job()())
    assert len(calls) == settles


# --- the fast path equals the general one ------------------------------------------------------


def _general(url: str) -> str:
    """normalize_url through the general (urlsplit) path only."""
    url = url.strip()
    if not url:
        return ""
    if "://" in url:
        url = url.split("://", 1)[1]
    return _normalize_general(url)


_URL_PIECES = st.sampled_from(
    ["https://", "http://", "www.", "WWW.", "Example", ".com", "/", "//", "a", "-", "amp", "AMP",
     ".amp", "amp.html", "?", "amp=1", "&", "#", "frag", ":8080", "@", "%2F", "~", " ", "\t",
     "\n", "\x01", "é", "[", "]", ".", "x_y", "cdn.ampproject.org/c/s/"]
)  # fmt: skip


@given(st.lists(_URL_PIECES, max_size=12).map("".join))
@settings(max_examples=500)
def test_fast_path_equals_the_general_one(url: str) -> None:
    assert normalize_url(url) == _general(url)


@given(st.text(max_size=40))
def test_fast_path_equals_the_general_one_on_any_text(url: str) -> None:
    assert normalize_url(url) == _general(url)


@pytest.mark.parametrize(
    "url",
    ["https://www.Example.com/news/2021/story/", "example.com", "www.", "a.example//x//y#top",
     "https://a.example/path;p=1,2:3@x", "..", "-.example/%41"],
)  # fmt: skip
def test_fast_path_examples(url: str) -> None:
    assert normalize_url(url) == _general(url)


# --- which URLs may be opened or copied ---------------------------------------------------------

CLEAN_WEB_URLS = [
    "https://news.example/a/",
    "http://news.example",
    "HTTPS://News.Example/a?b=1&c=d#frag",
    "https://news.example:8080/a",
    "https://user@news.example/a",
    "https://[2001:db8::1]/a",
    "https://xn--caf-dma.example/caf%C3%A9",
    "https://café.example/naïve",
    "https://news.example/" + "a" * (MAX_WEB_URL_LENGTH - 21),
]
REFUSED_WEB_URLS: list[tuple[str, str, str]] = [
    ("empty", "", "is empty"),
    ("newline", "https://news.example/a\nrm -rf ~", "whitespace"),
    ("trailing newline", "https://news.example/a\n", "whitespace"),
    ("leading space", " https://news.example/a", "whitespace"),
    ("inner space", "https://news.example/a b", "whitespace"),
    ("tab", "https://news.example/\ta", "whitespace"),
    ("no-break space", "https://news.example/a\u00a0b", "whitespace"),
    ("line separator", "https://news.example/a\u2028b", "whitespace"),
    ("escape", "https://news.example/\x1b]52;c;ZXZpbA==\x07", "control characters"),
    ("csi", "https://news.example/\x1b[2J", "control characters"),
    ("nul", "https://news.example/\x00", "control characters"),
    ("del", "https://news.example/\x7f", "control characters"),
    ("c1 control", "https://news.example/\x9b31m", "control characters"),
    ("bidi override", "https://news.example/\u202egpj.exe", "control characters"),
    ("zero width", "https://news\u200b.example/", "control characters"),
    ("unassigned", "https://news.example/\U000e0fff", "control characters"),
    ("file", "file:///etc/passwd", "is not http or https (file:)"),
    ("javascript", "javascript:alert(1)", "is not http or https (javascript:)"),
    ("data", "data:text/html,<script>", "is not http or https (data:)"),
    ("ftp", "ftp://news.example/a", "is not http or https (ftp:)"),
    ("no scheme", "news.example/a", "has no http or https scheme"),
    ("scheme-relative", "//news.example/a", "has no http or https scheme"),
    ("no host", "https:///a", "names no host"),
    ("only scheme", "https:", "names no host"),
    ("bad ipv6", "https://[::1/a", "does not parse"),
    ("bad port", "https://news.example:99999999/", "does not parse"),
    ("port not a number", "https://news.example:http/", "does not parse"),
    ("too long", "https://news.example/" + "a" * MAX_WEB_URL_LENGTH, "is too long"),
]


@pytest.mark.parametrize("url", CLEAN_WEB_URLS)
def test_clean_web_urls(url: str) -> None:
    assert web_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [c[1:] for c in REFUSED_WEB_URLS],
    ids=[c[0] for c in REFUSED_WEB_URLS],
)
def test_refused_web_urls(url: str, reason: str) -> None:
    problem = web_url_problem(url)
    assert problem is not None and reason in problem
    # The reason is shown in a notification: it never carries the URL's own characters.
    assert problem.isprintable() and "news.example" not in problem


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_any_accepted_url_is_clean(tail: str) -> None:
    """Whatever follows a good start, an accepted URL has no whitespace or control character."""
    url = "https://news.example/" + tail
    if web_url_problem(url) is None:
        assert url.isprintable() and not any(c.isspace() for c in url)
