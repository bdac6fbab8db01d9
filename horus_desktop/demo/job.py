"""The demo project as a job for the window (``fn(progress, cancel)``, see services/jobs.py).

Light on purpose: the window imports this on the UI thread when the user asks for the demo, and the media
generators (PyAV, Pillow, OpenEXR: ~50-100 ms of imports) load on the job's thread when it
runs, not while the UI thread waits."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from horus_desktop.services.jobs import JobFn, ProgressFn, WriteFn


def demo_folder(store: Any) -> Path:
    """Where the app writes the demo media: beside the store's other files."""
    return Path(store.files_dir) / "demo-project"


def demo_job(store: Any, *, write: WriteFn) -> JobFn:
    """Generate the demo media beside ``store`` and ingest them, every store write through ``write``."""

    def run(progress: ProgressFn, cancel: threading.Event) -> Any:
        from horus_desktop.demo.project import make_demo_project

        return make_demo_project(store, demo_folder(store), progress=progress, cancel=cancel, write=write)

    return run
