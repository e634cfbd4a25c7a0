"""The user's ``[keymap]`` checked before it is applied: bad key names and unknown binding ids.

Textual takes any string as a key and any id in a keymap, so ``"app.publish" = "notakey!!"``
would quietly leave publish with no key. Here each entry is checked: keys Textual can never
send are dropped (an entry left with none keeps the default keys), unknown ids are ignored,
and each problem becomes a one-line notice.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
#: Key names Textual sends besides characters: "up", "pagedown", "f12", "space", ...
NAMED_KEYS = frozenset(key.value.rsplit("+", 1)[-1] for key in Keys) | {
    "space",
    "tab",
    "enter",
    "backspace",
    "escape",
}


def is_key(key: str) -> bool:
    """Whether Textual can send ``key``: modifiers, then a named key, a character, or a
    character's Unicode name in Textual's spelling (``question_mark``)."""
    *modifiers, base = key.strip().split("+")
    if not base or any(m not in MODIFIERS for m in modifiers):
        return False
    if len(base) == 1:
        return base.isprintable()
    if base in NAMED_KEYS:
        return True
    try:
        unicodedata.lookup(base.upper().replace("_", " "))
    except KeyError:
        return False
    return True


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def binding_ids() -> dict[str, Binding]:
    """Every binding with an id in newsreader's app, screens and widgets (all loaded classes,
    so a new screen counts as soon as it is imported)."""
    found: dict[str, Binding] = {}
    for cls in _subclasses(DOMNode):
        if not cls.__module__.startswith("newsreader."):
            continue
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                found.setdefault(binding.id, binding)
    return found


def check_keymap(keymap: dict[str, str], known: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """The entries of ``keymap`` that can work, and a notice for every problem."""
    known = set(known)
    good: dict[str, str] = {}
    notices: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            notices.append(f"keymap: unknown binding id {binding_id!r} ignored (? lists the ids)")
            continue
        names = [k.strip() for k in keys.split(",")]
        bad = [k for k in names if not is_key(k)]
        usable = [k for k in names if is_key(k)]
        if bad:
            kept = "its default keys" if not usable else ", ".join(usable)
            notices.append(
                f"keymap: {binding_id!r}: not a key: {', '.join(repr(k) for k in bad)}; "
                f"{binding_id} keeps {kept}"
            )
        if usable:
            good[binding_id] = ",".join(usable)
    return good, notices
