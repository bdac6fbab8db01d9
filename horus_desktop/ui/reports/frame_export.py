"""Burned-in frames written as image files: the current frame (File > Export Frame…) or every noted or drawn
frame of a report (``horus export frames``), as PNG, JPEG or EXR, with an optional slate line.

EXR frames hold the burned-in display image (what the viewer shows, display-referred, 0..1 half floats), not
scene-linear plates: they are for sending a note's picture, not for comp.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from horus_desktop.domain.records import Annotation, AnnotationLayer, MediaRecord
from horus_desktop.media.colour import ColourConfig
from horus_desktop.playback.session import ShownFrame
from horus_desktop.services.media_paths import MediaPaths
from horus_desktop.services.notes_report import NotesReport, frame_timecode
from horus_desktop.ui.reports.burn_in import FrameBurner, qimage_pixels

FRAME_FORMATS = ("png", "jpg", "exr")


def slate_line(media: MediaRecord, frame: int, author: str | None = None) -> str:
    """The slate: shot, version, frame, timecode and who wrote the notes there."""
    parts = [media.shot or media.file_name, media.version, f"frame {frame}", frame_timecode(media, frame), author]
    return "  ·  ".join(p for p in parts if p)


def save_image(image: QImage, path: Path) -> None:
    """Write ``image`` as PNG, JPEG or EXR (by the suffix), beside the target first then renamed over it."""
    fmt = path.suffix.lower().lstrip(".")
    fmt = "jpg" if fmt == "jpeg" else fmt
    if fmt not in FRAME_FORMATS:
        raise ValueError(f"{path}: the format must be one of {', '.join(FRAME_FORMATS)}")
    partial = path.with_name(path.stem + ".partial" + path.suffix)
    if fmt == "exr":
        from horus_desktop.media.synthetic import write_exr  # the writers load with the first export

        write_exr(partial, (qimage_pixels(image).astype(np.float32) / 255.0).astype(np.float16))
    elif not image.save(str(partial), "PNG" if fmt == "png" else "JPEG", 95):
        raise OSError(f"{path}: could not write the image")
    os.replace(partial, path)


def burn_frame(shown: ShownFrame, size: tuple[int, int], drawings: Sequence[Annotation],
               layers: Sequence[AnnotationLayer] = (), slate: str | None = None) -> QImage:
    """One frame with its drawings (and slate), as the viewer shows it."""
    return FrameBurner().render(shown, size, drawings, layers, slate=slate)


def _safe(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_") or "media"


def export_report_frames(report: NotesReport, folder: Path, colour: ColourConfig, *, fmt: str = "png",
                         slate: bool = False, paths: MediaPaths | None = None,
                         progress: Callable[[int, int, str], None] | None = None) -> list[Path]:
    """Every noted or drawn frame of the report, burned in, into ``folder`` (one file per frame)."""
    if fmt not in FRAME_FORMATS:
        raise ValueError(f"format: {fmt!r}; one of {', '.join(FRAME_FORMATS)}")
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder")
    from horus_desktop.services.report_frames import decode_frames  # the decoders load with the first export

    burner = FrameBurner()
    written: list[Path] = []
    total = sum(len(m.frames) for m in report.media())
    for entry in report.media():
        by_frame = {f.frame: f for f in entry.frames}
        stem = _safe(f"{entry.media.shot or entry.media.file_name}_{entry.media.version}")
        for number, decoded in decode_frames(entry.media, list(by_frame), colour, paths):
            frame = by_frame[number]
            authors = ", ".join(dict.fromkeys(t.comment.user_name for t in frame.threads)) or None
            text = slate_line(entry.media, number, authors) if slate else None
            image = burner.render(decoded.shown, decoded.size, frame.drawings, slate=text)
            target = folder / f"{stem}_{number:06d}_{str(entry.media.id)[:8]}.{fmt}"
            save_image(image, target)
            written.append(target)
            if progress:
                progress(len(written), total, target.name)
    return written

