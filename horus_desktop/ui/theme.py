"""Colours the painting code needs (status badges, placeholders), kept in one place with the stylesheet."""

from __future__ import annotations

from PySide6.QtGui import QColor

STATUS_COLOURS = {
    "approved": QColor(76, 175, 80),
    "rejected": QColor(229, 57, 53),
    "on_hold": QColor(255, 167, 38),
    "pending": QColor(120, 144, 156),
}
STATUS_LABELS = {"approved": "Approved", "rejected": "Rejected", "on_hold": "On hold", "pending": "Pending"}
PLACEHOLDER = QColor(44, 46, 52)
PLACEHOLDER_TEXT = QColor(140, 144, 152)
CARD = QColor(36, 38, 43)
CARD_SELECTED = QColor(52, 86, 140)
TEXT = QColor(222, 224, 228)
TEXT_DIM = QColor(150, 154, 162)
BADGE_TEXT = QColor(255, 255, 255)
VERSION_BADGE = QColor(20, 22, 26, 200)
LATEST_BADGE = QColor(66, 133, 244)
LINK = QColor(240, 180, 60)


def status_colour(status: str | None) -> QColor:
    """Badge colour of an approval status (grey for unknown words)."""
    return STATUS_COLOURS.get(status or "pending", QColor(120, 120, 120))
