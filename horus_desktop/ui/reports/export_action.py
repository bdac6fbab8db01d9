"""File > Export Notes… and File > Export Frame… (Ctrl+Shift+E) in the main window.

The work is split by what may run where: reading the store and decoding the frames (Qt-free) run as a job
on the jobs thread; drawing the shapes over each frame uses the viewer's QGraphicsItems, so it runs on the
UI thread, one frame per event-loop turn (a few milliseconds each); writing the PDF, HTML or CSV (QtGui's
reentrant classes only) is a second job. The UI never waits on more than one frame's drawing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from horus_desktop.domain.records import Annotation, MediaRecord
from horus_desktop.domain.wording import counted
from horus_desktop.media.colour import ColourConfig
from horus_desktop.services.media_paths import media_paths
from horus_desktop.ui.jobs import JobRunner

# The report builders and writers, the dialog, the frame burner and the decoders load with the first export,
# not when the window starts.
if TYPE_CHECKING:
    from horus_desktop.services.notes_report import NotesReport
    from horus_desktop.services.report_frames import DecodedFrame
    from horus_desktop.store import Store
    from horus_desktop.ui.reports.burn_in import FrameBurner
    from horus_desktop.ui.reports.export_dialog import ExportChoice

EXPORT_FRAME_KEY = "Ctrl+Shift+E"
#: A report of the browser's filter covers at most this many media (a filter left empty must not report a show).
BROWSER_LIMIT = 500
FrameKey = tuple[uuid.UUID, int]
#: What the status bar says when the user cancels an export (nothing is left on disk).
CANCELLED = "Export cancelled"


@dataclass
class _Decoded:
    report: NotesReport | None
    frames: list[tuple[FrameKey, DecodedFrame, tuple[Annotation, ...]]]
    #: The user cancelled: a cancel ends the job with this result, as ingest's does, not with an error.
    cancelled: bool = False


@dataclass(frozen=True)
class ExportSources:
    """Where the scopes come from: the timeline's playlist, the viewer's media and frame, the browser."""

    playlist_id: Callable[[], uuid.UUID | None]
    shown: Callable[[], tuple[MediaRecord, int] | None]
    selection: Callable[[], list[MediaRecord]]
    query: Callable[[], Any]


class ReportExporter(QObject):
    """Runs notes and frame exports for the window."""

    sig_message = Signal(str)

    def __init__(self, store: Store, jobs: JobRunner, colour: ColourConfig, sources: ExportSources,
                 reviewer: Callable[[], str], parent: QWidget) -> None:
        super().__init__(parent)
        self._store, self._jobs, self._colour, self._sources = store, jobs, colour, sources
        self._reviewer, self._parent = reviewer, parent
        self._burner: FrameBurner | None = None
        self.last_result: object = None

    # --- notes ----------------------------------------------------------------------------------
    def ask_and_export_notes(self) -> None:
        """Show the dialog; on Export, start the export."""
        from horus_desktop.ui.reports.export_dialog import ExportNotesDialog

        available = {"playlist": self._sources.playlist_id() is not None, "media": self._sources.shown() is not None,
                     "browser": True}
        dialog = ExportNotesDialog(available, self._parent)
        if dialog.exec() == ExportNotesDialog.DialogCode.Accepted:
            self.export_notes(dialog.choice())

    def export_notes(self, choice: ExportChoice) -> None:
        """Export as chosen (the three phases described in the module docstring)."""
        if not choice.path.parent.is_dir():
            self.sig_message.emit(f"Export notes: the folder {choice.path.parent} does not exist")
            return
        gather = self._gather_job(choice)
        self._jobs.start("Export notes", gather, on_done=lambda d: self._compose(d, choice),
                         dialog_parent=self._parent)

    def _gather_job(self, choice: ExportChoice) -> Callable[..., _Decoded]:
        store, colour, sources = self._store, self._colour, self._sources
        options = {"reviewer": self._reviewer(), "grouping": choice.grouping, "open_only": choice.open_only}
        playlist, shown = sources.playlist_id(), sources.shown()
        selection, query = sources.selection(), sources.query()

        def run(progress: Callable[[int, int, str], None], cancel: Any) -> _Decoded:
            from horus_desktop.services.notes_report import build_report, media_report, playlist_report

            if cancel.is_set():
                return _Decoded(None, [], cancelled=True)
            progress(0, 0, "Reading notes")
            if choice.scope == "playlist" and playlist is not None:
                report = playlist_report(store, str(playlist), **options)
            elif choice.scope == "media" and shown is not None:
                report = media_report(store, shown[0].id, **options)
            else:
                ids = [r.id for r in selection] or store.media.search_ids(query)
                if len(ids) > BROWSER_LIMIT:
                    raise ValueError(f"the browser's filter finds {len(ids)} media; narrow it to at most "
                                     f"{BROWSER_LIMIT} (or select the versions to report)")
                records = selection or store.media.get_many(ids)
                report = build_report(store, records, title="Notes", scope=f"{len(records)} media from the browser",
                                      **options)
            total = sum(len(m.frames) for m in report.media())
            from horus_desktop.services.report_frames import decode_frames
            frames: list[tuple[FrameKey, DecodedFrame, tuple[Annotation, ...]]] = []
            for entry in report.media():
                by_frame = {f.frame: f for f in entry.frames}
                for number, decoded in decode_frames(entry.media, list(by_frame), colour, media_paths()):
                    if cancel.is_set():
                        return _Decoded(report, [], cancelled=True)
                    frames.append(((entry.media.id, number), decoded, by_frame[number].drawings))
                    progress(len(frames), total, f"Decoding {entry.media.shot or entry.media.file_name} {number}")
            return _Decoded(report, frames)

        return run

    def _compose(self, decoded: _Decoded, choice: ExportChoice) -> None:
        """Draw one frame per event-loop turn, then hand the writing to a job."""
        if decoded.cancelled or decoded.report is None:
            self.sig_message.emit(CANCELLED)
            return
        from horus_desktop.ui.reports.burn_in import FrameBurner
        from horus_desktop.ui.reports.export import write_report

        report = decoded.report
        self._burner = self._burner or FrameBurner()
        images: dict[FrameKey, QImage] = {}
        problems: dict[FrameKey, str] = {}
        pending = list(decoded.frames)

        def step() -> None:
            if pending:
                key, frame, drawings = pending.pop(0)
                image = self._burner.render(frame.shown, frame.size, drawings)  # type: ignore[union-attr]
                if image.width() != choice.image_width:
                    image = image.scaledToWidth(choice.image_width, Qt.TransformationMode.SmoothTransformation)
                images[key] = image
                if frame.shown.error:
                    problems[key] = frame.shown.error
                QTimer.singleShot(0, step)
                return
            self._jobs.start("Write notes report",
                             lambda _p, cancel: write_report(report, choice.fmt, choice.path, images, problems,
                                                             image_width=choice.image_width,
                                                             cancelled=cancel.is_set),
                             on_done=self._written, dialog_parent=self._parent)

        step()

    def _written(self, result: object) -> None:
        self.last_result = result
        if getattr(result, "cancelled", False):
            self.sig_message.emit(CANCELLED)
            return
        path, notes, frames = (getattr(result, n) for n in ("path", "notes", "frames"))
        problems = getattr(result, "problems", {})
        unread = counted(len(problems), "frame")
        self.sig_message.emit(f"Exported {counted(notes, 'note')} and {counted(frames, 'frame')} to {path}"
                              + (f" ({unread} could not be read)" if problems else ""))

    # --- one frame ------------------------------------------------------------------------------
    def ask_and_export_frame(self) -> None:
        """The viewer's current frame with its drawings: ask where, then write it."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox  # loads on use
        shown = self._sources.shown()
        if shown is None:
            self.sig_message.emit("Export frame: open a media in the viewer first")
            return
        record, frame = shown
        name = f"{record.shot or Path(record.file_name).stem}_{record.version}_{frame}.png"
        path, _ = QFileDialog.getSaveFileName(self._parent, "Export frame", str(Path.home() / name),
                                              "PNG (*.png);;JPEG (*.jpg);;OpenEXR (*.exr)")
        if not path:
            return
        slate = QMessageBox.question(self._parent, "Export frame", "Add a slate line (shot, version, frame, "
                                     "timecode) under the frame?") == QMessageBox.StandardButton.Yes
        self.export_frame(record, frame, Path(path), slate=slate)

    def export_frame(self, record: MediaRecord, frame: int, path: Path, *, slate: bool = False) -> None:
        """Write ``frame`` of ``record`` with its drawings to ``path`` (decode as a job, draw here, save)."""
        store, colour = self._store, self._colour

        def gather(_progress: Any, _cancel: Any) -> tuple[DecodedFrame, list[Annotation], list[Any]]:
            drawings = store.annotations.list(record.id)
            layers = store.layers.list(record.id)
            from horus_desktop.services.report_frames import decode_frames

            (_, decoded), = decode_frames(record, [frame], colour, media_paths())
            return decoded, drawings, layers

        def draw(found: tuple[DecodedFrame, list[Annotation], list[Any]]) -> None:
            from horus_desktop.ui.reports.burn_in import FrameBurner
            from horus_desktop.ui.reports.frame_export import save_image, slate_line

            decoded, drawings, layers = found
            self._burner = self._burner or FrameBurner()
            image = self._burner.render(decoded.shown, decoded.size, drawings, layers,
                                        slate=slate_line(record, frame) if slate else None)
            try:
                save_image(image, path)
            except (OSError, ValueError) as exc:
                self.sig_message.emit(f"Export frame: {exc}")
                return
            self.last_result = path
            self.sig_message.emit(f"Frame {frame} exported to {path}")

        self._jobs.start("Export frame", gather, on_done=draw)


def install_report_export(window: Any, file_menu: QMenu) -> ReportExporter:
    """Add File > Export Notes… and File > Export Frame… to the main window."""
    timeline, viewer, browser = window.timeline, window.viewer, window.browser

    def shown() -> tuple[MediaRecord, int] | None:
        slot = viewer.slots["A"]
        frame = viewer.shown_frame()
        return (slot.record, frame) if slot is not None and slot.record is not None and frame is not None else None

    sources = ExportSources(
        playlist_id=lambda: timeline.state.id if getattr(timeline, "state", None) is not None else None,
        shown=shown, selection=browser.selected_records, query=lambda: browser.model.query)
    exporter = ReportExporter(window.store, window.jobs, viewer.colour, sources,
                              reviewer=lambda: window.user.name, parent=window)
    notes_action = QAction("Export &Notes…", window)
    notes_action.setObjectName("export_notes")
    notes_action.triggered.connect(exporter.ask_and_export_notes)
    frame_action = QAction("Export &Frame…", window)
    frame_action.setObjectName("export_frame")
    frame_action.setShortcut(QKeySequence(EXPORT_FRAME_KEY))
    frame_action.triggered.connect(exporter.ask_and_export_frame)
    window.addAction(frame_action)
    before = next((a for a in file_menu.actions() if a.text().replace("&", "") == "Quit"), None)
    file_menu.insertActions(before, [notes_action, frame_action])  # type: ignore[arg-type]
    file_menu.insertSeparator(before)  # type: ignore[arg-type]
    window.actions_by_name.update(export_notes=notes_action, export_frame=frame_action)
    return exporter
