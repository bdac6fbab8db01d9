"""PySide6 loaded for the app without its per-import source scan (import this before the window's modules).

Importing ``PySide6.QtCore`` replaces ``__import__`` with shiboken's ``__feature__`` hook, which then reads the
whole source of every module imported afterwards (``inspect.getsource``, through ``linecache``) to note whether
its text says "PySide6", so that ``from __feature__ import snake_case`` can be honoured per module. Horus uses
no ``__feature__``; the scan cost about 5% of the window's start-up (~300 modules read before it shows) and
again for every module the store and the panels load after it. The check is made from what the module holds
instead: a module that uses PySide6 has imported it or some of its classes. A module that asks for a feature is
still honoured: ``from __feature__ import ...`` records its choice before this check is consulted.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import PySide6.QtCore  # noqa: F401 - installs shiboken's import hook (and its feature module), adjusted below


def uses_pyside(module: Any) -> bool:
    """Whether ``module`` has imported PySide6 or any of its classes or functions (no source read)."""
    for value in list(vars(module).values()) if isinstance(module, types.ModuleType) else ():
        if isinstance(value, types.ModuleType):
            name = value.__name__
        elif isinstance(value, type):
            name = value.__module__
        else:
            continue
        if isinstance(name, str) and name.startswith("PySide6"):
            return True
    return False


def skip_source_scan() -> bool:
    """Make shiboken's per-import check read the module's names, not its source; False where this PySide6
    has no such check (nothing changed)."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside
    return True


skip_source_scan()
