"""Stories: precision and recall against the generator's clusters, time and memory.

``python -m benchmarks.stories_bench [--sizes 10k 100k]``. For each generated corpus (see
:func:`benchmarks.run.corpus`; seed 2026) it prints

* pairwise precision and recall of :func:`find_stories` against the clusters the generator
  planned (the ground truth: the same seed plans the same corpus);
* the time of :func:`find_stories` and its peak traced memory (tracemalloc, a second run);
* :class:`StoryBook`: the first (full) update, the memory it keeps per article (tracemalloc),
  and the median time of an incremental update after one file changed (its title reworded),
  was added, or was removed.

Numbers, not tests: the thresholds are asserted in ``tests/test_stories.py`` at 4,000 files.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Iterable
from itertools import combinations

from benchmarks.run import CORPORA, SIZES, corpus

SEED = 2026


def pair_scores(
    found: Iterable[Iterable[str]], truth: Iterable[Iterable[str]]
) -> tuple[float, float]:
    """Pairwise precision and recall (as in tests/test_stories.py)."""

    def pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
        return {p for g in groups for p in combinations(sorted(g), 2)}

    got, want = pairs(found), pairs(truth)
    hits = len(got & want)
    return hits / max(1, len(got)), hits / max(1, len(want))


def measure(name: str, edits: int) -> None:
    from newsreader.articles.model import SEARCH_SEPARATOR, Article, search_text
    from newsreader.articles.stories import StoryBook, find_stories
    from newsreader.reading.folder import build_index
    from newsreader.samplegen import _Generator

    folder = corpus(name)
    index = build_index(folder)
    articles = index.articles
    generator = _Generator(SEED)
    generator.plan(SIZES[name])
    truth = [{p.rel for p in cluster} for cluster in generator._clusters]

    # The index's URL map (which related entries resolve through) is built once, when first
    # asked: the app builds it for the related panel anyway. Timed apart.
    start = time.perf_counter()
    index.by_url("https://example.example/")
    url_map = time.perf_counter() - start
    start = time.perf_counter()
    stories = find_stories(articles, index)
    seconds = time.perf_counter() - start
    precision, recall = pair_scores((s.ids for s in stories), truth)
    gc.collect()
    tracemalloc.start()
    find_stories(articles, index)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    n = len(articles)
    print(f"{name}: {n} articles, {len(stories)} stories, {len(truth)} planned clusters")
    print(f"  precision {precision:.4f}  recall {recall:.4f}")
    print(f"  find_stories {seconds:.2f} s, peak traced memory {peak / 2**20:.0f} MiB")
    print(f"  (the index's URL map, built before: {url_map:.2f} s)")

    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    book = StoryBook()
    book.update(articles, index)
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - before  # stories included
    tracemalloc.stop()
    del book
    gc.collect()
    book = StoryBook()
    start = time.perf_counter()
    book.update(articles, index)
    full = time.perf_counter() - start
    print(f"  StoryBook first update {full:.2f} s, keeps {kept / n:.0f} B/article (tracemalloc)")

    def reworded(article: Article, k: int) -> Article:
        excerpt = article.search.split(SEARCH_SEPARATOR)[1]
        title = f"{article.title} rethought {k}"
        search = search_text(title, excerpt, article.provider, article.domain)
        return dataclasses.replace(article, title=title, search=search)

    current = list(articles)
    members = [s.articles[0].id for s in stories[: edits * 3 : 3]]
    positions = {a.id: k for k, a in enumerate(current)}
    timings: dict[str, list[float]] = {"change": [], "add": [], "remove": []}
    for k, article_id in enumerate(members):
        at = positions[article_id]
        old = current[at]
        current[at] = reworded(old, k)
        start = time.perf_counter()
        book.update(current, index)
        timings["change"].append(time.perf_counter() - start)
        removed = current.pop(at)
        start = time.perf_counter()
        book.update(current, index)
        timings["remove"].append(time.perf_counter() - start)
        current.insert(at, old)
        start = time.perf_counter()
        book.update(current, index)
        timings["add"].append(time.perf_counter() - start)
        del removed
    parts = ", ".join(f"{kind} {statistics.median(t) * 1000:.0f} ms" for kind, t in timings.items())
    print(f"  StoryBook one-file update (median of {len(members)}): {parts}")
    print(f"  full regroups: {book.full_runs} (the first, then after drift)")
    fresh = {frozenset(s.ids) for s in find_stories(current, index)}
    same = fresh == {frozenset(s.ids) for s in book.stories}
    print(f"  after the edits, the book equals a fresh find_stories: {same}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["10k", "100k"], choices=list(SIZES))
    parser.add_argument("--edits", type=int, default=5, help="one-file updates to time")
    args = parser.parse_args()
    # The index cache of the corpora lives next to them, not in the user's cache folder.
    os.environ.setdefault("XDG_CACHE_HOME", str(CORPORA / ".cache"))
    print(f"stories benchmark, {time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]}")
    for name in args.sizes:
        measure(name, args.edits)


if __name__ == "__main__":
    main()
