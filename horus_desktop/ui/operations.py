"""What the window says when a job ends (the jobs themselves, Qt-free, are ``services.ingest.ingest_job`` and
``demo.project.demo_job``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from horus_desktop.domain.wording import counted

if TYPE_CHECKING:  # the media engine is not loaded to start the window
    from horus_desktop.media.ingest import IngestReport


def summarize_ingest(reports: Sequence[IngestReport]) -> str:
    """One status-bar line for a finished ingest."""
    created = sum(len(r.created) for r in reports)
    updated = sum(len(r.updated) for r in reports)
    unchanged = sum(len(r.unchanged) for r in reports)
    problems = [p for r in reports for p in r.problems]
    # "cancelled" leads: the line's end is cut with "…" when the status bar has no room for it
    text = "Ingest cancelled: " if any(r.cancelled for r in reports) else "Ingest: "
    text += f"{created} new, {updated} updated, {unchanged} unchanged"
    if problems:
        text += f", {counted(len(problems), 'problem')} (listed by the status bar's ⚠ button)"
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


