"""The main window: layout persistence, drag-and-drop ingest, the demo project on an empty store."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from horus_desktop.media.synthetic import write_jpeg_sequence
from horus_desktop.ui.actions import ACTIONS

from .helpers import shown_code, wait_rows


def test_layout_and_browser_mode_persist_between_runs(qtbot, make_window, demo_store, settings) -> None:
    first = make_window(demo_store)
    wait_rows(qtbot, first, 11)
    first.notes_dock.hide()
    first.removeDockWidget(first.browser_dock)
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.browser_dock)
    first.browser_dock.show()
    first.browser.set_view_mode("list")
    first.browser.size_slider.setValue(0)
    size = (max(first.minimumSizeHint().width() + 10, 780), 700)
    first.resize(*size)
    first.viewer.colour_bar.view_box.setCurrentText("Un-tone-mapped")
    first.actions_by_name["play_every_frame"].setChecked(True)
    first.viewer.transport.loop_box.setCurrentIndex(1)
    first.close()
    assert settings.value("window/state") is not None

    second = make_window(demo_store)
    wait_rows(qtbot, second, 11)
    assert not second.notes_dock.isVisible()
    assert second.dockWidgetArea(second.browser_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert second.browser.view_mode() == "list"
    assert second.browser.size_slider.value() == 0
    assert second.viewer.colour_bar.options().view == "Un-tone-mapped"
    assert second.viewer.state.policy.value == "every-frame"
    assert second.viewer.state.loop_mode.value == "ping-pong"
    # offscreen's 800 px screen makes Qt adjust a restored over-wide window by a few pixels, and a window is
    # never narrower than its own minimum (its fields' texts, e.g. the store path, differ between runs)
    wanted = max(size[0], second.minimumSizeHint().width())
    assert second.height() == size[1] and abs(second.width() - wanted) <= 16, (size, second.size(), wanted)
    second.actions_by_name["reset_layout"].trigger()
    assert second.notes_dock.isVisible()
    assert second.dockWidgetArea(second.browser_dock) == Qt.DockWidgetArea.LeftDockWidgetArea


def test_menus_and_shortcuts_come_from_one_list(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    names = {a.objectName() for a in window.actions()}
    assert {f"action_{spec.name}" for spec in ACTIONS} <= names
    menu_titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menu_titles == ["File", "View", "Playback", "Colour", "Compare", "Review", "Settings"]  # sync's last
    assert window.actions_by_name["play_pause"].shortcut().toString() == "Space"
    assert window.toolbar.actions()


def _drop(window, paths: list[Path]) -> None:  # noqa: ANN001
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()


def test_dropping_a_folder_ingests_and_opens_it(qtbot, make_window, demo_store, tmp_path) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    folder = tmp_path / "dropped" / "proj" / "ep02" / "sq090" / "sh900" / "comp" / "v004"
    write_jpeg_sequence(folder, 5, size=(320, 180), start=1001, name="sh900_comp_v004")
    _drop(window, [tmp_path / "dropped"])
    qtbot.waitUntil(lambda: window.browser.model.total == 12, timeout=20000)
    qtbot.waitUntil(lambda: window.viewer.slots["A"] is not None
                    and window.viewer.slots["A"].record.shot == "sh900", timeout=15000)
    qtbot.waitUntil(lambda: window.viewer.shown_frame() == 1001, timeout=15000)
    record = window.viewer.slots["A"].record
    assert record.version == "v004" and record.start_frame == 1001 and record.end_frame == 1005
    qtbot.waitUntil(lambda: "Ingest" in window.status.currentMessage(), timeout=15000)


def test_demo_project_on_an_empty_store(qtbot, make_window, sqlite_store) -> None:
    window = make_window(sqlite_store)
    qtbot.waitUntil(lambda: not window.browser.model.is_loading, timeout=15000)
    assert window.browser.model.rowCount() == 0
    window.make_demo()
    qtbot.waitUntil(lambda: window.browser.model.total == 11, timeout=60000)
    qtbot.waitUntil(lambda: window.viewer.slots["A"] is not None, timeout=15000)
    qtbot.waitUntil(lambda: window.viewer.shown_frame() == 1001, timeout=15000)
    assert shown_code(window) == 1001
    assert sqlite_store.comments.list_for_media(window.viewer.slots["A"].record.id) is not None
