"""Icons, the stylesheet and fonts from the top-level ``resources/`` folder (no colours hard-coded in widgets).

One source of truth, found in three layouts:
- an installed wheel or the frozen app: the build copies ``resources/`` into the package as
  ``horus_desktop/resources`` (package data; see setup.py and packaging/horus.spec);
- a checkout (also an editable install): ``resources/`` beside the ``horus_desktop`` folder.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QIcon

_PACKAGE = Path(__file__).resolve().parent.parent


def find_resources() -> Path:
    """The resources folder: the packaged copy when there is one, else the checkout's."""
    for candidate in (_PACKAGE / "resources", _PACKAGE.parent / "resources"):
        if (candidate / "icons").is_dir():
            return candidate
    raise FileNotFoundError(f"Horus resources not found in {_PACKAGE / 'resources'} nor {_PACKAGE.parent / 'resources'}"
                            " (a broken install: reinstall Horus)")


RESOURCES = find_resources()


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


def load_fonts() -> list[str]:
    """Register the fonts shipped in ``resources/fonts`` with Qt; returns their family names.

    A studio machine (or a container) may have few or no system fonts; the app's own keep text readable.
    """
    families: list[str] = []
    folder = RESOURCES / "fonts"
    if not folder.is_dir():
        return families
    for path in sorted(folder.glob("*.[ot]tf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families
