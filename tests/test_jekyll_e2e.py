"""End to end against the real thing: Jekyll's build decides what is published, not Python.

A small Jekyll site (``tests/jekyll_site.py``) is built around a folder of tricky article files
(``tests/jekyll_fixtures.py``); its plugin dumps what Jekyll did with every file: ``published``
(written into the site), ``hidden`` (read, not written) or ``copied`` (a static file). The
installed CLI (``python -m newsreader``, private XDG_* folders) is then asked for its verdict on
every file, and must give Jekyll's:

- ``list DIR --json``: one JSON object per indexed article, with ``id``, ``published`` (does the
  site render it now), ``flag`` (the top-level ``published`` value as a boolean, or null) and
  ``site`` (``"published"`` or ``"hidden"``);
- ``check DIR --json``: one object ``{"articles", "bad": [{"id", "reason", "site", "indexed"}],
  "warnings"}`` naming every problem file; exit 1 when there is any;
- the app's verdict on a file is its ``site`` in ``list`` if listed, else in ``check``'s ``bad``.

Then ``publish`` (every fixture id in one call), a rebuild, the same comparison, and the checks of
the promise: a file the app reports changed is rendered by Jekyll now, a refused one keeps
Jekyll's verdict and its bytes, and one it leaves alone (already published) is rendered too. Then
``unpublish``, the other way round. A second site with ``future: true`` does the same for the
two future-dated fixtures. Six builds in all, about a third of a second each.

Every problem of every stage is collected and reported in one table at the end, so one run shows
all that the app gets wrong. The module skips when ``jekyll`` is not installed, except in CI
(``CI`` set), where that is a failure: ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.jekyll_fixtures import FIXTURES, FUTURE_IDS
from tests.jekyll_site import Build, build, jekyll_path, make_site, table, write_files

pytestmark = pytest.mark.jekyll

NOTES = {fixture.name: fixture.note for fixture in FIXTURES}
SITE_VERDICTS = ("published", "hidden", "copied")
VERDICT_MISMATCH = "verdict"
CLI_TIMEOUT = 120


@pytest.fixture(scope="module", autouse=True)
def need_jekyll() -> None:
    if jekyll_path() is None:
        if os.environ.get("CI"):
            pytest.fail("jekyll is not installed, and CI is set (.ci/run installs it with apt)")
        pytest.skip("jekyll is not installed (apt-get install jekyll)")


@dataclass
class Problems:
    """Every problem found, as rows of (stage, file, jekyll, app, detail)."""

    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def add(self, stage: str, name: str, jekyll: str, app: str, detail: str) -> None:
        self.rows.append((stage, name, jekyll, app, detail))

    def mismatch(self, stage: str, name: str, jekyll: str, app: str, detail: str = "") -> None:
        """The app's verdict on a file is not Jekyll's."""
        self.rows.append((stage, name, jekyll, app, f"{VERDICT_MISMATCH}{detail}"))

    def report(self) -> str:
        """Two tables: the verdicts that differ from Jekyll's, then every other problem."""
        verdicts = [row for row in self.rows if row[4].startswith(VERDICT_MISMATCH)]
        others: dict[tuple[str, str], list[str]] = {}
        for stage, name, _, _, detail in self.rows:
            if not detail.startswith(VERDICT_MISMATCH):
                others.setdefault((stage, name), []).append(detail)
        parts = [f"{len(self.rows)} problem(s)"]
        if verdicts:
            rows = [
                (
                    stage,
                    name,
                    jekyll,
                    app,
                    detail.removeprefix(VERDICT_MISMATCH).lstrip("; "),
                    NOTES.get(name, ""),
                )
                for stage, name, jekyll, app, detail in verdicts
            ]
            header = ("stage", "file", "jekyll", "app", "detail", "fixture")
            parts.append(f"app verdict != Jekyll verdict ({len(rows)}):\n" + table(rows, header))
        if others:
            rows2 = [(stage, name, "; ".join(details)) for (stage, name), details in others.items()]
            header2 = ("stage", "file", "problem")
            parts.append(f"other problems ({len(rows2)}):\n" + table(rows2, header2))
        return "\n\n".join(parts)

    def check(self) -> None:
        if self.rows:
            pytest.fail(self.report(), pytrace=False)


class Cli:
    """Runs ``python -m newsreader`` with private XDG_* folders."""

    def __init__(self, home: Path) -> None:
        self.env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        for name in ("CONFIG", "STATE", "CACHE", "DATA"):
            self.env[f"XDG_{name}_HOME"] = str(home / name.lower())

    def __call__(self, *args: object) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "newsreader", *map(str, args)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=CLI_TIMEOUT,
            env=self.env,
            check=False,
        )
        assert "Traceback" not in result.stderr, (args, result.stderr)
        return result


def _json_lines(result: subprocess.CompletedProcess[str], what: str) -> list[dict[str, Any]]:
    try:
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise AssertionError(f"{what}: not JSON Lines ({exc}):\n{result.stdout[:2000]}") from exc


def app_verdicts(
    cli: Cli, articles: Path, stage: str, problems: Problems
) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """The app's verdict on every file (``site`` in ``list``, else in ``check``'s ``bad``).

    Returns the verdicts and the ``list`` objects by id; contract breaches go to ``problems``.
    """
    listed = cli("list", articles, "--json")
    assert listed.returncode == 0, listed.stderr
    articles_by_id: dict[str, dict[str, Any]] = {}
    for line in _json_lines(listed, "list --json"):
        name = str(line.get("id"))
        if name in articles_by_id:
            problems.add(stage, name, "", "", "listed twice by list --json")
        articles_by_id[name] = line
    checked = cli("check", articles, "--json")
    try:
        report = json.loads(checked.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(
            f"check --json: not one JSON object:\n{checked.stdout[:2000]}"
        ) from exc
    bad = report.get("bad", [])
    expected_code = 1 if bad else 0
    if checked.returncode != expected_code:
        problems.add(stage, "*", "", "", f"check exit {checked.returncode} with {len(bad)} bad")
    if report.get("articles") != len(articles_by_id):
        problems.add(
            stage,
            "*",
            "",
            "",
            f"check articles={report.get('articles')}, list: {len(articles_by_id)}",
        )
    bad_by_id: dict[str, dict[str, Any]] = {}
    for entry in bad:
        name = str(entry.get("id"))
        if name in bad_by_id:
            problems.add(stage, name, "", "", "in check's bad twice")
        bad_by_id[name] = entry

    verdicts: dict[str, str] = {}
    for name in sorted(articles_by_id.keys() | bad_by_id.keys()):
        item, bad_item = articles_by_id.get(name), bad_by_id.get(name)
        if item is not None:
            site = item.get("site")
            missing = [key for key in ("id", "published", "flag", "site") if key not in item]
            if missing:
                problems.add(stage, name, "", str(site), f"list --json lacks {missing}")
            elif site not in ("published", "hidden"):
                problems.add(stage, name, "", str(site), f"list: site is {site!r}")
            elif item["published"] is not (site == "published"):
                problems.add(
                    stage, name, "", str(site), f"list: published={item['published']}, site={site}"
                )
        if bad_item is not None:
            bad_site = bad_item.get("site")
            if bad_site not in SITE_VERDICTS or "reason" not in bad_item:
                problems.add(
                    stage,
                    name,
                    "",
                    str(bad_site),
                    f"check: bad entry lacks a site/reason: {bad_item}",
                )
            if bad_item.get("indexed") is not (item is not None):
                problems.add(
                    stage,
                    name,
                    "",
                    str(bad_site),
                    f"check: indexed={bad_item.get('indexed')} but listed={item is not None}",
                )
            if item is not None and bad_site != item.get("site"):
                problems.add(
                    stage,
                    name,
                    "",
                    str(bad_site),
                    f"site {item.get('site')} in list, {bad_site} in check",
                )
        verdicts[name] = str((item if item is not None else bad_item or {}).get("site"))
    return verdicts, articles_by_id


def compare(
    stage: str,
    jekyll: Build,
    app: dict[str, str],
    listed: dict[str, dict[str, Any]],
    problems: Problems,
) -> None:
    """App verdict == Jekyll verdict for every file; the flag where Jekyll read a boolean."""
    for name in sorted(jekyll.entries.keys() | app.keys()):
        entry = jekyll.entries.get(name)
        want = entry.verdict if entry else "(no such file)"
        got = app.get(name, "(no verdict)")
        if got != want:
            detail = ""
            if entry is not None and entry.error:
                detail = f"; Jekyll read error: {entry.error.splitlines()[0][:50]}"
            problems.mismatch(stage, name, want, got, detail)
        item = listed.get(name)
        if (
            entry is not None
            and item is not None
            and entry.error is None
            and entry.verdict != "copied"
            and isinstance(entry.published, bool)
            and item.get("flag") is not entry.published
        ):
            problems.add(
                stage, name, want, got, f"flag {item.get('flag')!r}, Psych read {entry.published!r}"
            )


def triage(
    cli: Cli, verb: str, articles: Path, ids: list[str], stage: str, problems: Problems
) -> dict[str, dict[str, Any]]:
    """Run ``publish``/``unpublish`` on ``ids`` in one call; its lines by id."""
    result = cli(verb, articles, *ids, "--json")
    lines = _json_lines(result, f"{verb} --json")
    by_id: dict[str, dict[str, Any]] = {}
    for line in lines:
        name = str(line.get("id"))
        if name in by_id:
            problems.add(stage, name, "", "", f"{verb} reported it twice")
        if not ("error" in line or ("from" in line and "to" in line)):
            problems.add(stage, name, "", "", f"{verb}: neither a change nor a refusal: {line}")
        by_id[name] = line
    refused = any("error" in line for line in lines)
    if result.returncode != (1 if refused else 0):
        problems.add(stage, "*", "", "", f"{verb} exit {result.returncode}, refusals: {refused}")
    for name in sorted(by_id.keys() - set(ids)):
        problems.add(stage, name, "", "", f"{verb} reported a file it was not asked about")
    return by_id


def check_promise(
    verb: str,
    before: Build,
    after: Build,
    outcome: dict[str, dict[str, Any]],
    bytes_before: dict[str, bytes],
    articles: Path,
    problems: Problems,
) -> None:
    """Changed: Jekyll does what was asked. Refused: nothing changed. Left alone: already so."""
    target = "published" if verb == "publish" else "hidden"
    stage = f"after {verb}"
    for name in sorted(before.entries):
        was, now = before.entries[name].verdict, after.entries[name].verdict
        line = outcome.get(name)
        same_bytes = (articles / name).read_bytes() == bytes_before[name]
        if line is None:
            if now != target:
                problems.add(stage, name, now, "(left alone)", f"left alone, Jekyll: {was} → {now}")
            if not same_bytes:
                problems.add(
                    stage, name, now, "(left alone)", "not reported, but its bytes changed"
                )
        elif "error" in line:
            if now != was:
                problems.add(stage, name, now, "(refused)", f"refused, yet Jekyll: {was} → {now}")
            if not same_bytes:
                problems.add(stage, name, now, "(refused)", "refused, but its bytes changed")
        else:
            if now != target:
                problems.add(
                    stage,
                    name,
                    now,
                    f"{line.get('from')}→{line.get('to')}",
                    f"reported changed, yet Jekyll: {was} → {now}",
                )
            if same_bytes:
                problems.add(stage, name, now, "(changed)", "reported changed, bytes the same")


def run_flow(site: Path, xdg: Path, fixtures: list[tuple[str, bytes]], config: str) -> Problems:
    """Build, compare, publish all, rebuild, compare, unpublish all, rebuild, compare."""
    articles = make_site(site, config)
    write_files(articles, fixtures)
    ids = [name for name, _ in fixtures]
    cli = Cli(xdg)
    problems = Problems()

    jekyll = build(site)
    app, listed = app_verdicts(cli, articles, "first build", problems)
    compare("first build", jekyll, app, listed, problems)

    for verb in ("publish", "unpublish"):
        stage = f"after {verb}"
        bytes_before = {name: (articles / name).read_bytes() for name in ids}
        outcome = triage(cli, verb, articles, ids, verb, problems)
        rebuilt = build(site)
        check_promise(verb, jekyll, rebuilt, outcome, bytes_before, articles, problems)
        app, listed = app_verdicts(cli, articles, stage, problems)
        compare(stage, rebuilt, app, listed, problems)
        jekyll = rebuilt
    return problems


def test_app_agrees_with_jekyll(tmp_path: Path) -> None:
    fixtures = [(fixture.name, fixture.data) for fixture in FIXTURES]
    problems = run_flow(tmp_path / "site", tmp_path / "xdg", fixtures, "")
    problems.check()


def test_app_agrees_with_jekyll_future_true(tmp_path: Path) -> None:
    """With ``future: true`` the future-dated pages are published, and can be unpublished."""
    fixtures = [(fixture.name, fixture.data) for fixture in FIXTURES if fixture.name in FUTURE_IDS]
    problems = run_flow(tmp_path / "site", tmp_path / "xdg", fixtures, "future: true\n")
    problems.check()
