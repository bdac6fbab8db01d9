"""Loads the drawings of the current media (the one open in slot A, or a playlist's clip under the playhead) onto
the viewer's annotation canvas and the slider's marks (fetched through the window's DB worker; a late answer
for another media is dropped)."""

from __future__ import annotations

from collections.abc import Callable

from horus_desktop.domain.records import Annotation, MediaRecord
from horus_desktop.playback.viewer_state import ViewerState
from horus_desktop.ui.annotate.canvas import AnnotationCanvas
from horus_desktop.ui.viewer.frame_slider import FrameSlider

AnnotationsOf = Callable[[MediaRecord, Callable[[list[Annotation]], None]], None]


class DrawingsLoader:
    """Fills the canvas and the marks for the current media; ``reload`` when the store says drawings changed."""

    def __init__(self, annotations_of: AnnotationsOf | None, state: ViewerState, overlay: AnnotationCanvas,
                 slider: FrameSlider) -> None:
        self._annotations_of, self._state, self._overlay, self._slider = annotations_of, state, overlay, slider
        self._record: MediaRecord | None = None

    def _size(self) -> tuple[int, int]:
        slot = self._state.slots["A"]
        # a playlist's clips may differ in resolution: the driver keeps the canvas at the shown frame's size
        return slot.size if slot is not None and slot.record is not None else self._overlay.image_size()

    def load(self, record: MediaRecord | None, *, clear: bool = True) -> None:
        """Show ``record``'s drawings (None: no media, none); ``clear=False`` keeps the old ones until then."""
        self._record = record
        size = self._size()
        if clear:  # a reload keeps what is shown until the new rows arrive (no flicker)
            self._overlay.set_annotations([], size)
        if record is None:
            self._slider.set_marks(set())
            return
        if self._annotations_of is None:
            return

        def fill(annotations: list[Annotation]) -> None:
            if self._record is not None and self._record.id == record.id:
                self._overlay.set_annotations(annotations, self._size())
                self._slider.set_marks(self._overlay.marked_frames())

        self._annotations_of(record, fill)

    def reload(self) -> None:
        """The store says drawings changed: re-read the current media's."""
        if self._record is not None:
            self.load(self._record, clear=False)
