"""Tests for newsreader.writing.triage: publish, unpublish, undo and redo on real files,
journalled."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from newsreader import paths
from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import BadFile, content_digest
from newsreader.reading.folder import build_index
from newsreader.writing import flagwriter
from newsreader.writing import triage as triage_module
from newsreader.writing.flagwriter import temp_name
from newsreader.writing.journal import Change, Journal, JournalError
from newsreader.writing.triage import Triage, flag_state


def _file(title: str, published: str | None, heat: str = "7") -> bytes:
    lines = [
        "---",
        "category: news",
        f'title: "{title}"',
        'webUrl: "https://t.example/' + title.lower().replace(" ", "-") + '"',
        "quality: 20",
        f"heat: {heat}",
    ]
    if published is not None:
        lines.append(f"published: {published}  # triage flag")
    lines += ["", "provider:", "  name: T", "", 'secured: "a==;b=="', "---", ""]
    return "\n".join(lines).encode()


FILES = {
    "pub.md": _file("Pub", "true"),
    "unpub.md": _file("Unpub", "false"),
    "nokey.md": _file("No key", None),
    "strflag.md": _file("String flag", '"yes"'),
    "sub/deep.md": _file("Deep", "false"),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    for rel, data in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def _triage(folder: Path) -> Triage:
    index = build_index(folder)
    return Triage(index, Journal(paths.journal_file(index.root)))


def _flag(index: ArticleIndex, article_id: str) -> bool | None:
    article = index.get(article_id)
    assert article is not None
    return article.flag


def test_publish_and_unpublish_change_only_the_flag(folder: Path) -> None:
    triage = _triage(folder)
    outcome = triage.set_published(["unpub.md", "sub/deep.md"], True)
    assert outcome.ok
    assert outcome.changed == [
        Change("unpub.md", False, True),
        Change("sub/deep.md", False, True),
    ]
    assert outcome.batch is not None and outcome.batch.label == "publish"
    assert (folder / "unpub.md").read_bytes() == FILES["unpub.md"].replace(
        b"published: false  #", b"published: true  #"
    )
    assert _flag(triage.index, "unpub.md") is True
    outcome = triage.set_published(["pub.md"], False, label="hide it")
    assert outcome.batch is not None and outcome.batch.label == "hide it"
    assert (folder / "pub.md").read_bytes() == FILES["pub.md"].replace(
        b"published: true  #", b"published: false  #"
    )
    assert _flag(triage.index, "pub.md") is False


def test_missing_key_publish_is_a_no_op_unpublish_inserts_undo_removes(folder: Path) -> None:
    triage = _triage(folder)
    original = FILES["nokey.md"]
    outcome = triage.set_published(["nokey.md"], True)
    assert outcome.changed == [] and outcome.unchanged == ["nokey.md"] and outcome.batch is None
    assert (folder / "nokey.md").read_bytes() == original
    assert triage.journal.peek_undo() is None

    outcome = triage.set_published(["nokey.md"], False)
    assert outcome.changed == [Change("nokey.md", None, False)]
    inserted = (folder / "nokey.md").read_bytes()
    assert inserted == original.replace(b"heat: 7\n", b"heat: 7\npublished: false\n")
    article = triage.index.get("nokey.md")
    assert article is not None and article.flag is False and article.has_flag

    undone = triage.undo()
    assert undone is not None and undone.ok
    assert (folder / "nokey.md").read_bytes() == original
    article = triage.index.get("nokey.md")
    assert article is not None and article.flag is None and not article.has_flag
    assert flag_state(article) is None

    redone = triage.redo()
    assert redone is not None and redone.ok
    assert (folder / "nokey.md").read_bytes() == inserted


def test_a_batch_is_undone_and_redone_as_one_step(folder: Path) -> None:
    triage = _triage(folder)
    outcome = triage.set_published(
        ["pub.md", "nokey.md", "unpub.md", "missing.md", "pub.md"], False
    )
    assert [c.id for c in outcome.changed] == ["pub.md", "nokey.md"]
    assert outcome.unchanged == ["unpub.md"]
    assert [(f.id, f.message) for f in outcome.failed] == [("missing.md", "no such article")]
    assert not outcome.ok
    assert outcome.batch is not None and len(outcome.batch.changes) == 2

    undone = triage.undo()
    assert undone is not None and undone.batch == outcome.batch
    assert [c.id for c in undone.changed] == ["pub.md", "nokey.md"]
    for rel in ("pub.md", "nokey.md", "unpub.md"):
        assert (folder / rel).read_bytes() == FILES[rel]
    assert triage.undo() is None
    redone = triage.redo()
    assert redone is not None and len(redone.changed) == 2
    assert _flag(triage.index, "pub.md") is False
    assert triage.redo() is None


def test_a_new_change_clears_redo(folder: Path) -> None:
    triage = _triage(folder)
    triage.set_published(["pub.md"], False)
    triage.undo()
    assert triage.journal.peek_redo() is not None
    triage.set_published(["unpub.md"], True)
    assert triage.journal.peek_redo() is None
    assert triage.redo() is None


def test_conflict_is_reported_and_the_index_rereads_the_file(folder: Path) -> None:
    triage = _triage(folder)
    edited = FILES["unpub.md"].replace(b'"Unpub"', b'"Edited elsewhere"')
    (folder / "unpub.md").write_bytes(edited)
    outcome = triage.set_published(["unpub.md", "sub/deep.md"], True)
    assert [f.id for f in outcome.failed] == ["unpub.md"]
    assert "changed on disk" in outcome.failed[0].message
    assert [c.id for c in outcome.changed] == ["sub/deep.md"]  # the rest was still done
    assert (folder / "unpub.md").read_bytes() == edited
    article = triage.index.get("unpub.md")
    assert article is not None and article.title == "Edited elsewhere"
    assert outcome.batch is not None and [c.id for c in outcome.batch.changes] == ["sub/deep.md"]
    # Now that the index holds what is on disk, the same request goes through.
    assert triage.set_published(["unpub.md"], True).ok
    assert (folder / "unpub.md").read_bytes() == edited.replace(b"false  #", b"true  #")


def test_a_vanished_file_fails_and_leaves_the_index(folder: Path) -> None:
    triage = _triage(folder)
    (folder / "pub.md").unlink()
    outcome = triage.set_published(["pub.md"], False)
    assert [f.id for f in outcome.failed] == ["pub.md"]
    assert "vanished" in outcome.failed[0].message
    assert "pub.md" not in triage.index
    assert outcome.batch is None


def test_a_file_turned_bad_fails_and_is_listed_bad(folder: Path) -> None:
    triage = _triage(folder)
    (folder / "unpub.md").write_bytes(b"no front matter any more\n")
    outcome = triage.set_published(["unpub.md"], True)
    assert not outcome.ok
    assert "unpub.md" not in triage.index
    assert [b.id for b in triage.index.bad] == ["unpub.md"]


def test_a_non_boolean_flag_is_restored_exactly(folder: Path) -> None:
    triage = _triage(folder)
    article = triage.index.get("strflag.md")
    assert article is not None and article.published and article.flag is None
    outcome = triage.set_published(["strflag.md"], False)
    assert outcome.changed == [Change("strflag.md", True, False)]
    assert outcome.changed[0].tokens == ('"yes"', "false")
    assert triage.undo() is not None
    assert (folder / "strflag.md").read_bytes() == FILES["strflag.md"]


def test_plan_writes_nothing(folder: Path) -> None:
    triage = _triage(folder)
    changes, missing = triage.plan(["pub.md", "unpub.md", "nokey.md", "gone.md"], False)
    assert changes == [Change("pub.md", True, False), Change("nokey.md", None, False)]
    assert [m.id for m in missing] == ["gone.md"]
    for rel, data in FILES.items():
        assert (folder / rel).read_bytes() == data
    assert triage.journal.peek_undo() is None


def test_the_journal_survives_a_restart(folder: Path) -> None:
    first = _triage(folder)
    first.set_published(["pub.md", "nokey.md"], False)
    first.set_published(["unpub.md"], True)

    second = _triage(folder)  # a new process: new index, journal read from disk
    assert _flag(second.index, "nokey.md") is False
    undone = second.undo()
    assert undone is not None and [c.id for c in undone.changed] == ["unpub.md"]
    assert (folder / "unpub.md").read_bytes() == FILES["unpub.md"]

    third = _triage(folder)
    undone = third.undo()
    assert undone is not None and [c.id for c in undone.changed] == ["pub.md", "nokey.md"]
    for rel, data in FILES.items():
        assert (folder / rel).read_bytes() == data
    assert third.undo() is None

    fourth = _triage(folder)
    redone = fourth.redo()
    assert redone is not None and [c.id for c in redone.changed] == ["pub.md", "nokey.md"]
    assert _flag(fourth.index, "nokey.md") is False


def test_the_journal_lives_outside_the_folder(folder: Path, isolated_dirs: Path) -> None:
    triage = _triage(folder)
    triage.set_published(["pub.md"], False)
    assert triage.journal.path.is_relative_to(isolated_dirs)
    assert triage.journal.path.exists()
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    assert names == sorted([*FILES, "sub"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write read-only files")
def test_permission_denied_is_a_failure(folder: Path) -> None:
    triage = _triage(folder)
    (folder / "pub.md").chmod(0o444)
    try:
        outcome = triage.set_published(["pub.md", "nokey.md"], False)
    finally:
        (folder / "pub.md").chmod(0o644)
    assert [f.id for f in outcome.failed] == ["pub.md"]
    assert "permission" in outcome.failed[0].message
    assert [c.id for c in outcome.changed] == ["nokey.md"]


def test_store_handles_gone_and_bad(folder: Path) -> None:
    triage = _triage(folder)
    triage.store("pub.md")
    assert "pub.md" not in triage.index
    triage.store(BadFile("nokey.md", "broken"))
    assert "nokey.md" not in triage.index and triage.index.bad[0].id == "nokey.md"
    triage.reload("pub.md")
    assert "pub.md" in triage.index


# --- write-ahead journal, exact and checked undo/redo -----------------------------------------


def _article(title: str, flag_line: str | None) -> bytes:
    lines = ["---", f'title: "{title}"', "heat: 3"]
    if flag_line is not None:
        lines.append(flag_line)
    lines += ["quality: 9", "---", "body", ""]
    return "\n".join(lines).encode()


EXACT = [
    ("yes", "published: yes", False),
    ("quoted false", 'published: "false"   # a string: Jekyll publishes it', False),
    ("tilde", "published: ~", True),  # null hides the page: publishing writes true
    ("upper", "published: FALSE", True),
    ("missing", None, False),
]


@pytest.mark.parametrize(("name", "line", "publish"), EXACT, ids=[e[0] for e in EXACT])
def test_undo_restores_the_exact_bytes(
    tmp_path: Path, name: str, line: str | None, publish: bool
) -> None:
    original = _article(name, line)
    (tmp_path / "a.md").write_bytes(original)
    triage = _triage(tmp_path)
    outcome = triage.set_published(["a.md"], publish)
    assert [c.id for c in outcome.changed] == ["a.md"]
    changed = (tmp_path / "a.md").read_bytes()
    assert changed != original
    undone = triage.undo()
    assert undone is not None and undone.ok
    assert (tmp_path / "a.md").read_bytes() == original
    redone = triage.redo()
    assert redone is not None and redone.ok
    assert (tmp_path / "a.md").read_bytes() == changed


def test_a_file_changed_since_is_skipped_not_overwritten(folder: Path) -> None:
    triage = _triage(folder)
    triage.set_published(["unpub.md", "sub/deep.md"], True)
    edited = (folder / "unpub.md").read_bytes().replace(b"quality: 20", b"quality: 21")
    (folder / "unpub.md").write_bytes(edited)
    undone = triage.undo()
    assert undone is not None
    assert [c.id for c in undone.changed] == ["sub/deep.md"]
    assert [s.id for s in undone.skipped] == ["unpub.md"]
    assert "changed on disk since" in undone.skipped[0].message
    assert (folder / "unpub.md").read_bytes() == edited
    assert (folder / "sub/deep.md").read_bytes() == FILES["sub/deep.md"]
    # Skipping is an answer, not a failure: the batch is undone and can be redone.
    assert triage.journal.peek_undo() is None and triage.journal.peek_redo() is not None


def test_a_failed_undo_stays_undoable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    triage = _triage(folder)
    batch = triage.set_published(["unpub.md", "sub/deep.md"], True).batch
    real_write_all = flagwriter._write_all
    calls = []

    def disk_full(fd: int, data: bytes) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_write_all(fd, data)

    monkeypatch.setattr(flagwriter, "_write_all", disk_full)
    undone = triage.undo()
    assert undone is not None and [f.id for f in undone.failed] == ["sub/deep.md"]
    assert "No space left" in undone.failed[0].message
    assert triage.journal.peek_undo() == batch  # still to undo, also after a restart
    assert Journal(triage.journal.path).peek_undo() == batch
    monkeypatch.setattr(flagwriter, "_write_all", real_write_all)
    again = triage.undo()
    assert again is not None and again.ok
    assert again.unchanged == ["unpub.md"] and [c.id for c in again.changed] == ["sub/deep.md"]
    for rel in ("unpub.md", "sub/deep.md"):
        assert (folder / rel).read_bytes() == FILES[rel]
    assert leftovers(folder) == []


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".newsreader-*"))


def test_an_unwritable_journal_changes_no_file(folder: Path) -> None:
    triage = _triage(folder)
    triage.journal.path.parent.mkdir(parents=True, exist_ok=True)
    triage.journal.path.mkdir()  # something else holds the journal's name
    with pytest.raises(JournalError):
        triage.set_published(["unpub.md", "pub.md"], True)
    for rel, data in FILES.items():
        assert (folder / rel).read_bytes() == data


def test_a_journal_failing_mid_batch_stops_it_and_undo_reverts_what_was_written(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(triage_module, "CHUNK", 1)
    triage = _triage(folder)
    real_intend = Journal.intend
    calls = []

    def failing(self: Journal, number: int, changes: Any) -> None:
        calls.append(number)
        if len(calls) == 2:
            raise JournalError("cannot write journal: disk full")
        real_intend(self, number, changes)

    monkeypatch.setattr(Journal, "intend", failing)
    with pytest.raises(JournalError):
        triage.set_published(["unpub.md", "sub/deep.md"], True)
    # The first file was journalled and written; the second was never written.
    assert (folder / "sub/deep.md").read_bytes() == FILES["sub/deep.md"]
    assert (folder / "unpub.md").read_bytes() != FILES["unpub.md"]
    monkeypatch.setattr(Journal, "intend", real_intend)
    fresh = _triage(folder)  # as after a restart
    undone = fresh.undo()
    assert undone is not None and undone.ok and undone.batch is not None
    assert undone.batch.interrupted
    for rel, data in FILES.items():
        assert (folder / rel).read_bytes() == data


def test_recovery_removes_the_temp_files_an_interrupted_batch_named(folder: Path) -> None:
    triage = _triage(folder)
    journal = triage.journal
    tmp = temp_name()
    with journal.locked():
        number = journal.begin("publish")
        before = FILES["sub/deep.md"]
        after = flagwriter.edit_flag(before, True)
        digests = content_digest(before).hex(), content_digest(after).hex()
        tokens = ("false", "true")
        journal.intend(number, [Change("sub/deep.md", False, True, tokens, *digests, tmp)])
    (folder / "sub" / tmp).write_bytes(b"half a file")  # then the process died
    other = _triage(folder)
    assert other.journal.open_operation() is not None
    recovered = other.recover()
    assert recovered is not None and recovered.temps == (("sub/deep.md", tmp),)
    assert leftovers(folder) == []
    batch = other.journal.peek_undo()
    assert batch is not None and batch.number == number and batch.interrupted
    undone = other.undo()  # the file was never written: nothing to revert, and that is done
    assert undone is not None and undone.ok and undone.unchanged == ["sub/deep.md"]
    assert other.journal.peek_undo() is None


def test_two_instances_share_one_journal_and_never_overwrite_newer_changes(folder: Path) -> None:
    first, second = _triage(folder), _triage(folder)  # say, the app and the CLI
    one = first.set_published(["unpub.md"], True).batch
    second.reload("unpub.md")
    two = second.set_published(["unpub.md", "pub.md"], False).batch
    assert one is not None and two is not None and two.number == one.number + 1
    # The app's undo of its own batch would revert unpub.md past the CLI's newer change; the
    # shared journal makes its next undo the newest batch instead, the CLI's.
    undone = first.undo()
    assert undone is not None and undone.batch == two and undone.ok
    assert (folder / "pub.md").read_bytes() == FILES["pub.md"]
    # An outside edit made after a batch is never overwritten by either instance.
    edited = (folder / "unpub.md").read_bytes().replace(b"quality: 20", b"quality: 22")
    (folder / "unpub.md").write_bytes(edited)
    undone = second.undo()
    assert (
        undone is not None
        and undone.batch == one
        and [s.id for s in undone.skipped] == ["unpub.md"]
    )
    assert (folder / "unpub.md").read_bytes() == edited
    assert first.undo() is None and second.undo() is None
