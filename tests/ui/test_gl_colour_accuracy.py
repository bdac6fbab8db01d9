"""The GL colour path (OCIO's shader, as the viewer's renderer runs it) against OCIO's exact CPU processor on the
generated ACEScg chart of tests/media/test_colour_accuracy.py: within 2 display codes on every colour.

Needs an OpenGL >= 4.0 context; from the off-screen test run the last test runs this file again in its own Xvfb
(Mesa llvmpipe), as tests/ui/test_gl_colour.py does. Skipped where neither can be had.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat

from horus_desktop.media.colour import ViewSettings, default_colour_config
from horus_desktop.media.colour_bench import acescg_chart, exact_codes
from horus_desktop.ui.viewer.gl_renderer import OcioGlRenderer
from tests.support_xvfb import rerun_under_xvfb

SIDE = 352  # 352^2 = the chart's 123,904 colours


def _context():  # noqa: ANN202
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        pytest.skip(f"no OpenGL on Qt's {QGuiApplication.platformName()} platform (run under Xvfb, QT_QPA_PLATFORM=xcb)")
    context = QOpenGLContext()
    if not context.create() or context.format().version() < (4, 0):
        pytest.skip("no OpenGL >= 4.0 context can be made here")
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    assert context.makeCurrent(surface)
    return context, surface


def _drawn(renderer: OcioGlRenderer, recipe, pixels: np.ndarray, exposure: float, gamma: float) -> np.ndarray:  # noqa: ANN001
    fbo = QOpenGLFramebufferObject(SIDE, SIDE, QOpenGLFramebufferObjectFormat())
    assert fbo.bind()
    renderer.upload("A", ("chart", exposure, gamma), pixels)
    assert renderer.draw("A", recipe, (-1.0, 1.0, 1.0, -1.0), viewport_px=(SIDE, SIDE), exposure=exposure,
                         gamma=gamma, channel="rgb"), renderer.error
    image = fbo.toImage().convertToFormat(fbo.toImage().Format.Format_RGB888)
    fbo.release()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(SIDE, image.bytesPerLine())[:, : SIDE * 3]
    return rows.reshape(SIDE, SIDE, 3).astype(np.int16)


@pytest.mark.parametrize(("view", "exposure", "gamma"), [
    ("ACES 2.0 - SDR 100 nits (Rec.709)", 0.0, 1.0),
    ("ACES 2.0 - SDR 100 nits (Rec.709)", 1.5, 1.0),
    ("ACES 2.0 - SDR 100 nits (Rec.709)", -1.0, 2.2),
    ("Video (colorimetric)", 0.0, 1.0),
])
def test_gl_shader_is_within_2_codes_of_the_exact_processor_on_the_acescg_chart(
    qapp, view: str, exposure: float, gamma: float  # noqa: ANN001
) -> None:
    context, surface = _context()
    colour = default_colour_config()
    display = colour.default_display()
    chart = acescg_chart().reshape(SIDE, SIDE, 3)
    renderer = OcioGlRenderer()
    try:
        shown = _drawn(renderer, colour.gpu_recipe("ACEScg", display, view), chart, exposure, gamma)
        expected = exact_codes(colour, ViewSettings("ACEScg", display, view, exposure, gamma), chart)
        errors = np.abs(shown - expected).max(axis=-1)
        worst = np.unravel_index(int(errors.argmax()), errors.shape)
        assert errors.max() <= 2, f"{errors.max()} codes at ACEScg {chart[worst].tolist()}: {shown[worst]} vs {expected[worst]}"
    finally:
        renderer.release()
        context.doneCurrent()
        surface.destroy()


def test_gl_chart_in_a_virtual_x_server(qapp) -> None:  # noqa: ANN001
    """From the off-screen test run, run the test above in Xvfb (started with -displayfd, as test_gl_colour)."""
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        pytest.skip("already on a display: the GL test above ran directly")
    rerun_under_xvfb(__file__)
