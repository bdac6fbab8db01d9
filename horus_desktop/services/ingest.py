"""Ingest as a job (Qt-free): the same functions for the window's jobs thread, the CLI and the API. Every store write of an ingest goes through the ``write`` function it is given (see
``services/jobs.py``); its reads (what is stored already) run on the job's own thread."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from horus_desktop.media.ingest import IngestReport, ingest_tree
from horus_desktop.services.jobs import JobFn, ProgressFn, WriteFn, write_here

if TYPE_CHECKING:
    from horus_desktop.store import Store


def ingest(store: Store, path: str | os.PathLike[str], *, user_id: str | None, project: str | None = None,
           template: str | None = None, thumbnails: bool = True, progress: ProgressFn | None = None,
           cancel: threading.Event | None = None, write: WriteFn = write_here) -> IngestReport:
    """Add (or refresh) the media under ``path``, with thumbnails for the browser; returns the report."""
    return ingest_tree(store, Path(path), project=project, template=template, user=user_id, thumbnails=thumbnails,
                       progress=progress, cancel=cancel, write=write)


def ingest_job(store: Store, paths: Sequence[str], *, user_id: str, write: WriteFn) -> JobFn:
    """A job ingesting files or folders one after another (thumbnails included); returns the reports."""

    def run(progress: ProgressFn, cancel: threading.Event) -> list[IngestReport]:
        reports = []
        for i, path in enumerate(paths, start=1):
            if cancel.is_set():
                break

            def step(done: int, total: int, label: str = "", i: int = i) -> None:
                progress(done, total, f"Ingesting {i}/{len(paths)}: {Path(label).name or label}")

            reports.append(ingest(store, path, user_id=user_id, progress=step, cancel=cancel, write=write))
        return reports

    return run

