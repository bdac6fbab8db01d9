"""The status bar: store in use, current user, colour path, background job progress, messages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from horus_desktop.ui.current_user import CurrentUser
from horus_desktop.ui.theme import WARNING_TEXT

#: The store's path is cut in the middle past this width: a long path made the window wider than a laptop's
#: screen (the status bar's fields set the window's minimum width).
STORE_LABEL_MAX_WIDTH = 360


class HorusStatusBar(QStatusBar):
    """Permanent fields on the right, transient messages on the left."""

    def __init__(self, *, store_text: str, user: CurrentUser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.job_label = QLabel("")
        self.job_bar = QProgressBar()
        self.job_bar.setMaximumWidth(160)
        self.job_bar.setTextVisible(False)
        self.job_label.hide()
        self.job_bar.hide()
        self.pixel_label = QLabel("")
        self.pixel_label.setObjectName("pixelReadout")
        self.pixel_label.setToolTip("Value under the cursor: source values on the GPU path, display values on the CPU path")
        self.colour_label = QLabel("")
        self.colour_label.setObjectName("colourPath")
        self.pixel_label.hide()
        self.user_label = QLabel(f"User: {user.name}")
        user.changed.connect(lambda: self.user_label.setText(f"User: {user.name}"))
        self.store_label = QLabel()
        self._show_store(store_text)
        self.store_label.setToolTip(store_text)
        for widget in (self.pixel_label, self.job_label, self.job_bar, self.colour_label, self.user_label,
                       self.store_label):
            self.addPermanentWidget(widget)
        self.messageChanged.connect(lambda text: text or self.setToolTip(""))  # a cut message's whole text

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - QStatusBar's name
        """A transient message on the left; one longer than the room the permanent fields leave it is cut with
        "…" (the status bar clipped it mid-word, so an error's end, such as the keys a rule may use, could not be
        read) and the whole of it is the status bar's tooltip while it shows."""
        room = self.message_room()
        shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room) if text else text
        self.setToolTip(text if shown != text else "")
        super().showMessage(shown, timeout)

    def message_room(self) -> int:
        """The width, in pixels, that a transient message has: up to the first permanent field shown (as
        QStatusBar lays it out: 6 pixels in from the left, 2 before the field, 12 from the right without one)."""
        right = self.width() - 12
        fields = [w for w in self.findChildren(QWidget) if w.parent() is self and w.isVisible() and w.x() > 0]
        if fields:
            right = min(right, min(w.x() for w in fields) - 2)
        return max(right - 6, 0)

    def _show_store(self, store_text: str) -> None:
        """The store's name, cut in the middle when long (the tooltip has it whole)."""
        metrics = self.store_label.fontMetrics()
        self.store_label.setText(metrics.elidedText(f"Store: {store_text}", Qt.TextElideMode.ElideMiddle,
                                                    STORE_LABEL_MAX_WIDTH))

    def set_store(self, store_text: str) -> None:
        """The store in use (known once it is open)."""
        self._show_store(store_text)
        self.store_label.setToolTip(store_text)

    def set_read_only(self, store_text: str) -> None:
        """Say, for as long as the window is open, that the store is read-only (an archive: browse only)."""
        self._show_store(store_text)
        self.store_label.setToolTip(f"{store_text}: the file or its folder cannot be written, so notes, "
                                    "drawings and statuses cannot be changed")
        self.read_only_label = QLabel("READ-ONLY")
        self.read_only_label.setObjectName("readOnlyStore")
        self.read_only_label.setToolTip(self.store_label.toolTip())
        self.read_only_label.setStyleSheet(f"color: {WARNING_TEXT}; font-weight: bold;")
        self.addPermanentWidget(self.read_only_label)

    def set_pixel_info(self, text: str) -> None:
        """The pixel readout of the viewer (hidden while the cursor is off the image)."""
        self.pixel_label.setText(text)
        self.pixel_label.setVisible(bool(text))

    def set_colour_path(self, text: str) -> None:
        """Which colour path the viewer uses."""
        self.colour_label.setText(text)

    def job_started(self, title: str) -> None:
        """A background job began."""
        self.job_label.setText(title)
        self.job_bar.setRange(0, 0)
        self.job_label.show()
        self.job_bar.show()

    def job_progress(self, label: str, done: int, total: int) -> None:
        """Progress of the running job."""
        self.job_label.setText(label[:60])
        self.job_bar.setRange(0, max(total, 0))
        self.job_bar.setValue(done)

    def job_ended(self, title: str, error: str) -> None:
        """The job finished (error: why it failed, empty on success)."""
        self.job_label.hide()
        self.job_bar.hide()
        self.showMessage(error or f"{title}: done", 8000)
