"""The newsreader app and its factory, ``make_app``, used by the CLI, Pilot tests and snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import ClassVar
from weakref import WeakKeyDictionary

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.widget import Widget

from newsreader import paths
from newsreader.articles.index import ArticleIndex
from newsreader.articles.text import inert
from newsreader.config import Settings
from newsreader.session import remember_theme, remembered_theme
from newsreader.tui.keymap import binding_ids, check_keymap
from newsreader.tui.screens.help import HelpKey, HelpScreen
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.screens.save_view import SaveViewScreen
from newsreader.tui.screens.stories import StoriesScreen, StoryList
from newsreader.tui.story_keeper import StoryKeeper
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.detail_pane import DetailPane
from newsreader.tui.widgets.related_panel import RelatedPanel
from newsreader.views import ViewSaveError, save_view

#: Help groups by the prefix of binding ids, and for the few app keys with other ids.
_GROUPS = {
    "list": "Move",
    "detail": "Read",
    "related": "Related",
    "app.publish": "Triage",
    "app.publish_only": "Triage",
    "app.unpublish_only": "Triage",
    "app.queue": "Triage",
    "app.undo": "Triage",
    "app.redo": "Triage",
    "list.toggle_mark": "Triage",
    "app.back": "Related",
    "app.forward": "Related",
    "app.related": "Related",
    "app.detail_down": "Read",
    "app.detail_up": "Read",
    "app.review": "Review",
    "app.commit": "Review",
    "app.next_pane": "Move",
    "app.prev_pane": "Move",
    "stories": "Stories (S)",
}


class NewsreaderApp(App[None]):
    """A keyboard-driven reader and triage tool for one folder of article files."""

    CSS_PATH = "newsreader.tcss"
    TITLE = "newsreader"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,
            id="app.palette",
            tooltip="Commands: every action, bulk triage and saved views (the palette)",
        ),
        Binding(
            "ctrl+s",
            "save_view",
            "Save view",
            show=False,
            id="app.save_view",
            tooltip="Save the filter as a view (in the config's [views])",
        ),
    ]

    def __init__(
        self,
        folder: Path,
        settings: Settings,
        notices: Sequence[str] = (),
        config_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.folder = folder
        self.settings = settings
        #: Where saved views are written (``--config``, else the platformdirs config file).
        self.config_path = config_path or paths.config_file()
        self.notices = list(notices)
        self.index = ArticleIndex(folder)
        #: The folder's stories, grouped again in a worker whenever the index changes.
        self.stories = StoryKeeper(self, self.index)
        self.sub_title = str(folder)
        #: The user's keymap, once checked (on mount): what is applied and what help shows.
        self.keymap: dict[str, str] = {}
        #: The widget that had the focus when each key in flight was handed to it.
        self._key_focus: WeakKeyDictionary[events.Key, Widget | None] = WeakKeyDictionary()

    async def on_event(self, event: events.Event) -> None:
        """Replay a key typed ahead of a focus change as if it were typed now.

        A key goes to the widget focused when it arrives and comes back here for the bindings.
        Keys typed right after ``/`` (a fast typist, a paste, an app busy indexing) reach the
        list before ``/`` has moved the focus to the filter, and come back once it has: they
        belong to the filter, and must not run the list's bindings either (``p`` toggles the
        published flag).
        """
        if isinstance(event, events.Key):
            if not event.is_forwarded:
                self._key_focus[event] = self.focused
            elif event in self._key_focus and self._key_focus.pop(event) is not self.focused:
                replay = events.Key(event.key, event.character)
                replay.set_sender(self)
                self.post_message(replay)
                return
        await super().on_event(event)

    def get_default_screen(self) -> Screen[None]:
        """The main screen over this folder."""
        return MainScreen(self.index)

    def on_mount(self) -> None:
        """Apply the theme and keymap; show config notices."""
        theme = remembered_theme(paths.ui_state_file(), self.settings.theme)
        try:
            self.theme = theme
        except Exception:  # Textual raises InvalidThemeError; any failure falls back
            self.notices.append(f"config: unknown theme {theme!r}")
        # Subscribed after the start theme is set: only a choice made in the app is remembered.
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.keymap, problems = check_keymap(self.settings.keymap, binding_ids())
        self.notices += problems
        if self.keymap:
            self.set_keymap(self.keymap)
        for notice in self.notices:
            # Notices quote the config file ("[keymap] must be a table"): never markup.
            self.notify(inert(notice), title="Config", severity="warning", timeout=10, markup=False)

    def _remember_theme(self, theme: Theme) -> None:
        try:
            remember_theme(paths.ui_state_file(), theme.name, self.settings.theme)
        except OSError as exc:
            self.notify(f"Could not remember the theme: {exc}", severity="warning")

    def action_save_view(self) -> None:
        """Ask for a name and save the current filter as a view in the config file."""
        query = self.main.filter_query.text
        if not query.strip():
            self.notify("Nothing to save: the filter is empty", severity="warning")
            return
        taken = next((n for n, q in self.settings.saved_views.items() if q == query), "")

        def chosen(name: str | None) -> None:
            if name:
                self._save_view(name, query)

        self.push_screen(SaveViewScreen(query, taken), chosen)

    @work(thread=True, group="config", exit_on_error=False)
    def _save_view(self, name: str, query: str) -> None:
        try:
            save_view(self.config_path, name, query)
        except ViewSaveError as exc:
            self.call_from_thread(
                self.notify, f"View not saved: {exc}", severity="error", markup=False
            )
            return
        self.call_from_thread(self._view_saved, name, query)

    def _view_saved(self, name: str, query: str) -> None:
        views = {**self.settings.saved_views, name: query}
        self.settings = replace(self.settings, saved_views=views)
        self.notify(f"Saved the view {name!r} in {self.config_path}", markup=False)

    @property
    def main(self) -> MainScreen:
        """The main screen (always at the bottom of the stack)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def action_help(self) -> None:
        """Show every key, as currently bound."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(list(self.help_keys())))

    def help_keys(self) -> Iterable[HelpKey]:
        """The keys of the app, the main screen and its widgets, and the stories screen's, with
        the user's keymap."""
        classes = (
            NewsreaderApp,
            MainScreen,
            ArticleList,
            DetailPane,
            RelatedPanel,
            StoriesScreen,
            StoryList,
        )
        keymap = self.keymap
        seen = set()
        for cls in classes:
            for binding in cls.BINDINGS:
                if not isinstance(binding, Binding) or binding.id in seen:
                    continue
                seen.add(binding.id)
                keys = keymap.get(binding.id or "", binding.key)
                group = _GROUPS.get(binding.id or "") or _GROUPS.get(
                    (binding.id or "").split(".")[0], "App"
                )
                yield HelpKey(
                    _key_names(keys),
                    binding.tooltip or binding.description,
                    group,
                    binding.id or "",
                )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Palette commands: every action, bulk triage and the saved views."""
        yield from super().get_system_commands(screen)
        main = self.main
        commands: list[tuple[str, str, Callable[[], object]]] = [
            (
                "Publish / unpublish",
                "Toggle the current article (or the marked ones)",
                main.action_toggle_published,
            ),
            (
                "Publish",
                "Publish the current article (or the marked ones)",
                main.action_publish_only,
            ),
            (
                "Unpublish",
                "Unpublish the current article (or the marked ones)",
                main.action_unpublish_only,
            ),
            ("Queue", "Unpublished first, newest first; again: the view before", main.action_queue),
            (
                "Publish all in view",
                "Publish every article the filter shows",
                partial(main.bulk_view, True),
            ),
            (
                "Unpublish all in view",
                "Unpublish every article the filter shows",
                partial(main.bulk_view, False),
            ),
            ("Mark all in view", "Mark every article the filter shows", main.mark_all),
            ("Clear marks", "Unmark every article", main.clear_marks),
            ("Undo", "Undo the last change", main.action_undo),
            ("Redo", "Redo the last undone change", main.action_redo),
            ("Sort…", "Choose the sort order", main.action_choose_sort),
            ("Filter", "Focus the filter input", main.action_focus_query),
            ("Clear filter", "Show every article", partial(main.set_query, "")),
            ("Problems", "Problem files and warnings", main.action_bad_files),
            ("Review", "Flag changes not committed yet: revert, commit", main.action_review),
            (
                "Commit",
                "Commit the files whose only change is the published: line (git)",
                main.action_commit,
            ),
            ("Facets", "Show or hide the facets of the view", main.action_toggle_facets),
            (
                "Stories",
                "One row per story; publish a story's lead and unpublish the rest in one step",
                main.action_stories,
            ),
            ("Open URL", "Open the article in the browser", main.action_open_url),
            ("Copy URL", "Copy the article URL", main.action_copy_url),
            ("Back", "Back in the related history", main.action_back),
            ("Forward", "Forward in the related history", main.action_forward),
            ("Save view…", "Save the filter as a view", self.action_save_view),
            ("Help", "Show every key", self.action_help),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)
        for name, query in self.settings.saved_views.items():
            yield SystemCommand(f"View: {name}", query, partial(main.set_query, query))


def _key_names(keys: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "exclamation_mark": "!",
        "right_square_bracket": "]",
        "space": "space",
    }
    return " / ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))


def make_app(
    folder: Path,
    settings: Settings | None = None,
    notices: Sequence[str] = (),
    config_path: Path | None = None,
) -> NewsreaderApp:
    """Build the app for a folder: the one factory for the CLI, tests and snapshots."""
    return NewsreaderApp(folder.resolve(), settings or Settings(), notices, config_path)
