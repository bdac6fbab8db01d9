"""An archived (read-only) store opens in the window: its media are listed, the status bar says read-only,
and a write (a note) is refused with the store named instead of being lost silently."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from horus_desktop.store import Store

from .helpers import open_row, wait_rows


def test_the_window_browses_a_read_only_store_and_says_so(qtbot, make_window, demo_template: Path,  # noqa: ANN001
                                                           tmp_path: Path) -> None:
    shutil.copy(demo_template / "horus.sqlite", tmp_path / "archive.sqlite")
    before = hashlib.sha256((tmp_path / "archive.sqlite").read_bytes()).hexdigest()
    store = Store.open(tmp_path / "archive.sqlite", read_only=True)
    try:
        window = make_window(store)
        wait_rows(qtbot, window)
        assert window.status.read_only_label.isVisible()
        assert "read-only" in window.status.store_label.text()
        open_row(qtbot, window, lambda r: r.version == "v002")
        notes = window.notes
        qtbot.waitUntil(lambda: notes.media() is not None and notes.loads > 0, timeout=15000)
        messages: list[str] = []
        notes.sig_message.connect(messages.append)
        notes.editor.setPlainText("cannot land")
        notes.send()
        window.db.wait_idle()
        qtbot.waitUntil(lambda: any("read-only" in m for m in messages), timeout=15000)
        assert notes.editor.toPlainText() == "cannot land"  # kept for the writer
    finally:
        store.close()
    assert hashlib.sha256((tmp_path / "archive.sqlite").read_bytes()).hexdigest() == before
