"""Track view figures for ``horus bench playlist``: open a playlist in the view (off-screen), then time
scroll and zoom redraws by rendering the view into a QImage, beside OpenTimelineIO's read of the file."""

from __future__ import annotations

import os
import statistics
import time
import uuid
from typing import TYPE_CHECKING, Any

from horus_desktop.timeline.state import load_state

if TYPE_CHECKING:
    from horus_desktop.store import Store


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 2)}


def track_view_figures(store: Store, playlist_id: uuid.UUID, *, redraws: int = 40,
                       size: tuple[int, int] = (1600, 320)) -> dict[str, Any]:
    """Open ``playlist_id`` in a TrackView and time its redraws (needs no display: uses Qt's offscreen)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from horus_desktop.ui.timeline.view import TrackView

    app = QApplication.instance() or QApplication(["horus-bench"])
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)

    def render(view: TrackView) -> float:
        started = time.perf_counter()
        painter = QPainter(image)
        view.render(painter)
        painter.end()
        return time.perf_counter() - started

    started = time.perf_counter()
    state = load_state(store, playlist_id)
    loaded = time.perf_counter() - started
    view = TrackView()
    view.resize(*size)
    view.show()
    app.processEvents()
    built_at = time.perf_counter()
    view.set_state(state)
    view.fit()
    built = time.perf_counter() - built_at
    first_paint = render(view)
    open_s = loaded + built + first_paint
    view.zoom_at(view.viewport().width() / 600 / view.px_per_frame, 0)  # 600 frames on screen: text on clips
    bar = view.horizontalScrollBar()
    render(view)
    scroll = []
    for i in range(redraws):
        bar.setValue(bar.minimum() + (bar.maximum() - bar.minimum()) * i // max(redraws - 1, 1))
        app.processEvents()
        scroll.append(render(view))
    zoom = []
    for i in range(redraws):
        view.zoom_at(1.25 if i % 8 < 4 else 0.8, view.viewport().width() / 2)
        app.processEvents()
        zoom.append(render(view))
    view.fit()
    app.processEvents()
    fitted = [render(view) for _ in range(5)]
    items = len(view.scene().items())
    view.close()
    view.deleteLater()
    app.processEvents()
    return {"view_open_s": round(open_s, 4), "view_state_load_s": round(loaded, 4), "view_build_s": round(built, 4),
            "view_first_paint_s": round(first_paint, 4), "view_items": items, "scroll_redraw": _ms(scroll),
            "zoom_redraw": _ms(zoom), "whole_playlist_redraw": _ms(fitted)}
