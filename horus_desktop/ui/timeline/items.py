"""One graphics item class per OTIO type (clip, gap, transition, nested stack, marker), chosen through
one lookup table. A clip carries a strip of its approval status colour along its bottom edge in either colour
mode; a note is a flag at the top of its clip, a drawn frame a small diamond at the bottom.

Scene x is the timeline frame, scene y the track row; the view scales x only. Items paint in device
pixels (text stays crisp and unstretched at any zoom). Level of detail: a clip narrower than a few pixels is
one filled rectangle, text is left out where it would not fit, and tooltips are built only when asked
for (the view calls ``tooltip()``), so a 2,000-clip playlist builds and paints fast. Measured with
``horus bench playlist``: per-item pixmap caching (``DeviceCoordinateCache``) made scrolling and the
first paint slower than this, so items are not cached.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from horus_desktop.domain.wording import counted
from horus_desktop.timeline.state import Marker, TrackItem, TrackState
from horus_desktop.ui import theme
from horus_desktop.ui.timeline import style

Z_GAP, Z_CLIP, Z_TRANSITION, Z_MARKER, Z_PLAYHEAD = 0, 1, 3, 4, 10
CACHE = QGraphicsItem.CacheMode.NoCache
LOD_PX = 3.0
STATUS_STRIP_PX = 4


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


_NAME_FONT = _font(8.5, True)
_INFO_FONT = _font(7.5)


class TrackItemGraphic(QGraphicsItem):
    """Base of the items of a track: a box of ``duration`` frames by the row height, at (start, row y)."""

    kind = ""

    def __init__(self, item: TrackItem, track: TrackState, y: float, height: float) -> None:
        super().__init__()
        self.item = item
        self.track = track
        self.height = height
        self.setPos(item.start, y)
        self.setCacheMode(CACHE)
        self._rect = QRectF(0, 0, max(item.duration, 0), height)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._rect

    def set_span(self, start: float, duration: float) -> None:
        """Show the item over other frames (while trimming or dragging)."""
        self.prepareGeometryChange()
        self.setX(start)
        self._rect = QRectF(0, 0, max(duration, 1), self.height)

    def device_rect(self, painter: QPainter) -> QRectF:
        """The item's box in device pixels (painting happens there)."""
        return painter.worldTransform().mapRect(self._rect)


class ClipItem(TrackItemGraphic):
    """A clip: filled by department or approval status, with name, shot and version; missing media hatched."""

    kind = "clip"

    def __init__(self, item: TrackItem, track: TrackState, y: float, height: float, colour_mode: str) -> None:
        super().__init__(item, track, y, height)
        self.colour_mode = colour_mode
        self.setZValue(Z_CLIP)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)

    def fill(self) -> QColor:
        """The colour the clip is drawn with (missing media has its own)."""
        if self.item.missing_media:
            return theme.MISSING_FILL
        return style.clip_colour(self.colour_mode, self.item.department, self.item.approval_status)

    def set_colour_mode(self, mode: str) -> None:
        """Colour by ``department`` or ``approval``."""
        if mode != self.colour_mode:
            self.colour_mode = mode
            self.update()

    def set_item(self, item: TrackItem) -> None:
        """Show the same clip's renewed item (a status or version changed; same place and length)."""
        self.item = item
        self.update()

    def status_fill(self) -> QColor:
        """The colour of the clip's approval status (its bottom strip)."""
        return style.clip_colour("approval", None, self.item.approval_status)

    def label(self) -> str:
        """The clip's name."""
        return self.item.name or (self.item.media_path or "").rsplit("/", 1)[-1]

    def info(self) -> str:
        """Shot, version, department and range, as written on the clip."""
        item = self.item
        parts = [p for p in (item.shot, item.version, item.department) if p]
        if item.is_latest_version is False:
            parts.append("(not latest)")
        first = item.source_start or 0
        parts.append(f"{first}-{first + item.duration - 1}")
        return "  ".join(parts)

    def tooltip(self) -> str:
        """Name, shot/version, status and where the media is (or that it is missing)."""
        item = self.item
        lines = [self.label(), self.info()]
        if item.approval_status:
            lines.append(f"status: {item.approval_status}")
        lines.append(f"timeline {item.start}-{item.end - 1} ({counted(item.duration, 'frame')})")
        lines.append("MISSING MEDIA: " + (item.media_path or "no path") if item.missing_media
                     else (item.media_path or ""))
        return "\n".join(lines)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,  # noqa: D102
              widget: QWidget | None = None) -> None:
        rect = self.device_rect(painter)
        if rect.width() < LOD_PX:  # zoomed far out: a coloured sliver
            painter.fillRect(self._rect.adjusted(0, 1.5, 0, -1.5), theme.MISSING_OUTLINE if self.item.missing_media
                             else self.fill())
            return
        painter.save()
        painter.resetTransform()
        box = rect.adjusted(0.5, 1.5, -0.5, -1.5)
        selected = self.isSelected()
        if self.item.missing_media:
            painter.fillRect(box, theme.MISSING_FILL)
            painter.fillRect(box, QBrush(theme.MISSING_HATCH, Qt.BrushStyle.BDiagPattern))
            pen = QPen(theme.SELECTED_OUTLINE if selected else theme.MISSING_OUTLINE, 2)
        else:
            fill = self.fill()
            painter.fillRect(box, fill)
            painter.fillRect(QRectF(box.left(), box.top(), box.width(), 3), fill.lighter(135))
            if self.kind == "clip":  # the status at a glance, whatever the colour mode
                painter.fillRect(QRectF(box.left(), box.bottom() - STATUS_STRIP_PX, box.width(), STATUS_STRIP_PX),
                                 self.status_fill().lighter(120))
            pen = QPen(theme.SELECTED_OUTLINE if selected else theme.CLIP_OUTLINE, 2 if selected else 1)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(box)
        if box.width() >= style.MIN_TEXT_WIDTH_PX:
            self._paint_text(painter, box)
        painter.restore()

    def _paint_text(self, painter: QPainter, box: QRectF) -> None:
        text_box = box.adjusted(5, 3, -4, -2)
        painter.setClipRect(box)
        painter.setFont(_NAME_FONT)
        painter.setPen(theme.CLIP_TEXT)
        name = self.label()
        if self.item.missing_media:
            name = f"⚠ {name}"
        metrics = painter.fontMetrics()
        painter.drawText(text_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(text_box.width())))
        if box.height() < 30:
            return
        painter.setFont(_INFO_FONT)
        painter.setPen(theme.CLIP_TEXT_DIM)
        info = "missing media  " + self.info() if self.item.missing_media else self.info()
        line = QRectF(text_box.left(), text_box.top() + metrics.height() + 1, text_box.width(), text_box.height())
        painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         painter.fontMetrics().elidedText(info, Qt.TextElideMode.ElideRight, int(line.width())))
        if self.item.is_latest_version and box.width() > 60:
            painter.setPen(theme.LATEST_STAR)
            painter.drawText(text_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, "★")


class StackItem(ClipItem):
    """A nested stack (its tracks are drawn as rows of their own)."""

    kind = "stack"

    def fill(self) -> QColor:  # noqa: D102
        return theme.STACK_FILL

    def info(self) -> str:  # noqa: D102
        return f"nested stack  {counted(self.item.duration, 'frame')}"


class GapItem(TrackItemGraphic):
    """Empty frames: a dashed outline."""

    kind = "gap"

    def __init__(self, item: TrackItem, track: TrackState, y: float, height: float, colour_mode: str = "") -> None:
        super().__init__(item, track, y, height)
        self.setZValue(Z_GAP)

    def tooltip(self) -> str:
        """Length and frames of the gap."""
        return f"gap: {counted(self.item.duration, 'frame')} ({self.item.start}-{self.item.end - 1})"

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,  # noqa: D102
              widget: QWidget | None = None) -> None:
        rect = self.device_rect(painter)
        if rect.width() < LOD_PX:
            return
        painter.save()
        painter.resetTransform()
        pen = QPen(theme.GAP_OUTLINE, 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = rect.adjusted(1.5, 4.5, -1.5, -4.5)
        painter.drawRect(box)
        if box.width() > 40:
            painter.setFont(_INFO_FONT)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "gap")
        painter.restore()


class TransitionItem(TrackItemGraphic):
    """A transition across a cut: a bow tie over the frames it blends."""

    kind = "transition"

    def __init__(self, item: TrackItem, track: TrackState, y: float, height: float, colour_mode: str = "") -> None:
        super().__init__(item, track, y, height)
        self.setZValue(Z_TRANSITION)

    def tooltip(self) -> str:
        """Type and length of the transition."""
        item = self.item
        frames = "frame" if item.in_offset + item.out_offset == 1 else "frames"  # of the sum: "1 + 0 frame"
        return (f"{item.transition_type or 'transition'}: {item.in_offset} + {item.out_offset} {frames} "
                f"around frame {item.start + item.in_offset}")

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,  # noqa: D102
              widget: QWidget | None = None) -> None:
        rect = self.device_rect(painter)
        painter.save()
        painter.resetTransform()
        box = rect.adjusted(0, 6, 0, -6)
        if box.width() < 6:  # too short to draw a bow tie at this zoom: a bar over the cut
            box = QRectF(box.center().x() - 3, box.top(), 6, box.height())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(theme.TRANSITION_FILL)
        painter.setPen(QPen(theme.TRANSITION_LINE, 1.2))
        painter.drawPolygon(QPolygonF([box.topLeft(), box.bottomRight(), box.topRight(), box.bottomLeft()]))
        painter.restore()


class MarkerItem(QGraphicsItem):
    """A marker (a note at its frame): a small flag of fixed size, with the note as its tooltip."""

    kind = "marker"
    SIZE = 9

    def __init__(self, marker: Marker, y: float) -> None:
        super().__init__()
        self.marker = marker
        self.setPos(marker.frame, y)
        self.setZValue(Z_MARKER)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setCacheMode(CACHE)

    def tooltip(self) -> str:
        """Who wrote the note, its status, frame and text."""
        m = self.marker
        if m.kind == "drawing":
            return f"drawing · frame {m.frame} (media frame {m.source_frame})"
        head = m.author or "marker"
        if m.status:
            head += f" · {m.status}"
        frame = f"frame {m.frame}" + (f" (media frame {m.source_frame})" if m.source_frame is not None else "")
        return f"{head} · {frame}\n{m.text or m.name}"

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        if self.marker.kind == "drawing":
            return QRectF(-self.SIZE / 2 - 1, -1, self.SIZE + 2, self.SIZE + 2)
        return QRectF(-1, 0, self.SIZE + 2, self.SIZE + 6)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,  # noqa: D102
              widget: QWidget | None = None) -> None:
        if self.marker.kind == "drawing":
            self._paint_drawing(painter)
            return
        colour = style.marker_colour(self.marker.color)
        if self.marker.status == "resolved":
            colour = colour.darker(160)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour.lighter(130), 1))
        painter.drawLine(QPointF(0, 0), QPointF(0, self.SIZE + 5))
        path = QPainterPath()
        path.addPolygon(QPolygonF([QPointF(0, 0), QPointF(self.SIZE, self.SIZE / 2 - 1), QPointF(0, self.SIZE - 1)]))
        painter.fillPath(path, colour)

    def _paint_drawing(self, painter: QPainter) -> None:
        """A drawn frame: a diamond on the clip's bottom edge (the item sits its size above that edge)."""
        half = self.SIZE / 2
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(theme.DRAWING_MARK_EDGE, 1))
        painter.setBrush(theme.DRAWING_MARK)
        painter.drawPolygon(QPolygonF([QPointF(0, 0), QPointF(half, half), QPointF(0, self.SIZE),
                                       QPointF(-half, half)]))


ITEM_CLASSES: dict[str, type[Any]] = {
    "clip": ClipItem,
    "gap": GapItem,
    "transition": TransitionItem,
    "stack": StackItem,
    "marker": MarkerItem,
}
"""OTIO type -> graphics item class (the one lookup table)."""


def make_item(item: TrackItem, track: TrackState, y: float, height: float, colour_mode: str) -> TrackItemGraphic:
    """The graphics item of a track item, through :data:`ITEM_CLASSES`."""
    return ITEM_CLASSES[item.kind](item, track, y, height, colour_mode)
