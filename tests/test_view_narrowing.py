"""Typing on in the filter narrows the last result instead of filtering the whole folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.articles.query import narrows, parse_query
from newsreader.config import Settings
from newsreader.tui.app import make_app
from tests.apphelpers import ready, write_small_folder

CASES = [
    ("", "al", True),
    ("al", "alp", True),
    ("alpha", "alpha story", True),
    ("Al", "Alpha", True),
    ("self", "self-driving", True),
    ("alp", "al", False),  # shorter: more can match
    ("al", "bl", False),
    ("quality>=4", "quality>=40", False),  # fields are never narrowed
    ("topic:A", "topic:AI", False),
    ("a", "a -b", False),
    ("a", "a O", True),
    ("a O", "a OR", False),
    ('"a', '"ab"', False),
    ("(a", "(ab)", False),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES, ids=[f"{o}->{n}" for o, n, _ in CASES])
def test_narrows(old: str, new: str, expected: bool) -> None:
    assert narrows(old, new) is expected


async def test_typing_on_gives_what_a_fresh_filter_gives(tmp_path: Path) -> None:
    folder = write_small_folder(tmp_path / "news")
    app = make_app(folder, Settings(restore_session=False, watch=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        screen = app.main
        every = screen.compute_view()
        for text in ("s", "st", "sto", "story", "story b", "story br", "story", "x"):
            screen.filter_query = parse_query(text)
            narrowed = screen.compute_view()
            assert narrowed == parse_query(text).filter(every), text
