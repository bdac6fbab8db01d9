"""The window's viewer actions (transport, zoom, compare, channels, slow-decode policy) wired to the panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from horus_desktop.playback.clock import SlowPolicy

if TYPE_CHECKING:
    from horus_desktop.ui.viewer.panel import ViewerPanel

CHANNELS = ("rgb", "r", "g", "b", "a", "luminance")
COMPARE_ACTIONS = ("wipe", "side", "off", "diff", "onion")


def connect_viewer_actions(panel: ViewerPanel, actions: dict[str, QAction]) -> None:
    """Connect each named action to the panel verb it runs."""
    state, view, driver = panel.state, panel.view, panel.driver
    handlers: dict[str, Callable[[], object]] = {
        "play_pause": driver.play_pause, "play_backward": lambda: driver.play(direction=-1),
        "step_forward": lambda: driver.step(1), "step_back": lambda: driver.step(-1),
        "shuttle_forward": lambda: driver.shuttle(1), "shuttle_backward": lambda: driver.shuttle(-1),
        "shuttle_stop": driver.pause, "go_start": driver.go_start, "go_end": driver.go_end,
        "set_in": lambda: driver.change_in_out(state.set_in), "set_out": lambda: driver.change_in_out(state.set_out),
        "clear_in_out": lambda: driver.change_in_out(state.clear_in_out),
        "fit": view.fit, "actual_size": view.actual_size,
        "zoom_in": lambda: view.zoom_by(1.25), "zoom_out": lambda: view.zoom_by(0.8),
        "toggle_ab": panel.toggle_ab,
        **{f"compare_{mode}": (lambda mode=mode: panel.set_compare_mode(mode)) for mode in COMPARE_ACTIONS},
        **{f"channel_{c}": (lambda c=c: panel.colour_bar.set_channel(c)) for c in CHANNELS},
    }
    for name, handler in handlers.items():
        actions[name].triggered.connect(lambda _checked=False, h=handler: h())
    actions["play_every_frame"].toggled.connect(
        lambda on: state.set_policy(SlowPolicy.EVERY_FRAME if on else SlowPolicy.DROP))
