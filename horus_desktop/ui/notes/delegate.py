"""Painting of one note: avatar initials, author, relative time, frame/timecode chip, version chip for carried
notes, the Markdown text, resolved line, reactions and attachments. Text layouts are cached per note."""

from __future__ import annotations

import uuid
import zlib

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from horus_desktop.ui import theme
from horus_desktop.ui.item_states import selected_state
from horus_desktop.ui.notes.model import (
    REACTIONS,
    FrameLabelRole,
    NoteItem,
    NoteRole,
    relative_time,
    was_edited,
)
from horus_desktop.ui.notes.model import initials as make_initials

AVATAR = 26
PAD = 6
HEADER = 22
LINE = 18


def avatar_colour(user: str) -> QColor:
    """A stable colour per user."""
    return QColor(theme.AVATAR_COLOURS[zlib.crc32(user.encode()) % len(theme.AVATAR_COLOURS)])


class NoteDelegate(QStyledItemDelegate):
    """Paints notes; ``attachment_at`` tells the panel which attachment a click hit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._docs: dict[tuple[uuid.UUID, int, object], QTextDocument] = {}
        self._attachment_rects: dict[uuid.UUID, list[tuple[QRect, int]]] = {}

    def clear_cache(self) -> None:
        """Forget text layouts (after a reload)."""
        self._docs.clear()
        self._attachment_rects.clear()

    def _doc(self, item: NoteItem, width: int) -> QTextDocument:
        c = item.comment
        key = (c.id, width, c.updated_at)
        doc = self._docs.get(key)
        if doc is None:
            doc = QTextDocument()
            doc.setDocumentMargin(0)
            doc.setDefaultStyleSheet(f"a {{ color: {theme.LINK.name()}; }}")
            if c.content_type in ("markdown", None):
                doc.setMarkdown(c.content)
            else:
                doc.setPlainText(c.content)
            doc.setTextWidth(max(40, width))
            if len(self._docs) > 6000:
                self._docs.clear()
            self._docs[key] = doc
        return doc

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        return option.rect.width() - AVATAR - 3 * PAD

    def _extra_lines(self, item: NoteItem) -> int:
        return int(item.comment.is_resolved or False) + int(bool(item.reactions)) + int(bool(item.attachments))

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        item: NoteItem | None = index.data(NoteRole)
        if item is None:
            return QSize(100, 30)
        width = self._text_width(option) if option.rect.width() > 0 else 260
        doc = self._doc(item, width)
        height = PAD + HEADER + int(doc.size().height()) + self._extra_lines(item) * LINE + PAD
        return QSize(width, max(height, AVATAR + 2 * PAD))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        item: NoteItem | None = index.data(NoteRole)
        if item is None:
            return
        c = item.comment
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        pal = option.palette
        if option.state & selected_state():
            painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight).darker(160))
        elif item.version:
            painter.fillRect(rect, theme.NOTE_CARRIED_TINT)
        # avatar
        avatar = QRectF(rect.left() + PAD, rect.top() + PAD, AVATAR, AVATAR)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(avatar_colour(c.user_id))
        painter.drawEllipse(avatar)
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.85))
        painter.setFont(font)
        painter.setPen(theme.BADGE_TEXT)
        painter.drawText(avatar, Qt.AlignmentFlag.AlignCenter, make_initials(c.user_name))
        # header: author, time, chips
        x = int(avatar.right()) + PAD
        top = rect.top() + PAD
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(theme.TEXT)
        metrics = QFontMetrics(bold)
        painter.drawText(QPointF(x, top + metrics.ascent() + 2), c.user_name)
        x += metrics.horizontalAdvance(c.user_name) + PAD
        painter.setFont(option.font)
        small = QFontMetrics(option.font)
        when = relative_time(c.created_at)
        if was_edited(c):
            when += " (edited)"
        painter.setPen(theme.TEXT_DIM)
        painter.drawText(QPointF(x, top + small.ascent() + 2), when)
        x += small.horizontalAdvance(when) + PAD
        chips = []
        label = index.data(FrameLabelRole)
        if label:
            chips.append((label, theme.NOTE_CHIP, theme.NOTE_CHIP_TEXT))
        if item.version:
            chips.append((f"from {item.version}", theme.NOTE_CARRIED, theme.BADGE_TEXT))
        for text, bg, fg in chips:
            w = small.horizontalAdvance(text) + 10
            chip = QRectF(x, top + 1, w, small.height() + 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg)
            painter.drawRoundedRect(chip, 4, 4)
            painter.setPen(fg)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            x += int(w) + 4
        # body
        width = self._text_width(option)
        doc = self._doc(item, width)
        body_top = top + HEADER
        painter.translate(avatar.right() + PAD, body_top)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, theme.TEXT_DIM if c.is_resolved else theme.TEXT)
        doc.documentLayout().draw(painter, context)
        painter.translate(-(avatar.right() + PAD), -body_top)
        y = body_top + int(doc.size().height())
        left = int(avatar.right()) + PAD
        if c.is_resolved:
            painter.setPen(theme.NOTE_RESOLVED)
            painter.drawText(QPointF(left, y + small.ascent() + 1),
                             f"✓ resolved by {c.resolved_by or '?'} {relative_time(c.resolved_at)}")
            y += LINE
        if item.reactions:
            painter.setPen(theme.TEXT)
            text = "   ".join(f"{REACTIONS.get(kind, kind)} {count}" for kind, count, _who in item.reaction_counts())
            painter.drawText(QPointF(left, y + small.ascent() + 1), text)
            y += LINE
        if item.attachments:
            ax = left
            rects = []
            painter.setPen(theme.LINK)
            for i, a in enumerate(item.attachments):
                label = f"⎘ {a.file_name}"
                w = small.horizontalAdvance(label)
                painter.drawText(QPointF(ax, y + small.ascent() + 1), label)
                rects.append((QRect(ax, y, w, LINE), i))
                ax += w + 12
            self._attachment_rects[c.id] = rects
        painter.restore()

    def attachment_at(self, item: NoteItem, pos: QPointF) -> int | None:
        """Which attachment of a note is under a viewport position (as last painted)."""
        for rect, i in self._attachment_rects.get(item.comment.id, []):
            if rect.contains(pos.toPoint()):
                return i
        return None
