"""The command line: ``newsreader [DIR]`` opens the app; subcommands work headless over the core.

Every error is one line on stderr and a non-zero exit code; no traceback for bad input.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from newsreader import __version__, paths
from newsreader.config import Settings, load_settings
from newsreader.flagwriter import WriteError
from newsreader.folder import FolderError, build_index
from newsreader.index import SORT_KEYS, ArticleIndex, sort_articles
from newsreader.indexer import prepare_workers
from newsreader.journal import Change, Journal, JournalError
from newsreader.loader import load_detail
from newsreader.model import Article, ArticleDetail, BadFile
from newsreader.query import QueryError, parse_query
from newsreader.render import (
    article_json,
    detail_json,
    detail_lines,
    list_line,
    outcome_lines,
    problem_json,
    problem_lines,
    stats_lines,
)
from newsreader.text import inert
from newsreader.triage import Outcome, Triage

COMMANDS = ("list", "show", "stats", "check", "publish", "unpublish", "undo", "redo")
READ_ONLY = frozenset(COMMANDS[:4])


class CliError(Exception):
    """A user error: printed as one line, exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in COMMANDS:
            _tolerant_stdout()
            return _run_command(args)
        return _run_app(args)
    except (CliError, FolderError, QueryError, JournalError, WriteError) as exc:
        print(f"newsreader: {inert(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _tolerant_stdout() -> None:
    """Let ids and titles that cannot be encoded print as escapes instead of raising.

    A file name that is not valid UTF-8 reaches us with lone surrogates; under a strict UTF-8
    locale printing it would raise. ``backslashreplace`` (already stderr's default) writes
    ``\\udcff``, which inside a JSON string is exactly the escape of that character, so
    ``--json`` output stays valid JSON.
    """
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="backslashreplace")


def _settings() -> Settings:
    settings, notices = load_settings(paths.config_file())
    for notice in notices:
        print(f"newsreader: {notice}", file=sys.stderr)
    return settings


def _run_app(args: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="Read and triage a folder of news-article files. "
        f"Commands: {', '.join(COMMANDS)} (newsreader COMMAND --help).",
    )
    parser.add_argument("folder", nargs="?", default=".", type=Path)
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    ns = parser.parse_args(args)
    from newsreader.folder import check_folder

    folder = check_folder(ns.folder)
    from newsreader.tui.app import make_app

    settings, notices = load_settings(paths.config_file())
    app = make_app(folder, settings, notices)
    prepare_workers()  # before Textual takes stderr over: a large folder is indexed in parallel
    app.run()
    # After an unhandled exception Textual prints the traceback and run() returns normally,
    # with return_code 1: pass it on, or a crashed app would exit 0 like a clean quit.
    return app.return_code or 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsreader")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("list", help="one article per line")
    _folder(cmd)
    _query(cmd)
    cmd.add_argument("--sort", choices=list(SORT_KEYS), default=None)
    cmd.add_argument("--reverse", action="store_true")
    _json(cmd)
    cmd = sub.add_parser("show", help="one article in full")
    _folder(cmd)
    cmd.add_argument("id")
    _json(cmd)
    cmd = sub.add_parser("stats", help="counts and facets")
    _folder(cmd)
    _query(cmd)
    _json(cmd)
    cmd = sub.add_parser("check", help="bad files and warnings; exit 1 if any file is bad")
    _folder(cmd)
    _json(cmd)
    for name in ("publish", "unpublish"):
        cmd = sub.add_parser(name, help=f"{name} articles by id or query")
        _folder(cmd)
        cmd.add_argument("ids", nargs="*", metavar="ID")
        _query(cmd)
        cmd.add_argument("--dry-run", action="store_true")
        _json(cmd)
    for name in ("undo", "redo"):
        cmd = sub.add_parser(name, help=f"{name} the last change")
        _folder(cmd)
        _json(cmd)
    return parser


def _folder(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("folder", type=Path)


def _query(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--query", "-q", default="")


def _json(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--json", action="store_true", help="machine-readable output")


def _run_command(args: list[str]) -> int:
    ns = _parser().parse_args(args)
    settings = _settings()
    index = build_index(ns.folder, settings.extensions)
    if ns.command in READ_ONLY:
        _recover(index)  # publish, unpublish, undo and redo recover under their own lock
    handler = {
        "list": _cmd_list,
        "show": _cmd_show,
        "stats": _cmd_stats,
        "check": _cmd_check,
        "publish": _cmd_publish,
        "unpublish": _cmd_publish,
        "undo": _cmd_step,
        "redo": _cmd_step,
    }[ns.command]
    return handler(ns, index, settings, sys.stdout)


def _recover(index: ArticleIndex) -> None:
    """Close in the journal what a killed process left open, removing its temporary files.

    A journal that cannot be read or written is said on stderr: reading the folder goes on
    (publish, unpublish, undo and redo then stop on the same error).
    """
    try:
        Triage(index, Journal(paths.journal_file(index.root))).recover()
    except (JournalError, WriteError) as exc:
        print(f"newsreader: {inert(str(exc))}", file=sys.stderr)


def _select(index: ArticleIndex, query: str) -> list[Article]:
    return parse_query(query).filter(index.articles)


def _cmd_list(ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO) -> int:
    key = ns.sort or settings.default_sort
    rows = sort_articles(_select(index, ns.query), key, ns.reverse != settings.sort_reverse)
    for article in rows:
        if ns.json:
            _emit(out, article_json(index, article))
        else:
            out.write(list_line(article) + "\n")
    return 0


def _cmd_show(ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO) -> int:
    detail = _detail(index, ns.id)
    if ns.json:
        _emit(out, detail_json(index, detail), indent=2)
    else:
        out.write("\n".join(detail_lines(index, detail)) + "\n")
    return 0


def _detail(index: ArticleIndex, article_id: str) -> ArticleDetail:
    article_id = article_id.removeprefix("./")
    if article_id not in index:
        bad = next((b for b in index.bad if b.id == article_id), None)
        raise CliError(f"{article_id}: {bad.describe() if bad else 'no such article'}")
    detail = load_detail(index.root, article_id)
    if isinstance(detail, BadFile):
        raise CliError(f"{article_id}: {detail.describe()}")
    return detail


def _cmd_stats(ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO) -> int:
    rows = _select(index, ns.query)
    counts, facets = index.counts(rows), index.facets(rows)
    if ns.json:
        _emit(
            out,
            {
                "total": counts.total,
                "published": counts.published,
                "unpublished": counts.unpublished,
                "bad": counts.bad,
                "misread": counts.misread,
                "reaching_site": counts.reaching_site,
                "providers": dict(facets.providers.most_common()),
                "topics": dict(facets.topics.most_common()),
                "types": dict(facets.types.most_common()),
            },
            indent=2,
        )
    else:
        out.write("\n".join(stats_lines(counts, facets)) + "\n")
    return 0


def _cmd_check(ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO) -> int:
    warnings = [(a.id, w) for a in sorted(index.articles, key=lambda a: a.id) for w in a.warnings]
    problems = problem_json(index)
    if ns.json:
        _emit(
            out,
            {
                "articles": len(index),
                "bad": problems,
                "warnings": [{"id": i, "warning": w} for i, w in warnings],
            },
            indent=2,
        )
    else:
        for line in problem_lines(index):
            out.write(line + "\n")
        for article_id, warning in warnings:
            out.write(f"warn  {inert(article_id)}: {inert(warning)}\n")
        reaching = index.reaching_site()
        out.write(
            f"{len(index)} articles, {len(problems)} problem files ({reaching} reach the site), "
            f"{len(warnings)} warnings\n"
        )
    return 1 if problems else 0


def _cmd_publish(
    ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO
) -> int:
    published = ns.command == "publish"
    if not ns.ids and not ns.query:
        raise CliError(f"{ns.command}: name article ids or give --query")
    ids = [i.removeprefix("./") for i in ns.ids]
    if ns.query:
        ids += [a.id for a in _select(index, ns.query)]
    triage = Triage(index, Journal(paths.journal_file(index.root)))
    if ns.dry_run:
        changes, missing = triage.plan(ids, published)
        planned = {c.id for c in changes} | {f.id for f in missing}
        unchanged = [i for i in dict.fromkeys(ids) if i not in planned and i in index]
        outcome = Outcome(changed=changes, unchanged=unchanged, failed=missing)
    else:
        outcome = triage.set_published(ids, published)
    return _report(out, ns.json, ns.command, outcome, dry_run=ns.dry_run)


def _cmd_step(ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO) -> int:
    triage = Triage(index, Journal(paths.journal_file(index.root)))
    outcome = triage.undo() if ns.command == "undo" else triage.redo()
    if outcome is None:
        raise CliError(f"nothing to {ns.command}")
    return _report(out, ns.json, ns.command, outcome)


def _report(out: TextIO, as_json: bool, verb: str, outcome: Outcome, dry_run: bool = False) -> int:
    if as_json:
        forward = verb != "undo"
        for change in outcome.changed:
            _emit(out, _change_json(change, forward, dry_run))
        for failure in outcome.failed:
            _emit(out, {"id": failure.id, "error": failure.message})
        for skip in outcome.skipped:
            _emit(out, {"id": skip.id, "skipped": skip.message})
    else:
        out.write("\n".join(outcome_lines(verb, outcome, dry_run=dry_run)) + "\n")
    for failure in outcome.failed:
        print(f"newsreader: {inert(failure.id)}: {inert(failure.message)}", file=sys.stderr)
    for skip in outcome.skipped:
        print(f"newsreader: skipped {inert(skip.id)}: {inert(skip.message)}", file=sys.stderr)
    return 1 if outcome.failed or outcome.skipped else 0


def _change_json(change: Change, forward: bool, dry_run: bool) -> dict[str, Any]:
    """``from``/``to``: what the flag means (null: no key); ``*_text``: its exact text."""
    old, new = (change.old, change.new) if forward else (change.new, change.old)
    item: dict[str, Any] = {"id": change.id, "from": old, "to": new, "dry_run": dry_run}
    if change.tokens is not None:
        before, after = change.tokens if forward else change.tokens[::-1]
        item.update(from_text=before, to_text=after)
    return item


def _emit(out: TextIO, value: Any, indent: int | None = None) -> None:
    # Escape everything non-ASCII when the stream is not UTF-8: an unencodable character
    # would otherwise come out as a Python escape, which is not valid JSON.
    utf8 = (getattr(out, "encoding", None) or "").lower().replace("-", "") == "utf8"
    out.write(json.dumps(value, ensure_ascii=not utf8, indent=indent) + "\n")
