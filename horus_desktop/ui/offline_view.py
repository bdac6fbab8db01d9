"""Offline in the window: the browser's "available offline" badges and Playlist > Take Offline.

Badges: whenever the browser's rows change, which of them this machine holds a complete copy of is worked
out on a thread of its own (folder listings and sizes, :func:`horus_desktop.services.offline.offline_availability`)
and handed to the model, which repaints only those cards.

Take Offline copies the shown playlist's media to this machine's mapped roots on the jobs thread, with the
jobs' progress dialog (Cancel keeps what is copied; running it again resumes), then says what happened.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QWidget

from horus_desktop.services.media_paths import media_paths
from horus_desktop.services.offline import OfflineReport, offline_availability, playlist_media, take_offline
from horus_desktop.ui.browser.model import MediaModel
from horus_desktop.ui.jobs import JobFn, JobRunner, ProgressFn
from horus_desktop.ui.timeline.panel import TimelinePanel

if TYPE_CHECKING:
    from horus_desktop.store import Store


class OfflineBadges(QObject):
    """Keeps the browser model's offline flags up to date, computing them off the UI thread."""

    sig_ready = Signal(int, object)  # generation, {media id: available}

    def __init__(self, model: MediaModel, parent: QObject | None = None) -> None:
        super().__init__(parent or model)
        self.model = model
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="horus-offline")
        self._generation = 0
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)  # a page load is several row inserts: one look after them
        self._timer.timeout.connect(self.refresh)
        model.modelReset.connect(self._timer.start)
        model.rowsInserted.connect(self._timer.start)
        self.sig_ready.connect(self._on_ready)

    def refresh(self) -> None:
        """Look again at every loaded record (after a copy, or new path mappings)."""
        if self._closed:
            return
        self._generation += 1
        records = self.model.records()
        if records:
            self._pool.submit(self._work, self._generation, records)

    def _work(self, generation: int, records: list[Any]) -> None:
        if not media_paths().maps():  # nothing is mapped: nothing can be "here" as an offline copy
            flags = {r.id: False for r in records}
        else:
            flags = offline_availability(records)
        self.sig_ready.emit(generation, flags)

    @Slot(int, object)
    def _on_ready(self, generation: int, flags: dict[uuid.UUID, bool]) -> None:
        if generation == self._generation and not self._closed:
            self.model.set_offline(flags)

    def shutdown(self) -> None:
        """Stop looking (waits for a look in progress)."""
        self._closed = True
        self._timer.stop()
        self._pool.shutdown(wait=True, cancel_futures=True)


def offline_job(store: Store, playlist_id: uuid.UUID) -> JobFn:
    """Take a playlist offline on the jobs thread; progress in KiB (the dialog's counters are 32-bit)."""

    def run(progress: ProgressFn, cancel: threading.Event) -> OfflineReport:
        records = playlist_media(store, str(playlist_id))

        def step(done: int, total: int, what: str) -> None:
            progress(done >> 10, max(total >> 10, 1), f"Copying {Path(what).name}")

        return take_offline(records, progress=step, cancel=cancel.is_set)

    return run


class TakeOfflineAction(QObject):
    """Playlist > Take Offline (on the timeline's toolbar): copies the shown playlist's media here."""

    sig_message = Signal(str)

    def __init__(self, panel: TimelinePanel, store: Store, jobs: JobRunner, window: QWidget,
                 badges: OfflineBadges | None = None) -> None:
        super().__init__(panel)
        self.panel, self.store, self.jobs, self.window, self.badges = panel, store, jobs, window, badges
        self.action = QAction("Take Offline…", panel)
        self.action.setObjectName("timeline_take_offline")
        self.action.setToolTip("Copy this playlist's media to this machine (Settings > Paths), verified and "
                               "resumable, to review without the studio")
        self.action.triggered.connect(lambda _checked=False: self.take())
        bar = panel.findChild(QToolBar, "timelineToolbar")
        if bar is not None:
            bar.addAction(self.action)
        panel.actions_by_name["take_offline"] = self.action
        panel.sig_state_changed.connect(lambda state: self.action.setEnabled(state is not None))
        self.action.setEnabled(panel.state is not None)
        self.last_report: OfflineReport | None = None

    def take(self) -> None:
        """Start copying the shown playlist's media (a progress dialog follows it)."""
        state = self.panel.state
        if state is None:
            return
        self.jobs.start(f"Take offline: {state.name}", offline_job(self.store, state.id), on_done=self._done,
                        dialog_parent=self.window)

    def _done(self, report: OfflineReport) -> None:
        from PySide6.QtWidgets import QMessageBox  # loads on use
        self.last_report = report
        self.sig_message.emit(f"Take offline: {report.summary()}")
        if self.badges is not None:
            self.badges.refresh()
        problems = [r for r in report.results if r.state in ("mismatch", "failed")]
        if problems:
            box = QMessageBox(QMessageBox.Icon.Warning, "Take Offline",
                              f"{len(problems)} of {len(report.results)} media could not be taken offline.",
                              QMessageBox.StandardButton.Ok, self.window)
            box.setDetailedText("\n".join(f"{r.file_name}: {r.detail}" for r in problems))
            box.setObjectName("takeOfflineProblems")
            box.open()
