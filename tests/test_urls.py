"""Tests for newsreader.urls: which URLs name the same story and which do not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.urls import normalize_url

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
