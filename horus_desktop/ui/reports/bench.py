"""``horus bench export``: a 50-shot playlist with 200 notes and 100 annotated frames written to PDF and to HTML,
against decoding and colouring the same 100 frames alone (the floor any export stands on), in one run."""

from __future__ import annotations

import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from horus_desktop.media.colour import default_colour_config
from horus_desktop.media.synthetic import SIZE_2K, write_jpeg_sequence
from horus_desktop.services import notes as notes_service
from horus_desktop.services.notes import Author
from horus_desktop.services.notes_report import playlist_report
from horus_desktop.services.report_frames import decode_frames
from horus_desktop.store import Store
from horus_desktop.ui import theme
from horus_desktop.ui.reports.export import export_report
from horus_desktop.ui.reports.headless import headless_app

START = 1001


def _fill(store: Store, folder: Path, shots: int, size: tuple[int, int]) -> str:
    """``shots`` two-frame JPEG sequences, each with a drawing on both frames and four notes (a frame note
    with a reply, a second frame note, a general note); returns the playlist id."""
    ana, bo = Author("ana", "Ana Ruiz"), Author("bo", "Bo Lindqvist")
    clips = []
    for i in range(shots):
        shot = f"sh{(i + 1) * 10:04d}"
        pattern = write_jpeg_sequence(folder / shot, 2, size=size, start=START, name=shot)
        media = store.media.create(file_path=pattern, file_name=Path(pattern).name, project_id="bench", shot=shot,
                                   version="v001", version_number=1, department="comp", artist_name="Ana Ruiz",
                                   frame_rate=Decimal("24"), start_frame=START, end_frame=START + 1,
                                   resolution=f"{size[0]}x{size[1]}")
        store.annotations.add_many([dict(media_id=media.id, frame_number=f, annotation_type="rectangle",
                                         coordinates={"v": 1, "x": 0.2, "y": 0.2, "w": 0.4, "h": 0.3},
                                         user_id="ana", user_name="Ana Ruiz", style_properties={"color": theme.DRAW_DEFAULT})
                                    for f in (START, START + 1)])
        first = notes_service.add_note(store, media.id, f"{shot}: edge flickers on the left", ana, frame=START)
        notes_service.reply(store, first.comment.id, "Fixed in the next version", bo)
        notes_service.add_note(store, media.id, "Grade is a touch warm", bo, frame=START + 1)
        notes_service.add_note(store, media.id, "Timing works", ana)
        clips.append(dict(media_path=pattern, media_id=media.id, track_name="V1", track_type="video", track_index=0,
                          start_time_frames=i * 2, duration_frames=2, clip_order=i))
    return str(store.timelines.create(name="Bench dailies", project_id="bench", timeline_type="dailies",
                                      created_by="ana", clips=clips).id)


def bench_export(shots: int = 50, *, size: tuple[int, int] = SIZE_2K, image_width: int = 960) -> dict[str, Any]:
    """Measure; print a table on stderr; return the figures."""
    headless_app()
    colour = default_colour_config()
    figures: dict[str, Any] = {"shots": shots, "frame_size": f"{size[0]}x{size[1]}", "image_width": image_width}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store.open(folder / "bench.sqlite")
        try:
            playlist = _fill(store, folder / "media", shots, size)
            started = time.perf_counter()
            report = playlist_report(store, playlist, reviewer="bench")
            figures["report_read_s"] = time.perf_counter() - started
        finally:
            store.close()
        counts = report.counts()
        figures.update(notes=counts["notes"], annotated_frames=counts["annotated_frames"])
        started = time.perf_counter()
        decoded = sum(1 for m in report.media()
                      for _ in decode_frames(m.media, [f.frame for f in m.frames], colour))
        figures["baseline_decode_render_s"] = time.perf_counter() - started
        figures["frames"] = decoded
        for fmt in ("pdf", "html"):
            out = folder / f"report.{fmt}"
            started = time.perf_counter()
            export_report(report, fmt, out, colour, image_width=image_width)
            figures[f"{fmt}_s"] = time.perf_counter() - started
            figures[f"{fmt}_mb"] = out.stat().st_size / 1e6
    base = figures["baseline_decode_render_s"]
    print(f"export bench: {shots} shots, {figures['notes']} notes, {figures['frames']} frames "
          f"({figures['frame_size']}, images {image_width} px wide)", file=sys.stderr)
    print(f"  report read from the store   {figures['report_read_s']:7.2f} s", file=sys.stderr)
    print(f"  decode + colour alone        {base:7.2f} s  (baseline)", file=sys.stderr)
    for fmt in ("pdf", "html"):
        print(f"  {fmt.upper():4} whole export           {figures[f'{fmt}_s']:7.2f} s  "
              f"({figures[f'{fmt}_s'] / base:.2f}x baseline, {figures[f'{fmt}_mb']:.1f} MB)", file=sys.stderr)
    return figures
