"""What every drawing tool shares: the host it draws through, the base ``Tool``, and the palette's list.

A tool never writes: it hands finished shapes (normalized) to its host, which shows and stores them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from horus_desktop.domain.records import Annotation
from horus_desktop.domain.shapes import Shape, Style

PREVIEW_Z = 40.0  # shapes being drawn sit above the stored drawings


class ToolHost(Protocol):
    """What tools use from the controller."""

    scene: QGraphicsScene

    def image_size(self) -> tuple[int, int]: ...
    def style(self) -> Style: ...
    def pixels_per_screen_pixel(self) -> float: ...
    def commit_shape(self, shape: Shape) -> None: ...
    def hit_items(self, path: QPainterPath) -> list[QGraphicsItem]: ...
    def erase(self, ids: list[uuid.UUID]) -> None: ...
    def ask_text(self) -> str | None: ...
    def selected_ids(self) -> list[uuid.UUID]: ...
    def select(self, ids: list[uuid.UUID]) -> None: ...
    def row(self, annotation_id: uuid.UUID) -> Annotation | None: ...
    def shape_of(self, row: Annotation) -> Shape: ...
    def edit_shapes(self, shapes: dict[uuid.UUID, Shape], text: str) -> None: ...


@dataclass(frozen=True)
class ToolSpec:
    """A tool as the palette shows it."""

    name: str
    label: str
    shortcut: str
    tip: str


TOOL_SPECS: tuple[ToolSpec, ...] = (
    ToolSpec("hand", "Hand", "H", "Pan and zoom, no drawing (H)"),
    ToolSpec("select", "Select", "V", "Select, move (drag), resize (corner handle), Delete removes (V)"),
    ToolSpec("pen", "Pen", "P", "Freehand pen; tablet pressure sets the width (P)"),
    ToolSpec("line", "Line", "N", "Straight line (N)"),
    ToolSpec("arrow", "Arrow", "A", "Arrow pointing where you release (A)"),
    ToolSpec("rectangle", "Rect", "R", "Rectangle (R)"),
    ToolSpec("ellipse", "Ellipse", "O", "Ellipse (O)"),
    ToolSpec("text", "Text", "Y", "Text label: click where it goes (Y)"),
    ToolSpec("eraser", "Eraser", "E", "Eraser: deletes the shapes it touches (E)"),
    ToolSpec("laser", "Laser", "Q", "Laser pointer: a fading trail, never stored (Q)"),
)


class Tool:
    """Base: does nothing."""

    name = "hand"
    cursor = Qt.CursorShape.ArrowCursor

    def __init__(self, host: ToolHost) -> None:
        self.host = host

    def press(self, pos: QPointF, pressure: float) -> None:
        """Button or pen down."""

    def move(self, pos: QPointF, pressure: float) -> None:
        """Dragging."""

    def release(self, pos: QPointF, pressure: float) -> None:
        """Button or pen up."""

    def cancel(self) -> None:
        """Drop whatever is in progress."""

    def _norm(self, pos: QPointF) -> tuple[float, float]:
        w, h = self.host.image_size()
        return (pos.x() / w, pos.y() / h)


def annotation_fields(shape: Shape) -> dict[str, Any]:
    """The row fields a changed shape writes (geometry, style, text)."""
    fields = shape.row_fields()
    fields.pop("annotation_type")
    return fields
