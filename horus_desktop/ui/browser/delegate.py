"""Painting of a thumbnail card in the grid: image (or placeholder), version and status badges, names."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPainterPath
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from horus_desktop.domain.records import MediaRecord
from horus_desktop.ui import theme
from horus_desktop.ui.browser.model import OfflineRole, RecordRole, ThumbnailRole, display_name
from horus_desktop.ui.item_states import selected_state

THUMB_SIZES = {"small": 100, "medium": 150, "large": 256}
TEXT_LINES = 2


class ThumbnailDelegate(QStyledItemDelegate):
    """Only paints; the model gives the record and the thumbnail image."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.size_name = "medium"

    @property
    def thumb_width(self) -> int:
        """Width of the image area."""
        return THUMB_SIZES[self.size_name]

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = self.thumb_width
        line = QFontMetrics(option.font).height()
        return QSize(width + 12, int(width * 9 / 16) + 14 + TEXT_LINES * line)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        record: MediaRecord | None = index.data(RecordRole)
        if record is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = option.rect.adjusted(3, 3, -3, -3)
        selected = bool(option.state & selected_state())
        card = QPainterPath()
        card.addRoundedRect(QRectF(rect), 6, 6)
        painter.fillPath(card, theme.CARD_SELECTED if selected else theme.CARD)
        width = rect.width() - 6
        image_rect = QRect(rect.left() + 3, rect.top() + 3, width, int(width * 9 / 16))
        image: QImage | None = index.data(ThumbnailRole)
        if image is not None and not image.isNull():
            scaled = image.size().scaled(image_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(image_rect.center())
            painter.fillRect(image_rect, theme.PLACEHOLDER.darker(140))
            painter.drawImage(target, image)
        else:
            painter.fillRect(image_rect, theme.PLACEHOLDER)
            painter.setPen(theme.PLACEHOLDER_TEXT)
            painter.drawText(image_rect, Qt.AlignmentFlag.AlignCenter, (record.media_kind or "media").upper())
        self._badges(painter, image_rect, record)
        if index.data(OfflineRole):
            self._badge(painter, image_rect, "OFFLINE", theme.LATEST_BADGE, bottom_left=True)
        line = QFontMetrics(option.font).height()
        text_rect = QRect(rect.left() + 6, image_rect.bottom() + 4, rect.width() - 12, line)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(theme.TEXT)
        title = " ".join(p for p in (record.shot, record.department) if p) or record.file_name
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight, text_rect.width()))
        painter.setFont(option.font)
        painter.setPen(theme.TEXT_DIM)
        text_rect.translate(0, line)
        detail = display_name(record.file_name)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(option.font).elidedText(detail, Qt.TextElideMode.ElideMiddle,
                                                              text_rect.width()))
        painter.restore()

    def _badge(self, painter: QPainter, image_rect: QRect, text: str, colour: QColor, *,
               bottom_left: bool = False) -> None:
        """A small labelled badge in a corner of the image (available offline: this machine holds a copy)."""
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        w, h = metrics.horizontalAdvance(text) + 8, metrics.height() + 2
        top = image_rect.bottom() - h - 4 if bottom_left else image_rect.top() + 4
        badge = QRectF(image_rect.left() + 4, top, w, h)
        path = QPainterPath()
        path.addRoundedRect(badge, 3, 3)
        painter.fillPath(path, colour)
        painter.setPen(theme.BADGE_TEXT)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)

    def _badges(self, painter: QPainter, image_rect: QRect, record: MediaRecord) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        pad = 4
        version = record.version or ""
        if version:
            w = metrics.horizontalAdvance(version) + 2 * pad
            badge = QRectF(image_rect.left() + 4, image_rect.top() + 4, w, metrics.height() + 2)
            path = QPainterPath()
            path.addRoundedRect(badge, 3, 3)
            painter.fillPath(path, theme.LATEST_BADGE if record.is_latest_version else theme.VERSION_BADGE)
            painter.setPen(theme.BADGE_TEXT)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, version)
        status = theme.STATUS_LABELS.get(record.approval_status or "pending", record.approval_status or "")
        w = metrics.horizontalAdvance(status) + 2 * pad
        badge = QRectF(image_rect.right() - w - 4, image_rect.top() + 4, w, metrics.height() + 2)
        path = QPainterPath()
        path.addRoundedRect(badge, 3, 3)
        painter.fillPath(path, theme.status_colour(record.approval_status))
        painter.setPen(theme.BADGE_TEXT)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, status)
