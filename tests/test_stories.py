"""Tests for stories: which articles report one story, which lead, and ``newsreader stories``.

The look-alike series (monthly updates, yearly overviews, preview then GA, one company's
releases about different products) are hand-written here; the same-story clusters come from the
sample generator's own plan, the ground truth of a labelled set scored by pairwise precision and
recall.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import SEARCH_SEPARATOR, Article, FileStamp, RelatedLink, search_text
from newsreader.articles.stories import (
    DRIFT,
    LEAD_RULE,
    STEP_LIMIT,
    Story,
    StoryBook,
    StoryCache,
    _stories,
    find_stories,
    make_story,
    markers,
    story_key,
    tokens,
)
from newsreader.reading.folder import build_index
from newsreader.samplegen import _Generator, generate_corpus
from tests.test_cli import assert_ok, json_lines, run

DAY0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
STAMP = FileStamp(0, 0, b"")


def art(
    id: str,
    title: str,
    days: float = 0,
    excerpt: str = "",
    provider: str = "",
    domain: str = "",
    url: str = "",
    quality: int | None = None,
    published: bool = True,
    related: Sequence[str] = (),
) -> Article:
    """An article as the index would hold it (``days`` after a fixed day)."""
    return Article(
        id=id,
        stamp=STAMP,
        title=title,
        excerpt=excerpt,
        date=DAY0 + timedelta(days=days),
        provider=provider,
        domain=domain,
        web_url=url or f"https://{domain or 'news.example'}/{id}",
        quality=quality,
        renders=published,
        related=tuple(RelatedLink(title="", urls=(u,)) for u in related),
    )


def groups(articles: Sequence[Article], index: ArticleIndex | None = None) -> set[frozenset[str]]:
    """The stories found, as sets of ids."""
    return {frozenset(s.ids) for s in find_stories(articles, index)}


# --- tokens and markers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("acme raises $38m", "acme raises 38 million"),
        ("acme raises 1.5bn", "acme raises 1.5 billion"),
        ("acme's new chip", "acme chip"),
        ("foo is generally available", "foo ga"),
        ("foo: update", "foo, sources say"),
    ],
)
def test_tokens_that_are_one(first: str, second: str) -> None:
    assert set(tokens(first)) == set(tokens(second))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("what's new: contoso dataverse march 2024 update", {"march", "2024"}),
        ("fabrikam studio 2023 release overview", {"2023"}),
        ("contoso vision now in preview", {"preview"}),
        ("contoso vision generally available", {"ga"}),
        ("foo may 2024 update", {"may", "2024"}),
        ("acme may delay its chip", set()),
        ("acme q3 results", {"q3"}),
        ("acme launches robomop", set()),
    ],
)
def test_markers(title: str, expected: set[str]) -> None:
    assert markers(tokens(title)) == expected


# --- which articles are one story ------------------------------------------------------------

EXCERPT = "The startup said on Tuesday it raised new funds to hire engineers in Lisbon."


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        # Copies of one story.
        (
            ("Acme unveils RoboMop floor cleaner", 0),
            ("Acme unveils RoboMop floor cleaner", 1),
            True,
        ),
        (
            ("Acme unveils RoboMop floor cleaner", 0),
            ("Acme unveils RoboMop floor cleaner - Daily Wire", 0.5),
            True,
        ),
        (
            ("Acme unveils RoboMop floor cleaner", 0),
            ("Update: Acme unveils RoboMop floor cleaner", 0.2),
            True,
        ),
        (
            ("Zentro raises $38M for chip design", 0),
            ("Zentro raises 38 million for chip design", 1),
            True,
        ),
        (
            ("Acme unveils RoboMop floor cleaner", 0),
            ("Acme unveils RoboMop floor cleaner", 6),
            True,
        ),
        # Look-alikes: another instalment of a series, another product, another event.
        (
            ("What's new: Contoso Dataverse March 2024 update", 0),
            ("What's new: Contoso Dataverse April 2024 update", 1),
            False,
        ),
        (
            ("What's new: Contoso Dataverse March 2024 update", 0),
            ("What's new: Contoso Dataverse March 2025 update", 0),
            False,
        ),
        (
            ("Fabrikam Studio 2023 release overview", 0),
            ("Fabrikam Studio 2024 release overview", 0),
            False,
        ),
        (
            ("Contoso Vision now in preview", 0),
            ("Contoso Vision now generally available", 1),
            False,
        ),
        (("Contoso Vision launches", 0), ("Contoso Vision launches", 120), False),
        (
            ("Northwind launches RoboMop floor cleaner", 0),
            ("Northwind launches CloudLedger accounting suite", 0),
            False,
        ),
        (
            ("Acme launches RoboMop floor cleaner", 0),
            ("Acme delays RoboMop floor cleaner", 1),
            False,
        ),
        (
            ("Acme unveils RoboMop floor cleaner", 0),
            ("Acme unveils RoboMop floor cleaner", 60),
            False,
        ),
        (("Acme unveils RoboMop floor cleaner", 0), ("Acme unveils RoboMop cleaner", 20), False),
    ],
)
def test_pairs(first: tuple[str, float], second: tuple[str, float], same: bool) -> None:
    filler = [
        art(f"f{n}.md", f"Filler story number {word}", n) for n, word in enumerate("abcdefgh")
    ]
    # B's provider is Daily Wire: its byline ending a title is no part of the headline.
    pair = [
        art("a.md", first[0], first[1], EXCERPT),
        art("b.md", second[0], second[1], EXCERPT, "Daily Wire"),
    ]
    assert (frozenset({"a.md", "b.md"}) in groups([*pair, *filler])) is same


def test_related_entries_naming_each_other_join_a_reworded_story(tmp_path: Path) -> None:
    first = art("a.md", "Zentro closes a $38M funding round", 0, domain="one.example")
    second = art("b.md", "Chip designer Zentro gets 38 million", 3, domain="two.example")
    filler = [art(f"f{n}.md", f"Filler story number {word}", n) for n, word in enumerate("abcd")]
    everything = [first, second, *filler]
    assert groups(everything) == set()
    first.related = (RelatedLink(urls=(second.url,)),)
    second.related = (RelatedLink(urls=(first.url,)),)
    index = ArticleIndex(tmp_path)
    index.add_all(everything)
    assert groups(everything, index) == {frozenset({"a.md", "b.md"})}


def test_one_chain_does_not_join_two_stories() -> None:
    # B is like A and like C, but A and C are different stories: complete link keeps A apart.
    a = art("a.md", "Acme launches RoboMop floor cleaner", 0)
    b = art("b.md", "Acme launches RoboMop floor cleaner", 0.5)
    c = art("c.md", "Acme delays RoboMop floor cleaner", 1)
    found = groups([a, b, c])
    assert frozenset({"a.md", "c.md"}) not in found
    assert not any({"a.md", "c.md"} <= g for g in found)


@pytest.mark.parametrize(
    ("new_title", "new_days", "together"),
    [
        ("Acme unveils RoboMop floor cleaner", 0.5, True),  # no change
        ("Fabrikam ships a new kettle", 0.5, False),  # reworded: leaves the story
        ("Acme unveils RoboMop floor cleaner", 40, False),  # redated: leaves it
    ],
)
def test_cache_after_a_change(new_title: str, new_days: float, together: bool) -> None:
    filler = [art(f"f{n}.md", f"Filler story number {word}", n) for n, word in enumerate("abcd")]
    before = [
        art("a.md", "Acme unveils RoboMop floor cleaner", 0),
        art("b.md", "Acme unveils RoboMop floor cleaner", 0.5),
        *filler,
    ]
    cache = StoryCache()
    assert groups(before) == {frozenset(s.ids) for s in find_stories(before, None, cache)}
    after = [before[0], art("b.md", new_title, new_days), *filler]
    found = {frozenset(s.ids) for s in find_stories(after, None, cache)}
    assert found == groups(after)
    assert (frozenset({"a.md", "b.md"}) in found) is together
    assert len(cache) == len(after)


# --- the lead --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "lead"),
    [
        # Published beats quality.
        ([dict(id="a", quality=90, published=False), dict(id="b", quality=10)], "b"),
        # Then the highest quality.
        ([dict(id="a", quality=10), dict(id="b", quality=90)], "b"),
        # Then the original over a syndicated copy (URL on the provider's own domain).
        (
            [
                dict(id="a", days=0, domain="orig.example", url="https://agg.example/a"),
                dict(id="b", days=1, domain="orig.example", url="https://www.orig.example/b"),
            ],
            "b",
        ),
        # Then the earliest.
        ([dict(id="a", days=1), dict(id="b", days=0)], "b"),
        # Then by id.
        ([dict(id="b"), dict(id="a")], "a"),
    ],
)
def test_lead_rule(members: list[dict[str, object]], lead: str) -> None:
    articles = [art(title="Same title", **m) for m in members]  # type: ignore[arg-type]
    story = make_story(articles)
    assert story.lead.id == lead
    assert story.ids[0] == lead
    assert story.key == story_key(reversed(story.ids))


def test_lead_rule_is_said() -> None:
    for words in ("published", "quality", "original", "syndicated", "earliest"):
        assert words in LEAD_RULE


# --- the labelled set: the generator's clusters and hand-made series ---------------------------

SERIES: list[list[tuple[str, float]]] = [
    # Each inner list is one story; every story of the list is a look-alike of the others.
    [("What's new: Contoso Dataverse January 2024 update", 0)],
    [("What's new: Contoso Dataverse February 2024 update", 31)],
    [("What's new: Contoso Dataverse March 2024 update", 60)],
    [("Fabrikam Studio 2023 release overview", 0), ("Fabrikam Studio 2023 release overview", 1)],
    [("Fabrikam Studio 2024 release overview", 365)],
    [
        ("Contoso Vision now in public preview", 0),
        ("Update: Contoso Vision now in public preview", 0.5),
    ],
    [("Contoso Vision now generally available", 150)],
    [
        ("Northwind launches RoboMop floor cleaner", 0),
        ("Northwind launches the RoboMop floor cleaner", 1),
    ],
    [("Northwind launches CloudLedger accounting suite", 0)],
    [("Zentro raises $38M for chip design", 2), ("Zentro raises 38 million for chip design", 2)],
    [("Zentro raises $12M for chip design", 400)],
]
#: Paraphrased headlines with no link and a different excerpt are missed (the threshold with
#: no link is high, so that "Acme launches X" and "Acme delays X" stay apart): not labelled
#: here as one story, and said in the README.


def hand_set() -> tuple[list[Article], list[set[str]]]:
    """The hand-made look-alike series, as articles and their true stories."""
    articles, truth = [], []
    for s, story in enumerate(SERIES):
        ids = {f"hand/{s}-{m}.md" for m in range(len(story))}
        articles += [
            art(f"hand/{s}-{m}.md", title, days + 2000) for m, (title, days) in enumerate(story)
        ]
        truth.append(ids)
    return articles, truth


def pair_scores(
    found: Iterable[Iterable[str]], truth: Iterable[Iterable[str]]
) -> tuple[float, float]:
    """Pairwise precision and recall: of the pairs put together, how many are one story, and of
    the pairs that are, how many were put together."""

    def pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
        return {p for g in groups for p in combinations(sorted(g), 2)}

    got, want = pairs(found), pairs(truth)
    hits = len(got & want)
    return hits / max(1, len(got)), hits / max(1, len(want))


@pytest.mark.parametrize(
    ("found", "truth", "expected"),
    [
        ([{"a", "b"}], [{"a", "b"}], (1.0, 1.0)),
        ([{"a", "b", "c"}], [{"a", "b"}], (1 / 3, 1.0)),
        ([{"a", "b"}], [{"a", "b", "c"}], (1.0, 1 / 3)),
        ([], [{"a", "b"}], (0.0, 0.0)),
    ],
)
def test_pair_scores(
    found: list[set[str]], truth: list[set[str]], expected: tuple[float, float]
) -> None:
    assert pair_scores(found, truth) == pytest.approx(expected)


SEED, COUNT = 11, 4000


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArticleIndex, list[set[str]]]:
    """A generated folder indexed, and its true same-story clusters (from the generator's plan:
    the same seed plans the same corpus)."""
    folder = tmp_path_factory.mktemp("labelled")
    generate_corpus(folder, COUNT, SEED)
    generator = _Generator(SEED)
    generator.plan(COUNT)
    truth = [{p.rel for p in cluster} for cluster in generator._clusters]
    return build_index(folder, use_cache=False), truth


def test_labelled_precision_and_recall(labelled: tuple[ArticleIndex, list[set[str]]]) -> None:
    index, truth = labelled
    hand, hand_truth = hand_set()
    found = [s.ids for s in find_stories([*index.articles, *hand], index)]
    precision, recall = pair_scores(found, [*truth, *hand_truth])
    # Measured at 4,000 files, seed 11: precision 1.0, recall 1.0 (and 0.985 / 1.0 at 100,000
    # files: see benchmarks/stories_bench.py). The goal: precision 0.95, recall 0.9.
    assert precision >= 0.95
    assert recall >= 0.95
    hand_ids = {a.id for a in hand}
    hand_found = [set(ids) & hand_ids for ids in found if set(ids) & hand_ids]
    assert pair_scores(hand_found, hand_truth) == (1.0, 1.0)


# --- the command -----------------------------------------------------------------------------


def test_stories_json_contract(labelled: tuple[ArticleIndex, list[set[str]]]) -> None:
    index, truth = labelled
    result = run("stories", index.root, "--json")
    assert_ok(result)
    rows = json_lines(result)
    assert rows
    keys = set()
    for row in rows:
        assert set(row) == {"story", "lead", "ids", "title", "published"}
        assert row["ids"][0] == row["lead"]
        assert len(row["ids"]) >= 2
        assert row["title"] == index.get(row["lead"]).title  # type: ignore[union-attr]
        assert row["published"] == sum(index.get(i).published for i in row["ids"])  # type: ignore[union-attr]
        assert row["story"] == story_key(row["ids"])
        keys.add(row["story"])
    assert len(keys) == len(rows)
    found = [set(r["ids"]) for r in rows]
    assert sum(any(t <= f for f in found) for t in truth) >= 0.9 * len(truth)


def test_stories_query_and_text(labelled: tuple[ArticleIndex, list[set[str]]]) -> None:
    index, truth = labelled
    member = sorted(truth[0])[0]
    title = index.get(member).title  # type: ignore[union-attr]
    result = run("stories", index.root, "--json", "--query", f'"{title}"')
    assert_ok(result)
    assert any(member in row["ids"] for row in json_lines(result))
    text = run("stories", index.root, "-q", f'"{title}"')
    assert_ok(text)
    assert "lead " in text.stdout
    assert LEAD_RULE in text.stdout
    none = run("stories", index.root, "--json", "-q", "nosuchwordanywhere")
    assert_ok(none)
    assert none.stdout == ""


# --- the story book: incremental updates ---------------------------------------------------


def shape(stories: Sequence[Story]) -> list[tuple[str, list[str], list[bool]]]:
    """Stories as comparable values: key, ids lead first, and the members' published state
    (a story must hold the newest snapshot of each article)."""
    return [(s.key, s.ids, [a.published for a in s.articles]) for s in stories]


def edited(article: Article, **changes: object) -> Article:
    """A new snapshot of an article (its search text follows a new title)."""
    title = str(changes.get("title", article.title))
    excerpt = article.search.split(SEARCH_SEPARATOR)[1]
    search = search_text(title, excerpt, article.provider, article.domain)
    return dataclasses.replace(article, search=search, **changes)  # type: ignore[arg-type]


def apply(index: ArticleIndex, op: int, a: int, b: int, n: int) -> None:
    """One edit of the folder: ``a`` and ``b`` pick articles (by position in id order)."""
    articles = sorted(index.articles, key=lambda x: x.id)
    first, second = articles[a % len(articles)], articles[b % len(articles)]
    when = second.date or DAY0
    if op == 0:  # reworded
        index.add(edited(first, title=first.title + " rethought"))
    elif op == 1:  # reworded and redated into another article's story
        index.add(edited(first, title=second.title, date=when + timedelta(hours=5)))
    elif op == 2:  # redated
        index.add(edited(first, date=(first.date or DAY0) + timedelta(days=b % 9 - 4)))
    elif op == 3 and len(articles) > 3:  # removed
        index.discard(first.id)
    elif op == 4:  # a copy added, linked to its original both ways
        copy = edited(
            first,
            id=f"copy-{n}.md",
            web_url=f"https://copies.example/{n}",
            original_url="",
            amp_url="",
            cdn_amp_url="",
            date=(first.date or DAY0) + timedelta(hours=b % 60),
            related=(RelatedLink(urls=(first.url,)),),
        )
        index.add(copy)
        index.add(edited(first, related=(*first.related, RelatedLink(urls=(copy.url,)))))
    elif op == 5:  # the flag flipped: the same text, a new snapshot (the lead may move)
        index.add(dataclasses.replace(first, renders=not first.renders))
    elif op == 6:  # links both ways (the files' text unchanged) with the likeliest article near
        named = {u for link in first.related for u in link.urls}
        near = [
            x
            for x in articles
            if x is not first
            and x.url not in named
            and x.date
            and first.date
            and abs(x.date - first.date).days < 10
        ]
        words = set(tokens(first.title))
        if near:
            target = max(near, key=lambda x: (len(words & set(tokens(x.title))), x.id))
            for source, other in ((first, target), (target, first)):
                link = RelatedLink(urls=(other.url,))
                index.add(dataclasses.replace(source, related=(*source.related, link)))
    else:  # an article appears at a URL a related entry of an unchanged article names
        dangling = [link for link in first.related if index.resolve_link(link, first.id) is None]
        if dangling and first.date:
            index.add(
                edited(
                    first,
                    id=f"found-{n}.md",
                    title=f"{first.title} {second.title}",
                    web_url=dangling[0].urls[0],
                    original_url="",
                    amp_url="",
                    cdn_amp_url="",
                    date=first.date + timedelta(hours=b % 48),
                    related=(),
                )
            )


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    """A generated folder of 400 articles (five clusters) and the hand-made series."""
    folder = tmp_path_factory.mktemp("small")
    generate_corpus(folder, 400, 5)
    return [*build_index(folder, use_cache=False).articles, *hand_set()[0]]


def indexed(articles: Sequence[Article]) -> ArticleIndex:
    index = ArticleIndex(Path("/nonexistent-stories-folder"))
    index.add_all(articles)
    return index


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 500), st.integers(0, 500)),
        min_size=1,
        max_size=8,
    )
)
def test_incremental_updates_equal_a_fresh_run(
    small_folder: list[Article], ops: list[tuple[int, int, int]]
) -> None:
    index = indexed(small_folder)
    book = StoryBook()
    assert shape(book.update(index.articles, index)) == shape(find_stories(index.articles, index))
    # The edits pick mostly story members (the neighbourhoods that move), some other articles.
    members = sorted(i for s in book.stories for i in s.ids)
    for n, (op, a, b) in enumerate(ops):
        pick = sorted(index.articles, key=lambda x: x.id)
        ids = [x.id for x in pick]
        member = members[a % len(members)]
        # (Links matter most between articles of no story: op 6 picks any article.)
        a = ids.index(member) if a % 3 and op != 6 and member in ids else a
        apply(index, op, a, b, n)
        stories = book.update(index.articles, index)
        # Under the weights of the last full regroup, exactly a fresh run's stories.
        assert shape(stories) == shape(_stories(index.articles, index, book._vectors))
        for story in stories:
            for article in story.articles:
                assert book.story_of(article.id) is story
                assert index.get(article.id) is article
    assert book.full_runs == 1  # a few edits of 500 articles: no drift


def test_incremental_updates_on_the_labelled_folder(
    labelled: tuple[ArticleIndex, list[set[str]]],
) -> None:
    base, _ = labelled
    index = indexed(base.articles)
    book = StoryBook()
    book.update(index.articles, index)
    members = [i for s in book.stories[:40] for i in s.ids[:1]]
    ids = sorted(a.id for a in index.articles)
    for n, article_id in enumerate(members):
        op = n % 8
        apply(index, op, ids.index(article_id) + (op == 6), n * 37, n)
        stories = book.update(index.articles, index)
        assert shape(stories) == shape(_stories(index.articles, index, book._vectors))
    assert book.full_runs == 1


def test_the_book_regroups_everything_after_drift(small_folder: list[Article]) -> None:
    index = indexed(small_folder)
    book = StoryBook()
    book.update(index.articles, index)
    ids = sorted(a.id for a in index.articles)
    limit = int(DRIFT * len(ids))
    for n in range(limit + 1):
        apply(index, 0, ids.index(ids[n * 7 % len(ids)]), 0, n)
        book.update(index.articles, index)
    # Past the drift: the whole folder regrouped under new weights, as a fresh run does.
    assert book.full_runs == 2
    assert shape(book.stories) == shape(find_stories(index.articles, index))


def test_the_book_regroups_everything_after_a_large_batch(small_folder: list[Article]) -> None:
    index = indexed(small_folder)
    book = StoryBook()
    book.update(index.articles, index)
    ids = sorted(a.id for a in index.articles)
    for n in range(int(STEP_LIMIT * len(ids)) + 11):
        apply(index, 3, n * 5, 0, n)  # removed, all in one update
    book.update(index.articles, index)
    assert book.full_runs == 2
    assert shape(book.stories) == shape(find_stories(index.articles, index))


def test_the_book_with_nothing_changed_keeps_its_stories(small_folder: list[Article]) -> None:
    index = indexed(small_folder)
    book = StoryBook()
    first = book.update(index.articles, index)
    assert book.update(index.articles, index) is first
    assert book.update(list(reversed(index.articles)), index) is first
