"""Sync in the main window: the status-bar indicator, Settings > Server, Review > Conflicts, and the worker
that runs while a server is configured (restarted when the settings change).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from horus_desktop.machine_settings import MachineSettings, SettingsError, load_settings
from horus_desktop.sync.service import SyncState
from horus_desktop.ui.sync_indicator import SyncIndicator
from horus_desktop.ui.sync_worker import SyncWorker

if TYPE_CHECKING:
    from horus_desktop.store import Store
    from horus_desktop.ui.settings_dialog import SettingsDialog
    from horus_desktop.ui.sync_conflicts import ConflictsDialog


def default_client_factory(store: Store, user: str, settings: MachineSettings) -> Callable[[], Any]:
    """Builds the real SyncClient (on the sync thread: opening it connects to the server)."""

    def make() -> Any:
        from horus_desktop.sync.client import SyncClient

        # No retries inside a round: the loop retries with its own backoff, and a window closing while the
        # server is away must not wait for the client's retry sleeps.
        return SyncClient(store, settings.server_url, user=user, followed_projects=settings.followed_projects,
                          retries=0, connect_timeout=3)

    return make


class SyncHub:
    """Owns the sync worker of one window and the widgets that show and steer it."""

    def __init__(self, window: QMainWindow, store: Store, user: str, *,
                 settings: MachineSettings | None = None,
                 client_factory: Callable[[Store, str, MachineSettings], Callable[[], Any]] = default_client_factory,
                 listen: bool = True, start: bool = True) -> None:
        """``start=False``: the store is still opening; ``begin`` starts sync once it is open."""
        self.window, self.store, self.user = window, store, user
        self._held = not start
        self._client_factory = client_factory
        self._listen = listen
        self.worker: SyncWorker | None = None
        self.indicator = SyncIndicator(window)
        window.statusBar().insertPermanentWidget(0, self.indicator)
        menu = window.menuBar().addMenu("&Settings")
        self.server_action = QAction("&Server...", window)
        self.server_action.setObjectName("action_server_settings")
        self.server_action.triggered.connect(self.open_settings)
        menu.addAction(self.server_action)
        self.conflicts_action = QAction("Sync &Conflicts...", window)
        self.conflicts_action.setObjectName("action_sync_conflicts")
        self.conflicts_action.triggered.connect(self.open_conflicts)
        menu.addAction(self.conflicts_action)
        self.indicator.sig_open_conflicts.connect(self.open_conflicts)
        self.indicator.sig_sync_now.connect(self.sync_now)
        self._off_reason = ""
        if settings is None:
            try:
                settings = load_settings()
            except SettingsError as exc:  # a damaged file: the app works alone and says why
                settings, self._off_reason = MachineSettings(), str(exc)
        self.settings = settings
        self._start(settings)

    def begin(self) -> None:
        """The store is open: start syncing as the settings say (once)."""
        if self._held:
            self._held = False
            self._start(self.settings)

    def _start(self, settings: MachineSettings) -> None:
        self.settings = settings
        if self._held:  # read_only and is_sqlite are known once the store is open
            return
        self.conflicts_action.setEnabled(bool(settings.server_url) and not self.store.read_only
                                         and self.store.is_sqlite)
        if settings.server_url and not self.store.is_sqlite:  # a window on a server store: nothing to sync
            self._off_reason = f"{self.store.describe()} is a shared store itself; laptops' SQLite stores sync"
        if not settings.server_url or self.store.read_only or not self.store.is_sqlite:
            self.indicator.show_state(SyncState("off", reason=self._off_reason or "No server set: Settings > Server"))
            return
        # No publish: the client applies a pull through this store, so the window's store-event bridge
        # (subscribed to the store) already carries those change sets to the panels.
        self.worker = SyncWorker(self._client_factory(self.store, self.user, settings),
                                 server_url=settings.server_url, subscribe=self.store.subscribe,
                                 listen=self._listen)
        self.worker.sig_state.connect(self.indicator.show_state)
        self.indicator.show_state(SyncState("syncing"))
        self.worker.start()

    def sync_now(self) -> None:
        """Run a round soon."""
        if self.worker is not None:
            self.worker.sync_now()

    def open_settings(self) -> SettingsDialog:
        """Settings > Server: saving restarts sync with the new server and projects."""
        from horus_desktop.ui.settings_dialog import SettingsDialog  # loads on use

        dialog = SettingsDialog(self.settings, self.window)
        dialog.sig_saved.connect(self._restart)
        dialog.open()
        return dialog

    def open_conflicts(self) -> ConflictsDialog | None:
        """The Conflicts view (needs the worker: conflicts are read through the sync client)."""
        if self.worker is None:
            return None
        from horus_desktop.ui.sync_conflicts import ConflictsDialog  # loads on use

        dialog = ConflictsDialog(self.worker.call, on_resolved=self.sync_now, parent=self.window)
        dialog.open()
        return dialog

    def _restart(self, settings: MachineSettings) -> None:
        self.shutdown()
        self._off_reason = ""
        self._start(settings)

    def shutdown(self) -> None:
        """Stop syncing (the window closes, or the server changed)."""
        if self.worker is not None:
            self.worker.stop()
            self.worker = None


def install_sync(window: Any, *, start: bool = True) -> SyncHub:
    """Sync for a main window (its store and user); the window calls ``shutdown()`` when it closes
    (``start=False``: it calls ``begin()`` once the store is open)."""
    user = getattr(window, "user", None)
    return SyncHub(window, window.store, user.id if user is not None else window.user_id, start=start)
