"""Start the GUI: the one place (with cli.py) that assembles the parts of the window.

Start-up shows the window first: the store is created without touching the database, its first task on the
DB worker brings the schema up to date and signs the user in while the window paints, and every panel's
first query waits behind that task in the worker's queue (so panels fill when the store is ready).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext, QSurfaceFormat
from PySide6.QtWidgets import QApplication, QMessageBox

from horus_desktop.media.colour import default_colour_config
from horus_desktop.store import Store
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.first_layout import fit_to_screen, size_docks
from horus_desktop.ui.gc_on_ui_thread import UiThreadGarbageCollector
from horus_desktop.ui.jobs import JobRunner
from horus_desktop.ui.main_window import MainWindow
from horus_desktop.ui.resources import icon, load_fonts, stylesheet

if TYPE_CHECKING:
    from horus_desktop.domain.records import User

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


def bring_up_to_date(store: Store) -> None:
    """Migrate the schema to this Horus's (a SQLite store is copied aside first); nothing when it is current."""
    from horus_desktop.store import schema
    from horus_desktop.store.errors import translated_errors

    if not store.read_only:  # a read-only store's schema was checked when it was opened
        with translated_errors(opening=True):  # a server that cannot be reached, a file that is not a database
            schema.upgrade(store.engine, backup=True)


def prepare_store(store: Store, user_id: str) -> User:
    """The DB worker's first task: bring the schema up to date and sign the user in, as ``Horus.open`` does
    for the other verbs."""
    from horus_desktop.api import ensure_user

    bring_up_to_date(store)
    return ensure_user(store, user_id)


def needs_upgrade_before_window(store: Store) -> bool:
    """True for a writable SQLite store that is new or behind: it is migrated before the window is built.

    The window starts threads of its own that read a SQLite store directly (sync's first round, an ingest
    of the PATHs given), which must not meet a half-migrated schema; that happens once per upgrade. A
    current store is recognised with one query on the local file; a server store is checked and migrated on
    the DB worker while the window paints (nothing else reads it around the worker).
    """
    from horus_desktop.store import schema

    return store.is_sqlite and not store.read_only and not schema.is_at_head(store.engine)


def create_window(store: Store, *, user_id: str, settings: QSettings | None = None,
                  use_gl: bool | None = None,
                  first_task: tuple[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]]
                  | None = None) -> tuple[MainWindow, DbWorker, JobRunner]:
    """Build the main window and the workers it uses (tests call this too).

    ``first_task`` (function, on done, on error) is queued on the DB worker before any panel's query: the
    store's opening, whose queries must run first.
    """
    db = DbWorker()
    if first_task is not None:
        task, on_done, on_error = first_task
        db.submit(task, on_done=on_done, on_error=on_error)
    jobs = JobRunner()
    colour = default_colour_config()
    if use_gl is None:
        use_gl, why = choose_colour_path()
    else:
        why = "chosen by the caller"
    window = MainWindow(store, db, jobs, colour, settings or make_settings(), user_id=user_id, use_gl=use_gl)
    window.status.set_colour_path(f"{window.viewer.colour_path()}")
    window.status.colour_label.setToolTip(why)
    log.info("viewer colour path: %s (%s)", window.viewer.colour_path(), why)
    if store.read_only:  # an archive: browse it, write nothing (every write would be refused)
        window.status.set_read_only(store.describe())
    else:
        db.submit(store.users.ensure, user_id)
    return window, db, jobs


def run_gui(db_url: str | None, *, paths: list[str], user_id: str, demo_if_empty: bool, notice: str = "",
            on_shown: Callable[[MainWindow, DbWorker], None] | None = None) -> int:
    """Open the main window on the store at ``db_url``; ingest ``paths`` first; make the demo project when the
    store is empty and ``demo_if_empty`` (otherwise offer it); show ``notice`` in the status bar. Returns the
    exit code (2 when the store cannot be used: said on stderr and in a dialog).

    A bad location (``StoreUrlError``) or an unreadable archive is refused before any window; the schema
    check (and migration) runs on the DB worker while the window paints. ``on_shown(window, db)`` is called
    once the window is on screen (``horus bench startup`` times it).
    """
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    store = Store.open(db_url, upgrade=False)  # an engine: no connection yet (but a read-only one is checked)
    if needs_upgrade_before_window(store):
        try:
            bring_up_to_date(store)  # a store that cannot be used: the command's one-line error, exit 2
        except BaseException:
            store.close()
            raise
    if store.is_sqlite:  # one query on the local file: notes are signed with the id `--user NAME` names
        found = store.users.find(user_id)
        user_id = found.id if found is not None else user_id
    if store.read_only:
        print(f"horus: note: {store.describe()}: browsing only, nothing can be changed", file=sys.stderr)
    set_default_gl_format()
    app = QApplication.instance() or QApplication(sys.argv[:1] or ["horus"])
    app.setApplicationName("Horus")
    app.setOrganizationName("Horus")
    app.setStyle("Fusion")
    load_fonts()  # before the stylesheet, which names the bundled monospace font
    app.setStyleSheet(stylesheet("dark"))
    app.setWindowIcon(icon("horus"))
    collector = UiThreadGarbageCollector(app)  # before any worker thread exists
    settings = make_settings()
    first_run = settings.value("window/geometry") is None
    shown: list[MainWindow] = []

    def opened(user: User) -> None:
        log.info("store ready: %s, signed in as %s", store.describe(), user.id)
        start()  # the PATHs' ingest reads the store from the jobs thread: after the schema is current

    def cannot_open(error: BaseException) -> None:
        db.shutdown()  # the panels' queries queued behind the opening failed too: one message, not one each
        message = str(error) or type(error).__name__
        print(f"horus: error: {message}", file=sys.stderr)
        QMessageBox.critical(shown[0] if shown else None, "Horus: cannot open the store", message)
        app.exit(2)

    window, db, jobs = create_window(store, user_id=user_id, settings=settings,
                                     first_task=(lambda: prepare_store(store, user_id), opened, cannot_open))
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
            if count or store.read_only:  # nothing can be generated into an archive
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

        db.submit(store.media.count, on_done=decide)

    if on_shown is not None:
        QTimer.singleShot(0, lambda: on_shown(window, db))
    code = app.exec()
    collector.stop()
    window.shutdown()
    jobs.shutdown()
    db.shutdown()
    store.close()
    return int(code)
