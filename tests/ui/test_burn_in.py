"""Burned-in frames (ui/reports/burn_in.py): the same pixels as the viewer's own render of the frame with its
drawings, held drawings included, and a readable card when the media is missing."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from horus_desktop.domain.records import Annotation
from horus_desktop.media.colour import default_colour_config
from horus_desktop.services.report_frames import decode_frames
from horus_desktop.ui.reports.burn_in import FrameBurner, qimage_pixels

from .viewer_fixtures import bare_viewer, ingest_one, viewer_store  # noqa: F401 - fixtures

W, H = 160, 90


def _plate(folder: Path) -> Path:
    folder.mkdir()
    y, x = np.mgrid[0:H, 0:W]
    pixels = np.stack([x * 255 // W, y * 255 // H, (x + y) % 256], axis=2).astype(np.uint8)
    for frame in (1, 2, 3):
        Image.fromarray(np.roll(pixels, frame * 7, axis=1)).save(folder / f"plate.{frame:04d}.png")
    return folder


def _drawings(media_id: uuid.UUID) -> list[Annotation]:
    def shape(kind: str, frame: int, coords: dict, **style: object) -> Annotation:
        return Annotation(uuid.uuid4(), media_id, frame, kind, {"v": 1, **coords}, "ana", "Ana",
                          {"color": "#ff3b30", "width": 0.02, **style}, content="Fix ✓" if kind == "text" else None)

    return [shape("rectangle", 2, {"x": 0.1, "y": 0.1, "w": 0.5, "h": 0.4}),
            shape("arrow", 1, {"points": [[0.9, 0.9], [0.6, 0.5]]}, hold=3),  # drawn on 1, still on screen at 2
            shape("text", 2, {"x": 0.2, "y": 0.7}),
            shape("ellipse", 3, {"x": 0.5, "y": 0.5, "w": 0.2, "h": 0.2})]  # not on frame 2


def _viewer_render(viewer, size: tuple[int, int]) -> np.ndarray:  # noqa: ANN001
    image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    painter = QPainter(image)
    viewer.view.scene().render(painter, QRectF(0, 0, *size), QRectF(0, 0, *size),
                               Qt.AspectRatioMode.IgnoreAspectRatio)
    painter.end()
    return qimage_pixels(image)


def test_a_burned_in_frame_is_the_viewers_render_pixel_for_pixel(qtbot, bare_viewer, viewer_store,  # noqa: ANN001, F811
                                                                  tmp_path: Path) -> None:
    record = ingest_one(viewer_store, _plate(tmp_path / "plate"))
    drawings = _drawings(record.id)
    viewer = bare_viewer
    viewer.open_media(record)
    qtbot.waitUntil(lambda: viewer.shown_frame() is not None, timeout=15000)
    viewer.seek(2)
    qtbot.waitUntil(lambda: viewer.shown_frame() == 2, timeout=15000)
    viewer.overlay.set_annotations(drawings, (W, H))
    viewer.overlay.show_frame(2)
    on_screen = _viewer_render(viewer, (W, H))

    ((frame, decoded),) = list(decode_frames(record, [2], default_colour_config()))
    burned = qimage_pixels(FrameBurner().render(decoded.shown, decoded.size, drawings))

    assert frame == 2 and decoded.size == (W, H)
    assert burned.shape == (H, W, 3)
    assert np.array_equal(burned, on_screen)
    plain = np.asarray(Image.open(tmp_path / "plate" / "plate.0002.png"))
    changed = np.any(burned != plain, axis=2)
    assert changed[int(0.1 * H), int(0.3 * W)], "the rectangle's top edge is burned in"
    assert changed[int(0.9 * H) - 2, int(0.9 * W) - 2], "the arrow held from frame 1 is burned in"
    assert not changed[int(0.6 * H), int(0.7 * W)], "the ellipse of frame 3 is not on frame 2"


def test_a_missing_media_gives_its_drawings_on_a_card_saying_so(qtbot, viewer_store, tmp_path: Path) -> None:  # noqa: ANN001, F811
    record = ingest_one(viewer_store, _plate(tmp_path / "plate"))
    for png in (tmp_path / "plate").iterdir():
        png.unlink()
    ((_, decoded),) = list(decode_frames(record, [2], default_colour_config()))
    assert decoded.shown.pixels is None and "plate" in (decoded.shown.error or "")

    with_drawings = qimage_pixels(FrameBurner().render(decoded.shown, (W, H), _drawings(record.id)))
    bare_card = qimage_pixels(FrameBurner().render(decoded.shown, (W, H), []))
    assert with_drawings.shape == (H, W, 3)
    assert not np.array_equal(with_drawings, bare_card), "the drawings are on the card"
    assert len(np.unique(bare_card.reshape(-1, 3), axis=0)) > 2, "the card carries the problem text"
