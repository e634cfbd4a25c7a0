"""Time the fast front-matter scanner against the full YAML load (a script, not a test).

Usage: ``python benchmarks/scanner_bench.py [COUNT] [--seed N] [--real DIR] [--corpus DIR]
[--baseline FILE]``

Writes a generated corpus of COUNT files (default 10,000) into a temporary folder, and, with
``--real``, copies of the files in DIR (written under the same temporary folder, repeated to about
1,000 files; DIR itself is only read). For each corpus it reads every file into memory first, then
reports per-file CPU times of decode + split, of the same + ``scan_front_matter``, of the same +
``summarize``, and of decode + split + ``load_yaml`` (on a sample), the fallback rate, and checks
that every scanned mapping equals the loaded one. ``--corpus DIR`` times the files under DIR
(only read; files without front matter are left out) instead of a generated corpus.
``--baseline FILE`` also times the ``scan_front_matter`` of another copy of the scanner module
(an older ``scanner.py``, say), taking turns with this one, so both figures come from one run.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from newsreader.articles.model import FileStamp
from newsreader.reading.parsing import ParseError, decode, load_yaml, split_front_matter, summarize
from newsreader.reading.scanner import scan_front_matter
from newsreader.samplegen import generate_corpus

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


Scan = Callable[[str], object]


def _split_all(blobs: list[bytes]) -> None:
    for data in blobs:
        split_front_matter(decode(data))


def _scan_all(blobs: list[bytes], scan: Scan = scan_front_matter) -> int:
    fallbacks = 0
    for data in blobs:
        source, _body = split_front_matter(decode(data))
        if scan(source) is None:
            fallbacks += 1
    return fallbacks


def _splits(data: bytes) -> bool:
    """Whether a file has front matter (a corpus may hold bad files, which are left out)."""
    try:
        split_front_matter(decode(data))
    except ParseError:
        return False
    return True


def _load_scanner(path: Path) -> Scan:
    """The ``scan_front_matter`` of the scanner module in the file at ``path``."""
    spec = importlib.util.spec_from_file_location("baseline_scanner", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scan: Scan = module.scan_front_matter
    return scan


def _scan_times(blobs: list[bytes], scans: list[Scan], repeat: int = 7) -> list[float]:
    """Per-file µs of decode + split + each scan: best of ``repeat`` rounds, taking turns.

    Taking turns puts every scanner through the same spells of machine load.
    """
    best = [float("inf")] * len(scans)
    for _ in range(repeat):
        for n, scan in enumerate(scans):
            run = partial(_scan_all, blobs, scan)
            best[n] = min(best[n], _per_file_us(run, len(blobs), 1))
    return best


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


def report(name: str, blobs: list[bytes], baseline: Scan | None = None) -> None:
    """Print the timings of one corpus (and of the baseline scanner, if any)."""
    files = len(blobs)
    size = sum(map(len, blobs)) / max(files, 1)
    fallbacks = _scan_all(blobs)
    split = _per_file_us(lambda: _split_all(blobs), files)
    scans: list[Scan] = [scan_front_matter] if baseline is None else [scan_front_matter, baseline]
    if baseline is not None:
        _scan_all(blobs, baseline)  # the same warm caches as this scanner's
    times = _scan_times(blobs, scans)
    scan = times[0]
    both = _per_file_us(lambda: _scan_summarize_all(blobs), files)
    sample = blobs[: max(1, min(files, 1000))]
    full = _per_file_us(lambda: _load_all(sample), len(sample), repeat=1)
    print(f"{name}: {files:,} files, {size:,.0f} bytes each on average")
    print(f"  decode+split              {split:8.1f} µs/file")
    print(f"  decode+split+scan         {scan:8.1f} µs/file  (scan alone {scan - split:.1f})")
    if baseline is not None:
        old = times[1]
        print(
            f"  decode+split+baseline     {old:8.1f} µs/file  (scan alone {old - split:.1f}; "
            f"{(old - split) / max(scan - split, 1e-9):.2f}x this scan's time; "
            f"{_scan_all(blobs, baseline):,} fallbacks)"
        )
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
    parser.add_argument("--corpus", type=Path, help="time the files under this folder instead")
    parser.add_argument("--baseline", type=Path, help="another scanner.py to time alongside")
    args = parser.parse_args(argv)
    baseline = _load_scanner(args.baseline) if args.baseline else None
    if args.corpus:
        files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and not p.is_symlink())
        report(str(args.corpus), [b for b in map(Path.read_bytes, files) if _splits(b)], baseline)
        return 0
    work = Path(tempfile.mkdtemp(prefix="scanner-bench-"))
    try:
        paths = generate_corpus(work / "generated", args.count, args.seed)
        report("generated", [p.read_bytes() for p in paths], baseline)
        if args.real:
            copies = work / "real"
            copies.mkdir()
            originals = sorted(p for p in args.real.iterdir() if p.is_file())
            for n in range(max(1, 1000 // max(len(originals), 1))):
                for p in originals:
                    shutil.copyfile(p, copies / f"{n:04d}-{p.name}")
            report("real-shaped", [p.read_bytes() for p in sorted(copies.iterdir())], baseline)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
