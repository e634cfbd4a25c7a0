"""Hostile fixtures: a small folder of odd, broken and malicious article files (a test helper).

:func:`write_hostile_corpus` writes the folder and returns what the indexer must make of each
file; tests of the parser, the loader, the index and the CLI compare against it. Everything is
written by this module (nothing is read from elsewhere) and is the same on every run.
"""

from __future__ import annotations

import contextlib
import os
import random
from pathlib import Path

#: The name of the sibling folder (next to the corpus folder) holding the file that the
#: ``outside-link.md`` symlink points at. It must never be reached from the corpus.
OUTSIDE_SUFFIX = "-outside"

#: Ids (POSIX paths relative to the folder) that write_hostile_corpus creates but that must
#: never appear in an index, neither as articles nor as bad files; nor may any id start with
#: one of them followed by ``/`` (a walk must not enter the ``loop`` symlink or ``.git``).
NEVER_INDEXED = ("loop", "outside-link.md", ".hidden.md", ".git/x.md", "notes.json")

#: The expected ``Article.flag`` (the YAML boolean of the top-level ``published`` key, or None)
#: of every good file: the nested, body and block-scalar decoys must not be mistaken for it.
EXPECTED_FLAGS: dict[str, bool | None] = {
    "000_0123456789abcdef.txt": True,
    "plain.md": True,
    "crlf.md": False,
    "body-after.md": True,
    "nested-published.md": True,
    "block-excerpt.md": True,
    "no-published.md": None,
    "string-false.md": None,
    "wrong-types.md": False,
    "markup-title.md": True,
    "cjk-title.md": False,
    "archive/in-subfolder.md": False,
    "legacy.markdown": True,
}

#: Good files whose Article must carry at least one warning.
EXPECTED_WARNINGS = ("string-false.md",)

#: The title the markup file must yield, control characters included (display must neuter them).
MARKUP_TITLE = "[bold red]x[/] \x1b[2J ring \x07 [link=https://evil.example]y[/link]"

#: Acceptable line numbers for ``invalid-yaml.md``: its quote opens on file line 3 and is never
#: closed, so a loader may point at the quoted scalar (3) or at where the problem shows, the end
#: of the front matter (6, the closing ``---``).
INVALID_YAML_LINES = (3, 6)

_SECURED = '"c2VjcmV0LWJsb2Itbm90LXJlYWw=;aG9zdGlsZQ=="'


def _article(
    title: str = '"A perfectly ordinary article"',
    *,
    published: str | None = "true",
    excerpt: str = '"Nothing to see here, just a fixture."',
    date: str = "2021-06-01T08:30:00Z",
    quality: str = "10",
    extra: str = "",
    body: str = "",
) -> str:
    """A small valid article. Values are raw YAML; ``extra`` is a raw YAML group of keys."""
    lines = [
        "---",
        "category: news",
        f"title: {title}",
        f"excerpt: {excerpt}",
        f"publishedDateTime: {date}",
        'webUrl: "https://www.hostile.example/news/ordinary/"',
        "type: article",
        f"quality: {quality}",
        "heat: 10",
    ]
    if published is not None:
        lines.append(f"published: {published}")
    lines += ["", "provider:", "  name: Hostile Fixtures", "  domain: hostile.example"]
    if extra:
        lines += ["", extra.rstrip("\n")]
    lines += ["", f"secured: {_SECURED}", "---", ""]
    return "\n".join(lines) + body


def _good_files() -> dict[str, bytes]:
    """Files that must index as articles."""
    nested = (
        "related:\n"
        '  - title: "A related story"\n'
        '    webUrl: "https://other.example/a"\n'
        "    published: false\n"
        '  - title: "Another"\n'
        "    published: false\n"
        "    provider:\n"
        "      name: Other\n"
        "      published: false\n"
        "\n"
        "published: true"
    )
    block = (
        "|\n  First line of a block scalar.\n  published: false\n  ---\n  still inside the block"
    )
    return {
        "000_0123456789abcdef.txt": _article().encode(),
        "plain.md": _article('"Plain LF file"').encode(),
        "crlf.md": _article('"CRLF file"', published="false").replace("\n", "\r\n").encode(),
        "body-after.md": _article(
            '"Body after the front matter"',
            body="\nA body line.\n---\npublished: false\n---\nMore body.\n",
        ).encode(),
        # The top-level key comes after the nested decoys here, which a line scan would meet first.
        "nested-published.md": _article(
            '"Nested published keys"', published=None, extra=nested
        ).encode(),
        "block-excerpt.md": _article('"Block scalar excerpt"', excerpt=block).encode(),
        "no-published.md": _article('"No published key"', published=None).encode(),
        "string-false.md": _article('"Published is a string"', published='"false"').encode(),
        "wrong-types.md": _article(
            '"Wrong types everywhere"',
            published="false",
            quality='"high"',
            date='"not a date"',
            extra='topics: "AI"\n\nrelated: null',
        ).encode(),
        "markup-title.md": _article(
            '"[bold red]x[/] \\e[2J ring \\a [link=https://evil.example]y[/link]"'
        ).encode(),
        "cjk-title.md": _article(
            '"自動運転タクシーの試験運行が始まる"', published="false"
        ).encode(),
        "archive/in-subfolder.md": _article('"In a subfolder"', published="false").encode(),
        "legacy.markdown": _article('"A .markdown file"').encode(),
    }


def _alias_bomb() -> str:
    """Billion laughs: 9 levels, each a list of 9 aliases of the level below."""
    lines = ["---", 'title: "Alias bomb"', 'l0: &l0 ["lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join([*lines, "---", ""])


def _bad_files() -> dict[str, tuple[bytes, str]]:
    """Files that must be reported bad, each with a substring of its reason."""
    rng = random.Random(1234)
    noise = rng.randbytes(600)
    huge_excerpt = "x" * (1024 * 1024 + 200 * 1024)
    return {
        "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise + b"\x00", "binary"),
        "latin1.md": (_article('"Caf\u00e9 cr\u00e8me"').encode("latin-1"), "utf-8"),
        "no-front-matter.md": (b"Just some notes.\ntitle: not front matter\n", "front matter"),
        "empty.md": (b"", "empty"),
        "list-front-matter.md": (b"---\n- a\n- b\n---\n", "mapping"),
        "invalid-yaml.md": (
            b'---\ncategory: news\ntitle: "Unclosed quote\npublished: false\nheat: 3\n---\n',
            "yaml",
        ),
        "python-tag.md": (
            b'---\ntitle: "Tagged"\nquality: !!python/object/apply:os.system ["exit 0"]\n---\n',
            "tag",
        ),
        "alias-bomb.md": (_alias_bomb().encode(), "alias"),
        "huge.md": (_article(excerpt=f'"{huge_excerpt}"').encode(), "too large"),
        "unclosed.md": (b'---\ntitle: "Never closed"\npublished: true\n', "front matter"),
        # Jekyll does not see front matter behind a byte-order mark: it copies the file as is.
        "bom.md": (b"\xef\xbb\xbf" + _article('"File with a BOM"').encode(), "byte-order mark"),
    }


def outside_dir(folder: Path) -> Path:
    """The sibling folder holding the target of the ``outside-link.md`` symlink."""
    return folder.parent / f"{folder.name}{OUTSIDE_SUFFIX}"


def write_hostile_corpus(folder: Path) -> dict[str, str | None]:
    """Write the hostile fixtures into ``folder`` (created if needed) and return expectations.

    The result maps the id of every file that must be indexed (its POSIX path relative to
    ``folder``) to None for a good file, which must load as an article (see ``EXPECTED_FLAGS``
    for its published flag), or to a short lowercase substring of the reason a bad file must be
    reported with (compare against ``reason.lower()``): "utf-8", "front matter", "mapping",
    "yaml", "tag", "alias", "too large", "binary", "empty" or "byte-order mark".

    Some paths written are deliberately *not* in the result, because they must not appear in an
    index at all (see ``NEVER_INDEXED``): the symlink loop ``loop -> .``, the symlink
    ``outside-link.md`` to a valid article in a sibling folder (``outside_dir(folder)``), the
    hidden file ``.hidden.md``, the file ``.git/x.md`` in a hidden folder, and ``notes.json``
    whose extension is not an article extension. Symlinks are skipped whether or not the
    platform lets us create them.
    """
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str | None] = {}
    for rel, data in _good_files().items():
        _put(folder, rel, data)
        expected[rel] = None
    for rel, (data, reason) in _bad_files().items():
        _put(folder, rel, data)
        expected[rel] = reason
    valid = _article('"Must never be indexed"').encode()
    _put(folder, ".hidden.md", valid)
    _put(folder, ".git/x.md", valid)
    _put(folder, "notes.json", b'{"title": "not an article"}\n')
    outside = outside_dir(folder)
    _put(outside, "secret.md", _article('"Outside the folder"').encode())
    _symlink(Path("."), folder / "loop", target_is_directory=True)
    _symlink(outside / "secret.md", folder / "outside-link.md")
    return expected


def _put(folder: Path, rel: str, data: bytes) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _symlink(target: Path, link: Path, *, target_is_directory: bool = False) -> None:
    if link.is_symlink():
        link.unlink()
    # Windows without the privilege: no symlink, so nothing for the index to skip.
    with contextlib.suppress(OSError, NotImplementedError):
        os.symlink(target, link, target_is_directory=target_is_directory)
