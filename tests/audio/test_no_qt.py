"""The sound's sync logic, its benchmark and the playlist's sound run with no Qt (a machine without Qt
Multimedia still plays, and `horus bench playback --audio` is headless)."""

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
import horus_desktop.playback.audio_feed, horus_desktop.playback.audio_player, horus_desktop.playback.audio_bench
import horus_desktop.timeline.audio_playback, horus_desktop.services.sound, horus_desktop.media.audio_source
print("ok")
"""


def test_sound_logic_imports_without_qt() -> None:
    result = subprocess.run([sys.executable, "-c", BLOCK_QT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
