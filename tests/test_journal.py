"""Tests for newsreader.writing.journal: undo/redo stacks persisted as JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.writing.journal import Batch, Change, Journal, JournalError

ONE = (Change("a.md", False, True),)
THREE = (
    Change("a.md", False, True),
    Change("sub/b.md", None, True),
    Change("c.txt", True, None),
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    # A parent that does not exist yet: the journal creates it on first write.
    return tmp_path / "state" / "journals" / "folder.jsonl"


def stacks(journal: Journal) -> tuple[list[int], int | None, int | None]:
    """The numbers of the done batches and the tops of both stacks."""
    undo, redo = journal.peek_undo(), journal.peek_redo()
    return (
        [b.number for b in journal.history()],
        undo.number if undo else None,
        redo.number if redo else None,
    )


def test_missing_file_is_empty(path: Path) -> None:
    journal = Journal(path)
    assert journal.peek_undo() is None
    assert journal.peek_redo() is None
    assert journal.history() == []
    assert not path.exists()  # loading never writes


def test_record_creates_file_and_batch(path: Path) -> None:
    journal = Journal(path)
    batch = journal.record(THREE, label="publish 3")
    assert batch.changes == THREE
    assert batch.label == "publish 3"
    assert journal.peek_undo() == batch
    assert journal.history() == [batch]
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["op"] for r in records] == ["begin", "file", "file", "file", "end"]
    assert {r["n"] for r in records} == {1}


def test_record_accepts_any_iterable(path: Path) -> None:
    batch = Journal(path).record(iter(ONE))
    assert batch.changes == ONE
    assert batch.label == ""


def test_empty_batch_refused(path: Path) -> None:
    with pytest.raises(ValueError):
        Journal(path).record([])
    assert not path.exists()


def test_undo_redo_stacks(path: Path) -> None:
    journal = Journal(path)
    first = journal.record(ONE, "first")
    second = journal.record(THREE, "second")
    assert stacks(journal) == ([1, 2], 2, None)

    journal.mark_undone(second)
    assert stacks(journal) == ([1], 1, 2)
    journal.mark_undone(first)
    assert stacks(journal) == ([], None, 1)

    journal.mark_redone(first)
    assert stacks(journal) == ([1], 1, 2)
    journal.mark_redone(second)
    assert stacks(journal) == ([1, 2], 2, None)
    assert journal.peek_undo() == second


def test_batch_is_undone_as_one(path: Path) -> None:
    journal = Journal(path)
    batch = journal.record(THREE)
    journal.mark_undone(batch)
    redo = journal.peek_redo()
    assert redo is not None
    assert redo.changes == THREE  # every change comes back together
    assert journal.peek_undo() is None


def test_new_record_clears_redo(path: Path) -> None:
    journal = Journal(path)
    journal.mark_undone(journal.record(ONE))
    assert journal.peek_redo() is not None
    journal.record(THREE)
    assert journal.peek_redo() is None
    assert Journal(path).peek_redo() is None  # also after a restart


def test_marking_the_wrong_batch_is_refused(path: Path) -> None:
    journal = Journal(path)
    first = journal.record(ONE)
    journal.record(THREE)
    with pytest.raises(ValueError):
        journal.mark_undone(first)
    with pytest.raises(ValueError):
        journal.mark_redone(first)
    assert stacks(journal) == ([1, 2], 2, None)


RESTART_STEPS = [
    ("recorded", [], ([1, 2, 3], 3, None)),
    ("one undone", ["undo"], ([1, 2], 2, 3)),
    ("all undone", ["undo", "undo", "undo"], ([], None, 1)),
    ("undone and redone", ["undo", "undo", "redo"], ([1, 2], 2, 3)),
]


@pytest.mark.parametrize(
    ("name", "steps", "expected"), RESTART_STEPS, ids=[s[0] for s in RESTART_STEPS]
)
def test_restart_persistence(
    path: Path, name: str, steps: list[str], expected: tuple[list[int], int | None, int | None]
) -> None:
    journal = Journal(path)
    for changes in (ONE, THREE, ONE):
        journal.record(changes, label=f"{len(changes)} changes")
    for step in steps:
        if step == "undo":
            batch = journal.peek_undo()
            assert batch is not None
            journal.mark_undone(batch)
        else:
            batch = journal.peek_redo()
            assert batch is not None
            journal.mark_redone(batch)
    assert stacks(journal) == expected
    reloaded = Journal(path)
    assert stacks(reloaded) == expected
    assert reloaded.history() == journal.history()
    assert reloaded.peek_redo() == journal.peek_redo()


def test_numbers_continue_after_restart(path: Path) -> None:
    Journal(path).record(ONE)
    assert Journal(path).record(THREE).number == 2


def test_values_and_names_round_trip(path: Path) -> None:
    changes = (Change("caf\u00e9/\udcff-odd.md", None, False), Change("x.md", True, None))
    batch = Journal(path).record(changes, label="r\u00e9sum\u00e9 \u2014 2")
    loaded = Journal(path).peek_undo()
    assert loaded == batch
    assert isinstance(loaded, Batch)
    assert loaded.changes[0].old is None
    assert path.read_bytes().isascii()


def test_truncated_last_line_is_tolerated(path: Path) -> None:
    journal = Journal(path)
    first = journal.record(ONE)
    whole = path.read_bytes()
    first_line = whole[: whole.index(b"\n")]
    # A crash in the middle of the next append leaves half a line without its newline.
    path.write_bytes(whole + first_line[: len(first_line) // 2].replace(b'"n":1', b'"n":2'))
    reloaded = Journal(path)
    assert reloaded.history() == [first]
    second = reloaded.record(THREE)
    # The new record starts on a fresh line, so it survives the next restart.
    assert [b.number for b in Journal(path).history()] == [1, second.number]


CORRUPT_LINES = [
    ("not json", b"{oops"),
    ("not an object", b"[1, 2]"),
    ("unknown op", b'{"op": "drop", "n": 1}'),
    ("number missing", b'{"op": "undo"}'),
    ("boolean number", b'{"op": "undo", "n": true}'),
    (
        "change not a flag",
        b'{"op":"batch","n":5,"time":1,"label":"","changes":[{"id":"a","old":1,"new":true}]}',
    ),
    (
        "change without id",
        b'{"op":"batch","n":5,"time":1,"label":"","changes":[{"old":true,"new":false}]}',
    ),
    ("no changes", b'{"op":"batch","n":5,"time":1,"label":"","changes":[]}'),
    (
        "bad time",
        b'{"op":"batch","n":5,"time":"now","label":"","changes":[{"id":"a","old":true,"new":false}]}',
    ),
    ("stray undo marker", b'{"op": "undo", "n": 99}'),
    ("stray redo marker", b'{"op": "redo", "n": 1}'),
    ("invalid utf-8", b"\xff\xfe"),
    ("blank", b""),
]


@pytest.mark.parametrize(("name", "line"), CORRUPT_LINES, ids=[c[0] for c in CORRUPT_LINES])
def test_corrupt_lines_are_skipped(path: Path, name: str, line: bytes) -> None:
    journal = Journal(path)
    journal.record(ONE)
    with path.open("ab") as handle:
        handle.write(line + b"\n")
    journal = Journal(path)
    journal.record(THREE)
    assert stacks(Journal(path)) == ([1, 2], 2, None)


def test_unreadable_journal_raises(tmp_path: Path) -> None:
    folder = tmp_path / "is-a-directory.jsonl"
    folder.mkdir()
    with pytest.raises(JournalError, match="cannot read journal"):
        Journal(folder)


def test_unwritable_journal_raises(path: Path) -> None:
    journal = Journal(path)
    path.mkdir(parents=True)  # something else takes the name after loading
    with pytest.raises(JournalError, match=r"cannot (read|write) journal"):
        journal.record(ONE)
    assert journal.peek_undo() is None  # nothing recorded in memory either


# --- the write-ahead records ------------------------------------------------------------------

EXACT = Change("a.md", False, True, ("no", "true"), "00aa", "11bb", ".newsreader-0123456789ab.tmp")


def test_file_intents_keep_exact_tokens_digests_and_temp_names(path: Path) -> None:
    journal = Journal(path)
    with journal.locked():
        number = journal.begin("publish")
        journal.intend(number, [EXACT])
        batch = journal.end(number, 1)
    assert batch is not None
    loaded = Journal(path).peek_undo()
    assert loaded is not None and loaded.changes == (EXACT,)
    change = loaded.changes[0]
    assert (change.tokens, change.before, change.after, change.tmp) == (
        ("no", "true"),
        "00aa",
        "11bb",
        ".newsreader-0123456789ab.tmp",
    )


def test_begin_needs_the_lock(path: Path) -> None:
    with pytest.raises(ValueError, match="locked"):
        Journal(path).begin("x")


def test_an_open_batch_is_seen_by_another_instance_and_recovered(path: Path) -> None:
    writer = Journal(path)
    with writer.locked():
        number = writer.begin("publish")
        writer.intend(number, [EXACT])
    # The writer "dies" here: no end record.
    other = Journal(path)
    op = other.open_operation()
    assert op is not None and (op.kind, op.number) == ("batch", number)
    assert op.temps == (("a.md", EXACT.tmp),)
    removed: list[tuple[str, str]] = []
    assert other.recover(lambda i, t: removed.append((i, t))) == op
    assert removed == [("a.md", EXACT.tmp)]
    batch = other.peek_undo()
    assert batch is not None and batch.interrupted and batch.number == number
    assert Journal(path).open_operation() is None
    assert Journal(path).peek_undo() == batch


def test_numbers_are_allocated_under_the_lock_across_instances(path: Path) -> None:
    first, second = Journal(path), Journal(path)  # both loaded the same (empty) journal
    one = first.record(ONE)
    two = second.record(THREE)
    assert (one.number, two.number) == (1, 2)
    with first.locked():  # catches up with what the other appended
        assert stacks(first) == ([1, 2], 2, None)


def test_a_batch_that_changed_nothing_is_dropped(path: Path) -> None:
    journal = Journal(path)
    with journal.locked():
        number = journal.begin("publish")
        journal.intend(number, [EXACT])
        assert journal.end(number, 0) is None
    assert Journal(path).peek_undo() is None


def test_a_closed_step_leaves_the_batch_a_marked_one_moves_it(path: Path) -> None:
    journal = Journal(path)
    batch = journal.record([EXACT])
    with journal.locked():
        journal.intend_step(batch, "undo", [("a.md", ".newsreader-aaaaaaaaaaaa.tmp")])
        assert Journal(path).open_operation() is not None
        journal.close_step(batch.number)
    assert Journal(path).peek_undo() == batch and Journal(path).open_operation() is None
    with journal.locked():
        journal.intend_step(batch, "undo", [])
        journal.mark_undone(batch)
    assert stacks(Journal(path)) == ([], None, batch.number)


def test_a_killed_step_is_closed_by_recovery(path: Path) -> None:
    journal = Journal(path)
    batch = journal.record([EXACT])
    with journal.locked():
        journal.intend_step(batch, "undo", [("a.md", ".newsreader-aaaaaaaaaaaa.tmp")])
    other = Journal(path)
    op = other.recover(lambda i, t: None)
    assert op is not None and op.kind == "undo"
    assert other.peek_undo() == batch  # still to undo


def test_foreign_and_torn_lines_between_write_ahead_records(path: Path) -> None:
    journal = Journal(path)
    with journal.locked():
        number = journal.begin("publish")
        with path.open("ab") as handle:
            handle.write(b"not json\n" + b'{"op":"file","n":99,"id":"x.md"}\n')
        journal.intend(number, [EXACT])
        journal.end(number, 1)
    with path.open("ab") as handle:
        handle.write(b'{"op":"begin","n":2,"ti')  # torn
    reloaded = Journal(path)
    assert reloaded.open_operation() is None
    assert stacks(reloaded) == ([1], 1, None)
    assert reloaded.record(ONE).number == 2
    assert stacks(Journal(path)) == ([1, 2], 2, None)
