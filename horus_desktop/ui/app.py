"""Start the GUI: the one place (with cli.py) that assembles the parts of the window.

Start-up shows the window first: it is built on a stand-in for the store (``PendingStore``); the DB worker's
first task opens the store (SQLAlchemy and the models load there), brings the schema up to date and signs the
user in while the window paints, and every panel's first query waits behind that task in the worker's queue
(so panels fill when the store is ready).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext, QSurfaceFormat
from PySide6.QtWidgets import QApplication

from horus_desktop.media.colour import default_colour_config
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.first_layout import fit_to_screen, size_docks
from horus_desktop.ui.gc_on_ui_thread import UiThreadGarbageCollector
from horus_desktop.ui.jobs import JobRunner
from horus_desktop.ui.pending_store import PendingStore, local_user_id, looks_like_a_store
from horus_desktop.ui.resources import icon, load_fonts, stylesheet

if TYPE_CHECKING:
    from horus_desktop.domain.records import User
    from horus_desktop.store import Store
    from horus_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

GL_MAJOR, GL_MINOR = 4, 1


def set_default_gl_format() -> None:
    """An OpenGL 4.1 core context for the viewer (must be set before the QApplication exists)."""
    fmt = QSurfaceFormat()
    fmt.setVersion(GL_MAJOR, GL_MINOR)
    fmt.setProfile(QSurfaceFormat.OpenGLContextProfile.CoreProfile)
    fmt.setSwapInterval(0)
    QSurfaceFormat.setDefaultFormat(fmt)


SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "software", "swrast")


def gl_renderer_name() -> str | None:
    """The OpenGL renderer string of a >= 4.0 context made here, or None when there is none."""
    if QGuiApplication.platformName() in ("offscreen", "minimal", "vnc"):
        return None
    context = QOpenGLContext()
    if not context.create() or context.format().version() < (4, 0):
        return None
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    try:
        if not context.makeCurrent(surface):
            return None
        name = context.functions().glGetString(0x1F01)  # GL_RENDERER
        context.doneCurrent()
        return str(name or "OpenGL")
    finally:
        surface.destroy()


def choose_colour_path() -> tuple[bool, str]:
    """(use GL, why) for the viewer.

    A real GPU runs OCIO's shader. With no OpenGL >= 4.0 the CPU path is used. A software rasteriser
    (Mesa llvmpipe) can run the shader but composing the window costs more than the CPU path, so it is
    used only when asked for (``HORUS_GL=1``); ``HORUS_GL=0`` forces the CPU path.
    """
    wanted = os.environ.get("HORUS_GL", os.environ.get("HORUS_NO_GL") and "0" or "")
    if wanted == "0":
        return False, "CPU path chosen by HORUS_GL=0"
    name = gl_renderer_name()
    if name is None:
        return False, "no OpenGL 4 context here"
    if wanted != "1" and any(word in name.lower() for word in SOFTWARE_RENDERERS):
        return False, f"OpenGL is a software rasteriser ({name}); HORUS_GL=1 uses it anyway"
    return True, name


def make_settings(organisation: str = "Horus", application: str = "Horus Desktop") -> QSettings:
    """Where layout and preferences persist (``HORUS_SETTINGS`` points it at an ini file)."""
    path = os.environ.get("HORUS_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(organisation, application)


def create_window(store: Store | PendingStore, *, user_id: str, settings: QSettings | None = None,
                  use_gl: bool | None = None,
                  first_task: tuple[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]]
                  | None = None) -> tuple[MainWindow, DbWorker, JobRunner]:
    """Build the main window and the workers it uses (tests call this too, with a store already open).

    ``first_task`` (function, on done, on error) is queued on the DB worker before any panel's query: the
    store's opening, whose queries must run first; the window learns the store is open when it is done.
    """
    # Imported here, not with this module: the window's modules are most of the start-up, and run_gui reads the
    # colour configuration on a thread while they load.
    from horus_desktop.ui.main_window import MainWindow

    db = DbWorker()
    built: list[MainWindow] = []
    if first_task is not None:
        task, on_done, on_error = first_task

        def opened(result: Any) -> None:
            built[0].store_opened()
            on_done(result)

        db.submit(task, on_done=opened, on_error=on_error)
    jobs = JobRunner()
    colour = default_colour_config()
    if use_gl is None:
        use_gl, why = choose_colour_path()
    else:
        why = "chosen by the caller"
    window = MainWindow(store, db, jobs, colour, settings or make_settings(), user_id=user_id, use_gl=use_gl)
    built.append(window)
    window.status.set_colour_path(f"{window.viewer.colour_path()}")
    window.status.colour_label.setToolTip(why)
    log.info("viewer colour path: %s (%s)", window.viewer.colour_path(), why)
    if first_task is None:  # a store given open
        window.store_opened()
        if not store.read_only:
            db.submit(store.users.ensure, user_id)
    return window, db, jobs


def _read_colour_config() -> None:
    """The process's colour configuration read ahead (see run_gui)."""
    with contextlib.suppress(Exception):  # create_window reads it again and reports the error
        default_colour_config()


def bring_up_to_date(store: Store) -> None:
    """Migrate the schema to this Horus's (a SQLite store is copied aside first); nothing when it is current."""
    from horus_desktop.store import schema
    from horus_desktop.store.errors import translated_errors

    if not store.read_only:  # a read-only store's schema was checked when it was opened
        with translated_errors(opening=True):  # a server that cannot be reached, a file that is not a database
            schema.upgrade(store.engine, backup=True)


def prepare_store(store: Store, user_id: str) -> User:
    """Bring the schema up to date and sign the user in, as ``Horus.open`` does for the other verbs."""
    from horus_desktop.api import ensure_user

    bring_up_to_date(store)
    return ensure_user(store, user_id)


def open_store(location: str | None, user_id: str, pending: PendingStore) -> User:
    """The DB worker's first task: open the store (SQLAlchemy and the models load here, not before the
    window), bring it up to date, sign the user in, and hand the store to ``pending``."""
    from horus_desktop.store import Store

    try:
        store = Store.open(location, upgrade=False)  # a read-only archive's schema is checked here
    except BaseException as error:
        pending.fail(error)
        raise
    try:
        user = prepare_store(store, user_id)
    except BaseException as error:
        store.close()
        pending.fail(error)
        raise
    pending.set(store)
    return user


def refuse_before_window(location: str | None) -> None:
    """A plain path naming a file that is not a database is refused as the other verbs refuse it (one line,
    exit 2), before any window: opening it raises the store's error."""
    from horus_desktop.store import Store

    store = Store.open(location, upgrade=False)
    try:
        bring_up_to_date(store)  # raises the store's one-line error (exit 2), as before the window
    finally:
        store.close()


def run_gui(db_url: str | None, *, paths: list[str], user_id: str, demo_if_empty: bool, notice: str = "",
            on_shown: Callable[[MainWindow, DbWorker], None] | None = None) -> int:
    """Open the main window on the store at ``db_url``; ingest ``paths`` first; make the demo project when the
    store is empty and ``demo_if_empty`` (otherwise offer it); show ``notice`` in the status bar. Returns the
    exit code (2 when the store cannot be used: said on stderr and in a dialog).

    The window is built on a ``PendingStore`` and shown first; the DB worker's first task opens the store
    (its classes load there), migrates it and signs the user in while the window paints, and the panels fill
    when it is ready. A plain path naming a file that is no database is refused before any window.
    ``on_shown(window, db)`` is called once the window is on screen (``horus bench startup`` times it).
    """
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not looks_like_a_store(db_url):
        refuse_before_window(db_url)
    # Notes are signed with the id `--user NAME` names (a username): read from a local file before the
    # panels take the id; a server store, or a store that cannot be read so, uses the name given.
    user_id = local_user_id(db_url, user_id)
    pending = PendingStore("Opening the store...")
    set_default_gl_format()
    app = QApplication.instance()
    if app is None:
        # The style as Qt's command-line option: QApplication.setStyle returns the style, and wrapping it loads
        # QStyle's Python type and its large enums (about 10 ms) before the first frame, which needs none of it.
        app = QApplication([*(sys.argv[:1] or ["horus"]), "-style", "Fusion"])
    else:
        app.setStyle("Fusion")
    app.setApplicationName("Horus")
    app.setOrganizationName("Horus")
    load_fonts()  # before the stylesheet, which names the bundled monospace font
    app.setWindowIcon(icon("horus"))
    collector = UiThreadGarbageCollector(app)  # before any worker thread exists
    # OCIO reads its config (about a tenth of the window's start) with the GIL released: on a thread, it is
    # read while the window's modules import; create_window's default_colour_config() waits for it (a config
    # that cannot be read is read again and reported there).
    threading.Thread(target=_read_colour_config, name="colour config", daemon=True).start()
    settings = make_settings()
    first_run = settings.value("window/geometry") is None
    shown: list[MainWindow] = []

    def opened(user: User) -> None:
        log.info("store ready: %s, signed in as %s", pending.describe(), user.id)
        collector.freeze()  # start-up's objects made (the store open, the window shown): out of the collector's way
        if pending.read_only:
            print(f"horus: note: {pending.describe()}: browsing only, nothing can be changed", file=sys.stderr)
        start()

    def cannot_open(error: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox  # loads on use
        db.shutdown()  # the panels' queries queued behind the opening failed too: one message, not one each
        message = str(error) or type(error).__name__
        print(f"horus: error: {message}", file=sys.stderr)
        QMessageBox.critical(shown[0] if shown else None, "Horus: cannot open the store", message)
        app.exit(2)

    painted = threading.Event()  # set once the window's first frame is queued: the store opens after it
    closing: list[bool] = []

    def open_after_first_frame() -> User:
        painted.wait()  # on the DB worker: its imports and queries must not take the UI thread's time first
        if closing:
            error = RuntimeError("the window closed before the store was opened")
            pending.fail(error)
            raise error
        return open_store(db_url, user_id, pending)

    window, db, jobs = create_window(pending, user_id=user_id, settings=settings,
                                     first_task=(open_after_first_frame, opened, cannot_open))
    # The stylesheet is set once the window is built, before it shows: while one is set, Qt matches its rules
    # again for every widget added to a parent (a third of the window's construction); set now, each widget is
    # styled once, when it is first shown. Sizes measured in the stylesheet's fonts follow their FontChange.
    app.setStyleSheet(stylesheet("dark"))
    shown.append(window)
    if first_run:
        screen = app.primaryScreen()
        if screen is not None:
            fit_to_screen(window, screen.availableGeometry())
        window.showMaximized()
        QTimer.singleShot(0, lambda: size_docks(window))
    else:
        window.show()
    absolute = [str(Path(p).expanduser().resolve()) for p in paths]

    def start() -> None:
        if notice:
            window.status.showMessage(notice, 30000)
        if absolute:
            window.ingest(absolute)
            return

        def decide(count: int) -> None:
            from PySide6.QtWidgets import QMessageBox  # loads on use
            if count or pending.read_only:  # nothing can be generated into an archive
                return
            if demo_if_empty:
                window.make_demo()
                return
            answer = QMessageBox.question(
                window, "Horus: empty store",
                "This store has no media yet.\n\nGenerate a small demo project (a few shots, versions, notes "
                "and drawings) to try Horus?\n\nYou can also drop folders of media on the window.",
            )
            if answer == QMessageBox.StandardButton.Yes:
                window.make_demo()

        db.submit(pending.media.count, on_done=decide)

    if on_shown is not None:
        QTimer.singleShot(0, lambda: on_shown(window, db))
    # The store opens once the show's first paint (queued before these timers) and on_shown have run.
    QTimer.singleShot(0, painted.set)
    code = app.exec()
    closing.append(True)
    painted.set()  # a store not opened yet is not opened now
    collector.stop()
    window.shutdown()
    jobs.shutdown()
    db.shutdown()
    if pending.ready:
        pending.store().close()
    return int(code)
