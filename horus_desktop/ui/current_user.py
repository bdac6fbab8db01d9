"""Who runs the app: one object the window hands to every panel that signs or filters by user; panels
read ``name`` when they write and connect ``changed`` to show a new one (no name pushed into each panel)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from horus_desktop.domain.records import User

if TYPE_CHECKING:
    from horus_desktop.store import Store


def display_name(user: User) -> str:
    """How a user signs notes."""
    return user.full_name or user.username or user.id


def current_user(store: Store, user_id: str) -> User:
    """The user record of who runs the app (made on first run from the OS account)."""
    return store.users.find(user_id) or store.users.ensure(user_id)


class CurrentUser(QObject):
    """The id (fixed for the session) and display name (read from the store, edited in Preferences)."""

    changed = Signal()

    def __init__(self, user_id: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._id = user_id
        self._name = user_id  # until the user record is read

    @property
    def id(self) -> str:
        """The user id notes and approvals are stored under."""
        return self._id

    @property
    def name(self) -> str:
        """The name notes and approvals are signed with."""
        return self._name

    def set_record(self, user: User) -> None:
        """The user record was read or edited: take its display name."""
        name = display_name(user)
        if name != self._name:
            self._name = name
            self.changed.emit()
