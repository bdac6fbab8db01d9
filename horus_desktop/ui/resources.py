"""Icons and the stylesheet from ``horus_desktop/resources`` (no colours hard-coded in widgets)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QIcon

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@lru_cache(maxsize=128)
def icon(name: str) -> QIcon:
    """The SVG icon ``resources/icons/<name>.svg`` (an empty icon if missing)."""
    path = RESOURCES / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def stylesheet(name: str = "dark") -> str:
    """The application stylesheet, with ``@ICONS@`` replaced by the icon folder."""
    path = RESOURCES / "styles" / f"{name}.qss"
    if not path.exists():
        return ""
    return path.read_text(encoding="utf-8").replace("@ICONS@", (RESOURCES / "icons").as_posix())
