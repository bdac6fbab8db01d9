"""``horus bench startup``'s baseline child: a bare ``QMainWindow`` shown as Horus's window is (off-screen),
reporting when (cli/startup_bench.py times it from the process's start)."""

from __future__ import annotations

import os
import time


def _say(what: str) -> None:
    print(f"{what} {time.time():.6f}", flush=True)


def main() -> None:
    """Show a bare maximised QMainWindow and exit once it is on screen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(["bare"])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1500, 900)
    window.showMaximized()
    QTimer.singleShot(0, lambda: (_say("shown"), _say("ready"), os._exit(0)))
    app.exec()
