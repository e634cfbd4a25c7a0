"""The watcher with inotify (and its polling fallback), on a real filesystem: what each change
to the folder is reported as, and that it is reported once. Correctness, not speed: no timing."""

from __future__ import annotations

import errno
import os
import shutil
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader.reading import inotify
from newsreader.reading.watcher import FolderWatcher, Signature

needs_inotify = pytest.mark.skipif(
    not FolderWatcher(Path(".")).use_inotify or not Path("/proc/sys/fs/inotify").is_dir(),
    reason="inotify is Linux only",
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {text}\n---\n", encoding="utf-8")
    return path


def replace(path: Path, text: str) -> None:
    """Write a new version beside the file (a hidden name) and rename it over the file."""
    spare = path.with_name(f".{path.name}.tmp")
    write(spare, text)
    os.replace(spare, path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    write(root / "a.md", "A")
    write(root / "sub" / "b.md", "B")
    write(root / "c.txt", "C")
    (tmp_path / "outside").mkdir()
    return root


def watcher_for(root: Path, mechanism: str) -> FolderWatcher:
    watcher = FolderWatcher(root, use_inotify=mechanism == "inotify")
    watcher.prime()
    if mechanism == "inotify" and not watcher.inotify_active:
        pytest.skip(f"no inotify here: {watcher.fallback_reason}")
    assert not watcher.poll()
    return watcher


def collect(watcher: FolderWatcher, polls: int = 4) -> tuple[list[str], list[str]]:
    """Everything reported over a few polls (a settled change needs two), in order."""
    changed: list[str] = []
    removed: list[str] = []
    for _ in range(polls):
        changes = watcher.poll()
        changed += changes.changed
        removed += changes.removed
    return changed, removed


def _append(root: Path) -> None:
    with open(root / "a.md", "a", encoding="utf-8") as f:
        f.write("body appended in place\n")


def _touch(root: Path) -> None:
    st = (root / "a.md").stat()
    os.utime(root / "a.md", ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))


def _symlinks(root: Path) -> None:
    outside = root.parent / "outside"
    write(outside / "x.md", "X")
    write(outside / "deep" / "y.md", "Y")
    os.symlink(outside, root / "linked")
    os.symlink(outside / "x.md", root / "x.md")
    write(outside / "z.md", "Z")  # written after the link: a followed link would see it


def _new_folder_moved_in(root: Path) -> None:
    write(root.parent / "outside" / "batch" / "n1.md", "N1")
    write(root.parent / "outside" / "batch" / "deeper" / "n2.md", "N2")
    os.rename(root.parent / "outside" / "batch", root / "batch")


#: (what happens to the folder, changed ids, removed ids): each reported exactly once.
CASES: dict[str, tuple[Callable[[Path], object], list[str], list[str]]] = {
    "create": (lambda r: write(r / "new.md", "New"), ["new.md"], []),
    "modify in place": (_append, ["a.md"], []),
    "atomic replace": (lambda r: replace(r / "a.md", "A, rewritten"), ["a.md"], []),
    "mtime set back": (_touch, ["a.md"], []),
    "delete": (lambda r: (r / "a.md").unlink(), [], ["a.md"]),
    "rename in": (
        lambda r: os.rename(write(r.parent / "outside" / "in.md", "In"), r / "in.md"),
        ["in.md"],
        [],
    ),
    "rename out": (lambda r: os.rename(r / "a.md", r.parent / "outside" / "a.md"), [], ["a.md"]),
    "rename within": (lambda r: os.rename(r / "a.md", r / "z.md"), ["z.md"], ["a.md"]),
    "renamed to another extension": (
        lambda r: os.rename(r / "a.md", r / "a.md.bak"),
        [],
        ["a.md"],
    ),
    "new subfolder with a file": (lambda r: write(r / "new" / "d.md", "D"), ["new/d.md"], []),
    "folder moved in": (_new_folder_moved_in, ["batch/deeper/n2.md", "batch/n1.md"], []),
    "folder removed": (lambda r: shutil.rmtree(r / "sub"), [], ["sub/b.md"]),
    "folder renamed": (lambda r: os.rename(r / "sub", r / "sub2"), ["sub2/b.md"], ["sub/b.md"]),
    "hidden files and folders ignored": (
        lambda r: (write(r / ".h.md", "H"), write(r / ".hidden" / "x.md", "X")),
        [],
        [],
    ),
    "other extensions ignored": (lambda r: (r / "notes.json").write_text("{}"), [], []),
    "symlinks not followed": (_symlinks, [], []),
}


@pytest.mark.parametrize("mechanism", ["inotify", "polling"])
@pytest.mark.parametrize("case", list(CASES))
def test_each_change_is_reported_once(folder: Path, case: str, mechanism: str) -> None:
    act, changed, removed = CASES[case]
    watcher = watcher_for(folder, mechanism)
    act(folder)
    got_changed, got_removed = collect(watcher)
    assert (sorted(got_changed), sorted(got_removed)) == (changed, removed)
    # And what the watcher now knows matches a fresh look at the folder.
    fresh = FolderWatcher(folder, use_inotify=False)
    fresh.prime()
    assert watcher.files == fresh.files


#: With inotify these are reported on the very next poll: their writer is done (no two-poll rule).
AT_ONCE = [
    "create",
    "modify in place",
    "atomic replace",
    "delete",
    "rename in",
    "rename out",
    "rename within",
]


@needs_inotify
@pytest.mark.parametrize("case", AT_ONCE)
def test_inotify_reports_a_finished_write_on_the_next_poll(folder: Path, case: str) -> None:
    act, changed, removed = CASES[case]
    watcher = watcher_for(folder, "inotify")
    act(folder)
    assert watcher.due()
    changes = watcher.poll()
    assert (sorted(changes.changed), sorted(changes.removed)) == (changed, removed)
    assert not watcher.poll()


@needs_inotify
def test_an_idle_poll_lists_and_stats_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With inotify, a poll with no event (and no safety sweep step due) touches no file."""
    watcher = FolderWatcher(folder)
    watcher.prime()
    assert watcher.inotify_active
    watcher.poll()  # the sweep's first step
    watcher.safety_interval = 10**9

    def no_look(*args: object, **kwargs: object) -> None:
        raise AssertionError("the folder was looked at")

    for name in ("scandir", "listdir", "stat", "lstat"):
        monkeypatch.setattr(os, name, no_look)
    for _ in range(3):
        assert not watcher.due()
        assert not watcher.poll()


@needs_inotify
@pytest.mark.parametrize("existing", [False, True], ids=["new file", "existing file"])
def test_a_file_still_being_written_is_reported_once_closed(folder: Path, existing: bool) -> None:
    watcher = watcher_for(folder, "inotify")
    path = folder / ("a.md" if existing else "slow.md")
    f = open(path, "w", encoding="utf-8")  # noqa: SIM115 - kept open across polls on purpose
    try:
        f.write("---\ntitle: Half")
        f.flush()
        for _ in range(4):
            assert not watcher.poll()  # settled on two polls, but its writer is not done
        f.write(" written\n---\n")
        f.flush()
        assert not watcher.poll()
    finally:
        f.close()
    assert watcher.poll().changed == [path.name]
    assert not watcher.poll()
    assert watcher.files[path.name] == _sig(path)


def _sig(path: Path) -> Signature:
    from newsreader.reading.watcher import signature

    st = path.stat()
    return signature(st.st_size, st.st_mtime_ns)


@needs_inotify
def test_a_queue_overflow_means_one_full_rescan(folder: Path) -> None:
    watcher = watcher_for(folder, "inotify")
    notify = watcher._notify
    assert notify is not None
    write(folder / "new.md", "New")
    (folder / "a.md").unlink()
    write(folder / "later" / "l.md", "L")
    notify.read()  # the events are lost ...
    real_read = notify.read
    overflow = [inotify.Event(-1, inotify.IN_Q_OVERFLOW, 0, "")]
    notify.read = lambda: overflow  # type: ignore[method-assign]  # ... and the queue overflowed
    first = watcher.poll()
    notify.read = real_read  # type: ignore[method-assign]
    changed, removed = collect(watcher)
    assert sorted(first.changed + changed) == ["later/l.md", "new.md"]
    assert first.removed + removed == ["a.md"]
    # Watching afresh: a change in the folder found by the rescan is an event again.
    assert watcher.inotify_active and "later" in watcher._dir_wds
    write(folder / "later" / "m.md", "M")
    assert watcher.poll().changed == ["later/m.md"]


def test_falls_back_to_polling_when_inotify_cannot_start(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(inotify, "Inotify", broken)
    watcher = FolderWatcher(folder)
    watcher.prime()
    assert not watcher.inotify_active and "Too many open files" in watcher.fallback_reason
    assert watcher.interval > 1
    replace(folder / "a.md", "A, rewritten")
    write(folder / "new.md", "New")
    assert collect(watcher) == (["a.md", "new.md"], [])


@needs_inotify
def test_falls_back_to_polling_when_the_watch_limit_is_reached(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher = watcher_for(folder, "inotify")
    real_add = inotify.Inotify.add_watch

    def limited(self: inotify.Inotify, path: str, mask: int = inotify.WATCH_FLAGS) -> int:
        if path.endswith("/full"):
            raise OSError(errno.ENOSPC, "No space left on device", path)
        return real_add(self, path, mask)

    monkeypatch.setattr(inotify.Inotify, "add_watch", limited)
    write(folder / "full" / "f.md", "F")
    replace(folder / "a.md", "A, rewritten")
    changed, removed = collect(watcher)
    assert not watcher.inotify_active and "watch limit" in watcher.fallback_reason
    assert (sorted(changed), removed) == (["a.md", "full/f.md"], [])
    write(folder / "full" / "g.md", "G")  # polled from now on
    assert collect(watcher) == (["full/g.md"], [])


def test_a_network_filesystem_is_polled(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inotify, "filesystem_type", lambda path: "nfs4")
    watcher = FolderWatcher(folder)
    watcher.prime()
    assert not watcher.inotify_active and "nfs4" in watcher.fallback_reason


def test_not_linux_means_polling(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inotify, "_libc", None)
    monkeypatch.setattr(inotify.sys, "platform", "darwin")
    watcher = FolderWatcher(folder)
    watcher.prime()
    assert not watcher.inotify_active and "Linux only" in watcher.fallback_reason
    write(folder / "new.md", "New")
    assert collect(watcher) == (["new.md"], [])


def test_event_buffer_parsing() -> None:
    def event(wd: int, mask: int, cookie: int, name: bytes) -> bytes:
        padded = name + b"\0" * (16 - len(name) % 16) if name else b""
        return struct.pack("iIII", wd, mask, cookie, len(padded)) + padded

    data = (
        event(1, inotify.IN_CLOSE_WRITE, 0, b"a.md")
        + event(2, inotify.IN_MOVED_TO, 7, "é.md".encode())
        + event(-1, inotify.IN_Q_OVERFLOW, 0, b"")
        + event(3, inotify.IN_CREATE | inotify.IN_ISDIR, 0, b"exactly-sixteen!")
    )
    assert inotify.parse(data) == [
        inotify.Event(1, inotify.IN_CLOSE_WRITE, 0, "a.md"),
        inotify.Event(2, inotify.IN_MOVED_TO, 7, "é.md"),
        inotify.Event(-1, inotify.IN_Q_OVERFLOW, 0, ""),
        inotify.Event(3, inotify.IN_CREATE | inotify.IN_ISDIR, 0, "exactly-sixteen!"),
    ]


def test_polling_sees_a_replaced_file_by_its_inode_in_a_large_folder(folder: Path) -> None:
    """A large folder listed again stats only new names, and known names whose inode changed."""
    for n in range(5):
        write(folder / f"f{n}.md", f"F{n}")
    watcher = FolderWatcher(folder, stat_all_below=3, use_inotify=False)
    watcher.prime()
    assert set(watcher.inodes[""]) >= {"a.md", "f0.md"}
    before = _sig(folder / "f2.md")
    replace(folder / "f2.md", "F2, rewritten")
    with open(folder / "f3.md", "a", encoding="utf-8") as f:
        f.write("edited in place: same inode, left to the sweep\n")
    seen: dict[str, Signature | None] = {}
    watcher._rescan_dir("", seen)
    assert set(seen) == {"f2.md"} and seen["f2.md"] != before


@needs_inotify
def test_the_safety_sweep_finds_what_no_event_said(folder: Path) -> None:
    watcher = FolderWatcher(folder, safety_polls=1)
    watcher.prime()
    assert watcher.inotify_active
    watcher.safety_interval = 10**9  # no sweep step yet
    watcher.poll()
    notify = watcher._notify
    assert notify is not None
    write(folder / "new.md", "New")
    replace(folder / "sub" / "b.md", "B, rewritten")
    notify.read()  # the events are lost
    assert not watcher.poll()  # nothing said, nothing seen
    watcher.safety_interval = 0  # a sweep step on every poll from now on
    changed, removed = collect(watcher)
    assert (sorted(changed), removed) == (["new.md", "sub/b.md"], [])
