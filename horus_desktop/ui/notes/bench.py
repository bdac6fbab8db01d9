"""``horus bench notes``: the notes panel with 2,000 notes on one media (time to first paint) and a frame with
500 strokes (time to build and draw the scene into a QImage), off-screen on a throwaway store."""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any


def bench_notes(notes: int = 2000, strokes: int = 500, *, as_json: bool = False) -> dict[str, Any]:
    """Measure and print the figures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication, QGraphicsScene

    from horus_desktop.domain.shapes import Shape, Style
    from horus_desktop.services import notes as notes_service
    from horus_desktop.store import Store
    from horus_desktop.ui.annotate.canvas import AnnotationCanvas
    from horus_desktop.ui.current_user import CurrentUser
    from horus_desktop.ui.db_worker import DbWorker
    from horus_desktop.ui.gc_on_ui_thread import UiThreadGarbageCollector
    from horus_desktop.ui.notes.panel import NotesPanel
    from horus_desktop.ui.store_events import StoreEvents
    from horus_desktop.ui.theme import DRAW_DEFAULT

    app = QApplication.instance() or QApplication(["horus-bench"])
    UiThreadGarbageCollector(app)  # a DB worker runs here too: no collection on its thread
    rng = random.Random(5)
    figures: dict[str, Any] = {"notes": notes, "strokes": strokes}
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.sqlite")
        try:
            media = store.media.create(file_path=f"{folder}/shot.1001.exr", file_name="shot.1001.exr",
                                    project_id="bench", version="v001")
            roots: list[uuid.UUID] = []
            rows: list[dict[str, Any]] = []
            for i in range(notes):
                parent = rng.choice(roots) if roots and i % 3 == 0 else None
                text = f"Note {i}: **edge** on the _left_ flickers, see frame {1001 + i % 100}\n\n- one\n- two"
                rows.append(dict(id=uuid.uuid4(), media_id=media.id, content=text, user_id=f"user{i % 7}",
                                 user_name=f"User {i % 7}", frame_number=1001 + i % 100, parent_id=parent,
                                 notify=False))
                if parent is None:
                    roots.append(rows[-1]["id"])
            notes_service.add_notes(store, rows)
            start = time.perf_counter()
            threads, carried = notes_service.load_notes(store, media.id)
            figures["notes_query_s"] = round(time.perf_counter() - start, 4)
            db = DbWorker()
            events = StoreEvents(store.subscribe)
            panel = NotesPanel(store, db, events, CurrentUser("user1"))
            panel.resize(420, 900)
            panel.show()
            app.processEvents()
            start = time.perf_counter()
            panel.set_media(media, notes=(threads, carried))
            image = QImage(panel.size(), QImage.Format.Format_ARGB32)
            panel.render(image)
            figures["notes_first_paint_s"] = round(time.perf_counter() - start, 4)
            start = time.perf_counter()
            panel.view.verticalScrollBar().setValue(panel.view.verticalScrollBar().maximum() // 2)
            panel.render(image)
            figures["notes_scroll_repaint_s"] = round(time.perf_counter() - start, 4)
            events.close()
            db.shutdown()
            panel.close()
            rows = []
            for _i in range(strokes):
                x, y = rng.random() * 0.8, rng.random() * 0.8
                points = tuple((x + k * 0.004, y + rng.random() * 0.02, 0.5 + rng.random() / 2) for k in range(40))
                shape = Shape("freehand", points=points, style=Style(color=DRAW_DEFAULT, width=0.004))
                rows.append(dict(media_id=media.id, frame_number=1001, user_id="u", user_name="U",
                                 **shape.row_fields()))
            stored = store.annotations.add_many(rows)
            scene = QGraphicsScene()
            canvas = AnnotationCanvas(scene)
            start = time.perf_counter()
            canvas.set_annotations(stored, (1920, 1080))
            canvas.show_frame(1001)
            figures["strokes_build_s"] = round(time.perf_counter() - start, 4)
            frame = QImage(1920, 1080, QImage.Format.Format_ARGB32_Premultiplied)
            frame.fill(0)
            start = time.perf_counter()
            painter = QPainter(frame)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            scene.render(painter, QRectF(0, 0, 1920, 1080), QRectF(0, 0, 1920, 1080))
            painter.end()
            figures["strokes_draw_s"] = round(time.perf_counter() - start, 4)
            figures["strokes_on_scene"] = canvas.item_count()
        finally:
            store.close()
    if as_json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"notes panel, {notes} notes on one media: query {figures['notes_query_s']:.3f} s, "
              f"first paint {figures['notes_first_paint_s']:.3f} s, "
              f"scroll repaint {figures['notes_scroll_repaint_s']:.3f} s")
        print(f"frame with {strokes} strokes (pressure, 40 points each): build scene {figures['strokes_build_s']:.3f} s, "
              f"draw into a 1920x1080 QImage {figures['strokes_draw_s']:.3f} s")
    return figures
