"""The app's stories: one :class:`~newsreader.articles.stories.StoryBook`, grouped again in a
thread worker whenever the index changes, never on the UI thread.

The main screen tells the keeper when the index changed (:meth:`StoryKeeper.index_changed`: the
first full index, files the watcher found changed, every write, undo and redo). One grouping
runs at a time; a result grouped from an index that has changed since is dropped and the
grouping starts again from the index as it is then, so what :attr:`StoryKeeper.stories` holds
is always the grouping of one whole version of the index. Screens that :meth:`listen` get
:class:`StoriesPending` when a grouping starts and :class:`StoriesReady` when one is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import partial
from typing import Any

from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump

from newsreader.articles.index import ArticleIndex
from newsreader.articles.model import Article
from newsreader.articles.stories import Story, StoryBook
from newsreader.reading import heap
from newsreader.tui.messages import StoriesPending, StoriesReady

#: Folders up to this many articles get their URL map built on the UI thread before grouping.
PREBUILT_URL_MAP = 20_000
#: A full grouping of at least this many articles gives its freed peak back to the system.
RELEASE_AT = 10_000


class StoryKeeper:
    """Owns the folder's stories for the app: groups them off the UI thread, keeps the newest."""

    def __init__(self, app: App[Any], index: ArticleIndex) -> None:
        self._app = app
        self._index = index
        self._book = StoryBook()
        #: The stories of the index at :attr:`version`, newest lead first.
        self.stories: list[Story] = []
        #: The index version the stories were grouped at (-1: not grouped yet).
        self.version = -1
        #: Why the last grouping failed ("" when it did not).
        self.error = ""
        self._running = False
        self._listeners: list[MessagePump] = []

    @property
    def grouping(self) -> bool:
        """True while a worker groups the stories (what :attr:`stories` holds may be older)."""
        return self._running

    @property
    def ready(self) -> bool:
        """True once the stories were grouped at least once."""
        return self.version >= 0

    def listen(self, node: MessagePump) -> None:
        """Post :class:`StoriesPending` and :class:`StoriesReady` to ``node`` from now on."""
        if node not in self._listeners:
            self._listeners.append(node)

    def forget(self, node: MessagePump) -> None:
        """Stop posting to ``node``."""
        if node in self._listeners:
            self._listeners.remove(node)

    def _post(self, message_type: type[Message], *args: int) -> None:
        for node in self._listeners:
            node.post_message(message_type(*args))

    def index_changed(self) -> None:
        """Group the stories again if the index changed since they were grouped.

        Cheap when nothing changed (a version compare), and at most one grouping runs: when
        it finishes it starts again if the index moved on meanwhile.
        """
        if self.version == self._index.version:
            return
        self._post(StoriesPending)
        if not self._running:
            self._start()

    def _start(self) -> None:
        self._running = True
        # A snapshot taken on the UI thread: the worker never walks the index's own dict.
        version, articles = self._index.version, self._index.articles
        if len(articles) <= PREBUILT_URL_MAP:
            # Related entries are resolved through the index's URL map; a map left to be
            # built in the worker could miss an article the UI thread adds meanwhile. Asking
            # for any URL builds it here (a few ms at this size; larger folders have it built
            # by the links worker, see MainScreen._links_available).
            self._index.by_url("")
        self._app.run_worker(
            partial(self._group, articles, version),
            thread=True,
            group="stories",
            description="group stories",
            exit_on_error=False,
        )

    def _group(self, articles: Sequence[Article], version: int) -> None:
        """In the worker: group, then hand the result to the UI thread."""
        full_runs = self._book.full_runs
        try:
            stories = self._book.update(articles, self._index)
        except Exception as exc:  # the index changed under the link lookup, or a bug
            self._call(self._failed, version, str(exc) or repr(exc))
            return
        if self._book.full_runs != full_runs and len(articles) >= RELEASE_AT:
            heap.release()  # a full grouping's peak, freed, back to the system
        self._call(self._grouped, version, stories)

    def _call(self, callback: Callable[..., None], *args: object) -> None:
        # RuntimeError: the app stopped meanwhile, and nobody is left to tell.
        with suppress(RuntimeError):
            self._app.call_from_thread(callback, *args)

    def _grouped(self, version: int, stories: list[Story]) -> None:
        self._running = False
        if version != self._index.version:
            self._start()  # stale: the index changed while this ran
            return
        self.stories, self.version, self.error = stories, version, ""
        self._post(StoriesReady, version)

    def _failed(self, version: int, error: str) -> None:
        self._running = False
        if version != self._index.version:
            self._start()
            return
        self.error = error
        self.version = version
        self._post(StoriesReady, version)
