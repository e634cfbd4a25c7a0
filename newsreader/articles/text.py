"""Make text from untrusted files safe to show: control characters become visible, inert glyphs.

A title must not be able to move the cursor, clear the screen, ring the bell or write the
clipboard, so every C0 and C1 control, DEL and the bidirectional overrides are replaced before any
text reaches a terminal. Widgets then show the result as plain text, never as markup.
"""

from __future__ import annotations

import html
import re

# C0 controls (except tab/newline, handled by the caller's choice), DEL, C1 controls,
# bidi embedding/override/isolate characters, and line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\t")
# Numeric character references to C0 controls and DEL, which html.unescape drops silently.
_CONTROL_REF = re.compile(r"&#(?:0*(\d+)|[xX]0*([0-9a-fA-F]+));")


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode "control pictures": ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def inert(text: str, *, multiline: bool = False) -> str:
    """Return ``text`` with every control character made visible.

    With ``multiline`` newlines (and CRLF) are kept as ``\\n`` and tabs become spaces; otherwise
    all line breaks and tabs collapse to single spaces, for one-line cells.
    """
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    else:
        text = _LINE_BREAKS.sub(" ", text)
    return _UNSAFE.sub(_visible, text)


def _control_ref(match: re.Match[str]) -> str:
    decimal, hexadecimal = match.groups()
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    control = (code < 0x20 and code not in (0x9, 0xA, 0xD)) or code == 0x7F
    return chr(code) if control else match.group()


def decode_entities(text: str) -> str:
    """Return ``text`` with its HTML entities decoded (``&amp;`` is ``&``, ``&#8230;`` is ``…``).

    Crawlers copy excerpts and titles out of web pages, entities and all. The result is still
    untrusted: pass it through :func:`inert` (see :func:`readable`). A reference to a control
    character becomes that character, which ``inert`` then shows, where ``html.unescape`` would
    drop it without a trace.
    """
    if "&" not in text:
        return text  # the common case, on every row drawn
    return html.unescape(_CONTROL_REF.sub(_control_ref, text))


def readable(text: str, *, multiline: bool = False) -> str:
    """Text from a file as shown to a reader: HTML entities decoded, then made :func:`inert`."""
    return inert(decode_entities(text), multiline=multiline)
