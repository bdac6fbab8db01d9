"""Plugs the review tools into the main window: drawing tool bar and controller, layers dock, approval
control, notification bell, preferences, note navigation (``,`` / ``.``), carry-forward and the links
between notes, drawings and the frame slider. ``MainWindow`` builds one, handing it the parts it joins."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDockWidget, QMainWindow, QMenu, QToolBar

from horus_desktop.domain.records import MediaRecord, User
from horus_desktop.domain.shapes import neighbour_frame
from horus_desktop.ui.annotate.controller import AnnotationController
from horus_desktop.ui.annotate.layers_panel import LayersPanel
from horus_desktop.ui.annotate.palette import AnnotateToolBar
from horus_desktop.ui.current_media import CurrentMedia
from horus_desktop.ui.current_user import CurrentUser, current_user
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.notes.approvals import StatusControl
from horus_desktop.ui.notes.bell import NotificationBell
from horus_desktop.ui.notes.panel import NotesPanel
from horus_desktop.ui.store_events import StoreEvents
from horus_desktop.ui.viewer.panel import ViewerPanel

if TYPE_CHECKING:
    from horus_desktop.store import Store


class ReviewTools:
    """Everything issue 5 adds to the window, built and connected in one place from the parts it is given."""

    def __init__(self, window: QMainWindow, store: Store, db: DbWorker, events: StoreEvents, *,
                 controller: AnnotationController, current: CurrentMedia, user: CurrentUser,
                 viewer: ViewerPanel, notes: NotesPanel,
                 notes_dock: QDockWidget, menus: dict[str, QMenu], main_toolbar: QToolBar, settings: QSettings,
                 open_media: Callable[[MediaRecord], None], message: Callable[[str], None],
                 note_jump: Callable[[int], bool] | None = None) -> None:
        """``menus`` are the window's menus by key ("File", "View", "Review"); ``open_media`` shows a media."""
        self.window, self.store, self.db, self.user = window, store, db, user
        self.current = current  # what the tools work on: in a playlist the clip under the playhead
        self.viewer, self.notes, self.controller = viewer, notes, controller
        self._open_media, self._message = open_media, message
        self._note_jump = note_jump  # a playlist's own note jumps (across clips); False: single media
        ctl = controller
        self.toolbar = AnnotateToolBar(settings, ctl.undo_stack, window)
        self.status_control = StatusControl(store, db, events, user)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.status_control)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.bell = NotificationBell(store, db, events, user.id)
        main_toolbar.addSeparator()
        main_toolbar.addWidget(self.bell)
        self.layers = LayersPanel(store, db, ctl)
        self.layers_dock = QDockWidget("Layers", window)
        self.layers_dock.setObjectName("layersDock")
        self.layers_dock.setWidget(self.layers)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.layers_dock)
        window.splitDockWidget(notes_dock, self.layers_dock, Qt.Orientation.Vertical)
        window.resizeDocks([notes_dock, self.layers_dock], [760, 150], Qt.Orientation.Vertical)
        self._note_frames: list[int] = []
        self._pending_seek: tuple[uuid.UUID, int] | None = None
        self._build_actions(menus)
        self._connect()
        ctl.set_style(self.toolbar.style())
        ctl.set_ghost(self.toolbar.ghost_action.isChecked())
        db.submit(current_user, store, user.id, on_done=user.set_record)

    def _build_actions(self, menus: dict[str, QMenu]) -> None:
        window, review, file_menu = self.window, menus["Review"], menus["File"]
        self.actions: dict[str, QAction] = {}
        for name, text, keys, handler in (
            ("previous_note", "Previous Note", ",", lambda: self.jump_note(-1)),
            ("next_note", "Next Note", ".", lambda: self.jump_note(1)),
            ("delete_drawing", "Delete Selected Drawing", "Delete", self.controller.delete_selected),
        ):
            action = QAction(text, window)
            action.setObjectName(f"action_{name}")
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _c=False, h=handler: h())
            self.actions[name] = action
            if name == "delete_drawing":
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.viewer.view.addAction(action)
            else:
                window.addAction(action)
            review.addAction(action)
        review.addSeparator()
        for action in (*self.toolbar.tool_actions.values(), self.toolbar.ghost_action):
            review.addAction(action)
        review.addAction(self.toolbar.undo_action)
        review.addAction(self.toolbar.redo_action)
        # Drawing undo lives where drawings and notes are edited; window-wide it made Ctrl+Z ambiguous against
        # the timeline's own undo while the timeline has focus (Qt then runs neither).
        for action in (self.toolbar.undo_action, self.toolbar.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.viewer.addAction(action)
            self.notes.addAction(action)
        prefs = QAction("Pre&ferences...", window)
        prefs.setObjectName("action_preferences")
        prefs.setShortcut(QKeySequence("Ctrl+,"))
        prefs.triggered.connect(self.edit_preferences)
        file_menu.insertAction(file_menu.actions()[-1] if file_menu.actions() else None, prefs)
        window.addAction(prefs)
        self.actions["preferences"] = prefs
        menus["View"].addAction(self.layers_dock.toggleViewAction())
        menus["View"].addAction(self.toolbar.toggleViewAction())

    def _connect(self) -> None:
        viewer, notes, ctl = self.viewer, self.notes, self.controller
        self.toolbar.sig_tool.connect(ctl.set_tool)
        self.toolbar.sig_style.connect(ctl.set_style)
        self.toolbar.sig_ghost.connect(ctl.set_ghost)
        ctl.sig_tool.connect(self.toolbar.set_tool)
        ctl.sig_message.connect(self._message)
        ctl.sig_marks.connect(lambda _frames: viewer.transport.slider.set_marks(ctl.canvas.marked_frames()))
        self.layers.sig_message.connect(self._message)
        self.status_control.sig_message.connect(self._message)
        self.current.sig_media.connect(self._on_media_opened)
        self.current.sig_frame.connect(ctl.set_frame)
        notes.sig_note_clicked.connect(ctl.highlight_note)
        notes.sig_note_frames.connect(self._on_note_frames)
        self.bell.sig_open.connect(self.open_at)

    # --- handlers --------------------------------------------------------------------------------
    def _on_media_opened(self, record: MediaRecord | None) -> None:
        """The current media changed (an open, or a playlist's playhead crossing into another media's clip)."""
        self.controller.set_media(record)
        self.status_control.set_media(record)
        if record is not None and self._pending_seek is not None and self._pending_seek[0] == record.id:
            frame = self._pending_seek[1]
            self._pending_seek = None
            self.current.seek_source(frame)

    def _on_note_frames(self, frames: set[int]) -> None:
        self._note_frames = sorted(frames)
        self.viewer.transport.slider.set_note_marks(self.current.playlist_frames(frames))

    def jump_note(self, step: int) -> None:
        """``,`` / ``.``: the previous/next frame with a note or a drawing (in a playlist, across its clips)."""
        if self._note_jump is not None and self._note_jump(step):
            return
        frame = self.viewer.current_frame()
        if frame is None:
            return
        marked = sorted(set(self._note_frames) | self.controller.canvas.frames())
        target = neighbour_frame(marked, frame, step)
        if target is not None:
            self.viewer.seek(target)

    def open_at(self, media: MediaRecord, frame: int | None) -> None:
        """Open a media (if not on screen) and go to a frame."""
        shown = self.current.record()
        if shown is not None and shown.id == media.id:
            if frame is not None:
                self.current.seek_source(frame)
            return
        self._pending_seek = (media.id, frame) if frame is not None else None
        self._open_media(media)

    def edit_preferences(self) -> None:
        """Edit who you are (full name, e-mail, role)."""

        def show(user: User) -> None:
            from horus_desktop.ui.notes.preferences import PreferencesDialog  # loads on use

            dialog = PreferencesDialog(user, self.window)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.db.submit(self.store.users.ensure, self.user.id, **dialog.values(),
                               on_done=self.user.set_record, on_error=lambda e: self._message(f"Preferences: {e}"))

        self.db.submit(current_user, self.store, self.user.id, on_done=show)

