"""Keeps the notes panel's model in step with store change sets, touching only what changed: a new note is
inserted as one row, an edited or resolved one repaints; the threads are read again only for what a row cannot
take in place (reactions, attachments, deletes and restores). A send of the panel's own holds back its "note
added" event until the write returns the note, which then is the new row (no read at all)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from horus_desktop.domain.records import Comment
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.notes.model import NotesModel

if TYPE_CHECKING:
    from horus_desktop.store import Store
    from horus_desktop.store.unit_of_work import ChangeSet

RELOAD_KINDS = {"reaction", "attachment"}  # rare, and drawn inside a note's row: the threads are read again


def fetch_notes(store: Store, ids: list[uuid.UUID]) -> list[Comment]:
    """The live notes of ``ids`` (a deleted one is left out)."""
    from horus_desktop.store import NotFoundError  # on the DB worker: the store is loaded

    found = []
    for comment_id in ids:
        try:
            found.append(store.comments.get(comment_id))
        except NotFoundError:
            pass
    return found


class NoteUpdates:
    """Applies change sets to ``model`` for the media the panel shows."""

    def __init__(self, store: Store, db: DbWorker, model: NotesModel, *, reload: Callable[[], None],
                 shown: Callable[[list[Comment]], None]) -> None:
        """``reload`` reads every thread again; ``shown(comments)`` runs after notes were put in the model."""
        self._store, self._db, self._model = store, db, model
        self._reload, self._shown = reload, shown
        self._media_id: uuid.UUID | None = None
        self._sending = 0  # sends in flight: their own "note added" events wait for the returned note
        self._held: set[uuid.UUID] = set()

    def set_media(self, media_id: uuid.UUID | None) -> None:
        """Whose notes the model holds."""
        self._media_id = media_id

    def on_change(self, change_set: ChangeSet) -> None:
        """A committed change set (on the UI thread)."""
        media_id = self._media_id
        if media_id is None:
            return
        notes = change_set.of("note")
        if change_set.kinds() & RELOAD_KINDS or any(c.op in ("delete", "restore") for c in notes):
            self._reload()
            return
        held = self._model.find
        # a pulled note may not say its media (None): fetched, and kept only if it is of this one
        added = [c.row_id for c in notes if c.op == "insert" and c.media_id in (media_id, None)
                 and held(c.row_id) is None]  # type: ignore[arg-type]
        changed = [c.row_id for c in notes if c.op == "update" and held(c.row_id) is not None]  # type: ignore[arg-type]
        if added and self._sending:
            self._held.update(added)  # type: ignore[arg-type]
            added = []
        if added or changed:
            self._fetch(added + changed)  # type: ignore[arg-type]

    def send_started(self) -> None:
        """The panel submitted a note of its own."""
        self._sending += 1

    def send_finished(self, written: Comment | None) -> None:
        """A send ended (``written`` is None when refused): show its note now, fetch others' held meanwhile."""
        self._sending -= 1
        if written is not None:
            self.show(self._media_id, [written])
            self._held.discard(written.id)
        if not self._sending and self._held:
            held, self._held = list(self._held), set()
            self._fetch(held)

    def _fetch(self, ids: list[uuid.UUID]) -> None:
        media_id = self._media_id
        self._db.submit(fetch_notes, self._store, ids, on_done=lambda found: self.show(media_id, found))

    def show(self, media_id: uuid.UUID | None, comments: list[Comment]) -> None:
        """Put notes into the model: replace held ones, insert new ones of the media shown."""
        if media_id is None or media_id != self._media_id:
            return
        for comment in comments:
            if self._model.replace_note(comment):
                continue
            if comment.media_id == media_id and not self._model.add_note(comment):
                self._reload()  # a reply to a thread not held (yet): read the threads again
                return
        self._shown(comments)
