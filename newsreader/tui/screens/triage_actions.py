"""The main screen's triage: publish and unpublish (one, marked, or all shown), undo and redo.

Every write goes through one ordered writer worker (:func:`newsreader.tui.workers.write_loop`):
keys queue jobs, and :class:`WriteFinished` tells the screen what happened on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from newsreader.articles.model import Article
from newsreader.tui.messages import WriteFinished
from newsreader.tui.screens.base import MainScreenBase
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.workers import WriteJob
from newsreader.writing.journal import Change
from newsreader.writing.triage import Outcome, story_decisions

#: Titles in triage messages are cut to this many characters.
TITLE_CHARS = 40


def quoted_title(title: str, article_id: str) -> str:
    """``'Title'`` cut to :data:`TITLE_CHARS` with an ellipsis; the id when there is no title."""
    if not title:
        return article_id
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rstrip() + "…"
    return f"'{title}'"


def describe(action: str, changed: Sequence[Change], title: Callable[[str], str]) -> str:
    """What a write did, in words: ``Undid: published 3 articles — 'Title…'``.

    The verb is what the batch did to its files (undo reverts it); the title is the first
    article's, the one the cursor goes to.
    """
    published = [c for c in changed if c.new]
    noun = "article" if len(changed) == 1 else "articles"
    if published and len(published) < len(changed):
        # A story decided in one step: its lead published, the rest unpublished.
        unpublished = len(changed) - len(published)
        verbs = f"published {len(published)} and unpublished {unpublished}"
        what = f"{verbs} {noun} — {title(published[0].id)}"
    else:
        verb = "published" if changed[0].new else "unpublished"
        what = f"{verb} {len(changed)} {noun} — {title(changed[0].id)}"
    prefix = {"undo": "Undid: ", "redo": "Redid: ", "revert": "Reverted: "}.get(action)
    return prefix + what if prefix else what[0].upper() + what[1:]


class TriageActions(MainScreenBase):
    """The triage keys and palette commands, and what the screen shows after each write."""

    # --- triage --------------------------------------------------------------------------

    def action_toggle_published(self) -> None:
        """p: toggle the current article, or (after confirming) all marked ones."""
        if self.marks:
            marked = self._marked_in_view_order()
            publish = not all(a.published for a in marked)
            self.confirm_bulk(marked, publish, "marked")
            return
        # "toggle" is resolved by the writer: a second p before the first write lands must see
        # the flag that write set, not the one the screen knew when the key was pressed.
        self._write_current("toggle")

    def action_publish_only(self) -> None:
        """P: publish the current article (never unpublish it), or all marked ones."""
        self._set_current_or_marked(publish=True)

    def action_unpublish_only(self) -> None:
        """U: unpublish the current article (never publish it), or all marked ones."""
        self._set_current_or_marked(publish=False)

    def _set_current_or_marked(self, *, publish: bool) -> None:
        if self.marks:
            self.confirm_bulk(self._marked_in_view_order(), publish, "marked")
        else:
            self._write_current("publish" if publish else "unpublish")

    def _write_current(self, action: str) -> None:
        """Queue ``action`` on the article under the cursor, then move on like ``p`` does."""
        self.settle_view()  # the next row may be past the first screen of a large view
        current = self.articles.current
        if current is None:
            return
        landed = None
        if self.nr_app.settings.advance_on_publish:
            self.articles.action_cursor_down()
            after = self.articles.current
            landed = after.id if after is not None and after is not current else None
        self._jobs.put(WriteJob(action, (current.id,), landed=landed))

    def decide_story(self, lead: str, member_ids: Sequence[str]) -> None:
        """Publish ``lead`` and unpublish the story's other members: one write, one undo step.

        If the lead cannot be published (dated in the future, say), nothing is written.
        """
        decisions = story_decisions(member_ids, lead)
        label = f"decide story: publish {lead}, unpublish {len(decisions) - 1}"
        self._jobs.put(
            WriteJob("decide", tuple(decisions), label, decisions=tuple(decisions.items()))
        )

    def _marked_in_view_order(self) -> list[Article]:
        """The marked articles, those in the view first and in its order.

        A batch keeps this order, and undo puts the cursor on its first article: the top one
        the editor saw, not whichever the index happens to hold first.
        """
        in_view = [a for a in self.full_view() if a.id in self.marks]
        seen = {a.id for a in in_view}
        hidden = [a for a in self.index.articles if a.id in self.marks and a.id not in seen]
        return in_view + hidden

    def confirm_bulk(self, articles: list[Article], publish: bool, what: str) -> None:
        """Ask before changing many articles; the question states the count."""
        verb = "Publish" if publish else "Unpublish"
        todo = [a.id for a in articles if a.published != publish]
        if not todo:
            self.notify(f"All {len(articles)} {what} articles are already {verb.lower()}ed")
            return
        noun = "article" if len(todo) == 1 else "articles"
        already = len(articles) - len(todo)
        skipped = f"{already} already {verb.lower()}ed, left as they are" if already else ""

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._jobs.put(
                    WriteJob(verb.lower(), tuple(todo), f"{verb.lower()} {len(todo)} {what}")
                )
                if what == "marked":
                    self.clear_marks()

        self.app.push_screen(
            # The buttons name the action too; No has the focus (see ConfirmScreen).
            ConfirmScreen(
                f"{verb} {len(todo)} {what} {noun}?",
                skipped,
                yes=f"{verb} {len(todo)}",
                no="Cancel",
            ),
            confirmed,
        )

    def bulk_view(self, publish: bool) -> None:
        """Publish or unpublish every article in the view (palette)."""
        self.confirm_bulk(list(self.full_view()), publish, "shown")

    def mark_all(self) -> None:
        """Mark every article in the view (palette)."""
        self.marks |= {a.id for a in self.full_view()}
        self.articles.set_marks(self.marks)
        self.update_status()

    def action_undo(self) -> None:
        """Undo the last change (also one made in an earlier session)."""
        self._queue_step("undo")

    def action_redo(self) -> None:
        """Redo the last undone change."""
        self._queue_step("redo")

    def _queue_step(self, action: str) -> None:
        # Undo and redo check each file on disk, not in the index; but the rows they reload
        # would race the indexing batches, so they wait until the folder is read.
        if self.indexing:
            self.notify(f"Still reading the folder: {action} once it is indexed")
            return
        self._jobs.put(WriteJob(action))

    def on_write_finished(self, message: WriteFinished) -> None:
        """Show what a write did; refresh the rows it touched, keeping the cursor."""
        outcome = message.outcome
        if not self.indexing:  # the writes re-read files; the first index groups them anyway
            self.nr_app.stories.index_changed()
        if message.error:
            # Files may have changed before the failure: show what the index now holds.
            action = "change the flag" if message.action == "toggle" else message.action
            self.notify(f"Could not {action}: {message.error}", severity="error")
            self.refresh_view()
            self._undo_advance(message)
            self.git_review.refresh()
            return
        if outcome is None:
            self.notify(f"Nothing to {message.action}")
            return
        if message.action == "recover":
            self.notify("An interrupted change was found and recorded: u undoes it", timeout=8)
            return
        n = len(outcome.changed)
        # A revert (review) takes decisions back, like undo.
        sign = -1 if message.action in ("undo", "revert") else 1
        # Undoing a change of an earlier session does not make this session's count negative.
        self.decisions = max(0, self.decisions + sign * n)
        touched = [c.id for c in outcome.changed] + [f.id for f in outcome.failed + outcome.skipped]
        if any(article_id not in self.index for article_id in touched):
            self.refresh_view()  # a file vanished: its row goes
        for article_id in touched:
            self._refresh_row(article_id)
        if outcome.changed and message.action == "decide" and message.ids:
            refused = len(outcome.failed)
            others = len(message.ids) - 1 - refused
            not_done = f", {refused} could not be" if refused else ""
            self._message = (
                f"Story decided: {self._title(message.ids[0])} published, "
                f"the other {others} unpublished{not_done} (u undoes it)"
            )
            self.notify(self._message, timeout=4)
        elif outcome.changed:
            self._message = describe(message.action, outcome.changed, self._title)
            self.notify(self._message, timeout=3)
            if message.action in ("undo", "redo"):
                # Show what changed back: the batch's first article, pinned if filtered out.
                self.show_in_view(outcome.changed[0].id)
        elif message.action in ("publish", "unpublish") and outcome.unchanged:
            # P or U on an article already so: nothing written, but say why.
            first = outcome.unchanged[0]
            self._message = f"Already {message.action}ed: {self._title(first)}"
        elif message.action == "decide" and message.ids:
            lead = self._title(message.ids[0])
            if outcome.failed:
                self._message = f"Story left as it is: {lead} cannot be the one published"
                self.notify(self._message, severity="warning", timeout=8)
            else:
                self._message = f"Story already decided: {lead} is the only one published"
                self.notify(self._message, timeout=4)
        for failure in outcome.failed:
            self.notify(
                f"{failure.id}: {failure.message} (reloaded from disk)", severity="error", timeout=8
            )
        self._notify_skipped(message.action, outcome)
        self._undo_advance(message)
        self.update_status()
        self.git_review.refresh()
        if self.location is not None and self.location.article_id in touched:
            self.show_location(self.location)

    def _title(self, article_id: str) -> str:
        """An article's title for a message: quoted and cut short, or its id."""
        article = self.index.get(article_id)
        return quoted_title(article.title if article else "", article_id)

    def _notify_skipped(self, action: str, outcome: Outcome) -> None:
        """Undo/redo left files changed since alone: name a few, count the rest."""
        if not outcome.skipped:
            return
        shown = "; ".join(f"{s.id}: {s.message}" for s in outcome.skipped[:3])
        more = len(outcome.skipped) - 3
        extra = f" (and {more} more)" if more > 0 else ""
        self.notify(f"{action.capitalize()} skipped {shown}{extra}", severity="warning", timeout=10)

    def _undo_advance(self, message: WriteFinished) -> None:
        """After a failed ``p``, put the cursor back on its article if the user has not moved."""
        outcome = message.outcome
        failed = message.error or (outcome is not None and outcome.failed)
        if not failed or message.landed is None or not message.ids:
            return
        current = self.articles.current
        if current is not None and current.id == message.landed:
            self.articles.move_to(message.ids[0])

    def _refresh_row(self, article_id: str) -> None:
        article = self.index.get(article_id)
        if article is not None:
            # The view is the list's row list itself (set_rows keeps it), so this updates both.
            self.articles.update_row(article)
