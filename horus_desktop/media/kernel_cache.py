"""Where numba keeps media/lut_kernel.py's compiled kernel between processes, and what happens when it cannot.

From a source tree numba's own places are used: the ``__pycache__`` folder beside lut_kernel.py (numba's
per-user cache folder when that one is read-only). A frozen (PyInstaller) app has no source file to cache
beside: there the kernel goes to Horus's per-user cache folder (platformdirs' user cache dir, ``numba``
under it: ~/.cache/horus/numba on Linux), stamped with a hash of the program file (numba's stamp for frozen
apps), so the first launch of a build compiles (~2-4 s a pixel type) and the later ones load (~0.5 s). The
build compiles it once too (packaging/horus.spec) and ships the files in the app's ``numba-cache`` folder:
an empty user cache starts as a copy of them, which numba uses on a machine whose CPU matches the build
machine's (its index is keyed by the CPU's name and features; another CPU compiles, as without them).

A cache that cannot be used never stops colouring: a damaged index or data file (truncated, not a pickle),
a folder that cannot be created or written, or no usable place at all, and numba compiles instead, with one
warning in the log. A damaged index is replaced by an empty one, so the next process caches again.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from numba.core import caching
from platformdirs import user_cache_path

log = logging.getLogger(__name__)

APP_NAME = "horus"


def frozen_cache_dir() -> Path:
    """The frozen app's kernel cache folder: numba's files under the user's cache folder for Horus."""
    return user_cache_path(APP_NAME, appauthor=False) / "numba"


#: The folder of the frozen app holding the kernel's cache files compiled at build time.
SHIPPED_CACHE = "numba-cache"


def is_frozen() -> bool:
    """True in the PyInstaller app (no source files; `sys.executable` is the program)."""
    return bool(getattr(sys, "frozen", False))


class FrozenAppCacheLocator(caching.UserWideCacheLocator):
    """numba's user-wide locator (which already stamps a frozen app by its program file), pointed at Horus's
    own cache folder and used only in a frozen app."""

    def __init__(self, py_func: Any, py_file: str) -> None:
        super().__init__(py_func, py_file)
        # One folder, not numba's per-source-folder subfolder: in a frozen app the "source file" is a
        # relative name, so that subfolder would change with the working directory.
        self._cache_path = str(frozen_cache_dir())

    def ensure_cache_path(self) -> None:
        super().ensure_cache_path()
        _seed_from_build(Path(self._cache_path))

    @classmethod
    def from_function(cls, py_func: Any, py_file: str) -> FrozenAppCacheLocator | None:
        if not is_frozen():
            return None
        return super().from_function(py_func, py_file)


def _seed_from_build(folder: Path) -> None:
    """Copy the app's build-time cache files into an empty user cache `folder` (never over a user's files)."""
    bundle = getattr(sys, "_MEIPASS", None)  # the frozen app's folder of data files
    shipped = Path(bundle) / SHIPPED_CACHE if bundle else None
    if shipped is None or not shipped.is_dir() or any(folder.glob("*.nbi")):
        return
    try:
        # Data files first, the index last: a process that sees the index finds its data.
        for path in sorted(shipped.iterdir(), key=lambda p: p.suffix == ".nbi"):
            part = folder / f"{path.name}.part-{os.getpid()}"
            shutil.copyfile(path, part)
            os.replace(part, folder / path.name)  # whole or not at all, for a process starting beside
    except OSError as error:
        log.warning("could not copy the app's compiled colour kernel to %s (%s)", folder, error)


class _CompileResultCacheImpl(caching.CompileResultCacheImpl):
    _locator_classes = [FrozenAppCacheLocator, *caching.CompileResultCacheImpl._locator_classes]


class TolerantFunctionCache(caching.FunctionCache):
    """numba's per-function cache that compiles instead of failing when its files cannot be read or written
    (numba lets those errors out of the call on Linux and macOS)."""

    _impl_class = _CompileResultCacheImpl

    def load_overload(self, sig: Any, target_context: Any) -> Any:
        try:
            return super().load_overload(sig, target_context)
        except Exception as error:  # noqa: BLE001 - any damage to the files means "not cached"
            log.warning("numba's cache of the colour kernel in %s is unreadable (%s: %s); compiling instead",
                        self.cache_path, type(error).__name__, error)
            try:
                self.flush()  # an empty index in place of the damaged one, so this process can save
            except OSError:
                pass
            return None

    def save_overload(self, sig: Any, data: Any) -> None:
        try:
            super().save_overload(sig, data)
        except Exception as error:  # noqa: BLE001 - a cache that cannot be written only costs the next start
            log.warning("could not save the compiled colour kernel to numba's cache in %s (%s: %s)",
                        self.cache_path, type(error).__name__, error)


def cached(dispatcher: Any) -> Any:
    """Give an ``njit`` function (compiled without ``cache=True``) the tolerant cache, as numba's own
    ``enable_caching`` does with its cache; left uncached, with a warning, when no cache folder can be used."""
    try:
        dispatcher._cache = TolerantFunctionCache(dispatcher.py_func)
    except (RuntimeError, OSError) as error:
        log.warning("numba cannot cache the colour kernel (%s); it is compiled once a process", error)
    return dispatcher
