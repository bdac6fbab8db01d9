"""Difference and onion-skin compare on the CPU path: the pixel values shown, the gain and the opacity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt

from horus_desktop.media.display import difference, onion

from .viewer_fixtures import bare_viewer, viewer_store  # noqa: F401 - fixtures


def _stills(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """Two 8-bit sRGB PNGs (shown as they are on the sRGB display): B differs from A in one square."""
    a = np.zeros((90, 160, 3), np.uint8)
    a[:] = (100, 120, 140)
    b = a.copy()
    b[20:40, 30:60] = (110, 100, 140)
    folder.mkdir()
    Image.fromarray(a).save(folder / "shot_a.png")
    Image.fromarray(b).save(folder / "shot_b.png")
    return a, b


def test_difference_and_onion_show_the_expected_pixels(qtbot, bare_viewer, viewer_store, tmp_path: Path) -> None:  # noqa: ANN001, F811
    from horus_desktop.media.ingest import ingest_tree

    a_pixels, b_pixels = _stills(tmp_path / "stills")
    ingest_tree(viewer_store, tmp_path / "stills", project="proj")
    a = viewer_store.media.get_by_path(str(tmp_path / "stills" / "shot_a.png"))
    b = viewer_store.media.get_by_path(str(tmp_path / "stills" / "shot_b.png"))
    viewer = bare_viewer
    viewer.compare(a, b)
    qtbot.waitUntil(lambda: viewer.shown_frame("A") is not None and viewer.shown_frame("B") is not None,
                    timeout=15000)
    qtbot.keyClick(viewer.view, Qt.Key.Key_D, Qt.KeyboardModifier.ShiftModifier)
    assert viewer.state.compare_mode == "diff" and viewer.blend_controls.gain.isVisible()
    viewer.blend_controls.gain.setValue(4.0)
    shown = viewer.view.blended_pixels()
    assert shown is not None and shown.shape == (90, 160, 3)
    assert tuple(shown[30, 40]) == (40, 80, 0), "|A-B| x 4 inside the changed square"
    assert not shown[:20].any() and not shown[40:].any(), "identical pixels are black"
    assert viewer.view.pixel_info(viewer.view.layer("A").pos() + _point(40, 30)).startswith("|A-B|")
    viewer.blend_controls.gain.setValue(1.0)
    assert tuple(viewer.view.blended_pixels()[30, 40]) == (10, 20, 0)
    assert not viewer.view.layer("B").isVisible(), "one blended image, not two layers"

    qtbot.keyClick(viewer.view, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    assert viewer.state.compare_mode == "onion" and viewer.blend_controls.opacity.isVisible()
    viewer.blend_controls.opacity.setValue(25)
    shown = viewer.view.blended_pixels()
    assert tuple(shown[30, 40]) == (103, 115, 140)  # 0.75 A + 0.25 B: 102.5 and 115, rounded half up
    assert tuple(shown[0, 0]) == (100, 120, 140)
    qtbot.keyClick(viewer.view, Qt.Key.Key_T, Qt.KeyboardModifier.ShiftModifier)
    assert viewer.view.blended_pixels() is None and not viewer.blend_controls.isVisible()


def _point(x: float, y: float):  # noqa: ANN202
    from PySide6.QtCore import QPointF

    return QPointF(x + 0.5, y + 0.5)


def test_difference_of_other_sizes_counts_missing_b_as_black() -> None:
    a = np.full((4, 6, 4), 200, np.uint8)
    b = np.full((2, 3, 3), 150, np.uint8)
    out = difference(a, b, 2.0)
    assert out.shape == (4, 6, 3)
    assert (out[:2, :3] == 100).all() and (out[2:, :] == 255).all()
    assert (onion(a, b, 1.0)[:2, :3] == 150).all()
