"""Make text from untrusted files safe to show: control characters become visible, inert glyphs.

A title must not be able to move the cursor, clear the screen, ring the bell or write the
clipboard, so every C0 and C1 control, DEL and the bidirectional overrides are replaced before any
text reaches a terminal. Widgets then show the result as plain text, never as markup.
"""

from __future__ import annotations

import re

# C0 controls (except tab/newline, handled by the caller's choice), DEL, C1 controls,
# bidi embedding/override/isolate characters, and line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\t")


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
