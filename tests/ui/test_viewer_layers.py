"""Multi-part / multi-layer EXRs in the viewer: the layer menu lists parts and layers (beauty, AOVs, depth),
picking one shows it, and the bit depth shown is the picked layer's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenEXR

from .viewer_fixtures import bare_viewer, ingest_one, viewer_store  # noqa: F401 - fixtures

H, W = 36, 64


def _multipart_exr(path: Path) -> None:
    """A beauty part (RGB half + a "diffuse" AOV) and a depth part (Z, 32-bit float), by OpenEXR.File."""
    beauty = {c: np.full((H, W), v, np.float16) for c, v in (("R", 0.5), ("G", 0.25), ("B", 0.125))}
    beauty.update({f"diffuse.{c}": np.full((H, W), 0.75, np.float16) for c in "RGB"})
    depth = {"Z": np.tile(np.linspace(0.0, 1.0, W, dtype=np.float32), (H, 1))}
    def header() -> dict:
        return {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}

    OpenEXR.File([OpenEXR.Part(header(), beauty, name="beauty"),
                  OpenEXR.Part(header(), depth, name="depth")]).write(str(path))


def test_layer_menu_lists_parts_and_layers_and_shows_the_one_picked(qtbot, bare_viewer, viewer_store,  # noqa: ANN001, F811
                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "render"
    folder.mkdir()
    _multipart_exr(folder / "shot.exr")
    record = ingest_one(viewer_store, folder / "shot.exr")
    viewer = bare_viewer
    viewer.open_media(record)
    menu = viewer.layer_menu
    qtbot.waitUntil(lambda: viewer.shown_frame() is not None and menu.menu.count() > 0, timeout=15000)
    labels = [menu.menu.itemText(i) for i in range(menu.menu.count())]
    assert labels == ["beauty RGB", "beauty diffuse", "depth Z"]
    assert menu.menu.isVisible() and menu.menu.currentText() == "beauty RGB"
    assert menu.depth.text() == "16-bit half"
    beauty = np.asarray(viewer.view.layer("A").state.item.pixels).copy()

    menu.pick(labels.index("depth Z"))
    qtbot.waitUntil(lambda: viewer.slots["A"] is not None and viewer.slots["A"].layer is not None
                    and viewer.slots["A"].layer.layer == "Z" and viewer.shown_frame() is not None, timeout=15000)
    assert menu.depth.text() == "32-bit float"
    depth = np.asarray(viewer.view.layer("A").state.item.pixels)
    assert depth.shape[:2] == (H, W)
    # Depth is shown as grey, dark at the left (Z = 0) and bright at the right (Z = 1).
    assert np.array_equal(depth[:, :, 0], depth[:, :, 1]) and np.array_equal(depth[:, :, 1], depth[:, :, 2])
    assert int(depth[H // 2, W - 1, 0]) > int(depth[H // 2, 0, 0]) + 100
    assert not np.array_equal(depth, beauty)

    menu.pick(labels.index("beauty diffuse"))
    qtbot.waitUntil(lambda: viewer.slots["A"].layer.layer == "diffuse" and viewer.shown_frame() is not None,
                    timeout=15000)
    diffuse = np.asarray(viewer.view.layer("A").state.item.pixels)
    assert diffuse[0, 0, 0] == diffuse[0, 0, 1] == diffuse[0, 0, 2], "diffuse is a grey 0.75"
    assert menu.menu.currentText() == "beauty diffuse"
