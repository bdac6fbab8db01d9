"""Keep ``None`` alive under PySide6 6.12 on CPython 3.11.

PySide6 6.12.0 drops one reference to ``None`` every time C++ calls a Python override that returns
``None`` (``paintEvent``, ``paint``, ``drawBackground``, a model's ``data()`` for roles it does not serve,
...): on CPython < 3.12, where ``None`` is not immortal, its count reaches zero after enough repaints and the
interpreter aborts with "none_dealloc: deallocating None" (seen at exit after scrolling 100,000 media).
Python 3.12+ makes ``None`` immortal, so the lost references do no harm there.

The guard gives ``None`` a large reserve of references (harmless: ``None`` is never freed) and tops it up.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40
LOW_WATER = 1 << 39
_NEEDED = sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def top_up_none_refcount() -> bool:
    """Raise None's reference count to RESERVE when it fell below LOW_WATER; True if it did."""
    if not _NEEDED:
        return False
    count = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is PyObject's first field
    if count.value >= LOW_WATER:
        return False
    count.value = RESERVE
    return True
