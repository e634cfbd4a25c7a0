"""Plain-text and JSON renderings of articles for the headless CLI.

Text for a terminal goes through :func:`newsreader.articles.text.inert`, so a hostile title cannot
drive the terminal; JSON carries the values as they are (json.dumps escapes control characters).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsreader.articles.index import ArticleIndex, Counts, Facets, date_text
from newsreader.articles.model import Article, ArticleDetail
from newsreader.articles.text import inert

if TYPE_CHECKING:
    from newsreader.writing.journal import Change
    from newsreader.writing.triage import Outcome


def status_glyph(article: Article) -> str:
    """● published, ○ unpublished."""
    return "●" if article.published else "○"


def article_json(index: ArticleIndex, article: Article) -> dict[str, Any]:
    """The JSON Lines record of one article for ``newsreader list --json``."""
    resolved = sum(1 for r in index.resolve(article) if r.target is not None)
    return {
        "id": article.id,
        "title": article.title,
        "published": article.published,
        "flag": article.flag if article.has_flag else None,
        "site": article.site,
        "date": date_text(article.date) or None,
        "date_raw": article.date_raw or None,
        "provider": article.provider,
        "domain": article.domain,
        "topics": list(article.topics),
        "type": article.type,
        "category": article.category,
        "quality": article.quality,
        "heat": article.heat,
        "url": article.url,
        "image_count": article.image_count,
        "related_count": len(article.related),
        "resolved_count": resolved,
        "warnings": list(article.warnings),
    }


def problem_json(index: ArticleIndex) -> list[dict[str, Any]]:
    """Every problem file, by id: files the app cannot index, and indexed articles whose front
    matter Jekyll cannot read, each with its reason and what the site does with it."""
    rows: list[dict[str, Any]] = [
        {"id": b.id, "reason": b.describe(), "site": b.site, "indexed": False} for b in index.bad
    ]
    rows += (
        {"id": a.id, "reason": misread_reason(a), "site": a.site, "indexed": True}
        for a in index.misread
    )
    return sorted(rows, key=lambda row: str(row["id"]))


def misread_reason(article: Article) -> str:
    """Why an indexed article is a problem file: Jekyll cannot read its front matter."""
    return f"Jekyll cannot read the front matter: {article.site_problem}"


def problem_lines(index: ArticleIndex) -> list[str]:
    """``check``'s lines for the problem files (inert text)."""
    words = {a.id: a.site_words for a in index.misread}
    words.update((b.id, b.site_words) for b in index.bad)
    return [
        f"bad   {inert(row['id'])}: {inert(row['reason'])} ({words[row['id']]})"
        for row in problem_json(index)
    ]


def detail_json(index: ArticleIndex, detail: ArticleDetail) -> dict[str, Any]:
    """The JSON object of one article in full for ``newsreader show --json``: the list record
    (counts included) plus the lists themselves (``related``, ``backlinks``)."""
    article = detail.article
    record = article_json(index, article)
    resolutions = index.resolve(article)
    record.update(
        excerpt=detail.excerpt,
        urls={
            "web": article.web_url,
            "original": article.original_url,
            "amp": article.amp_url,
            "cdn_amp": article.cdn_amp_url,
        },
        images=[{"url": i.url, "width": i.width, "height": i.height} for i in detail.images],
        featured_content=detail.featured_content,
        unknown=dict(detail.unknown),
        related=[
            {
                "title": r.link.title,
                "urls": list(r.link.urls),
                "provider": r.link.provider,
                "domain": r.link.domain,
                "date": date_text(r.link.date) or None,
                "quality": r.link.quality,
                "target": r.target.id if r.target else None,
            }
            for r in resolutions
        ],
        backlinks=[a.id for a in index.backlinks(article.id)],
        body=detail.body,
    )
    return record


def list_line(article: Article) -> str:
    """One line of ``newsreader list``."""
    # isoformat, not strftime: glibc's %Y does not pad years before 1000 to four digits.
    day = article.date.date().isoformat() if article.date else "----------"
    provider = inert(article.provider or article.domain)[:18]
    quality = "" if article.quality is None else str(article.quality)
    heat = "" if article.heat is None else str(article.heat)
    return (
        f"{status_glyph(article)} {day} {quality:>4} {heat:>4}  {provider:<18}  "
        f"{inert(article.title) or '(no title)'}  [{inert(article.id)}]"
    )


def detail_lines(index: ArticleIndex, detail: ArticleDetail) -> list[str]:
    """The human-readable form of ``newsreader show``."""
    a = detail.article
    lines = [
        inert(a.title) or "(no title)",
        f"  file       {inert(a.id)}",
        f"  status     {'published' if a.published else 'unpublished'}"
        + ("" if a.has_flag else " (no published key)"),
        f"  provider   {inert(a.provider)} ({inert(a.domain)})",
        f"  date       {_date_line(a)}",
        f"  type       {inert(a.type)}   category {inert(a.category)}",
        f"  quality    {_number(a.quality)}   heat {_number(a.heat)}",
        f"  topics     {', '.join(inert(t) for t in a.topics) or '-'}",
    ]
    for label, url in (
        ("web", a.web_url),
        ("original", a.original_url),
        ("amp", a.amp_url),
        ("cdn amp", a.cdn_amp_url),
    ):
        if url:
            lines.append(f"  {label:<10} {inert(url)}")
    for image in detail.images:
        lines.append(f"  image      {inert(image.url)} ({image.width}x{image.height})")
    if detail.featured_content:
        lines.append(f"  featured   {inert(detail.featured_content)}")
    for key, value in detail.unknown:
        lines.append(f"  {inert(key)}: {inert(value)}")
    for warning in a.warnings:
        lines.append(f"  warning    {inert(warning)}")
    lines += ["", inert(detail.excerpt, multiline=True)]
    resolutions = index.resolve(a)
    if resolutions:
        lines += ["", f"Related ({len(resolutions)})"]
        for r in resolutions:
            where = f"-> {inert(r.target.id)}" if r.target else "(external)"
            lines.append(f"  {inert(r.link.title)} — {inert(r.link.provider)} {where}")
    backlinks = index.backlinks(a.id)
    if backlinks:
        lines += ["", f"Backlinks ({len(backlinks)})"]
        lines += [f"  {inert(b.title)} [{inert(b.id)}]" for b in backlinks]
    if detail.body.strip():
        lines += ["", "Body", inert(detail.body, multiline=True)]
    return lines


def _number(value: int | None) -> str:
    return "-" if value is None else str(value)


def _date_line(article: Article) -> str:
    if article.date:
        return date_text(article.date)
    return f"{inert(article.date_raw)} (unparsed)" if article.date_raw else "(none)"


def stats_lines(counts: Counts, facets: Facets, top: int = 10) -> list[str]:
    """The human-readable form of ``newsreader stats``."""
    lines = [
        f"articles     {counts.total}",
        f"published    {counts.published}",
        f"unpublished  {counts.unpublished}",
        f"bad files    {counts.bad}",
    ]
    for title, counter in (
        ("providers", facets.providers),
        ("topics", facets.topics),
        ("types", facets.types),
    ):
        lines += ["", f"{title} ({len(counter)})"]
        lines += [f"  {n:>6}  {inert(name)}" for name, n in counter.most_common(top)]
    return lines


def outcome_lines(verb: str, outcome: Outcome, dry_run: bool = False) -> list[str]:
    """What a publish, unpublish, undo or redo did, one line per file."""
    forward = verb != "undo"
    prefix = "would " if dry_run else ""
    lines = []
    for change in outcome.changed:
        old, new = _flag_texts(change)
        old, new = (old, new) if forward else (new, old)
        lines.append(f"{prefix}{verb} {inert(change.id)}: {old} -> {new}")
    for failure in outcome.failed:
        lines.append(f"failed {inert(failure.id)}: {inert(failure.message)}")
    for skip in outcome.skipped:
        lines.append(f"skipped {inert(skip.id)}: {inert(skip.message)}")
    n = len(outcome.changed)
    skipped = f", {len(outcome.skipped)} skipped" if outcome.skipped else ""
    lines.append(
        f"{prefix}{verb}: {n} changed, {len(outcome.unchanged)} unchanged, "
        f"{len(outcome.failed)} failed{skipped}"
    )
    return lines


def _flag_texts(change: Change) -> tuple[str, str]:
    """The flag's exact text before and after, when known (else what it meant)."""
    if change.tokens is None:
        return _flag(change.old), _flag(change.new)
    return _token(change.tokens[0]), _token(change.tokens[1])


def _token(token: str | None) -> str:
    return "(no key)" if token is None else inert(token) or "(empty)"


def _flag(value: bool | None) -> str:
    return "(no key)" if value is None else str(value).lower()
