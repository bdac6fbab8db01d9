"""The main window: builds the docks, menus and toolbar from the action list, and connects signals."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar, QWidget

from horus_desktop.domain.wording import counted
from horus_desktop.ui import operations
from horus_desktop.ui.actions import ACTIONS, MENU_ORDER, MENU_TITLES, build_actions
from horus_desktop.ui.annotate.controller import AnnotationController
from horus_desktop.ui.browser.panel import MediaBrowser
from horus_desktop.ui.current_media import CurrentMedia
from horus_desktop.ui.current_user import CurrentUser
from horus_desktop.ui.dailies.tools import DailiesTools
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.first_layout import arrange_for_size, size_docks
from horus_desktop.ui.jobs import JobRunner
from horus_desktop.ui.notes.drafts import NoteDrafts
from horus_desktop.ui.notes.panel import NotesPanel
from horus_desktop.ui.notes.review import ReviewTools
from horus_desktop.ui.offline_view import OfflineBadges, TakeOfflineAction
from horus_desktop.ui.problems import ProblemsButton
from horus_desktop.ui.reports.export_action import install_report_export
from horus_desktop.ui.status_bar import HorusStatusBar
from horus_desktop.ui.store_events import StoreEvents
from horus_desktop.ui.sync_setup import install_sync
from horus_desktop.ui.timeline.panel import TimelinePanel
from horus_desktop.ui.timeline.player import TimelinePlayer
from horus_desktop.ui.viewer.input_colour import DbStoreCalls
from horus_desktop.ui.viewer.panel import ViewerPanel
from horus_desktop.ui.viewer.playlist_compare import PlaylistCompare

if TYPE_CHECKING:
    from horus_desktop.domain.records import Annotation, MediaRecord
    from horus_desktop.media.colour import ColourConfig
    from horus_desktop.store import Store
    from horus_desktop.store.unit_of_work import ChangeSet
    from horus_desktop.ui.pending_store import PendingStore

LAYOUT_VERSION = 1


class MainWindow(QMainWindow):
    """Media browser (left), viewer (centre), notes (right); layout and geometry persist."""

    def __init__(
        self,
        store: Store | PendingStore,
        db: DbWorker,
        jobs: JobRunner,
        colour: ColourConfig,
        settings: QSettings,
        *,
        user_id: str,
        use_gl: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Horus")
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.store, self.db, self.jobs, self.settings = store, db, jobs, settings
        self.user = CurrentUser(user_id, self)
        # The one subscription to the store: every panel below hears changes from it, on this thread.
        self.events = StoreEvents(store.subscribe, self)
        self.actions_by_name = build_actions(self)
        actions = self.actions_by_name
        self.viewer = ViewerPanel(colour, actions, use_gl=use_gl, versions_of=self._versions_of,
                                  annotations_of=self._annotations_of, store_calls=DbStoreCalls(db, store))
        # What every review panel follows: the media open in the viewer, or the clip under a playlist's playhead.
        self.current = CurrentMedia(self.viewer, self.events, self._records_of, self)
        self.viewer.overlay.set_frame_map(self.current)  # drawings of the clip's source frame, held within the clip
        self.browser = MediaBrowser(store, db, self.events, actions, self.user, current=self.current)
        self.annotations = AnnotationController(store, db, self.events, self.viewer.view, self.viewer.overlay,
                                                self.user, slot_record=self.current.record, parent=self)
        self.notes = NotesPanel(store, db, self.events, self.user, undo_stack=self.annotations.undo_stack,
                                drafts=NoteDrafts(settings),
                                drawings_for=self.annotations.take_session_drawings)
        self.setCentralWidget(self.viewer)
        self.browser_dock = self._dock("Media", "browserDock", self.browser, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.notes_dock = self._dock("Notes", "notesDock", self.notes, Qt.DockWidgetArea.RightDockWidgetArea)
        self.timeline = TimelinePanel(store, db, self.events, user_id=user_id,
                                      selected_media=self.browser.selected_records)
        self.timeline_player = TimelinePlayer(self.timeline, self.viewer)
        self.timeline_dock = self._dock("Timeline", "timelineDock", self.timeline,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.status = HorusStatusBar(store_text=store.describe(), user=self.user)
        self.setStatusBar(self.status)
        self.problems = ProblemsButton(self)  # its dialog is built when a job has problems
        self.status.insertPermanentWidget(0, self.problems)
        self.status.set_colour_path(self.viewer.colour_path())
        menus = self._build_menus_and_toolbar()
        self.dailies_tools = DailiesTools(self, store, db, self.events, timeline=self.timeline,
                                          player=self.timeline_player, viewer=self.viewer, actions=actions,
                                          view_menu=menus["View"], beside=self.notes_dock, message=self._message)
        self.review = ReviewTools(self, store, db, self.events, controller=self.annotations, user=self.user,
                                  viewer=self.viewer, notes=self.notes, notes_dock=self.notes_dock, menus=menus,
                                  main_toolbar=self.toolbar, settings=settings, open_media=self.open_media,
                                  message=self._message, note_jump=self.dailies_tools.jump_note, current=self.current)
        self.compare_previous = PlaylistCompare(self.viewer, self.current, self._versions_of,
                                                actions["compare_previous"], self)
        self.layers_dock = self.review.layers_dock
        self.report_export = install_report_export(self, menus["File"])
        self.report_export.sig_message.connect(self._message)
        self.sync = install_sync(self, start=False)  # after the menus: its Settings menu goes last
        self._default_state = self.saveState(LAYOUT_VERSION)
        self._connect()
        self.resize(1500, 900)
        self.resizeDocks([self.browser_dock, self.notes_dock], [560, 320], Qt.Orientation.Horizontal)
        self.resizeDocks([self.timeline_dock], [260], Qt.Orientation.Vertical)
        self._default_state = self.saveState(LAYOUT_VERSION)
        self.restore_layout()

    def store_opened(self) -> None:
        """The store is open (the DB worker's first task, or at once for a store given open): say where it
        is, and start what reads it from threads of its own (sync)."""
        if self.store.read_only:  # an archive: browse it, write nothing (every write would be refused)
            self.status.set_read_only(self.store.describe())
        else:
            self.status.set_store(self.store.describe())
        self.sync.begin()

    @property
    def user_id(self) -> str:
        """Who runs the app (see ``user`` for the name)."""
        return self.user.id

    # --- building --------------------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus_and_toolbar(self) -> dict[str, QMenu]:
        menus: dict[str, QMenu] = {name: self.menuBar().addMenu(MENU_TITLES[name]) for name in MENU_ORDER}
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(True)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        previous_menu = None
        for spec in ACTIONS:
            action = self.actions_by_name[spec.name]
            self.addAction(action)  # shortcuts work whichever panel has focus
            menus[spec.menu].addAction(action)
            if spec.toolbar:
                if previous_menu is not None and previous_menu != spec.menu:
                    toolbar.addSeparator()
                toolbar.addAction(action)
                previous_menu = spec.menu
        view_menu = menus["View"]
        view_menu.addSeparator()
        for dock in (self.browser_dock, self.notes_dock, self.timeline_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addAction(toolbar.toggleViewAction())
        self.toolbar = toolbar
        return menus

    def _connect(self) -> None:
        actions = self.actions_by_name
        self.browser.sig_open.connect(self.open_media)
        self.browser.sig_compare.connect(self.viewer.compare)
        self.browser.sig_message.connect(self._message)
        self.viewer.sig_message.connect(self._message)
        self.current.sig_media.connect(self.notes.set_media)
        self.current.sig_media.connect(self.viewer.show_current_media)
        self.current.sig_media.connect(self._on_current_media)
        self.current.sig_frame.connect(self.notes.set_frame)
        # Writing a note or putting a tool down stops playback on the frame shown: the note or stroke goes there.
        self.notes.sig_composing.connect(self.viewer.hold)
        self.annotations.sig_press.connect(self.viewer.hold)
        self.current.sig_frame.connect(self._show_source_clock)
        self.notes.sig_seek.connect(self.current.seek_source)
        self.viewer.transport.sig_source_seek.connect(self.current.seek_source)
        self.compare_previous.sig_message.connect(self._message)
        self.notes.sig_message.connect(self._message)
        self.timeline.sig_message.connect(self._message)
        self.offline_badges = OfflineBadges(self.browser.model, self)
        self.take_offline = TakeOfflineAction(self.timeline, self.store, self.jobs, self, self.offline_badges)
        self.take_offline.sig_message.connect(self._message)
        self.db.sig_error.connect(self._message)
        self.jobs.sig_job_started.connect(self.status.job_started)
        self.jobs.sig_job_progress.connect(self.status.job_progress)
        self.jobs.sig_job_ended.connect(self.status.job_ended)
        actions["quit"].triggered.connect(self.close)
        actions["reset_layout"].triggered.connect(self.reset_layout)
        actions["ingest_folder"].triggered.connect(self._ask_folder)
        actions["ingest_files"].triggered.connect(self._ask_files)
        actions["make_demo"].triggered.connect(self.make_demo)
        self.events.changed.connect(self._on_store_changed)
        self.viewer.sig_colour_path.connect(self.status.set_colour_path)
        self.viewer.view.sig_pixel_info.connect(self.status.set_pixel_info)

    # --- collaborators for the viewer ------------------------------------------------------------
    def _versions_of(self, record: MediaRecord, done: Callable[[list[MediaRecord]], None]) -> None:
        self.db.submit(self.store.media.versions_of, record, on_done=done)

    def _annotations_of(self, record: MediaRecord, done: Callable[[list[Annotation]], None]) -> None:
        self.db.submit(self.store.annotations.list, record.id, on_done=done)

    def _records_of(self, ids: list[uuid.UUID], done: Callable[[list[MediaRecord]], None]) -> None:
        self.db.submit(self.store.media.get_many, ids, on_done=done)

    def _on_current_media(self, record: MediaRecord | None) -> None:
        if record is None:
            self.viewer.show_source_clock(None, None, None)
        elif self.current.in_playlist():
            self.browser.highlight(record)  # shows where the clip's media is, without opening it

    def _show_source_clock(self, _media_id: uuid.UUID, frame: int) -> None:
        self.viewer.show_source_clock(self.current.record(), frame, self.current.source_range())

    def _on_store_changed(self, change_set: ChangeSet) -> None:
        shown = self.current.record()
        if shown is not None and change_set.of("drawing", shown.id):
            self.viewer.reload_annotations()
        if "media" in change_set.kinds():
            self.browser.filters.refresh_values()

    # --- commands --------------------------------------------------------------------------------
    def open_media(self, record: MediaRecord) -> None:
        """Show a media in the viewer (slot A)."""
        self.viewer.open_media(record, "A")

    def open_media_id(self, media_id: str | uuid.UUID) -> None:
        """Open a media by id (after an ingest)."""
        self.db.submit(self.store.media.get, media_id, on_done=self.open_media)

    def ingest(self, paths: list[str], *, open_first: bool = True) -> None:
        """Ingest files or folders with a cancellable progress dialog, then open the first one."""
        if not paths:
            return
        from horus_desktop.services.ingest import ingest_job  # the media engine loads on use, not at start

        def done(reports: object) -> None:
            self._message(operations.summarize_ingest(reports))  # type: ignore[arg-type]
            self.show_problems("Ingest", operations.ingest_problems(reports))  # type: ignore[arg-type]
            first = operations.first_created(reports)  # type: ignore[arg-type]
            if open_first and first:
                self.open_media_id(first)

        self.jobs.start("Ingest", ingest_job(self.store, paths, user_id=self.user.id, write=self.db.call),
                        on_done=done, dialog_parent=self)

    def make_demo(self) -> None:
        """Generate the demo project and open its first shot."""
        from horus_desktop.demo.job import demo_job  # the media generators load on the job's thread

        def done(report: object) -> None:
            ids = getattr(report, "media_ids", [])
            problems = getattr(report, "problems", [])
            self._message(f"Demo project: {len(ids)} media, {counted(getattr(report, 'comments', 0), 'note')}"
                          + (f"; {counted(len(problems), 'problem')}" if problems else ""))
            self.show_problems("Demo project", [tuple(str(p).partition(": ")[::2]) for p in problems])
            if ids:
                self.open_media_id(ids[2] if len(ids) > 2 else ids[0])

        self.jobs.start("Demo project", demo_job(self.store, write=self.db.call), on_done=done, dialog_parent=self)

    def show_problems(self, title: str, problems: list[tuple[str, str]]) -> None:
        """A job's problems: listed in a dialog that opens now and again from the status bar's button."""
        self.problems.set_problems(title, problems)
        if problems:
            self.problems.show_dialog()

    def _ask_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # loads on use

        folder = QFileDialog.getExistingDirectory(self, "Add a folder of media")
        if folder:
            self.ingest([folder])

    def _ask_files(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # loads on use

        files, _ = QFileDialog.getOpenFileNames(self, "Add media files")
        if files:
            self.ingest(files)

    def _message(self, text: str) -> None:
        self.status.showMessage(text, 10000)

    # --- drag and drop ---------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.ingest(paths)

    # --- layout persistence ----------------------------------------------------------------------
    def restore_layout(self) -> None:
        """Window geometry, docks and browser mode as the user left them."""
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state), LAYOUT_VERSION)
        every_frame = str(self.settings.value("viewer/play_every_frame", "false")).lower() == "true"
        self.actions_by_name["play_every_frame"].setChecked(every_frame)
        self.viewer.restore_state(self.settings)  # each panel restores its own
        self.browser.restore_state(self.settings)

    def save_layout(self) -> None:
        """Remember geometry, docks and browser mode."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.settings.setValue("viewer/play_every_frame", self.actions_by_name["play_every_frame"].isChecked())
        self.viewer.save_state(self.settings)
        self.browser.save_state(self.settings)
        self.notes.keep_draft()
        self.settings.sync()

    def reset_layout(self) -> None:
        """Docks back where they started."""
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in (self.browser_dock, self.notes_dock, self.timeline_dock, self.layers_dock):
            dock.show()
            dock.setFloating(False)
        arrange_for_size(self, self.width(), self.height())  # for this window (a laptop), not the defaults' one
        size_docks(self)

    def shutdown(self) -> None:
        """Stop every worker this window started (idempotent)."""
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self.events.close()
        self.viewer.shutdown()
        self.browser.shutdown()
        self.offline_badges.shutdown()
        self.annotations.shutdown()
        self.timeline.shutdown()
        self.sync.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_layout()
        self.shutdown()
        super().closeEvent(event)


