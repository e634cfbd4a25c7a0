"""Compact, marshal-friendly records of indexed files, for the cache and for worker processes.

A record is a tuple of plain values (str, int, bool, None, bytes, tuples), so ``marshal`` can
write and read 100,000 of them in a fraction of a second, and a worker process can send them back
cheaply. :func:`from_record` validates as it converts: a record of the wrong shape raises
:class:`RecordError`, so a corrupt or foreign cache is never trusted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newsreader.articles.model import (
    _TOPIC_TUPLES,
    Article,
    BadFile,
    FileStamp,
    RelatedLink,
    search_text,
)

ARTICLE, BAD = 0, 1
_ARTICLE_LEN = 25
Record = tuple[Any, ...]


class RecordError(ValueError):
    """A record does not have the expected shape."""


def _date_out(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def _date_in(text: object) -> datetime | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise RecordError("date is not text")
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise RecordError("date has no time zone")
    return when


def to_record(item: Article | BadFile, stamp: FileStamp | None = None) -> Record:
    """The record of an article or a bad file (a bad file needs the stamp it was read with)."""
    if isinstance(item, BadFile):
        st = stamp or FileStamp(-1, -1, b"")
        return (
            BAD,
            item.id,
            st.size,
            st.mtime_ns,
            st.digest,
            item.reason,
            item.line,
            item.document,
            item.renders,
            item.site_time,
            item.site_problem,
        )
    a = item
    return (
        ARTICLE,
        a.id,
        a.stamp.size,
        a.stamp.mtime_ns,
        a.stamp.digest,
        a.title,
        a.search,
        _date_out(a.date),
        a.date_raw,
        a.provider,
        a.domain,
        a.topics,
        a.type,
        a.category,
        a.quality,
        a.heat,
        a.flag,
        a.has_flag,
        (a.web_url, a.original_url, a.amp_url, a.cdn_amp_url),
        a.image_count,
        tuple(
            (r.title, r.urls, r.provider, r.domain, _date_out(r.date), r.quality) for r in a.related
        ),
        a.warnings,
        a.renders,
        a.site_time,
        a.site_problem,
    )


def article_record(article_id: str, stamp: FileStamp, summary: tuple[Any, ...]) -> Record:
    """``to_record(Article(article_id, stamp, *summary))`` without building the article (a
    worker's per-file work in a cold index), ``summary`` as
    :func:`~newsreader.reading.parsing.parse_summary` gives it. What the article would share
    (its original URL with its web URL, equal topic tuples) is shared here too, so the
    records pack to the same bytes."""
    # fmt: off
    (title, excerpt, date, date_raw, provider, domain, topics, kind, category, quality, heat,
     flag, has_flag, renders, site_time, site_problem, web, original, amp, cdn, image_count,
     related, warnings) = summary
    # fmt: on
    return (
        ARTICLE,
        article_id,
        stamp.size,
        stamp.mtime_ns,
        stamp.digest,
        title,
        search_text(title, excerpt, provider, domain),
        _date_out(date),
        date_raw,
        provider,
        domain,
        _TOPIC_TUPLES.setdefault(topics, topics),
        kind,
        category,
        quality,
        heat,
        flag,
        has_flag,
        (web, web if original == web else original, amp, cdn),
        image_count,
        tuple(
            (r.title, r.urls, r.provider, r.domain, _date_out(r.date), r.quality) for r in related
        ),
        warnings,
        renders,
        site_time,
        site_problem,
    )


def record_key(record: Record) -> tuple[str, int, int]:
    """(id, size, mtime_ns) of a record, to compare with what is on disk."""
    if not isinstance(record, tuple) or len(record) < 4:
        raise RecordError("not a record")
    article_id, size, mtime_ns = record[1], record[2], record[3]
    if not (isinstance(article_id, str) and isinstance(size, int) and isinstance(mtime_ns, int)):
        raise RecordError("bad record key")
    return article_id, size, mtime_ns


def from_record(record: Record) -> Article | BadFile:
    """Rebuild an article or bad file from its record; raise RecordError if malformed."""
    try:
        return _from_record(record)
    except (TypeError, ValueError, IndexError) as exc:
        raise RecordError(f"malformed record: {exc}") from None


_NONE = type(None)
#: The type of every field of an article record, checked in one pass (100,000 records a start).
_ARTICLE_TYPES: tuple[type | tuple[type, ...], ...] = (
    int, str, int, int, bytes,  # kind, id, size, mtime_ns, digest
    str, str, (str, _NONE), str,  # title, search, date, date_raw
    str, str, tuple, str, str,  # provider, domain, topics, type, category
    (int, _NONE), (int, _NONE), (bool, _NONE), bool,  # quality, heat, flag, has_flag
    tuple, int, tuple, tuple,  # urls, image_count, related, warnings
    bool, (float, _NONE), str,  # renders, site_time, site_problem
)  # fmt: skip
_BAD_TYPES: tuple[type | tuple[type, ...], ...] = (
    int, str, int, int, bytes,  # kind, id, size, mtime_ns, digest
    str, (int, _NONE), bool, bool,  # reason, line, document, renders
    (float, _NONE), str,  # site_time, site_problem
)  # fmt: skip


def _from_record(r: Record) -> Article | BadFile:
    if r[0] == BAD:
        if len(r) != len(_BAD_TYPES) or not all(map(isinstance, r, _BAD_TYPES)):
            raise RecordError("bad-file record fields")
        return BadFile(r[1], r[5], r[6], r[7], r[8], r[9], r[10])
    if r[0] != ARTICLE or len(r) != _ARTICLE_LEN or not all(map(isinstance, r, _ARTICLE_TYPES)):
        raise RecordError("unknown record kind or field types")
    # An article is filled slot by slot rather than through its dataclass __init__: 100,000 of
    # them make a warm start, and keyword construction (with __post_init__) cost ~2 µs more
    # each. What __post_init__ does is done here too (see Article.__post_init__).
    a = _new(Article)
    # fmt: off
    (_, a.id, size, mtime_ns, digest, a.title, search, date, a.date_raw, a.provider, a.domain,
     topics, a.type, a.category, a.quality, a.heat, a.flag, a.has_flag, urls, a.image_count,
     related, warnings, a.renders, a.site_time, a.site_problem) = r
    # fmt: on
    if type(a.quality) is bool or type(a.heat) is bool or type(a.image_count) is bool:
        raise RecordError("a number is a boolean")
    web, original, a.amp_url, a.cdn_amp_url = _strings(urls)
    a.web_url = web
    a.original_url = web if original == web else original
    a.stamp = FileStamp(size, mtime_ns, digest)
    a.date = _date_in(date)
    topics = _strings(topics)
    a.topics = _TOPIC_TUPLES.setdefault(topics, topics)
    a.related = tuple(map(_link, related)) if related else ()
    a.warnings = _strings(warnings)
    a.search = search or search_text(a.title, "", a.provider, a.domain)
    return a


_new = object.__new__


def _link(x: Any) -> RelatedLink:
    title, urls, provider, domain, when, quality = x
    if not (isinstance(title, str) and isinstance(provider, str) and isinstance(domain, str)):
        raise RecordError("related fields")
    return RelatedLink(title, _strings(urls), provider, domain, _date_in(when), _opt_int(quality))


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, tuple):
        raise RecordError("expected a tuple of strings")
    if value:
        # join refuses anything but strings, in C: ~3x faster than an isinstance per item, and
        # 300,000 of these tuples (URLs, topics, warnings) are checked at every 100k start.
        try:
            "".join(value)
        except TypeError:
            raise RecordError("expected a tuple of strings") from None
    return value


def _opt_int(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise RecordError("expected an integer")


def from_fresh_record(r: Record) -> Article | BadFile:
    """:func:`from_record` of a record :func:`to_record` just made (in this process or in one of
    its workers), not read from a cache: the same item, without the checks a cache record
    needs (~1 of 2.5 µs a record; a cold index unpacks 100,000 of them in the process its
    workers share the CPU with)."""
    if r[0] == BAD:
        return BadFile(r[1], r[5], r[6], r[7], r[8], r[9], r[10])
    a = _new(Article)
    # fmt: off
    (_, a.id, size, mtime_ns, digest, a.title, search, date, a.date_raw, a.provider, a.domain,
     topics, a.type, a.category, a.quality, a.heat, a.flag, a.has_flag, urls, a.image_count,
     related, a.warnings, a.renders, a.site_time, a.site_problem) = r
    # fmt: on
    web, original, a.amp_url, a.cdn_amp_url = urls
    a.web_url = web
    a.original_url = web if original == web else original
    a.stamp = FileStamp(size, mtime_ns, digest)
    a.date = _date_in(date)
    a.topics = _TOPIC_TUPLES.setdefault(topics, topics)
    a.related = (
        tuple(
            RelatedLink(title, urls, provider, domain, _date_in(when), quality)
            for title, urls, provider, domain, when, quality in related
        )
        if related
        else ()
    )
    a.search = search or search_text(a.title, "", a.provider, a.domain)
    return a
