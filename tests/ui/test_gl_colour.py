"""The GPU colour path: OCIO's shader run by the viewer's GL renderer against OCIO's own CPU processor.

Needs an OpenGL >= 4.0 context: run under Xvfb with the xcb platform (Mesa llvmpipe), e.g.
``QT_QPA_PLATFORM=xcb xvfb-run -a pytest tests/ui/test_gl_colour.py``. Skipped where no context can be made
(Qt's offscreen platform, used for the other widget tests, has no OpenGL).
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication, QImage, QOffscreenSurface, QOpenGLContext
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat

from horus_desktop.media.colour import ViewSettings, default_colour_config
from horus_desktop.ui.viewer.gl_renderer import OcioGlRenderer
from tests.support_xvfb import rerun_under_xvfb

W, H = 256, 64


def _context(qapp):  # noqa: ANN001, ANN202
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        pytest.skip(f"no OpenGL on Qt's {QGuiApplication.platformName()} platform; run under Xvfb with "
                    "QT_QPA_PLATFORM=xcb to test the GPU colour path")
    context = QOpenGLContext()
    if not context.create() or context.format().version() < (4, 0):
        pytest.skip("no OpenGL >= 4.0 context can be made here")
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    assert context.makeCurrent(surface)
    return context, surface


def _test_image() -> np.ndarray:
    """Scene-linear float16 RGB: ramps from 0 to ~8 with coloured rows, plus a few negative values."""
    x = np.linspace(0.0, 8.0, W, dtype=np.float32) ** 1.3 / 8.0 ** 0.3
    rows = [np.stack([x, x * 0.5, x * 0.2], -1), np.stack([x * 0.1, x, x * 0.3], -1),
            np.stack([x * 0.2, x * 0.25, x], -1), np.stack([x, x, x], -1)]
    image = np.concatenate([np.repeat(r[None], H // 4, axis=0) for r in rows], axis=0)
    image[0, :4] = -0.01
    return image.astype(np.float16)


def _render(renderer: OcioGlRenderer, recipe, pixels, *, exposure=0.0, gamma=1.0, channel="rgb") -> np.ndarray:  # noqa: ANN001
    fmt = QOpenGLFramebufferObjectFormat()
    fbo = QOpenGLFramebufferObject(W, H, fmt)
    assert fbo.bind()
    renderer.upload("A", ("test", exposure, gamma, channel), pixels)
    drawn = renderer.draw("A", recipe, (-1.0, 1.0, 1.0, -1.0), viewport_px=(W, H), exposure=exposure,
                          gamma=gamma, channel=channel)
    assert drawn, renderer.error
    image = fbo.toImage().convertToFormat(fbo.toImage().Format.Format_RGB888)
    fbo.release()
    out = np.frombuffer(image.constBits(), np.uint8).reshape(H, image.bytesPerLine())[:, : W * 3]
    return out.reshape(H, W, 3).copy()


def _reference(colour, settings: ViewSettings, pixels: np.ndarray) -> np.ndarray:  # noqa: ANN001
    values = np.ascontiguousarray(pixels.astype(np.float32).reshape(-1, 3))
    colour.exact_processor(settings).getDefaultCPUProcessor().applyRGB(values)
    return np.clip(np.round(values.reshape(H, W, 3) * 255.0), 0, 255).astype(np.uint8)


@pytest.mark.parametrize(("view", "exposure", "gamma"), [
    ("ACES 2.0 - SDR 100 nits (Rec.709)", 0.0, 1.0),
    ("ACES 2.0 - SDR 100 nits (Rec.709)", 1.5, 1.2),
    ("Video (colorimetric)", -1.0, 1.0),
])
def test_gl_shader_matches_ocio_cpu_processor(qapp, view: str, exposure: float, gamma: float) -> None:
    context, surface = _context(qapp)
    colour = default_colour_config()
    display = colour.default_display()
    renderer = OcioGlRenderer()
    try:
        recipe = colour.gpu_recipe("ACEScg", display, view)
        pixels = _test_image()
        shown = _render(renderer, recipe, pixels, exposure=exposure, gamma=gamma)
        expected = _reference(colour, ViewSettings("ACEScg", display, view, exposure, gamma), pixels)
        diff = np.abs(shown.astype(int) - expected.astype(int))
        assert np.percentile(diff, 99.9) <= 1, f"99.9th percentile {np.percentile(diff, 99.9)}"
        assert diff.max() <= 3, f"max difference {diff.max()} codes"
        red_only = _render(renderer, recipe, pixels, exposure=exposure, gamma=gamma, channel="r")
        assert np.array_equal(red_only[:, :, 0], red_only[:, :, 1])
        assert np.abs(red_only[:, :, 0].astype(int) - shown[:, :, 0].astype(int)).max() <= 1
    finally:
        renderer.release()
        context.doneCurrent()
        surface.destroy()


def test_gl_and_cpu_paths_agree_on_8bit_srgb_sources(qapp) -> None:
    context, surface = _context(qapp)
    from horus_desktop.media.display import gpu_recipe_for, gpu_view_for

    colour = default_colour_config()
    display = colour.default_display()
    settings = ViewSettings("sRGB Encoded Rec.709 (sRGB)", display, colour.default_view(display))
    pixels = np.ascontiguousarray((np.linspace(0, 255, W * H * 3) % 256).astype(np.uint8).reshape(H, W, 3))
    renderer = OcioGlRenderer()
    try:
        shown = _render(renderer, gpu_recipe_for(colour, settings, pixels.dtype), pixels)
        cpu = colour.to_display(pixels, settings)  # the CPU path passes these through untouched
        assert np.abs(shown.astype(int) - cpu.astype(int)).max() <= 1
        brighter = ViewSettings(settings.colour_space, display, settings.view, exposure=1.0)
        assert gpu_view_for(colour, brighter, pixels.dtype) == settings.view  # exposure: the real view again
    finally:
        renderer.release()
        context.doneCurrent()
        surface.destroy()


def test_gl_difference_and_onion_match_the_cpu_compare(qapp) -> None:
    context, surface = _context(qapp)
    from horus_desktop.media.display import difference, gpu_recipe_for, onion
    from horus_desktop.ui.viewer.gl_compare import GlCompositor

    colour = default_colour_config()
    display = colour.default_display()
    settings = ViewSettings("sRGB Encoded Rec.709 (sRGB)", display, colour.default_view(display))
    a = np.ascontiguousarray((np.linspace(0, 255, W * H * 3) % 256).astype(np.uint8).reshape(H, W, 3))
    b = a.copy()
    b[10:30, 40:90] = np.clip(b[10:30, 40:90].astype(int) + 9, 0, 255).astype(np.uint8)
    recipe = gpu_recipe_for(colour, settings, a.dtype)
    renderer, compositor = OcioGlRenderer(), GlCompositor()
    target = QOpenGLFramebufferObject(W, H, QOpenGLFramebufferObjectFormat())
    try:
        renderer.upload("A", "a", a)
        renderer.upload("B", "b", b)
        whole = (-1.0, 1.0, 1.0, -1.0)
        for mode, expected in (("diff", difference(a, b, 4.0)), ("onion", onion(a, b, 0.3))):
            assert compositor.draw(renderer, {"A": (recipe, whole), "B": (recipe, whole)}, mode=mode, gain=4.0,
                                   opacity=0.3, viewport_px=(W, H), target_fbo=target.handle()), compositor.error
            image = target.toImage().convertToFormat(target.toImage().Format.Format_RGB888)
            shown = np.frombuffer(image.constBits(), np.uint8).reshape(H, image.bytesPerLine())[:, : W * 3]
            shown = shown.reshape(H, W, 3)
            assert np.abs(shown.astype(int) - expected.astype(int)).max() <= 1, mode
            if mode == "diff":
                assert shown[:10].max() == 0 and shown[15, 50].min() >= 35
    finally:
        compositor.release()
        renderer.release()
        context.doneCurrent()
        surface.destroy()


def test_viewer_draws_with_the_gl_path(qtbot, qapp) -> None:
    context, surface = _context(qapp)
    context.doneCurrent()
    surface.destroy()
    from horus_desktop.playback.session import ShownFrame
    from horus_desktop.ui.viewer.view import LayerState, ViewerView

    colour = default_colour_config()
    view = ViewerView(use_gl=True)
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view, timeout=15000)
    recipe = colour.gpu_recipe("ACEScg", colour.default_display(), colour.default_view())
    view.set_has_media(True)
    view.set_frame("A", LayerState(ShownFrame(1001, _test_image()), recipe, (W, H)))
    view.fit()
    qtbot.waitUntil(lambda: view.last_gl_draw.get("A") is True, timeout=15000)
    assert view.renderer is not None and view.renderer.error is None
    view.release_gl()


def _frame(pixels: np.ndarray, space: str):  # noqa: ANN202
    from horus_desktop.media.frames import Frame, full_window

    h, w = pixels.shape[:2]
    return Frame(pixels, 1001, space, full_window(w, h), full_window(w, h), ("R", "G", "B"))


def _drawn_by_the_viewer(qtbot, frame, colour, settings) -> np.ndarray:  # noqa: ANN001
    """What the viewer's GL path puts on screen for a frame: the conversion and recipe the viewer picks, drawn
    at 100% by its view and read back from the screen (at the image's corner and each pixel around it)."""
    from horus_desktop.media.display import gpu_convert, gpu_recipe_for
    from horus_desktop.playback.session import ShownFrame
    from horus_desktop.ui.viewer.view import LayerState, ViewerView

    view = ViewerView(use_gl=True)
    qtbot.addWidget(view)
    view.resize(W + 80, H + 80)
    view.show()
    qtbot.waitExposed(view, timeout=15000)
    try:
        pixels = gpu_convert(frame).pixels
        view.set_has_media(True)
        view.set_frame("A", LayerState(ShownFrame(frame.frame, pixels), gpu_recipe_for(colour, settings, pixels.dtype),
                                       (W, H)))
        view.actual_size()
        view.centerOn(view.layer("A").boundingRect().center())
        qtbot.waitUntil(lambda: view.last_gl_draw.get("A") is True, timeout=15000)
        # What the X server shows (a QOpenGLWidget inside a graphics view cannot grab its own framebuffer).
        viewport = view.viewport()
        corner = viewport.mapTo(viewport.window(), viewport.rect().topLeft())
        image = QGuiApplication.primaryScreen().grabWindow(viewport.window().winId(), corner.x(), corner.y(),
                                                           viewport.width(), viewport.height()).toImage()
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        origin = view.mapFromScene(view.layer("A").pos())
        grabbed = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
        grabbed = grabbed[:, : image.width() * 3].reshape(image.height(), image.width(), 3)
        # The image's corner may land half a pixel off the mapped point: read each placement one pixel around
        # it (the colours are what is tested, not where the view rounds the corner to).
        return np.stack([grabbed[origin.y() + dy: origin.y() + dy + H, origin.x() + dx: origin.x() + dx + W].copy()
                         for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
    finally:
        view.release_gl()


@pytest.mark.parametrize("source", ["8-bit sRGB", "scene-linear half"])
def test_the_display_pipeline_renders_what_the_gl_viewer_shows(qtbot, qapp, source: str) -> None:
    # render_frame (media/display.py, the CPU path that exports and thumbnails use) against the viewer's GL
    # path on the same frame at 100%: the same image (an 8-bit sRGB frame passes through on both; this caught
    # the GL path drawing it one pixel too large), and scene-linear pixels within the baked view's rounding.
    context, surface = _context(qapp)
    context.doneCurrent()
    surface.destroy()
    from horus_desktop.media.display import render_frame

    colour = default_colour_config()
    display = colour.default_display()
    if source == "8-bit sRGB":
        pixels = np.ascontiguousarray((np.linspace(0, 255, W * H * 3) % 256).astype(np.uint8).reshape(H, W, 3))
        frame = _frame(pixels, "sRGB Encoded Rec.709 (sRGB)")
    else:
        frame = _frame(_test_image(), "ACEScg")
    settings = ViewSettings(frame.colour_space, display, colour.default_view(display))
    placements = _drawn_by_the_viewer(qtbot, frame, colour, settings).astype(int)
    exported = render_frame(frame, colour, settings).astype(int)
    diff = min((np.abs(shown - exported) for shown in placements), key=lambda d: int(d.sum()))
    if source == "8-bit sRGB":
        assert diff.max() <= 1, f"max difference {diff.max()} codes"
    else:
        # The CPU path's baked 65^3 LUT against the shader's exact view: its rounding, coarser where these
        # saturated ramps reach the view's gamut compression (see tests/media/test_colour.py).
        assert np.percentile(diff, 99) <= 2 and diff.max() <= 12, (np.percentile(diff, 99), diff.max())


def test_gl_path_in_a_virtual_x_server(qapp) -> None:
    """From the off-screen test run, run the GL tests above in Xvfb (Mesa llvmpipe) so CI covers them.

    Xvfb is started here with ``-displayfd`` (it picks a free display and says which), not through
    xvfb-run, whose display guessing raced with other X servers on the machine.
    """
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        pytest.skip("already on a display: the GL tests above ran directly")
    rerun_under_xvfb(__file__)
