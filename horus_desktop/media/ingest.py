"""Ingest of folder trees: find media, parse the hierarchy, probe, hash on workers, write media records.

Re-ingesting an unchanged tree re-hashes nothing (size + modification time compared with the stored
record) and creates no duplicates; a changed file updates its record. Damaged files are reported with
their path and reason and the ingest goes on. All database calls run on the calling thread; workers only
probe, hash and make thumbnails.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from horus_desktop.media.errors import MediaError
from horus_desktop.media.hashing import default_workers, sha256_media
from horus_desktop.media.probe import ProbeResult, probe_media
from horus_desktop.media.sequences import MediaItem, scan_media
from horus_desktop.media.templates import Hierarchy, PathTemplate, parse_hierarchy
from horus_desktop.media.thumbnails import ThumbnailFile, make_thumbnails

Progress = Callable[[int, int, str], None]
UNVERSIONED = "v001"


class StoreLike(Protocol):
    """What ingest uses of `horus_desktop.store.Store`: `media`, `thumbnails`, `projects`, `files_dir`."""

    media: Any
    thumbnails: Any
    projects: Any


@dataclass(frozen=True)
class IngestProblem:
    """A file that could not be ingested (or a damaged frame of an ingested sequence)."""

    path: str
    reason: str


@dataclass
class IngestReport:
    """What an ingest did."""

    root: str
    found: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[IngestProblem] = field(default_factory=list)
    thumbnails: int = 0
    hashed_bytes: int = 0
    seconds: float = 0.0
    cancelled: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class _Prepared:
    item: MediaItem
    probe: ProbeResult | None
    file_hash: str | None
    error: MediaError | None


def _timestamp(value: datetime | None) -> float | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _unchanged(existing: Any, probe: ProbeResult) -> bool:
    stored = _timestamp(existing.file_modified_at)
    return (existing.file_size == probe.file_size and stored is not None
            and abs(stored - probe.mtime) < 1e-3 and bool(existing.file_hash))


def _prepare(item: MediaItem, existing: Any, cancel: threading.Event) -> _Prepared:
    try:
        probe = probe_media(item)
        if cancel.is_set() or (existing is not None and _unchanged(existing, probe)):
            return _Prepared(item, probe, None, None)
        readable = [p for p in item.files if os.path.getsize(p) > 0] or list(item.files)
        return _Prepared(item, probe, sha256_media(readable), None)
    except MediaError as exc:
        return _Prepared(item, None, None, exc)
    except OSError as exc:
        return _Prepared(item, None, None, MediaError(item.path, exc.strerror or str(exc)))


def _templates(store: StoreLike, project: str | None, template: str | None) -> list[PathTemplate] | None:
    if template:
        return [PathTemplate(template)]
    if project:
        config = store.projects.get(project)
        if config is not None and config.path_templates:
            return [PathTemplate(t) for t in config.path_templates]
    return None


def _record_values(item: MediaItem, probe: ProbeResult, hierarchy: Hierarchy, project: str,
                   user: str | None) -> dict[str, Any]:
    fps = probe.fps
    return {
        "file_path": item.path,
        "file_name": os.path.basename(item.path),
        "file_size": probe.file_size,
        "mime_type": probe.mime_type,
        "project_id": project,
        "episode": hierarchy.episode,
        "sequence": hierarchy.sequence,
        "shot": hierarchy.shot,
        "version": hierarchy.version or UNVERSIONED,
        "version_number": hierarchy.version_number if hierarchy.version else 1,
        "department": hierarchy.department,
        "task_type": hierarchy.task_type,
        "artist_id": user,
        "resolution": probe.resolution,
        "frame_rate": float(fps) if fps else None,
        "frame_rate_rational": f"{fps.numerator}/{fps.denominator}" if fps else None,
        "color_space": probe.colour_space,
        "bit_depth": probe.bit_depth,
        "compression": probe.compression,
        "start_frame": probe.start_frame,
        "end_frame": probe.end_frame,
        "frame_count": probe.frame_count,
        "file_modified_at": datetime.fromtimestamp(probe.mtime, tz=UTC),
        "media_kind": str(item.kind),
        "missing_frames": list(probe.missing_frames),
        "extra_metadata": {"fps_source": probe.fps_source, "codec": probe.codec,
                           "empty_frames": list(probe.empty_frames)},
    }


def ingest_tree(
    store: StoreLike,
    root: str | Path,
    *,
    project: str | None = None,
    template: str | None = None,
    user: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    thumbnails: bool = False,
    thumbnail_dir: str | Path | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Ingest the media under `root` (a folder or a file) into `store`; see the module docstring.

    `project` overrides the project found in paths (default: the first folder below `root`, else the
    root's own name); `template` overrides the project's stored path templates.
    """
    started = time.perf_counter()
    root = Path(root).resolve()
    cancel = cancel or threading.Event()
    report = IngestReport(root=str(root))
    items = list(scan_media(root))
    report.found = len(items)
    templates = _templates(store, project, template)
    anchor = root if root.is_dir() else root.parent
    touched: set[tuple[str, str | None, str | None, str | None]] = set()
    thumbs_wanted: list[tuple[str, MediaItem]] = []
    with ThreadPoolExecutor(max_workers=workers or default_workers(), thread_name_prefix="horus-ingest") as pool:
        futures: list[tuple[Any, Future[_Prepared]]] = []
        for item in items:
            existing = store.media.get_by_path(item.path)
            futures.append((existing, pool.submit(_prepare, item, existing, cancel)))
        for done, (existing, future) in enumerate(futures, start=1):
            if cancel.is_set():
                report.cancelled = True
                for _, later in futures[done - 1 :]:
                    later.cancel()
                break
            prepared = future.result()
            item = prepared.item
            if progress is not None:
                progress(done, len(futures), item.path)
            if prepared.error is not None or prepared.probe is None:
                error = prepared.error
                report.problems.append(IngestProblem(error.path if error else item.path,
                                                     error.reason if error else "not probed"))
                continue
            probe = prepared.probe
            report.problems.extend(
                IngestProblem(item.file_for_frame(f), "empty file (0 bytes)") for f in probe.empty_frames
            )
            if prepared.file_hash is None:
                report.unchanged.append(str(existing.id))
                continue
            report.hashed_bytes += probe.file_size
            hierarchy = parse_hierarchy(item.path, templates, anchor)
            project_id = project or hierarchy.project or anchor.name
            values = _record_values(item, probe, hierarchy, project_id, user)
            values["file_hash"] = prepared.file_hash
            try:
                if existing is None:
                    record = store.media.create(**values)
                    report.created.append(str(record.id))
                else:
                    record = store.media.update(existing.id, **values)
                    report.updated.append(str(record.id))
            except (ValueError, LookupError) as exc:
                report.problems.append(IngestProblem(item.path, f"not recorded: {exc}"))
                continue
            touched.add((project_id, values["shot"], values["department"], values["task_type"]))
            if existing is not None and existing.project_id != project_id:
                touched.add((existing.project_id, existing.shot, existing.department, existing.task_type))
            thumbs_wanted.append((str(record.id), item))
        for group in sorted(touched, key=lambda g: tuple(x or "" for x in g)):
            store.media.refresh_latest_versions(*group)
        if thumbnails and thumbs_wanted and not cancel.is_set():
            folder = Path(thumbnail_dir) if thumbnail_dir else Path(store.files_dir) / "thumbnails"
            report.thumbnails = _make_thumbnails(store, pool, thumbs_wanted, folder, report, cancel)
    report.seconds = time.perf_counter() - started
    return report


def _make_thumbnails(store: StoreLike, pool: ThreadPoolExecutor, wanted: list[tuple[str, MediaItem]],
                     folder: Path, report: IngestReport, cancel: threading.Event) -> int:
    jobs = [(media_id, pool.submit(make_thumbnails, item, folder, media_id)) for media_id, item in wanted]
    count = 0
    for media_id, future in jobs:
        if cancel.is_set():
            future.cancel()
            continue
        try:
            files: list[ThumbnailFile] = future.result()
        except MediaError as exc:
            report.problems.append(IngestProblem(exc.path, f"thumbnail: {exc.reason}"))
            continue
        for thumb in files:
            store.thumbnails.upsert(media_id, thumb.size, thumb.path, thumbnail_hash=thumb.sha256,
                                    frame_number=thumb.frame_number)
            count += 1
    return count


def format_ingest_report(report: IngestReport) -> str:
    """A few lines for the terminal."""
    lines = [
        f"{report.root}: {report.found} media found, {len(report.created)} created, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, {len(report.problems)} problems"
        f"{' (cancelled)' if report.cancelled else ''} in {report.seconds:.1f} s",
    ]
    if report.thumbnails:
        lines.append(f"{report.thumbnails} thumbnails written")
    lines += [f"  {p.path}: {p.reason}" for p in report.problems]
    return "\n".join(lines)
