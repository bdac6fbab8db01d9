"""Render the app icon from ``resources/icons/horus.svg`` into the sizes desktops use.

Writes ``resources/icons/app/horus-<N>.png`` for N in 16..512 (the freedesktop hicolor sizes), plus
``horus.ico`` (Windows) and ``horus.icns`` (macOS) for the PyInstaller spec. The SVG is drawn by Qt
(Pillow cannot read SVG) on a dark rounded tile so the eye reads on light and dark menus alike; Pillow
packs the .ico and .icns. Run it again after changing the SVG:

    .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "horus.svg"
TARGET = ROOT / "resources" / "icons" / "app"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
TILE = QColor("#26292e")  # the dock title colour of the dark stylesheet


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon at ``size`` pixels: the SVG centred on a rounded tile."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(TILE)
    radius = size * 0.18
    painter.drawRoundedRect(QRectF(0, 0, size, size), radius, radius)
    margin = size * 0.08
    renderer.render(painter, QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
    painter.end()
    return image


def main() -> int:
    """Write the PNGs, the .ico and the .icns; print what was written."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"make_icons: cannot read {SOURCE}", file=sys.stderr)
        return 2
    TARGET.mkdir(parents=True, exist_ok=True)
    pngs: dict[int, Path] = {}
    for size in SIZES:
        path = TARGET / f"horus-{size}.png"
        if not render(renderer, size).save(str(path)):
            print(f"make_icons: cannot write {path}", file=sys.stderr)
            return 2
        pngs[size] = path
    largest = Image.open(pngs[512])
    largest.save(TARGET / "horus.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    largest.save(TARGET / "horus.icns")
    del app
    for path in sorted(TARGET.iterdir()):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
