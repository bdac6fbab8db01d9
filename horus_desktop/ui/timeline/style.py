"""Sizes and colours of the track view (kept in one place, beside the app theme)."""

from __future__ import annotations

import zlib

from PySide6.QtGui import QColor

from horus_desktop.ui.theme import status_colour

RULER_HEIGHT = 38
VIDEO_TRACK_HEIGHT = 58
AUDIO_TRACK_HEIGHT = 34
TRACK_SPACING = 3
HEADER_WIDTH = 44
SCENE_MARGIN_FRAMES = 48
EDGE_GRAB_PX = 6
MIN_TEXT_WIDTH_PX = 28

BACKGROUND = QColor(27, 28, 32)
TRACK_VIDEO = QColor(34, 36, 41)
TRACK_AUDIO = QColor(31, 36, 38)
RULER_BACKGROUND = QColor(22, 23, 26)
RULER_TICK = QColor(120, 124, 132)
RULER_TEXT = QColor(170, 174, 182)
PLAYHEAD = QColor(255, 196, 0)
CLIP_TEXT = QColor(248, 248, 250)
CLIP_TEXT_DIM = QColor(228, 230, 236, 200)
CLIP_OUTLINE = QColor(12, 12, 14)
SELECTED_OUTLINE = QColor(255, 255, 255)
MISSING_FILL = QColor(70, 30, 32)
MISSING_HATCH = QColor(200, 70, 70, 160)
MISSING_OUTLINE = QColor(235, 60, 60)
GAP_OUTLINE = QColor(70, 72, 80)
TRANSITION_FILL = QColor(240, 240, 250, 90)
TRANSITION_LINE = QColor(250, 250, 255, 220)
STACK_FILL = QColor(96, 86, 130)
MARKER_DEFAULT = QColor(230, 80, 80)
DROP_INDICATOR = QColor(90, 170, 255)
LATEST_STAR = QColor(255, 214, 80)
HEADER_FILL = QColor(18, 19, 22, 215)
HEADER_TEXT = QColor(200, 204, 212)

DEPARTMENT_COLOURS = {
    "anim": QColor(66, 120, 200), "animation": QColor(66, 120, 200), "comp": QColor(46, 150, 120),
    "lighting": QColor(200, 140, 50), "lgt": QColor(200, 140, 50), "fx": QColor(170, 80, 170),
    "layout": QColor(90, 110, 140), "model": QColor(120, 120, 70), "modeling": QColor(120, 120, 70),
    "lookdev": QColor(150, 100, 70), "roto": QColor(60, 140, 160), "paint": QColor(130, 150, 60),
    "matchmove": QColor(110, 90, 160), "edit": QColor(110, 110, 120),
}
MARKER_COLOURS = {
    "RED": QColor(230, 80, 80), "PINK": QColor(240, 120, 170), "ORANGE": QColor(245, 150, 50),
    "YELLOW": QColor(240, 210, 60), "GREEN": QColor(90, 190, 90), "CYAN": QColor(70, 200, 220),
    "BLUE": QColor(80, 130, 240), "PURPLE": QColor(160, 100, 220), "MAGENTA": QColor(220, 80, 220),
    "BLACK": QColor(40, 40, 40), "WHITE": QColor(240, 240, 240),
}

COLOUR_MODES = ("department", "approval")


def department_colour(department: str | None) -> QColor:
    """A steady colour per department (known ones fixed, others from a hash of the name)."""
    if not department:
        return QColor(96, 100, 110)
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
