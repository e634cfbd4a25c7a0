"""Tests for newsreader.reading.loader, newsreader.reading.folder and newsreader.articles.index."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.articles.index import ArticleIndex, date_text, sort_articles
from newsreader.articles.model import Article, ArticleDetail, BadFile, FileStamp, RelatedLink
from newsreader.reading.folder import FolderError, build_index, check_folder
from newsreader.reading.indexer import index_updates
from newsreader.reading.loader import (
    VANISHED,
    _read_all,
    find_files,
    load_detail,
    load_file,
    read_file,
)
from newsreader.reading.parsing import MAX_FILE_SIZE
from tests.hostile import (
    EXPECTED_FLAGS,
    EXPECTED_WARNINGS,
    INVALID_YAML_LINES,
    NEVER_INDEXED,
    outside_dir,
    write_hostile_corpus,
)

STAMP = FileStamp(0, 0, b"")

# --- the hostile corpus through the loader -----------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str | None]]:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    return folder, write_hostile_corpus(folder)


@pytest.fixture(scope="module")
def hostile_index(corpus: tuple[Path, dict[str, str | None]]) -> ArticleIndex:
    return build_index(corpus[0])


def test_every_good_file_is_indexed_with_its_flag(
    corpus: tuple[Path, dict[str, str | None]], hostile_index: ArticleIndex
) -> None:
    _, expected = corpus
    good = {i for i, reason in expected.items() if reason is None}
    assert {a.id for a in hostile_index.articles} == good
    for article_id, flag in EXPECTED_FLAGS.items():
        article = hostile_index.get(article_id)
        assert article is not None, article_id
        assert article.flag is flag, article_id
    for article_id in EXPECTED_WARNINGS:
        article = hostile_index.get(article_id)
        assert article is not None and article.warnings, article_id


def test_every_bad_file_is_listed_with_its_reason(
    corpus: tuple[Path, dict[str, str | None]], hostile_index: ArticleIndex
) -> None:
    _, expected = corpus
    bad = {b.id: b for b in hostile_index.bad}
    assert set(bad) == {i for i, reason in expected.items() if reason is not None}
    for article_id, reason in expected.items():
        if reason is not None:
            assert reason in bad[article_id].reason.lower(), (article_id, bad[article_id])
            assert "\n" not in bad[article_id].describe()
    assert bad["invalid-yaml.md"].line in INVALID_YAML_LINES
    assert [b.id for b in hostile_index.bad] == sorted(bad)
    assert hostile_index.counts().bad == len(bad)


def test_links_hidden_files_and_other_extensions_are_never_indexed(
    hostile_index: ArticleIndex,
) -> None:
    ids = [a.id for a in hostile_index.articles] + [b.id for b in hostile_index.bad]
    for never in NEVER_INDEXED:
        assert never not in ids
        assert not any(i.startswith(never + "/") for i in ids), never
    assert all(not i.startswith(("/", "./")) and "\\" not in i for i in ids)
    assert "Outside the folder" not in {a.title for a in hostile_index.articles}


def test_find_files_order_extensions_and_case(tmp_path: Path) -> None:
    for rel in ("b.md", "a.TXT", "sub/z.markdown", "sub/deeper/y.md", "c.json", "README"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    os.mkfifo(tmp_path / "fifo.md")
    found = [f.id for f in find_files(tmp_path)]
    assert found == ["a.TXT", "b.md", "sub/z.markdown", "sub/deeper/y.md"]
    assert [f.id for f in find_files(tmp_path, [".JSON"])] == ["c.json"]
    sizes = {f.id: f.size for f in find_files(tmp_path)}
    assert sizes["b.md"] == 1


def test_read_file_refuses_links_and_reports_vanished(
    corpus: tuple[Path, dict[str, str | None]],
) -> None:
    folder, _ = corpus
    gone = read_file(folder, "no-such-file.md")
    assert isinstance(gone, BadFile) and gone.reason == VANISHED
    if (folder / "outside-link.md").is_symlink():
        through_link = load_file(folder, "outside-link.md")
        assert isinstance(through_link, BadFile)
    assert (outside_dir(folder) / "secret.md").exists()
    got = read_file(folder, "plain.md")
    assert not isinstance(got, BadFile)
    data, stamp = got
    assert data == (folder / "plain.md").read_bytes()
    assert stamp.size == len(data)
    assert stamp.mtime_ns == (folder / "plain.md").stat().st_mtime_ns


def test_find_files_descends_folders_named_like_articles(tmp_path: Path) -> None:
    (tmp_path / "dir.md").mkdir()
    (tmp_path / "dir.md" / "inner.md").write_text("x")
    (tmp_path / "link.md").symlink_to(tmp_path / "dir.md")
    assert [f.id for f in find_files(tmp_path)] == ["dir.md/inner.md"]


def test_read_file_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path) -> None:
    # The walk never lists a FIFO, but one can replace a file before it is read.
    os.mkfifo(tmp_path / "fifo.md")
    got: list[object] = []
    reader = threading.Thread(target=lambda: got.append(read_file(tmp_path, "fifo.md")))
    reader.daemon = True  # a regression blocks in open(): fail, do not hang the run
    reader.start()
    reader.join(timeout=10)
    assert got == [BadFile("fifo.md", "not a regular file")]


def test_read_file_limits_and_file_that_grew_after_fstat(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (MAX_FILE_SIZE + 1))
    # Jekyll would copy it as it is: it does not start with a '---' line.
    assert read_file(tmp_path, "big.md") == BadFile(
        "big.md",
        f"too large ({MAX_FILE_SIZE + 1:,} bytes; limit {MAX_FILE_SIZE:,})",
        document=False,
    )
    fd = os.open(big, os.O_RDONLY)
    try:
        # As if fstat had seen 5 bytes and the file grew past the limit before the read.
        assert _read_all(fd, 5) is None
    finally:
        os.close(fd)
    (tmp_path / "small.md").write_bytes(b"0123456789")
    for seen in (0, 3, 10, 11):  # fstat's size too small, right, or too large (shrunk)
        fd = os.open(tmp_path / "small.md", os.O_RDONLY)
        try:
            assert _read_all(fd, seen) == b"0123456789"
        finally:
            os.close(fd)


def test_load_detail_keeps_the_body(corpus: tuple[Path, dict[str, str | None]]) -> None:
    folder, _ = corpus
    detail = load_detail(folder, "body-after.md")
    assert isinstance(detail, ArticleDetail)
    assert detail.body == "\nA body line.\n---\npublished: false\n---\nMore body.\n"
    assert detail.article.flag is True
    assert isinstance(load_detail(folder, "empty.md"), BadFile)


def test_batches_cover_everything(
    corpus: tuple[Path, dict[str, str | None]], hostile_index: ArticleIndex
) -> None:
    folder, expected = corpus
    updates = list(index_updates(folder.resolve(), use_cache=False))
    assert updates[-1].finished and not updates[-1].removed
    assert sorted(item.id for u in updates for item in u.items) == sorted(expected)


def test_check_folder_errors(tmp_path: Path) -> None:
    (tmp_path / "file.md").write_text("x")
    assert check_folder(tmp_path) == tmp_path.resolve()
    for path, message in [
        (tmp_path / "missing", "no such folder"),
        (tmp_path / "file.md", "not a folder"),
        (tmp_path / ("n" * 300), "cannot read folder"),
    ]:
        with pytest.raises(FolderError, match=message):
            check_folder(path)
        with pytest.raises(FolderError):
            build_index(path)


# --- the index ---------------------------------------------------------------------------------


def _article(article_id: str, **fields: object) -> Article:
    return Article(article_id, STAMP, **fields)  # type: ignore[arg-type]


def _link(*urls: str, title: str = "") -> RelatedLink:
    return RelatedLink(title=title, urls=urls)


STORY = "https://www.site.example/news/story/"
URL_CASES: list[tuple[str, str, str | None]] = [
    ("exact", STORY, "story.md"),
    ("http-no-www", "http://site.example/news/story", "story.md"),
    ("amp-path", "https://site.example/news/story/amp/", "story.md"),
    ("amp-query", "https://site.example/news/story?amp=1", "story.md"),
    ("cdn-amp", "https://site-example.cdn.ampproject.org/c/s/site.example/news/story", "story.md"),
    ("original-url", "https://origin.example/a?id=1", "story.md"),
    ("amp-url-field", "https://amp.example/x/amp", "story.md"),
    ("other-story", "https://site.example/news/other", None),
    ("other-query", "https://origin.example/a?id=2", None),
    ("empty", "", None),
]


@pytest.fixture
def url_index(tmp_path: Path) -> ArticleIndex:
    index = ArticleIndex(tmp_path)
    index.add_all(
        [
            _article(
                "story.md",
                web_url=STORY,
                original_url="https://origin.example/a?id=1",
                amp_url="https://amp.example/x/amp",
            ),
            _article("no-url.md"),
        ]
    )
    return index


@pytest.mark.parametrize(
    ("url", "expected"), [c[1:] for c in URL_CASES], ids=[c[0] for c in URL_CASES]
)
def test_by_url(url_index: ArticleIndex, url: str, expected: str | None) -> None:
    found = url_index.by_url(url)
    assert (found.id if found else None) == expected


def _related_index(tmp_path: Path) -> ArticleIndex:
    index = ArticleIndex(tmp_path)
    index.add_all(
        [
            _article(
                "a.md",
                web_url="https://a.example/1",
                related=(
                    _link("https://b.example/2/amp", title="B by AMP"),
                    _link("https://elsewhere.example/9", title="external"),
                    _link("https://www.a.example/1/", title="itself"),
                    _link("https://nowhere.example/0", "http://b.example/2", title="B second"),
                    _link(title="no urls"),
                ),
            ),
            _article("b.md", web_url="https://b.example/2"),
            _article("c.md", related=(_link("https://b.example/2"), _link("https://a.example/1"))),
            BadFile("bad.md", "broken"),
        ]
    )
    return index


def test_related_resolution_and_backlinks(tmp_path: Path) -> None:
    index = _related_index(tmp_path)
    a = index.get("a.md")
    assert a is not None
    resolved = index.resolve(a)
    assert [r.index for r in resolved] == [0, 1, 2, 3, 4]
    assert [r.target.id if r.target else None for r in resolved] == [
        "b.md",
        None,
        None,
        "b.md",
        None,
    ]
    assert [r.external for r in resolved] == [False, True, True, False, True]
    assert [x.id for x in index.backlinks("b.md")] == ["a.md", "c.md"]
    assert [x.id for x in index.backlinks("a.md")] == ["c.md"]
    assert index.backlinks("c.md") == []
    assert index.backlinks("missing.md") == []


def test_backlinks_follow_changes(tmp_path: Path) -> None:
    index = _related_index(tmp_path)
    assert [x.id for x in index.backlinks("b.md")] == ["a.md", "c.md"]
    index.discard("c.md")
    assert [x.id for x in index.backlinks("b.md")] == ["a.md"]
    index.add(_article("d.md", related=(_link("https://b.example/2"),)))
    assert [x.id for x in index.backlinks("b.md")] == ["a.md", "d.md"]
    index.add(BadFile("a.md", "now broken"))
    assert [x.id for x in index.backlinks("b.md")] == ["d.md"]


def _sorting_set() -> list[Article]:
    day = datetime(2021, 1, 2, tzinfo=UTC)
    return [
        _article("d.md", date=day, quality=10, heat=-1, title="cherry"),
        _article("c.md", quality=30, provider="alpha"),
        _article(
            "b.md",
            date=datetime(2021, 3, 1, tzinfo=UTC),
            heat=50,
            title="Apple",
            domain="beta.example",
        ),
        _article("a.md", date=day, quality=10, heat=5, title="banana", provider="Zed"),
    ]


SORT_CASES: list[tuple[str, str, bool, list[str]]] = [
    ("date", "date", False, ["b", "a", "d", "c"]),
    ("date-reverse", "date", True, ["a", "d", "b", "c"]),
    ("quality", "quality", False, ["c", "a", "d", "b"]),
    ("quality-reverse", "quality", True, ["a", "d", "c", "b"]),
    ("heat", "heat", False, ["b", "a", "d", "c"]),
    ("heat-reverse", "heat", True, ["d", "a", "b", "c"]),
    ("title", "title", False, ["b", "a", "d", "c"]),
    ("title-reverse", "title", True, ["d", "a", "b", "c"]),
    ("provider", "provider", False, ["c", "b", "a", "d"]),
    ("provider-reverse", "provider", True, ["a", "b", "c", "d"]),
    ("id", "id", False, ["a", "b", "c", "d"]),
    ("id-reverse", "id", True, ["d", "c", "b", "a"]),
]


@pytest.mark.parametrize(
    ("key", "reverse", "expected"), [c[1:] for c in SORT_CASES], ids=[c[0] for c in SORT_CASES]
)
def test_sort_orders(key: str, reverse: bool, expected: list[str]) -> None:
    rows = sort_articles(_sorting_set(), key, reverse)
    assert [a.id.removesuffix(".md") for a in rows] == expected


def test_unknown_sort_key() -> None:
    with pytest.raises(ValueError, match="unknown sort key"):
        sort_articles([], "colour")


def test_counts_and_facets(tmp_path: Path) -> None:
    index = ArticleIndex(tmp_path)
    index.add_all(
        [
            _article(
                "1.md",
                flag=False,
                has_flag=True,
                renders=False,
                provider="P",
                topics=("AI", "Cars"),
            ),
            _article("2.md", flag=True, has_flag=True, provider="P", type="video", topics=("AI",)),
            _article("3.md", domain="d.example", type="article"),
            _article("4.md", flag=False, has_flag=True, renders=False),
            BadFile("5.md", "broken"),
            BadFile("6.md", "broken"),
        ]
    )
    counts = index.counts()
    assert (counts.total, counts.published, counts.unpublished, counts.bad) == (4, 2, 2, 2)
    subset = [a for a in index.articles if a.id in ("1.md", "2.md")]
    counts = index.counts(subset)
    assert (counts.total, counts.published, counts.unpublished, counts.bad) == (2, 1, 1, 2)
    facets = index.facets(index.articles)
    assert facets.providers == {"P": 2, "d.example": 1, "(none)": 1}
    assert facets.topics == {"AI": 2, "Cars": 1}
    assert facets.types == {"(none)": 2, "video": 1, "article": 1}
    assert index.facets(subset).providers == {"P": 2}
    assert len(index) == 4 and "1.md" in index and "5.md" not in index


def test_url_map_follows_add_replace_and_discard(tmp_path: Path) -> None:
    index = ArticleIndex(tmp_path)
    index.add(_article("m.md", web_url="https://x.example/shared"))
    assert index.by_url("https://x.example/shared") is not None  # the map is built now
    index.add(_article("k.md", web_url="https://x.example/shared", amp_url="https://x.example/k"))
    # Two files with one URL: the smaller id wins, whatever the order they came in.
    assert _id(index.by_url("https://x.example/shared")) == "k.md"
    index.discard("k.md")
    assert _id(index.by_url("https://x.example/shared")) == "m.md"
    assert index.by_url("https://x.example/k") is None
    # Replacing an article whose URL changed: the old URL no longer names it.
    index.add(_article("m.md", web_url="https://x.example/moved"))
    assert index.by_url("https://x.example/shared") is None
    assert _id(index.by_url("https://x.example/moved")) == "m.md"
    # A file that turned bad leaves the map and shows in bad; fixed again, it comes back.
    index.add(BadFile("m.md", "broken"))
    assert index.by_url("https://x.example/moved") is None
    assert [b.id for b in index.bad] == ["m.md"]
    index.add(_article("m.md", web_url="https://x.example/moved"))
    assert _id(index.by_url("https://x.example/moved")) == "m.md"
    assert index.bad == []
    index.discard("m.md")
    assert index.by_url("https://x.example/moved") is None
    index.discard("never-there.md")  # harmless


def test_url_map_built_after_changes(tmp_path: Path) -> None:
    index = ArticleIndex(tmp_path)
    index.add(_article("z.md", web_url="https://x.example/s"))
    index.add(_article("a.md", web_url="https://x.example/s"))
    index.discard("a.md")
    assert _id(index.by_url("https://x.example/s")) == "z.md"


def test_date_text() -> None:
    assert date_text(None) == ""
    assert date_text(datetime(2021, 1, 2, 3, 4, tzinfo=UTC)) == "2021-01-02T03:04:00+00:00"


def _id(article: Article | None) -> str | None:
    return article.id if article else None


def test_running_counts_follow_every_change(tmp_path: Path) -> None:
    def art(article_id: str, flag: bool | None, url: str = "") -> Article:
        return Article(
            id=article_id,
            stamp=FileStamp(0, 0, b""),
            flag=flag,
            renders=flag is not False,
            web_url=url,
        )

    index = ArticleIndex(tmp_path)
    steps = [
        lambda: index.add_all([art("a", True), art("b", False), art("c", None)]),
        lambda: index.add(art("b", True)),  # a flag write (same links)
        lambda: index.add(art("a", False, "https://x.example/a")),  # links changed
        lambda: index.add(BadFile("c", "broke")),  # an article turns bad
        lambda: index.add(art("c", False)),  # and good again
        lambda: index.discard("a"),
        lambda: index.discard("nothing"),
    ]
    for step in steps:
        step()
        assert index.counts() == index.counts(index.articles)
    assert index.counts() == index.counts(index.articles)
    assert (index.counts().published, index.counts().unpublished) == (1, 1)
    assert index.bad_count == 0
