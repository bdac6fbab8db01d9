"""Ingest problems are listed where the user can read and copy them, and found again after the job."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtWidgets import QApplication, QWidget

from horus_desktop.media.synthetic import write_jpeg_sequence

from .helpers import wait_rows


def _damaged_still(folder: Path) -> Path:
    """A real PNG cut short after its header (as a failed copy leaves it)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sh901_plate_v001.png"
    Image.new("RGB", (64, 36), (200, 40, 40)).save(path)
    path.write_bytes(path.read_bytes()[:40])
    return path


def test_ingest_problems_are_listed_copyable_and_reachable_again(qtbot, make_window, demo_store,
                                                                 tmp_path) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    root = tmp_path / "drop" / "proj" / "ep02" / "sq090"
    write_jpeg_sequence(root / "sh900" / "comp" / "v004", 3, size=(160, 90), start=1001, name="sh900_comp_v004")
    damaged = _damaged_still(root / "sh901" / "plate" / "v001")
    assert not window.problems.isVisible()

    window.ingest([str(tmp_path / "drop")], open_first=False)
    dialog = window.problems.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=20000)
    table = dialog.table
    files = [table.item(row, 0).text() for row in range(table.rowCount())]
    assert str(damaged) in files
    reason = table.item(files.index(str(damaged)), 1).text()
    assert reason  # says what is wrong with it

    QApplication.clipboard().clear()
    dialog.copy_button.click()
    assert f"{damaged}\t{reason}" in QApplication.clipboard().text().splitlines()

    dialog.close()
    assert window.problems.isVisible() and "problem" in window.problems.text()
    window.problems.click()
    assert dialog.isVisible() and dialog.table.rowCount() == len(files)
    dialog.close()

    clean = tmp_path / "clean" / "proj" / "ep02" / "sq091" / "sh910" / "comp" / "v001"
    write_jpeg_sequence(clean, 2, size=(160, 90), start=1001, name="sh910_comp_v001")
    window.ingest([str(tmp_path / "clean")], open_first=False)
    qtbot.waitUntil(lambda: not window.problems.isVisible() and "Ingest" in window.status.currentMessage(),
                    timeout=20000)
    assert not dialog.isVisible()


def test_a_status_message_too_long_for_the_bar_is_cut_readably_and_whole_in_its_tooltip(qtbot, make_window,
                                                                                       demo_store, tmp_path) -> None:
    """On a laptop-wide window the permanent fields (problems, colour path, user, store) leave the message little
    room: the ingest's summary was clipped mid-word ("... the status bar's ⚠ butto"), with no way to read it."""
    window = make_window(demo_store)
    window.resize(1280, 720)
    wait_rows(qtbot, window, 11)
    _damaged_still(tmp_path / "drop" / "proj" / "ep02" / "sq090" / "sh901" / "plate" / "v001")
    window.ingest([str(tmp_path / "drop")], open_first=False)
    qtbot.waitUntil(lambda: window.problems.dialog is not None and window.problems.dialog.isVisible(), timeout=20000)
    window.problems.dialog.close()
    status = window.status
    shown = status.currentMessage()
    assert shown.startswith("Ingest")
    fields = [w for w in status.findChildren(QWidget) if w.parent() is status and w.isVisible()]
    room = min(w.x() for w in fields) - 2 - 6
    assert status.fontMetrics().horizontalAdvance(shown) <= room, "the message is drawn whole or cut with …"
    whole = status.toolTip()
    assert whole.startswith("Ingest") and "1 problem " in whole and shown.endswith("…")


def test_a_cancelled_ingest_says_so_at_the_start_of_its_status_line() -> None:
    """The line is cut at its end when the status bar is narrow; "(cancelled)" was its last word."""
    from horus_desktop.media.ingest import IngestProblem, IngestReport
    from horus_desktop.ui.operations import summarize_ingest

    report = IngestReport("/shows/x", created=["a"], problems=[IngestProblem("/shows/x/b.png", "truncated")],
                          cancelled=True)
    assert summarize_ingest([report]).startswith("Ingest cancelled: 1 new")
    assert summarize_ingest([IngestReport("/shows/x", created=["a"])]) == "Ingest: 1 new, 0 updated, 0 unchanged"
