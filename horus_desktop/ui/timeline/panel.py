"""The timeline dock: playlist picker and creator, toolbar, the track view, and undoable edits.

Every store call runs on the DB worker; edits come back as ``EditResult`` and go on a ``QUndoStack``
whose commands replay the edit or its inverse (see :mod:`horus_desktop.ui.timeline.commands`).

A note or a drawing added, or a status set, does not read the playlist again: the marks or shown columns of
the media concerned are read (batched) and put on the clips in place (``sig_marks_changed``, not
``sig_state_changed``: the viewer keeps playing what it plays). An edit that changes the clip under the
playhead (a version switch, update to latest, undo) keeps the playhead on the same source frame where the
new clip shows it, else on the clip's nearest frame.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMenu,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.domain.records import MediaRecord, Timeline
from horus_desktop.domain.wording import counted
from horus_desktop.timeline.playback import resolve_frame
from horus_desktop.timeline.state import (
    MediaInfo,
    PlaylistState,
    TrackItem,
    load_state,
    marks_by_media,
    media_info_by_id,
    with_marks,
    with_media,
)
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.store_events import StoreEvents
from horus_desktop.ui.timeline import asks
from horus_desktop.ui.timeline.asks import RULE_HINT
from horus_desktop.ui.timeline.commands import EditCommand
from horus_desktop.ui.timeline.view import TrackView

if TYPE_CHECKING:
    from types import ModuleType

    from horus_desktop.store import Store
    from horus_desktop.store.unit_of_work import ChangeSet
    from horus_desktop.timeline.edits import Edit, EditResult

RELOAD_DELAY_MS = 400
STATUS_DELAY_MS = 20  # a status set during dailies shows on its clip at once; marks are gathered longer


def _project_of(store: Store, project: str | None) -> str:
    """The project a new playlist goes in: the one given, else that of the newest media."""
    if project:
        return project
    page = store.media.search(MediaQuery(limit=1))
    return page.items[0].project_id if page.items else "default"


def _edits() -> ModuleType:
    """``timeline.edits``, imported at the first edit: it and ``timeline.playlists`` load OpenTimelineIO, which
    showing the window does not need (the picker's first list imports them on the DB worker, see below)."""
    from horus_desktop.timeline import edits

    return edits


def _playlists() -> ModuleType:
    """``timeline.playlists``, imported where a playlist is listed or made (see ``_edits``)."""
    from horus_desktop.timeline import playlists

    return playlists


def _list_playlists(store: Store) -> list[dict[str, Any]]:
    """The picker's rows, on the DB worker: the first call imports the playlists module there."""
    return _playlists().list_playlists(store)


def playlist_entry(row: dict[str, Any]) -> tuple[str, str]:
    """A picker row's text and tooltip: two playlists of one name differ in their date (and the tooltip says more)."""
    name, clips = f"{row['name']} {row['version'] or ''}".rstrip(), counted(row["clips"], "clip")
    # Local time: a supervisor knows when the dailies were made in the studio's hours, not in UTC.
    made = row.get("created_at")
    made = made.astimezone() if made else None
    text = " · ".join(p for p in (name, row["type"], row["status"], clips,
                                  made.strftime("%Y-%m-%d %H:%M") if made else "") if p)
    tip = "\n".join([name, f"project {row['project']}, {row['type']}, {row['status'] or 'no status'}",
                     f"{clips}, {row['duration_timecode'] or 'no duration'}",
                     f"created {made:%Y-%m-%d %H:%M:%S}" if made else "created at an unknown date",
                     f"id {row['id']}"])
    return text, tip


def version_label(media: MediaRecord) -> str:
    """How a version reads in the version menu."""
    latest = "  ★ latest" if media.is_latest_version else ""
    return f"{media.version} · {media.department or '-'} · {media.approval_status or 'pending'}{latest}"


class TimelinePanel(QWidget):
    """Bottom dock: pick or make a playlist, see and edit its tracks, undo/redo, import/export."""

    sig_message = Signal(str)
    sig_state_changed = Signal(object)  # PlaylistState | None
    sig_marks_changed = Signal(object)  # PlaylistState: same clips, new marks or statuses

    def __init__(self, store: Store, db: DbWorker, events: StoreEvents, *, user_id: str,
                 selected_media: Callable[[], list[MediaRecord]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.store, self.db, self.user_id = store, db, user_id
        self.selected_media: Callable[[], list[MediaRecord]] = selected_media or (lambda: [])
        self.state: PlaylistState | None = None
        self._loading: uuid.UUID | None = None
        self._take_viewer = True
        self.takes_viewer = False  # true while a loaded playlist is handed to the viewer
        self.undo_stack = QUndoStack(self)
        self.view = TrackView()
        self.playlist_box = QComboBox()
        self.playlist_box.setObjectName("playlistBox")
        self.playlist_box.setMinimumContentsLength(28)
        self.playlist_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.playlist_box.setPlaceholderText("Loading playlists...")  # until the first list arrives
        self.playlist_box.setToolTip("The playlist shown (newest first)")
        self.info = QLabel("")
        self.info.setObjectName("timelineInfo")
        self.actions_by_name: dict[str, QAction] = {}
        self.toolbar = self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        self._list_timer = QTimer(self)
        self._list_timer.setSingleShot(True)
        self._list_timer.setInterval(RELOAD_DELAY_MS)
        self._list_timer.timeout.connect(self.refresh_playlists)
        # Store changes to marks and statuses are gathered for a moment, then read in one go (a sync pull of
        # many notes is one read, not one per note).
        self._pending_marks: set[uuid.UUID] = set()
        self._pending_media: set[uuid.UUID] = set()
        self._decorate_timer = QTimer(self)
        self._decorate_timer.setSingleShot(True)
        self._decorate_timer.timeout.connect(self._read_decorations)
        self.playlist_box.activated.connect(self._on_playlist_picked)
        self.playlist_box.currentIndexChanged.connect(self._tip_of_shown_playlist)
        self.view.sig_drop_media.connect(self.add_media)
        self.view.sig_move_clip.connect(lambda c, t, f: self.run_edit(_edits().move_clip, c, track=t, frame=f))
        self.view.sig_reorder_clip.connect(lambda c, i: self.run_edit(_edits().reorder_clip, c, i))
        self.view.sig_trim_clip.connect(
            lambda c, i, o: self.run_edit(_edits().trim_clip, c, in_delta=i, out_delta=o, ripple=True))
        self.view.sig_remove_clips.connect(self.remove_clips)
        self.view.sig_clip_menu.connect(self.show_version_menu)
        events.changed.connect(self._on_store_changed)
        self._update_enabled()
        self.refresh_playlists()

    # --- toolbar ---------------------------------------------------------------------------------
    def _action(self, name: str, text: str, slot: Callable[[], object], *, tip: str = "",
                shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"timeline_{name}")
        action.setToolTip(tip or text.replace("&", ""))
        action.setStatusTip(action.toolTip())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        action.triggered.connect(lambda _checked=False: slot())
        self.actions_by_name[name] = action
        return action

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar("Timeline", self)
        bar.setObjectName("timelineToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addWidget(self.playlist_box)
        new_menu = QMenu("New", self)
        new_menu.addAction(self._action("new_empty", "Empty Playlist...", lambda: asks.ask_new_empty(self)))
        new_menu.addAction(self._action("new_from_selection", "From Browser Selection...", lambda: asks.ask_from_selection(self),
                                        tip="A playlist of the media selected in the browser, in order"))
        new_menu.addAction(self._action("new_from_rule", "From Rule...", lambda: asks.ask_from_rule(self), tip=RULE_HINT))
        new_button = QToolButton()
        new_button.setText("New")
        new_button.setToolTip("New playlist: empty, from the browser's selection, or from a rule")
        new_button.setMenu(new_menu)
        new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addWidget(new_button)
        bar.addAction(self._action("duplicate", "Duplicate as New Version", self.duplicate_current,
                                   tip="Copy this playlist as its next version (v002...)"))
        bar.addAction(self._action("properties", "Properties...", lambda: asks.ask_properties(self),
                                   tip="Name, type, review status (draft, review, approved, published), description"))
        bar.addSeparator()
        bar.addAction(self._action("import", "Import...", lambda: asks.ask_import(self), tip="Import .otio, .otioz or .edl"))
        bar.addAction(self._action("export", "Export...", lambda: asks.ask_export(self),
                                   tip="Export .otio, .otioz or .edl (notes become markers)"))
        bar.addSeparator()
        undo = self.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action, name in ((undo, "undo"), (redo, "redo")):
            action.setObjectName(f"timeline_{name}")
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
            bar.addAction(action)
            self.actions_by_name[name] = action
        track_menu = QMenu("Add Track", self)
        track_menu.addAction(self._action("add_video_track", "Video Track", lambda: self.add_track("video")))
        track_menu.addAction(self._action("add_audio_track", "Audio Track", lambda: self.add_track("audio")))
        track_button = QToolButton()
        track_button.setText("Add Track")
        track_button.setMenu(track_menu)
        track_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._track_button = track_button
        bar.addWidget(track_button)
        bar.addAction(self._action("update_latest", "Update All to Latest", self.update_all_to_latest,
                                   tip="Switch every clip to the latest version of its shot and department"))
        bar.addSeparator()
        group = QActionGroup(self)
        for mode, text in (("department", "By Department"), ("approval", "By Approval")):
            action = self._action(f"colour_{mode}", text, lambda m=mode: self.set_colour_mode(m),
                                  tip=f"Colour clips {text.lower()}")
            action.setCheckable(True)
            action.setChecked(mode == self.view.colour_mode)
            group.addAction(action)
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self._action("fit", "Fit", self.view.fit, tip="Show the whole playlist"))
        bar.addWidget(self.info)
        return bar

    def _update_enabled(self) -> None:
        has = self.state is not None
        for name in ("duplicate", "properties", "export", "update_latest", "add_video_track", "add_audio_track", "fit"):
            self.actions_by_name[name].setEnabled(has)
        self._track_button.setEnabled(has)

    # --- playlists -------------------------------------------------------------------------------
    def refresh_playlists(self, select_id: uuid.UUID | str | None = None) -> None:
        """Fill the picker (newest first); select ``select_id`` when given."""
        self.db.submit(_list_playlists, self.store, on_done=lambda rows: self._fill(rows, select_id))

    def _fill(self, rows: list[dict[str, Any]], select_id: uuid.UUID | str | None) -> None:
        wanted = str(select_id) if select_id else (str(self.state.id) if self.state else None)
        self.playlist_box.setPlaceholderText("No playlist: make one with New")
        self.playlist_box.blockSignals(True)
        self.playlist_box.clear()
        for row in rows:
            text, tip = playlist_entry(row)
            self.playlist_box.addItem(text, row["id"])
            self.playlist_box.setItemData(self.playlist_box.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        index = self.playlist_box.findData(wanted) if wanted else -1
        self.playlist_box.setCurrentIndex(index)
        self.playlist_box.blockSignals(False)
        self._tip_of_shown_playlist()
        if wanted is None and self._loading is None and rows:
            # Nothing shown yet (first start, or the last playlist was deleted): show the newest one, such as
            # the demo's dailies, in the dock; the viewer keeps what it shows until the playhead is touched.
            self.load_playlist(rows[0]["id"], take_viewer=False)

    def _tip_of_shown_playlist(self) -> None:
        # The closed box cuts a long entry: its tooltip says the whole of the playlist shown.
        tip = self.playlist_box.currentData(Qt.ItemDataRole.ToolTipRole)
        self.playlist_box.setToolTip(tip or "The playlist shown (newest first)")

    def _on_playlist_picked(self, index: int) -> None:
        playlist_id = self.playlist_box.itemData(index)
        if playlist_id and (self.state is None or str(self.state.id) != playlist_id):
            self.load_playlist(playlist_id)

    def load_playlist(self, playlist_id: uuid.UUID | str, *, take_viewer: bool = True) -> None:
        """Show a playlist (read on the DB worker); ``take_viewer``: the viewer plays it once loaded."""
        wanted = uuid.UUID(str(playlist_id))
        self._loading = wanted
        self._take_viewer = take_viewer
        self.info.setText("  loading...")
        self.db.submit(load_state, self.store, wanted, on_done=lambda state: self._on_loaded(wanted, state),
                       on_error=self._on_error)

    def _on_loaded(self, wanted: uuid.UUID, state: PlaylistState) -> None:
        if self._loading != wanted:
            return
        self._loading = None
        if self.state is None or self.state.id != state.id:
            self.undo_stack.clear()
        index = self.playlist_box.findData(str(state.id))
        if index >= 0:
            self.playlist_box.setCurrentIndex(index)
        self.takes_viewer = self._take_viewer
        try:
            self.set_state(state)
        finally:
            self.takes_viewer = False

    def reload(self) -> None:
        """Read the shown playlist again (media statuses or notes changed)."""
        if self.state is not None and self._loading is None:
            self.load_playlist(self.state.id, take_viewer=False)

    def set_state(self, state: PlaylistState | None) -> None:
        """Show a playlist state (after a load or an edit)."""
        self.state = state
        self.view.set_state(state)
        self._update_enabled()
        if state is not None:
            clips = len(state.clips())
            missing = sum(1 for c in state.clips() if c.missing_media)
            self.info.setText(f"  {counted(clips, 'clip')} · {counted(state.duration, 'frame')}"
                              f" @ {float(state.rate):g} fps"
                              + (f" · {missing} missing media" if missing else ""))
        else:
            self.info.setText("")
        self.sig_state_changed.emit(state)

    def _created(self, timeline: Timeline, what: str) -> None:
        self.sig_message.emit(f"Playlist {timeline.name} {timeline.version}: {what}")
        self.refresh_playlists(timeline.id)
        self.load_playlist(timeline.id)

    def create_empty(self, name: str, *, project: str | None = None) -> None:
        """A new empty playlist (one video track)."""
        self._create(lambda s: _playlists().create_playlist(s, name=name, project_id=_project_of(s, project),
                                                         user=self.user_id), "created")

    def create_from_media(self, name: str, media_ids: Sequence[uuid.UUID | str], *,
                          project: str | None = None) -> None:
        """A new playlist of these media one after another on V1."""
        ids = [str(m) for m in media_ids]
        self._create(lambda s: _playlists().create_playlist(s, name=name, project_id=_project_of(s, project),
                                                         user=self.user_id, media_ids=ids),
                     f"{counted(len(ids), 'clip')} from the browser")

    def create_from_rule(self, name: str, rule: str, *, project: str | None = None) -> None:
        """A new playlist of what a rule selects (see ``playlists.parse_rule``)."""
        self._create(lambda s: _playlists().create_from_rule(s, rule, name=name, project_id=_project_of(s, project),
                                                          user=self.user_id), f"rule {rule}")

    def _create(self, work: Callable[[Store], Timeline], what: str) -> None:
        self.db.submit(work, self.store, on_done=lambda t: self._created(t, what), on_error=self._on_error)

    def duplicate_current(self) -> None:
        """Copy the shown playlist as its next version."""
        if self.state is not None:
            self._create(lambda s, pid=self.state.id: _playlists().duplicate_playlist(s, pid, user=self.user_id),
                         "duplicated as a new version")

    def set_properties(self, **values: Any) -> None:
        """Change the shown playlist's name, type, status or description."""
        if self.state is None:
            return
        playlist_id = self.state.id

        def done(timeline: Timeline) -> None:
            self.sig_message.emit(f"Playlist {timeline.name} {timeline.version}: {timeline.status}, "
                                  f"{timeline.timeline_type}")
            self.refresh_playlists(playlist_id)
            self.reload()

        self.db.submit(self.store.timelines.update, playlist_id, last_modified_by=self.user_id, **values,
                       on_done=done, on_error=self._on_error)

    def import_file(self, path: str | Path, *, name: str | None = None) -> None:
        """Import an .otio, .otioz or .edl file as a new playlist and show it."""
        from horus_desktop.timeline import files  # the importers (and their matching) load on first use

        def work(store: Store) -> files.ImportReport:
            return files.import_playlist(store, path, user=self.user_id, name=name)

        def done(report: files.ImportReport) -> None:
            missing = f", {len(report.missing)} missing media" if report.missing else ""
            drawn = f", {counted(report.drawings, 'drawing')}" if report.drawings else ""
            kept = f"; kept unread: {'; '.join(report.kept)}" if report.kept else ""  # unknown annotation schemas
            clips = counted(len(report.timeline.clips), "clip")
            self._created(report.timeline, f"imported from {Path(path).name} ({clips}{missing}{drawn}){kept}")

        self.db.submit(work, self.store, on_done=done, on_error=self._on_error)

    def export_file(self, path: str | Path) -> None:
        """Write the shown playlist as .otio, .otioz or .edl (by extension)."""
        if self.state is None:
            return
        from horus_desktop.timeline import files  # the exporters load on first use

        def done(report: files.ExportReport) -> None:
            lost = f" (lost: {'; '.join(report.lost)})" if report.lost else ""
            self.sig_message.emit(f"Exported {report.path}{lost}")

        self.db.submit(files.export_playlist, self.store, self.state.id, path, on_done=done, on_error=self._on_error)

    # --- dialogs (thin: each calls the slot above) -------------------------------------------------
    # --- edits -----------------------------------------------------------------------------------
    def run_edit(self, fn: Callable[..., EditResult], *args: Any, **kwargs: Any) -> None:
        """Run an edit of the shown playlist on the DB worker; push it on the undo stack when it succeeded."""
        if self.state is None:
            return
        playlist_id = self.state.id
        self.db.submit(fn, self.store, playlist_id, *args, user=self.user_id, **kwargs,
                       on_done=lambda result: self._on_edited(playlist_id, result), on_error=self._on_error)

    def _keep_source_frame(self, new: PlaylistState) -> None:
        """Before showing ``new``: when the clip under the playhead now shows another version, put the playhead
        where the new clip shows the same source frame (or its nearest frame)."""
        old, frame = self.state, self.view.playhead_frame()
        if old is None or frame is None:
            return
        hit = resolve_frame(old, frame)
        if hit is None or hit.clip.clip_id is None:
            return
        try:
            _track, clip = new.clip(hit.clip.clip_id)
        except KeyError:
            return
        if clip.media_id == hit.clip.media_id or clip.start != hit.clip.start:
            return  # only a version switch (or its undo): a moved or trimmed clip leaves the playhead alone
        offset = hit.source_frame - (clip.source_start or 0)
        self.view.set_playhead(clip.start + max(0, min(offset, clip.duration - 1)))

    def _on_edited(self, playlist_id: uuid.UUID, result: EditResult) -> None:
        if self.state is None or self.state.id != playlist_id:
            return
        self._keep_source_frame(result.state)
        self.set_state(result.state)
        self.undo_stack.push(EditCommand(result, self._replay))
        self._list_timer.start()

    def _replay(self, edit: Edit) -> None:
        if self.state is None:
            return
        playlist_id = self.state.id

        def done(result: EditResult) -> None:
            if self.state is not None and self.state.id == playlist_id:
                self._keep_source_frame(result.state)
                self.set_state(result.state)
                self._list_timer.start()

        self.db.submit(_edits().apply_edit, self.store, playlist_id, edit, user=self.user_id, on_done=done,
                       on_error=self._on_error)

    def _on_error(self, error: BaseException) -> None:
        self.sig_message.emit(f"Timeline: {error}")
        self._loading = None
        self.view.set_state(self.state)  # put dragged or trimmed items back

    def add_media(self, media_ids: list[str], track: int = 0, frame: int | None = None) -> None:
        """Add media as clips on a track at a frame (dropped from the browser)."""
        self.run_edit(_edits().add_clips, media_ids, track=track, frame=frame)

    def remove_clips(self, clip_ids: list[str], ripple: bool = False) -> None:
        """Remove clips (each its own undo step); ``ripple`` closes the gap."""
        for clip_id in clip_ids:
            self.run_edit(_edits().remove_clip, clip_id, ripple=ripple)

    def add_track(self, kind: str = "video") -> None:
        """Add an empty video or audio track."""
        self.run_edit(_edits().add_track, kind=kind)

    def update_all_to_latest(self) -> None:
        """Every clip to the latest version of its shot/department (one undo step)."""
        self.run_edit(_edits().update_all_to_latest)

    def switch_version(self, clip_id: uuid.UUID | str, media_id: uuid.UUID | str) -> None:
        """Show another version in a clip."""
        self.run_edit(_edits().switch_version, str(clip_id), str(media_id))

    def set_colour_mode(self, mode: str) -> None:
        """Colour clips by ``department`` or ``approval``."""
        self.view.set_colour_mode(mode)
        self.actions_by_name[f"colour_{mode}"].setChecked(True)

    # --- version menu ----------------------------------------------------------------------------
    def show_version_menu(self, item: TrackItem, global_pos: QPoint) -> None:
        """Ask for the other versions of a clip's shot and department, then pop the menu up there."""
        if item.media_id is None:
            self.sig_message.emit(f"{item.name}: missing media, no versions to switch to")
            return
        self.db.submit(_edits().other_versions, self.store, item.media_id,
                       on_done=lambda versions: self.version_menu(item, versions).popup(global_pos),
                       on_error=self._on_error)

    def version_menu(self, item: TrackItem, versions: list[MediaRecord]) -> QMenu:
        """The menu of a clip's versions (the shown one checked); picking one switches the clip."""
        menu = QMenu(self)
        menu.setObjectName("versionMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        title = menu.addAction(f"{item.shot or item.name}: versions")
        title.setEnabled(False)
        for media in versions:
            action = menu.addAction(version_label(media))
            action.setCheckable(True)
            action.setChecked(media.id == item.media_id)
            action.setData(str(media.id))
            if media.id != item.media_id:
                action.triggered.connect(lambda _c=False, m=media.id: self.switch_version(item.clip_id, m))  # type: ignore[arg-type]
        if len(versions) <= 1:
            menu.addAction("(no other versions)").setEnabled(False)
        return menu

    # --- store changes ---------------------------------------------------------------------------
    def _on_store_changed(self, change_set: ChangeSet) -> None:
        kinds = change_set.kinds()
        if self.state is not None:
            shown = {c.media_id for c in self.state.clips() if c.media_id is not None}
            self._pending_marks.update(self._media_of(change_set, ("note", "drawing"), shown))
            self._pending_media.update(self._media_of(change_set, ("approval", "media"), shown))
            if self._pending_marks or self._pending_media:
                delay = STATUS_DELAY_MS if change_set.of("approval") else RELOAD_DELAY_MS
                timer = self._decorate_timer
                if not (timer.isActive() and timer.remainingTime() <= delay):
                    timer.start(delay)
        if "playlist" in kinds:
            self._list_timer.start()

    def _read_decorations(self) -> None:
        """Read the marks and shown columns of the media the gathered changes touched (batched reads)."""
        marked, changed = sorted(self._pending_marks, key=str), sorted(self._pending_media, key=str)
        self._pending_marks.clear()
        self._pending_media.clear()
        if marked:
            self.db.submit(marks_by_media, self.store, marked,
                           on_done=lambda marks: self._decorate(with_marks, marks, marked), on_error=self._on_error)
        if changed:
            self.db.submit(media_info_by_id, self.store, changed,
                           on_done=lambda infos: self._on_media_info(changed, infos), on_error=self._on_error)

    @staticmethod
    def _media_of(change_set: ChangeSet, kinds: tuple[str, ...], shown: set[uuid.UUID]) -> list[uuid.UUID]:
        """The playlist's media that ``change_set`` touched in ``kinds`` (all of them when a change does not
        say its media)."""
        out: set[uuid.UUID] = set()
        for kind in kinds:
            for change in change_set.of(kind):
                media_id = change.media_id
                if media_id is None and kind == "media" and isinstance(change.row_id, uuid.UUID):
                    media_id = change.row_id
                if media_id is None:
                    return sorted(shown, key=str)
                if media_id in shown:
                    out.add(media_id)
        return sorted(out, key=str)

    def _on_media_info(self, asked: list[uuid.UUID], infos: dict[uuid.UUID, MediaInfo]) -> None:
        """Statuses and names put on the clips at once; a media gone or moved needs the playlist read again."""
        state = self.state
        if state is None:
            return
        paths = {c.media_id: c.media_path for c in state.clips() if c.media_id is not None}
        if any(i not in infos or infos[i].file_path != paths.get(i) for i in asked if i in paths):
            self._reload_timer.start()
            return
        self._decorate(with_media, infos)

    def _decorate(self, change: Callable[..., PlaylistState], *args: Any) -> None:
        """Apply a marks or media change to the state shown now (not the one current when it was asked for)."""
        if self.state is None or self._loading is not None:
            return
        self.state = change(self.state, *args)
        self.view.update_clips(self.state)
        self.sig_marks_changed.emit(self.state)

    def shutdown(self) -> None:
        """Stop the pending reloads."""
        self._reload_timer.stop()
        self._list_timer.stop()
        self._decorate_timer.stop()
