"""Every colour the painting code and the widgets use, in one place beside the stylesheet (resources/*.qss):
no widget module writes a colour of its own (tests/ui/test_theme.py checks). Grouped by where they show."""

from __future__ import annotations

from PySide6.QtGui import QColor

# --- approval status badges (browser, timeline "approval" colours, status control) ---------------------
STATUS_COLOURS = {
    "approved": QColor(76, 175, 80),
    "rejected": QColor(229, 57, 53),
    "on_hold": QColor(255, 167, 38),
    "pending": QColor(120, 144, 156),
}
UNKNOWN_STATUS = QColor(120, 120, 120)
STATUS_LABELS = {"approved": "Approved", "rejected": "Rejected", "on_hold": "On hold", "pending": "Pending"}

# --- media browser cards -------------------------------------------------------------------------------
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

# --- messages in text (stylesheet colours of labels) ---------------------------------------------------
WARNING_TEXT = "#ffb020"  # read-only store, sync offline
ERROR_TEXT = "#ff6050"  # a refused setting, sync conflicts

# --- sync indicator, by phase --------------------------------------------------------------------------
SYNC_COLOURS = {"offline": WARNING_TEXT, "conflicts": ERROR_TEXT, "waiting": "#c0c0c0", "syncing": "#60a0ff",
                "up_to_date": "#60c060", "off": "#909090"}
SYNC_UNKNOWN = "#c0c0c0"

# --- notes -------------------------------------------------------------------------------------------------
AVATAR_COLOURS = ("#e57373", "#64b5f6", "#81c784", "#ffb74d", "#ba68c8", "#4db6ac", "#f06292", "#a1887f")
NOTE_CHIP = QColor(60, 64, 74)
NOTE_CHIP_TEXT = QColor(230, 200, 120)
NOTE_CARRIED = QColor(120, 90, 160)  # notes carried from an earlier version
NOTE_CARRIED_TINT = QColor(120, 90, 160, 35)  # their row's background
NOTE_RESOLVED = QColor(76, 175, 80)

# --- drawing -------------------------------------------------------------------------------------------
#: The palette's swatches; the first is the default drawing colour.
DRAW_PRESETS = ("#ff3b30", "#ffcc00", "#34c759", "#0a84ff", "#bf5af2", "#ffffff", "#000000")
DRAW_DEFAULT = DRAW_PRESETS[0]
LAYER_DEFAULT = "#ffffff"  # a layer without a colour of its own
LASER = QColor(255, 40, 40, 220)  # the laser pointer's fading trail
SELECTION = QColor(90, 170, 255)
SELECTION_GRIP_EDGE = QColor(255, 255, 255)
TEXT_SHADE_ALPHA = 110  # black behind a text shape, scaled by the shape's opacity

# --- viewer --------------------------------------------------------------------------------------------
VIEWER_BACKGROUND = QColor(22, 22, 24)
VIEWER_HINT = QColor(150, 154, 162)  # "drop media here"
FRAME_MISSING_FILL = QColor(40, 40, 44)
FRAME_MISSING_EDGE = QColor(200, 90, 80)
FRAME_MESSAGE_TEXT = QColor(230, 230, 230)
FRAME_MESSAGE_BACK = QColor(20, 20, 22, 220)
WIPE_HANDLE = QColor(255, 200, 60)
BURN_IN_BACKGROUND = QColor(0, 0, 0)  # behind a burned-in frame and its slate line
BURN_IN_SLATE_TEXT = QColor(235, 235, 235)
SLIDER_IN_OUT = QColor(70, 80, 100)
SLIDER_CACHED = QColor(60, 170, 100)
SLIDER_DRAWING_MARK = QColor(240, 190, 60)
SLIDER_NOTE_MARK = QColor(90, 170, 255)

# --- timeline ------------------------------------------------------------------------------------------
TIMELINE_BACKGROUND = QColor(27, 28, 32)
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
DRAWING_MARK = QColor(255, 196, 60)  # a drawn frame on a timeline clip (notes are flags in their marker colour)
DRAWING_MARK_EDGE = QColor(40, 30, 10)
DROP_INDICATOR = QColor(90, 170, 255)
LATEST_STAR = QColor(255, 214, 80)
HEADER_FILL = QColor(18, 19, 22, 215)
HEADER_TEXT = QColor(200, 204, 212)
NO_DEPARTMENT = QColor(96, 100, 110)
DEPARTMENT_COLOURS = {
    "anim": QColor(66, 120, 200), "animation": QColor(66, 120, 200), "comp": QColor(46, 150, 120),
    "lighting": QColor(200, 140, 50), "lgt": QColor(200, 140, 50), "fx": QColor(170, 80, 170),
    "layout": QColor(90, 110, 140), "model": QColor(120, 120, 70), "modeling": QColor(120, 120, 70),
    "lookdev": QColor(150, 100, 70), "roto": QColor(60, 140, 160), "paint": QColor(130, 150, 60),
    "matchmove": QColor(110, 90, 160), "edit": QColor(110, 110, 120),
}
#: OTIO's marker colour names.
MARKER_COLOURS = {
    "RED": QColor(230, 80, 80), "PINK": QColor(240, 120, 170), "ORANGE": QColor(245, 150, 50),
    "YELLOW": QColor(240, 210, 60), "GREEN": QColor(90, 190, 90), "CYAN": QColor(70, 200, 220),
    "BLUE": QColor(80, 130, 240), "PURPLE": QColor(160, 100, 220), "MAGENTA": QColor(220, 80, 220),
    "BLACK": QColor(40, 40, 40), "WHITE": QColor(240, 240, 240),
}


def status_colour(status: str | None) -> QColor:
    """Badge colour of an approval status (grey for unknown words)."""
    return STATUS_COLOURS.get(status or "pending", UNKNOWN_STATUS)


def text_shade(opacity: float) -> QColor:
    """The dark box behind a text shape, as opaque as the text."""
    return QColor(0, 0, 0, int(TEXT_SHADE_ALPHA * opacity))
