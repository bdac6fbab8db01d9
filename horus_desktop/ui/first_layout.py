"""The layout a first start (or View > Reset Layout) gives the window on the screen it opens on: docks sized
in proportion to the screen, so a laptop (1366x768, or 2560x1600 at scale 2 = 1280x800 logical) shows the
browser, the viewer, the notes and the timeline at once; below ``NARROW_WIDTH`` the notes and the layers
share the browser's column as tabs; below ``SHORT_HEIGHT`` the layers are a tab beside the notes (stacked, the
notes list kept one row)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt

if TYPE_CHECKING:
    from horus_desktop.ui.main_window import MainWindow

NARROW_WIDTH = 1200  # below this the browser and the notes are tabs of one column
SHORT_HEIGHT = 900  # below this the layers are a tab beside the notes instead of a panel under them


def _share(total: int, fraction: float, low: int, high: int) -> int:
    return max(low, min(high, int(total * fraction)))


def fit_to_screen(window: MainWindow, available: QRect) -> None:
    """Place the window on ``available`` (the screen's available geometry), its docks arranged for that size
    (see ``arrange_for_size``). Call ``size_docks`` once the window is shown."""
    arrange_for_size(window, available.width(), available.height())  # first: fewer columns lower the minimum
    window.setGeometry(available)


def arrange_for_size(window: MainWindow, width: int, height: int) -> None:
    """Below ``NARROW_WIDTH`` the notes and the layers become tabs beside the browser; else, below
    ``SHORT_HEIGHT``, the layers become a tab beside the notes (the notes shown)."""
    if width < NARROW_WIDTH:
        for dock in (window.notes_dock, window.layers_dock):
            window.tabifyDockWidget(window.browser_dock, dock)
        window.browser_dock.raise_()
    elif height < SHORT_HEIGHT:
        window.tabifyDockWidget(window.notes_dock, window.layers_dock)
        window.notes_dock.raise_()


def size_docks(window: MainWindow) -> None:
    """Dock sizes in proportion to the window (shown: sizes set before the first show are lost)."""
    width, height = window.width(), window.height()
    browser, notes = window.browser_dock, window.notes_dock
    if notes in window.tabifiedDockWidgets(browser):
        window.resizeDocks([browser], [_share(width, 0.34, 300, 520)], Qt.Orientation.Horizontal)
    else:
        # notes at most 424 px: its note buttons on one line, and the viewer wide enough for one transport row
        window.resizeDocks([browser, notes], [_share(width, 0.27, 300, 560), _share(width, 0.25, 280, 424)],
                           Qt.Orientation.Horizontal)
    # a short screen keeps the timeline to about one track: the viewer and the notes list need the height more
    share = 0.2 if height < SHORT_HEIGHT else 0.26
    window.resizeDocks([window.timeline_dock], [_share(height, share, 150, 300)], Qt.Orientation.Vertical)
