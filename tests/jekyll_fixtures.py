"""Tricky article files for the end-to-end test against Jekyll (a test helper, no tests).

Each fixture is ``(name, bytes, note)``: the file name inside ``_news/`` (the app's article id),
its exact bytes and what makes it tricky. All text is invented here. What Jekyll does with each
file is not written down: ``tests/jekyll_site.py`` builds a real site and asks Jekyll, and
``python -m tests.jekyll_site --table`` prints the answer.

Files Jekyll does not read at all are left out too: its ``EntryFilter`` skips names starting with
``.``, ``_``, ``#`` or ``~`` and backups ending in ``~`` (they are neither published, hidden nor
copied, a fourth case the contract has no verdict for; the harness would report them missing).

Left out on purpose, because they make Jekyll abort the whole build instead of judging one
file (so no other fixture could be judged in the same build):

- a ``date:`` Jekyll cannot parse (``date: 2021-13-45``, ``date: soon``): ``Utils.parse_date``
  raises ``Jekyll::Errors::FatalException``, which ``Document#handle_read_error`` re-raises;
- a body with broken Liquid (``{% if %}`` never closed, an unknown tag) in a page Jekyll renders:
  a ``Liquid::SyntaxError`` stops the build;
- ``strict_front_matter: true`` in ``_config.yml`` turns every YAML error into a fatal one.
"""

from __future__ import annotations

from typing import NamedTuple


class Fixture(NamedTuple):
    name: str
    data: bytes
    note: str


_SECURED = '"bmV3c3JlYWRlci1maXh0dXJl;ZmFrZS1zaWduYXR1cmU="'


def article(
    slug: str,
    title: str,
    *,
    published: str | None = "false",
    head: str = "",
    middle: str = "",
    tail: str = "",
    date_time: str = "2021-11-04T09:15:00Z",
    kind: str = "article",
    open_line: str = "---",
    close_line: str = "---",
    body: str = "",
) -> str:
    """An article in the real layout (invented text).

    ``published`` is the text after ``published:`` (``None``: no such line); ``head`` goes
    right after the opening line, ``middle`` right after the ``published`` line and ``tail``
    after ``topics``; each is whole lines ending in a newline.
    """
    flag = "" if published is None else f"published:{' ' if published else ''}{published}\n"
    return (
        f"{open_line}\n"
        f"{head}"
        "category: news\n"
        f'title: "{title}"\n'
        f'excerpt: "An invented excerpt for {slug}, cut mid-sentence as the crawler does…"\n'
        f"publishedDateTime: {date_time}\n"
        f'originalUrl: "https://www.fixture-{slug}.example/story/{slug}?utm_source=feed&id=7"\n'
        f"webUrl: https://www.fixture-{slug}.example/story/{slug}/\n"
        f"type: {kind}\n"
        "quality: 37\n"
        "heat: 4\n"
        f"{flag}"
        f"{middle}"
        "\n"
        "provider:\n"
        "  name: Fixture Gazette\n"
        f"  domain: fixture-{slug}.example\n"
        "\n"
        "topics:\n"
        "  - AI\n"
        "  - Robotics\n"
        f"{tail}"
        "\n"
        f"secured: {_SECURED}\n"
        f"{close_line}\n"
        f"{body}"
    )


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _alias_bomb() -> str:
    """Nine levels of nine aliases: ~387 million leaves if expanded, a few hundred bytes here."""
    lines = ["lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"lol{level}: &a{level} [{refs}]\n")
    return "".join(lines)


def _huge_excerpt() -> str:
    sentence = "Engineers kept adding sensors to the harbour cranes until the cranes complained. "
    return sentence * (1_200_000 // len(sentence))


_CRLF = article("crlf", "Line ends of another system").replace("\n", "\r\n")
_CR_ONLY = article("cr-only", "Line ends of a very old system").replace("\n", "\r")

FIXTURES: list[Fixture] = [
    # Ordinary flags.
    Fixture(
        "2021-03-01-ordinary-published.md",
        _utf8(article("ord-pub", "Ordinary published story", published="true")),
        "published: true",
    ),
    Fixture(
        "2021-03-02-ordinary-unpublished.md",
        _utf8(article("ord-unpub", "Ordinary unpublished story")),
        "published: false",
    ),
    Fixture(
        "000_5f0c1a2b3c4d5e6f.txt",
        _utf8(article("no-flag", "A story with no flag at all", published=None)),
        "no published key: Jekyll's default is published",
    ),
    Fixture(
        "2021-03-04-body-says-false.md",
        _utf8(
            article(
                "body-false",
                "The body mentions the flag",
                published="true",
                body="\nThe editor wrote:\n\npublished: false\n",
            )
        ),
        "published: true, and a Markdown body with a published: false line",
    ),
    # YAML 1.1 booleans in Psych's letter cases.
    Fixture(
        "001_flag-false-mixed-case.txt",
        _utf8(article("fAlse", "Mixed case false", published="fAlse")),
        "published: fAlse (Psych: false; YAML 1.2 and PyYAML: a string)",
    ),
    Fixture(
        "002_flag-off-mixed-case.txt",
        _utf8(article("oFF", "Mixed case off", published="oFF")),
        "published: oFF",
    ),
    Fixture(
        "003_flag-no-mixed-case.txt",
        _utf8(article("nO", "Mixed case no", published="nO")),
        "published: nO",
    ),
    Fixture(
        "004_flag-yes-upper.txt",
        _utf8(article("YES", "Upper case yes", published="YES")),
        "published: YES",
    ),
    Fixture(
        "005_flag-true-title.txt",
        _utf8(article("True", "Title case true", published="True")),
        "published: True",
    ),
    # Nulls, strings and numbers.
    Fixture(
        "006_flag-tilde.txt",
        _utf8(article("tilde", "Tilde flag", published="~")),
        "published: ~ (nil: falsy in Ruby)",
    ),
    Fixture(
        "007_flag-null.txt",
        _utf8(article("null", "Null flag", published="null")),
        "published: null",
    ),
    Fixture(
        "008_flag-empty.txt",
        _utf8(article("empty", "Empty flag", published="")),
        "published: with no value (nil)",
    ),
    Fixture(
        "009_flag-quoted-false.txt",
        _utf8(article("quoted", "Quoted false", published='"false"')),
        'published: "false" (a string: truthy)',
    ),
    Fixture(
        "010_flag-zero.txt",
        _utf8(article("zero", "Zero flag", published="0")),
        "published: 0 (truthy in Ruby)",
    ),
    # Scalars and tags Psych's safe_load refuses.
    Fixture(
        "011_symbol-value.txt",
        _utf8(article("symbol", "A video typed as a symbol", kind=":video")),
        "type: :video (a Ruby Symbol: DisallowedClass) with published: false",
    ),
    Fixture(
        "012_symbol-key.txt",
        _utf8(article("symkey", "A key that is a symbol", middle=":k: crawler-note\n")),
        "a key :k (line ':k: ...', a Symbol) with published: false",
    ),
    Fixture(
        "013_colon-key.txt",
        _utf8(article("colonkey", "A key with colons", middle=":k:: crawler-note\n")),
        "a key ':k:' (line ':k:: ...') with published: false",
    ),
    Fixture(
        "014_set-tag.txt",
        _utf8(article("set", "Topics as a set", tail="tags: !!set {AI, Robotics}\n")),
        "a !!set value with published: false",
    ),
    Fixture(
        "015_omap-tag.txt",
        _utf8(
            article(
                "omap", "Images as an omap", tail="images: !!omap\n  - url: x.jpg\n  - width: 50\n"
            )
        ),
        "an !!omap value with published: false",
    ),
    Fixture(
        "016_local-tag.txt",
        _utf8(article("localtag", "A local tag", middle="rating: !foo bar\n")),
        "an unknown local tag (!foo bar) with published: false",
    ),
    # Merge keys: Psych applies << in order (a later << overrides earlier keys).
    Fixture(
        "017_merge-after-flag.txt",
        _utf8(
            article(
                "merge-after",
                "Merge after flag",
                published="true",
                middle="<<: {published: false}\n",
            )
        ),
        "published: true, then <<: {published: false}",
    ),
    Fixture(
        "018_merge-before-flag.txt",
        _utf8(
            article(
                "merge-before",
                "Merge before flag",
                published="true",
                head="<<: {published: false}\n",
            )
        ),
        "<<: {published: false}, then published: true",
    ),
    Fixture(
        "019_merge-anchor.txt",
        _utf8(
            article(
                "merge-anchor",
                "Flag from an anchor",
                published=None,
                head="defaults: &defaults\n  published: false\n  type: article\n",
                tail="<<: *defaults\n",
            )
        ),
        "no top-level published line; <<: *defaults (published: false) at the end",
    ),
    # Broken YAML: Jekyll logs an error and builds the page with no front matter.
    Fixture(
        "020_syntax-error.txt",
        _utf8(article("syntax", 'An unterminated "quote', middle='note: "never closed\n')),
        "a YAML syntax error (unterminated quote) with published: false",
    ),
    Fixture(
        "021_invalid-utf8.txt",
        article("badutf8", "Invalid bytes", middle="note: caf\udcc3\udca9 \udcff\udcfe\n").encode(
            "utf-8", "surrogateescape"
        ),
        "invalid UTF-8 bytes (\\xff\\xfe) in a value with published: false",
    ),
    Fixture(
        "022_nul-byte.txt",
        _utf8(article("nul", "A NUL byte", middle="note: before\x00after\n")),
        "a NUL byte in a value with published: false",
    ),
    Fixture(
        "023_front-matter-list.txt",
        _utf8("---\n- published: false\n- title: A list, not a mapping\n---\n"),
        "front matter that is a list (of one-key maps, one being published: false)",
    ),
    Fixture(
        "024_front-matter-string.txt",
        _utf8("---\nBreaking news published false\n---\n"),
        "front matter that is a plain string",
    ),
    # Headers Jekyll does not recognise: the file is copied as a static file.
    Fixture(
        "025_bom.txt",
        b"\xef\xbb\xbf" + _utf8(article("bom", "Byte-order mark first")),
        "a UTF-8 byte-order mark first, published: false",
    ),
    Fixture(
        "026_crlf.txt",
        _utf8(_CRLF),
        "CRLF line ends, published: false",
    ),
    Fixture(
        "027_cr-only.txt",
        _utf8(_CR_ONLY),
        "CR-only line ends, published: false",
    ),
    Fixture(
        "028_blank-first-line.txt",
        _utf8("\n" + article("blank", "A blank first line")),
        "a blank line before ---, published: false",
    ),
    Fixture(
        "029_yaml-directive.txt",
        _utf8("%YAML 1.1\n" + article("directive", "A YAML directive first")),
        "%YAML 1.1 before ---, published: false",
    ),
    # Delimiters.
    Fixture(
        "030_never-closed.txt",
        _utf8(article("unclosed", "Never closed", close_line="")),
        "--- never closed (no closing line), published: false",
    ),
    Fixture(
        "031_dots-close.txt",
        _utf8(article("dots", "Closed by dots", close_line="...")),
        "closed by ... instead of ---, published: false",
    ),
    Fixture(
        "032_trailing-spaces.txt",
        _utf8(article("spaces", "Spaces after the dashes", open_line="---   ", close_line="--- ")),
        "'---   ' and '--- ' (trailing spaces), published: false",
    ),
    # Dates.
    Fixture(
        "033_date-in-future.txt",
        _utf8(
            article("future", "Dated in the future", published="true", middle="date: 2999-01-01\n")
        ),
        "date: 2999-01-01 with published: true (hidden unless future: true)",
    ),
    Fixture(
        "2999-01-01-name-in-future.md",
        _utf8(article("name-future", "File name in the future", published="true")),
        "a YYYY-MM-DD-slug name dated 2999, published: true",
    ),
    Fixture(
        "034_bad-published-date-time.txt",
        _utf8(article("baddate", "Impossible source date", date_time="2021-13-45")),
        "publishedDateTime: 2021-13-45 (Psych: a string; PyYAML: a date error), published: false",
    ),
    Fixture(
        "035_far-published-date-time.txt",
        _utf8(article("fardate", "Far source date", date_time="9999-12-31T23:59:59-23:59")),
        "publishedDateTime: 9999-12-31T23:59:59-23:59 (past year 9999 in UTC), published: false",
    ),
    # Hostile sizes.
    Fixture(
        "036_alias-bomb.txt",
        _utf8(article("bomb", "Billion laughs", tail=_alias_bomb())),
        "an alias bomb (9 levels of 9) with published: false",
    ),
    Fixture(
        "037_huge.txt",
        _utf8(article("huge", "A very long excerpt", tail=f'longExcerpt: "{_huge_excerpt()}"\n')),
        "over 1 MiB (a 1.2 MB excerpt) with published: false",
    ),
    # Keys that look like the flag.
    Fixture(
        "038_duplicate-false-then-true.txt",
        _utf8(article("dup1", "Two flags, true last", tail="published: true\n")),
        "published: false, later published: true (duplicate keys: the last wins)",
    ),
    Fixture(
        "039_duplicate-true-then-false.txt",
        _utf8(
            article("dup2", "Two flags, false last", published="true", tail="published: false\n")
        ),
        "published: true, later published: false",
    ),
    Fixture(
        "040_nested-flag-only.txt",
        _utf8(
            article(
                "nested",
                "Only a related story is unpublished",
                published=None,
                tail=(
                    "related:\n"
                    '  - title: "A related story"\n'
                    "    webUrl: https://www.elsewhere.example/r/\n"
                    "    published: false\n"
                ),
            )
        ),
        "no top-level published; a nested published: false under related",
    ),
    # More spellings of the flag and its key.
    Fixture(
        "041_flag-bool-tag.txt",
        _utf8(article("booltag", "An explicit bool tag", published="!!bool false")),
        "published: !!bool false",
    ),
    Fixture(
        "042_flag-str-tag.txt",
        _utf8(article("strtag", "An explicit str tag", published="!!str false")),
        "published: !!str false (a string: truthy)",
    ),
    Fixture(
        "043_flag-n.txt",
        _utf8(article("n", "A one-letter no", published="n")),
        "published: n (YAML 1.1 lists y/n as booleans; Psych does not)",
    ),
    Fixture(
        "044_flag-comment.txt",
        _utf8(article("comment", "A commented flag", published="false # held for review")),
        "published: false # a trailing comment",
    ),
    Fixture(
        "045_key-space-before-colon.txt",
        _utf8(
            article(
                "spacedkey",
                "A space before the colon",
                published=None,
                middle="published : false\n",
            )
        ),
        "'published : false' (a space before the colon)",
    ),
    Fixture(
        "046_key-quoted.txt",
        _utf8(article("quotedkey", "A quoted key", published=None, middle='"published": false\n')),
        "'\"published\": false' (a quoted key)",
    ),
    Fixture(
        "047_flow-mapping.txt",
        _utf8('---\n{title: "A flow mapping", type: article, published: false}\n---\n'),
        "the whole front matter as one flow mapping with published: false",
    ),
    Fixture(
        "048_empty-front-matter.txt",
        _utf8("---\n---\nA body and nothing else.\n"),
        "an empty front matter (Psych: nil) and a body",
    ),
    Fixture(
        "049_empty-file.txt",
        b"",
        "an empty file (no first line at all)",
    ),
    Fixture(
        "2021-03-05-body-with-rules.md",
        _utf8(
            article(
                "rules",
                "A body with rules",
                body="\nFirst part.\n\n---\n\npublished: true\n\n...\n\nLast part.\n",
            )
        ),
        "published: false, and a Markdown body with --- and ... lines and a published: true line",
    ),
    Fixture(
        "2999-02-02-future-name-broken-yaml.md",
        _utf8(article("future-broken", "Future name, broken YAML", middle='note: "open\n')),
        "a name dated 2999 and a YAML error: Jekyll never reads the name's date then",
    ),
    Fixture(
        "2021-03-06-past-name-future-date.md",
        _utf8(
            article(
                "past-future",
                "Past name, future date",
                published="true",
                middle="date: 2999-03-03\n",
            )
        ),
        "a name dated 2021 but date: 2999-03-03 (the front matter's date wins), published: true",
    ),
    Fixture(
        "archive/2021-02-01-in-a-subfolder.md",
        _utf8(article("subfolder", "In a subfolder", published="true")),
        "a file in a subfolder of _news (its id has a /), published: true",
    ),
    Fixture(
        "_2021-03-07-underscore-draft.md",
        _utf8(article("underscore", "A name Jekyll skips", published="true")),
        "a name starting with '_': Jekyll's entry filter never reads it, published: true",
    ),
]

#: The fixtures dated in the future: the test builds them a second time with ``future: true``.
FUTURE_IDS = (
    "033_date-in-future.txt",
    "2999-01-01-name-in-future.md",
    "2999-02-02-future-name-broken-yaml.md",
    "2021-03-06-past-name-future-date.md",
)

assert len({fixture.name for fixture in FIXTURES}) == len(FIXTURES)
assert set(FUTURE_IDS) <= {fixture.name for fixture in FIXTURES}
