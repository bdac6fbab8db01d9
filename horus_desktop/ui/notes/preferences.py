"""Preferences: who you are in Horus (full name, e-mail, role), stored in ``horus_users``."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from horus_desktop.domain.records import User
from horus_desktop.domain.vocabulary import USER_ROLES
from horus_desktop.ui.wide_line_edit import WideLineEdit

#: Room for a full name or an address as people have them (Qt's default is 17 "x": a name was cut while typed).
FIELD_ROOM = "x" * 40


class PreferencesDialog(QDialog):
    """Edit the current user; ``values()`` gives the fields for ``store.users.ensure``."""

    def __init__(self, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.user = user
        self.full_name = WideLineEdit(user.full_name or "", fit=FIELD_ROOM)
        self.email = WideLineEdit(user.email or "", fit=FIELD_ROOM)
        self.role = QComboBox()
        for role in USER_ROLES:
            self.role.addItem(role.capitalize(), role)
        self.role.setCurrentIndex(max(0, self.role.findData(user.role or "artist")))
        form = QFormLayout(self)
        form.addRow("User", QLabel(f"{user.username} ({user.id})"))
        form.addRow("Full name", self.full_name)
        form.addRow("E-mail", self.email)
        form.addRow("Role", self.role)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, str]:
        """Changed fields for ``store.users.ensure``."""
        out = {"full_name": self.full_name.text().strip(), "role": str(self.role.currentData())}
        email = self.email.text().strip()
        if email:
            out["email"] = email
        return out
