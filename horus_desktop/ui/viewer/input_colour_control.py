"""Keeps the viewer's input colour space in step: resolves it when a media opens, applies a project default
when it arrives, and stores the user's override (see input_colour.py for the widget and the store calls)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from horus_desktop.domain.records import MediaRecord
from horus_desktop.media.colour import ColourConfig
from horus_desktop.media.colour_defaults import InputColourSpace, is_override
from horus_desktop.ui.viewer.input_colour import InputColourBox, ViewerStoreCalls


class InputColourControl(QObject):
    """Owns the input colour box; ``apply(slot name, space)`` re-colours an open slot."""

    sig_message = Signal(str)

    def __init__(self, colour: ColourConfig, slots: dict[str, Any], apply: Callable[[str, InputColourSpace], None],
                 store_calls: ViewerStoreCalls | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.colour = colour
        self.box = InputColourBox(colour)
        self._slots = slots
        self._apply = apply
        self._calls = store_calls
        # Read by the opener thread (a dict lookup), written on the UI thread.
        self._project_defaults: dict[str, str | None] = {}
        self.box.sig_picked.connect(self.pick)

    def resolve(self, record: MediaRecord, file_space: str | None, *, is_float: bool) -> InputColourSpace:
        """A media's input colour space (opener thread: no store calls, the project default if known)."""
        return self.colour.resolve_input_colour_space(
            path=record.file_path, record_space=record.color_space, override=is_override(record.extra_metadata),
            project_default=self._project_defaults.get(record.project_id), file_space=file_space,
            is_float=is_float)

    def opened(self, name: str) -> None:
        """A slot opened: show A's space, and fetch its project's default once."""
        slot = self._slots[name]
        if name == "A":
            self.box.show_space(slot.input_space, editable=slot.record is not None and self._calls is not None)
        record = slot.record
        if record is None or self._calls is None:
            return
        if record.project_id in self._project_defaults:
            # The default may have arrived while this slot was opening, after the opener thread had resolved its
            # space without it (_on_project_default reaches only the slots already open): resolve it again.
            if slot.input_space is None or slot.input_space.source not in ("override", "file rule"):
                self._reapply(name, slot, record)
            return
        project = record.project_id
        self._calls.project_default(project, lambda value: self._on_project_default(project, value))

    def _on_project_default(self, project: str, value: str | None) -> None:
        self._project_defaults[project] = value
        for name, slot in self._slots.items():
            if slot is None or slot.record is None or slot.record.project_id != project:
                continue
            if slot.input_space is not None and slot.input_space.source in ("override", "file rule"):
                continue
            self._reapply(name, slot, slot.record)

    def _reapply(self, name: str, slot: Any, record: MediaRecord) -> None:
        is_float = slot.source_dtype.kind == "f"
        # The guess the file gave at opening stays the fallback (a frame's own colour space beats the record).
        file_space = slot.file_space if slot.file_space else record.color_space
        space = self.resolve(record, file_space, is_float=is_float)
        if space != slot.input_space:
            self._apply(name, space)
        if name == "A":
            self.box.show_space(space, editable=self._calls is not None)

    def pick(self, space: str | None) -> None:
        """The user chose a space for A (None: back to automatic): shown now, stored through the DB worker."""
        slot = self._slots["A"]
        if slot is None or slot.record is None or self._calls is None:
            return
        record = slot.record
        if space is not None:
            self._apply("A", InputColourSpace(space, "override"))
            self.box.show_space(slot.input_space, editable=True)

        def done(updated: MediaRecord) -> None:
            current = self._slots["A"]
            if current is not None and current.record is not None and current.record.id == updated.id:
                current.record = updated
                self._reapply("A", current, updated)

        def failed(error: BaseException) -> None:
            self.sig_message.emit(f"Input colour space of {record.file_name} not saved: {error}")

        self._calls.set_input_space(record, space, done, failed)
