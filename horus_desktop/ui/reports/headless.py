"""Qt for the command line: an application on the off-screen platform, so ``horus export`` renders frames
and writes PDFs on a render node or over SSH, without a display."""

from __future__ import annotations

import os
import sys

from PySide6.QtWidgets import QApplication

from horus_desktop.ui.resources import load_fonts


def headless_app() -> QApplication:
    """The process's QApplication (made on the off-screen platform unless one exists), with Horus's fonts.

    A QApplication rather than a QGuiApplication: the drawings are the viewer's QGraphicsItems."""
    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(sys.argv[:1] or ["horus"])
    load_fonts()
    return app  # type: ignore[return-value]
