"""The viewer's input colour space: shown, overridden per media (stored on the record through the DB
worker), back to automatic, and a project's default applied."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from horus_desktop.media.colour_defaults import is_override
from horus_desktop.media.decode_dpx import write_dpx

from .viewer_fixtures import bare_viewer, ingest_one, viewer_store  # noqa: F401 - fixtures


def _printing_density_dpx(folder: Path) -> Path:
    """A 10-bit printing-density DPX: Cineon-like codes (grey card ~445, white ~685)."""
    folder.mkdir()
    pixels = np.zeros((64, 96, 3), np.uint16)
    pixels[:, :32] = 445
    pixels[:, 32:64] = 685
    pixels[:, 64:] = 95
    write_dpx(str(folder / "plate.dpx"), pixels, bit_depth=10, transfer=1)
    return folder / "plate.dpx"


def _shown(viewer) -> np.ndarray:  # noqa: ANN001
    item = viewer.view.layer("A").state.item
    return np.asarray(item.pixels) if item is not None and item.pixels is not None else np.zeros((1, 1, 3))


def test_input_colour_space_override_is_shown_applied_and_stored(qtbot, make_window, viewer_store,  # noqa: ANN001, F811
                                                                 tmp_path: Path) -> None:
    record = ingest_one(viewer_store, _printing_density_dpx(tmp_path / "plates"))
    window = make_window(viewer_store)
    viewer = window.viewer
    viewer.open_media(record)
    box = viewer.input_colour.box
    # The probe reads printing density as the config's ADX10 (it was ACEScct, which looked blown out).
    qtbot.waitUntil(lambda: box.label.text() == "Input: ADX10 · file", timeout=15000)
    qtbot.waitUntil(lambda: _shown(viewer).shape[:2] == (64, 96), timeout=15000)
    as_adx = _shown(viewer).copy()
    assert box.menu.currentText() == "Automatic"

    box.menu.setCurrentIndex(box.menu.findData("ACEScct"))
    box.menu.activated.emit(box.menu.currentIndex())
    assert box.label.text() == "Input: ACEScct · override"
    qtbot.waitUntil(lambda: not np.array_equal(_shown(viewer), as_adx), timeout=15000)
    # Read as ACEScct, Cineon white is pushed far above what printing density gives.
    assert _shown(viewer)[10, 40].mean() > as_adx[10, 40].mean()
    qtbot.waitUntil(lambda: is_override(viewer_store.media.get(record.id).extra_metadata), timeout=15000)
    assert viewer_store.media.get(record.id).color_space == "ACEScct"

    box.menu.setCurrentIndex(0)
    box.menu.activated.emit(0)
    qtbot.waitUntil(lambda: box.label.text() == "Input: ADX10 · file", timeout=15000)
    stored = viewer_store.media.get(record.id)
    assert stored.color_space == "ADX10" and not is_override(stored.extra_metadata)
    qtbot.waitUntil(lambda: np.array_equal(_shown(viewer), as_adx), timeout=15000)


def test_project_default_input_colour_space_is_used(qtbot, make_window, viewer_store, tmp_path: Path) -> None:  # noqa: ANN001, F811
    record = ingest_one(viewer_store, _printing_density_dpx(tmp_path / "plates"))
    viewer_store.projects.upsert(record.project_id, settings={"input_colour_space": "ADX10"})
    window = make_window(viewer_store)
    window.viewer.open_media(record)
    qtbot.waitUntil(lambda: window.viewer.input_colour.box.label.text() == "Input: ADX10 · project default",
                    timeout=15000)
    assert window.viewer.slots["A"].settings.colour_space == "ADX10"


def test_a_project_default_read_while_a_second_media_opens_reaches_it(qtbot, make_window, viewer_store,  # noqa: ANN001, F811
                                                                      tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """The project's default is read once, when its first media opens; it reaching the UI thread while a
    second media of the project is still opening (its space resolved without it) still colours that one (it
    kept the file's space until reopened)."""
    first = ingest_one(viewer_store, _printing_density_dpx(tmp_path / "plates"))
    second = ingest_one(viewer_store, _printing_density_dpx(tmp_path / "plates2"))
    assert first.project_id == second.project_id
    viewer_store.projects.upsert(first.project_id, settings={"input_colour_space": "ACEScct"})
    window = make_window(viewer_store)
    viewer, control = window.viewer, window.viewer.input_colour
    label = control.box.label
    answer, resolved, go_on = threading.Event(), threading.Event(), threading.Event()
    get_project, resolve = viewer_store.projects.get, control.resolve

    def slow_get_project(*args: Any) -> Any:
        answer.wait(20)  # a busy DB worker
        return get_project(*args)

    def resolve_then_wait(record: Any, *args: Any, **kwargs: Any) -> Any:
        space = resolve(record, *args, **kwargs)
        if record.id == second.id and threading.current_thread() is not threading.main_thread() \
                and not resolved.is_set():
            resolved.set()
            go_on.wait(20)  # the rest of the open (the session, the colour conversion)
        return space

    monkeypatch.setattr(viewer_store.projects, "get", slow_get_project)
    monkeypatch.setattr(control, "resolve", resolve_then_wait)
    try:
        viewer.open_media(first)
        qtbot.waitUntil(lambda: label.text() == "Input: ADX10 · file", timeout=15000)  # the default not read yet
        viewer.open_media(second)
        qtbot.waitUntil(resolved.is_set, timeout=15000)
        answer.set()
        qtbot.waitUntil(lambda: label.text() == "Input: ACEScct · project default", timeout=15000)  # on the first
    finally:
        answer.set()
        go_on.set()
    qtbot.waitUntil(lambda: viewer.slots["A"] is not None and viewer.slots["A"].record.id == second.id,
                    timeout=15000)
    qtbot.waitUntil(lambda: label.text() == "Input: ACEScct · project default", timeout=15000)
    assert viewer.slots["A"].settings.colour_space == "ACEScct"


def _ramp_exr(folder: Path) -> Path:
    """A scene-linear half-float EXR (ramps with coloured rows) written by OpenEXR."""
    import OpenEXR

    folder.mkdir()
    x = np.linspace(0.0, 4.0, 96, dtype=np.float32)
    channels = {"R": np.tile(x, (48, 1)), "G": np.tile(x * 0.5, (48, 1)), "B": np.tile(x[::-1] * 0.25, (48, 1))}
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    OpenEXR.File(header, {k: v.astype(np.float16) for k, v in channels.items()}).write(str(folder / "ramp.exr"))
    return folder / "ramp.exr"


def test_the_display_pipeline_renders_what_the_viewer_shows(qtbot, bare_viewer, viewer_store, tmp_path: Path) -> None:  # noqa: ANN001, F811
    # An export (or a thumbnail) made with media/display.py's render_frame is pixel for pixel the CPU viewer's
    # image, with the same exposure and channel.
    from horus_desktop.media.display import render_frame
    from horus_desktop.media.open_source import open_frame_source

    record = ingest_one(viewer_store, _ramp_exr(tmp_path / "render"))
    viewer = bare_viewer
    viewer.open_media(record)
    qtbot.waitUntil(lambda: _shown(viewer).shape[:2] == (48, 96), timeout=15000)
    with open_frame_source(record.file_path) as source:
        decoded = source.read(source.frame_range[0])
    for exposure, channel in ((0.0, "rgb"), (1.5, "rgb"), (1.5, "g")):
        viewer.colour_bar.exposure.setValue(exposure)
        viewer.colour_bar.set_channel(channel)
        expected = render_frame(decoded, viewer.colour, viewer.slots["A"].settings, channel)
        qtbot.waitUntil(lambda e=expected: np.array_equal(_shown(viewer), e), timeout=15000)


def test_the_channel_buttons_wrap_together_on_a_narrow_viewer(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QToolButton

    from horus_desktop.media.colour import ColourConfig
    from horus_desktop.ui.viewer.colour_bar import CHANNEL_BUTTONS, ColourBar

    bar = ColourBar(ColourConfig())
    qtbot.addWidget(bar)
    bar.show()
    buttons = [bar.findChild(QToolButton, f"channel_{key}") for key, _text in CHANNEL_BUTTONS]
    for width in range(300, 1400, 37):  # every wrap point the bar goes through
        bar.resize(width, bar.heightForWidth(width))
        qtbot.waitUntil(lambda: bar.layout().geometry().width() == width, timeout=15000)  # noqa: B023
        rows = {b.mapTo(bar, b.rect().topLeft()).y() for b in buttons}
        assert len(rows) == 1, f"at {width} px the channel buttons are split over rows {sorted(rows)}"
