"""Laptop screens: the window, its tool bars and its docks fit 1280x720 logical pixels (1366x768, or a HiDPI
laptop at scale 2) with every panel on screen (the layers a tab beside the notes, which keep their height) and
every tool bar command reachable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QToolBar, QToolButton

from horus_desktop.ui.first_layout import fit_to_screen, size_docks
from horus_desktop.ui.resources import stylesheet

from .helpers import open_row, wait_rows

LAPTOP = QRect(0, 0, 1280, 720)


@pytest.fixture(autouse=True)
def app_stylesheet(qapp) -> Iterator[None]:  # noqa: ANN001 - pytest-qt's QApplication
    """Sizes as the app shows them: its stylesheet pads every control."""
    qapp.setStyleSheet(stylesheet("dark"))
    yield
    qapp.setStyleSheet("")


def _inside(window, widget) -> QRect:  # noqa: ANN001
    """The widget's rectangle in window coordinates, checked to lie within the window."""
    rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    assert window.rect().contains(rect), f"{widget.objectName()} at {rect} is outside the window {window.rect()}"
    return rect


def _first_run(qtbot, window, screen: QRect) -> None:  # noqa: ANN001
    fit_to_screen(window, screen)
    QApplication.processEvents()
    size_docks(window)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.size() == screen.size(), timeout=15000)


def _reachable_toolbars(window) -> None:  # noqa: ANN001
    for bar in window.findChildren(QToolBar):
        if not bar.isVisible():
            continue
        _inside(window, bar)
        cut = [a.text() for a in bar.actions() if not a.isSeparator() and bar.widgetForAction(a) is not None
               and not bar.widgetForAction(a).isVisible()]
        more = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert not cut or (more is not None and more.isVisible()), f"{bar.objectName()} hides {cut} out of reach"


def test_the_window_fits_a_laptop_screen_with_every_panel_on_it(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    minimum = window.minimumSizeHint()
    assert minimum.width() <= LAPTOP.width() and minimum.height() <= LAPTOP.height(), minimum
    _first_run(qtbot, window, LAPTOP)
    assert window.layers_dock in window.tabifiedDockWidgets(window.notes_dock)  # a short screen: one tab each
    docks = [window.browser_dock, window.notes_dock, window.timeline_dock]
    for dock in docks:
        assert dock.isVisible() and not dock.isFloating(), dock.objectName()
        rect = _inside(window, dock)
        assert rect.width() >= dock.minimumSizeHint().width() and rect.height() > 60, (dock.objectName(), rect)
    view = _inside(window, window.viewer.view)
    assert view.width() >= 400 and view.height() >= 150, view
    _inside(window, window.viewer.colour_bar)
    _inside(window, window.viewer.transport)
    _inside(window, window.notes.editor)
    _reachable_toolbars(window)


def test_a_narrow_screen_gets_the_notes_and_layers_as_tabs_beside_the_browser(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    _first_run(qtbot, window, QRect(0, 0, 1100, 700))
    assert {window.notes_dock, window.layers_dock} <= set(window.tabifiedDockWidgets(window.browser_dock))
    assert window.minimumSizeHint().width() <= 1100
    window.notes_dock.raise_()
    QApplication.processEvents()
    assert window.notes_dock.isVisible() and not window.notes_dock.isFloating()
    _inside(window, window.notes.editor)
    for dock in window.findChildren(QDockWidget):
        if dock.isVisible() and not dock.visibleRegion().isEmpty():  # the browser, behind its tab, is not
            _inside(window, dock)
    window.browser_dock.raise_()
    QApplication.processEvents()
    _inside(window, window.browser.filters)
    _reachable_toolbars(window)


def test_reset_layout_on_a_laptop_puts_every_panel_back_on_screen(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    _first_run(qtbot, window, LAPTOP)
    window.removeDockWidget(window.browser_dock)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.browser_dock)
    window.browser_dock.show()
    window.notes_dock.hide()
    window.actions_by_name["reset_layout"].trigger()
    QApplication.processEvents()
    assert window.dockWidgetArea(window.browser_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    for dock in (window.browser_dock, window.notes_dock, window.timeline_dock):
        assert dock.isVisible(), dock.objectName()
        _inside(window, dock)
    assert window.layers_dock in window.tabifiedDockWidgets(window.notes_dock)
    window.layers_dock.raise_()
    QApplication.processEvents()
    _inside(window, window.layers_dock)
    assert _inside(window, window.viewer.view).width() >= 400


def test_a_short_laptop_screen_shows_several_notes(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    """1366x768: the layers stacked under the notes left room for one note row; as a tab they leave the notes
    list its height (and the timeline keeps to about one track)."""
    window = make_window(demo_store)
    wait_rows(qtbot, window)
    _first_run(qtbot, window, QRect(0, 0, 1366, 768))
    open_row(qtbot, window, lambda r: r.shot == "sh010" and r.version == "v003")
    notes = window.notes
    qtbot.waitUntil(lambda: notes.model.rowCount() >= 2, timeout=15000)
    notes.view.expandAll()
    QApplication.processEvents()
    viewport = notes.view.viewport().rect()
    shown = [notes.view.visualRect(index) for index in _all_indexes(notes.model)]
    whole = [rect for rect in shown if rect.isValid() and viewport.contains(rect)]
    assert len(whole) >= 2, f"{len(whole)} whole note rows in a {viewport.height()} px list"
    window.layers_dock.raise_()  # the layers are one click away
    QApplication.processEvents()
    _inside(window, window.layers_dock)


def _all_indexes(model) -> list:  # noqa: ANN001
    out, stack = [], [model.index(r, 0) for r in range(model.rowCount())]
    while stack:
        index = stack.pop(0)
        out.append(index)
        stack.extend(model.index(r, 0, index) for r in range(model.rowCount(index)))
    return out
