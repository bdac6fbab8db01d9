"""Plugs the review tools into the main window: drawing tool bar and controller, layers dock, approval
control, notification bell, preferences, note navigation (``,`` / ``.``), carry-forward and the links
between notes, drawings and the frame slider. ``install_review`` is called once by ``MainWindow``."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDockWidget, QMenu

from horus_desktop.domain.records import MediaRecord, User
from horus_desktop.domain.shapes import neighbour_frame
from horus_desktop.store import Store
from horus_desktop.ui.annotate.controller import AnnotationController
from horus_desktop.ui.annotate.layers_panel import LayersPanel
from horus_desktop.ui.annotate.palette import AnnotateToolBar
from horus_desktop.ui.notes.approvals import StatusControl
from horus_desktop.ui.notes.bell import NotificationBell
from horus_desktop.ui.notes.model import media_timecode
from horus_desktop.ui.notes.preferences import PreferencesDialog

if TYPE_CHECKING:
    from horus_desktop.ui.main_window import MainWindow


def display_name(user: User) -> str:
    """How a user signs notes."""
    return user.full_name or user.username or user.id


def current_user(store: Store, user_id: str) -> User:
    """The user record of who runs the app (made on first run from the OS account)."""
    return store.users.find(user_id) or store.users.ensure(user_id)


class ReviewTools:
    """Everything issue 5 adds to the window, built and connected in one place."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        store, db, viewer, notes = window.store, window.db, window.viewer, window.notes
        self.store, self.db = store, db
        self.user_id = window.user_id
        self.user_name = window.user_id
        self.controller = AnnotationController(store, db, viewer.view, viewer.overlay, user_id=self.user_id,
                                               user_name=self.user_name, parent=window)
        ctl = self.controller
        ctl.slot_record = lambda: viewer.slots["A"].record if viewer.slots["A"] is not None else None
        self.toolbar = AnnotateToolBar(window.settings, ctl.undo_stack, window)
        self.status_control = StatusControl(store, db, user_id=self.user_id, user_name=self.user_name)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.status_control)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.bell = NotificationBell(store, db, self.user_id)
        window.toolbar.addSeparator()
        window.toolbar.addWidget(self.bell)
        self.layers = LayersPanel(store, db, ctl)
        self.layers_dock = QDockWidget("Layers", window)
        self.layers_dock.setObjectName("layersDock")
        self.layers_dock.setWidget(self.layers)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.layers_dock)
        window.splitDockWidget(window.notes_dock, self.layers_dock, Qt.Orientation.Vertical)
        window.resizeDocks([window.notes_dock, self.layers_dock], [760, 150], Qt.Orientation.Vertical)
        notes.undo_stack = ctl.undo_stack
        # notes stored without a timecode (older ones, imports, the demo) show it at the media's rate
        notes.model.timecode_of = lambda frame: media_timecode(notes.media(), frame)
        notes.drawings_for = ctl.take_session_drawings
        self._note_frames: list[int] = []
        self._pending_seek: tuple[uuid.UUID, int] | None = None
        self._build_actions()
        self._connect()
        ctl.set_style(self.toolbar.style())
        ctl.set_ghost(self.toolbar.ghost_action.isChecked())
        db.submit(current_user, store, self.user_id, on_done=self._set_user)

    def _build_actions(self) -> None:
        window = self.window
        menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions() if a.menu()}
        review: QMenu = menus.get("Review") or window.menuBar().addMenu("R&eview")
        file_menu: QMenu = menus.get("File") or window.menuBar().addMenu("&File")
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
                window.viewer.view.addAction(action)
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
            window.viewer.addAction(action)
            window.notes.addAction(action)
        prefs = QAction("Pre&ferences...", window)
        prefs.setObjectName("action_preferences")
        prefs.setShortcut(QKeySequence("Ctrl+,"))
        prefs.triggered.connect(self.edit_preferences)
        file_menu.insertAction(file_menu.actions()[-1] if file_menu.actions() else None, prefs)
        window.addAction(prefs)
        self.actions["preferences"] = prefs
        view_menu = menus.get("View")
        if view_menu is not None:
            view_menu.addAction(self.layers_dock.toggleViewAction())
            view_menu.addAction(self.toolbar.toggleViewAction())

    def _connect(self) -> None:
        window, viewer, notes, ctl = self.window, self.window.viewer, self.window.notes, self.controller
        self.toolbar.sig_tool.connect(ctl.set_tool)
        self.toolbar.sig_style.connect(ctl.set_style)
        self.toolbar.sig_ghost.connect(ctl.set_ghost)
        ctl.sig_tool.connect(self.toolbar.set_tool)
        ctl.sig_message.connect(window._message)
        ctl.sig_marks.connect(viewer.transport.slider.set_marks)
        self.layers.sig_message.connect(window._message)
        self.status_control.sig_message.connect(window._message)
        viewer.sig_media_opened.connect(self._on_media_opened)
        viewer.sig_frame_changed.connect(ctl.set_frame)
        notes.sig_note_clicked.connect(ctl.highlight_note)
        notes.sig_note_frames.connect(self._on_note_frames)
        self.bell.sig_open.connect(self.open_at)

    # --- handlers --------------------------------------------------------------------------------
    def _set_user(self, user: User) -> None:
        self.user_name = display_name(user)
        self.controller.user_name = self.user_name
        self.status_control.user_name = self.user_name
        self.window.notes.set_user_name(self.user_name)
        self.window.browser.user_name = self.user_name
        self.window.status.user_label.setText(f"User: {self.user_name}")

    def _on_media_opened(self, record: MediaRecord) -> None:
        self.controller.set_media(record)
        self.status_control.set_media(record)
        if self._pending_seek is not None and self._pending_seek[0] == record.id:
            frame = self._pending_seek[1]
            self._pending_seek = None
            self.window.viewer.seek(frame)

    def _on_note_frames(self, frames: set[int]) -> None:
        self._note_frames = sorted(frames)
        self.window.viewer.transport.slider.set_note_marks(frames)

    def jump_note(self, step: int) -> None:
        """``,`` / ``.``: the previous/next frame with a note or a drawing."""
        frame = self.window.viewer.current_frame()
        if frame is None:
            return
        marked = sorted(set(self._note_frames) | self.controller.canvas.frames())
        target = neighbour_frame(marked, frame, step)
        if target is not None:
            self.window.viewer.seek(target)

    def open_at(self, media: MediaRecord, frame: int | None) -> None:
        """Open a media (if not on screen) and go to a frame."""
        shown = self.controller.slot_record() if self.controller.slot_record else None
        if shown is not None and shown.id == media.id:
            if frame is not None:
                self.window.viewer.seek(frame)
            return
        self._pending_seek = (media.id, frame) if frame is not None else None
        self.window.open_media(media)

    def edit_preferences(self) -> None:
        """Edit who you are (full name, e-mail, role)."""

        def show(user: User) -> None:
            dialog = PreferencesDialog(user, self.window)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.db.submit(self.store.users.ensure, self.user_id, **dialog.values(), on_done=self._set_user,
                               on_error=lambda e: self.window._message(f"Preferences: {e}"))

        self.db.submit(current_user, self.store, self.user_id, on_done=show)

    def shutdown(self) -> None:
        """Stop listening to the store."""
        self.controller.shutdown()
        self.bell.shutdown()


def install_review(window: MainWindow) -> ReviewTools:
    """Build the review tools into ``window``."""
    return ReviewTools(window)
