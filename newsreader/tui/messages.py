"""Messages that workers post to the main screen (results of disk work done off the UI thread)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from newsreader.model import Article, BadFile
from newsreader.triage import Outcome


@dataclass
class IndexBatch(Message):
    """A batch of freshly read files while the folder is being indexed."""

    items: list[Article | BadFile]
    done: int
    finished: bool = False


@dataclass
class WriteFinished(Message):
    """A triage action (publish, unpublish, undo, redo) finished writing."""

    action: str
    outcome: Outcome | None
    #: Where ``p`` moved the cursor when it queued the write (it moves back if the write fails).
    landed: str | None = None


@dataclass
class FolderChanged(Message):
    """Files were added, changed or removed while the app ran."""

    items: list[Article | BadFile]
    removed: list[str]
