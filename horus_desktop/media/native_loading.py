"""One lock around the first load of modules that bring large native libraries (numba and its LLVM).

Why: in the viewer's process numba's first import (dlopen of LLVM, running its initialisers) from a decode
thread while the UI thread set up Qt's audio output (loading Qt Multimedia's backend) hung both
(faulthandler stacks of tests/ui/test_viewer_colour.py). Loads that take this lock, and the audio output's
set-up (ui/viewer/audio_output.py), run one after the other: a wait of at most one load (~0.3 s, once),
never a hang.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

#: Held while a module with large native libraries loads for the first time, and while Qt's audio backend loads.
LOADING = threading.Lock()
_loaded: set[str] = set()


def load(name: str) -> ModuleType:
    """The module ``name``, imported under :data:`LOADING` the first time (later calls take no lock)."""
    if name not in _loaded:  # not sys.modules: a module another thread is still importing is there already
        with LOADING:
            module = importlib.import_module(name)
            _loaded.add(name)
            return module
    return importlib.import_module(name)
