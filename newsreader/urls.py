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


def normalize_url(url: str) -> str:
    """Return the comparison key of ``url`` ('' for an empty or unusable URL)."""
    url = url.strip()
    if not url:
        return ""
    if "://" in url:
        url = url.split("://", 1)[1]
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
