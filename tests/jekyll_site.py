"""Build a tiny Jekyll site around a folder of article files and ask Jekyll what it did.

The site is a folder holding ``_config.yml`` (a ``news`` collection with ``output: true``),
``_plugins/dump.rb`` and ``_news/``, the article folder the app opens. :func:`build` runs
``jekyll build`` on it and returns, for every file of ``_news/`` (by its path relative to
``_news/``, the app's article id), what Jekyll did with it:

- ``"published"``: a document Jekyll wrote into the built site (``doc.write?``);
- ``"hidden"``: a document it read but did not write (``published`` is ``false``, ``nil`` or
  the page is dated in the future), including the ones it dropped while reading because
  ``published == false`` (those never reach ``collection.docs``);
- ``"copied"``: a static file of the collection (no front-matter header: copied as it is).

The plugin also records, per document, the error Jekyll hit while reading it (a YAML exception or
"could not read file": the page is then built with no front matter) and the ``published`` and
``date`` values it ended up with. Every file of ``_news/`` must appear in the dump exactly once;
anything else is a bug of this harness and raises :class:`HarnessError`.

By hand, ``python -m tests.jekyll_site --table`` builds the fixture site of
``tests/jekyll_fixtures.py`` in a temp folder and prints what Jekyll did with each file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Seconds one ``jekyll build`` of the fixture site may take (it takes about one).
BUILD_TIMEOUT = 120
#: What Jekyll did with a file (see the module docstring).
VERDICTS = ("published", "hidden", "copied")
COLLECTION = "news"
ARTICLES = "_news"
#: The plugin writes its dump here (in the site folder, beside ``_config.yml``; not in ``_news/``).
DUMP_NAME = "jekyll-dump.json"

#: A ``_plugins`` hook that dumps, once the site is written, what happened to each file of the
#: ``news`` collection. Documents are remembered when they are created (``:documents,
#: :post_init`` runs before ``Document#read``), so the ones the collection drops while reading
#: (``published == false``) are still seen; read errors are recorded by wrapping the private
#: ``Document#handle_read_error``, which Jekyll calls after logging them.
DUMP_PLUGIN = r"""
# Written by tests/jekyll_site.py: dump what Jekyll did with every file of one collection.
require "json"

module NewsreaderDump
  COLLECTION = "news"
  DOCS = []
  ERRORS = {}

  module RecordReadError
    private

    def handle_read_error(error)
      NewsreaderDump::ERRORS[path] = "#{error.class}: #{error.message}".scrub
      super
    end
  end

  def self.json_value(value)
    case value
    when nil, true, false, Integer, Float then value
    else value.inspect.scrub
    end
  end
end

Jekyll::Document.prepend(NewsreaderDump::RecordReadError)

Jekyll::Hooks.register :documents, :post_init do |doc|
  NewsreaderDump::DOCS << doc if doc.collection&.label == NewsreaderDump::COLLECTION
end

Jekyll::Hooks.register :site, :post_write do |site|
  collection = site.collections[NewsreaderDump::COLLECTION]
  prefix = "#{collection.relative_directory}/"
  strip = ->(relative) { relative.start_with?(prefix) ? relative[prefix.length..] : relative }
  kept = collection.docs.map(&:path)
  entries = []
  NewsreaderDump::DOCS.each do |doc|
    data = doc.data
    entries << {
      "id" => strip.call(doc.relative_path),
      "verdict" => kept.include?(doc.path) && doc.write? ? "published" : "hidden",
      "kept" => kept.include?(doc.path),
      "has_published" => data.key?("published"),
      "published" => NewsreaderDump.json_value(data["published"]),
      "date" => data.key?("date") ? data["date"].to_s : nil,
      "error" => NewsreaderDump::ERRORS[doc.path],
      "output" => File.exist?(doc.destination(site.dest)),
    }
  end
  collection.files.each do |file|
    entries << {
      "id" => strip.call(file.relative_path.sub(%r!\A/!, "")),
      "verdict" => "copied",
      "kept" => true,
      "has_published" => false,
      "published" => nil,
      "date" => nil,
      "error" => nil,
      "output" => File.exist?(file.destination(site.dest)),
    }
  end
  out = ENV["NEWSREADER_JEKYLL_DUMP"] || File.join(site.source, "jekyll-dump.json")
  File.write(out, JSON.pretty_generate({ "time" => site.time.to_s, "entries" => entries }))
end
"""


class HarnessError(AssertionError):
    """The build or its dump does not account for the site's files: a bug of this harness."""


@dataclass(frozen=True)
class Entry:
    """What Jekyll did with one file of ``_news/``."""

    id: str
    verdict: str
    #: In ``collection.docs`` (False for documents dropped while reading).
    kept: bool
    #: The front matter had a ``published`` key, and its value as Ruby saw it (JSON, or inspect).
    has_published: bool
    published: Any
    date: str | None
    #: The error Jekyll logged reading it (the page is then built with no front matter).
    error: str | None
    #: Its page (or copy) exists in the built site.
    output: bool


@dataclass
class Build:
    """One ``jekyll build``: the per-file entries, its stderr and how long it took."""

    entries: dict[str, Entry]
    stderr: str
    seconds: float
    site_time: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def verdicts(self) -> dict[str, str]:
        return {key: entry.verdict for key, entry in self.entries.items()}


def jekyll_path() -> str | None:
    return shutil.which("jekyll")


def make_site(site: Path, config: str = "") -> Path:
    """Create the site folder around ``site/_news/`` and return that article folder.

    ``config`` is extra ``_config.yml`` text (for example ``"future: true\\n"``).
    """
    (site / "_plugins").mkdir(parents=True, exist_ok=True)
    articles = site / ARTICLES
    articles.mkdir(exist_ok=True)
    (site / "_config.yml").write_text(
        "# A throwaway site for newsreader's end-to-end test against Jekyll.\n"
        "title: Newsreader fixtures\n"
        f"collections:\n  {COLLECTION}:\n    output: true\n"
        "plugins: []\n"
        "exclude: [_site, jekyll-dump.json]\n" + config,
        encoding="utf-8",
    )
    (site / "_plugins" / "dump.rb").write_text(DUMP_PLUGIN.lstrip(), encoding="utf-8")
    return articles


def write_files(articles: Path, files: Iterable[tuple[str, bytes]]) -> None:
    """Write ``(relative id, raw bytes)`` pairs into the article folder, byte for byte."""
    for name, data in files:
        path = articles / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


#: Leading characters of file names Jekyll's entry filter skips (``special?``).
SKIPPED_LEADS = ("_", "#", "~")


def _built(dest: Path, article_id: str) -> bool:
    """Whether anything named after the file's stem is in the built site."""
    stem = article_id.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return any(stem in path.name for path in dest.rglob("*"))


def article_ids(articles: Path) -> set[str]:
    """Every regular file under the article folder, as a ``/``-separated relative id."""
    return {path.relative_to(articles).as_posix() for path in articles.rglob("*") if path.is_file()}


def jekyll_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A small, fixed environment: UTC, UTF-8, a private HOME, no Bundler.

    Ruby's gem paths pass through, for a Jekyll installed with ``gem`` rather than apt.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TZ": "UTC",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "JEKYLL_ENV": "production",
        "JEKYLL_NO_BUNDLER_REQUIRE": "true",
    }
    for name in ("GEM_HOME", "GEM_PATH", "RUBYLIB"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(extra or {})
    return env


def build(site: Path, *, timeout: float = BUILD_TIMEOUT) -> Build:
    """Run ``jekyll build`` on ``site`` and return what it did with every file of ``_news/``.

    Raises :class:`HarnessError` when Jekyll is missing or fails, when the dump is missing, or
    when the dump and the files on disk disagree (a file missing from it, or listed twice).
    """
    jekyll = jekyll_path()
    if jekyll is None:
        raise HarnessError("jekyll is not on PATH")
    site = site.resolve()
    dump = site / DUMP_NAME
    dump.unlink(missing_ok=True)
    home = site.parent / f".{site.name}-home"
    home.mkdir(exist_ok=True)
    dest = site.parent / f".{site.name}-built"
    command = [
        jekyll,
        "build",
        "--quiet",
        "--disable-disk-cache",
        "--source",
        str(site),
        "--destination",
        str(dest),
    ]
    started = time.perf_counter()
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        env=jekyll_env(home, {"NEWSREADER_JEKYLL_DUMP": str(dump)}),
        cwd=site,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise HarnessError(
            f"jekyll build failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    if not dump.is_file():
        raise HarnessError(f"the dump plugin wrote no {dump}:\n{result.stderr}")
    raw = json.loads(dump.read_text(encoding="utf-8"))
    entries: dict[str, Entry] = {}
    for item in raw["entries"]:
        entry = Entry(**item)
        if entry.verdict not in VERDICTS:
            raise HarnessError(f"unknown verdict in the dump: {item}")
        if entry.output != (entry.verdict != "hidden"):
            raise HarnessError(f"the built site does not match the dump: {entry}")
        if entry.id in entries:
            raise HarnessError(f"{entry.id!r} is in the dump twice: {entries[entry.id]}, {entry}")
        entries[entry.id] = entry
    on_disk = article_ids(site / ARTICLES)
    for skipped in on_disk - entries.keys():
        # Jekyll's EntryFilter never reads these names: nothing of them reaches the site.
        if skipped.rsplit("/", 1)[-1][:1] in SKIPPED_LEADS and not _built(dest, skipped):
            entries[skipped] = Entry(skipped, "hidden", False, False, None, None, None, False)
    missing, extra = sorted(on_disk - entries.keys()), sorted(entries.keys() - on_disk)
    if missing or extra:
        raise HarnessError(
            f"the dump does not match {ARTICLES}/: missing {missing}, unknown {extra}\n"
            f"{result.stderr}"
        )
    return Build(entries, result.stderr, seconds, raw.get("time", ""))


def table(rows: Iterable[Iterable[object]], header: Iterable[str]) -> str:
    """A plain text table: one row per line, columns padded to their widest cell."""
    cells = [[str(cell) for cell in header]] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def oracle_table(root: Path) -> str:
    """Build the fixture site (and its ``future: true`` twin) under ``root``; tabulate them."""
    from tests.jekyll_fixtures import FIXTURES, FUTURE_IDS

    site = root / "site"
    write_files(make_site(site), ((f.name, f.data) for f in FIXTURES))
    first = build(site)
    future_site = root / "future"
    write_files(
        make_site(future_site, "future: true\n"),
        ((f.name, f.data) for f in FIXTURES if f.name in FUTURE_IDS),
    )
    future = build(future_site)
    rows = []
    for fixture in FIXTURES:
        entry = first.entries[fixture.name]
        future_entry = future.entries.get(fixture.name)
        published = repr(entry.published) if entry.has_published else "-"
        if entry.verdict == "copied":
            published = ""
        error = (entry.error or "").split("\n")[0]
        rows.append(
            (
                fixture.name,
                entry.verdict,
                future_entry.verdict if future_entry else "",
                published,
                error[:70],
            )
        )
    header = ("file", "jekyll", "future:true", "published (Ruby)", "read error")
    return (
        f"{table(rows, header)}\n\njekyll build: {first.seconds:.2f} s "
        f"({len(first.entries)} files), future site: {future.seconds:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.jekyll_site", description=__doc__)
    parser.add_argument("--table", action="store_true", help="print the fixtures' oracle table")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it")
    args = parser.parse_args(argv)
    if not args.table:
        parser.print_help()
        return 2
    if args.keep:
        root = Path(args.keep)
        root.mkdir(parents=True, exist_ok=True)
        print(oracle_table(root))
    else:
        with tempfile.TemporaryDirectory(prefix="jekyll-oracle-") as tmp:
            print(oracle_table(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
