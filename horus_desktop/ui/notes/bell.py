"""The notification bell: unread count (refreshed when the store's notifications change), a popup list;
clicking one marks it read and opens its media at its frame."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from horus_desktop.domain.records import MediaRecord, Notification
from horus_desktop.ui.db_worker import DbWorker
from horus_desktop.ui.notes.model import relative_time
from horus_desktop.ui.store_events import StoreEvents

if TYPE_CHECKING:
    from horus_desktop.store import Store
    from horus_desktop.store.unit_of_work import ChangeSet


def resolve_notification(store: Store, notification: Notification) -> tuple[MediaRecord | None, int | None]:
    """Mark a notification read; the media and frame it points at."""
    store.notifications.mark_read([notification.id])
    media = None
    if notification.related_media_id is not None:
        try:
            media = store.media.get(notification.related_media_id)
        except LookupError:
            media = None
    frame = None
    try:
        if notification.related_comment_id is not None:
            frame = store.comments.get(notification.related_comment_id).frame_number
        elif notification.related_annotation_id is not None:
            frame = store.annotations.get(notification.related_annotation_id).frame_number
    except LookupError:
        frame = None
    return media, frame


class NotificationBell(QToolButton):
    """✉ with the unread count; ``sig_open(media, frame)`` when a notification is clicked."""

    sig_open = Signal(object, object)  # MediaRecord, frame or None

    def __init__(self, store: Store, db: DbWorker, events: StoreEvents, user_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBell")
        self._store, self._db, self.user_id = store, db, user_id
        self.unread = 0
        self.notifications: list[Notification] = []
        self.menu = QMenu(self)
        self.menu.aboutToShow.connect(self._fill_menu)
        self.setMenu(self.menu)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolTip("Notifications")
        self._show_count()
        events.changed.connect(self._on_store_changed)
        self.refresh()

    def _show_count(self) -> None:
        self.setText(f"✉ {self.unread}" if self.unread else "✉")
        self.setToolTip(f"{self.unread} unread notification{'s' if self.unread != 1 else ''}")

    def refresh(self) -> None:
        """Fetch the unread count and the recent notifications."""
        store, user = self._store, self.user_id

        def work() -> tuple[int, list[Notification]]:
            return store.notifications.unread_count(user), store.notifications.list(user, limit=30)

        def done(result: tuple[int, list[Notification]]) -> None:
            self.unread, self.notifications = result
            self._show_count()

        self._db.submit(work, on_done=done)

    def _on_store_changed(self, change_set: ChangeSet) -> None:
        if "notification" in change_set.kinds():
            self.refresh()

    def _fill_menu(self) -> None:
        self.menu.clear()
        if not self.notifications:
            self.menu.addAction("No notifications").setEnabled(False)
            return
        for n in self.notifications:
            mark = "●  " if not n.is_read else "    "
            when = relative_time(n.created_at)
            action = self.menu.addAction(f"{mark}{n.title}  ·  {when}")
            action.setToolTip(n.message or "")
            action.triggered.connect(lambda _c=False, n=n: self.open_notification(n))
        self.menu.addSeparator()
        self.menu.addAction("Mark all read", self.mark_all_read)

    def open_notification(self, notification: Notification) -> None:
        """Mark it read and ask for its media at its frame."""

        def done(result: tuple[MediaRecord | None, int | None]) -> None:
            media, frame = result
            if media is not None:
                self.sig_open.emit(media, frame)

        self._db.submit(resolve_notification, self._store, notification, on_done=done)

    def mark_all_read(self) -> None:
        """Clear the count."""
        self._db.submit(self._store.notifications.mark_all_read, self.user_id)

    def set_user(self, user_id: str) -> None:
        """Whose notifications are shown."""
        self.user_id = user_id
        self.refresh()

    def ids(self) -> list[uuid.UUID]:
        """Ids of the notifications listed."""
        return [n.id for n in self.notifications]


