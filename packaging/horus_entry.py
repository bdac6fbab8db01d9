"""Entry point of the frozen Horus app: the ``horus`` command.

Horus starts helper processes as ``sys.executable -m horus_desktop.<module>`` (the crash-isolated media
probe workers). In the frozen app ``sys.executable`` is this program, not a Python interpreter, so it
accepts that form too and runs the module, as ``python -m`` would; only Horus's own modules are run.
The decode pool's worker processes (multiprocessing, with its resource tracker for shared memory) come back
the same way with multiprocessing's own arguments: ``multiprocessing.freeze_support()`` (PyInstaller's
version of it) runs those and exits, before our command line is parsed.
"""

from __future__ import annotations

import multiprocessing
import runpy
import sys


def _run_module_if_asked() -> bool:
    """Run ``-m horus_desktop.X ARGS`` like ``python -m`` does; False when argv is a normal command line."""
    if len(sys.argv) < 3 or sys.argv[1] != "-m" or not sys.argv[2].startswith("horus_desktop."):
        return False
    module = sys.argv[2]
    sys.argv = [sys.argv[0], *sys.argv[3:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return True


if __name__ == "__main__":
    multiprocessing.freeze_support()
    if not _run_module_if_asked():
        from horus_desktop.cli import main

        sys.exit(main())
