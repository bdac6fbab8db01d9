"""The tool keys keep working after a text drawing is placed (the text dialog used to leave focus in the note
editor), and the Layers panel lists the default layer before anything is drawn."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog

from ..helpers import open_row, wait_rows

PRESS, MOVE, RELEASE = QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease


def _open(qtbot, window, predicate):  # noqa: ANN001, ANN202
    wait_rows(qtbot, window)
    record = open_row(qtbot, window, predicate)
    ctl = window.review.controller
    qtbot.waitUntil(lambda: ctl.can_draw(), timeout=15000)
    return record, ctl


def test_tool_keys_work_right_after_placing_a_text(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    record, ctl = _open(qtbot, window, lambda r: r.version == "v002")
    before = len(demo_store.annotations.list(record.id))
    editor = window.notes.editor
    editor.setFocus()  # the reviewer was writing a note
    qtbot.waitUntil(editor.hasFocus, timeout=15000)
    window.review.toolbar.tool_actions["text"].trigger()
    answered = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, answer)
            return
        dialog.setTextValue("check this")
        answered.append(True)
        dialog.accept()

    QTimer.singleShot(0, answer)
    port = window.viewer.view.viewport()
    QTest.mouseClick(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(port.width() // 2, port.height() // 2))
    assert answered
    window.db.wait_idle()
    qtbot.waitUntil(lambda: ctl.pending_writes == 0, timeout=15000)
    assert len(demo_store.annotations.list(record.id)) == before + 1
    # no window manager here (as under Xvfb or some kiosk setups): the app itself must take the keys back
    qtbot.waitUntil(lambda: window.isActiveWindow() and QApplication.focusWidget() is not None, timeout=15000)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_P)
    assert window.review.toolbar.tool_actions["pen"].isChecked()
    assert editor.toPlainText() == ""  # the key did not land in the note editor


def test_layers_panel_lists_the_default_layer_before_anything_is_drawn(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    record, ctl = _open(qtbot, window, lambda r: not demo_store.annotations.list(r.id))
    layers = window.review.layers
    qtbot.waitUntil(lambda: layers.layer_names() == ["default"], timeout=15000)
    # the listed layer is a real one: it can be renamed before anything is drawn, and takes the first shape
    layers.tree.setCurrentItem(layers.tree.topLevelItem(0))
    layers.rename_current("plate notes")
    qtbot.waitUntil(lambda: layers.layer_names() == ["plate notes"], timeout=15000)
    ctl.set_tool("rectangle")
    for kind, point in ((PRESS, (20, 20)), (MOVE, (60, 50)), (RELEASE, (80, 60))):
        ctl.handle(kind, QPointF(*point))
    window.db.wait_idle()
    qtbot.waitUntil(lambda: ctl.pending_writes == 0, timeout=15000)
    assert [a.layer_name for a in demo_store.annotations.list(record.id)] == ["plate notes"]
