"""The viewer panel: layout and signal wiring around the Qt-free viewer state (playback/viewer_state.py).

Keys and buttons become the state's verbs; a precise timer ticks it and puts what it returns on screen.
Opening runs on the opener thread (playback/opening.py) and its answer is shown by open_results.py;
colour goes through media/display.py (slot_colour.py)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from horus_desktop.domain.records import MediaRecord
from horus_desktop.domain.timecode import exact_rate, source_timecode
from horus_desktop.media.colour import ColourConfig
from horus_desktop.media.exr_layers import ExrLayer
from horus_desktop.media.frames import FrameSource
from horus_desktop.playback.media_slot import MediaSlot, media_start_timecode
from horus_desktop.playback.opening import OpenRequest
from horus_desktop.playback.session import PlaybackSession
from horus_desktop.playback.viewer_state import ViewerState
from horus_desktop.services.media_paths import open_media
from horus_desktop.ui.annotate.canvas import AnnotationCanvas
from horus_desktop.ui.viewer.colour_bar import ColourBar
from horus_desktop.ui.viewer.compare_modes import COMPARE_MODES, BlendControls
from horus_desktop.ui.viewer.drawings_loader import AnnotationsOf, DrawingsLoader
from horus_desktop.ui.viewer.input_colour import ViewerStoreCalls
from horus_desktop.ui.viewer.input_colour_control import InputColourControl
from horus_desktop.ui.viewer.layer_menu import LayerMenu
from horus_desktop.ui.viewer.open_results import OpenResults, clip_label
from horus_desktop.ui.viewer.opener import Opener
from horus_desktop.ui.viewer.playback_driver import PlaybackDriver
from horus_desktop.ui.viewer.slot_colour import SlotColour
from horus_desktop.ui.viewer.title_label import ElidedTitle, TitleRow
from horus_desktop.ui.viewer.transport import TransportBar
from horus_desktop.ui.viewer.version_box import VersionBox, VersionsOf
from horus_desktop.ui.viewer.view import ViewerView
from horus_desktop.ui.viewer.viewer_actions import connect_viewer_actions

NEED_B = ("Pick a version as B (the B list above the viewer) or select two versions in the browser and use "
          "Compare Selected.")


class ViewerPanel(QWidget):
    """Centre panel: colour bar, title/compare row, the view and the transport bar."""

    sig_frame_changed = Signal(object, int)  # media id, frame
    sig_position = Signal(int)  # slot A's playhead, whenever the transport shows it
    sig_media_opened = Signal(object)  # MediaRecord of slot A
    sig_colour_path = Signal(str)
    sig_message = Signal(str)

    def __init__(self, colour: ColourConfig, actions: dict[str, QAction], *, use_gl: bool,
                 versions_of: VersionsOf | None = None,
                 annotations_of: AnnotationsOf | None = None,
                 store_calls: ViewerStoreCalls | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("viewerPanel")
        self.colour, self.use_gl = colour, use_gl
        self.opener = Opener(colour, open_media, self)  # files open from this machine's copy (path mappings)
        self.state = ViewerState(retire=self.opener.retire)  # a replaced media closes off the UI thread
        self.colour_bar = ColourBar(colour)
        self.view = ViewerView(use_gl=use_gl)
        self.colours = SlotColour(colour, use_gl, self.colour_bar.options(), self.state, self.opener, self.view,
                                  self.sig_message.emit)
        self.input_colour = InputColourControl(colour, self.state.slots, self.colours.apply_input_space,
                                               store_calls, self)
        self.colour_bar.add_leading(self.input_colour.box)
        self.overlay = AnnotationCanvas(self.view.scene())
        self.transport = TransportBar(actions)
        self.drawings = DrawingsLoader(annotations_of, self.state, self.overlay, self.transport.slider)
        self.compare_box = QComboBox()
        for key, label in COMPARE_MODES:
            self.compare_box.addItem(label, key)
        self.b_box = VersionBox(versions_of)
        self.title = ElidedTitle("")
        self._title = ""
        self._current_record: MediaRecord | None = None
        self.title.setObjectName("viewerTitle")
        self.layer_menu = LayerMenu()
        self.blend_controls = BlendControls()
        self.title_row = TitleRow(self.title, [(self.layer_menu, 0), (self.compare_box, 0), (self.blend_controls, 0),
                                               (self.b_box, 1)])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for widget, stretch in ((self.colour_bar, 0), (self.title_row, 0), (self.view, 1), (self.transport, 0)):
            layout.addWidget(widget, stretch)
        self.driver = PlaybackDriver(self.state, self.view, self.colours, self.transport, self.overlay, self,
                                     store_calls=store_calls)
        self.driver.sig_position.connect(self.sig_position)
        self.driver.sig_frame_changed.connect(self.sig_frame_changed)
        self.driver.sig_sound_message.connect(self.sig_message)
        self.open_results = OpenResults(self)
        self.colour_bar.sig_changed.connect(self.colours.set_options)
        self.view.sig_space_tapped.connect(self.driver.play_pause)
        self.transport.sig_seek.connect(self.driver.seek)
        self.transport.sig_loop_mode.connect(self.state.set_loop_mode)
        self.compare_box.currentIndexChanged.connect(lambda _i: self.set_compare_mode(self.compare_box.currentData()))
        self.b_box.sig_picked.connect(lambda record: self.open_media(record, "B"))
        self.blend_controls.sig_changed.connect(self.view.set_blend)
        self.input_colour.sig_message.connect(self.sig_message)
        self.layer_menu.sig_picked.connect(self.show_layer)
        connect_viewer_actions(self, actions)

    # --- what is shown -----------------------------------------------------------------------------
    @property
    def slots(self) -> dict[str, MediaSlot | None]:
        """Slots A and B (None: nothing open)."""
        return self.state.slots

    @property
    def session(self) -> PlaybackSession | None:
        """Slot A's playback session (what the transport drives)."""
        return self.state.session

    def colour_path(self) -> str:
        """Which colour path draws the frames."""
        return "Colour: GPU (OpenGL, OCIO shader)" if self.use_gl else "Colour: CPU (OCIO baked LUT)"

    def current_frame(self) -> int | None:
        """Slot A's playhead."""
        return self.state.current_frame()

    def shown_frame(self, slot: str = "A") -> int | None:
        """The frame number of the image on screen in a slot."""
        item = self.view.layer(slot).state.item
        return item.frame if item is not None else None

    # --- opening ---------------------------------------------------------------------------------
    def open_media(self, record: MediaRecord, slot: str = "A", *, layer: ExrLayer | None = None,
                   at_frame: int | None = None) -> None:
        """Open a media into slot A (the main one) or B (compare); returns at once.

        ``layer``: the EXR part/layer to show (default: the first colour layer); ``at_frame``: where to start."""
        self.open_results.start(OpenRequest.media(record, slot, layer=layer, at_frame=at_frame))

    def open_source(self, make_source: Callable[[], FrameSource], *, title: str, rate: Fraction,
                    probe_frame: int | None = None, start_frame: int | None = None) -> None:
        """Open any FrameSource into slot A (a playlist): no media record of its own; the window's current media
        (ui/current_media.py) gives the panels the clip under the playhead.

        ``make_source`` runs on the opener thread; ``probe_frame`` is a frame that decodes (its size and
        colour space set the view); without one, or if it fails, the view assumes 1920x1080 sRGB."""
        self.open_results.start(OpenRequest("A", title, Fraction(rate), make_source=make_source, probe_frame=probe_frame,
                               start_frame=start_frame))

    def show_layer(self, layer: ExrLayer) -> None:
        """Show another part/layer of the EXR in A, at the same frame (re-opened off the UI thread)."""
        slot = self.slots["A"]
        if slot is not None and slot.record is not None and layer != slot.layer:
            self.open_media(slot.record, "A", layer=layer, at_frame=slot.session.current)

    def compare(self, a: MediaRecord, b: MediaRecord) -> None:
        """Open two versions as A and B, and compare them."""
        self.open_media(a, "A")
        self.open_media(b, "B")
        if self.state.compare_mode == "off":
            self.set_compare_mode("ab")

    def reload_annotations(self) -> None:
        """The store says drawings changed."""
        self.drawings.reload()

    def show_title(self, title: str) -> None:
        """The title of what A shows (a playlist's is followed by the media of the clip under the playhead)."""
        self._title = title
        slot = self.slots["A"]
        current = self._current_record
        in_playlist = slot is not None and slot.record is None
        self.title.setText(f"{title}   ·   {clip_label(current)}" if in_playlist and current is not None else title)

    def show_current_media(self, record: MediaRecord | None) -> None:
        """The window's current media changed (in a playlist: the clip under the playhead's): its drawings over A;
        in a playlist also its name after the playlist's and its other versions in the B list."""
        self._current_record = record
        self.drawings.load(record)
        slot = self.slots["A"]
        if slot is None or slot.record is not None:
            return
        self.show_title(self._title)
        if record is not None:
            self.b_box.load(record)

    def show_source_clock(self, record: MediaRecord | None, frame: int | None,
                          frame_range: tuple[int, int] | None) -> None:
        """In a playlist: the clip's source frame and source timecode (as a single media shows them) in the frame
        box and timecode, ``frame_range`` being the clip's source frames."""
        if record is None or frame is None:
            self.transport.show_source(None, "")
            return
        first = frame_range[0] if frame_range is not None else frame
        start, start_frame = media_start_timecode(record, first)
        rate = exact_rate(record.frame_rate, record.frame_rate_rational)
        self.transport.set_timecode_source(start)
        self.transport.show_source(frame, source_timecode(frame, start_frame, start, rate), frame_range)

    # --- compare ---------------------------------------------------------------------------------
    def apply_view_mode(self) -> None:
        """Show A, B or both as the compare mode says; drawings only over A."""
        mode, shown = self.state.view_mode()
        self.view.set_mode(mode, shown)
        self.overlay.set_visible(not (mode == "single" and shown == "B"))

    def set_compare_mode(self, mode: str) -> None:
        """off, ab, wipe, side, diff (difference) or onion (onion skin)."""
        self._show_compare(self.state.set_compare_mode(mode))

    def toggle_ab(self) -> None:
        """Flip between A and B (turns A/B compare on)."""
        self._show_compare(self.state.toggle_ab())

    def _show_compare(self, needs_b: bool) -> None:
        mode = self.state.compare_mode
        self.blend_controls.set_mode(mode)
        self.compare_box.blockSignals(True)
        self.compare_box.setCurrentIndex(self.compare_box.findData(mode))
        self.compare_box.blockSignals(False)
        if needs_b:
            self.sig_message.emit(NEED_B)
        self.apply_view_mode()

    # --- transport (what other panels call; the rest is the driver's) ------------------------------
    def play(self, direction: int = 1, speed: float = 1.0) -> None:
        """Start playing."""
        self.driver.play(direction, speed)

    def pause(self) -> None:
        """Stop on the current frame."""
        self.driver.pause()

    def step(self, n: int) -> None:
        """Step ``n`` frames and pause."""
        self.driver.step(n)

    def hold(self) -> None:
        """Stop playing on the frame on screen (a user starting a note or a drawing on it); nothing when paused.

        Why: a note or a stroke goes on the frame (and, in a playlist, the media) current when it is sent or
        finished; had playback gone on, it landed frames or a shot further on, and a stroke crossing a cut was
        dropped. The playhead may run a frame ahead of the image (the pause stops the clock): it comes back to
        the image the user is looking at."""
        if not self.state.playing:
            return
        shown = self.shown_frame()
        self.driver.pause()
        if shown is not None and self.current_frame() != shown:
            self.driver.seek(shown)

    def seek(self, frame: int) -> None:
        """Move A's playhead (the slider, the frame box, notes, the timeline)."""
        self.driver.seek(frame)

    def close_media(self) -> None:
        """Stop playback and release every slot's decoders."""
        self.driver.stop()
        self.state.close()

    def save_state(self, settings: QSettings) -> None:
        """Remember the display, the view and the loop mode for the next run."""
        options = self.colour_bar.options()
        settings.setValue("viewer/display", options.display)
        settings.setValue("viewer/view", options.view)
        settings.setValue("viewer/loop", self.transport.loop_box.currentText())

    def restore_state(self, settings: QSettings) -> None:
        """The display, view and loop mode of the last run (a name no longer offered is skipped)."""
        bar = self.colour_bar
        for box, key in ((bar.display_box, "viewer/display"), (bar.view_box, "viewer/view")):
            text = str(settings.value(key, "") or "")
            if text and box.findText(text) >= 0:
                box.setCurrentText(text)
        loop = self.transport.loop_box
        index = loop.findText(str(settings.value("viewer/loop", "") or ""))
        if index >= 0:
            loop.setCurrentIndex(index)

    def shutdown(self) -> None:
        """Close media, stop the opener thread, free GL objects."""
        self.close_media()
        self.opener.shutdown()
        self.view.release_gl()

