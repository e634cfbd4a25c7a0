"""Tests for deciding a story in one step: ``story_decisions`` and ``Triage.decide``, which writes
mixed publish and unpublish changes as ONE journal batch (one undo step)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader import paths
from newsreader.reading.folder import build_index
from newsreader.writing.journal import Journal
from newsreader.writing.triage import Triage, story_decisions


def _file(title: str, published: str | None, extra: str = "") -> bytes:
    lines = [
        "---",
        f'title: "{title}"',
        "publishedDateTime: 2024-03-01T08:00:00Z",
        'webUrl: "https://t.example/' + title.lower().replace(" ", "-") + '"',
        "quality: 20",
    ]
    if published is not None:
        lines.append(f"published: {published}  # triage flag")
    if extra:
        lines.append(extra)
    lines += ["", "provider:", "  name: T", "---", ""]
    return "\n".join(lines).encode()


#: One story of four copies, and a copy dated in the future (the site cannot show it yet).
FILES = {
    "lead.md": _file("Lead", "false"),
    "pub.md": _file("Pub", "true"),
    "nokey.md": _file("No key", None),
    "hidden.md": _file("Hidden", "false"),
    "future.md": _file("Future", "false", extra="date: 2999-01-01"),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    root.mkdir()
    for rel, data in FILES.items():
        (root / rel).write_bytes(data)
    return root


def _triage(folder: Path) -> Triage:
    index = build_index(folder)
    return Triage(index, Journal(paths.journal_file(index.root)))


def _published(triage: Triage) -> dict[str, bool]:
    return {a.id: a.published for a in sorted(triage.index.articles, key=lambda a: a.id)}


@pytest.mark.parametrize(
    ("members", "lead", "expected"),
    [
        (["a", "b", "c"], "a", {"a": True, "b": False, "c": False}),
        (["a", "b", "c"], "c", {"c": True, "a": False, "b": False}),
        (["a", "b"], "b", {"b": True, "a": False}),
    ],
    ids=["the lead", "another member", "two members"],
)
def test_story_decisions_publish_the_lead_and_unpublish_the_rest(
    members: list[str], lead: str, expected: dict[str, bool]
) -> None:
    decisions = story_decisions(members, lead)
    assert decisions == expected
    assert next(iter(decisions)) == lead  # the lead first: the batch is described by it


def test_story_decisions_refuse_a_lead_outside_the_story() -> None:
    with pytest.raises(ValueError, match="not a member"):
        story_decisions(["a", "b"], "z")


#: (what is decided, changed in order, left unchanged, refused, required)
CASES = [
    (
        "publish the lead, unpublish the rest",
        story_decisions(["lead.md", "pub.md", "nokey.md", "hidden.md"], "lead.md"),
        ["lead.md", "pub.md", "nokey.md"],
        ["hidden.md"],
        [],
        (),
    ),
    (
        "another member as the lead",
        story_decisions(["lead.md", "pub.md", "nokey.md", "hidden.md"], "hidden.md"),
        ["hidden.md", "pub.md", "nokey.md"],
        ["lead.md"],
        [],
        (),
    ),
    (
        "already decided",
        story_decisions(["pub.md", "lead.md", "hidden.md"], "pub.md"),
        [],
        ["pub.md", "lead.md", "hidden.md"],
        [],
        (),
    ),
    (
        "a refused member is reported, the rest written",
        {"future.md": True, "pub.md": False},
        ["pub.md"],
        [],
        ["future.md"],
        (),
    ),
    (
        "a refused required lead writes nothing",
        {"future.md": True, "pub.md": False, "nokey.md": False},
        [],
        ["pub.md", "nokey.md"],
        ["future.md"],
        ("future.md",),
    ),
]


@pytest.mark.parametrize(
    ("name", "decisions", "changed", "unchanged", "refused", "required"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_decide_writes_one_batch_and_one_undo_restores_every_byte(
    folder: Path,
    name: str,
    decisions: dict[str, bool],
    changed: list[str],
    unchanged: list[str],
    refused: list[str],
    required: tuple[str, ...],
) -> None:
    triage = _triage(folder)
    outcome = triage.decide(decisions, "decide story", required=required)
    assert [c.id for c in outcome.changed] == changed
    assert sorted(outcome.unchanged) == sorted(unchanged)
    assert [f.id for f in outcome.failed] == refused
    if "future.md" in refused:
        assert "future" in outcome.failed[0].message
    for article_id in changed:
        assert triage.index.get(article_id).published is decisions[article_id]  # type: ignore[union-attr]
    if not changed:
        assert outcome.batch is None
        assert triage.journal.peek_undo() is None
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == FILES
        return
    assert outcome.batch is not None and len(outcome.batch.changes) == len(changed)
    assert outcome.batch.label == "decide story"
    after = {p.name: p.read_bytes() for p in folder.iterdir()}

    undone = triage.undo()  # ONE undo takes back the whole decision
    assert undone is not None and undone.ok
    assert sorted(c.id for c in undone.changed) == sorted(changed)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == FILES
    assert triage.undo() is None

    redone = triage.redo()
    assert redone is not None and redone.ok
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == after


def test_decide_reports_an_unknown_id(folder: Path) -> None:
    triage = _triage(folder)
    outcome = triage.decide({"lead.md": True, "gone.md": False})
    assert [c.id for c in outcome.changed] == ["lead.md"]
    assert [(f.id, f.message) for f in outcome.failed] == [("gone.md", "no such article")]
    assert _published(triage)["lead.md"] is True
