"""Start-up of the window: it shows before the store's classes, the decoders and the audio backend load.

SQLAlchemy and the store's models load on the DB worker, which opens the store after the window's first
frame; PyAV, the image decoders and Qt Multimedia's backend load when a media is first opened or played (the
audio output opens just after the window's first frame), and OpenTimelineIO with the playlist editing and
listing modules (the timeline's first list of playlists, on the DB worker), fileseq (the first folder read or
offline check), OpenEXR with Pillow (in the decode workers), multiprocessing with the decode pool (the first decode
pool) and the CPU colour path (media/colour_baked.py, the first CPU conversion), not while the window is built: the
window a user waits for is on screen without them. Checked in a fresh app process (off-screen), where ``sys.modules`` says what loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from horus_desktop.api import Horus

LATER = ("sqlalchemy", "horus_desktop.store.store", "horus_desktop.store.models", "av", "simplejpeg", "horus_desktop.media.open_source", "horus_desktop.media.decode_image",
         "PySide6.QtMultimedia", "opentimelineio", "horus_desktop.timeline.edits", "horus_desktop.timeline.playlists",
         "fileseq", "horus_desktop.media.sequences", "OpenEXR", "PIL", "horus_desktop.media.decode_exr", "multiprocessing",
         # The CPU colour path (numpy's baked view), the decode pool and the banded conversion: on the first open.
         "horus_desktop.media.colour_baked", "horus_desktop.media.decode_pool", "horus_desktop.media.banded",
         # The dialogs the menus and the status bar open: on first use.
         "horus_desktop.ui.problems_dialog", "horus_desktop.ui.notes.preferences", "horus_desktop.ui.settings_dialog",
         "horus_desktop.ui.sync_conflicts", "horus_desktop.ui.timeline.properties")

_CHILD = """
import json, os, sys
from horus_desktop.ui.app import run_gui

def shown(window, db):
    loaded = sorted(set(json.loads(sys.argv[2])) & set(sys.modules))
    print(json.dumps({"title": window.windowTitle(), "loaded": loaded}), flush=True)
    os._exit(0)

run_gui(sys.argv[1], paths=[], user_id="ana", demo_if_empty=False, on_shown=shown)
os._exit(1)
"""


def test_the_window_shows_before_the_store_classes_the_decoders_and_the_audio_backend_load(tmp_path: Path) -> None:
    assert _shown_with(tmp_path, _CHILD, LATER) == {"title": "Horus", "loaded": []}


def _shown_with(tmp_path: Path, child: str, names: Sequence[str]) -> dict[str, object]:
    """What ``child`` reports once the window shows on a current store (the window's usual start): its title
    and which of the modules ``names`` were loaded by then."""
    db = tmp_path / "horus.sqlite"
    with Horus.open(str(db), user="ana"):
        pass
    env = {"QT_QPA_PLATFORM": "offscreen", "HORUS_SETTINGS": str(tmp_path / "settings.ini"), "HORUS_GL": "0",
           "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", child, str(db), json.dumps(list(names))], capture_output=True,
                         text=True, timeout=300, env=env, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.splitlines()[-1])


_COMMAND_CHILD = """
import json, os, sys
from horus_desktop.cli import main  # the command's package, as `horus` imports it
from horus_desktop.cli.gui import start_gui  # what `horus gui` runs once parsed

def shown(window, db):
    loaded = sorted(set(json.loads(sys.argv[2])) & set(sys.modules))
    print(json.dumps({"title": window.windowTitle(), "loaded": loaded}), flush=True)
    os._exit(0)

start_gui(sys.argv[1], [], "ana", on_shown=shown)
os._exit(1)
"""


def test_the_window_the_command_opens_shows_before_the_store_loads(tmp_path: Path) -> None:
    # `horus gui` took the OS account's name from horus_desktop.api, which imports the store and SQLAlchemy:
    # about a second before the window, on the command's path only (run_gui alone did not).
    assert _shown_with(tmp_path, _COMMAND_CHILD, (*LATER, "horus_desktop.api")) == {"title": "Horus", "loaded": []}


def test_the_window_shows_before_numpy_loads(tmp_path: Path) -> None:
    # numpy costs ~0.15 s of the window's ~1.1 s here; the colour module's CPU path (media/colour_baked.py), the
    # display, view-size, frame-cache, playback, frame, EXR header and sound modules import it where they first
    # need it.
    assert _shown_with(tmp_path, _COMMAND_CHILD, ["numpy"]) == {"title": "Horus", "loaded": []}
