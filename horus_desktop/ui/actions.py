"""Every command of the window, once: text, shortcut, icon, menu and toolbar placement.

Menus and toolbars are built from this list; panels connect to the QActions by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from horus_desktop.ui.resources import icon


@dataclass(frozen=True)
class ActionSpec:
    """One command."""

    name: str
    text: str
    menu: str
    shortcut: str | tuple[str, ...] = ()
    icon: str = ""
    toolbar: bool = False
    checkable: bool = False
    tip: str = ""


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("ingest_folder", "&Add Folder...", "File", "Ctrl+Shift+O", "folder", True,
               tip="Ingest a folder tree of media"),
    ActionSpec("ingest_files", "Add &Files...", "File", "Ctrl+O", "file"),
    ActionSpec("make_demo", "Generate &Demo Project", "File", "", "demo"),
    ActionSpec("quit", "&Quit", "File", "Ctrl+Q"),
    ActionSpec("view_grid", "Thumbnail &Grid", "View", "Ctrl+1", "grid", True, True),
    ActionSpec("view_list", "Detail &List", "View", "Ctrl+2", "list", True, True),
    ActionSpec("focus_search", "&Search Media", "View", "Ctrl+F"),
    ActionSpec("fit", "&Fit", "View", "F", "fit", True),
    ActionSpec("actual_size", "&100%", "View", "1", "actual"),
    ActionSpec("zoom_in", "Zoom &In", "View", ("=", "+")),
    ActionSpec("zoom_out", "Zoom &Out", "View", "-"),
    ActionSpec("reset_layout", "&Reset Layout", "View"),
    ActionSpec("play_pause", "&Play / Pause", "Playback", "Space", "play", True),
    ActionSpec("play_backward", "Play &Backward", "Playback", "Shift+Space", "play_back"),
    ActionSpec("step_forward", "Step &Forward", "Playback", "Right", "step_fwd"),
    ActionSpec("step_back", "Step Bac&k", "Playback", "Left", "step_back"),
    ActionSpec("shuttle_forward", "Shuttle Forward (L)", "Playback", "L"),
    ActionSpec("shuttle_stop", "Stop (K)", "Playback", "K"),
    ActionSpec("shuttle_backward", "Shuttle Backward (J)", "Playback", "J"),
    ActionSpec("go_start", "Go to &Start", "Playback", "Home", "go_start"),
    ActionSpec("go_end", "Go to &End", "Playback", "End", "go_end"),
    ActionSpec("set_in", "Set &In Point", "Playback", "[", "in_point", tip="Set the in point ([)"),
    ActionSpec("set_out", "Set &Out Point", "Playback", "]", "out_point", tip="Set the out point (])"),
    ActionSpec("clear_in_out", "&Clear In/Out", "Playback", "\\", "clear_in_out", tip="Clear in/out (\\)"),
    ActionSpec("play_every_frame", "Play Every Frame When Slow", "Playback", "", checkable=True,
               tip="When decoding cannot keep up, play every frame slower instead of dropping frames"),
    ActionSpec("notes_only", "&Notes Only", "Playback", "", checkable=True,
               tip="Playback stops on every frame with a note or a drawing (in a playlist: across its clips)"),
    ActionSpec("channel_rgb", "All Channels", "Colour", "Ctrl+`"),
    ActionSpec("channel_r", "Red Channel", "Colour", "Alt+R"),
    ActionSpec("channel_g", "Green Channel", "Colour", "Alt+G"),
    ActionSpec("channel_b", "Blue Channel", "Colour", "Alt+B"),
    ActionSpec("channel_a", "Alpha Channel", "Colour", "Alt+A"),
    ActionSpec("channel_luminance", "Luminance", "Colour", "Alt+L"),
    ActionSpec("compare_selected", "Compare &Selected Versions", "Compare", "Ctrl+Shift+C", "compare", True,
               tip="Open the two selected versions as A and B"),
    ActionSpec("toggle_ab", "Toggle &A/B", "Compare", "T", "ab", True, tip="Show A or B (T)"),
    ActionSpec("compare_wipe", "&Wipe", "Compare", "W", "wipe", True, tip="Wipe between A and B (W)"),
    ActionSpec("compare_side", "Side by Si&de", "Compare", "Shift+W", "side", True),
    ActionSpec("compare_off", "Compare &Off", "Compare", "Shift+T"),
    ActionSpec("compare_diff", "Di&fference", "Compare", "Shift+D",
               tip="Difference of A and B, |A - B| with a gain (Shift+D)"),
    ActionSpec("compare_onion", "O&nion Skin", "Compare", "Shift+O", tip="B over A at an opacity (Shift+O)"),
    ActionSpec("compare_previous", "Compare With &Previous Version", "Compare", "Ctrl+Shift+P"),
    ActionSpec("open_selected", "&Open in Viewer", "Review", "Return"),
    ActionSpec("approve", "&Approve", "Review", "Ctrl+Shift+A", "approve", True),
    ActionSpec("reject", "&Reject", "Review", "Ctrl+Shift+R", "reject", True),
    ActionSpec("hold", "On &Hold", "Review", "Ctrl+Shift+H", "hold", True),
    ActionSpec("tag", "&Tag...", "Review", "Ctrl+Shift+G", "tag"),
)

MENU_ORDER = ("File", "View", "Playback", "Colour", "Compare", "Review")
# Menu-bar mnemonics (Alt+letter) must not take a command's key: Alt+R, Alt+G, Alt+B, Alt+A and Alt+L pick
# channels, and two menus on one letter make Alt+letter ambiguous.
MENU_TITLES = {"File": "&File", "View": "&View", "Playback": "&Playback", "Colour": "&Colour",
               "Compare": "Co&mpare", "Review": "R&eview"}


def build_actions(parent: QObject) -> dict[str, QAction]:
    """QActions for every spec, keyed by name."""
    out: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text.replace("&", "") if not spec.menu else spec.text, parent)
        action.setObjectName(f"action_{spec.name}")
        shortcuts = (spec.shortcut,) if isinstance(spec.shortcut, str) else spec.shortcut
        keys = [QKeySequence(s) for s in shortcuts if s]
        if keys:
            action.setShortcuts(keys)
        if spec.icon:
            action.setIcon(icon(spec.icon))
        action.setCheckable(spec.checkable)
        tip = spec.tip or spec.text.replace("&", "")
        if keys:
            tip = f"{tip} ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})" if "(" not in tip else tip
        action.setToolTip(tip)
        action.setStatusTip(tip)
        out[spec.name] = action
    return out
