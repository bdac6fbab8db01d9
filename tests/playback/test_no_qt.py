"""The playback logic, the viewer's state and opening, the display pipeline and the demo generator run with no
Qt (``horus bench playback`` is headless; exports render frames without a window)."""

from __future__ import annotations

import subprocess
import sys

BLOCK_QT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6.") or name.startswith("shiboken6"):
            raise ImportError(f"{name} is blocked: this module must not import Qt")
        return None
sys.meta_path.insert(0, Block())
import horus_desktop.playback.clock, horus_desktop.playback.session, horus_desktop.playback.bench
import horus_desktop.playback.stats, horus_desktop.demo.project, horus_desktop.demo.job, horus_desktop.demo.frames
import horus_desktop.playback.viewer_state, horus_desktop.playback.opening, horus_desktop.media.display
print("ok")
"""


def test_playback_and_demo_import_without_qt() -> None:
    result = subprocess.run([sys.executable, "-c", BLOCK_QT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
