"""``make bench``: the six performance goals of issue 12, measured side by side in one run.

Corpora are generated with the project's own generator into ``benchmarks/.corpora`` (kept between
runs). Every figure is a ratio of two measurements taken in this run on this machine, so machine
speed and load mostly cancel out; the raw measurements are printed beside it. Each measurement
that depends on start-up state runs in a fresh subprocess (see ``benchmarks/probe.py``).

F, the floor: list the folder (``os.scandir``, recursively) and ``os.open``/``os.read`` every byte
of every file, in one Python thread, in a subprocess that imports nothing from ``newsreader``.

A full run takes 161-166 s on two cores at a load of 1-2.5, 236-244 s at 3.4 (most of it
indexing 100,000 files cold; until the watcher used inotify, also 20-30 s of waiting for it to
notice one rewritten file).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPORA = HERE / ".corpora"
SIZES = {"100": 100, "1k": 1_000, "10k": 10_000, "100k": 100_000}
CLI = [sys.executable, "-m", "newsreader"]
#: The figures ``--only`` can pick (issue 12's goals).
FIGURES = ["1", "2", "3", "4", "5", "6"]


def corpus(name: str) -> Path:
    """The generated corpus of that size (generated once per generator version, then reused)."""
    from newsreader.samplegen import VERSION, generate_corpus

    folder = CORPORA / name
    done = folder / ".complete"
    stamp = f"generator {VERSION}"
    if not done.exists() or done.read_text() != stamp:
        print(f"generating the {name} corpus (once)…", file=sys.stderr, flush=True)
        if folder.exists():
            shutil.rmtree(folder)
        generate_corpus(folder, SIZES[name], seed=2026)
        done.write_text(stamp)
    return folder


class Bench:
    """The environment of one run: a private XDG home, so the cache is this run's own."""

    def __init__(self, home: str) -> None:
        self.env = dict(os.environ)
        for name in ("CONFIG", "STATE", "CACHE", "DATA"):
            self.env[f"XDG_{name}_HOME"] = f"{home}/{name.lower()}"
        # As installed, Python keeps compiled bytecode: without it every fresh process compiles
        # the project's modules again (~0.1 s), which no user pays.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.cache = Path(home) / "cache"

    def empty_cache(self) -> None:
        """Make the next start cold: the whole cache folder emptied."""
        shutil.rmtree(self.cache, ignore_errors=True)

    def probe(self, kind: str, folder: Path, *extra: str) -> Any:
        """Run one measurement in a fresh interpreter (see benchmarks/probe.py)."""
        out = subprocess.run(
            [sys.executable, str(HERE / "probe.py"), kind, str(folder), *extra],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit(f"probe {kind} {folder.name} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def stats(self, folder: Path) -> float:
        """Wall seconds of ``newsreader stats --json FOLDER`` in a fresh process, from outside."""
        start = time.perf_counter()
        out = subprocess.run(
            [*CLI, "stats", "--json", str(folder)],
            env=self.env,
            capture_output=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        if out.returncode != 0:
            raise SystemExit(f"stats failed:\n{out.stderr.decode()[-3000:]}")
        return seconds


def pick_words(big: Path, small: Path) -> tuple[str, str, str]:
    """Deterministic filter words from the corpora's titles: the commonest word (4+ letters) of
    the 100k titles; the rarest word (5+ letters) of the 100k titles that is also in the 1k
    titles; the commonest two-letter start of title words (ties: alphabetical)."""

    def words(folder: Path) -> Counter[str]:
        found: Counter[str] = Counter()
        title = re.compile(rb"^title: *(.*)$", re.M)
        for path in sorted(folder.rglob("*")):
            if path.name.startswith(".") or not path.is_file():
                continue
            match = title.search(path.read_bytes())
            if match:
                found.update(set(re.findall(r"[a-z]+", match.group(1).decode().lower())))
        return found

    many, few = words(big), words(small)
    common = min((w for w in many if len(w) >= 4), key=lambda w: (-many[w], w))
    rare = min((w for w in many if len(w) >= 5 and w in few), key=lambda w: (many[w], w))
    starts: Counter[str] = Counter()
    for word, n in many.items():
        if len(word) >= 3:
            starts[word[:2]] += n
    prefix = min(starts, key=lambda s: (-starts[s], s))
    return common, rare, prefix


def median_of(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each timing")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=FIGURES,
        default=FIGURES,
        metavar="FIGURE",
        help=f"measure only these figures (of {' '.join(FIGURES)}; 1 and 2 measure F too)",
    )
    args = parser.parse_args()
    big, small = corpus("100k"), corpus("100")
    mid = corpus("1k")
    with tempfile.TemporaryDirectory(prefix="nr-bench-") as home:
        report(Bench(home), big, mid, small, args.runs, set(args.only))


def fmt(values: list[float], unit: str = "s", scale: float = 1.0, digits: int = 3) -> str:
    return " ".join(f"{v * scale:.{digits}f}" for v in values) + f" {unit}"


def report(
    bench: Bench, big: Path, mid: Path, small: Path, runs: int, only: set[str] | None = None
) -> None:
    began = time.perf_counter()
    only = set(FIGURES) if only is None else only
    rows: list[tuple[str, str, float, str, float, str]] = []  # number, name, value, goal...

    def row(number: str, name: str, value: float, goal: float, unit: str, raw: str) -> None:
        rows.append((number, name, value, f"≤ {goal:g}{unit}", goal, raw))

    log = sys.stderr
    bench.probe("floor", big)  # once unmeasured: every file in the OS page cache, as for the rest
    floors: list[float] = []
    if only & {"1", "2"}:
        print("floor…", file=log, flush=True)
        floors = [bench.probe("floor", big)["seconds"] for _ in range(max(runs, 5))]
        f = median_of(floors)
        print("cold stats…", file=log, flush=True)
        colds = []
        for _ in range(runs):
            bench.empty_cache()
            colds.append(bench.stats(big))
        print("warm stats…", file=log, flush=True)
        warms = [bench.stats(big) for _ in range(max(runs, 5))]
        row("1", "warm `stats --json` 100k ÷ F", median_of(warms) / f, 0.6, "", fmt(warms))
        row("2", "cold `stats --json` 100k ÷ F", median_of(colds) / f, 12, "", fmt(colds))
    if "3" in only:
        first_rows(bench, big, small, runs, row)
    words = filter_figures(bench, big, mid, runs, row) if "4" in only else ""
    if "5" in only:
        memory_figure(bench, big, small, row)
    if "6" in only:
        watch_figures(bench, big, row)

    when = time.strftime("%Y-%m-%d %H:%M %Z")
    load = os.getloadavg()
    print(
        f"newsreader benchmarks, {when}, {os.cpu_count()} cores, load {load[0]:.1f}, "
        f"{runs} runs a timing ({max(runs, 5)} for F, warm and filter), medians"
    )
    if floors:
        print(
            f"F = list the folder + os.read every byte, one thread, no newsreader import: "
            f"{median_of(floors):.3f} s (median of {fmt(floors)}), 100,000 files"
        )
    print("cold = the cache folder emptied first (the files themselves are in the OS page cache)")
    if words:
        print(words)
    print(f"{'#':<9} {'figure':<46} {'value':>8}  {'goal':<9} {'met':<4} raw")
    for number, name, value, goal_text, goal, raw in rows:
        met = "yes" if value <= goal else "NO"
        print(f"{number:<9} {name:<46} {value:>8.2f}  {goal_text:<9} {met:<4} {raw}")
    print(f"(this run took {time.perf_counter() - began:.0f} s)")


Row = Callable[[str, str, float, float, str, str], None]


def first_rows(bench: Bench, big: Path, small: Path, runs: int, row: Row) -> None:
    log = sys.stderr
    print("first rows…", file=log, flush=True)
    first: dict[tuple[str, str], list[float]] = {}
    for state in ("cold", "warm"):
        for folder in (big, small):
            times = []
            for _ in range(runs):
                if state == "cold":
                    bench.empty_cache()
                else:
                    bench.stats(folder)  # the cache exists and is current
                times.append(bench.probe("first_rows", folder)["seconds"])
            first[state, folder.name] = times
    for state in ("cold", "warm"):
        b, s = first[state, big.name], first[state, small.name]
        raw = f"100k {fmt(b)} / 100 {fmt(s)}"
        row(
            f"3 {state}",
            f"first rows on screen, {state}, 100k ÷ 100",
            median_of(b) / median_of(s),
            1.2,
            "",
            raw,
        )


def filter_figures(bench: Bench, big: Path, mid: Path, runs: int, row: Row) -> str:
    """Figure 4; returns the line that names the filter words."""
    log = sys.stderr
    print("filter…", file=log, flush=True)
    common, rare, prefix = pick_words(big, mid)
    bench.stats(big)
    bench.stats(mid)
    words = [common, rare, prefix]
    at_big = bench.probe("filter", big, str(max(runs, 5)), *words)
    at_mid = bench.probe("filter", mid, str(max(runs, 5)), *words)
    for label, word in (("common", common), ("rare", rare), ("prefix", prefix)):
        b, s = at_big[word], at_mid[word]
        raw = (
            f"'{word}': 100k {b['median'] * 1000:.1f} ms ({b['rows']} rows) / "
            f"1k {s['median'] * 1000:.1f} ms ({s['rows']} rows)"
        )
        row(
            f"4 {label}",
            f"filter to first screen, {label}, 100k ÷ 1k",
            b["median"] / s["median"],
            1.2,
            "",
            raw,
        )

    return f"filter words: common '{common}', rare '{rare}', two-letter prefix '{prefix}'"


def memory_figure(bench: Bench, big: Path, small: Path, row: Row) -> None:
    print("memory…", file=sys.stderr, flush=True)
    mem_big = bench.probe("memory", big)
    mem_small = bench.probe("memory", small)
    per = (mem_big["rss"] - mem_small["rss"]) / (mem_big["articles"] - mem_small["articles"])
    raw = (
        f"{mem_big['rss'] / 2**20:.0f} MiB at {mem_big['articles']:.0f} − "
        f"{mem_small['rss'] / 2**20:.0f} MiB at {mem_small['articles']:.0f}"
    )
    row("5", "TUI resident memory per article at 100k (KB)", per / 1024, 0.7, " KB", raw)


def watch_figures(bench: Bench, big: Path, row: Row) -> None:
    print("watch…", file=sys.stderr, flush=True)
    seen = bench.probe("watch", big, "60")
    polls = seen["poll_thread_cpu"]
    raw = (
        f"{seen['polls']} polls meanwhile; shown on screen: {seen['shown']}; row given to the "
        f"list at {seen['row']:.3f} s; {seen['idle']:.3f} s with pilot.pause()'s wait for idle"
    )
    row("6a", "one file rewritten at 100k → on screen (s)", seen["seconds"], 1, " s", raw)
    worst = max(polls) if polls else float("nan")
    raw = (
        f"median {median_of(polls) * 1000:.1f} ms, max {worst * 1000:.1f} ms of the poll thread; "
        f"process CPU median {median_of(seen['poll_process_cpu']) * 1000:.1f} ms"
        if polls
        else "no poll"
    )
    row(
        "6b",
        "CPU per watcher poll at 100k (ms)",
        (median_of(polls) if polls else float("nan")) * 1000,
        50,
        " ms",
        raw,
    )


if __name__ == "__main__":
    main()
