"""Every key the README documents works in the built window, and no key is bound twice where both bindings are
live (Qt then prints "Ambiguous shortcut overload" and runs neither: Alt+R against the Review menu)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut, QShortcutEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QPlainTextEdit, QTextEdit, QWidget

from .helpers import wait_rows
from .shortcut_map import ambiguous, readme_keys, window_bindings


class KeyProbe(QObject):
    """Catches the shortcut events Qt sends for one key press (and swallows them, so no command runs) and
    whether the focused widget handled the key itself."""

    def __init__(self, owners: list[QObject], target: QWidget) -> None:
        super().__init__()
        self.fired: list[tuple[QObject, bool]] = []
        self.handled = False
        self.target = target
        for owner in owners:
            owner.installEventFilter(self)
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Shortcut and isinstance(event, QShortcutEvent):
            self.fired.append((watched, event.isAmbiguous()))
            return True
        if watched is self.target and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            before = _text_of(self.target)
            event.accept()
            self.target.event(event)
            self.handled = event.isAccepted() and _text_of(self.target) == before
            return True
        return False


def _text_of(widget: QWidget) -> str | None:
    # A text box accepts every key it types; typing is not what a shortcut is for.
    return widget.toPlainText() if isinstance(widget, QTextEdit | QPlainTextEdit) else None


def _owners(window: QWidget) -> list[QObject]:
    return [*window.findChildren(QAction), *window.actions(), *window.findChildren(QShortcut),
            window.menuBar(), *window.findChildren(QAbstractButton)]


def _press(window: QWidget, target: QWidget, key: str) -> KeyProbe:
    probe = KeyProbe(_owners(window), target)
    target.setFocus()
    combo = QKeySequence(key)[0]
    QTest.keyClick(target, combo.key(), combo.keyboardModifiers())
    QApplication.processEvents()
    for owner in _owners(window):
        owner.removeEventFilter(probe)
    target.removeEventFilter(probe)
    return probe


def _waits_for_enabling(window: QWidget, key: str, target: QWidget) -> bool:
    """The key belongs to a command that is live here but disabled for now (Undo with nothing to undo)."""
    return any(isinstance(b.owner, QAction) and not b.owner.isEnabled() and b.key == key
               and (b.scope is None or b.scope is target or b.scope.isAncestorOf(target))
               for b in window_bindings(window))


def test_no_key_is_bound_twice_where_both_bindings_are_live(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    bindings = window_bindings(window)
    assert len(bindings) > 40  # the walk found the window's commands
    assert ambiguous(bindings) == []


def test_every_key_the_readme_lists_does_something_and_none_is_ambiguous(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    keys = readme_keys()
    assert {"Alt+R", "Space", "Ctrl+Enter", "H", "Shift+Del", "Ctrl+,"} <= set(keys)  # the README was read
    targets = {"viewer": window.viewer.view, "timeline": window.timeline.view, "note editor": window.notes.editor}
    dead, clashing = [], []
    for key, line in keys.items():
        works = False
        for where, target in targets.items():
            probe = _press(window, target, key)
            if any(is_ambiguous for _owner, is_ambiguous in probe.fired):
                clashing.append(f"{key} in the {where}: {[o.objectName() or o for o, _a in probe.fired]}")
            works = works or bool(probe.fired) or probe.handled or _waits_for_enabling(window, key, target)
        if not works:
            dead.append(f"{key} ({line[:60]})")
    assert clashing == []
    assert dead == []


def test_alt_r_shows_the_red_channel(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    window.viewer.view.setFocus()
    QTest.keyClick(window.viewer.view, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert window.viewer.colour_bar.options().channel == "r"
    QTest.keyClick(window.viewer.view, Qt.Key.Key_QuoteLeft, Qt.KeyboardModifier.ControlModifier)
    assert window.viewer.colour_bar.options().channel == "rgb"
