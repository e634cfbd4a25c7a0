"""Parse one article file: bytes in, an Article (or its full detail) or a BadFile out.

Every file is untrusted. Decoding, front-matter splitting and YAML loading problems make the file
*bad* with a one-line reason; wrong types inside an otherwise good file only degrade that field
and add a warning. Nothing here raises for any input.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from newsreader.articles.model import (
    Article,
    ArticleDetail,
    BadFile,
    FileStamp,
    Image,
    RelatedEntry,
    RelatedLink,
)
from newsreader.articles.text import inert
from newsreader.reading.scanner import MAX_NUMBER_LENGTH, scan_front_matter
from newsreader.site import jekyll

MAX_FILE_SIZE = 1 << 20
#: More alias references than this in one file is treated as an alias bomb.
MAX_ALIASES = 64
#: More values than this once every alias is expanded is an alias bomb too: a handful of aliases
#: nested in each other already name billions of values, which a naive walk would never finish.
#: Every value takes at least one character of the file, so no alias-free file gets near it.
MAX_EXPANDED_NODES = MAX_FILE_SIZE
#: Integers beyond 64 bits are refused as field values (str() of a huge one even raises).
MAX_INT = 1 << 63
#: Longer YAML numbers are refused before they are built (see ``_check_scalar``).
_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
BOM = "\ufeff"

#: The keys the format names, in the order real files give them.
KEY_ORDER = (
    "category",
    "title",
    "excerpt",
    "publishedDateTime",
    "originalUrl",
    "webUrl",
    "ampWebUrl",
    "cdnAmpWebUrl",
    "type",
    "quality",
    "heat",
    "published",
    "featuredContent",
    "provider",
    "topics",
    "images",
    "related",
    "secured",
)
KNOWN_KEYS = frozenset(KEY_ORDER)

_OPEN = re.compile(r"---[ \t]*\r?\n")
# The closing line, found with the newline before it: much faster than a multiline ``^``.
_CLOSE = re.compile(r"\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)")


class ParseError(Exception):
    """A reason the file is bad (caught inside this module and turned into a BadFile)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        # Reasons are shown on one line: loader messages may carry newlines and long quotes.
        reason = " ".join(reason.split())
        reason = reason if len(reason) <= 200 else reason[:199] + "…"
        super().__init__(reason)
        self.reason = reason
        self.line = line


class _AliasCountingLoader(yaml.CSafeLoader):
    """The safe C loader, refusing files that lean on YAML aliases (alias bombs)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A node constructed before is being reached again through an alias.
        if node in self.constructed_objects:
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                raise ParseError(f"too many YAML aliases (over {MAX_ALIASES}): alias bomb?")
        return super().construct_object(node, deep)


def _timestamp_or_text(loader: _AliasCountingLoader, node: yaml.ScalarNode) -> Any:
    """A YAML timestamp, or its text when it names no real date (2021-02-30, 2021-13-45).

    Jekyll's YAML (Ruby's Psych) keeps such a value as a string, so the file is a good article
    whose date merely does not parse: ``to_datetime`` turns that into a warning.
    """
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_AliasCountingLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def decode(data: bytes) -> str:
    """Decode file bytes as UTF-8 text (a BOM is dropped), or raise ParseError."""
    if not data:
        raise ParseError("empty file")
    if len(data) > MAX_FILE_SIZE:
        raise ParseError(f"too large ({len(data):,} bytes; limit {MAX_FILE_SIZE:,})")
    if b"\x00" in data:
        raise ParseError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    return text[1:] if text.startswith(BOM) else text


def split_front_matter(text: str) -> tuple[str, str]:
    """Split text into (front-matter YAML, body), or raise ParseError."""
    opening = _OPEN.match(text)
    if not opening:
        raise ParseError("no front matter (the file must start with a '---' line)", 1)
    start = opening.end()
    closing = _CLOSE.search(text, start - 1)  # text[start - 1] is the opening line's newline
    if not closing:
        raise ParseError("front matter is never closed (no second '---' line)")
    return text[start : closing.start() + 1], text[closing.end() :]


def load_yaml(source: str) -> Any:
    """Load YAML with the safe C loader, mapping loader errors to ParseError."""
    loader = _AliasCountingLoader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node)
        return loader.construct_document(node)
    except yaml.reader.ReaderError as exc:
        # Not a MarkedYAMLError: it knows the offset of the bad character, not its line.
        char = ord(exc.character) if isinstance(exc.character, str) else exc.character
        reason = f"invalid YAML: character #x{char:04x}: {exc.reason}"
        raise ParseError(reason, source.count("\n", 0, max(exc.position, 0)) + 2) from None
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else None
        problem = exc.problem or "cannot construct value"
        if "tag" in problem:
            problem = "YAML tag not allowed: " + problem.split("tag", 1)[1].strip(" '")
        else:  # such as an unhashable (list or mapping) key
            problem = f"invalid YAML: {problem}" + (f" ({exc.context})" if exc.context else "")
        raise ParseError(problem, line) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else None
        context = f" ({exc.context})" if exc.context else ""
        raise ParseError(f"invalid YAML: {exc.problem}{context}", line) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise ParseError("invalid YAML: nested too deeply") from None
    except (ValueError, OverflowError, TypeError) as exc:
        # SafeConstructor builds numbers without catching: a 5,000-digit integer raises from
        # int() (impossible dates are kept as text by _timestamp_or_text).
        raise ParseError(f"invalid YAML value: {exc}") from None
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node) -> None:
    """Refuse, before building anything, a document that would cost far more than its size."""
    if _expanded_size(root) > MAX_EXPANDED_NODES:
        raise ParseError(f"YAML aliases expand to over {MAX_EXPANDED_NODES:,} values: alias bomb?")


def _check_scalar(node: yaml.Node) -> None:
    # PyYAML builds a sexagesimal integer (1:20:30) in quadratic time: one of 300,000 parts
    # takes about a minute. No real number is this long, so refuse it unbuilt.
    if (
        isinstance(node, yaml.ScalarNode)
        and node.tag in _NUMBER_TAGS
        and len(node.value) > MAX_NUMBER_LENGTH
    ):
        line = node.start_mark.line + 2 if node.start_mark else None
        raise ParseError(f"number too long ({len(node.value):,} characters)", line)


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the document would have with every alias expanded (capped, iterative).

    Aliased nodes are shared objects in the composed graph, so sizes are memoised per node; a
    node reached again while it is still being sized (a self-reference) counts as one.
    """
    cap = MAX_EXPANDED_NODES + 1
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        children = _children(node)
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = min(cap, 1 + sum(sizes.get(id(c), 1) for c in children))
        elif id(node) not in sizes and id(node) not in open_nodes:
            _check_scalar(node)
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in children)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load_mapping(data: bytes) -> tuple[dict[str, Any], str]:
    """Decode, split and load a file's front matter; return (mapping, body) or raise ParseError."""
    mapping, body, _scanned = _load(data)
    return mapping, body


def _load(data: bytes) -> tuple[dict[str, Any], str, bool]:
    """(mapping, body, True when the fast scanner read it and Jekyll splits it as we do)."""
    text = decode(data)
    source, body = split_front_matter(text)
    # The fast scanner answers for the usual shapes, exactly as the YAML load would; anything
    # it is not sure of (and every error) goes to the full safe C loader.
    value = scan_front_matter(source)
    scanned = value is not None and _split_as_jekyll(source)
    if value is None:
        value = load_yaml(source)
    if value is None:
        raise ParseError("front matter is empty")
    if not isinstance(value, dict):
        raise ParseError(f"front matter is not a mapping (it is a {_type_name(value)})")
    return value, body, scanned


#: A line inside the front matter that starts like a closing line (one regex pass is about
#: twice as fast as two substring searches, which the list items' "\n  - " slow down).
_INNER_MARKER = re.compile(r"\n(?:---|\.\.\.)")


def _split_as_jekyll(source: str) -> bool:
    """True when Jekyll's front-matter pattern ends where ours did.

    Ours closes at the first ``---``/``...`` line followed by spaces or tabs; Jekyll's at the
    first one followed by any ASCII white space (a form feed, a lone carriage return...). With
    no line inside the front matter starting with either, both stop at the same line.
    """
    return not (source.startswith(("---", "...")) or _INNER_MARKER.search(source))


def parse_article(article_id: str, data: bytes, stamp: FileStamp) -> Article | BadFile:
    """Parse a file's bytes into the index's summary record, or a BadFile."""
    read = _read(article_id, data)
    if isinstance(read, BadFile):
        return read
    mapping, _body, reading = read
    return summarize(article_id, mapping, stamp, reading)


def parse_summary(article_id: str, data: bytes) -> Summary | BadFile:
    """:func:`parse_article` without building the article: its fields (see :func:`_summary`),
    for a record made at once (:func:`~newsreader.reading.records.article_record`)."""
    read = _read(article_id, data)
    if isinstance(read, BadFile):
        return read
    mapping, _body, reading = read
    return _summary(article_id, mapping, reading)


def _read(article_id: str, data: bytes) -> tuple[dict[str, Any], str, jekyll.Reading] | BadFile:
    """(mapping, body, Jekyll's reading) of a file we can index, else the BadFile."""
    if not jekyll.has_yaml_header(data):
        return _copied(article_id, data)
    try:
        mapping, body, scanned = _load(data)
    except ParseError as exc:
        return _refused(article_id, data, exc)
    return mapping, body, _reading(article_id, data, mapping, scanned)


def parse_detail(article_id: str, data: bytes, stamp: FileStamp) -> ArticleDetail | BadFile:
    """Parse a file's bytes in full, for the detail pane and ``show``."""
    read = _read(article_id, data)
    if isinstance(read, BadFile):
        return read
    mapping, body, reading = read
    article = summarize(article_id, mapping, stamp, reading)
    provider = mapping.get("provider")
    return ArticleDetail(
        article=article,
        excerpt=_str_or_empty(mapping.get("excerpt")),
        images=_images(mapping.get("images")),
        featured_content=_str_or_empty(mapping.get("featuredContent")),
        related=_related_entries(mapping.get("related")),
        unknown=tuple(
            (render_value(key, 200), render_value(value))
            for key, value in mapping.items()
            if key not in KNOWN_KEYS
        ),
        provider_images=_images(provider.get("images")) if isinstance(provider, dict) else (),
        secured=_str_or_empty(mapping.get("secured")),
        body=body,
        raw=mapping,
    )


# --- what Jekyll reads ----------------------------------------------------------------------

_MISSING = object()
_FLAG_WORDS: dict[str, bool | None] = {"true": True, "false": False}


def _reading(
    article_id: str, data: bytes, mapping: Mapping[Any, Any], scanned: bool
) -> jekyll.Reading:
    """Jekyll's reading of a file we loaded: from our mapping where it is sure to agree.

    Front matter the fast scanner read holds only shapes Psych reads as PyYAML does (no tags,
    anchors, merge keys, flow collections or ``:``-led scalars), and every PyYAML boolean is a
    Psych boolean of the same value. A ``published`` of another type and a ``date`` key need
    Psych's own rules (``fAlse``, ``~``, ``1,0``...): those files, and all the scanner left to
    the loader, are read again the way Jekyll reads them.
    """
    reading = _plain_reading(article_id, mapping) if scanned else None
    return reading or jekyll.read_as_jekyll(article_id, data)


def _plain_reading(article_id: str, mapping: Mapping[Any, Any]) -> jekyll.Reading | None:
    """Jekyll's reading from the mapping alone: a boolean or missing flag, no ``date`` key."""
    value = mapping.get("published", _MISSING)
    if "date" in mapping or not (value is _MISSING or isinstance(value, bool)):
        return None
    if jekyll.entry_filter_skips(article_id):
        return None
    try:
        when = jekyll.filename_time(article_id)
    except ValueError:  # a file name with an impossible date stops Jekyll's build
        return None
    return jekyll.Reading(
        document=True,
        renders=value is not False,
        time=when,
        problem="",
        flag="missing" if value is _MISSING else "true" if value else "false",
    )


def _psych_free_reading(article_id: str, mapping: Mapping[Any, Any]) -> jekyll.Reading:
    """Jekyll's reading taking the mapping's values as Psych's (tests that build mappings)."""
    present = "published" in mapping
    value = mapping.get("published")
    try:
        when = jekyll.front_matter_time(mapping["date"]) if "date" in mapping else None
        when = jekyll.filename_time(article_id) if when is None else when
    except ValueError:
        when = None
    return jekyll.Reading(
        document=True,
        renders=jekyll.renders(value, present),
        time=when,
        problem="",
        flag=_flag_word(value) if present else "missing",
    )


def _flag_word(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else short_repr(value)


def _copied(article_id: str, data: bytes) -> BadFile:
    """A file Jekyll does not see as a document: the site copies it as it is."""
    if not data:
        return BadFile(article_id, "empty file", document=False)
    return BadFile(article_id, f"no front matter: {_why_no_header(data)}", 1, document=False)


def _why_no_header(data: bytes) -> str:
    if b"\x00" in data:
        return "binary file (contains NUL bytes)"
    if data.startswith(b"\xef\xbb\xbf"):
        return "the file starts with a byte-order mark"
    first = data.split(b"\n", 1)[0]
    if first.startswith(b"---") and b"\r" in first.rstrip(b"\r"):
        return "its lines end with a carriage return alone"
    if not first.strip():
        return "its first line is blank"
    if first.startswith(b"%"):
        return "a YAML directive comes before the '---' line"
    return "the file does not start with a '---' line"


def _refused(article_id: str, data: bytes, exc: ParseError) -> BadFile:
    """A file we cannot index, with what the site still does with it."""
    reading = jekyll.read_as_jekyll(article_id, data)
    return BadFile(
        article_id,
        exc.reason,
        exc.line,
        document=reading.document,
        renders=_builds(reading),
        site_time=_seconds(reading.time),
        site_problem=_site_problem(reading),
    )


def _builds(reading: jekyll.Reading) -> bool:
    """Whether the site builds the page if its date allows: a file Jekyll skips, or one that
    stops the whole build, is never built."""
    return reading.renders and not (reading.fatal or reading.skipped)


def _site_problem(reading: jekyll.Reading) -> str:
    """Why Jekyll cannot build the file as its front matter says ("" when it can).

    A fatal reading stops the whole build, and Jekyll never reads a file its entry filter
    skips: either way the article counts as hidden.
    """
    if reading.skipped:
        return f"not in the site: {reading.skipped}"
    if reading.fatal:
        return f"the site's build stops on this file: {reading.fatal}"
    return reading.problem


def _seconds(when: float | None) -> float | None:
    return None if when is None else float(when)


def _flag_of(reading: jekyll.Reading) -> tuple[bool | None, bool]:
    """(boolean flag or None, whether the key is there) as Jekyll reads ``published``."""
    return _FLAG_WORDS.get(reading.flag), reading.flag != "missing"


# --- summary -------------------------------------------------------------------------------


class _Fields:
    """Reads typed fields from a mapping, collecting a warning for each wrong type."""

    def __init__(self, mapping: Mapping[Any, Any]) -> None:
        self.mapping = mapping
        self.warnings: list[str] = []

    def text(self, key: str, *, intern: bool = False) -> str:
        value = self.mapping.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.warnings.append(f"{key} is not text: {short_repr(value)}")
            return ""
        return sys.intern(value) if intern else value

    def integer(self, key: str) -> int | None:
        value = self.mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.warnings.append(f"{key} is not an integer: {short_repr(value)}")
            return None
        if _int_or_none(value) is None:
            self.warnings.append(f"{key} is out of range: {short_repr(value)}")
        return _int_or_none(value)


def summarize(
    article_id: str,
    mapping: Mapping[Any, Any],
    stamp: FileStamp,
    reading: jekyll.Reading | None = None,
) -> Article:
    """Build the summary record from a loaded front-matter mapping and Jekyll's reading of it.

    Without ``reading``, the mapping is taken to be what Jekyll reads too (scanner shapes).
    """
    if reading is None:
        reading = _plain_reading(article_id, mapping) or _psych_free_reading(article_id, mapping)
    return Article(article_id, stamp, *_summary(article_id, mapping, reading))


#: What :func:`_summary` gives: Article's fields after ``id`` and ``stamp``, in their order,
#: ``excerpt`` included and ``search`` not (Article computes it).
Summary = tuple[
    str, str, datetime | None, str, str, str, tuple[str, ...], str, str, int | None, int | None,
    bool | None, bool, bool, float | None, str, str, str, str, str, int,
    tuple[RelatedLink, ...], tuple[str, ...],
]  # fmt: skip


def _summary(article_id: str, mapping: Mapping[Any, Any], reading: jekyll.Reading) -> Summary:
    """The fields of the article, as positional arguments of :class:`Article` after the stamp.

    Each is worked out in the order that sets the order of the warnings.
    """
    fields = _Fields(mapping)
    when, raw, warning = to_datetime(mapping.get("publishedDateTime"))
    if warning:
        fields.warnings.append(f"publishedDateTime {warning}")
    provider, domain = _provider(mapping.get("provider"), fields.warnings)
    flag, has_flag = _flag(mapping, reading, fields.warnings)
    images = mapping.get("images")
    if images is not None and not isinstance(images, list):
        fields.warnings.append(f"images is not a list: {short_repr(images)}")
    elif images:
        # One warning for all of them: a list can hold 90,000 entries.
        no_url = sum(1 for item in images if not _has_url(item))
        if no_url:
            fields.warnings.append(f"images: {no_url} of {len(images)} entries have no url")
    if "related" in mapping and mapping["related"] is None:
        # An empty `related:` key is how a generator that lost its list writes it: say so.
        fields.warnings.append("related is null, not a list")
    title = fields.text("title")
    excerpt = fields.text("excerpt")
    topics = _topics(mapping.get("topics"), fields.warnings)
    kind = fields.text("type", intern=True)
    category = fields.text("category", intern=True)
    quality = fields.integer("quality")
    heat = fields.integer("heat")
    web_url = fields.text("webUrl")
    original_url = fields.text("originalUrl")
    amp_url = fields.text("ampWebUrl")
    cdn_amp_url = fields.text("cdnAmpWebUrl")
    image_count = len(images) if isinstance(images, list) else 0
    related = _related_links(mapping.get("related"), fields.warnings)
    return (
        title,
        excerpt,
        when,
        raw,
        provider,
        domain,
        topics,
        kind,
        category,
        quality,
        heat,
        flag,
        has_flag,
        _builds(reading),
        _seconds(reading.time),
        _site_problem(reading),
        web_url,
        original_url,
        amp_url,
        cdn_amp_url,
        image_count,
        related,
        tuple(fields.warnings),
    )


def _has_url(item: Any) -> bool:
    """Whether an ``images`` entry names an image: a mapping with a non-blank ``url`` string."""
    if not isinstance(item, dict):
        return False
    url = item.get("url")
    return isinstance(url, str) and bool(url.strip())


def _flag(
    mapping: Mapping[Any, Any], reading: jekyll.Reading, warnings: list[str]
) -> tuple[bool | None, bool]:
    """The file's own flag, by Jekyll's reading (by ours when Jekyll cannot read the file)."""
    if reading.problem:
        value = mapping.get("published", _MISSING)
        if value is _MISSING:
            return None, False
        return (value if isinstance(value, bool) else None), True
    flag, has_flag = _flag_of(reading)
    if has_flag and flag is None:
        value = short_repr(mapping.get("published"))
        if reading.renders:
            warnings.append(f"published is not a boolean: {value} (the site publishes the page)")
        else:
            warnings.append(f"published is {reading.flag}, not a boolean (the site hides the page)")
    return flag, has_flag


def _provider(value: Any, warnings: list[str]) -> tuple[str, str]:
    if value is None:
        return "", ""
    if not isinstance(value, dict):
        warnings.append(f"provider is not a mapping: {short_repr(value)}")
        return "", ""
    name, domain = value.get("name"), value.get("domain")
    name = name if isinstance(name, str) else ""
    domain = domain if isinstance(domain, str) else ""
    return sys.intern(name), sys.intern(domain)


def _topics(value: Any, warnings: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        warnings.append(f"topics is not a list: {short_repr(value)}")
        return ()
    topics = tuple(sys.intern(t) for t in value if isinstance(t, str))
    if len(topics) != len(value):
        warnings.append("topics has entries that are not text")
    return topics


def _related_links(value: Any, warnings: list[str]) -> tuple[RelatedLink, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        warnings.append(f"related is not a list: {short_repr(value)}")
        return ()
    links = tuple(_related_link(entry) for entry in value if isinstance(entry, dict))
    if len(links) != len(value):
        warnings.append("related has entries that are not mappings")
    return links


def _related_link(entry: Mapping[Any, Any]) -> RelatedLink:
    provider = entry.get("provider")
    name, domain = _provider(provider, []) if isinstance(provider, dict) else ("", "")
    quality = entry.get("quality")
    title = entry.get("title")
    return RelatedLink(
        title=title if isinstance(title, str) else "",
        urls=tuple(
            url
            for key in ("webUrl", "ampWebUrl", "cdnAmpWebUrl")
            if isinstance(url := entry.get(key), str) and url
        ),
        provider=name,
        domain=domain,
        date=to_datetime(entry.get("publishedDateTime"))[0],
        quality=_int_or_none(quality),
    )


def to_datetime(value: Any) -> tuple[datetime | None, str, str | None]:
    """Convert a YAML date value to (aware datetime or None, raw text, warning or None).

    A date whose instant lies outside what ``datetime`` can hold in UTC (9999-12-31T23:59:59
    at -23:59, year 1 at a positive offset) is kept as raw text with a warning: comparing,
    sorting or showing it in UTC would raise OverflowError.
    """
    if value is None:
        return None, "", None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC), "", None
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError:
            return None, value, f"is not a date: {short_repr(value)}"
    else:
        return None, short_repr(value), f"is not a date: {short_repr(value)}"
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    try:
        when.astimezone(UTC)
    except (OverflowError, ValueError):
        raw = value if isinstance(value, str) else when.isoformat()
        return None, raw, f"is out of range: {short_repr(raw)}"
    return when, "", None


# --- detail --------------------------------------------------------------------------------


def _images(value: Any) -> tuple[Image, ...]:
    if not isinstance(value, list):
        return ()
    images = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        width, height, title = item.get("width"), item.get("height"), item.get("title")
        images.append(
            Image(
                url=item["url"],
                width=_int_or_none(width),
                height=_int_or_none(height),
                title=title if isinstance(title, str) else "",
            )
        )
    return tuple(images)


def _related_entries(value: Any) -> tuple[RelatedEntry, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        RelatedEntry(
            link=_related_link(entry),
            excerpt=_str_or_empty(entry.get("excerpt")),
            type=_str_or_empty(entry.get("type")),
            images=_images(entry.get("images")),
            fields=tuple((render_value(k, 200), render_value(v)) for k, v in entry.items()),
        )
        for entry in value
        if isinstance(entry, dict)
    )


def _str_or_empty(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int_or_none(value: Any) -> int | None:
    """An integer field's value: None for non-integers, booleans and anything beyond 64 bits."""
    if isinstance(value, int) and not isinstance(value, bool) and -MAX_INT <= value < MAX_INT:
        return value
    return None


def _type_name(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def short_repr(value: Any, limit: int = 40) -> str:
    """A short one-line rendering of a value, for warnings (line breaks become spaces).

    Text is quoted, so that a warning about ``published: "false"`` does not read like a boolean.
    """
    if isinstance(value, str):
        return inert(f'"{render_value(value, budget=max(limit - 2, 1))}"')
    return inert(render_value(value, budget=limit))


def render_value(value: Any, budget: int = 4000) -> str:
    """Render a YAML value as compact plain text of at most ``budget`` characters.

    Bounded in size and depth, so shared (aliased) or self-referencing structures cannot blow up;
    text that had to be cut ends with "…".
    """
    out = _Budget(budget)
    _render(value, out, depth=0)
    text = "".join(out.parts)
    return text[: budget - 1] + "…" if out.room < 0 else text


class _Budget:
    """The pieces rendered so far and the room left; ``room < 0`` means something was cut."""

    def __init__(self, room: int) -> None:
        self.parts: list[str] = []
        self.room = room

    def add(self, piece: str) -> None:
        if len(piece) > self.room:
            self.parts.append(piece[: max(self.room, 0)])
            self.room = -1
        else:
            self.parts.append(piece)
            self.room -= len(piece)


def _render(value: Any, out: _Budget, depth: int) -> None:
    if depth > 8:
        out.add("…")
    elif isinstance(value, dict):
        out.add("{")
        for i, (key, item) in enumerate(value.items()):
            out.add(f"{', ' if i else ''}{scalar_text(key)}: ")
            _render(item, out, depth + 1)
            if out.room < 0:
                return  # stop walking: a huge (or shared) structure must not cost its size
        out.add("}")
    elif isinstance(value, (list, tuple, set, frozenset)):  # !!omap and !!pairs give tuples
        out.add("[")
        for i, item in enumerate(value):
            out.add(", " if i else "")
            _render(item, out, depth + 1)
            if out.room < 0:
                return
        out.add("]")
    else:
        out.add(scalar_text(value))


def scalar_text(value: Any) -> str:
    """Plain text of a YAML scalar (also used for mapping keys, which may be any scalar)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, int) and not -MAX_INT <= value < MAX_INT:
        # str() refuses integers of over 4,300 digits, and nobody reads that many anyway.
        return f"<integer of {value.bit_length():,} bits>"
    return str(value)
