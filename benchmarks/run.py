"""``make bench``: the five performance figures of issue 4, measured side by side in one run.

Corpora are generated with the project's own generator into ``benchmarks/.corpora`` (kept between
runs). Each figure is a ratio of two timings taken in this run on this machine, so machine speed
mostly cancels out; absolute times are printed too. Timings are the median of a few repetitions,
each in a fresh subprocess where start-up state matters (cache, app). Numbers, not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPORA = HERE / ".corpora"
SIZES = {"100": 100, "1k": 1_000, "10k": 10_000, "100k": 100_000}


def corpus(name: str) -> Path:
    """The generated corpus of that size (generated once per generator version, then reused)."""
    from newsreader.samplegen import VERSION, generate_corpus

    folder = CORPORA / name
    done = folder / ".complete"
    stamp = f"generator {VERSION}"
    if not done.exists() or done.read_text() != stamp:
        print(f"generating the {name} corpus (once)…", file=sys.stderr, flush=True)
        if folder.exists():
            import shutil

            shutil.rmtree(folder)
        generate_corpus(folder, SIZES[name], seed=2026)
        done.write_text(stamp)
    return folder


def probe(kind: str, folder: Path, env: dict[str, str], *extra: str) -> dict[str, float]:
    """Run one measurement in a fresh interpreter (see benchmarks/probe.py)."""
    out = subprocess.run(
        [sys.executable, str(HERE / "probe.py"), kind, str(folder), *extra],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"probe {kind} {folder.name} failed:\n{out.stderr[-3000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def median(
    kind: str, folder: Path, env: dict[str, str], runs: int, *extra: str
) -> dict[str, float]:
    """The per-key median of several probes."""
    results = [probe(kind, folder, env, *extra) for _ in range(runs)]
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-naive", action="store_true", help="skip the ~30 s YAML loop")
    args = parser.parse_args()
    big = corpus("100k")
    for name in ("100", "1k", "10k"):
        corpus(name)
    with tempfile.TemporaryDirectory(prefix="nr-bench-") as home:
        env = dict(os.environ)
        for name in ("CONFIG", "STATE", "CACHE", "DATA"):
            env[f"XDG_{name}_HOME"] = f"{home}/{name.lower()}"
        report(big, env, args)


def report(big: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    runs = args.runs
    floor = median("floor", big, env, runs)["seconds"]
    cold = median("cold", big, env, runs)["seconds"]
    naive = None if args.skip_naive else probe("naive", big, env)["seconds"]
    probe("warm", big, env)  # make sure the cache exists
    warm = median("warm", big, env, runs)["seconds"]
    first_big = median("first_rows", big, env, runs)["seconds"]
    first_small = median("first_rows", CORPORA / "100", env, runs)["seconds"]
    ui_big = median("interact", big, env, runs)
    ui_small = median("interact", CORPORA / "1k", env, runs)
    mem_big = probe("memory", big, env)
    mem_empty = probe("memory", CORPORA / "100", env, "--empty")
    per_article = (mem_big["rss"] - mem_empty["rss"]) / mem_big["articles"]

    mib = (mem_big["rss"] - mem_empty["rss"]) / 2**20
    rows = [("1a", "cold index 100k ÷ read-every-byte floor", cold, floor, "≤ 5", "s")]
    if naive is not None:
        rows.append(("1b", "naive CSafeLoader loop ÷ cold index", naive, cold, "≥ 10", "s"))
    rows += [
        ("2", "warm start 100k ÷ floor", warm, floor, "≤ 1.5", "s"),
        ("3", "first rows on screen 100k ÷ 100", first_big, first_small, "≤ 1.5", "s"),
        ("4a", "cursor move 100k ÷ 1k", ui_big["move"], ui_small["move"], "≤ 1.2", "ms"),
        ("4b", "filter keystroke 100k ÷ 1k", ui_big["filter"], ui_small["filter"], "≤ 1.2", "ms"),
    ]
    when = time.strftime("%Y-%m-%d %H:%M")
    print(f"newsreader benchmarks, {when}, {os.cpu_count()} cores, median of {runs} runs")
    print(f"{'#':<3} {'figure':<44} {'value':>7}  {'goal':<6} measured")
    for number, name, top, bottom, goal, unit in rows:
        scale = 1000 if unit == "ms" else 1
        detail = f"{top * scale:.3f} {unit} / {bottom * scale:.3f} {unit}"
        print(f"{number:<3} {name:<44} {top / bottom:>7.2f}  {goal:<6} {detail}")
    name = "resident memory per article at 100k (KB)"
    detail = f"{mib:.0f} MiB over the empty app for {mem_big['articles']:.0f} articles"
    print(f"{'5':<3} {name:<44} {per_article / 1024:>7.2f}  {'≤ 1.2':<6} {detail}")


if __name__ == "__main__":
    main()
