"""Starting an open in the viewer and putting its answer on screen: the placeholder while the opener
thread works, then the image, title, layers, range and B list of an opened slot A, or the
opened B (turning A/B compare on), or a placeholder naming the problem when the open failed.

Every request goes through one path: ``start`` hands it to the opener (ui/viewer/opener.py); the opener's
answer comes back on the UI thread to ``on_done``, which the viewer state (playback/viewer_state.py) may
refuse when a newer request for the same slot has been made since.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from horus_desktop.domain.records import MediaRecord
from horus_desktop.playback.media_slot import MediaSlot, media_start_timecode
from horus_desktop.playback.opening import Opened, OpenFailed, OpenRequest, RecipeBuilt
from horus_desktop.playback.session import ShownFrame
from horus_desktop.ui.browser.model import display_name
from horus_desktop.ui.viewer.layer_menu import depth_text
from horus_desktop.ui.viewer.view import LayerState

if TYPE_CHECKING:
    from horus_desktop.ui.viewer.panel import ViewerPanel


def media_title(record: MediaRecord) -> str:
    """The viewer's title for a media: sequence / shot / department / version, then the file's name."""
    parts = [record.sequence, record.shot, record.department, record.version]
    where = " / ".join(p for p in parts if p)
    name = display_name(record.file_name)
    return f"{where}   {name}" if where else name


def clip_label(record: MediaRecord) -> str:
    """A short name for a media: 'sh010 comp v003' (the file's name when the record has no shot)."""
    parts = [p for p in (record.shot, record.department, record.version) if p]
    return " ".join(parts) or display_name(record.file_name)


class OpenResults(QObject):
    """The viewer's one open path, from request to what the panel's widgets show."""

    def __init__(self, panel: ViewerPanel) -> None:
        super().__init__(panel)  # a QObject of the UI thread: the opener's answers are queued to it
        self.panel = panel
        panel.opener.sig_done.connect(self.on_done)

    def start(self, request: OpenRequest) -> None:
        """Show the slot as opening and hand the request to the opener thread; returns at once."""
        panel = self.panel
        panel.state.begin_open(request)
        panel.view.set_frame(request.slot, LayerState(None, None, panel.view.layer(request.slot).state.size))
        panel.view.set_has_media(True)
        if request.slot == "A":
            panel.title.setText(f"Opening {request.title}...")
        panel.opener.open(request, panel.colours.choice(), resolve=panel.input_colour.resolve,
                          policy=panel.state.policy, mode=panel.state.loop_mode)

    @Slot(object)
    def on_done(self, result: Opened | OpenFailed | RecipeBuilt) -> None:
        """An answer of the opener thread (an open or a GL recipe build)."""
        panel = self.panel
        panel.opener.claim(result)
        if not isinstance(result.request, OpenRequest):
            panel.colours.recipe_arrived(result)  # type: ignore[arg-type] - a recipe request's answer
            return
        assert not isinstance(result, RecipeBuilt)
        request, name = result.request, result.request.slot
        if not panel.state.accept(result):
            return
        if isinstance(result, OpenFailed):
            message = f"Cannot open {request.record.file_path if request.record else request.title}: {result.error}"
            panel.view.set_frame(name, LayerState(ShownFrame(0, None, message), None, None))
            panel.sig_message.emit(message)
            if name == "A":
                panel.title.setText(request.title)
            return
        slot = result.slot
        panel.input_colour.opened(name)
        if name == "A":
            self._show_a(slot, request)
        else:
            panel.b_box.show_b(slot.record)
            if panel.state.compare_mode == "off":
                panel.set_compare_mode("ab")
        panel.view.set_frame(name, LayerState(None, slot.recipe, slot.size))
        panel.apply_view_mode()

    def _show_a(self, slot: MediaSlot, request: OpenRequest) -> None:
        panel = self.panel
        record = slot.record
        bits = slot.layer.bit_depth if slot.layer is not None else (record.bit_depth if record else None)
        panel.layer_menu.show_layers(slot.layers, slot.layer, depth_text(bits, is_float=slot.source_dtype.kind == "f"))
        first, last = slot.session.media_range
        panel.transport.set_playlist_mode(record is None)  # a playlist: its clock beside the clip's source clock
        panel.transport.set_timecode_source(media_start_timecode(record, first)[0] if record else None)
        panel.transport.set_range(first, last)
        panel.transport.slider.set_in_out(None)
        panel.show_title(media_title(record) if record is not None else request.title)
        panel.driver.show_position(slot.session.current)
        # The drawings follow the window's current media (a playlist: the clip under the playhead); the canvas
        # takes this image's size for the shapes it shows.
        panel.overlay.set_media(panel.overlay.media_id, slot.size)
        if record is not None:
            panel.sig_media_opened.emit(record)
            panel.b_box.load(record)
        panel.view.fit()
