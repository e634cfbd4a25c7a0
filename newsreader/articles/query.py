"""The query language: one parser for filter-as-you-type, saved views and ``--query``.

A query string compiles once into a tree of small closures over :class:`Article`, so filtering
100,000 articles per keystroke walks no strings and re-parses nothing.

Syntax (terms are separated by whitespace and ANDed unless ``OR`` stands between them)::

    nvidia chips          free words: each must occur in the title, excerpt, provider or domain
                          (case-insensitive substring; each word may match a different field;
                          curly quotes, dashes, "…" and no-break spaces match ' " - ... and space;
                          accents are ignored: zurich finds Zürich)
    "self-driving car"    a phrase, matched as one substring of one of those fields
    topic:AI              a topic equal to AI (case-insensitive); topic:"AI in Autos"
    provider:wboy         substring of the provider name or the domain (case-insensitive)
    type:video            category:news          (equal, case-insensitive)
    is:published  is:unpublished  is:warned      has:related  has:images  has:date  has:url
    quality>=40  quality>40  quality<=40  quality<40  quality=40  quality:40   (same for heat;
                          an article without the value never matches a comparison)
    date>=2021-12-01  date<2022  date:2021-12     YYYY, YYYY-MM or YYYY-MM-DD, in UTC; ``:`` and
                          ``=`` mean "within that year/month/day", ``<`` "before it starts",
                          ``<=`` "before it ends", ``>`` "after it ends", ``>=`` "once it starts";
                          an article without a date never matches
    -term                 negates any term, a phrase or a group: -topic:AI  -"a phrase"  -(a b)
    a b OR c              OR (uppercase) binds looser than AND: (a AND b) OR c
    ( ... )               groups; lowercase ``or`` is an ordinary word

Field names are case-insensitive. A word that looks like ``name:value`` with an unknown name is an
error, except URL-like words whose value starts with ``//`` (``https://example.com``), which are
free words; to search for other text containing a colon, quote it: ``"re:Invent"``. A word ends at
whitespace, a parenthesis or a double quote. Inside quotes ``\\"`` is a quote and ``\\\\`` a
backslash. A lone ``-`` is an error, ``--x`` is the negated word ``-x``. The empty (or blank) query
matches everything.

Every malformed query raises :class:`QueryError` and nothing else.

Free text is ``needle in article.search``, the title, excerpt, provider and domain lowercased once
when the article was read (see :func:`newsreader.articles.model.search_text`): over 100,000 articles
a word found nowhere costs about 50–70 ms, against about 180 ms lowercasing every field per
keystroke and more for a precompiled ``re.IGNORECASE`` search.
"""

from __future__ import annotations

import operator
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from newsreader.articles.model import SEARCH_SEPARATOR, Article, fold_text
from newsreader.articles.text import inert

__all__ = [
    "MAX_DEPTH",
    "SYNTAX",
    "FirstMatches",
    "Predicate",
    "Query",
    "QueryError",
    "parse_query",
    "syntax_help",
]

Predicate = Callable[[Article], bool]

#: Deeper nesting is refused, so that no input can exhaust the recursion limit.
MAX_DEPTH = 64

_FIELD = re.compile(r"([A-Za-z]+)(>=|<=|[:=<>])(.*)", re.DOTALL)
_NUMBER = re.compile(r"[+-]?[0-9]{1,30}(?:\.[0-9]{1,30})?")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_WORD_END = frozenset('()"')
_EQUAL_OPS = frozenset(":=")
_COMPARE = {
    ":": operator.eq,
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_DATE_HINT = "expected a date like 2021, 2021-12 or 2021-12-31"


class QueryError(ValueError):
    """A malformed query: ``message`` names the bad ``term``, found at offset ``position``."""

    def __init__(self, message: str, term: str = "", position: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.term = term
        self.position = position

    def __str__(self) -> str:
        return self.message


def _quote(text: str) -> str:
    """Show user text in a one-line message: inert, shortened, in single quotes."""
    if len(text) > 60:
        text = text[:59] + "…"
    return f"'{inert(text)}'"


# --- Lexer -------------------------------------------------------------------------------------


class _Token(NamedTuple):
    """One lexical unit. ``kind`` is ``(``, ``)``, ``OR`` or ``term``."""

    kind: str
    pos: int
    text: str = ""  # the raw term, without a leading minus
    negated: bool = False
    name: str | None = None  # field name (lowercase), None for free text
    op: str = ""
    value: str = ""


def _read_quoted(text: str, quote: int, start: int) -> tuple[str, int]:
    """Read the quoted string opening at ``quote``; return its value and the offset after it."""
    out: list[str] = []
    i = quote + 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            return "".join(out), i + 1
        if ch == "\\" and i + 1 < n and text[i + 1] in '"\\':
            i += 1
            ch = text[i]
        out.append(ch)
        i += 1
    raise QueryError("unclosed quote", text[start:], start)


def _tokens(text: str) -> Iterator[_Token]:
    """Split ``text`` into tokens, raising QueryError for bad quoting or a lone minus."""
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negated = False
        if ch == "-":
            if i + 1 == n or text[i + 1].isspace() or text[i + 1] == ")":
                raise QueryError("'-' needs a term after it", "-", i)
            negated = True
            i += 1
            ch = text[i]
        start = i
        if ch in "()":
            yield _Token(ch, i, ch, negated)
            i += 1
        elif ch == '"':
            value, i = _read_quoted(text, i, start)
            yield _Token("term", start, text[start:i], negated, None, "", value)
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in _WORD_END:
                j += 1
            word = text[i:j]
            if word == "OR" and not negated:
                yield _Token("OR", start, word)
                i = j
                continue
            m = _FIELD.fullmatch(word)
            if m is None or m.group(3).startswith("//"):
                # Not name:value, or URL-like (https://...): a free word.
                yield _Token("term", start, word, negated, None, "", word)
                i = j
                continue
            value = m.group(3)
            if not value and j < n and text[j] == '"':
                value, j = _read_quoted(text, j, start)
            yield _Token(
                "term", start, text[start:j], negated, m.group(1).lower(), m.group(2), value
            )
            i = j


# --- Term compilers ------------------------------------------------------------------------------


class _Node(NamedTuple):
    """A compiled predicate and a rough cost, so cheap tests run first in an AND or OR."""

    pred: Predicate
    cost: int


def _free_text(needle: str) -> _Node:
    n = fold_text(needle.lower())
    if SEARCH_SEPARATOR in n:
        return _Node(lambda a: False, 0)  # NUL is not searchable (see search_text)

    def pred(a: Article) -> bool:
        # Article.search holds title, excerpt, provider and domain, already lowercased and
        # folded.
        return n in a.search

    return _Node(pred, 10)


def _fuzzy_title(needle: str) -> _Node:
    """``~word``: the word's letters appear in the title in order, others between them
    (``~nvda`` finds "NVIDIA"), accents and case folded as for free words."""
    n = fold_text(needle.lower())
    if SEARCH_SEPARATOR in n:
        return _Node(lambda a: False, 0)
    # The title is the search text's first field: stay before its first NUL. One compiled
    # regular expression per query keeps the per-article test in C.
    gap = f"[^{SEARCH_SEPARATOR}]*?"
    pattern = re.compile(gap + gap.join(map(re.escape, n)))

    def pred(a: Article) -> bool:
        return pattern.match(a.search) is not None

    return _Node(pred, 20)


def _need_equality(tok: _Token) -> None:
    if tok.op not in _EQUAL_OPS:
        raise QueryError(
            f"{_quote(tok.text)}: {tok.name} takes ':', not {tok.op!r}", tok.text, tok.pos
        )
    if not tok.value:
        raise QueryError(f"{_quote(tok.text)}: needs a value", tok.text, tok.pos)


def _topic(tok: _Token) -> _Node:
    _need_equality(tok)
    v = tok.value.lower()

    def pred(a: Article) -> bool:
        # A plain loop: any() over a generator costs about twice as much per article.
        for t in a.topics:  # noqa: SIM110
            if t.lower() == v:
                return True
        return False

    return _Node(pred, 3)


def _provider(tok: _Token) -> _Node:
    _need_equality(tok)
    v = tok.value.lower()
    return _Node(lambda a: v in a.provider.lower() or v in a.domain.lower(), 4)


def _type(tok: _Token) -> _Node:
    _need_equality(tok)
    v = tok.value.lower()
    return _Node(lambda a: a.type.lower() == v, 2)


def _category(tok: _Token) -> _Node:
    _need_equality(tok)
    v = tok.value.lower()
    return _Node(lambda a: a.category.lower() == v, 2)


_IS: dict[str, Predicate] = {
    "published": lambda a: a.published,
    "unpublished": lambda a: not a.published,
    "warned": lambda a: bool(a.warnings),
}
_HAS: dict[str, Predicate] = {
    "related": lambda a: bool(a.related),
    "images": lambda a: a.image_count > 0,
    "date": lambda a: a.date is not None,
    "url": lambda a: bool(a.url),
}


def _choice(table: dict[str, Predicate]) -> Callable[[_Token], _Node]:
    """A compiler for a field whose value is one of the keys of ``table``."""
    expected = ", ".join(table)

    def compile_choice(tok: _Token) -> _Node:
        _need_equality(tok)
        pred = table.get(tok.value.lower())
        if pred is None:
            raise QueryError(f"{_quote(tok.text)}: expected {expected}", tok.text, tok.pos)
        return _Node(pred, 1)

    return compile_choice


def _numeric(getter: Callable[[Article], int | None]) -> Callable[[_Token], _Node]:
    """A compiler for a numeric field read by ``getter``; None never matches."""

    def compile_numeric(tok: _Token) -> _Node:
        if not _NUMBER.fullmatch(tok.value):
            raise QueryError(f"{_quote(tok.text)}: expected a number", tok.text, tok.pos)
        number: float = float(tok.value) if "." in tok.value else int(tok.value)
        compare = _COMPARE[tok.op]

        def pred(a: Article) -> bool:
            v = getter(a)
            return v is not None and compare(v, number)

        return _Node(pred, 1)

    return compile_numeric


def _period(tok: _Token) -> tuple[datetime, datetime | None]:
    """The UTC interval [start, end) the date value names; end is None past year 9999."""
    m = _DATE.fullmatch(tok.value)
    if m is None:
        raise QueryError(f"{_quote(tok.text)}: {_DATE_HINT}", tok.text, tok.pos)
    year_s, month_s, day_s = m.groups()
    try:
        start = datetime(int(year_s), int(month_s or "1"), int(day_s or "1"), tzinfo=UTC)
    except ValueError:  # month 13, February 30th, year 0
        raise QueryError(f"{_quote(tok.text)}: {_DATE_HINT}", tok.text, tok.pos) from None
    year, month = start.year, start.month
    try:
        if day_s:
            return start, start + timedelta(days=1)
        if month_s:
            return start, datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        return start, datetime(year + 1, 1, 1, tzinfo=UTC)
    except (ValueError, OverflowError):  # the period ends after 9999-12-31
        return start, None


def _utc(d: datetime) -> datetime:
    """Aware datetimes compare by instant; a naive one is taken as UTC."""
    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)


def _date(tok: _Token) -> _Node:
    start, end = _period(tok)
    op = tok.op

    def on_or_after(when: datetime) -> Predicate:
        return lambda a: (d := a.date) is not None and _utc(d) >= when

    def before(when: datetime) -> Predicate:
        return lambda a: (d := a.date) is not None and _utc(d) < when

    if op == ">=":
        return _Node(on_or_after(start), 1)
    if op == "<":
        return _Node(before(start), 1)
    if end is None:
        # The period runs to the end of time: nothing is after it, everything dated is within.
        if op == ">":
            return _Node(lambda a: False, 1)
        if op == "<=":
            return _Node(lambda a: a.date is not None, 1)
        return _Node(on_or_after(start), 1)
    if op == ">":
        return _Node(on_or_after(end), 1)
    if op == "<=":
        return _Node(before(end), 1)
    return _Node(lambda a: (d := a.date) is not None and start <= _utc(d) < end, 1)


_FIELDS: dict[str, Callable[[_Token], _Node]] = {
    "topic": _topic,
    "provider": _provider,
    "type": _type,
    "category": _category,
    "is": _choice(_IS),
    "has": _choice(_HAS),
    "quality": _numeric(operator.attrgetter("quality")),
    "heat": _numeric(operator.attrgetter("heat")),
    "date": _date,
}


def _term(tok: _Token) -> _Node:
    """Compile one term token (without its negation)."""
    if tok.name is None:
        if tok.value.startswith("~") and tok.text.startswith("~"):
            return _fuzzy_title(tok.value[1:])
        return _free_text(tok.value)
    compile_field = _FIELDS.get(tok.name)
    if compile_field is None:
        name = tok.text[: len(tok.name)]
        raise QueryError(f"unknown field {_quote(name)} in {_quote(tok.text)}", tok.text, tok.pos)
    return compile_field(tok)


# --- Combinators ---------------------------------------------------------------------------------


def _negate(node: _Node) -> _Node:
    p = node.pred
    return _Node(lambda a: not p(a), node.cost)


def _all_of(nodes: list[_Node]) -> _Node:
    """AND, cheapest test first (terms have no side effects, so order is free)."""
    if len(nodes) == 1:
        return nodes[0]
    nodes = sorted(nodes, key=lambda node: node.cost)
    preds = [node.pred for node in nodes]
    cost = sum(node.cost for node in nodes)
    if len(preds) == 2:
        p, q = preds
        return _Node(lambda a: p(a) and q(a), cost)

    def pred(a: Article) -> bool:
        for p in preds:  # noqa: SIM110 (a loop is faster than all() over a generator)
            if not p(a):
                return False
        return True

    return _Node(pred, cost)


def _any_of(nodes: list[_Node]) -> _Node:
    """OR, cheapest test first."""
    if len(nodes) == 1:
        return nodes[0]
    nodes = sorted(nodes, key=lambda node: node.cost)
    preds = [node.pred for node in nodes]
    cost = sum(node.cost for node in nodes)
    if len(preds) == 2:
        p, q = preds
        return _Node(lambda a: p(a) or q(a), cost)

    def pred(a: Article) -> bool:
        for p in preds:  # noqa: SIM110 (a loop is faster than any() over a generator)
            if p(a):
                return True
        return False

    return _Node(pred, cost)


# --- Parser --------------------------------------------------------------------------------------


class _Parser:
    """Recursive descent: ``or := and ('OR' and)*``, ``and := unary+``, ``unary := term | (or)``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(_tokens(text))
        self.i = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def parse(self) -> Predicate | None:
        if not self.tokens:
            return None
        node = self.parse_or(0)
        tok = self.peek()
        if tok is not None:  # only a stray ')' can stop the top level early
            raise QueryError("unbalanced parenthesis", tok.text, tok.pos)
        return node.pred

    def parse_or(self, depth: int) -> _Node:
        branches = [self.parse_and(depth)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            after = self.peek()
            if after is None or after.kind in ("OR", ")"):
                raise QueryError("OR needs a term on both sides", tok.text, tok.pos)
            branches.append(self.parse_and(depth))
        return _any_of(branches)

    def parse_and(self, depth: int) -> _Node:
        items: list[_Node] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", ")"):
            items.append(self.parse_unary(depth))
        if items:
            return _all_of(items)
        if tok is None:  # only after a "(" that ends the query
            raise QueryError("unbalanced parenthesis", "(", self.tokens[-1].pos)
        if tok.kind == "OR":
            raise QueryError("OR needs a term on both sides", tok.text, tok.pos)
        if depth == 0:
            raise QueryError("unbalanced parenthesis", tok.text, tok.pos)
        opening = self.tokens[self.i - 1]  # the "(" just before this ")"
        term = self.text[opening.pos : tok.pos + 1]
        raise QueryError(f"empty parentheses {_quote(term)}", term, opening.pos)

    def parse_unary(self, depth: int) -> _Node:
        tok = self.tokens[self.i]
        self.i += 1
        if tok.kind == "term":
            node = _term(tok)
        else:  # "(": parse_and never hands over ")" or "OR"
            if depth >= MAX_DEPTH:
                raise QueryError("too many nested parentheses", tok.text, tok.pos)
            node = self.parse_or(depth + 1)
            close = self.peek()
            if close is None:
                raise QueryError("unbalanced parenthesis", tok.text, tok.pos)
            self.i += 1  # the ")"
        return _negate(node) if tok.negated else node


# --- Public API ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A compiled query. ``Query(text)`` parses ``text`` and raises :class:`QueryError`."""

    text: str
    _predicate: Predicate | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_predicate", _Parser(self.text).parse())

    @property
    def is_empty(self) -> bool:
        """True when the query has no terms and so matches everything."""
        return self._predicate is None

    def matches(self, article: Article) -> bool:
        """Whether ``article`` satisfies the query."""
        return self._predicate is None or self._predicate(article)

    def filter(self, articles: Iterable[Article]) -> list[Article]:
        """The matching articles, in order (a new list, even for the empty query)."""
        if self._predicate is None:
            return list(articles)
        return list(filter(self._predicate, articles))

    def first(
        self,
        articles: Sequence[Article],
        want: int,
        *,
        through: Article | None = None,
        after: int = 0,
        budget: int | None = None,
    ) -> FirstMatches | None:
        """The first matches of ``articles``, in order: a prefix of :meth:`filter`'s list.

        Enough to fill a screen without filtering everything: the scan stops once it has
        ``want`` matches and, when ``through`` (an article object of ``articles``) matches too,
        once it has passed it and ``after`` more. ``complete`` says the scan reached the end
        (the rows are then the whole result). None when that needs more than ``budget``
        articles scanned: a rare or absent word, left to a full :meth:`filter`.
        """
        pred = self._predicate
        if through is not None and pred is not None and not pred(through):
            through = None  # not among the matches: nothing to reach
        rows: list[Article] = []
        total = len(articles)
        start = 0
        seen_at = -1  # the index of ``through`` in rows, once found
        step = _FIRST_STEP
        limit = total if budget is None else min(total, budget)
        while start < total:
            if start >= limit:
                return None
            stop = min(limit, start + step)
            chunk = (
                articles[start:stop] if pred is None else list(filter(pred, articles[start:stop]))
            )
            if through is not None and seen_at < 0:
                for i, a in enumerate(chunk):
                    if a is through:
                        seen_at = len(rows) + i
                        break
            rows += chunk
            start = stop
            # The next step: about as many articles as the matches so far say are still
            # needed (a common word fills a screen in the first step, a rarer one in a few).
            missing = max(want - len(rows), after + 1)
            guess = missing * start // max(len(rows), 1) * 5 // 4
            step = max(_FIRST_STEP, min(guess, _FIRST_STEP_MAX))
            if len(rows) >= want and (through is None or 0 <= seen_at < len(rows) - after):
                return FirstMatches(rows, start >= total)
        return FirstMatches(rows, True)


#: Articles :meth:`Query.first` scans at least and at most in one step.
_FIRST_STEP = 256
_FIRST_STEP_MAX = 16384


class FirstMatches(NamedTuple):
    """What :meth:`Query.first` found: the first matching rows, and whether they are all."""

    rows: list[Article]
    complete: bool


def parse_query(text: str) -> Query:
    """Compile ``text`` into a :class:`Query`; raises :class:`QueryError` when malformed."""
    return Query(text)


_PLAIN_WORD = re.compile(r"[^\s:<>=\"()]+")


def narrows(old: str, new: str) -> bool:
    """True when every article ``new`` matches also matches ``old``: ``new`` only adds letters or
    words to a query of plain words (no fields, quotes, groups, negation or OR)."""
    if not new.startswith(old):
        return False
    words = new.split()
    return all(_PLAIN_WORD.fullmatch(w) and w[0] != "-" and w != "OR" for w in words)


# --- The syntax, for people ----------------------------------------------------------------------

#: The query language in one table, ``(term, what it matches)`` in Markdown: the README's table
#: is exactly these rows (a test checks) and ``newsreader help query`` prints them.
SYNTAX: tuple[tuple[str, str], ...] = (
    (
        '`word`, `"a phrase"`',
        "title, excerpt, provider or domain contains it (case-insensitive; all words must "
        "match; accents are ignored: `zurich` finds `Zürich`; curly quotes, dashes, `…` and "
        "no-break spaces match the `'`, `\"`, `-`, `...` and space you type)",
    ),
    ("`~word`", "fuzzy title: its letters in this order, others between (`~nvda` finds NVIDIA)"),
    ('`topic:AI`, `topic:"AI in Autos"`', "has that topic"),
    ("`provider:wboy`", "provider name or domain contains it"),
    ("`type:video`, `category:news`", "type / category"),
    (
        "`is:published`, `is:unpublished`, `is:warned`",
        "published state (Jekyll's rule), has warnings",
    ),
    ("`has:related`, `has:images`, `has:date`, `has:url`", "has any"),
    (
        "`quality>=40`, `heat<10`, `quality=40`",
        "numeric comparison (missing values never match)",
    ),
    ("`date>=2021-12-01`, `date<2022`, `date:2021-12`", "date comparison / prefix, in UTC"),
    ("`-term`", "not"),
    ("`a OR b`, `( ... )`", "either; terms are otherwise ANDed"),
)


def syntax_markdown() -> str:
    """The README's table of :data:`SYNTAX`."""
    rows = [f"| {term} | {meaning} |" for term, meaning in SYNTAX]
    return "\n".join(["| term | matches |", "|---|---|", *rows])


def syntax_help(width: int = 79) -> str:
    """:data:`SYNTAX` as plain text for a terminal: ``newsreader help query``."""
    terms = [(term.replace("`", ""), meaning.replace("`", "")) for term, meaning in SYNTAX]
    left = min(24, max(len(term) for term, _ in terms) + 2)
    lines = [
        "The query language (the filter, saved views and --query):",
        "",
    ]
    for term, meaning in terms:
        if len(term) + 2 > left:
            lines.append(term)
            term = ""
        wrapped = textwrap.wrap(meaning, max(20, width - left)) or [""]
        lines.append(term.ljust(left) + wrapped[0])
        lines += [" " * left + more for more in wrapped[1:]]
    lines += [
        "",
        "Example: newsreader list ~/seeds -q 'is:unpublished (topic:AI OR ~nvda) quality>=40'",
    ]
    return "\n".join(lines)
