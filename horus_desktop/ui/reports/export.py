"""Writing a notes report to PDF (Qt's own PDF writer), HTML (one self-contained file) or CSV (plus the
frame images beside it), with every noted or drawn frame burned in by :class:`FrameBurner`.

Decoding (the slow part) goes through services/report_frames.py and may run anywhere; composing the
drawings and writing the PDF need Qt and run on the thread that owns the application, one frame at a time.
Every file is written beside its target and renamed over it at the end: a failed export leaves nothing
half-written.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, Qt, QUrl
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from horus_desktop.media.colour import ColourConfig
from horus_desktop.services.media_paths import MediaPaths
from horus_desktop.services.notes_report import NotesReport
from horus_desktop.services.report_csv import write_csv
from horus_desktop.services.report_html import report_html
from horus_desktop.ui.reports.burn_in import FrameBurner
from horus_desktop.ui.reports.keep_together import keep_frames_with_pictures, text_column_width

FORMATS = ("pdf", "html", "csv")
FrameKey = tuple[uuid.UUID, int]
Progress = Callable[[int, int, str], None]
#: ``cancelled()`` is true once the user cancelled the export (a job's cancel event's ``is_set``).
Cancelled = Callable[[], bool]


@dataclass
class ExportResult:
    """What an export wrote: the file, the frame images it holds (or wrote beside it), the problems seen."""

    path: Path
    frames: int = 0
    notes: int = 0
    problems: dict[FrameKey, str] = field(default_factory=dict)
    image_files: list[Path] = field(default_factory=list)
    #: The export was cancelled: nothing was written (like ingest's report, a cancel is a result, not an error).
    cancelled: bool = False


def frame_count(report: NotesReport) -> int:
    """How many frame images a report holds."""
    return sum(len(m.frames) for m in report.media())


def burn_report_frames(report: NotesReport, colour: ColourConfig, *, image_width: int,
                       paths: MediaPaths | None = None, progress: Progress | None = None,
                       ) -> tuple[dict[FrameKey, QImage], dict[FrameKey, str]]:
    """Every frame of the report with its drawings, scaled to ``image_width``, and the problems met
    (missing file, damaged frame) by frame."""
    from horus_desktop.services.report_frames import decode_frames  # the decoders load with the first report

    burner = FrameBurner()
    images: dict[FrameKey, QImage] = {}
    problems: dict[FrameKey, str] = {}
    total, done = frame_count(report), 0
    for entry in report.media():
        by_frame = {f.frame: f for f in entry.frames}
        for number, decoded in decode_frames(entry.media, list(by_frame), colour, paths):
            image = burner.render(decoded.shown, decoded.size, by_frame[number].drawings)
            if image.width() != image_width:
                image = image.scaledToWidth(image_width, Qt.TransformationMode.SmoothTransformation)
            images[(entry.media.id, number)] = image
            if decoded.shown.error:
                problems[(entry.media.id, number)] = decoded.shown.error
            done += 1
            if progress:
                progress(done, total, f"{entry.media.shot or entry.media.file_name} frame {number}")
    return images, problems


def encoded(image: QImage, fmt: str = "JPEG", quality: int = 90) -> bytes:
    """An image's file bytes (JPEG or PNG)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt, quality):
        raise OSError(f"could not encode a frame image as {fmt}")
    buffer.close()
    return bytes(data.data())


def _finish(partial: Path, path: Path, cancelled: Cancelled) -> bool:
    """Rename the finished ``partial`` over ``path``, or remove it when the export was cancelled meanwhile
    (then true)."""
    if cancelled():
        partial.unlink(missing_ok=True)
        return True
    os.replace(partial, path)
    return False


def _write_html(report: NotesReport, path: Path, images: dict[FrameKey, QImage], problems: dict[FrameKey, str],
                width: int, cancelled: Cancelled) -> bool:
    uris = {key: "data:image/jpeg;base64," + base64.b64encode(encoded(img)).decode("ascii")
            for key, img in images.items()}
    html = report_html(report, lambda m, f: uris.get((m, f)), image_width=width, problems=problems)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    return _finish(partial, path, cancelled)


def _write_pdf(report: NotesReport, path: Path, images: dict[FrameKey, QImage], problems: dict[FrameKey, str],
               width: int, cancelled: Cancelled) -> bool:
    doc = QTextDocument()
    font = QFont("DejaVu Sans", 10)
    # No "fi"/"fl" ligatures: text copied or searched in the PDF reads as typed.
    font.setFeature(QFont.Tag("liga"), 0)
    doc.setDefaultFont(font)
    option = doc.defaultTextOption()
    option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)  # a Hebrew or Arabic note reads right to left
    doc.setDefaultTextOption(option)
    names: dict[FrameKey, str] = {}
    for index, (key, image) in enumerate(images.items()):
        names[key] = f"horus-frame-{index}.png"
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(names[key]), image)
    partial = path.with_name(path.name + ".partial")
    writer = QPdfWriter(str(partial))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle(report.title)
    writer.setCreator("Horus")
    writer.setResolution(150)
    # Frames no wider than the text column, so they stay inside the page's margins.
    column = text_column_width(writer)
    doc.setHtml(report_html(report, lambda m, f: names.get((m, f)), image_width=min(width, column),
                            problems=problems))
    keep_frames_with_pictures(doc, writer)
    doc.print_(writer)  # an unpaginated document is paginated for the page, with page numbers at the foot
    del writer  # the file is finished when the writer goes
    return _finish(partial, path, cancelled)


def write_report(report: NotesReport, fmt: str, path: Path, images: dict[FrameKey, QImage],
                 problems: dict[FrameKey, str], *, image_width: int = 960,
                 cancelled: Cancelled = lambda: False) -> ExportResult:
    """Write ``report`` with its burned-in ``images`` as ``fmt`` (pdf, html, csv) to ``path``; once
    ``cancelled()`` is true it stops, removes what it wrote and returns a result marked ``cancelled``.

    Uses only QtGui's reentrant classes (QImage, QTextDocument, QPdfWriter): it may run on a job's thread."""
    if fmt not in FORMATS:
        raise ValueError(f"format: {fmt!r}; one of {', '.join(FORMATS)}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"{path.parent}: no such folder")
    result = ExportResult(path, frames=len(images), problems=dict(problems),
                          notes=sum(len(t.walk()) for m in report.media() for t in m.threads()))
    if fmt == "html":
        result.cancelled = _write_html(report, path, images, problems, image_width, cancelled)
    elif fmt == "pdf":
        result.cancelled = _write_pdf(report, path, images, problems, image_width, cancelled)
    else:
        folder = path.with_name(path.stem + "_frames")
        folder.mkdir(exist_ok=True)
        written: dict[FrameKey, str] = {}
        media = {m.media.id: m.media for m in report.media()}
        for key, image in images.items():
            if cancelled():
                break
            record = media[key[0]]
            name = f"{record.shot or 'media'}_{record.version or ''}_{key[1]}_{str(key[0])[:8]}.png"
            target = folder / name
            if not image.save(str(target), "PNG"):
                raise OSError(f"{target}: could not write the frame image")
            result.image_files.append(target)
            written[key] = f"{folder.name}/{name}"
        result.cancelled = cancelled()
        if result.cancelled:  # the images of a cancelled export go with it (the folder too, if left empty)
            for target in result.image_files:
                target.unlink(missing_ok=True)
            result.image_files.clear()
            if not any(folder.iterdir()):
                folder.rmdir()
        else:
            write_csv(report, path, written)
    return result


def export_report(report: NotesReport, fmt: str, path: Path, colour: ColourConfig, *, image_width: int = 960,
                  paths: MediaPaths | None = None, progress: Progress | None = None) -> ExportResult:
    """Burn in the frames of ``report`` and write it as ``fmt`` to ``path``, all on this thread (the CLI)."""
    if fmt not in FORMATS:
        raise ValueError(f"format: {fmt!r}; one of {', '.join(FORMATS)}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"{path.parent}: no such folder")
    images, problems = burn_report_frames(report, colour, image_width=image_width, paths=paths, progress=progress)
    return write_report(report, fmt, path, images, problems, image_width=image_width)
