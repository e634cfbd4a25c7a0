"""Tests of the synthetic corpus generator, the demo launcher and the hostile fixtures helper."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsreader import demo, samplegen
from newsreader.articles.urls import normalize_url
from newsreader.reading.parsing import KEY_ORDER
from newsreader.samplegen import generate_corpus
from newsreader.writing import gitfolder
from tests.hostile import (
    EXPECTED_FLAGS,
    EXPECTED_WARNINGS,
    MARKUP_TITLE,
    NEVER_INDEXED,
    outside_dir,
    write_hostile_corpus,
)

HASH_NAME = re.compile(r"\d{3}_[0-9a-f]{16}(-\d+)?\.(txt|md)")
DATE_NAME = re.compile(r"\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.(md|txt)")
CORPUS_SIZE = 600

#: A generated corpus, loaded: (folder, {relative id: front-matter mapping}).
Corpus = tuple[Path, dict[str, dict[str, Any]]]
#: The hostile folder and what write_hostile_corpus said about it.
Hostile = tuple[Path, dict[str, str | None]]


def front_matter(text: str) -> str:
    """The YAML between the opening and the closing ``---`` lines."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    assert text.startswith("---\n")
    return text[4 : text.index("\n---\n", 3) + 1]


def load(path: Path) -> dict[str, Any]:
    """Load one file's front matter with the C safe loader, as the app does."""
    value = yaml.load(front_matter(path.read_bytes().decode("utf-8")), Loader=yaml.CSafeLoader)
    assert isinstance(value, dict), path
    return value


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """One generated corpus, loaded once for the module."""
    folder = tmp_path_factory.mktemp("corpus")
    paths = generate_corpus(folder, CORPUS_SIZE)
    return folder, {p.relative_to(folder).as_posix(): load(p) for p in paths}


# --- determinism and counts -----------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative id, with its bytes (git's own folder left out)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    generate_corpus(tmp_path / "a", 150, seed=11)
    generate_corpus(tmp_path / "b", 150, seed=11)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_different_seed_differs(tmp_path: Path) -> None:
    generate_corpus(tmp_path / "a", 50, seed=1)
    generate_corpus(tmp_path / "b", 50, seed=2)
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert set(a) != set(b)
    assert not set(a.values()) & set(b.values())


@pytest.mark.parametrize("count", [0, 1, 2, 9, 10, 77], ids=lambda c: f"count={c}")
def test_writes_exactly_count_distinct_files(tmp_path: Path, count: int) -> None:
    paths = generate_corpus(tmp_path, count)
    assert len(paths) == len(set(paths)) == count
    assert sorted(paths) == sorted(p for p in tmp_path.rglob("*") if p.is_file())
    for path in paths:
        load(path)


def test_negative_count_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_corpus(tmp_path, -1)


def test_cli_writes_the_same_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert samplegen.main([str(tmp_path / "cli"), "12", "--seed", "3"]) == 0
    generate_corpus(tmp_path / "api", 12, seed=3)
    assert snapshot(tmp_path / "cli") == snapshot(tmp_path / "api")
    assert "12 files" in capsys.readouterr().out


# --- shape and variety ----------------------------------------------------------------------


def test_every_file_is_a_mapping_with_keys_in_the_usual_order(corpus: Corpus) -> None:
    _folder, docs = corpus
    for rel, doc in docs.items():
        keys = [k for k in doc if k in KEY_ORDER]
        assert keys == sorted(keys, key=KEY_ORDER.index), rel
        assert doc["category"] == "news"
        assert isinstance(doc["title"], str) and doc["title"]
        assert isinstance(doc["publishedDateTime"], datetime)
        assert doc["publishedDateTime"].tzinfo is not None
        assert 2019 <= doc["publishedDateTime"].year <= 2023
        assert set(doc["provider"]) >= {"name", "domain"}
        assert doc["topics"] and all(isinstance(t, str) for t in doc["topics"])
        assert ";" in doc["secured"]


def test_files_are_lf_and_end_like_real_ones(corpus: Corpus) -> None:
    folder, docs = corpus
    for rel in docs:
        data = (folder / rel).read_bytes()
        assert b"\r" not in data
        assert data.startswith(b"---\ncategory: news\n")
        assert data.endswith(b'"\n---\n\n')
        assert b"\n\nprovider:\n" in data and b"\n\nsecured: " in data


def test_naming_schemes_extensions_and_subfolder(corpus: Corpus) -> None:
    _folder, docs = corpus
    names = [rel.rsplit("/", 1)[-1] for rel in docs]
    assert all(HASH_NAME.fullmatch(n) or DATE_NAME.fullmatch(n) for n in names)
    assert any(HASH_NAME.fullmatch(n) for n in names)
    assert any(DATE_NAME.fullmatch(n) for n in names)
    assert {n.rsplit(".", 1)[1] for n in names} == {"md", "txt"}
    archived = sum(rel.startswith("archive/") for rel in docs)
    assert 0.05 * CORPUS_SIZE <= archived <= 0.15 * CORPUS_SIZE
    assert all(rel.count("/") <= 1 for rel in docs)


def test_published_true_false_and_missing(corpus: Corpus) -> None:
    _folder, docs = corpus
    counts = Counter(str(doc.get("published", "missing")) for doc in docs.values())
    assert set(counts) == {"True", "False", "missing"}
    assert 0.5 <= counts["True"] / CORPUS_SIZE <= 0.7
    assert 0.27 <= counts["False"] / CORPUS_SIZE <= 0.47
    # Old files lack the ranking keys and the flag together.
    for doc in docs.values():
        if "published" not in doc:
            assert "quality" not in doc and "heat" not in doc


def test_scores_are_in_range(corpus: Corpus) -> None:
    _folder, docs = corpus
    qualities = [d["quality"] for d in docs.values() if "quality" in d]
    heats = [d["heat"] for d in docs.values() if "heat" in d]
    assert all(0 <= q <= 200 for q in qualities)
    assert all(-1 <= h <= 200 for h in heats)
    assert -1 in heats


def test_videos_have_an_iframe_and_no_web_url(corpus: Corpus) -> None:
    _folder, docs = corpus
    videos = [d for d in docs.values() if d["type"] == "video"]
    assert 1 <= len(videos) <= 0.05 * CORPUS_SIZE
    for doc in videos:
        assert doc["featuredContent"].startswith("<iframe ")
        assert "webUrl" not in doc and doc["originalUrl"]
    assert all("featuredContent" not in d for d in docs.values() if d["type"] == "article")


def test_some_files_lack_original_url(corpus: Corpus) -> None:
    _folder, docs = corpus
    missing = sum("originalUrl" not in d for d in docs.values())
    assert 0.03 * CORPUS_SIZE <= missing <= 0.2 * CORPUS_SIZE


def test_sizes_look_like_real_files(corpus: Corpus) -> None:
    folder, docs = corpus
    sizes = [(folder / rel).stat().st_size for rel in docs]
    assert min(sizes) >= 700 and max(sizes) <= 11_000
    assert 1000 <= statistics.median(sizes) <= 3000


def test_text_oddities_of_the_real_format_occur(corpus: Corpus) -> None:
    folder, docs = corpus
    raw = "".join((folder / rel).read_text("utf-8") for rel in docs)
    for needle in ('\\"', "“", "’", "&nbsp;", "&#8217;", "…", "\u00a0"):
        assert needle in raw, needle
    assert re.search(r"^ *(- )?\w+: https://[^\"\s]*\?[^\"\s]*&[^\"\s]*=", raw, re.M)
    assert re.search(r"^publishedDateTime: \d{4}-\d\d-\d\dT\d\d:\d\d:(?!00)\d\dZ$", raw, re.M)
    assert re.search(r"^publishedDateTime: \d{4}-\d\d-\d\dT\d\d:\d\d:00Z$", raw, re.M)


def test_titles_include_non_ascii(corpus: Corpus) -> None:
    _folder, docs = corpus
    titles = [d["title"] for d in docs.values()]
    assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", t) for t in titles)
    assert any(re.search(r"[\U0001f300-\U0001faff\u2600-\u27bf]", t) for t in titles)
    assert any(re.search(r"[éüãóí]", t) for t in titles)
    assert any("‘" in t or '"' in t for t in titles)


def test_demo_sized_corpus_has_cjk_and_emoji_titles(tmp_path: Path) -> None:
    titles = [load(p)["title"] for p in generate_corpus(tmp_path, demo.DEMO_COUNT)]
    assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", t) for t in titles)
    assert any(re.search(r"[\U0001f300-\U0001faff\u2600-\u27bf]", t) for t in titles)


# --- related entries and same-story clusters ------------------------------------------------


def url_owners(docs: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Normalised URL -> the id of the file that has it (each URL belongs to one file)."""
    owners: dict[str, str] = {}
    for rel, doc in docs.items():
        for key in ("webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl"):
            if key in doc:
                norm = normalize_url(doc[key])
                assert owners.setdefault(norm, rel) == rel, f"{rel} and {owners[norm]} share {norm}"
    return owners


def test_related_entries_have_two_to_eight_items(corpus: Corpus) -> None:
    _folder, docs = corpus
    with_related = [d for d in docs.values() if "related" in d]
    assert 0.04 * CORPUS_SIZE <= len(with_related) <= 0.12 * CORPUS_SIZE
    for doc in with_related:
        assert 2 <= len(doc["related"]) <= 8
        for entry in doc["related"]:
            assert {"title", "webUrl", "provider", "publishedDateTime"} <= set(entry)


def test_related_urls_resolve_to_files_in_all_variants(corpus: Corpus) -> None:
    _folder, docs = corpus
    owners = url_owners(docs)
    exact = {u for d in docs.values() for k in ("webUrl", "ampWebUrl") if (u := d.get(k))}
    kinds: Counter[str] = Counter()
    for rel, doc in docs.items():
        for entry in doc.get("related", []):
            url = entry["webUrl"]
            owner = owners.get(normalize_url(url))
            if owner is None:
                kinds["external"] += 1
                continue
            assert owner != rel, "a file lists itself as related"
            if url in exact:
                kinds["amp" if url == docs[owner].get("ampWebUrl") else "exact"] += 1
            elif url.startswith("http://"):
                kinds["http"] += 1
            elif url.endswith("/") != docs[owner]["webUrl"].endswith("/"):
                kinds["slash"] += 1
            else:
                kinds["no-www"] += 1
    assert set(kinds) == {"external", "exact", "amp", "http", "slash", "no-www"}, kinds


def test_same_story_clusters_point_at_each_other(corpus: Corpus) -> None:
    _folder, docs = corpus
    owners = url_owners(docs)
    links = {
        rel: {
            owners[n] for e in doc.get("related", []) if (n := normalize_url(e["webUrl"])) in owners
        }
        for rel, doc in docs.items()
    }
    groups = {frozenset({rel, *targets}) for rel, targets in links.items()}
    clusters = [g for g in groups if len(g) >= 3 and all(g - {m} <= links[m] for m in g)]
    assert len(clusters) >= 3
    for group in clusters:
        assert len(group) <= 5
        providers = {docs[m]["provider"]["domain"] for m in group}
        assert len(providers) == len(group)
        words = [set(re.findall(r"\w+", docs[m]["title"].lower())) for m in group]
        assert len(set.intersection(*words)) >= 3


# --- the demo launcher ------------------------------------------------------------------------


def test_demo_creates_the_corpus_once_and_keeps_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    expected = tmp_path / "newsreader" / "demo-corpus"
    assert demo.demo_dir() == expected

    assert demo.main(["--no-open"]) == 0
    first = capsys.readouterr().out
    assert str(expected) in first and "created" in first
    files = sorted(expected / name for name in snapshot(expected))
    assert len(files) == demo.DEMO_COUNT
    assert [p.name for p in tmp_path.joinpath("newsreader").iterdir()] == ["demo-corpus"]

    edited, removed = files[0], files[1]
    edited.write_bytes(b"---\ntitle: edited by the user\n---\n")
    removed.unlink()
    assert demo.main(["--no-open"]) == 0
    second = capsys.readouterr().out
    assert str(expected) in second and "created" not in second
    assert edited.read_bytes() == b"---\ntitle: edited by the user\n---\n"
    assert not removed.exists()


def test_demo_corpus_is_always_the_same(tmp_path: Path) -> None:
    first, created = demo.prepare(tmp_path / "one")
    second, _ = demo.prepare(tmp_path / "two")
    assert created
    assert snapshot(first) == snapshot(second)


def test_demo_corpus_is_a_git_work_tree_with_nothing_to_commit(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder, _ = demo.prepare(tmp_path / "demo")
    assert gitfolder.toplevel(folder) == folder.resolve()
    assert gitfolder.changed_files(folder) == []
    log = subprocess.run(
        ["git", "log", "--format=%an %s"], cwd=folder, capture_output=True, text=True, check=True
    )
    assert log.stdout == "newsreader Demo corpus\n"


def test_demo_corpus_without_git_is_a_plain_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    folder, created = demo.prepare(tmp_path / "demo")
    assert created and not (folder / ".git").exists()
    assert len(snapshot(folder)) == demo.DEMO_COUNT


def test_demo_opens_the_app_on_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    opened: list[Path] = []

    def fake_open_app(folder: Path) -> int:
        opened.append(folder)
        return 0

    monkeypatch.setattr(demo, "open_app", fake_open_app)
    assert demo.main([]) == 0
    assert opened == [tmp_path / "newsreader" / "demo-corpus"]


# --- the hostile fixtures helper ----------------------------------------------------------------

REASONS = {
    "utf-8",
    "front matter",
    "mapping",
    "yaml",
    "tag",
    "alias",
    "too large",
    "binary",
    "empty",
    "byte-order mark",
}

BAD_FILE_CHECKS = [
    ("binary.md", lambda b: b"\x00" in b),
    ("latin1.md", lambda b: b"\xe9" in b and not is_utf8(b)),
    ("no-front-matter.md", lambda b: not b.startswith(b"---")),
    ("empty.md", lambda b: b == b""),
    ("list-front-matter.md", lambda b: b"\n- a\n" in b),
    ("invalid-yaml.md", lambda b: b.count(b'"') == 1),
    ("python-tag.md", lambda b: b"!!python/object/apply:os.system" in b),
    ("alias-bomb.md", lambda b: b.count(b"*l") == 81),
    ("huge.md", lambda b: len(b) > 1024 * 1024),
    ("unclosed.md", lambda b: b.startswith(b"---\n") and b.count(b"---") == 1),
    ("bom.md", lambda b: b.startswith(b"\xef\xbb\xbf---\n")),
]


def is_utf8(data: bytes) -> bool:
    """Whether the bytes decode as UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.fixture
def hostile(tmp_path: Path) -> Hostile:
    """A freshly written hostile folder."""
    folder = tmp_path / "hostile"
    return folder, write_hostile_corpus(folder)


def test_hostile_writes_every_promised_file(hostile: Hostile) -> None:
    folder, expected = hostile
    for rel in expected:
        path = folder / rel
        assert path.is_file() and not path.is_symlink(), rel
    assert set(expected.values()) - {None} == REASONS
    assert {rel for rel, reason in expected.items() if reason is None} == set(EXPECTED_FLAGS)
    assert set(EXPECTED_WARNINGS) <= set(EXPECTED_FLAGS)
    assert not set(NEVER_INDEXED) & set(expected)
    assert any("/" in rel for rel in expected) and any(
        rel.endswith(".markdown") for rel in expected
    )


@pytest.mark.parametrize(("rel", "check"), BAD_FILE_CHECKS, ids=[c[0] for c in BAD_FILE_CHECKS])
def test_hostile_bad_files_are_what_they_claim(
    hostile: Hostile, rel: str, check: Callable[[bytes], bool]
) -> None:
    folder, expected = hostile
    assert expected[rel] is not None
    assert check((folder / rel).read_bytes())


def test_hostile_good_files_load_with_the_expected_flag(hostile: Hostile) -> None:
    folder, _expected = hostile
    for rel, flag in EXPECTED_FLAGS.items():
        doc = load(folder / rel)
        published = doc.get("published")
        assert (published if isinstance(published, bool) else None) is flag, rel
    raw = {rel: (folder / rel).read_bytes() for rel in ("crlf.md", "bom.md", "body-after.md")}
    assert raw["crlf.md"].count(b"\r\n") == raw["crlf.md"].count(b"\n")
    assert raw["bom.md"].startswith(b"\xef\xbb\xbf---\n")
    assert b"\npublished: false\n" in raw["body-after.md"].split(b"\n---\n", 1)[1]
    assert load(folder / "markup-title.md")["title"] == MARKUP_TITLE
    assert "published: false" in load(folder / "block-excerpt.md")["excerpt"]
    wrong = load(folder / "wrong-types.md")
    assert (wrong["quality"], wrong["topics"], wrong["related"]) == ("high", "AI", None)


def test_hostile_never_indexed_paths_exist(hostile: Hostile) -> None:
    folder, _expected = hostile
    for rel in NEVER_INDEXED:
        assert (folder / rel).is_symlink() or (folder / rel).is_file(), rel
    assert (folder / "loop").resolve() == folder.resolve()
    target = (folder / "outside-link.md").resolve()
    assert target.parent == outside_dir(folder).resolve() and target.is_file()
    assert not target.is_relative_to(folder.resolve())


def test_hostile_can_be_written_twice(tmp_path: Path) -> None:
    first = write_hostile_corpus(tmp_path / "h")
    assert write_hostile_corpus(tmp_path / "h") == first
