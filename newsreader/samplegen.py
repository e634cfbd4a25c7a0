"""A deterministic generator of synthetic article files, for the demo, tests and benchmarks.

Every word, name and domain here is made up. Every site is under the reserved ``.example`` TLD,
so a generated URL never names a real site (AMP-cache URLs keep the real cache pattern
``<host>.cdn.ampproject.org/c/s/<url>``, which URL matching must recognise, for those sites).

The files follow the real format: YAML front matter between ``---`` lines, keys in the usual
order, blank lines between groups, double-quoted strings with ``\\"`` escapes, curly quotes and
HTML entities, a few bare URLs with ``?&=``, unquoted timestamps, and an opaque ``secured`` blob.

The corpus is planned first (titles, dates, providers, URLs, same-story clusters and related
entries that point at other files of the corpus) and then rendered by building strings directly,
which keeps 100,000 files well under a minute. The same ``seed`` always gives the same bytes.

Command line: ``python -m newsreader.samplegen DIR COUNT [--seed N]``.
"""

from __future__ import annotations

import argparse
import base64
import functools
import os
import random
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

_T = TypeVar("_T")

DEFAULT_SEED = 7
#: Bumped whenever the same seed gives other files (kept corpora are then regenerated).
VERSION = 3
ARCHIVE_DIR = "archive"

# --- vocabularies (invented) -------------------------------------------------------------------

_ORGS = (
    "Korvane", "Helixon", "Brightmoor Labs", "Quillon", "Ardent Robotics", "Nimbus Forge",
    "Tesserine", "Oakhaven", "Veridian Motors", "Lumenfield", "Cobalt Harbor", "Parallax Health",
    "Synthwell", "Northbeam", "Gravitas Cloud", "Halcyon Systems", "Zephyrion", "Ironleaf Data",
    "Polaris Grid", "Saltmarsh Bio", "Orrery Analytics", "Kitewing", "Drumlin Semiconductor",
    "Fernhollow", "Amberline Auto", "Quarry Point", "Vantablue", "Mossgate", "Pellucid",
    "Cinderpath", "Wrenfield Capital", "Thistle Networks",
)  # fmt: skip
_VERBS = (
    "launches", "unveils", "expands", "rethinks", "open-sources", "tests", "doubles down on",
    "pauses", "acquires", "delays", "ships", "previews", "scales back", "bets on", "retires",
)  # fmt: skip
#: Product names (head + tail): a headline names the product, so that two unrelated events
#: rarely share a headline (the 11,000 "{org} {verb} {obj}" combinations alone repeat within days
#: at 100,000 files, and a same-story matcher cannot tell those chance repeats apart).
_NAME_HEADS = (
    "Tess", "Mira", "Vola", "Kest", "Orin", "Pax", "Lumo", "Nera", "Sable", "Quor", "Fenn",
    "Ivo", "Cora", "Dax", "Ember", "Juno", "Kairo", "Lyra", "Mako", "Nova", "Oxa", "Pike", "Rune",
    "Sora", "Talo", "Vex", "Wisp", "Yara", "Zel", "Brio", "Calder", "Delta", "Elsin", "Garo",
)  # fmt: skip
_NAME_TAILS = (
    "", "ra", "lin", "wave", "core", "ix", "ora", "ion", "dex", "flow", "mark", "nest", "path",
    "stone", "vale", "grid", "loop", "bit", "sense", "forge", "line", "scope", "kit", "wing",
)  # fmt: skip
_VERB_SWAPS = {
    "launches": "unveils",
    "unveils": "launches",
    "tests": "trials",
    "ships": "rolls out",
}
_OBJECTS = (
    "an edge inference platform", "a low-code app builder", "its second-generation AI chip",
    "a driverless shuttle pilot", "a privacy-first analytics suite",
    "a speech model for call centres",
    "a developer portal", "a data labelling marketplace", "autonomous delivery robots",
    "a model registry for regulated industries", "a solar forecasting service",
    "a vector search engine", "a robotic warehouse", "an open dataset of street scenes",
    "a chatbot for tax questions", "a carbon accounting tool", "a quantum simulator",
    "a fraud detection API", "a satellite imaging startup", "a medical imaging assistant",
    "self-driving taxis", "a workflow automation service", "a GPU cloud region",
)  # fmt: skip
_PLACES = (
    "Zürich", "Montréal", "São Paulo", "Kraków", "Málaga", "Reykjavík", "Besançon", "Lyon",
    "Osaka", "Denver", "Nairobi", "Oslo", "Austin", "Seoul", "Dublin", "Porto",
)  # fmt: skip
_AUDIENCES = ("small banks", "hospitals", "city planners", "app makers", "farmers", "insurers")
_TOPICS = (
    "AI", "AI", "AI", "Machine Learning", "Robotics", "Low-Code Apps", "Self-Driving",
    "AI Hardware", "Cloud AI", "Data Privacy", "Green Tech", "Space Tech", "Health AI",
    "Chip Design", "Automation", "Speech Tech",
)  # fmt: skip
_CJK_TITLES = (
    "新型推論チップが量産段階へ",
    "城市自动驾驶测试范围再次扩大",
    "AI 기반 번역 서비스 정식 출시",
    "物流ロボットの導入が地方倉庫にも広がる",
)
_EMOJI_MARKS = ("🚀", "🤖", "⚡")
_EMOJI_TITLES = (
    "🚀 {org} {verb} {obj}",
    "{org} {verb} {obj} 🤖",
    "⚡ Why {obj} matters for {aud}",
)
_SUBJECTS = (
    "The company", "A spokesperson for {org}", "{org}", "One analyst", "Its lead engineer",
    "A small team in {place}", "A regulator in {place}", "One early customer", "The startup",
    "The chief executive of {org}", "The lab",
)  # fmt: skip
_PREDICATES = (
    "said", "expects", "is rolling out", "has been testing", "plans to open", "will expand",
    "quietly shipped", "is betting on", "warned about", "introduced", "is still evaluating",
)  # fmt: skip
_TAILS = (
    "this week", "ahead of schedule", "after months of delays", "in a blog post on Tuesday",
    "according to people familiar with the plans", "for enterprise customers",
    "across three regions", "despite a tight budget", "as demand keeps climbing", "",
)  # fmt: skip
_QUOTABLES = (
    "AI-first",
    "boring but useful",
    "a step change",
    "production ready",
    "too early",
    "open",
)
_PROVIDER_HEADS = (
    "Daily", "Morning", "Evening", "Metro", "Harbor", "Summit", "Valley", "Circuit", "Signal",
    "Pulse", "Beacon", "Northern", "Coastal", "Prairie", "Silicon", "Riverside", "Capital",
)  # fmt: skip
_PROVIDER_TAILS = (
    "Ledger", "Courier", "Dispatch", "Gazette", "Chronicle", "Wire", "Review", "Post", "Times",
    "Journal", "Bulletin", "Observer", "Herald", "Digest",
)  # fmt: skip
_PROVIDER_ODD = (
    "Byte & Bolt", "Kestrel 9 News", "The Quiet Compiler", "Stack: Weekly", "9CIRCUIT",
    "O'Malley Tech Notes", "Café Robotique", "Tensor Tribune",
)  # fmt: skip
_SECTIONS = ("technology", "business", "news", "tech-science", "innovation", "ai")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_IMAGE_SIZES = ((1280, 853), (1200, 630), (800, 400), (700, 414), (1600, 900), (620, 347))
_VIDEO_HOST = "www.clipstream.example"

_SLOTS = (
    ("org", _ORGS),
    ("place", _PLACES),
    ("verb", _VERBS),
    ("obj", _OBJECTS),
    ("aud", _AUDIENCES),
    ("quote", _QUOTABLES),
)
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_SAFE_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .()-]*")
_YAML_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"})

_START = datetime(2019, 1, 1, tzinfo=UTC)
_SPAN_SECONDS = int((datetime(2024, 1, 1, tzinfo=UTC) - _START).total_seconds())
_OLD_SPAN_SECONDS = 180 * 86400


@dataclass(frozen=True, slots=True)
class _Provider:
    """A made-up news provider: display name, domain, the host its URLs use, URL style."""

    name: str
    domain: str
    host: str
    style: int
    logo: bool


@dataclass(slots=True)
class _Related:
    """One planned ``related`` entry (either another file of the corpus or an external story)."""

    title: str
    excerpt: str
    date: datetime
    url: str
    provider: _Provider
    quality: int
    amp: str = ""
    image: str = ""


@dataclass(slots=True)
class _Plan:
    """Everything needed to render one file."""

    title: str
    excerpt: str
    date: datetime
    provider: _Provider
    topics: tuple[str, ...]
    video: bool = False
    old: bool = False
    published: bool | None = True
    quality: int | None = None
    heat: int | None = None
    rel: str = ""
    web_url: str = ""
    original_url: str = ""
    bare_web_url: bool = False
    amp_url: str = ""
    with_amp: bool = False
    with_cdn_amp: bool = False
    video_id: str = ""
    images: list[str] = field(default_factory=list)
    related: list[_Related] = field(default_factory=list)
    in_cluster: bool = False


class _Generator:
    """Plans and renders one corpus from one seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        # The details that tell one event from another (product names) come from a second
        # stream, so adding them left every other draw of a corpus (dates, providers, files)
        # where it was.
        self.details = random.Random(seed * 1_000_003 + 17)
        # Bound once: the generator draws millions of numbers for a large corpus.
        self._random = self.rng.random
        self.providers = self._make_providers()
        self.sentences = [self._sentence() for _ in range(600)]
        self._clusters: list[list[_Plan]] = []

    # --- vocabulary helpers ---------------------------------------------------------------

    def _make_providers(self) -> list[_Provider]:
        """About seventy invented providers with their own domains and URL styles."""
        rng = self.rng
        combos = [f"{h} {t}" for h in _PROVIDER_HEADS for t in _PROVIDER_TAILS]
        names = rng.sample(combos, 60) + list(_PROVIDER_ODD)
        providers = []
        for name in names:
            ascii_name = _ascii(name).lower()
            domain = _SLUG_JUNK.sub("", ascii_name.replace("the ", "")) + ".example"
            style = rng.randrange(5)
            host = {2: domain, 3: "blog." + domain}.get(style, "www." + domain)
            providers.append(_Provider(name, domain, host, style, rng.random() < 0.3))
        return providers

    def pick(self, options: Sequence[_T]) -> _T:
        """One of ``options`` (cheaper than ``Random.choice``, and as deterministic)."""
        return options[int(self._random() * len(options))]

    def chance(self) -> float:
        """A float in [0, 1)."""
        return self._random()

    def below(self, n: int) -> int:
        """An int in [0, n)."""
        return int(self._random() * n)

    def between(self, low: int, high: int) -> int:
        """An int in [low, high], both ends included."""
        return low + int(self._random() * (high - low + 1))

    def _fill(self, template: str, named: bool = False) -> str:
        """Fill the ``{org}``/``{place}``/... slots of a template (only those it uses).

        ``named``: the object is a named product ("an edge inference platform" becomes "Tessra
        edge inference platform"), as a headline names it.
        """
        pick = self.pick
        slots = {name: pick(options) for name, options in _SLOTS if "{" + name in template}
        if "{org2" in template:
            slots["org2"] = pick([o for o in _ORGS if o != slots["org"]])
        if named and "obj" in slots:
            slots["obj"] = self._named(slots["obj"])
        return template.format(**slots)

    def _cjk_title(self) -> str:
        """A CJK headline, naming its product (four fixed headlines would repeat within days)."""
        headline = self.pick(_CJK_TITLES)
        choice = self.details.choice
        return f"{choice(_NAME_HEADS)}{choice(_NAME_TAILS)} {headline}"

    def _named(self, obj: str) -> str:
        """The object with a product name from the details stream."""
        choice = self.details.choice
        name = choice(_NAME_HEADS) + choice(_NAME_TAILS)
        article, _, rest = obj.partition(" ")
        if article in ("a", "an"):
            return f"{name} {rest}"
        if article == "its":
            return f"its {name} {rest}"
        return f"{name} {obj}"

    def _sentence(self) -> str:
        """One excerpt sentence, sometimes with quotes, entities or non-breaking spaces."""
        text = self._fill(
            f"{self.pick(_SUBJECTS)} {self.pick(_PREDICATES)} {{obj}} {self.pick(_TAILS)}"
        ).rstrip()
        roll = self.chance()
        if roll < 0.12:
            text += f', calling it "{self.pick(_QUOTABLES)}"'
        elif roll < 0.22:
            text += f", calling it “{self.pick(_QUOTABLES)}”"
        elif roll < 0.30:
            text = text.replace(" is ", "&#8217;s ", 1) if " is " in text else text + " again"
        elif roll < 0.36:
            text = text.replace(" ", "&nbsp;", 1)
        elif roll < 0.42:
            text = text.replace(" ", "\u00a0", 1)
        text = text[0].upper() + text[1:]
        return text + "."

    def title(self) -> str:
        """A headline from one of several patterns, a few with non-ASCII characters."""
        roll = self.chance()
        if roll < 0.004:
            return self._cjk_title()
        if roll < 0.008:
            return self._fill(self.pick(_EMOJI_TITLES), named=True)
        if roll < 0.10:
            pattern = "{org} {verb} {obj}, calls it ‘{quote}’"
        elif roll < 0.16:
            pattern = "{org} {verb} {obj} in {place}"
        elif roll < 0.26:
            pattern = "{org} and {org2} team up on {obj}"
        elif roll < 0.34:
            pattern = "Why {obj} matters for {aud}"
        elif roll < 0.40:
            pattern = self.pick(_TOPICS) + ": {org} {verb} {obj}"
        elif roll < 0.44:
            pattern = '{org} calls {obj} "{quote}"'
        else:
            pattern = "{org} {verb} {obj}"
        text = self._fill(pattern, named=True)
        return text[0].upper() + text[1:]

    def excerpt(self, low: int = 140, high: int = 420) -> str:
        """A paragraph from the sentence pool, often cut mid-sentence or ending in an ellipsis."""
        text = " ".join(self.pick(self.sentences) for _ in range(self.between(2, 5)))
        limit = self.between(low, high)
        if len(text) <= limit:
            return text
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > 40 else limit].rstrip(" ,")
        return text + self.pick(("", "", "", " ...", "...", "&#8230;", "…"))

    def date(self, old: bool = False) -> datetime:
        """A date in 2019–2023 (the first half of 2019 for old files); some with real seconds."""
        span = _OLD_SPAN_SECONDS if old else _SPAN_SECONDS
        when = _START + timedelta(seconds=self.below(span))
        return when if self.chance() < 0.3 else when.replace(second=0)

    def topics(self) -> tuple[str, ...]:
        """One to three distinct topics."""
        picked = [self.pick(_TOPICS) for _ in range(self.between(1, 3))]
        return tuple(dict.fromkeys(picked))

    def quality(self) -> int:
        """A ranking score, mostly low, 0 to 200."""
        return min(200, int(self.rng.expovariate(1 / 55)))

    def heat(self, quality: int) -> int:
        """Usually the quality, sometimes -1, sometimes unrelated."""
        roll = self.chance()
        if roll < 0.65:
            return quality
        return -1 if roll < 0.85 else self.between(0, 200)

    def hexid(self, n: int) -> str:
        """``n`` random hex digits."""
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    # --- planning ----------------------------------------------------------------------------

    def plan(self, count: int) -> list[_Plan]:
        """Plan ``count`` files: attributes, clusters, names, URLs and related entries."""
        plans = [self._plan_one() for _ in range(count)]
        self._make_clusters(plans)
        self._ensure_special_titles(plans)
        used: set[str] = set()
        for plan in plans:
            self._name_and_urls(plan, used)
        self._add_related(plans)
        return plans

    def _plan_one(self) -> _Plan:
        old = self.chance() < 0.03
        plan = _Plan(
            title=self.title(),
            excerpt=self.excerpt(),
            date=self.date(old),
            provider=self.pick(self.providers),
            topics=self.topics(),
            old=old,
            video=self.chance() < 0.02,
        )
        if old:
            plan.published = None
        else:
            plan.quality = self.quality()
            plan.heat = self.heat(plan.quality)
            plan.published = self.chance() < 0.62
        plan.with_amp = self.chance() < 0.06
        plan.with_cdn_amp = plan.with_amp and self.chance() < 0.7
        return plan

    def _ensure_special_titles(self, plans: list[_Plan]) -> None:
        """Even a small corpus (the demo's 300) gets a CJK title and an emoji title."""
        free = [p for p in plans if not p.in_cluster]
        if len(plans) < 50 or len(free) < 2:
            return
        first, second = self.rng.sample(free, 2)
        if not any(p.title.endswith(_CJK_TITLES) for p in plans):
            first.title = self._cjk_title()
        if not any(_has_emoji(p.title) for p in plans):
            second.title = self._fill(self.pick(_EMOJI_TITLES), named=True)

    def _make_clusters(self, plans: list[_Plan]) -> None:
        """Same-story clusters: one story covered by 3–5 providers with near-identical titles."""
        rng = self.rng
        eligible = [i for i, p in enumerate(plans) if not p.video]
        clusters = max(1, len(plans) // 80) if len(plans) >= 10 else 0
        picked = rng.sample(eligible, min(len(eligible), clusters * 5))
        members_list: list[list[_Plan]] = []
        while len(picked) >= 3 and len(members_list) < clusters:
            size = min(len(picked), self.between(3, 5))
            members = [plans[i] for i in picked[:size]]
            del picked[:size]
            self._shape_cluster(members)
            members_list.append(members)
        self._clusters = members_list

    def _shape_cluster(self, members: list[_Plan]) -> None:
        rng = self.rng
        base = self._fill("{org} {verb} {obj}", named=True)
        base = base[0].upper() + base[1:]
        when = self.date()
        providers = rng.sample(self.providers, len(members))
        topics = self.topics()
        for n, (plan, provider) in enumerate(zip(members, providers, strict=True)):
            plan.title = _title_variant(base, provider.name, n, rng)
            plan.date = when + timedelta(minutes=self.between(0, 36 * 60))
            plan.provider = provider
            plan.topics = topics
            plan.in_cluster = True

    def _name_and_urls(self, plan: _Plan, used: set[str]) -> None:
        """Pick the file name (unique) and the article's URLs."""
        rng = self.rng
        slug = _slugify(plan.title)
        folder = f"{ARCHIVE_DIR}/" if self.chance() < 0.1 else ""
        if slug and self.chance() < 0.8:
            ext = ".md" if self.chance() < 0.95 else ".txt"
            stem = f"{plan.date:%Y-%m-%d}-{slug}"
        else:
            ext = ".txt" if self.chance() < 0.9 else ".md"
            stem = f"{self.below(1000):03d}_{self.hexid(16)}"
        name, n = stem, 1
        while f"{folder}{name}{ext}" in used:
            n += 1
            name = f"{stem}-{n}"
        plan.rel = f"{folder}{name}{ext}"
        used.add(plan.rel)
        slug = slug or self.hexid(12)
        if plan.video:
            plan.video_id = _b64id(rng.randbytes(8))
            plan.original_url = f"https://{_VIDEO_HOST}/watch?v={plan.video_id}"
        else:
            plan.web_url, slug = self._unique_url(plan, slug, used)
            plan.bare_web_url = self.chance() < 0.1
            roll = self.chance()
            if roll < 0.1:
                plan.original_url = ""
            elif roll < 0.18:
                utm = "utm_source=rss&utm_medium=feed&utm_campaign=" + slug[:20]
                plan.original_url = f"https://feeds.{plan.provider.domain}/~r/{slug}?{utm}"
            else:
                plan.original_url = plan.web_url
            plan.amp_url = _amp_variant(plan.web_url)
        plan.images = self._images(plan)

    def _unique_url(self, plan: _Plan, slug: str, used: set[str]) -> tuple[str, str]:
        """A story URL (and its slug) no other file has, ignoring scheme, ``www.`` and final ``/``.

        Related entries resolve by URL, so two files sharing one would make resolution ambiguous.
        """
        if plan.provider.style == 4:
            # This style keeps short slugs; cut before numbering so the number survives.
            slug = slug[:48].rstrip("-")
        base_slug, n = slug, 1
        while True:
            url = self._story_url(plan.provider, plan.date, slug)
            key = "url:" + _url_key(url)
            if key not in used:
                used.add(key)
                return url, slug
            n += 1
            slug = f"{base_slug}-{n}"

    def _story_url(self, provider: _Provider, when: datetime, slug: str) -> str:
        """A story URL in the provider's own style."""
        base = f"https://{provider.host}"
        style = provider.style
        if style == 0:
            return f"{base}/{self.pick(_SECTIONS)}/{slug}/"
        if style == 1:
            return f"{base}/{when:%Y/%m/%d}/{slug}/"
        if style == 2:
            return f"{base}/news/{slug}-{self.between(10**7, 10**8 - 1)}"
        if style == 3:
            return f"{base}/en-us/blog/{slug}/"
        month = _MONTHS[when.month - 1]
        return f"{base}/stories/{when.year}/{month}/{when.day:02d}/{slug}/"

    def _images(self, plan: _Plan) -> list[str]:
        """The rendered ``images:`` entries (0–2), some with bare URLs full of ``?&=``."""
        lines: list[str] = []
        count = 1 if plan.video else self.pick((0, 1, 1, 1, 1, 1, 1, 2))
        for _ in range(count):
            width, height = self.pick(_IMAGE_SIZES)
            if plan.video:
                url = _q(f"https://img.clipstream.example/vi/{plan.video_id}/maxres.jpg")
                width, height = 1280, 720
            elif self.chance() < 0.12:
                dom = plan.provider.domain
                src = f"https://media.{dom}/{plan.date:%Y/%m/%d}/{self.below(10**6)}.jpg"
                url = (
                    f"https://img.{dom}/process/{width}x{height}?source={src}"
                    f"&operation=CROP&offset=0x{self.below(200)}&resize=1920x1080"
                )
            else:
                url = _q(
                    f"https://{plan.provider.host}/wp-content/uploads/{plan.date:%Y/%m}/"
                    f"{self.hexid(24)}.jpg?w={width}"
                )
            lines.append(f"  - url: {url}\n    width: {width}\n    height: {height}\n")
            if self.chance() < 0.85:
                lines.append("    isCached: true\n")
            if self.chance() < 0.1:
                lines.append(f"    title: {_q(plan.title)}\n")
        return lines

    def _add_related(self, plans: list[_Plan]) -> None:
        """Related entries: cluster members point at each other; ~3% of other files get some."""
        rng = self.rng
        targets = [p for p in plans if not p.video]
        for members in self._clusters:
            for plan in members:
                others = [m for m in members if m is not plan]
                entries = [self._internal(other) for other in others]
                entries += [self._external(plan) for _ in range(self.between(0, 2))]
                plan.related = entries
        for plan in plans:
            if plan.in_cluster or self.chance() >= 0.03:
                continue
            total = self.between(2, 8)
            internal = min(self.between(0, 3), total, len(targets) - 1)
            sample = rng.sample(targets, min(len(targets), internal + 1))
            chosen = [t for t in sample if t is not plan]
            entries = [self._internal(t) for t in chosen[:internal]]
            entries += [self._external(plan) for _ in range(total - len(entries))]
            rng.shuffle(entries)
            plan.related = entries

    def _internal(self, target: _Plan) -> _Related:
        """A related entry for another file of the corpus, by one of its URL variants."""
        url = target.web_url
        roll = self.chance()
        if roll < 0.15:
            # Only use the AMP form when the target file itself lists it, so it resolves exactly.
            target.with_amp = True
            url = target.amp_url
        elif roll < 0.3:
            url = "http://" + url.removeprefix("https://")
        elif roll < 0.45 and "://www." in url:
            url = url.replace("://www.", "://", 1)
        elif roll < 0.6:
            url = url[:-1] if url.endswith("/") else url + "/"
        return _Related(
            title=target.title,
            excerpt=target.excerpt if self.chance() < 0.5 else self.excerpt(200, 600),
            date=target.date,
            url=url,
            provider=target.provider,
            quality=target.quality if target.quality is not None else self.quality(),
            amp=target.amp_url if self.chance() < 0.3 else "",
            image=self._related_image(target.provider),
        )

    def _external(self, plan: _Plan) -> _Related:
        """A related entry for a story that is not in the corpus."""
        provider = self.pick(self.providers)
        title = self.title()
        slug = (_slugify(title) or "story")[:60].rstrip("-")
        url = f"https://{provider.host}/story/{slug}-{self.hexid(8)}"
        return _Related(
            title=title,
            excerpt=self.excerpt(200, 650),
            date=plan.date + timedelta(minutes=self.between(-3000, 3000)),
            url=url,
            provider=provider,
            quality=self.quality(),
            amp=url + "?amp-content=amp" if self.chance() < 0.3 else "",
            image=self._related_image(provider),
        )

    def _related_image(self, provider: _Provider) -> str:
        if self.chance() < 0.4:
            return ""
        return f"https://thumb.{provider.domain}/{self.hexid(20)}/480x0/photo.jpg"

    # --- rendering ---------------------------------------------------------------------------

    def render(self, plan: _Plan) -> str:
        """The file's text, keys in the usual order and groups separated by blank lines."""
        out = ["---\ncategory: news\n", f"title: {_q(plan.title)}\n"]
        out.append(f"excerpt: {_q(plan.excerpt)}\n")
        out.append(f"publishedDateTime: {_ts(plan.date)}\n")
        if plan.original_url:
            url = plan.original_url
            out.append(f"originalUrl: {url if '?' in url and not plan.video else _q(url)}\n")
        if plan.web_url:
            url = plan.web_url
            out.append(f"webUrl: {url if plan.bare_web_url else _q(url)}\n")
            if plan.with_amp:
                out.append(f"ampWebUrl: {_q(plan.amp_url)}\n")
            if plan.with_amp and plan.with_cdn_amp:
                out.append(f"cdnAmpWebUrl: {_q(_cdn_amp(plan.amp_url))}\n")
        out.append(f"type: {'video' if plan.video else 'article'}\n")
        if plan.quality is not None:
            out.append(f"quality: {plan.quality}\nheat: {plan.heat}\n")
        if plan.published is not None:
            out.append(f"published: {'true' if plan.published else 'false'}\n")
        if plan.video:
            out.append(f"\nfeaturedContent: {_q(_iframe(plan.video_id))}\n")
        out.append(_provider_block(plan.provider, ""))
        out.append("\ntopics:\n")
        out.extend(f"  - {_scalar(t)}\n" for t in plan.topics)
        if plan.images:
            out.append("\nimages:\n")
            out.extend(plan.images)
        if plan.related:
            out.append("\nrelated:\n")
            out.extend(_render_related(r) for r in plan.related)
        out.append(f"\nsecured: {_q(self._secured())}\n---\n\n")
        return "".join(out)

    def _secured(self) -> str:
        """An opaque base64 blob of random bytes, a ``;`` and a short tail."""
        rng = self.rng
        head = base64.b64encode(rng.randbytes(self.between(240, 420))).decode("ascii")
        return head + ";" + base64.b64encode(rng.randbytes(16)).decode("ascii")


# --- rendering helpers ---------------------------------------------------------------------


def _q(text: str) -> str:
    """A double-quoted YAML scalar (the generator never produces control characters)."""
    if "\\" in text or '"' in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


@functools.cache
def _scalar(text: str) -> str:
    """Bare when YAML would read it back as the same plain string, else double-quoted."""
    if _SAFE_PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return _q(text)


def _ts(when: datetime) -> str:
    """An unquoted UTC timestamp such as ``2021-12-28T02:28:00Z``."""
    return when.isoformat().replace("+00:00", "Z")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _slugify(title: str) -> str:
    """The Jekyll-like slug of a title; empty for titles with no ASCII letters or digits."""
    slug = _SLUG_JUNK.sub("-", _ascii(title).lower()).strip("-")
    return slug[:90].rstrip("-")


def _has_emoji(text: str) -> bool:
    return any(mark in text for mark in _EMOJI_MARKS)


def _url_key(url: str) -> str:
    """A URL without its scheme, a leading ``www.`` and a trailing ``/``."""
    rest = url.split("://", 1)[-1]
    return rest.removeprefix("www.").rstrip("/")


def _b64id(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _amp_variant(url: str) -> str:
    """The AMP form of a story URL, in one of the two shapes real sites use."""
    return url + "amp/" if url.endswith("/") else url + "?amp-content=amp"


def _cdn_amp(amp_url: str) -> str:
    scheme_less = amp_url.removeprefix("https://")
    host = scheme_less.split("/", 1)[0]
    return f"https://{host.replace('.', '-')}.cdn.ampproject.org/c/s/{scheme_less}"


def _iframe(video_id: str) -> str:
    return (
        f'<iframe width="800" height="500" frameborder="0" '
        f'src="https://{_VIDEO_HOST}/embed/{video_id}" '
        f'allow="accelerometer; autoplay; encrypted-media; picture-in-picture" '
        f"allowfullscreen></iframe>"
    )


@functools.cache
def _provider_block(provider: _Provider, indent: str) -> str:
    """The ``provider:`` map; top-level blocks (no indent) start a new group."""
    lead = "\n" if not indent else ""
    text = (
        f"{lead}{indent}provider:\n"
        f"{indent}  name: {_scalar(provider.name)}\n"
        f"{indent}  domain: {provider.domain}\n"
    )
    if provider.logo and not indent:
        logo = f"https://assets.everyfeed.example/organizations/{provider.domain}-50x50.jpg"
        text += f"  images:\n    - url: {_q(logo)}\n      width: 50\n      height: 50\n"
    return text


def _render_related(entry: _Related) -> str:
    out = [
        f"  - title: {_q(entry.title)}\n",
        f"    excerpt: {_q(entry.excerpt)}\n",
        f"    publishedDateTime: {_ts(entry.date)}\n",
        f"    webUrl: {_q(entry.url)}\n",
    ]
    if entry.amp:
        out.append(f"    ampWebUrl: {_q(entry.amp)}\n")
        out.append(f"    cdnAmpWebUrl: {_q(_cdn_amp(entry.amp))}\n")
    out.append("    type: article\n")
    out.append(_provider_block(entry.provider, "    "))
    out.append(f"    quality: {entry.quality}\n")
    if entry.image:
        out.append(
            f"    images:\n      - url: {_q(entry.image)}\n"
            "        width: 480\n        height: 320\n        isCached: true\n"
        )
    return "".join(out)


def _title_variant(base: str, provider_name: str, n: int, rng: random.Random) -> str:
    """A near-identical rewording of a cluster's headline, as another provider would run it."""
    if n == 0:
        return base
    roll = rng.randrange(5)
    if roll == 0:
        return f"{base} - {provider_name}"
    if roll == 1:
        return f"{base} | {provider_name}"
    if roll == 2:
        return f"Update: {base}"
    if roll == 3:
        return f"{base}, sources say"
    for old, new in _VERB_SWAPS.items():
        if f" {old} " in base:
            return base.replace(f" {old} ", f" {new} ", 1)
    return base + " (report)"


def _write(path: Path, data: bytes) -> None:
    """Write bytes with plain os calls: cheaper than file objects for 100,000 small files."""
    # Bytes, not text mode: the files must be identical on every platform (LF endings).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


# --- public API ----------------------------------------------------------------------------


def generate_corpus(folder: Path, count: int, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write ``count`` synthetic article files under ``folder`` and return their paths.

    The same ``seed`` always produces the same names and bytes. About 10% of the files go in an
    ``archive/`` subfolder. Existing files with the same names are overwritten; other files in
    the folder are left alone.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    generator = _Generator(seed)
    plans = generator.plan(count)
    folder.mkdir(parents=True, exist_ok=True)
    if any(p.rel.startswith(ARCHIVE_DIR + "/") for p in plans):
        (folder / ARCHIVE_DIR).mkdir(exist_ok=True)
    paths = []
    for plan in plans:
        path = folder / plan.rel
        _write(path, generator.render(plan).encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m newsreader.samplegen DIR COUNT [--seed N]``: write a synthetic corpus."""
    parser = argparse.ArgumentParser(
        prog="python -m newsreader.samplegen",
        description="Write a deterministic corpus of synthetic article files.",
    )
    parser.add_argument("dir", type=Path, help="folder to write into (created if needed)")
    parser.add_argument("count", type=int, help="number of files to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 7)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("COUNT must not be negative")
    paths = generate_corpus(args.dir, args.count, args.seed)
    print(f"wrote {len(paths)} files to {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
