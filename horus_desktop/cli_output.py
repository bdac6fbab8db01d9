"""What the ``horus`` command writes: JSON on a standard output that holds nothing else, and global options.

``--db``, ``--user`` and ``--json`` are each verb's own options; :func:`hoist_global_options` lets them come
before the verb too. :func:`json_only_stdout` keeps standard output for :func:`print_json` while a
``--json`` verb runs, whatever libraries print.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from collections.abc import Iterator

GLOBAL_OPTIONS = ("--db", "--user")
GLOBAL_FLAGS = ("--json",)

_json_stream: TextIO | None = None
"""The real standard output while a ``--json`` verb runs (see :func:`json_only_stdout`)."""


def _json_default(value: Any) -> Any:
    # Imported here: every verb imports this module, and few print JSON (json, uuid and dataclasses are a
    # cheap verb's start-up's tenth).
    from dataclasses import asdict, is_dataclass
    from datetime import datetime
    from decimal import Decimal
    from fractions import Fraction
    from pathlib import Path
    from uuid import UUID

    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Path | Fraction):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON (UUIDs, datetimes and decimals as text and numbers) on stdout."""
    import json

    stream = _json_stream or sys.stdout
    stream.write(json.dumps(data, default=_json_default, indent=2, ensure_ascii=False) + "\n")
    stream.flush()


def hoist_global_options(args_list: list[str]) -> list[str]:
    """``horus --db X --user Y --json VERB ...`` -> ``horus VERB ... --db X --user Y --json``.

    The options "on any command" are the verbs' own (each verb declares those it takes); given before the
    verb they are moved after it. A verb that does not take one says so as for any unknown option.
    """
    moved: list[str] = []
    rest = list(args_list)
    while rest:
        head = rest[0]
        if head in GLOBAL_OPTIONS and len(rest) > 1:
            moved += rest[:2]
            rest = rest[2:]
        elif ("=" in head and head.split("=", 1)[0] in GLOBAL_OPTIONS) or head in GLOBAL_FLAGS:
            moved.append(head)
            rest = rest[1:]
        else:
            break
    return rest + moved


@contextmanager
def json_only_stdout(enabled: bool) -> Iterator[None]:
    """While a ``--json`` verb runs, standard output carries its JSON (:func:`print_json`) only.

    Libraries print behind our back: OpenEXR's binding prints "Warning: Exception raised reading pixel
    data..." for a damaged file through Python's ``sys.stdout``, C code writes to descriptor 1. So
    ``sys.stdout`` is pointed at stderr, the real stdout is kept on a duplicate descriptor for print_json,
    and descriptor 1 points at stderr until the verb is done (C buffers flushed first).
    """
    global _json_stream
    if not enabled:
        yield
        return
    original = sys.stdout
    original.flush()
    try:
        fd = original.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (captured): only Python's stream to move
        fd = -1
    saved = os.dup(fd) if fd >= 0 else -1
    if saved >= 0:
        os.dup2(sys.stderr.fileno(), fd)
        _json_stream = os.fdopen(saved, "w", encoding="utf-8", closefd=False)
    else:
        _json_stream = original
    sys.stdout = sys.stderr
    try:
        yield
    finally:
        try:
            _json_stream.flush()
            sys.stderr.flush()
        finally:
            if saved >= 0:
                import ctypes

                ctypes.CDLL(None).fflush(None)  # C-buffered library output goes to stderr, not the JSON
                os.dup2(saved, fd)
                os.close(saved)
            sys.stdout, _json_stream = original, None
