"""Import a Montu JSON database folder into a Horus store: ``import_montu(store, directory)``.

Reads media records, notes (``annotations.json`` or ``notes.json``), playlists, tasks and project configs,
in the seed's field style (``_id``, ``storage_url``, ``created_by``, ``status``, ``linked_task_id``) and in
that of real Montu exports (``file_path``, ``author``, ``approval_status``, ``metadata{...}``, ...).

Every Horus id is derived from the Montu ``_id`` (``uuid5``), so running the import again finds what it
wrote and changes nothing. Each record is written in its own transaction(s) through the repositories; a
record that cannot be read is reported (file and ``_id``) and the others are imported.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from horus_desktop.domain.records import MediaRecord, ProjectConfig
from horus_desktop.domain.vocabulary import normalize_approval_status
from horus_desktop.migrate import montu_fields as f
from horus_desktop.migrate.montu_fields import FieldError, derive_id
from horus_desktop.migrate.montu_otio import build_otio
from horus_desktop.migrate.montu_report import (
    ImportProblem,
    KindCounts,
    MontuImportReport,
    ReportBuilder,
    format_report,
)
from horus_desktop.migrate.montu_source import SourceFile, SourceRecord, find_files, read_file
from horus_desktop.store.repositories.base import NotFoundError
from horus_desktop.store.store import Store

ProgressCallback = Callable[[int, int, str], None]

#: Errors a single record's write may raise; anything else is a bug and propagates.
_RECORD_ERRORS = (SQLAlchemyError, ValueError, LookupError, TypeError)

_MEDIA_MAPPED = frozenset({
    "_id", "id", "file_path", "storage_url", "path", "project", "project_id", "shot", "sequence", "episode",
    "department", "task_type", "author", "created_by", "artist", "approval_status", "status", "file_type",
    "metadata", "tags", "frame_range", "start_frame", "end_frame", "version", "file_size", "resolution",
    "frame_rate", "fps", "color_space",
})
_CLIP_MAPPED = frozenset({
    "media_id", "media", "position", "duration", "in_point", "out_point", "track", "shot", "version",
    "file_path", "name", "clip_name",
})
_PLAYLIST_MAPPED = frozenset({
    "_id", "id", "name", "title", "clips", "project", "project_id", "fps", "frame_rate", "type",
    "playlist_type", "timeline_type", "created_by", "author", "description", "episode", "sequence", "status",
    "version",
})
_CONFIG_MAPPED = frozenset({
    "_id", "id", "project", "project_id", "code", "name", "path_templates", "fps", "frame_rate", "resolution",
    "ocio_config", "width", "height",
})

__all__ = ["ImportProblem", "KindCounts", "MontuImportReport", "format_report", "import_montu"]


def import_montu(
    store: Store,
    directory: str | Path,
    *,
    user_id: str = "montu-import",
    progress: ProgressCallback | None = None,
) -> MontuImportReport:
    """Import the Montu JSON database in ``directory``; returns counts and the records not imported.

    ``user_id`` is the author of rows whose Montu record names none (tags, playlists, notes).
    ``progress(done, total, label)`` is called after each record.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    return _Importer(store, folder, user_id, progress).run()


@dataclass
class _Note:
    """A note or reply, flattened out of its file (replies may be nested in their note)."""

    record: SourceRecord
    data: dict[str, Any]
    key: str
    label: str
    parent_key: str | None = None
    media_hint: str | None = None


@dataclass
class _Importer:
    store: Store
    folder: Path
    user_id: str
    progress: ProgressCallback | None
    report: ReportBuilder = field(init=False)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    configs: dict[str, ProjectConfig] = field(default_factory=dict)
    media_by_montu: dict[str, MediaRecord] = field(default_factory=dict)
    media_by_path: dict[str, MediaRecord] = field(default_factory=dict)
    done: int = 0
    total: int = 0

    def __post_init__(self) -> None:
        self.report = ReportBuilder(str(self.folder))

    # Orchestration -----------------------------------------------------------------------------

    def run(self) -> MontuImportReport:
        sources: dict[str, list[SourceFile]] = {}
        for kind, paths in find_files(self.folder).items():
            for path in paths:
                source = read_file(path)
                self.report.files.append(source.name)
                if source.error:
                    self.report.problem(source.name, None, source.error)
                for label, reason in source.bad_entries:
                    self.report.skipped(_COUNT_KIND[kind], source.name, label, reason)
                sources.setdefault(kind, []).append(source)
        if not sources:
            self.report.problem(str(self.folder), None, "no Montu files found (media_records.json, notes.json, "
                                "annotations.json, playlists.json, tasks.json, project_configs.json)")
        records = {kind: [r for s in files for r in s.records] for kind, files in sources.items()}
        self.total = sum(len(r) for r in records.values())
        if self.progress is not None:
            self.progress(0, self.total, "reading")
        self._tasks(records.get("tasks", []))
        self._project_configs(records.get("project_configs", []))
        self._media(records.get("media", []))
        self._notes(records.get("notes", []))
        self._playlists(records.get("playlists", []))
        return self.report.build()

    def _tick(self, label: str, n: int = 1) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.total, label)

    # Tasks and project configs -------------------------------------------------------------------

    def _tasks(self, records: list[SourceRecord]) -> None:
        for rec in records:
            if rec.montu_id is None:
                self.report.problem(rec.file, rec.label, "task without _id: no media can link to it")
            else:
                self.tasks[rec.montu_id] = rec.data
                self.report.tasks_read += 1
            self._tick(rec.file)

    def _project_configs(self, records: list[SourceRecord]) -> None:
        for rec in records:
            try:
                project_id, values = _config_values(rec.data)
                existing = self.store.projects.get(project_id)
                if existing is not None:
                    self.report.present("projects")
                    self.configs[project_id] = existing
                else:
                    self.configs[project_id] = self.store.projects.upsert(project_id, **values)
                    self.report.created("projects")
            except _RECORD_ERRORS as exc:
                self.report.skipped("projects", rec.file, rec.label, _reason(exc))
            self._tick(rec.file)

    def _default_project(self) -> str | None:
        return next(iter(self.configs)) if len(self.configs) == 1 else None

    # Media ---------------------------------------------------------------------------------------

    def _media(self, records: list[SourceRecord]) -> None:
        parsed: list[tuple[SourceRecord, uuid.UUID, dict[str, Any], list[tuple[str, str | None]]]] = []
        for rec in records:
            try:
                row_id, values, tags = self._media_values(rec)
                parsed.append((rec, row_id, values, tags))
            except _RECORD_ERRORS as exc:
                self.report.skipped("media", rec.file, rec.label, _reason(exc))
                self._tick(rec.file)
        existing = {m.id: m for m in _chunked_get(self.store, [p[1] for p in parsed])}
        groups: set[tuple[str, str | None, str | None, str | None]] = set()
        for rec, row_id, values, tags in parsed:
            try:
                media = existing.get(row_id)
                if media is None:
                    media = self.store.media.get_by_path(values["file_path"])
                if media is None:
                    try:
                        media = self.store.media.create(id=row_id, **values)
                        self.report.created("media")
                        groups.add((media.project_id, media.shot, media.department, media.task_type))
                    except IntegrityError:  # written by an earlier import, since deleted in Horus
                        self.report.present("media")
                        media = None
                else:
                    self.report.present("media")
                if media is not None:
                    self.media_by_montu[rec.montu_id or f"path:{values['file_path']}"] = media
                    self.media_by_path.setdefault(values["file_path"], media)
                    self._tags(rec, media.id, tags)
            except _RECORD_ERRORS as exc:
                self.report.skipped("media", rec.file, rec.label, _reason(exc))
            self._tick(rec.file)
        for project_id, shot, department, task_type in sorted(groups, key=str):
            self.store.media.refresh_latest_versions(project_id, shot, department, task_type)

    def _media_values(self, rec: SourceRecord) -> tuple[uuid.UUID, dict[str, Any], list[tuple[str, str | None]]]:
        d = rec.data
        path = f.text(d, "file_path", "storage_url", "path", required=True)
        assert path is not None
        meta = d.get("metadata") or {}
        if not isinstance(meta, dict):
            raise FieldError(f"metadata: expected an object, found {type(meta).__name__}")
        task_id = f.text(d, "linked_task_id", "task_id", "task")
        task = self.tasks.get(task_id, {}) if task_id else {}

        project = (_code(d, "project_id", "project") or _code(task, "project", "project_id")
                   or (task_id.split("_")[0] if task_id and "_" in task_id else None) or self._default_project())
        if not project:
            raise FieldError("project: required (project, project_id or linked_task_id)")
        version, version_number = f.version(first_of(d, "version"), path)
        artist = f.person(d, "author", "created_by", "artist") or f.person(task, "assignee", "artist")
        status = first_of(d, "approval_status", "status")
        if status is not None and not isinstance(status, str):
            raise FieldError(f"approval_status: expected text, found {type(status).__name__}")
        frames = f.frame_range(first_of(d, "frame_range") or first_of(meta, "frame_range"))
        if frames is None:
            start, end = f.integer(d, "start_frame"), f.integer(d, "end_frame")
            frames = (start, end) if start is not None and end is not None else None
        res = (f.resolution(meta, "metadata") if "width" in meta or "height" in meta
               else f.resolution(first_of(meta, "resolution") or first_of(d, "resolution")))
        rate = f.frame_rate(first_of(meta, "frame_rate", "fps") or first_of(d, "frame_rate", "fps"))
        file_type = f.text(d, "file_type", "type")
        tags = _tags(d.get("tags"))

        extra: dict[str, Any] = {"montu": {"_id": rec.montu_id, "file": rec.file,
                                           **{k: v for k, v in d.items() if k not in _MEDIA_MAPPED}}}
        if meta:
            extra["montu"]["metadata"] = meta
        for key in ("codec", "duration"):
            if meta.get(key) is not None:
                extra[key] = meta[key]
        if task:
            extra["montu"]["task"] = {k: task[k] for k in ("_id", "status", "assignee") if k in task}
        values: dict[str, Any] = {
            "file_path": path,
            "project_id": project,
            "episode": f.text(d, "episode") or f.text(task, "episode"),
            "sequence": f.text(d, "sequence") or f.text(task, "sequence"),
            "shot": f.text(d, "shot") or f.text(task, "shot"),
            "version": version,
            "version_number": version_number,
            "department": f.text(d, "department") or f.text(task, "department"),
            "task_type": f.text(d, "task_type") or f.text(task, "task_type", "type"),
            "artist_id": artist[0] if artist else None,
            "artist_name": artist[1] if artist else None,
            "approval_status": normalize_approval_status(" ".join(status.split()).replace(" ", "_")
                                                         if status else None),
            "resolution": res,
            "frame_rate": rate[0] if rate else None,
            "frame_rate_rational": rate[1] if rate else None,
            "color_space": f.text(meta, "color_space", "colorspace") or f.text(d, "color_space"),
            "compression": f.text(meta, "codec", "compression"),
            "bit_depth": f.integer(meta, "bit_depth"),
            "file_size": f.integer(meta, "file_size") if meta.get("file_size") is not None
            else f.integer(d, "file_size"),
            "media_kind": f.media_kind(file_type, path),
            "mime_type": f.mime_type(path),
            "created_at": f.timestamp(d, "created_at", "date"),
            "extra_metadata": extra,
        }
        if frames is not None:
            values.update(start_frame=frames[0], end_frame=frames[1], frame_count=frames[1] - frames[0] + 1)
        row_id = derive_id("media", rec.montu_id or f"path:{path}")
        return row_id, values, tags

    def _tags(self, rec: SourceRecord, media_id: uuid.UUID, tags: list[tuple[str, str | None]]) -> None:
        if not tags:
            return
        have = {t.tag_name for t in self.store.tags.list_for(media_id)}
        for name, category in tags:
            if name in have:
                self.report.present("tags")
                continue
            try:
                self.store.tags.add([media_id], name, category=category or "montu", created_by=self.user_id)
                have.add(name)
                self.report.created("tags")
            except _RECORD_ERRORS as exc:
                self.report.skipped("tags", rec.file, rec.label, f"tag {name!r}: {_reason(exc)}")

    # Notes -> comments (+ rectangle annotations) -------------------------------------------------

    def _notes(self, records: list[SourceRecord]) -> None:
        notes: dict[str, _Note] = {}
        order: list[str] = []

        def collect(rec: SourceRecord, data: dict[str, Any], key: str, label: str, parent: str | None,
                    media_hint: str | None) -> None:
            if key in notes:
                self.report.skipped("comments", rec.file, label, f"duplicate note id {label}")
                return
            notes[key] = _Note(rec, data, key, label, parent, media_hint)
            order.append(key)
            replies = data.get("replies")
            if replies is None:
                return
            if not isinstance(replies, list):
                self.report.problem(rec.file, label, "replies: expected a list; replies not imported")
                return
            for i, reply in enumerate(replies):
                if not isinstance(reply, dict):
                    self.report.skipped("comments", rec.file, f"{label}/replies[{i}]", "reply is not an object")
                    continue
                rid = _montu_id(reply)
                collect(rec, reply, rid or f"{key}/replies/{i}", rid or f"{label}/replies[{i}]", key,
                        media_hint or _media_ref(data))

        for rec in records:
            try:
                parent = _parent_ref(rec.data)
                key = rec.montu_id or _content_key(rec.data)
            except _RECORD_ERRORS as exc:
                self.report.skipped("comments", rec.file, rec.label, _reason(exc))
                continue
            collect(rec, rec.data, key, rec.label, parent, None)

        done: dict[str, tuple[uuid.UUID, MediaRecord, int | None] | None] = {}
        existing = _chunked_ids(self.store, [derive_id("note", k) for k in order])
        ticked: set[int] = set()
        for key in order:
            self._note(notes, key, done, existing, [])
            rec = notes[key].record
            if id(rec) not in ticked:
                ticked.add(id(rec))
                self._tick(rec.file)
        self._tick("notes", sum(1 for r in records if id(r) not in ticked))

    def _note(self, notes: dict[str, _Note], key: str,
              done: dict[str, tuple[uuid.UUID, MediaRecord, int | None] | None],
              existing: set[uuid.UUID], stack: list[str]) -> tuple[uuid.UUID, MediaRecord, int | None] | None:
        """Write one note (its parent first); returns (comment id, media, frame) or None if not imported."""
        if key in done:
            return done[key]
        note = notes[key]
        done[key] = None
        file, label, d = note.record.file, note.label, note.data
        has_box = d.get("coordinates") is not None
        try:
            parent_info = None
            if note.parent_key is not None:
                if note.parent_key not in notes:
                    raise FieldError(f"reply to note {note.parent_key}, which is not among the notes")
                if note.parent_key in stack:
                    raise FieldError("replies form a loop")
                parent_info = self._note(notes, note.parent_key, done, existing, [*stack, key])
                if parent_info is None:
                    raise FieldError(f"reply to note {note.parent_key}, which was not imported")
            media_ref = _media_ref(d) or note.media_hint
            if parent_info is not None:
                media = parent_info[1]
            elif media_ref is None:
                raise FieldError("media_id: required")
            elif media_ref in self.media_by_montu:
                media = self.media_by_montu[media_ref]
            else:
                raise FieldError(f"media {media_ref} is not among the imported media records")
            content = f.text(d, "text", "content", "note", "comment", "body", required=True)
            assert content is not None
            line = f.priority_line(d.get("priority"))
            if line:
                content = f"{content}\n\n{line}"
            frame = f.integer(d, "frame_number", "frame")
            author = f.person(d, "author", "created_by", "user", "user_name") or (self.user_id, self.user_id)
            drawn = f.shape(d["coordinates"], media.resolution) if has_box else None
            resolved = f.is_resolved(d.get("status")) or d.get("resolved") is True
            resolver = f.person(d, "resolved_by")
        except _RECORD_ERRORS as exc:
            self.report.skipped("comments", file, label, _reason(exc))
            if has_box:
                self.report.skipped_quietly("annotations")
            return None

        comment_id = derive_id("note", key)
        shape_frame = frame if frame is not None else (
            parent_info[2] if parent_info and parent_info[2] is not None else media.start_frame or 1)
        if comment_id in existing:
            self.report.present("comments")
            if drawn is not None:
                self._shape(file, label, key, media, shape_frame, drawn, author)
        else:
            try:
                # The note, its resolved state and its box land together or not at all.
                with self.store.transaction():
                    self.store.comments.add(
                        id=comment_id, media_id=media.id, content=content, user_id=author[0],
                        user_name=author[1], frame_number=frame,
                        parent_id=parent_info[0] if parent_info else None, content_type="text", notify=False,
                        created_at=f.timestamp(d, "created_at", "timestamp", "date"))
                    if resolved:
                        self.store.comments.set_resolved(comment_id, True, by=(resolver or author)[0])
                    if drawn is not None:
                        self._shape(file, label, key, media, shape_frame, drawn, author, strict=True)
                self.report.created("comments")
            except _RECORD_ERRORS as exc:
                self.report.skipped("comments", file, label, _reason(exc))
                if drawn is not None:
                    self.report.skipped_quietly("annotations")
                return None
        done[key] = (comment_id, media, frame if frame is not None else (parent_info[2] if parent_info else None))
        return done[key]

    def _shape(self, file: str, label: str, key: str, media: MediaRecord, frame: int,
               drawn: tuple[str, dict[str, Any]], author: tuple[str, str], *, strict: bool = False) -> None:
        """Write a note's box as a shape; ``strict`` (inside the note's transaction) lets errors undo both."""
        shape_id = derive_id("annotation", key)
        try:
            self.store.annotations.get(shape_id)
            self.report.present("annotations")
            return
        except NotFoundError:
            pass
        try:
            self.store.annotations.add(
                id=shape_id, media_id=media.id, frame_number=frame, annotation_type=drawn[0],
                coordinates=drawn[1], user_id=author[0], user_name=author[1])
            self.report.created("annotations")
        except IntegrityError:  # written before, since deleted in Horus
            if strict:
                raise
            self.report.present("annotations")
        except _RECORD_ERRORS as exc:
            if strict:
                raise
            self.report.skipped("annotations", file, label, _reason(exc))

    # Playlists -> timelines + clips --------------------------------------------------------------

    def _playlists(self, records: list[SourceRecord]) -> None:
        for rec in records:
            try:
                timeline_id, values, clips, missing = self._playlist_values(rec)
                self.report.clips_missing_media += missing
                if self.store.timelines.exists(timeline_id):
                    self.report.present("timelines")
                    self.report.present("clips", len(clips))
                else:
                    self.store.timelines.create(id=timeline_id, clips=clips, **values)
                    self.report.created("timelines")
                    self.report.created("clips", len(clips))
            except _RECORD_ERRORS as exc:
                self.report.skipped("timelines", rec.file, rec.label, _reason(exc))
            self._tick(rec.file)

    def _playlist_values(self, rec: SourceRecord) -> tuple[uuid.UUID, dict[str, Any], list[dict[str, Any]], int]:
        d = rec.data
        name = f.text(d, "name", "title", required=True)
        assert name is not None
        key = rec.montu_id or f"name:{name}"
        timeline_id = derive_id("playlist", key)
        raw_clips = first_of(d, "clips", "items") or []
        if not isinstance(raw_clips, list):
            raise FieldError(f"clips: expected a list, found {type(raw_clips).__name__}")
        clips: list[dict[str, Any]] = []
        medias: list[MediaRecord] = []
        cursors: dict[int, int] = {}
        track_names: dict[str, int] = {}
        for i, c in enumerate(raw_clips):
            if not isinstance(c, dict):
                raise FieldError(f"clips[{i}]: expected an object, found {type(c).__name__}")
            try:
                clip, media = self._clip_values(key, i, c, cursors, track_names)
            except FieldError as exc:
                raise FieldError(f"clips[{i}].{exc}") from exc
            clips.append(clip)
            if media is not None:
                medias.append(media)
        by_track: dict[int, list[dict[str, Any]]] = {}
        for clip in clips:
            by_track.setdefault(clip["track_index"], []).append(clip)
        for items in by_track.values():
            for order, clip in enumerate(sorted(items, key=lambda c: (c["start_time_frames"],
                                                                      c["clip_metadata"]["montu_clip_index"]))):
                clip["clip_order"] = order

        project = (_code(d, "project", "project_id") or (medias[0].project_id if medias else None)
                   or self._default_project())
        if not project:
            raise FieldError("project: required (no project and no clip with imported media)")
        config = self.configs.get(project) or self.store.projects.get(project)
        rate = f.frame_rate(first_of(d, "fps", "frame_rate"), "fps")
        if rate is None and config is not None and config.frame_rate:
            rate = f.frame_rate(str(config.frame_rate))
        if rate is None and medias and medias[0].frame_rate:
            rate = f.frame_rate(medias[0].frame_rate_rational or str(medias[0].frame_rate))
        rate = rate or (Decimal("24.00"), None)
        otio_rate = float(Fraction(rate[1])) if rate[1] else float(rate[0])
        creator = f.person(d, "created_by", "author", "owner") or (self.user_id, self.user_id)
        status = (f.text(d, "status") or "draft").lower()[:20]
        extras = {k: v for k, v in d.items() if k not in _PLAYLIST_MAPPED}
        otio_data = build_otio(name, otio_rate, clips, metadata={
            "timeline_id": str(timeline_id), "montu": {"_id": rec.montu_id, "file": rec.file, **extras}})
        values: dict[str, Any] = {
            "name": name,
            "project_id": project,
            "timeline_type": (f.text(d, "type", "playlist_type", "timeline_type") or "dailies").lower()[:50],
            "created_by": creator[0],
            "created_by_name": creator[1],
            "description": f.text(d, "description"),
            "episode": f.text(d, "episode"),
            "sequence": f.text(d, "sequence"),
            "frame_rate": rate[0],
            "resolution": (config.resolution if config else None) or (medias[0].resolution if medias else None),
            "duration_frames": max((c["start_time_frames"] + c["duration_frames"] for c in clips), default=0),
            "status": status,
            "otio_data": otio_data,
        }
        playlist_version = f.text(d, "version")
        if playlist_version:
            values["version"] = playlist_version[:20]
        missing = sum(1 for c in clips if c["media_id"] is None)
        return timeline_id, values, clips, missing

    def _clip_values(self, playlist_key: str, i: int, c: dict[str, Any], cursors: dict[int, int],
                     track_names: dict[str, int]) -> tuple[dict[str, Any], MediaRecord | None]:
        media_ref = f.text(c, "media_id", "media")
        own_path = f.text(c, "file_path", "path", "storage_url")
        media = self.media_by_montu.get(media_ref) if media_ref else None
        if media is None and own_path:
            media = self.media_by_path.get(own_path)
        path = media.file_path if media else own_path or (f"montu:missing/{media_ref}" if media_ref else None)
        if path is None:
            raise FieldError("media_id: required (or file_path)")
        in_point, out_point = f.integer(c, "in_point", "source_in"), f.integer(c, "out_point", "source_out")
        if in_point is not None and out_point is not None and out_point < in_point:
            raise FieldError(f"out_point: {out_point} is before in_point {in_point}")
        span = out_point - in_point if in_point is not None and out_point is not None else None
        duration = f.integer(c, "duration", "duration_frames")
        if duration is None:
            duration = span if span is not None else (media.frame_count if media else None)
        if duration is None:
            raise FieldError("duration: required (or in_point and out_point)")
        if duration < 0:
            raise FieldError(f"duration: negative ({duration})")
        track_index, track_name = _track(c.get("track"), track_names)
        position = f.integer(c, "position", "start", "record_in")
        if position is None:
            position = cursors.get(track_index, 0)
        cursors[track_index] = max(cursors.get(track_index, 0), position + duration)
        shot = f.text(c, "shot") or (media.shot if media else None)
        version = f.text(c, "version") or (media.version if media else None)
        file_name = path.replace("\\", "/").rsplit("/", 1)[-1]
        clip_name = f.text(c, "name", "clip_name") or (f"{shot} {version}" if shot and version else shot) or file_name
        source_start = in_point if in_point is not None else (media.start_frame if media and media.start_frame
                                                              is not None else 0)
        meta: dict[str, Any] = {
            "montu_clip_index": i, "montu_media_id": media_ref, "shot": shot, "version": version,
            **{k: v for k, v in c.items() if k not in _CLIP_MAPPED},
        }
        if in_point is not None:
            meta["in_point"] = in_point
        if out_point is not None:
            meta["out_point"] = out_point
        if media is None:
            meta.update(missing_media=True, file_path=own_path)
        clip = {
            "id": derive_id("clip", f"{playlist_key}:{i}"),
            "media_id": media.id if media else None,
            "media_path": path,
            "track_name": track_name,
            "track_type": "video",
            "track_index": track_index,
            "start_time_frames": position,
            "duration_frames": duration,
            "source_start_frames": source_start,
            "source_duration_frames": span if span is not None else duration,
            "clip_name": clip_name[:255],
            "clip_metadata": meta,
            "clip_order": 0,
        }
        return clip, media


# Helpers ------------------------------------------------------------------------------------------

_COUNT_KIND = {"media": "media", "notes": "comments", "playlists": "timelines", "tasks": "tasks",
               "project_configs": "projects"}


def first_of(data: dict[str, Any], *names: str) -> Any:
    """The first present, non-empty value of ``names``."""
    return f.first(data, *names)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, IntegrityError | SQLAlchemyError):
        return f"database refused it: {str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]}"
    if isinstance(exc, NotFoundError):
        return f"{exc.what} {exc.row_id} not found (deleted in Horus?)"
    return str(exc) or type(exc).__name__


def _code(data: dict[str, Any], *names: str) -> str | None:
    """A project (or similar) given as text or as an object with an id/code/name."""
    value = f.first(data, *names)
    if isinstance(value, dict):
        value = f.first(value, "code", "_id", "id", "name")
        if value is None:
            raise FieldError(f"{names[0]}: an object without code, _id or name")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError(f"{names[0]}: expected text, found {type(value).__name__}")
    return str(value).strip() or None


def _tags(value: Any) -> list[tuple[str, str | None]]:
    """(name, category) of Montu tags given as text, objects, or one comma-separated text."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list):
        raise FieldError(f"tags: expected a list, found {type(value).__name__}")
    out: list[tuple[str, str | None]] = []
    for i, tag in enumerate(value):
        if isinstance(tag, str | int) and not isinstance(tag, bool):
            name, category = str(tag).strip(), None
        elif isinstance(tag, dict) and f.first(tag, "name", "tag", "tag_name") is not None:
            name = str(f.first(tag, "name", "tag", "tag_name")).strip()
            category = f.first(tag, "category", "tag_category")
            category = str(category) if category is not None else None
        else:
            raise FieldError(f"tags[{i}]: expected text or {{name}}, found {tag!r}")
        if name and name not in {n for n, _ in out}:
            out.append((name, category))
    return out


def _montu_id(data: dict[str, Any]) -> str | None:
    value = data.get("_id", data.get("id"))
    if isinstance(value, dict) and "$oid" in value:
        value = value["$oid"]
    return None if value is None or value == "" else str(value)


def _media_ref(data: dict[str, Any]) -> str | None:
    return f.text(data, "media_id", "media", "linked_media_id", "media_record_id", "version_id")


def _parent_ref(data: dict[str, Any]) -> str | None:
    return f.text(data, "parent_id", "reply_to", "parent", "in_reply_to")


def _content_key(data: dict[str, Any]) -> str:
    """The identity of a note without ``_id``: its media, frame, author and text."""
    parts = [first_of(data, "media_id", "media"), first_of(data, "frame_number", "frame"),
             first_of(data, "author", "created_by"), first_of(data, "text", "content", "note")]
    return "content:" + "|".join("" if p is None else str(p) for p in parts)


def _track(value: Any, names: dict[str, int]) -> tuple[int, str]:
    """(track_index, track_name) from Montu's ``track``: a number (1 -> "V1") or a name ("V2", "bg")."""
    if value is None or value == "":
        return 0, "V1"
    if isinstance(value, int) and not isinstance(value, bool):
        return value, f"V{value}"
    if isinstance(value, str):
        word = value.strip()
        if word.isdigit():
            return int(word), f"V{int(word)}"
        digits = "".join(ch for ch in word if ch.isdigit())
        if digits:
            return int(digits), word[:100]
        index = names.setdefault(word, 1000 + len(names))
        return index, word[:100]
    raise FieldError(f"track: expected a number or a name, found {value!r}")


def _config_values(d: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    project_id = _code(d, "project", "project_id", "code", "_id", "id")
    if not project_id:
        raise FieldError("project: required (or _id)")
    templates = d.get("path_templates")
    settings: dict[str, Any] = {"montu": {k: v for k, v in d.items() if k not in _CONFIG_MAPPED}}
    if isinstance(templates, dict):
        if not all(isinstance(v, str) for v in templates.values()):
            raise FieldError("path_templates: every template must be text")
        settings["path_template_names"] = dict(templates)
        template_list: list[str] | None = list(templates.values())
    elif isinstance(templates, list):
        if not all(isinstance(v, str) for v in templates):
            raise FieldError("path_templates: every template must be text")
        template_list = list(templates)
    elif templates is None:
        template_list = None
    else:
        raise FieldError(f"path_templates: expected a list or an object, found {type(templates).__name__}")
    rate = f.frame_rate(first_of(d, "fps", "frame_rate"), "fps")
    res = f.resolution(first_of(d, "resolution")) if first_of(d, "resolution") is not None else (
        f.resolution(d) if "width" in d and "height" in d else None)
    if rate and rate[1]:
        settings["frame_rate_rational"] = rate[1]
    values: dict[str, Any] = {
        "name": f.text(d, "name") or project_id,
        "path_templates": template_list,
        "ocio_config": f.text(d, "ocio_config", "ocio"),
        "frame_rate": rate[0] if rate else None,
        "resolution": res,
        "settings": settings,
    }
    return project_id, values


def _chunked_get(store: Store, ids: Iterable[uuid.UUID]) -> list[MediaRecord]:
    ids = list(ids)
    return [m for start in range(0, len(ids), 500) for m in store.media.get_many(ids[start:start + 500])]


def _chunked_ids(store: Store, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    out: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):
        out |= store.comments.ids_exist(ids[start:start + 500])
    return out
