"""Messages that workers post to the main screen (results of disk work done off the UI thread)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from newsreader.articles.facets import ViewFacets
from newsreader.articles.index import Links
from newsreader.articles.model import Article, BadFile
from newsreader.writing.gitfolder import CommitResult, FileStatus
from newsreader.writing.review import ReviewItem
from newsreader.writing.triage import Outcome


@dataclass
class IndexBatch(Message):
    """A batch of freshly read files while the folder is being indexed."""

    items: list[Article | BadFile]
    done: int
    finished: bool = False
    #: Files a stale cache listed that are no longer in the folder.
    removed: list[str] = field(default_factory=list)
    #: A problem to tell the user that did not stop indexing.
    notice: str = ""
    #: How many files the folder holds: 0 until the walk has listed them all.
    total: int = 0


@dataclass
class WriteFinished(Message):
    """A triage action (publish, unpublish, undo, redo; "recover" at start) finished writing."""

    action: str
    outcome: Outcome | None
    #: The articles the action was asked to change (empty for undo and redo).
    ids: tuple[str, ...] = ()
    #: Where ``p`` moved the cursor when it queued the write (it moves back if the write fails).
    landed: str | None = None
    #: Set when the action raised instead of finishing (e.g. the journal could not be written).
    error: str = ""


@dataclass
class FolderChanged(Message):
    """Files were added, changed or removed while the app ran (found by the watcher)."""

    items: list[Article | BadFile]
    removed: list[str]


@dataclass
class ViewReady(Message):
    """A worker finished filtering and sorting the view."""

    generation: int
    rows: list[Article]
    keep: str | None
    #: The index version the rows were computed from.
    version: int = -1


@dataclass
class LinksReady(Message):
    """A worker built the URL map and backlinks of the index (see ArticleIndex.links_job)."""

    links: Links


@dataclass
class ViewCounted(Message):
    """A worker counted the rows of a view: its published split, and its facets if asked."""

    rows: list[Article]
    version: int
    published: int
    facets: ViewFacets | None = None


@dataclass
class WriteProgress(Message):
    """A bulk triage action (publish, unpublish, undo, redo) wrote ``done`` of ``total`` files."""

    action: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        """A newer count replaces one still queued: only the latest is worth drawing."""
        return isinstance(message, WriteProgress)


@dataclass
class ReviewCounted(Message):
    """A worker listed the uncommitted flag changes (see :mod:`newsreader.tui.git_review`)."""

    generation: int
    #: Whether the folder is in a git work tree.
    in_git: bool
    items: list[ReviewItem]
    #: Why they could not be listed ("" when they were).
    error: str = ""


@dataclass
class CommitPlanned(Message):
    """A worker listed what a commit would take and leave out, before asking the user."""

    statuses: list[FileStatus]
    message: str = ""
    error: str = ""


@dataclass
class CommitDone(Message):
    """A worker ran the commit (or found nothing to commit, or failed)."""

    result: CommitResult | None
    error: str = ""


@dataclass
class StoriesReady(Message):
    """The stories were grouped again (see :class:`newsreader.tui.story_keeper.StoryKeeper`)."""

    #: The index version they were grouped at.
    version: int


@dataclass
class StoriesPending(Message):
    """The index changed: the stories are being grouped again (a StoriesReady follows)."""
