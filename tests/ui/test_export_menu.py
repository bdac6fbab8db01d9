"""File > Export Frame… and File > Export Notes… in the main window: the files they write, without
blocking the window."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QProgressDialog, QPushButton

from horus_desktop.services import notes as notes_service
from horus_desktop.services.notes import Author
from horus_desktop.ui.reports.export_dialog import ExportChoice

from .helpers import open_row, wait_rows


def test_export_frame_writes_what_the_viewer_shows_with_its_drawings(qtbot, make_window, demo_store,  # noqa: ANN001
                                                                    tmp_path: Path) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    record = open_row(qtbot, window, lambda r: r.shot == "sh010" and r.version == "v002"
                      and r.department == "comp")
    frame = window.viewer.shown_frame()
    demo_store.annotations.add(media_id=record.id, frame_number=frame, annotation_type="rectangle",
                               coordinates={"v": 1, "x": 0.1, "y": 0.1, "w": 0.3, "h": 0.3}, user_id="ana",
                               user_name="Ana", style_properties={"color": "#00ff00", "width": 0.01})
    assert window.actions_by_name["export_frame"].shortcut().toString() == "Ctrl+Shift+E"
    out = tmp_path / "frame.png"
    window.report_export.export_frame(record, frame, out)
    qtbot.waitUntil(lambda: out.exists(), timeout=15000)
    with Image.open(out) as image:
        pixels = np.asarray(image.convert("RGB"))
    size = window.viewer.view.layer("A").image_size()
    assert pixels.shape[:2] == (size[1], size[0])
    top_edge = pixels[int(0.1 * size[1]), int(0.25 * size[0])]
    assert top_edge[1] > 200 and top_edge[0] < 80, "the green rectangle is burned in"


def test_export_notes_of_the_viewers_media_to_csv(qtbot, make_window, demo_store, tmp_path: Path) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    record = open_row(qtbot, window, lambda r: r.shot == "sh010" and r.version == "v002"
                      and r.department == "comp")
    notes_service.add_note(demo_store, record.id, "Export me ✓ مرحبا", Author("ana", "Ana"),
                           frame=window.viewer.shown_frame())
    out = tmp_path / "notes.csv"
    window.report_export.export_notes(ExportChoice("csv", "media", "none", False, 320, out))
    qtbot.waitUntil(lambda: out.exists(), timeout=20000)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    mine = next(r for r in rows if r["note"] == "Export me ✓ مرحبا")
    assert mine["shot"] == "sh010" and mine["image"]
    with Image.open(out.parent / mine["image"]) as image:
        assert image.width == 320


def test_export_notes_of_a_filter_too_wide_says_so_and_writes_nothing(qtbot, make_window, demo_store,  # noqa: ANN001
                                                                     tmp_path: Path,
                                                                     monkeypatch) -> None:  # noqa: ANN001
    from horus_desktop.ui.reports import export_action

    monkeypatch.setattr(export_action, "BROWSER_LIMIT", 3)
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    window.browser.grid.clearSelection()
    ended: list[tuple[str, str]] = []
    window.jobs.sig_job_ended.connect(lambda title, message: ended.append((title, message)))
    out = tmp_path / "notes.html"
    window.report_export.export_notes(ExportChoice("html", "browser", "none", False, 320, out))
    qtbot.waitUntil(lambda: bool(ended), timeout=15000)
    assert "narrow it to at most 3" in ended[0][1]
    assert not out.exists()


@pytest.mark.parametrize("phase", ["Export notes", "Write notes report"])
def test_cancelling_a_notes_export_ends_cleanly_and_leaves_no_file(qtbot, make_window, demo_store, tmp_path: Path,  # noqa: ANN001
                                                                   capsys, phase: str) -> None:  # noqa: ANN001
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    record = open_row(qtbot, window, lambda r: r.shot == "sh010" and r.version == "v002"
                      and r.department == "comp")
    for frame in range(1, 7):  # several frames to decode and write
        notes_service.add_note(demo_store, record.id, f"Note on frame {frame}", Author("ana", "Ana"), frame=frame)
    ended: list[tuple[str, str]] = []
    window.jobs.sig_job_ended.connect(lambda title, message: ended.append((title, message)))

    def press_cancel(title: str) -> None:  # the Cancel button of the job's progress dialog, as soon as it exists
        if title == phase:
            dialogs = [d for d in window.findChildren(QProgressDialog) if d.windowTitle() == title]
            dialogs[-1].findChild(QPushButton).click()

    window.jobs.sig_job_started.connect(press_cancel)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "notes.pdf"
    window.report_export.export_notes(ExportChoice("pdf", "media", "none", False, 320, out))
    qtbot.waitUntil(lambda: window.status.currentMessage() == "Export cancelled", timeout=30000)
    assert ended and all(message == "" for _title, message in ended), f"no job failed: {ended}"
    assert not out.exists() and not out.with_name("notes.pdf.partial").exists()
    assert list(out.parent.iterdir()) == [], "nothing written beside the target"
    assert "Traceback" not in capsys.readouterr().err


def test_the_message_after_an_export_of_one_note_reads_singular(qtbot, make_window, demo_store,  # noqa: ANN001
                                                                tmp_path: Path) -> None:
    """It said "Exported 1 notes and 1 frames to ..."."""
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    record = open_row(qtbot, window, lambda r: not demo_store.comments.list_for_media(r.id)
                      and not demo_store.annotations.count(r.id))
    notes_service.add_note(demo_store, record.id, "Only note", Author("ana", "Ana"), frame=window.viewer.shown_frame())
    said: list[str] = []
    window.report_export.sig_message.connect(said.append)
    out = tmp_path / "notes.csv"
    window.report_export.export_notes(ExportChoice("csv", "media", "none", False, 320, out))
    qtbot.waitUntil(lambda: any(m.startswith("Exported") for m in said), timeout=20000)
    assert f"Exported 1 note and 1 frame to {out}" in said
