"""``horus --smoke-test``: drive the real app once, end to end, and say what happened.

On a fresh temporary store (and settings file) it opens the main window, generates the demo project,
opens an EXR sequence and the movie, plays a second, draws a pen stroke, writes a note and reads both back
from the store, exports the demo playlist as OTIO and EDL and imports both back (OpenTimelineIO's adapter
plugins), then closes the window. Every step prints one line, with the UI thread's longest stall during it
(the most time between two ticks of a 5 ms timer: what a click or the next frame of playback would have
waited; the test's own waits add ~5 ms); the first failure prints what was expected and exits 1. Built
from the same pieces the app uses (create_window, the job runner, the viewer, the drawing controller, the
notes panel), so a packaged app missing a plugin or a library fails here.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from horus_desktop.domain.wording import counted

STEP_TIMEOUT = 120.0  # generous: a loaded build machine or a software-rendered display is slow


class SmokeTestFailure(Exception):
    """A step did not do what it should."""


def _say(text: str) -> None:
    print(f"smoke-test: {text}", flush=True)


class StallMeter(QObject):
    """The UI thread's longest stall since the last `take`: the most time between two ticks of a timer."""

    def __init__(self, interval_ms: int = 5) -> None:
        super().__init__()
        self._last = time.monotonic()
        self._longest = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._timer.start(interval_ms)

    def _tick(self) -> None:
        now = time.monotonic()
        self._longest = max(self._longest, now - self._last)
        self._last = now

    def take(self) -> float:
        """Seconds of the longest stall since the last call (or the start); starts counting again."""
        self._tick()
        longest, self._longest = self._longest, 0.0
        return longest

    def stop(self) -> None:
        self._timer.stop()


def _step(meter: StallMeter, text: str) -> None:
    """A step done: its line, with the UI thread's longest stall since the step before."""
    _say(f"{text} (UI thread's longest stall: {1000 * meter.take():.0f} ms)")


def _wait(what: str, done: Callable[[], bool], timeout: float = STEP_TIMEOUT) -> None:
    """Run the event loop until ``done()``; SmokeTestFailure naming ``what`` after ``timeout`` seconds."""
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise SmokeTestFailure(f"{what}: not done after {timeout:g} s")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)


def _run_for(seconds: float) -> None:
    app = QApplication.instance()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)


def _ask(window: Any, what: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Run a store call on the DB worker (as the panels do) and wait for its answer."""
    box: dict[str, Any] = {}
    window.db.submit(fn, *args, on_done=lambda r: box.setdefault("result", r),
                     on_error=lambda e: box.setdefault("error", e))
    _wait(what, lambda: bool(box))
    if "error" in box:
        raise SmokeTestFailure(f"{what}: {box['error']}")
    return box["result"]


def _open(window: Any, record: Any, label: str, meter: StallMeter) -> None:
    window.open_media(record)
    viewer, notes = window.viewer, window.notes
    _wait(f"open the {label} {record.file_name}",
          lambda: notes.media() is not None and notes.media().id == record.id and viewer.shown_frame() is not None)
    _step(meter, f"opened the {label} {record.file_name}: frame {viewer.shown_frame()} shown "
                 f"({viewer.colour_path()})")


def _steps(window: Any, horus: Any, meter: StallMeter) -> None:
    store = horus.store
    _step(meter, f"main window open on {store.describe()} ({QApplication.platformName()} platform, "
         f"text in {QFontInfo(window.font()).family() or 'no font'})")

    from horus_desktop.demo.job import demo_job  # as the window does: the generators load on the job's thread

    reports: list[Any] = []
    window.jobs.start("Demo project", demo_job(store, write=window.db.call), on_done=reports.append,
                      dialog_parent=window)
    _wait("generate the demo project", lambda: bool(reports))
    report = reports[0]
    if report.problems or not report.media_ids:
        raise SmokeTestFailure(f"demo project: {report.problems or 'no media made'}")
    _step(meter, f"generated the demo project: {len(report.media_ids)} media, {counted(report.comments, 'note')}, "
         f"{counted(report.annotations, 'drawing')} in {report.seconds:.1f} s")

    records = [_ask(window, "read a demo media", store.media.get, media_id) for media_id in report.media_ids]
    exr = next((r for r in records if r.file_name.lower().endswith(".exr")), None)
    movie = next((r for r in records if Path(r.file_name).suffix.lower() in (".mov", ".mp4")), None)
    if exr is None or movie is None:
        raise SmokeTestFailure("demo project: no EXR sequence or no movie among its media")
    _open(window, exr, "EXR sequence", meter)
    _open(window, movie, "movie", meter)

    viewer = window.viewer
    first = viewer.current_frame()
    viewer.play()
    _run_for(1.0)
    viewer.pause()
    last = viewer.current_frame()
    if first is None or last is None or last == first:
        raise SmokeTestFailure(f"play a second: the playhead did not move (frame {first} -> {last})")
    _step(meter, f"played a second: frame {first} -> {last}")

    controller = window.review.controller
    _wait("the drawing tools to be ready", controller.can_draw)
    before = len(_ask(window, "read the drawings", store.annotations.list, movie.id))
    width, height = controller.image_size()
    points = [QPointF(width * 0.2, height * 0.3), QPointF(width * 0.4, height * 0.5), QPointF(width * 0.6, height * 0.4)]
    controller.set_tool("pen")
    controller.handle(QEvent.Type.MouseButtonPress, points[0])
    for point in points[1:]:
        controller.handle(QEvent.Type.MouseMove, point)
    controller.handle(QEvent.Type.MouseButtonRelease, points[-1])
    _wait("store the stroke", lambda: controller.pending_writes == 0)
    drawings = _ask(window, "read the drawings back", store.annotations.list, movie.id)
    if len(drawings) != before + 1:
        raise SmokeTestFailure(f"draw a stroke: {len(drawings) - before} new drawings in the store, expected 1")
    _step(meter, f"drew a pen stroke on frame {controller.frame}: stored and read back")

    text = f"smoke test note {os.getpid()}"
    notes = window.notes
    notes.editor.setPlainText(text)
    notes.send()
    _wait("send the note", lambda: text in notes.model.texts() and not notes.editor.toPlainText())
    stored = _ask(window, "read the notes back", store.comments.list_for_media, movie.id)
    if not any(c.content == text for c in stored):
        raise SmokeTestFailure(f"write a note: {text!r} is not among the movie's {counted(len(stored), 'note')}")
    _step(meter, f"wrote a note and read it back: {text!r}")

    if not report.playlists:
        raise SmokeTestFailure("demo project: no playlist made")
    for suffix in (".otio", ".edl"):  # OpenTimelineIO's own adapter, and the otio-cmx3600-adapter plugin
        path = Path(store.files_dir) / f"smoke-playlist{suffix}"
        _ask(window, f"export the demo playlist as {suffix}", horus.export_playlist, report.playlists[0], path)
        imported = _ask(window, f"import {path.name}", horus.import_playlist, path)
        clips = len(imported.timeline.clips)
        if not clips or imported.missing:
            raise SmokeTestFailure(f"playlist {path.name}: {counted(clips, 'clip')} read back, missing media {imported.missing}")
        _step(meter, f"exported the demo playlist as {suffix} and imported it back: {counted(clips, 'clip')}, every media found")


def run_smoke_test() -> int:
    """Run the smoke test; 0 when every step passed, 1 at the first failure, 2 without a display."""
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))):
        print("horus: error: --smoke-test opens a window and there is no display (neither DISPLAY nor "
              "WAYLAND_DISPLAY is set): run it in a desktop session, or: xvfb-run -a horus --smoke-test",
              file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="horus-smoke-"))
    os.environ["HORUS_SETTINGS"] = str(folder / "settings.ini")  # leave the user's layout alone
    started = time.monotonic()
    try:
        code = _run_in(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _say(f"{'passed' if code == 0 else 'FAILED'} in {time.monotonic() - started:.1f} s")
    return code


def _run_in(folder: Path) -> int:
    from horus_desktop.api import Horus
    from horus_desktop.ui.app import create_window, make_settings, set_default_gl_format
    from horus_desktop.ui.gc_on_ui_thread import UiThreadGarbageCollector
    from horus_desktop.ui.resources import icon, load_fonts, stylesheet

    set_default_gl_format()
    app = QApplication.instance() or QApplication(sys.argv[:1] or ["horus"])
    app.setApplicationName("Horus")
    app.setStyle("Fusion")
    load_fonts()
    app.setStyleSheet(stylesheet("dark"))
    app.setWindowIcon(icon("horus"))
    collector = UiThreadGarbageCollector(app)  # before any worker thread exists, as in run_gui
    with Horus.open(str(folder / "smoke.sqlite"), user="smoke") as horus:
        window, db, jobs = create_window(horus.store, user_id=horus.user.id, settings=make_settings())
        meter = StallMeter()  # the first step's stall is the window's first paint (styles, fonts, thumbnails)
        window.show()
        _wait("show the main window", lambda: bool(window.windowHandle() and window.windowHandle().isExposed()))
        _run_for(0.3)  # its first paint and the panels' first answers from the store
        collector.freeze()  # as run_gui does once the store is open and the window shown
        code = 0
        try:
            _steps(window, horus, meter)
        except SmokeTestFailure as exc:
            _say(f"FAILED: {exc}")
            code = 1
        finally:
            meter.stop()
            window.close()
            window.shutdown()
            jobs.shutdown()
            db.shutdown()
            collector.stop()
        if code == 0:
            _say("closed the main window")
        return code
