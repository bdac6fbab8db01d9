"""Puts the dailies tools in the main window: the playlist note jumps, the "Notes Only" play mode (the Playback
menu's checkable action) and the Dailies Notes dock (View menu). ``MainWindow`` builds one, handing it the parts
it joins, before the review tools (whose ``,`` / ``.`` ask :meth:`DailiesTools.jump_note` first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from horus_desktop.ui.dailies.navigation import PlaylistNavigator
from horus_desktop.ui.dailies.notes_only import NotesOnlyPlay
from horus_desktop.ui.dailies.notes_view import DailiesNotesPanel
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.store_events import StoreEvents
from horus_desktop.ui.timeline.panel import TimelinePanel
from horus_desktop.ui.timeline.player import TimelinePlayer
from horus_desktop.ui.viewer.panel import ViewerPanel

if TYPE_CHECKING:
    from horus_desktop.store import Store


class DailiesTools:
    """The dailies navigation and notes list, built and connected in one place."""

    def __init__(self, window: QMainWindow, store: Store, db: DbWorker, events: StoreEvents, *,
                 timeline: TimelinePanel, player: TimelinePlayer, viewer: ViewerPanel,
                 actions: dict[str, QAction], view_menu: QMenu, beside: QDockWidget,
                 message: Callable[[str], None]) -> None:
        """``beside``: the dock the notes list is tabbed with (the notes dock)."""
        self.navigator = PlaylistNavigator(timeline, player, viewer)
        self.notes_only = NotesOnlyPlay(actions["notes_only"], viewer, self.navigator)
        self.notes_only.sig_message.connect(message)
        self.panel = DailiesNotesPanel(store, db, events, timeline)
        self.panel.sig_message.connect(message)
        self._player, self._viewer = player, viewer
        viewer.sig_position.connect(self._on_position)  # the list follows the playhead
        self.dock = QDockWidget("Dailies Notes", window)
        self.dock.setObjectName("dailiesNotesDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()  # opened from the View menu, as a tab beside the notes
        self._window, self._beside = window, beside
        toggle = self.dock.toggleViewAction()
        toggle.setObjectName("action_dailies_notes")
        toggle.setText("Dailies &Notes")
        toggle.setToolTip("Every note of the playlist in the timeline, by shot and version")
        toggle.triggered.connect(self._on_toggled)
        view_menu.addAction(toggle)

    def _on_toggled(self, shown: bool) -> None:
        """Opened from the menu: a tab beside the notes (unless the user put it elsewhere), in front."""
        if not shown:
            return
        window = self._window
        if not self.dock.isFloating() and window.dockWidgetArea(self.dock) == window.dockWidgetArea(self._beside) \
                and self.dock not in window.tabifiedDockWidgets(self._beside):
            window.tabifyDockWidget(self._beside, self.dock)
        self.dock.show()
        self.dock.raise_()

    def _on_position(self, frame: int) -> None:
        source = self._player.source()
        hit = source.hit(frame) if source is not None else None
        session = self._viewer.session
        self.panel.follow_playhead(source.state.id if source is not None else None,
                                   hit.clip if hit is not None else None,
                                   hit.source_frame if hit is not None else None,
                                   playing=session is not None and session.playing)

    def jump_note(self, step: int) -> bool:
        """``,`` / ``.`` in a playlist: the previous/next note or drawing across clips (False: no playlist plays)."""
        return self.navigator.jump(step)
