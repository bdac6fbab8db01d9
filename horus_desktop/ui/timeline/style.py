"""Sizes of the track view and how its colours are chosen (the colours themselves are in ui/theme.py)."""

from __future__ import annotations

import zlib

from PySide6.QtGui import QColor

from horus_desktop.ui.theme import (
    DEPARTMENT_COLOURS,
    MARKER_COLOURS,
    MARKER_DEFAULT,
    NO_DEPARTMENT,
    status_colour,
)

RULER_HEIGHT = 38
VIDEO_TRACK_HEIGHT = 58
AUDIO_TRACK_HEIGHT = 34
TRACK_SPACING = 3
HEADER_WIDTH = 44
SCENE_MARGIN_FRAMES = 48
EDGE_GRAB_PX = 6
MIN_TEXT_WIDTH_PX = 28

COLOUR_MODES = ("department", "approval")


def department_colour(department: str | None) -> QColor:
    """A steady colour per department (known ones fixed, others from a hash of the name)."""
    if not department:
        return NO_DEPARTMENT
    known = DEPARTMENT_COLOURS.get(department.lower())
    if known is not None:
        return known
    return QColor.fromHsv(zlib.crc32(department.lower().encode()) % 360, 120, 170)


def clip_colour(mode: str, department: str | None, approval_status: str | None) -> QColor:
    """Fill of a clip: by department or by approval status."""
    if mode == "approval":
        return status_colour(approval_status).darker(115)
    return department_colour(department)


def marker_colour(name: str | None) -> QColor:
    """An OTIO marker colour name as a QColor."""
    return MARKER_COLOURS.get((name or "").upper(), MARKER_DEFAULT)


def track_height(kind: str) -> int:
    """Row height of a video or audio track."""
    return AUDIO_TRACK_HEIGHT if kind == "audio" else VIDEO_TRACK_HEIGHT
