"""URL normalisation, so that a related entry finds the article file it names.

Two URLs name the same story when they differ only in scheme, a leading ``www.``, a trailing
slash, a fragment, or by being one of the AMP variants the format carries (``/amp/`` paths,
``?amp``-style queries, and Google AMP cache addresses ``<host>.cdn.ampproject.org/c/s/<url>``).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

_CDN_AMP = re.compile(r"^[^/]+\.cdn\.ampproject\.org/[a-z]/(?:s/)?(?P<rest>.+)$", re.I)
_AMP_QUERY_KEYS = frozenset({"amp", "amp-content", "outputtype", "amp_js_v", "usqp"})


def _strip_amp_path(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if parts and parts[-1].lower() in ("amp", "amp.html"):
        parts.pop()
    if parts and parts[-1].lower().endswith(".amp"):
        parts[-1] = parts[-1][:-4]
    if parts and parts[0].lower() == "amp":
        parts.pop(0)
    return "/".join(parts)


def _clean_query(query: str) -> str:
    pairs = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if k.lower() not in _AMP_QUERY_KEYS and not (k.lower() == "outputtype" or v == "amp")
    ]
    return urlencode(pairs)


#: The usual shape: a plain host name, a path of URL-safe characters, maybe a fragment; no
#: query, port, user, whitespace or control character. For such a URL that is no AMP form, the
#: key is the lowercased host (less ``www.``) and the path's non-empty segments: what the general
#: path below computes, at a fraction of the cost (100,000 articles carry ~250,000 URLs).
_SIMPLE = re.compile(r"([A-Za-z0-9.-]+)(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?(?:#\S*)?")


def normalize_url(url: str) -> str:
    """Return the comparison key of ``url`` ('' for an empty or unusable URL)."""
    url = url.strip()
    if not url:
        return ""
    if "://" in url:
        url = url.split("://", 1)[1]
    simple = _SIMPLE.fullmatch(url)
    if simple is not None and "ampproject" not in url.lower():
        segments = [p for p in (simple.group(2) or "").split("/") if p]
        if not segments or not _amp_segment(segments[0].lower(), segments[-1].lower()):
            host = simple.group(1).lower()
            host = host[4:] if host.startswith("www.") else host
            return f"{host}/{'/'.join(segments)}" if host and segments else host
    return _normalize_general(url)


def _amp_segment(first: str, last: str) -> bool:
    """Whether _strip_amp_path would drop or trim a segment of a path (lowercased ends)."""
    return last in ("amp", "amp.html") or last.endswith(".amp") or first == "amp"


def _normalize_general(url: str) -> str:
    """:func:`normalize_url` of a URL already stripped of spaces and scheme, in full."""
    match = _CDN_AMP.match(url)
    if match:
        return normalize_url(match.group("rest"))
    try:
        parts = urlsplit("//" + url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return url.lower()
    if host.startswith("www."):
        host = host[4:]
    if not host:
        return ""
    path = _strip_amp_path(parts.path)
    query = _clean_query(parts.query)
    key = f"{host}/{path}" if path else host
    return f"{key}?{query}" if query else key


#: Longer URLs are refused for opening and copying (browsers themselves cap them near here).
MAX_WEB_URL_LENGTH = 8192


def web_url_problem(url: str) -> str | None:
    """Why ``url`` must not be opened in a browser or copied, or None for a clean http(s) URL.

    Clean means: not empty, no whitespace or control character anywhere (a URL from a file can
    carry newlines and escape bytes, which a clipboard or a shell would take verbatim), it
    parses, its scheme is http or https and it names a host. The reason is plain text that
    quotes nothing from the URL but its scheme.
    """
    if not url:
        return "is empty"
    if len(url) > MAX_WEB_URL_LENGTH:
        return f"is too long ({len(url):,} characters)"
    if any(c.isspace() for c in url):
        return "contains whitespace or line breaks"
    # isprintable() is False for every "Other" and "Separator" character: controls (ESC and
    # the like), format characters (bidirectional overrides, zero-width), unassigned ones.
    if not url.isprintable():
        return "contains control characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "does not parse as a URL"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"is not http or https ({scheme}:)" if scheme else "has no http or https scheme"
    if not host:
        return "names no host"
    return None
