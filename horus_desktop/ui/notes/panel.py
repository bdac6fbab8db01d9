"""The notes dock: threads of the media in the viewer (and open notes of its earlier versions), drawn by a
delegate over a tree model (thousands of notes stay smooth); a composer with @mentions; reply, edit, delete
(undoable), resolve, reactions, attachments; filters, sort and full-text search."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.domain.mentions import unknown_mentions_message
from horus_desktop.domain.records import Comment, CommentAttachment, CommentNode, MediaRecord
from horus_desktop.services import notes as notes_service
from horus_desktop.services.attachments import attach_file, attachment_file
from horus_desktop.ui.current_user import CurrentUser
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.notes.actions_row import build_actions_row
from horus_desktop.ui.notes.commands import DeleteNoteCommand
from horus_desktop.ui.notes.delegate import NoteDelegate
from horus_desktop.ui.notes.drafts import Draft, NoteDrafts
from horus_desktop.ui.notes.editor import NoteEditor
from horus_desktop.ui.notes.model import (
    FILTER_LABELS,
    FILTERS,
    REACTIONS,
    NoteItem,
    NotesModel,
    items_from_nodes,
    media_timecode,
)
from horus_desktop.ui.notes.updates import NoteUpdates
from horus_desktop.ui.store_events import StoreEvents

if TYPE_CHECKING:
    from horus_desktop.store import Store

DrawingsFor = Callable[[uuid.UUID, int], list[uuid.UUID]]
#: A media's threads and the open notes carried from its earlier versions (services.notes.load_notes).
LoadedNotes = tuple[list[CommentNode], list[tuple[MediaRecord, list[CommentNode]]]]


class NotesPanel(QWidget):
    """Read, write and manage the notes of the current media."""

    sig_seek = Signal(int)
    sig_message = Signal(str)
    sig_note_clicked = Signal(object)  # comment id
    sig_note_frames = Signal(object)  # set of frames with notes
    sig_composing = Signal()  # the note box took the focus: a note is being written on the frame shown

    def __init__(self, store: Store, db: DbWorker, events: StoreEvents, user: CurrentUser, *,
                 undo_stack: QUndoStack | None = None, drawings_for: DrawingsFor | None = None,
                 drafts: NoteDrafts | None = None, parent: QWidget | None = None) -> None:
        """``drawings_for(media_id, frame)`` gives the drawings a new note on that frame links to; ``drafts``
        keeps the unsent text of each media (for this run only when None)."""
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self._store, self._db = store, db
        self._user = user
        self._user_id = user.id
        self.undo_stack = undo_stack or QUndoStack(self)
        self._media: MediaRecord | None = None
        self._frame: int | None = None
        self._reply_to: NoteItem | None = None
        self._editing: NoteItem | None = None
        self._drafts = drafts or NoteDrafts(None)
        self._draft_reply: uuid.UUID | None = None  # a restored reply's note, until the notes are shown
        self.thread_count = 0
        self.loads = 0
        self._drawings_for = drawings_for
        self.attachment_opener: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.title = QLabel("Notes")
        self.title.setObjectName("notesTitle")
        self.search = QLineEdit()
        self.search.setObjectName("notesSearch")
        self.search.setPlaceholderText("Search notes...")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.filter_box = QComboBox()
        for name in FILTERS:
            self.filter_box.addItem(FILTER_LABELS[name], name)
        self.sort_box = QComboBox()
        self.sort_box.addItem("By frame", "frame")
        self.sort_box.addItem("By time", "time")
        # notes stored without a timecode (older ones, imports, the demo) show it at the media's rate
        self.model = NotesModel(user.id, timecode_of=lambda frame: media_timecode(self._media, frame))
        self.delegate = NoteDelegate(self)
        self.view = QTreeView()
        self.view.setObjectName("notesView")
        self.view.setModel(self.model)
        self.view.setItemDelegate(self.delegate)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(False)
        self.view.setIndentation(18)
        self.view.setWordWrap(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)  # heights measured lazily
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.clicked.connect(self._on_clicked)
        self.view.selectionModel().currentChanged.connect(lambda _c, _p: self._sync_buttons())
        self.filter_box.currentIndexChanged.connect(lambda _i: self._set_filter(self.filter_box.currentData()))
        self.sort_box.currentIndexChanged.connect(lambda _i: self.model.set_sort(self.sort_box.currentData()))
        actions_row, self.buttons = build_actions_row(
            {"reply": self.start_reply, "edit": self.start_edit, "resolve": self.toggle_resolved,
             "attach": self.attach_file, "delete": self.delete_current}, self.toggle_reaction)
        self.context_label = QLabel("")
        self.context_label.setObjectName("noteContext")
        self.editor = NoteEditor(self._lookup_users)
        self.editor.setPlaceholderText("Write a note on the current frame (Markdown, @name mentions; Ctrl+Enter sends)")
        self.editor.setMaximumHeight(90)
        self.editor.sig_send.connect(self.send)
        self.editor.sig_cancel.connect(self.cancel_compose)
        self.editor.sig_focused.connect(self.sig_composing)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(400)
        self._draft_timer.timeout.connect(self.keep_draft)
        self.editor.textChanged.connect(self._draft_timer.start)
        self.add_button = QPushButton("Send")
        self.add_button.setObjectName("addNote")
        self.add_button.setToolTip("Send (Ctrl+Enter)")
        self.add_button.clicked.connect(self.send)
        self.add_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_compose)
        self.cancel_button.hide()
        # What the last send should tell the writer (an @mention of nobody): stays until the next send.
        self.notice = QLabel("")
        self.notice.setObjectName("noteNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        top = QHBoxLayout()
        top.addWidget(self.filter_box)
        top.addWidget(self.sort_box)
        send_row = QHBoxLayout()
        send_row.addWidget(self.context_label, 1)
        send_row.addWidget(self.cancel_button)
        send_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.search)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions_row)
        layout.addWidget(self.editor)
        layout.addLayout(send_row)
        layout.addWidget(self.notice)
        # store changes reach the model through one helper that touches only what changed
        self.updates = NoteUpdates(store, db, self.model, reload=self.reload, shown=self._on_notes_shown)
        events.changed.connect(self.updates.on_change)
        self._update_context()
        self._sync_buttons()

    # --- who and where ---------------------------------------------------------------------------
    def set_media(self, media: MediaRecord | None, notes: LoadedNotes | None = None) -> None:
        """Show the notes of ``media``: fetched on the DB worker, or ``notes`` when the caller already has
        them (what services.notes.load_notes returns; the notes benchmark times the paint alone).

        ``None``: no media is current (a gap or a clip without media under a playlist's playhead)."""
        if media is None:
            self._show_no_media()
            return
        changed = self._media is None or self._media.id != media.id
        parked = changed and self._media is not None
        if parked:
            self.keep_draft()  # the media going keeps its unsent text
        self._media = media
        self.updates.set_media(media.id)
        self.add_button.setEnabled(True)
        self.title.setText(f"Notes · {media.shot or media.file_name} {media.version}")
        if changed:
            self.cancel_compose()
            self._restore_draft(media.id, clear=parked)
            self.delegate.clear_cache()
            if self.search.text().strip():
                self._run_search()  # the hits held are the old media's notes: search this one's
        if notes is None:
            self.reload()
        else:
            self._fill(media.id, *notes)

    def _show_no_media(self) -> None:
        if self._media is not None:
            self.keep_draft()
            self.editor.clear()  # kept with its media: it comes back with it
        self.cancel_compose()
        self._media = None
        self._frame = None
        self.updates.set_media(None)
        self.add_button.setEnabled(False)
        self.title.setText("Notes · no media here")
        self.model.set_threads([])
        self.thread_count = 0
        self._emit_note_frames()
        self._update_context()
        self._sync_buttons()

    def media(self) -> MediaRecord | None:
        """The media whose notes are shown."""
        return self._media

    def set_frame(self, media_id: uuid.UUID, frame: int) -> None:
        """The frame a new note goes on (a source frame of ``media_id``; another media's frame is not ours)."""
        if self._media is not None and media_id != self._media.id:
            return
        self._frame = frame
        self.model.set_frame(frame)
        self._update_context()

    # --- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Fetch the threads again."""
        if self._media is None:
            return
        media_id = self._media.id
        self._db.submit(notes_service.load_notes, self._store, media_id, on_done=lambda r: self._fill(media_id, *r))

    def _fill(self, media_id: uuid.UUID, threads: list[CommentNode],
              carried: list[tuple[MediaRecord, list[CommentNode]]]) -> None:
        if self._media is None or self._media.id != media_id:
            return
        current = self.current_item()
        keep = current.comment.id if current else None
        items = items_from_nodes(threads)
        for record, nodes in carried:
            items.extend(items_from_nodes(nodes, version=record.version))
        self.model.set_threads(items)
        self.thread_count = len(threads)
        self.loads += 1
        self._emit_note_frames()
        if keep is not None:
            index = self.model.index_of(keep)
            if index.isValid():
                self.view.setCurrentIndex(index)
        self.view.expandAll()
        if self._draft_reply is not None:  # a reply's draft answers a note now shown (if still there)
            item = self.model.item(self.model.index_of(self._draft_reply))
            self._draft_reply = None
            if item is not None and not item.read_only and self._editing is None:
                self._reply_to = item
                self._update_context()
        self._sync_buttons()

    def _on_notes_shown(self, comments: list[Comment]) -> None:
        for comment in comments:
            if comment.parent_id is not None:
                self.view.expand(self.model.index_of(comment.parent_id))
        self._emit_note_frames()
        self._sync_buttons()

    def _emit_note_frames(self) -> None:
        self.sig_note_frames.emit({t.comment.frame_number for t in self.model.threads()
                                   if t.version is None and t.comment.frame_number is not None})

    # --- filters and search ----------------------------------------------------------------------
    def _set_filter(self, name: str) -> None:
        self.model.set_filter(name)
        self.view.expandAll()

    def _run_search(self) -> None:
        text = self.search.text().strip()
        if not text or self._media is None:
            self.model.set_matches(None)
            self.view.expandAll()
            return
        media_id = self._media.id

        def done(found: list[Comment]) -> None:
            if self.search.text().strip() == text:
                self.model.set_matches({c.id for c in found})
                self.view.expandAll()

        self._db.submit(self._store.comments.search, text, media_id=media_id, on_done=done)

    # --- selection -------------------------------------------------------------------------------
    def current_item(self) -> NoteItem | None:
        """The selected note."""
        return self.model.item(self.view.currentIndex())

    def select_note(self, comment_id: uuid.UUID) -> bool:
        """Make a note current (True when shown)."""
        index = self.model.index_of(comment_id)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
        return index.isValid()

    def _sync_buttons(self) -> None:
        item = self.current_item()
        has = item is not None
        mine = has and item.comment.user_id == self._user_id and not item.read_only  # type: ignore[union-attr]
        for key in ("reply", "attach", "react"):
            self.buttons[key].setEnabled(has and not item.read_only)  # type: ignore[union-attr]
        self.buttons["edit"].setEnabled(bool(mine))
        self.buttons["delete"].setEnabled(bool(mine))
        self.buttons["resolve"].setEnabled(has)
        self.buttons["resolve"].setText("Reopen" if has and item.comment.is_resolved else "Resolve")  # type: ignore[union-attr]

    def _on_clicked(self, index: QModelIndex) -> None:
        item = self.model.item(index)
        if item is None:
            return
        pos = self.view.viewport().mapFromGlobal(self.view.cursor().pos())
        hit = self.delegate.attachment_at(item, pos.toPointF())
        if hit is not None:
            self.open_attachment(item.attachments[hit])
            return
        self.jump_to(item)

    def jump_to(self, item: NoteItem) -> None:
        """Go to a note's frame and show its drawings."""
        frame = item.comment.frame_number
        if frame is not None and item.version is None:
            self.sig_seek.emit(frame)
        self.sig_note_clicked.emit(item.comment.id)

    def open_attachment(self, attachment: CommentAttachment) -> None:
        """Open an attached file with the system's application; one made on another machine is fetched from the
        sync server on its first open (off the UI thread; attachments are small, later opens are local)."""
        self._db.submit(attachment_file, self._store, attachment,
                        on_done=lambda path: self.attachment_opener(QUrl.fromLocalFile(str(path))),
                        on_error=lambda e: self.sig_message.emit(f"Attachment: {e}"))

    def _context_menu(self, pos: QPoint) -> None:
        item = self.model.item(self.view.indexAt(pos))
        if item is None:
            return
        self.view.setCurrentIndex(self.view.indexAt(pos))
        menu = QMenu(self)
        if not item.read_only:
            menu.addAction("Reply", self.start_reply)
        menu.addAction("Reopen" if item.comment.is_resolved else "Resolve", self.toggle_resolved)
        if item.comment.user_id == self._user_id and not item.read_only:
            menu.addAction("Edit", self.start_edit)
            menu.addAction("Delete", self.delete_current)
        if not item.read_only:
            react = menu.addMenu("React")
            for kind, glyph in REACTIONS.items():
                react.addAction(f"{glyph}  {kind}", lambda k=kind: self.toggle_reaction(k))
            menu.addAction("Attach file...", self.attach_file)
        for a in item.attachments:
            menu.addAction(f"Open {a.file_name}", lambda a=a: self.open_attachment(a))
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # --- drafts --------------------------------------------------------------------------------------
    def keep_draft(self) -> None:
        """Keep the note box's text as the current media's draft (an edit of a stored note is not one)."""
        self._draft_timer.stop()
        if self._media is None or self._editing is not None:
            return
        reply = self._reply_to.comment.id if self._reply_to is not None else self._draft_reply
        self._drafts.keep(self._media.id, Draft(self.editor.toPlainText(), reply))

    def _restore_draft(self, media_id: uuid.UUID, *, clear: bool) -> None:
        """The new media's draft in the box; with none, the box is emptied when ``clear`` (the text was the last
        media's, kept with it), else what was typed while no media was current stays for this one."""
        draft = self._drafts.get(media_id)
        self._draft_reply = draft.reply_to if draft is not None else None
        if draft is not None:
            typed = "" if clear else self.editor.toPlainText().strip()  # typed while no media was current
            self.editor.setPlainText(f"{draft.text}\n{typed}" if typed else draft.text)
        elif clear:
            self.editor.clear()
        self._draft_timer.stop()  # what is in the box is what is kept

    # --- composing -------------------------------------------------------------------------------
    def _update_context(self) -> None:
        if self._editing is not None:
            text = "Editing your note"
        elif self._reply_to is not None:
            text = f"Reply to {self._reply_to.comment.user_name}"
        elif self._frame is not None:
            text = f"New note on frame {self._frame}"
        else:
            text = "New note"
        self.context_label.setText(text)
        self.cancel_button.setVisible(self._editing is not None or self._reply_to is not None)

    def start_reply(self) -> None:
        """Reply to the selected note."""
        item = self.current_item()
        if item is None or item.read_only:
            return
        self._reply_to, self._editing = item, None
        self._update_context()
        self.editor.setFocus()

    def start_edit(self) -> None:
        """Edit the selected note (yours)."""
        item = self.current_item()
        if item is None or item.comment.user_id != self._user_id or item.read_only:
            return
        self._editing, self._reply_to = item, None
        self.editor.setPlainText(item.comment.content)
        self._update_context()
        self.editor.setFocus()

    def cancel_compose(self) -> None:
        """Back to writing a new note."""
        if self._editing is not None:
            self.editor.clear()
        self._editing = self._reply_to = None
        self._update_context()

    def send(self) -> None:
        """Store the typed note, reply or edit (kept in the editor if the store refuses it)."""
        text = self.editor.toPlainText().strip()
        if not text or self._media is None:
            return
        media_id = self._media.id

        def done(result: tuple[Comment, list[str]]) -> None:
            self._drafts.keep(media_id, None)
            if self._media is not None and self._media.id == media_id:  # else the box holds another media's draft
                self.editor.clear()
                self.cancel_compose()
            self._tell_unknown_mentions(result[1])

        def failed(error: BaseException) -> None:
            self.sig_message.emit(f"Note not saved (kept in the editor): {error}")

        if self._editing is not None:
            self._db.submit(notes_service.edit_note, self._store, self._editing.comment.id, text, on_done=done, on_error=failed)
            return
        frame = self._frame
        parent = self._reply_to
        author = notes_service.Author(self._user_id, self._user.name)
        drawings: list[uuid.UUID] = []
        if parent is None and frame is not None and self._drawings_for is not None:
            drawings = self._drawings_for(media_id, frame)

        def written(result: tuple[Comment, list[str]]) -> None:
            self.updates.send_finished(result[0])  # the returned note is the new row: no refetch
            done(result)

        def refused(error: BaseException) -> None:
            self.updates.send_finished(None)
            failed(error)

        self.updates.send_started()
        self._db.submit(notes_service.add_note, self._store, media_id, text, author,
                        frame=None if parent else frame, reply_to=parent.comment.id if parent else None,
                        drawings=drawings, on_done=written, on_error=refused)

    def _tell_unknown_mentions(self, names: list[str]) -> None:
        message = f"Note saved, but {unknown_mentions_message(names)}." if names else ""
        self.notice.setText(message)
        self.notice.setVisible(bool(message))
        if message:
            self.sig_message.emit(message)

    # --- actions on the selected note ------------------------------------------------------------
    def toggle_resolved(self) -> None:
        """Resolve or reopen the selected note (who and when are kept)."""
        item = self.current_item()
        if item is None:
            return
        self._db.submit(notes_service.set_resolved, self._store, item.comment.id, not item.comment.is_resolved,
                        self._user_id, on_error=lambda e: self.sig_message.emit(f"Resolve: {e}"))

    def toggle_reaction(self, kind: str) -> None:
        """Add your reaction of a kind to the selected note, or take it back."""
        item = self.current_item()
        if item is None or item.read_only:
            return
        mine = any(r.user_id == self._user_id and r.reaction_type == kind for r in item.reactions)
        call = self._store.comments.unreact if mine else self._store.comments.react
        self._db.submit(call, item.comment.id, self._user_id, kind,
                        on_error=lambda e: self.sig_message.emit(f"Reaction: {e}"))

    def delete_current(self) -> None:
        """Delete the selected note of yours (Ctrl+Z restores it)."""
        item = self.current_item()
        if item is None or item.comment.user_id != self._user_id or item.read_only:
            return
        self.undo_stack.push(DeleteNoteCommand(self._store, self._db, item.comment.id, self._user_id,
                                               on_error=lambda e: self.sig_message.emit(f"Delete: {e}")))
        self.sig_message.emit("Note deleted (Ctrl+Z restores it).")

    def attach_file(self, file: str | None = None) -> None:
        """Copy a file into the store and attach it to the selected note."""
        from PySide6.QtWidgets import QFileDialog  # loads on use
        item = self.current_item()
        if item is None or item.read_only:
            return
        if file is None:
            file, _ = QFileDialog.getOpenFileName(self, "Attach a file to the note")
            if not file:
                return
        self._db.submit(attach_file, self._store, item.comment.id, file, self._user_id,
                        on_error=lambda e: self.sig_message.emit(f"Attachment: {e}"))

    def _lookup_users(self, prefix: str, done: Callable[[list[str]], None]) -> None:
        self._db.submit(lambda: [u.username for u in self._store.users.complete(prefix)], on_done=done)

    def note_frames(self) -> list[int]:
        """Frames of the current media's notes, sorted."""
        return sorted({t.comment.frame_number for t in self.model.threads()
                       if t.version is None and t.comment.frame_number is not None})

