"""Time the fast front-matter scanner against the full YAML load (a script, not a test).

Usage: ``python benchmarks/scanner_bench.py [COUNT] [--seed N] [--real DIR]``

Writes a generated corpus of COUNT files (default 10,000) into a temporary folder, and, with
``--real``, copies of the files in DIR (written under the same temporary folder, repeated to about
1,000 files; DIR itself is only read). For each corpus it reads every file into memory first, then
reports per-file CPU times of decode + split, of the same + ``scan_front_matter``, of the same +
``summarize``, and of decode + split + ``load_yaml`` (on a sample), the fallback rate, and checks
that every scanned mapping equals the loaded one.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newsreader.model import FileStamp
from newsreader.parsing import ParseError, decode, load_yaml, split_front_matter, summarize
from newsreader.samplegen import generate_corpus
from newsreader.scanner import scan_front_matter

STAMP = FileStamp(0, 0, b"")


def _per_file_us(run: Callable[[], object], files: int, repeat: int = 5) -> float:
    """Best of ``repeat`` runs, in microseconds of this process's CPU time per file.

    CPU time rather than wall time: other processes on a shared machine inflate wall time.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best / max(files, 1) * 1e6


def _split_all(blobs: list[bytes]) -> None:
    for data in blobs:
        split_front_matter(decode(data))


def _scan_all(blobs: list[bytes]) -> int:
    fallbacks = 0
    for data in blobs:
        source, _body = split_front_matter(decode(data))
        if scan_front_matter(source) is None:
            fallbacks += 1
    return fallbacks


def _scan_summarize_all(blobs: list[bytes]) -> None:
    for data in blobs:
        source, _body = split_front_matter(decode(data))
        mapping = scan_front_matter(source)
        if mapping is None:
            mapping = load_yaml(source)
        summarize("x", mapping, STAMP)


def _load_all(blobs: list[bytes]) -> None:
    for data in blobs:
        source, _body = split_front_matter(decode(data))
        load_yaml(source)


def _check(blobs: list[bytes]) -> int:
    """How many scanned mappings differ from the loaded ones (must be 0)."""
    wrong = 0
    for data in blobs:
        try:
            source, _body = split_front_matter(decode(data))
        except ParseError:
            continue
        scanned = scan_front_matter(source)
        if scanned is not None and scanned != load_yaml(source):
            wrong += 1
    return wrong


def report(name: str, blobs: list[bytes]) -> None:
    """Print the timings of one corpus."""
    files = len(blobs)
    size = sum(map(len, blobs)) / max(files, 1)
    fallbacks = _scan_all(blobs)
    split = _per_file_us(lambda: _split_all(blobs), files)
    scan = _per_file_us(lambda: _scan_all(blobs), files)
    both = _per_file_us(lambda: _scan_summarize_all(blobs), files)
    sample = blobs[: max(1, min(files, 1000))]
    full = _per_file_us(lambda: _load_all(sample), len(sample), repeat=1)
    print(f"{name}: {files:,} files, {size:,.0f} bytes each on average")
    print(f"  decode+split              {split:8.1f} µs/file")
    print(f"  decode+split+scan         {scan:8.1f} µs/file  (scan alone {scan - split:.1f})")
    print(f"  decode+split+scan+summary {both:8.1f} µs/file")
    print(f"  decode+split+load_yaml    {full:8.1f} µs/file  ({full / scan:.0f}x the scan)")
    print(f"  fallback to load_yaml     {fallbacks:,} files ({fallbacks / max(files, 1):.2%})")
    print(f"  scanned != loaded         {_check(blobs)} files")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--real", type=Path, help="a folder of real files to copy and time")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="scanner-bench-"))
    try:
        paths = generate_corpus(work / "generated", args.count, args.seed)
        report("generated", [p.read_bytes() for p in paths])
        if args.real:
            copies = work / "real"
            copies.mkdir()
            originals = sorted(p for p in args.real.iterdir() if p.is_file())
            for n in range(max(1, 1000 // max(len(originals), 1))):
                for p in originals:
                    shutil.copyfile(p, copies / f"{n:04d}-{p.name}")
            report("real-shaped", [p.read_bytes() for p in sorted(copies.iterdir())])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
