"""The notes report as CSV (no Qt): one row per note or reply, with the exported frame image's path.

Written as UTF-8 with a byte-order mark so spreadsheet programs read emoji and right-to-left names right;
the file is written beside and then renamed over the target, so a failed export never leaves half a file.
"""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Mapping
from pathlib import Path

from horus_desktop.domain.records import CommentNode
from horus_desktop.services.notes_report import NotesReport, ReportMedia

COLUMNS = ("shot", "version", "media_path", "frame", "timecode", "author", "created", "status", "note",
           "reply_to", "reactions", "annotated", "image")


def _rows(entry: ReportMedia, node: CommentNode, annotated: bool, image: str, timecode: str | None,
          reply_to: uuid.UUID | None = None) -> list[dict[str, str]]:
    c = node.comment
    row = {"shot": entry.media.shot or "", "version": entry.media.version or "", "media_path": entry.media.file_path,
           "frame": "" if c.frame_number is None else str(c.frame_number), "timecode": timecode or "",
           "author": c.user_name, "created": c.created_at.isoformat() if c.created_at else "",
           "status": "resolved" if c.is_resolved else "open", "note": c.content,
           "reply_to": str(reply_to) if reply_to else "",
           "reactions": " ".join(f"{k}:{n}" for k, n in node.reaction_counts().items()),
           "annotated": "yes" if annotated else "no", "image": image}
    out = [row]
    for reply in node.replies:
        out += _rows(entry, reply, annotated, image, timecode, c.id)
    return out


def report_rows(report: NotesReport, images: Mapping[tuple[uuid.UUID, int], str]) -> list[dict[str, str]]:
    """Every note and reply of the report in report order; ``images`` maps (media id, frame) to the frame
    image's path as written in the file."""
    rows: list[dict[str, str]] = []
    for entry in report.media():
        for frame in entry.frames:
            image = images.get((entry.media.id, frame.frame), "")
            for thread in frame.threads:
                rows += _rows(entry, thread, frame.annotated, image, frame.timecode)
        for thread in entry.general:
            rows += _rows(entry, thread, False, "", None)
    return rows


def write_csv(report: NotesReport, path: Path, images: Mapping[tuple[uuid.UUID, int], str]) -> int:
    """Write the report's notes to ``path``; returns the number of rows."""
    rows = report_rows(report, images)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(partial, path)
    return len(rows)
