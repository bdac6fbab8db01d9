"""Path mapping: where this machine keeps its copy of a file the studio server names.

A media record holds the path on the studio's storage (``/projects/show/sh010/comp.%04d.exr``, or
``P:\\projects\\...`` written on a Windows workstation). A laptop keeps its copy elsewhere
(``/home/ana/review/projects/...``). A mapping says "what is under this server root is under this local root";
:func:`map_to_local` applies the longest matching one. Pure: no disk access, so it is the same on every
platform and in every test.

Roots match whole path components only (``/projects`` maps ``/projects/a`` but not ``/projects2/a``). Windows
paths (a drive letter or a ``\\\\server\\share`` UNC root) compare case-insensitively and with either
separator; POSIX paths compare exactly. The rest of the path, frame patterns (``%04d``, ``####``) included,
is kept as it is and joined with the local root's separator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


class RootMap(Protocol):
    """A server root and the local root standing for it (``machine_settings.PathMap`` is one)."""

    server_root: str
    local_root: str


def is_windows_path(path: str) -> bool:
    """True for ``C:\\...``, ``C:/...`` and UNC ``\\\\server\\share`` (or ``//server/share``) paths."""
    return bool(_DRIVE.match(path)) or path.startswith(("\\\\", "//"))


def _parts(path: str) -> tuple[list[str], bool]:
    """The path's components for comparison, and whether it is a Windows path (compared case-insensitively)."""
    windows = is_windows_path(path)
    text = path.replace("\\", "/") if windows else path
    head = "//" if text.startswith("//") else ("/" if text.startswith("/") else "")
    parts = [p for p in text[len(head):].split("/") if p not in ("", ".")]
    if windows:
        parts = [p.casefold() for p in parts]
    return [head, *parts], windows


def _tail(path: str, depth: int, windows: bool) -> list[str]:
    """The original (case kept) components of ``path`` after its first ``depth`` ones."""
    text = path.replace("\\", "/") if windows else path
    head = "//" if text.startswith("//") else ("/" if text.startswith("/") else "")
    parts = [p for p in text[len(head):].split("/") if p not in ("", ".")]
    return parts[depth:]


def matching_root(path: str, maps: Iterable[RootMap]) -> RootMap | None:
    """The mapping whose server root holds ``path`` with the most components (None: no mapping applies)."""
    target, target_windows = _parts(path)
    best: RootMap | None = None
    best_depth = -1
    for mapping in maps:
        root, root_windows = _parts(mapping.server_root)
        if root_windows != target_windows or len(root) > len(target) or len(root) <= best_depth:
            continue
        if target[: len(root)] == root:
            best, best_depth = mapping, len(root)
    return best


def map_to_local(path: str, maps: Iterable[RootMap]) -> str:
    """``path`` with its longest matching server root replaced by that mapping's local root.

    A path no mapping applies to comes back unchanged (it may already be a local path)."""
    maps = tuple(maps)
    mapping = matching_root(path, maps)
    if mapping is None:
        return path
    root_parts, windows = _parts(mapping.server_root)
    rest = _tail(path, len(root_parts) - 1, windows)
    local = mapping.local_root
    sep = "\\" if ("\\" in local and "/" not in local) else "/"
    base = local.rstrip("/\\") or local[:1]  # "/" stays "/"
    if not rest:
        return base
    joiner = "" if base.endswith(sep) else sep
    return base + joiner + sep.join(rest)


def normalise_root(root: str) -> str:
    """A root as it is kept in the settings: trailing separators dropped (a bare ``/`` or ``C:\\`` kept)."""
    stripped = root.rstrip("/\\")
    if not stripped or (len(stripped) == 2 and stripped[1] == ":"):
        return root[: len(stripped) + 1] if len(root) > len(stripped) else root
    return stripped
