"""Long background jobs (ingest, demo generation) with progress and cancel, shown in a progress dialog.

The jobs are Qt-free functions (``services/jobs.py`` says what they take); this module only runs them."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from horus_desktop.services.jobs import JobFn, ProgressFn

__all__ = ["Job", "JobFn", "JobRunner", "ProgressFn"]


class Job(QObject):
    """One background job: ``fn(progress, cancel_event)`` runs on a worker thread."""

    sig_progress = Signal(int, int, str)
    sig_finished = Signal(object)
    sig_failed = Signal(str)

    def __init__(self, title: str, fn: JobFn, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self._fn = fn
        self.cancel_event = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        """Body of the worker thread."""
        try:
            result = self._fn(lambda d, t, m: self.sig_progress.emit(int(d), int(t), str(m)), self.cancel_event)
        except Exception as exc:
            traceback.print_exc()
            self.sig_failed.emit(f"{self.title}: {exc}")
        else:
            self.sig_finished.emit(result)
        finally:
            self.done.set()

    def cancel(self) -> None:
        """Ask the job to stop at its next check."""
        self.cancel_event.set()


class JobRunner(QObject):
    """Runs jobs one at a time on a background thread and reports them (status bar, dialogs)."""

    sig_job_started = Signal(str)
    sig_job_progress = Signal(str, int, int)
    sig_job_ended = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="horus-job")
        self.jobs: list[Job] = []

    def start(self, title: str, fn: JobFn, *, on_done: Callable[[Any], None] | None = None,
              dialog_parent: QWidget | None = None) -> Job:
        """Start a job; with ``dialog_parent`` a cancellable progress dialog follows it."""
        job = Job(title, fn, self)
        self.jobs.append(job)
        job.sig_progress.connect(lambda d, t, m: self.sig_job_progress.emit(m or title, d, t))
        job.sig_finished.connect(lambda _r: self.sig_job_ended.emit(title, ""))
        job.sig_failed.connect(lambda msg: self.sig_job_ended.emit(title, msg))
        if on_done is not None:
            job.sig_finished.connect(on_done)
        job.sig_finished.connect(lambda _r, j=job: self._forget(j))
        job.sig_failed.connect(lambda _m, j=job: self._forget(j))
        if dialog_parent is not None:
            _attach_dialog(job, dialog_parent)
        self.sig_job_started.emit(title)
        self._executor.submit(job.run)
        return job

    @Slot()
    def _forget(self, job: Job) -> None:
        if job in self.jobs:
            self.jobs.remove(job)

    def shutdown(self) -> None:
        """Cancel running jobs and wait for them to stop."""
        for job in list(self.jobs):
            job.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)


def _attach_dialog(job: Job, parent: QWidget) -> QProgressDialog:
    dialog = QProgressDialog(job.title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(job.title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progress(done: int, total: int, message: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total > 0 else 0)
        if message:
            dialog.setLabelText(message)

    job.sig_progress.connect(progress)
    dialog.canceled.connect(job.cancel)
    job.sig_finished.connect(lambda _r: dialog.deleteLater())
    job.sig_failed.connect(lambda _m: dialog.deleteLater())
    return dialog
