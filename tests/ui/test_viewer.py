"""The viewer: opening from the browser, transport keys, slider/frame number vs the burned-in frame shown,
play, in/out, colour controls on the CPU path, A/B compare, wipe and side by side."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt

from .helpers import open_row, shown_code, wait_rows


def _is(shot: str, department: str, version: str):  # noqa: ANN202
    return lambda r: (r.shot, r.department, r.version) == (shot, department, version)


def _settle(qtbot, window, frame: int) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.viewer.shown_frame() == frame, timeout=15000)


def test_double_click_opens_media_in_viewer(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    model = window.browser.model
    row = next(r for r in range(model.rowCount()) if model.record(r).department == "lighting")
    view = window.browser.grid
    view.doItemsLayout()
    view.scrollTo(model.index(row, 0))
    rect = view.visualRect(model.index(row, 0))
    assert rect.isValid()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.viewer.slots["A"] is not None, timeout=15000)
    assert window.viewer.slots["A"].record.id == model.record(row).id
    _settle(qtbot, window, 1001)
    assert shown_code(window) == 1001
    assert "lighting" in window.viewer.title.text()
    qtbot.waitUntil(lambda: window.notes.thread_count >= (1 if model.record(row).version == "v001"
                                                                      else 0), timeout=15000)


def test_transport_keys_move_the_frame_and_agree_with_the_image(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    open_row(qtbot, window, _is("sh010", "comp", "v002"))
    viewer = window.viewer
    viewer.view.setFocus()
    for key, expected in ((Qt.Key.Key_Right, 1002), (Qt.Key.Key_Right, 1003), (Qt.Key.Key_Left, 1002),
                          (Qt.Key.Key_End, 1012), (Qt.Key.Key_Home, 1001), (Qt.Key.Key_Left, 1012)):
        qtbot.keyClick(viewer.view, key)
        _settle(qtbot, window, expected)
        assert viewer.transport.slider.value() == expected
        assert viewer.transport.frame_box.value() == expected
        assert shown_code(window) == expected, "the burned-in frame number differs from the transport"


def test_play_then_pause_shows_the_frame_the_slider_says(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    open_row(qtbot, window, _is("sh010", "anim", "v002"))
    viewer = window.viewer
    qtbot.keyClick(viewer.view, Qt.Key.Key_Space)
    assert viewer.session.playing
    seen: set[int] = set()
    deadline = time.monotonic() + 15  # a deadline for five frames shown, not a timing: a loaded machine drops more
    while len(seen) < 5 and time.monotonic() < deadline:
        qtbot.wait(25)
        frame = viewer.shown_frame()
        if frame is not None:
            seen.add(frame)
            assert shown_code(window) == frame
    qtbot.keyClick(viewer.view, Qt.Key.Key_Space)
    assert not viewer.session.playing
    assert len(seen) >= 5, f"playback showed only {sorted(seen)}"
    qtbot.waitUntil(lambda: viewer.shown_frame() == viewer.transport.slider.value(), timeout=15000)
    assert shown_code(window) == viewer.transport.slider.value() == viewer.current_frame()


def test_jkl_shuttle_and_in_out(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    open_row(qtbot, window, _is("sh030", "anim", "v002"))
    viewer = window.viewer
    qtbot.keyClick(viewer.view, Qt.Key.Key_L)
    qtbot.keyClick(viewer.view, Qt.Key.Key_L)
    assert viewer.session.clock.speed == 2.0 and viewer.session.clock.direction == 1
    qtbot.keyClick(viewer.view, Qt.Key.Key_J)
    assert viewer.session.clock.speed == 1.0 and viewer.session.clock.direction == -1
    qtbot.keyClick(viewer.view, Qt.Key.Key_K)
    assert not viewer.session.playing
    viewer.seek(1004)
    qtbot.keyClick(viewer.view, Qt.Key.Key_BracketLeft)
    viewer.seek(1007)
    qtbot.keyClick(viewer.view, Qt.Key.Key_BracketRight)
    assert viewer.session.in_out == (1004, 1007)
    qtbot.keyClick(viewer.view, Qt.Key.Key_Home)
    _settle(qtbot, window, 1004)
    qtbot.keyClick(viewer.view, Qt.Key.Key_End)
    _settle(qtbot, window, 1007)
    qtbot.keyClick(viewer.view, Qt.Key.Key_Right)
    _settle(qtbot, window, 1004)
    assert shown_code(window) == 1004


def test_channel_and_exposure_change_the_cpu_image(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    open_row(qtbot, window, _is("sh010", "comp", "v003"))
    viewer = window.viewer
    before = np.asarray(viewer.view.layer("A").state.item.pixels).copy()
    viewer.colour_bar.set_channel("r")
    qtbot.waitUntil(lambda: viewer.view.layer("A").state.item is not None and not np.array_equal(
        viewer.view.layer("A").state.item.pixels, before), timeout=15000)
    red = np.asarray(viewer.view.layer("A").state.item.pixels)
    assert np.array_equal(red[:, :, 0], red[:, :, 1]) and np.array_equal(red[:, :, 0], before[:, :, 0])
    viewer.colour_bar.set_channel("rgb")
    viewer.colour_bar.exposure.setValue(2.0)
    qtbot.waitUntil(lambda: viewer.view.layer("A").state.item is not None and float(
        np.asarray(viewer.view.layer("A").state.item.pixels).mean()) > float(before.mean()) + 5, timeout=15000)
    viewer.colour_bar.exposure.setValue(0.0)
    viewer.colour_bar.view_box.setCurrentText("Un-tone-mapped")
    qtbot.waitUntil(lambda: viewer.slots["A"].settings.view == "Un-tone-mapped", timeout=15000)
    assert "CPU" in window.status.colour_label.text()


def test_ab_toggle_wipe_and_side_by_side(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    model = window.browser.model
    rows = [r for r in range(model.rowCount()) if model.record(r).shot == "sh010"
            and model.record(r).department == "comp" and model.record(r).version in ("v002", "v003")]
    window.browser.grid.selectionModel().clear()
    for row in rows:
        window.browser.grid.selectionModel().select(model.index(row, 0),
                                                    window.browser.grid.selectionModel().SelectionFlag.Select)
    window.actions_by_name["compare_selected"].trigger()
    viewer = window.viewer
    qtbot.waitUntil(lambda: viewer.slots["A"] is not None and viewer.slots["B"] is not None, timeout=15000)
    qtbot.waitUntil(lambda: viewer.shown_frame("B") is not None and viewer.shown_frame("A") is not None,
                    timeout=15000)
    assert viewer.state.compare_mode == "ab" and viewer.state.shown_slot == "A"
    assert viewer.view.layer("A").isVisible() and not viewer.view.layer("B").isVisible()
    a_version, b_version = viewer.slots["A"].record.version, viewer.slots["B"].record.version
    assert a_version != b_version
    qtbot.keyClick(viewer.view, Qt.Key.Key_T)
    assert viewer.state.shown_slot == "B"
    assert viewer.view.layer("B").isVisible() and not viewer.view.layer("A").isVisible()
    a_pixels = np.asarray(viewer.view.layer("A").state.item.pixels)
    b_pixels = np.asarray(viewer.view.layer("B").state.item.pixels)
    assert not np.array_equal(a_pixels, b_pixels), "A and B show the same image"
    qtbot.keyClick(viewer.view, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: viewer.shown_frame("A") == 1002 and viewer.shown_frame("B") == 1002, timeout=15000)
    assert shown_code(window, "B") == 1002
    qtbot.keyClick(viewer.view, Qt.Key.Key_T)
    assert viewer.state.shown_slot == "A"
    qtbot.keyClick(viewer.view, Qt.Key.Key_W)
    assert viewer.view.mode == "wipe"
    assert viewer.view.layer("A").isVisible() and viewer.view.layer("B").isVisible()
    handle = viewer.view.wipe_handle
    handle.setPos(100, 0)
    assert viewer.view.layer("A").clip.right() == 100 and viewer.view.layer("B").clip.left() == 100
    assert viewer.view.pixel_info(viewer.view.layer("A").pos() + handle.pos() + handle.pos() * 0.5).startswith("B")
    qtbot.keyClick(viewer.view, Qt.Key.Key_W, Qt.KeyboardModifier.ShiftModifier)
    assert viewer.view.mode == "side"
    assert viewer.view.layer("B").pos().x() > viewer.view.layer("A").boundingRect().width()
    window.actions_by_name["compare_off"].trigger()
    assert viewer.view.mode == "single" and not viewer.view.layer("B").isVisible()


def test_b_list_offers_other_versions(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    open_row(qtbot, window, _is("sh010", "comp", "v003"))
    viewer = window.viewer
    qtbot.waitUntil(lambda: viewer.b_box.count() == 2, timeout=15000)
    viewer.b_box.setCurrentIndex(1)
    viewer.b_box.activated.emit(1)
    qtbot.waitUntil(lambda: viewer.slots["B"] is not None, timeout=15000)
    assert viewer.slots["B"].record.version == "v001"
    assert viewer.state.compare_mode == "ab"


def test_zoom_fit_and_pixel_readout(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    open_row(qtbot, window, _is("sh020", "lighting", "v002"))
    view = window.viewer.view
    window.actions_by_name["actual_size"].trigger()
    assert abs(view.zoom() - 1.0) < 1e-6
    window.actions_by_name["fit"].trigger()
    assert view.zoom() != 1.0
    info = view.pixel_info(view.layer("A").pos() + view.layer("A").boundingRect().center())
    assert info.startswith("x 240  y 135") and " R " in f" {info}"
    from PySide6.QtCore import QPoint

    centre = view.mapFromScene(view.layer("A").boundingRect().center())
    qtbot.mouseMove(view.viewport(), QPoint(centre.x(), centre.y()))
    qtbot.waitUntil(lambda: window.status.pixel_label.text().startswith("x "), timeout=15000)
    # Space held + drag pans and does not toggle playback; a Space tap plays.
    view.zoom_by(3.0)
    before = view.mapToScene(view.viewport().rect().center())
    qtbot.keyPress(view, Qt.Key.Key_Space)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
    qtbot.mouseMove(view.viewport(), QPoint(120, 150))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(120, 150))
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    after = view.mapToScene(view.viewport().rect().center())
    assert (after - before).manhattanLength() > 20
    assert not window.viewer.session.playing


def test_damaged_frame_shows_a_placeholder_and_playback_goes_on(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    model = window.browser.model
    record = next(model.record(r) for r in range(model.rowCount()) if model.record(r).file_name.endswith(".jpg"))
    from horus_desktop.media.sequences import printf_frame

    damaged = printf_frame(record.file_path, 1005)
    with open(damaged, "rb") as fh:
        original = fh.read()
    try:
        with open(damaged, "wb") as fh:
            fh.write(b"not a jpeg")
        open_row(qtbot, window, lambda r: r.id == record.id)
        viewer = window.viewer
        viewer.seek(1005)
        _settle(qtbot, window, 1005)
        item = viewer.view.layer("A").state.item
        assert item.pixels is None and "1005" in item.error
        qtbot.keyClick(viewer.view, Qt.Key.Key_Right)
        _settle(qtbot, window, 1006)
        assert shown_code(window) == 1006
    finally:
        with open(damaged, "wb") as fh:
            fh.write(original)


def test_drawings_show_on_their_frames_with_hold(qtbot, make_window, demo_store) -> None:
    window = make_window(demo_store)
    wait_rows(qtbot, window, 11)
    record = open_row(qtbot, window, _is("sh010", "comp", "v002"))
    viewer = window.viewer
    start = demo_store.annotations.frames_with_annotations(record.id)[0]  # the last frame of the short demo
    qtbot.waitUntil(lambda: start in viewer.transport.slider.marks()[0], timeout=15000)
    for frame, count in ((start - 1, 0), (start, 3), (start - 2, 0), (start, 3)):
        viewer.seek(frame)
        _settle(qtbot, window, frame)
        assert viewer.overlay.item_count() == count, frame
        if count:
            stored = demo_store.annotations.list(record.id, frame=start)
            assert len(stored) == count and all(viewer.overlay.item_for(a.id) is not None for a in stored)
    assert not viewer.overlay.problems


def test_shutting_down_while_a_media_opens_leaves_no_decoders(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    # The opener thread has finished and handed the session over, but the UI thread has not taken it yet
    # when the window closes: the viewer closes that session itself, so no decode pool outlives it.
    import threading

    window = make_window(demo_store)
    wait_rows(qtbot, window)
    record = window.browser.model.record(0)
    before = {t.name for t in threading.enumerate() if t.name.startswith("horus-frames")}
    window.viewer.open_media(record)
    window.viewer.opener.wait(timeout=30)  # opened; no Qt events processed
    window.viewer.shutdown()
    deadline = time.monotonic() + 15.0  # a deadline: threads end at once, later under load
    while time.monotonic() < deadline:
        left = {t.name for t in threading.enumerate() if t.name.startswith("horus-frames") and t.is_alive()}
        if not left - before:
            break
        time.sleep(0.05)
    assert not left - before, f"decode threads left running: {sorted(left - before)}"


def test_a_media_switched_from_closes_off_the_ui_thread(qtbot, make_window, demo_store, monkeypatch) -> None:  # noqa: ANN001
    # Closing a session waits for the decodes it has running: the viewer hands a replaced one to its opener,
    # whose retire returns at once; the close happens on the opener's closer thread.
    import threading

    window = make_window(demo_store)
    wait_rows(qtbot, window)
    release, closed = threading.Event(), threading.Event()

    class Decoding:  # stands for a session whose running decode ends only when released
        def close(self) -> None:
            release.wait(10)
            closed.set()

    window.viewer.opener.retire(Decoding())
    assert not closed.is_set(), "retire waited for the close"
    release.set()
    assert closed.wait(5), "the retired session was never closed"

    # A real switch: the media switched from is closed (its decode threads end), the new one plays on.
    first, second = window.browser.model.record(0), window.browser.model.record(1)
    window.viewer.open_media(first)
    qtbot.waitUntil(lambda: window.viewer.shown_frame() is not None, timeout=30000)
    old = window.viewer.state.session
    old_threads = {t for t in threading.enumerate() if t.name.startswith("horus-frames")}
    closed_on: list[threading.Thread] = []
    close = old.close

    def recorded_close() -> None:
        closed_on.append(threading.current_thread())
        close()

    monkeypatch.setattr(old, "close", recorded_close)
    window.viewer.open_media(second)
    qtbot.waitUntil(lambda: window.viewer.state.session is not old and window.viewer.shown_frame() is not None,
                    timeout=30000)
    qtbot.waitUntil(lambda: not any(t.is_alive() for t in old_threads), timeout=15000)
    assert closed_on and closed_on[0] is not threading.main_thread(), "the old session closed on the UI thread"
    assert window.viewer.state.session.cache.get(window.viewer.current_frame(), timeout=30).error is None


def test_an_open_or_a_cache_retired_after_the_viewer_shut_down_is_no_error(qtbot, make_window, demo_store) -> None:  # noqa: ANN001
    # A playlist that ends loading as the window closes still asks for its first clip, and a colour change
    # retires a cache: after the viewer's shutdown neither raises ("cannot schedule new futures after
    # shutdown"), nothing opens, and the retired cache is closed all the same.
    import threading

    from horus_desktop.media.frame_cache import FrameCache
    from horus_desktop.media.open_source import open_frame_source

    window = make_window(demo_store)
    wait_rows(qtbot, window)
    record = window.browser.model.record(0)
    window.viewer.shutdown()
    before = {t for t in threading.enumerate() if t.name.startswith("horus-frames")}
    window.viewer.open_media(record)  # no error, and nothing opens
    window.viewer.opener.wait(timeout=5)
    source = open_frame_source(record.file_path)
    cache = FrameCache(source, workers=1, read_ahead=2)
    cache.set_playhead(source.frame_range[0])
    window.viewer.opener.retire(cache)  # closed here: its decode threads have ended when it returns
    left = {t for t in threading.enumerate() if t.name.startswith("horus-frames") and t.is_alive()} - before
    assert not left, f"threads of the retired cache still running: {sorted(t.name for t in left)}"
    source.close()
