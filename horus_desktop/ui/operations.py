"""Long operations the window starts (ingest of dropped or given paths, the demo project), as plain job
functions ``fn(progress, cancel) -> result`` run by the JobRunner off the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from horus_desktop.demo.project import DemoReport, make_demo_project
from horus_desktop.media.ingest import IngestReport, ingest_tree
from horus_desktop.store import Store
from horus_desktop.ui.jobs import JobFn, ProgressFn


def demo_folder(store: Store) -> Path:
    """Where the demo media is written: beside the store's other files."""
    return Path(store.files_dir) / "demo-project"


def ingest_job(store: Store, paths: Sequence[str], *, user_id: str) -> JobFn:
    """Ingest files or folders one after another (thumbnails included); returns the reports."""

    def run(progress: ProgressFn, cancel: threading.Event) -> list[IngestReport]:
        reports = []
        for i, path in enumerate(paths, start=1):
            if cancel.is_set():
                break

            def step(done: int, total: int, label: str = "", i: int = i) -> None:
                progress(done, total, f"Ingesting {i}/{len(paths)}: {Path(label).name or label}")

            reports.append(ingest_tree(store, path, user=user_id, progress=step, cancel=cancel, thumbnails=True))
        return reports

    return run


def demo_job(store: Store) -> JobFn:
    """Generate and ingest the demo project."""

    def run(progress: ProgressFn, cancel: threading.Event) -> DemoReport:
        return make_demo_project(store, demo_folder(store), progress=progress, cancel=cancel)

    return run


def summarize_ingest(reports: Sequence[IngestReport]) -> str:
    """One status-bar line for a finished ingest."""
    created = sum(len(r.created) for r in reports)
    updated = sum(len(r.updated) for r in reports)
    unchanged = sum(len(r.unchanged) for r in reports)
    problems = [p for r in reports for p in r.problems]
    text = f"Ingest: {created} new, {updated} updated, {unchanged} unchanged"
    if problems:
        text += f", {len(problems)} problem(s) (listed by the status bar's ⚠ button)"
    if any(r.cancelled for r in reports):
        text += " (cancelled)"
    return text


def ingest_problems(reports: Sequence[IngestReport]) -> list[tuple[str, str]]:
    """(file, reason) of every problem of an ingest, in the order found."""
    return [(p.path, p.reason) for r in reports for p in r.problems]


def first_created(reports: Sequence[IngestReport]) -> str | None:
    """The id of the first media an ingest created or updated (to open it)."""
    for report in reports:
        for media_id in (*report.created, *report.updated, *report.unchanged):
            return media_id
    return None


