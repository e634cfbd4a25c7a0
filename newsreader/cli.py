"""The command line: ``newsreader [DIR]`` opens the app; subcommands work headless over the core.

Every error is one line on stderr and a non-zero exit code; no traceback for bad input.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from newsreader import __version__, paths
from newsreader.articles import lint
from newsreader.articles.index import SORT_KEYS, ArticleIndex, sort_articles
from newsreader.articles.model import Article, ArticleDetail, BadFile
from newsreader.articles.query import QueryError, parse_query, syntax_help
from newsreader.articles.stories import LEAD_RULE, find_stories
from newsreader.articles.text import inert
from newsreader.completion import SHELLS, completion_script
from newsreader.config import Settings, load_settings
from newsreader.reading.folder import FolderError, build_index
from newsreader.reading.indexer import prepare_workers
from newsreader.reading.loader import load_detail
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
from newsreader.writing import review
from newsreader.writing.flagwriter import WriteError
from newsreader.writing.gitfolder import CommitResult, GitError, commit_flags
from newsreader.writing.journal import Change, Journal, JournalError
from newsreader.writing.triage import Outcome, Triage

#: Every command, with its one line for ``newsreader --help``.
COMMAND_HELP = {
    "list": "list articles, one per line (JSON Lines with --json)",
    "show": "one article in full: metadata, URLs, related stories, backlinks",
    "stats": "counts and facets (providers, topics, types)",
    "check": "problem files and warnings; exit 1 if any file is a problem file",
    "stories": "articles that report one story, grouped, each story's lead first",
    "publish": "set published: true on articles named by id, --query or --view",
    "unpublish": "set published: false on articles named by id, --query or --view",
    "undo": "undo the last change (the app's too: they share the journal)",
    "redo": "redo the last undone change",
    "review": "flag changes not committed yet, old -> new; --revert ID takes one back",
    "commit": "git commit the files whose only change is the published: line (never pushes)",
    "completion": "print a shell completion script: completion bash|zsh|fish",
    "help": "help on a command, or on the query language: help query",
}
COMMANDS = tuple(COMMAND_HELP)
READ_ONLY = frozenset({"list", "show", "stats", "check", "stories"})
#: Commands that read no folder.
STANDALONE = frozenset({"completion", "help"})

EXIT_CODES = """exit codes:
  0    done
  1    check: a problem file was found; publish, unpublish, undo, redo, review
       --revert: a file was refused or skipped (the others were done)
  2    nothing done: a usage error, no such folder or article, a bad query, an
       unknown view, nothing to undo or redo, an unreadable journal or config file,
       commit: not inside a git work tree, or git failed
  130  interrupted"""

QUERY_POINTER = "query syntax: newsreader help query"

EXAMPLES = """examples:
  newsreader ~/seeds                              open the app on a folder
  newsreader list ~/seeds -q 'is:unpublished topic:AI' --sort quality
  newsreader list ~/seeds --view 'AI to review' --json
  newsreader show ~/seeds 2021-12-01-chips.md
  newsreader stories ~/seeds -q is:unpublished --json
  newsreader publish ~/seeds 2021-12-01-chips.md 2021-12-02-cars.md
  newsreader unpublish ~/seeds -q 'quality<20' --dry-run
  newsreader undo ~/seeds
  newsreader review ~/seeds --revert 2021-12-02-cars.md
  newsreader commit ~/seeds -m 'Morning triage'
  newsreader completion bash > ~/.local/share/bash-completion/completions/newsreader"""


class CliError(Exception):
    """A user error: printed as one line, exit code 2 (``id``: the article it is about)."""

    def __init__(self, message: str, article_id: str | None = None) -> None:
        super().__init__(message)
        self.article_id = article_id


class _Parser(argparse.ArgumentParser):
    """argparse, whose usage errors are one line (and JSON with ``--json``) like all others."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing the usage and exiting: main reports it."""
        raise CliError(f"{message} (see {self.prog} --help)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = _command_of(args)
    as_json = command in COMMANDS and "--json" in args
    try:
        if command in COMMANDS:
            _tolerant_stdout()
            return _run_command(args)
        _refuse_typo(command, args)
        return _run_app(args)
    except (CliError, FolderError, QueryError, JournalError, WriteError, GitError) as exc:
        message = inert(str(exc))
        print(f"newsreader: {message}", file=sys.stderr)
        if as_json:
            # --json promises JSON on stdout on every path: the error too.
            article_id = getattr(exc, "article_id", None)
            _emit(
                sys.stdout,
                {"id": article_id, "error": str(exc)} if article_id else {"error": str(exc)},
            )
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _command_of(args: list[str]) -> str | None:
    """The first argument after any leading ``--config FILE``: a command, a folder or None."""
    i = 0
    while i < len(args) and args[i].startswith("--config"):
        i += 1 if "=" in args[i] else 2
    return args[i] if i < len(args) else None


def _refuse_typo(command: str | None, args: list[str]) -> None:
    """A first argument that is no folder but close to a command name is a mistyped command.

    A folder may be named like anything, so an existing path always wins.
    """
    if command is None or command.startswith("-") or Path(command).expanduser().exists():
        return
    close = difflib.get_close_matches(command, COMMANDS, n=1, cutoff=0.6)
    if close:
        raise CliError(f"unknown command {command!r} (did you mean {close[0]}?)")
    if len([a for a in args if not a.startswith("-")]) > 1:
        raise CliError(f"unknown command {command!r} (commands: {', '.join(COMMANDS)})")


def _tolerant_stdout() -> None:
    """Let ids and titles that cannot be encoded print as escapes instead of raising.

    A file name that is not valid UTF-8 reaches us with lone surrogates; under a strict UTF-8
    locale printing it would raise. ``backslashreplace`` (already stderr's default) writes
    ``\\udcff``, which inside a JSON string is exactly the escape of that character, so
    ``--json`` output stays valid JSON.
    """
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="backslashreplace")


def config_path(ns: argparse.Namespace) -> Path:
    """The config file: ``--config FILE`` (which must exist), else the platformdirs one."""
    given = getattr(ns, "config", None)
    if given is None:
        return paths.config_file()
    path = Path(given).expanduser()
    if not path.is_file():
        raise CliError(f"config {path}: no such file")
    return path


def _settings(path: Path) -> Settings:
    settings, notices = load_settings(path)
    for notice in notices:
        print(f"newsreader: {notice}", file=sys.stderr)
    return settings


def _has_terminal() -> bool:
    """Whether the app can run here: it draws on stdout and reads keys from stdin."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def app_parser() -> argparse.ArgumentParser:
    """``newsreader [--config FILE] [DIR]``; its help lists the commands and ends with examples."""
    width = max(len(name) for name in COMMANDS) + 2
    commands = "\n".join(f"  {name.ljust(width)}{text}" for name, text in COMMAND_HELP.items())
    parser = _Parser(
        prog="newsreader",
        usage="newsreader [--config FILE] [DIR]\n       newsreader COMMAND [options] (see below)",
        description="Read and triage a folder of Jekyll news-article files. With no command,\n"
        "open the app on DIR (default: the current folder).\n\n"
        f"commands (newsreader COMMAND --help for its options):\n{commands}",
        epilog=f"{QUERY_POINTER}\n\n{EXIT_CODES}\n\n{EXAMPLES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "folder",
        nargs="?",
        default=".",
        type=folder_arg,
        metavar="DIR",
        help="the folder of article files to open in the app (needs a terminal)",
    )
    _config(parser)
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    return parser


def _run_app(args: list[str]) -> int:
    ns = app_parser().parse_args(args)
    from newsreader.reading.folder import check_folder

    folder = check_folder(ns.folder)
    path = config_path(ns)
    if not _has_terminal():
        raise CliError(
            "the app needs a terminal (stdin and stdout); for scripts use the commands: "
            "newsreader list DIR, show, stats, check, publish... (newsreader --help)"
        )
    from newsreader.tui.app import make_app

    settings, notices = load_settings(path)
    app = make_app(folder, settings, notices, config_path=path)
    prepare_workers()  # before Textual takes stderr over: a large folder is indexed in parallel
    app.run()
    # After an unhandled exception Textual prints the traceback and run() returns normally,
    # with return_code 1: pass it on, or a crashed app would exit 0 like a clean quit.
    return app.return_code or 0


def folder_arg(text: str) -> Path:
    """A folder argument, ``~`` expanded (quoted, or after ``=``, the shell leaves it)."""
    return Path(text).expanduser()


def command_parser() -> argparse.ArgumentParser:
    """Every command and its options: parses the commands, and the completion scripts come
    from it."""
    parser = _Parser(prog="newsreader")
    _config(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, description: str = "") -> argparse.ArgumentParser:
        text = COMMAND_HELP[name]
        cmd = sub.add_parser(
            name,
            help=text,
            description=f"{text[0].upper()}{text[1:]}.{description}",
            epilog=f"{QUERY_POINTER}\n\n{EXIT_CODES}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _config(cmd, suppress=True)
        return cmd

    cmd = command("list")
    _folder(cmd)
    _query(cmd)
    cmd.add_argument(
        "--sort",
        choices=list(SORT_KEYS),
        default=None,
        help="sort key (default: the config's default_sort)",
    )
    cmd.add_argument("--reverse", action="store_true", help="reverse the sort")
    _json(cmd)
    cmd = command("show")
    _folder(cmd)
    cmd.add_argument("id", metavar="ID", help="the article's path inside DIR")
    _json(cmd)
    cmd = command("stats")
    _folder(cmd)
    _query(cmd)
    _json(cmd)
    cmd = command("check")
    _folder(cmd)
    cmd.add_argument(
        "--lint",
        type=_lint_codes,
        default=lint.DEFAULT_CODES,
        metavar="CODES",
        help=f"front-matter lint to run, comma-separated: {', '.join(lint.CODES)}, all, none "
        "(default: all but outside)",
    )
    _json(cmd)
    cmd = command(
        "stories",
        "\n\nOne story: similar titles and excerpts (rare words weigh most) days apart, or\n"
        "related entries naming each other. Numbered series (monthly updates, yearly\n"
        "releases, preview vs GA) stay apart. With --query or --view, the stories with an\n"
        f"article that matches.\n\n{textwrap.fill(LEAD_RULE, 79)}.",
    )
    _folder(cmd)
    _query(cmd)
    _json(cmd)
    for name in ("publish", "unpublish"):
        cmd = command(
            name, " A file already so is left alone; one the site would not follow is refused."
        )
        _folder(cmd)
        cmd.add_argument("ids", nargs="*", metavar="ID", help="articles by their path inside DIR")
        _query(cmd)
        cmd.add_argument(
            "--dry-run", action="store_true", help="say what would change, change nothing"
        )
        _json(cmd)
    for name in ("undo", "redo"):
        cmd = command(name)
        _folder(cmd)
        _json(cmd)
    cmd = command(
        "review",
        "\n\nInside git: files this app's journal changed whose only change from HEAD is the\n"
        "published: line. Outside git: files the journal's done changes left as they are.\n"
        "A revert is its own change: undo brings the flag back.",
    )
    _folder(cmd)
    cmd.add_argument(
        "--revert",
        nargs="+",
        metavar="ID",
        help="write the old flag text back on these articles (one undoable change)",
    )
    _json(cmd)
    cmd = command(
        "commit",
        "\n\nFiles with any other change (another writer's edits, a crawler run) are listed\n"
        "and left out, and nothing else staged goes in. Nothing to commit: no commit, exit 0.",
    )
    _folder(cmd)
    cmd.add_argument(
        "--message",
        "-m",
        metavar="MSG",
        help="the commit message (default: counts, then the titles published and unpublished)",
    )
    _json(cmd)
    cmd = command(
        "completion",
        "\n\ninstall it:\n"
        "  bash: newsreader completion bash > "
        "~/.local/share/bash-completion/completions/newsreader\n"
        "  zsh:  newsreader completion zsh > ~/.zfunc/_newsreader  (a folder in $fpath)\n"
        "  fish: newsreader completion fish > ~/.config/fish/completions/newsreader.fish",
    )
    cmd.add_argument("shell", choices=SHELLS)
    cmd = command("help")
    cmd.add_argument("topic", nargs="?", choices=["query", *COMMANDS], help="query, or a command")
    return parser


def _config(cmd: argparse.ArgumentParser, suppress: bool = False) -> None:
    # SUPPRESS in the commands: a subparser's default would overwrite a --config given before
    # the command name.
    cmd.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS if suppress else None,
        help="the config file to use (default: config.toml in the platformdirs config folder)",
    )


def _folder(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("folder", type=folder_arg, metavar="DIR", help="the folder of article files")


def _query(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--query", "-q", default="", metavar="Q", help=f"only articles matching Q ({QUERY_POINTER})"
    )
    cmd.add_argument(
        "--view",
        metavar="NAME",
        help="only articles matching the saved view NAME (the config's [views]; with "
        "--query, both must match)",
    )


def _json(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--json", action="store_true", help="machine-readable output (README: JSON output)"
    )


def _run_command(args: list[str]) -> int:
    ns = command_parser().parse_args(args)
    if ns.command in STANDALONE:
        return _cmd_completion(ns) if ns.command == "completion" else _cmd_help(ns)
    settings = _settings(config_path(ns))
    if hasattr(ns, "view"):
        ns.query = query_text(ns.query, ns.view, settings)
    index = build_index(ns.folder, settings.extensions)
    if ns.command in READ_ONLY or ns.command == "commit":
        _recover(index)  # publish, unpublish, undo and redo recover under their own lock
    handler = {
        "list": _cmd_list,
        "show": _cmd_show,
        "stats": _cmd_stats,
        "check": _cmd_check,
        "stories": _cmd_stories,
        "publish": _cmd_publish,
        "unpublish": _cmd_publish,
        "undo": _cmd_step,
        "redo": _cmd_step,
        "review": _cmd_review,
        "commit": _cmd_commit,
    }[ns.command]
    return handler(ns, index, settings, sys.stdout)


def query_text(query: str, view: str | None, settings: Settings) -> str:
    """The query a command runs: ``--query``, and the saved view ``--view`` (both must match)."""
    if view is None:
        return query
    views = settings.saved_views
    if view not in views:
        known = ", ".join(repr(v) for v in views) or "none saved in the config's [views]"
        raise CliError(f"unknown view {view!r} (views: {known})")
    parts = [q for q in (views[view], query) if q.strip()]
    # Parenthesised, so that an OR in one cannot swallow the other.
    return " ".join(f"({q})" for q in parts) if len(parts) > 1 else "".join(parts)


def _cmd_completion(ns: argparse.Namespace) -> int:
    sys.stdout.write(completion_script(ns.shell, command_parser(), app_parser()))
    return 0


def _cmd_help(ns: argparse.Namespace) -> int:
    if ns.topic == "query":
        sys.stdout.write(syntax_help() + "\n")
    elif ns.topic is None or ns.topic == "help":
        app_parser().print_help()
    else:
        command_parser().parse_args([ns.topic, "--help"])
    return 0


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
        reason = bad.describe() if bad else "no such article"
        raise CliError(f"{article_id}: {reason}", article_id)
    detail = load_detail(index.root, article_id)
    if isinstance(detail, BadFile):
        raise CliError(f"{article_id}: {detail.describe()}", article_id)
    return detail


def _cmd_stats(ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO) -> int:
    rows = _select(index, ns.query)
    # Every article (no query): the counts the index keeps, instead of a pass over them all.
    counts = index.counts() if len(rows) == len(index) else index.counts(rows)
    facets = index.facets(rows)
    if ns.json:
        _emit(
            out,
            {
                "articles": counts.total,
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


def _lint_codes(text: str) -> frozenset[str]:
    """The ``--lint`` value: the chosen lint codes."""
    try:
        return lint.parse_codes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _cmd_check(ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO) -> int:
    # The file's own warnings (code "front-matter", or "images" when about them: those follow
    # --lint), then the lint findings, by id: one list.
    warnings = [
        (a.id, code, w)
        for a in sorted(index.articles, key=lambda a: a.id)
        for w, code in ((w, lint.warning_code(w)) for w in a.warnings)
        if code == lint.FRONT_MATTER or code in ns.lint
    ]
    warnings += [(f.id, f.code, f.message) for f in lint.lint(index, ns.lint)]
    warnings.sort(key=lambda w: w[0])  # stable: each article's own order is kept
    problems = problem_json(index)
    if ns.json:
        _emit(
            out,
            {
                "articles": len(index),
                "bad": problems,
                "warnings": [{"id": i, "warning": w, "code": c} for i, c, w in warnings],
            },
            indent=2,
        )
    else:
        for line in problem_lines(index):
            out.write(line + "\n")
        for article_id, code, warning in warnings:
            out.write(f"warn  {inert(article_id)}: {inert(warning)} [{code}]\n")
        reaching = index.reaching_site()
        out.write(
            f"{len(index)} articles, {len(problems)} problem files ({reaching} reach the site), "
            f"{len(warnings)} warnings\n"
        )
    return 1 if problems else 0


def _cmd_stories(
    ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO
) -> int:
    # The whole folder is grouped (a story is one whatever the query); a story is listed when
    # any of its articles matches the query.
    stories = find_stories(index.articles, index)
    if ns.query:
        wanted = {a.id for a in _select(index, ns.query)}
        stories = [s for s in stories if any(i in wanted for i in s.ids)]
    if ns.json:
        for story in stories:
            _emit(out, story.as_json())
        return 0
    for story in stories:
        out.write(
            f"{story.key}  {len(story.articles)} articles, {story.published} published: "
            f"{inert(story.lead.title)}\n"
        )
        for n, article in enumerate(story.articles):
            mark = "lead" if n == 0 else "    "
            out.write(f"  {mark} {list_line(article)}\n")
    out.write(f"{len(stories)} stories\n{LEAD_RULE}\n")
    return 0


def _cmd_publish(
    ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO
) -> int:
    published = ns.command == "publish"
    if not ns.ids and not ns.query:
        raise CliError(f"{ns.command}: name article ids or give --query or --view")
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


def _cmd_review(
    ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO
) -> int:
    triage = Triage(index, Journal(paths.journal_file(index.root)))
    if ns.revert:
        outcome = review.revert(triage, [i.removeprefix("./") for i in ns.revert])
        return _report(out, ns.json, "revert", outcome)
    triage.recover()
    items = review.pending(index, triage.journal)
    for item in items:
        if ns.json:
            _emit(
                out,
                {
                    "id": item.id,
                    "title": item.title,
                    "from": item.old,
                    "to": item.new,
                    "diff": item.diff,
                    "committed": item.committed,
                },
            )
        else:
            out.write(f"{inert(item.id)}: {_token_text(item.old)} -> {_token_text(item.new)}\n")
            out.write("".join(f"  {inert(line)}\n" for line in item.diff))
    if not ns.json:
        out.write(f"{len(items)} uncommitted flag changes\n")
    return 0


def _token_text(token: str | None) -> str:
    return "(no key)" if token is None else inert(token) or "(empty)"


def _cmd_commit(
    ns: argparse.Namespace, index: ArticleIndex, settings: Settings, out: TextIO
) -> int:
    def title(article_id: str) -> str:
        article = index.get(article_id)
        return article.title if article is not None else ""

    result = commit_flags(index.root, title, ns.message)
    if ns.json:
        _emit(out, _commit_json(result))
        return 0
    for status in result.left_out:
        out.write(f"left out {inert(status.id)}: {inert(status.reason)}\n")
    if not result.commit:
        out.write("nothing to commit\n")
        return 0
    for status in result.committed:
        out.write(
            f"committed {inert(status.id)}: "
            f"{_token_text(status.head_token)} -> {_token_text(status.work_token)}\n"
        )
    subject = result.message.splitlines()[0] if result.message else ""
    out.write(f"commit {result.commit[:12]}: {inert(subject)}\n")
    return 0


def _commit_json(result: CommitResult) -> dict[str, Any]:
    """``commit``: the new commit's hash, null when nothing was committed."""
    return {
        "commit": result.commit or None,
        "message": result.message or None,
        "files": [{"id": s.id, "from": s.head_token, "to": s.work_token} for s in result.committed],
        "left_out": [{"id": s.id, "reason": s.reason} for s in result.left_out],
    }


def _report(out: TextIO, as_json: bool, verb: str, outcome: Outcome, dry_run: bool = False) -> int:
    if as_json:
        forward = verb != "undo"
        for change in outcome.changed:
            _emit(out, _change_json(change, forward, dry_run))
        for failure in outcome.failed:
            _emit(out, {"id": failure.id, "error": failure.message})
        for skip in outcome.skipped:
            # Skipped is a refusal (the file changed since): an error, marked as a skip.
            _emit(out, {"id": skip.id, "error": skip.message, "skipped": True})
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
