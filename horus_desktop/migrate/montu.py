"""Import a Montu JSON database folder into a Horus store: ``import_montu(store, directory)``.

Files are recognised by their records' shape (see :mod:`montu_source`), mapped to Horus values by pure
functions (:mod:`montu_mapping`, :mod:`montu_notes`, :mod:`montu_playlists`) and written one transaction per
file with batched inserts (:mod:`montu_writer`): project configs, then tasks (read only), media records with
their tags and latest-version flags, notes with their replies and drawings, and playlists as timelines.

Every Horus id is derived from the Montu ``_id`` (``uuid5``), so running the import again finds what it
wrote and changes nothing; after an interruption it writes the files that were not committed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from horus_desktop.migrate.montu_fields import FieldError, derive_id
from horus_desktop.migrate.montu_mapping import (
    MappingContext,
    MediaInfo,
    MediaPlan,
    map_config,
    map_media,
    stored_project,
    tags_of,
)
from horus_desktop.migrate.montu_notes import NotePlan, map_notes
from horus_desktop.migrate.montu_playlists import PlaylistPlan, map_playlist
from horus_desktop.migrate.montu_report import (
    ImportProblem,
    KindCounts,
    MontuImportReport,
    ReportBuilder,
    format_report,
)
from horus_desktop.migrate.montu_source import KINDS, SourceFile, SourceRecord, find_files, read_file
from horus_desktop.migrate.montu_writer import WRITE_ERRORS, FileTally, FileWriter, reason
from horus_desktop.store.repositories.imports import ImportRepository
from horus_desktop.store.store import Store

ProgressCallback = Callable[[int, int, str], None]

_COUNT_KIND = {"media": "media", "notes": "comments", "playlists": "timelines", "tasks": "tasks",
               "project_configs": "projects"}

__all__ = ["ImportProblem", "KindCounts", "MontuImportReport", "format_report", "import_montu"]


def import_montu(store: Store, directory: str | Path, *, user_id: str = "montu-import",
                 progress: ProgressCallback | None = None) -> MontuImportReport:
    """Import the Montu JSON database in ``directory``; returns counts and the records not imported.

    ``user_id`` is the author of rows whose Montu record names none. ``progress(done, total, label)`` is
    called as records are written. Raises NotADirectoryError (no such folder) or PermissionError.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    return _Importer(store, folder, user_id, progress).run()


class _Importer:
    def __init__(self, store: Store, folder: Path, user_id: str, progress: ProgressCallback | None) -> None:
        self.store = store
        self.imports = ImportRepository(store.uow)  # batched writes, one transaction per file
        self.folder = folder
        self.report = ReportBuilder(str(folder))
        self.ctx = MappingContext(user_id)
        self.progress = progress
        self.media: dict[str, MediaInfo] = {}
        self.media_by_path: dict[str, MediaInfo] = {}

    def run(self) -> MontuImportReport:
        sources: list[SourceFile] = []
        for path in find_files(self.folder):
            source = read_file(path)
            if source.error:
                self.report.files.append(source.name)
                self.report.unreadable.append(ImportProblem(source.name, None, source.error))
            elif source.kind is None:
                self.report.ignored.append(source.name)
            else:
                self.report.files.append(source.name)
                sources.append(source)
        if not sources and not self.report.unreadable:
            self.report.unreadable.append(ImportProblem(str(self.folder), None, "no Montu files found (JSON files "
                                                        "of media records, notes, playlists, tasks or projects)"))
        sources.sort(key=lambda s: (KINDS.index(s.kind or "media"), s.name))
        writer = FileWriter(self.store, self.imports, self.report, self.progress, sum(len(s.records) for s in sources))
        if self.progress is not None:
            self.progress(0, writer.total, "reading")
        for stored in self.store.projects.list():
            self.ctx.projects[stored.project_id] = stored_project(stored)
        for source in sources:
            for label, why in source.bad_entries:
                self.report.skipped(_COUNT_KIND[source.kind or "media"], source.name, label, why)
            for label, why in source.warnings:
                self.report.warning(source.name, label, why)
            handler = getattr(self, f"_{source.kind}")
            with writer.file(source.name, len(source.records)) as tally:
                handler(writer, tally, source.records)
        return self.report.build()

    # Project configs and tasks -------------------------------------------------------------------

    def _project_configs(self, writer: FileWriter, tally: FileTally, records: list[SourceRecord]) -> None:
        for rec in records:
            try:
                project_id, values, info = map_config(rec.data)
                if self.store.projects.get(project_id) is not None:
                    tally.present("projects")
                    continue
                with self.imports.savepoint():
                    self.store.projects.upsert(project_id, **values)
                tally.created("projects")
                self.ctx.projects[project_id] = info
            except (*WRITE_ERRORS, ValueError) as exc:
                tally.skipped("projects", rec.file, rec.label, reason(exc))

    def _tasks(self, writer: FileWriter, tally: FileTally, records: list[SourceRecord]) -> None:
        for rec in records:
            if rec.montu_id is None:
                tally.problems.append(ImportProblem(rec.file, rec.label, "_id: a task without one cannot be linked"))
            else:
                self.ctx.tasks[rec.montu_id] = rec.data
                self.report.tasks_read += 1

    # Media ---------------------------------------------------------------------------------------

    def _media(self, writer: FileWriter, tally: FileTally, records: list[SourceRecord]) -> None:
        plans: list[tuple[SourceRecord, MediaPlan]] = []
        # Records an earlier run wrote are known by their id alone: a re-run neither maps nor writes them.
        ids = [derive_id("media", rec.montu_id) if rec.montu_id else None for rec in records]
        before = self.imports.existing_ids("media", [i for i in ids if i is not None])
        stored = {m.id: m for m in self.store.media.get_many(before)}
        for rec, row_id in zip(records, ids, strict=True):
            if row_id in before:
                tally.present("media")
                tally.present("tags", _tag_count(rec.data))
                if row_id in stored:
                    self._remember(rec.montu_id or "", MediaInfo.of(row_id, stored[row_id]))
                continue
            try:
                plans.append((rec, map_media(rec, self.ctx)))
            except (ValueError, ArithmeticError, RecursionError) as exc:
                tally.skipped("media", rec.file, rec.label, str(exc) or type(exc).__name__)
        existing_ids = self.imports.existing_ids("media", [p.row_id for _, p in plans])
        live = {m.id: m for m in self.store.media.get_many(existing_ids)}
        by_path = self.store.media.get_by_paths(p.values["file_path"] for _, p in plans
                                                if p.row_id not in existing_ids)
        new: list[tuple[SourceRecord, MediaPlan]] = []
        seen_paths: dict[str, MediaInfo] = {}
        seen_ids: set[object] = set()
        for rec, plan in plans:
            path = plan.values["file_path"]
            if plan.row_id in seen_ids:
                tally.skipped("media", rec.file, rec.label, f"_id: {rec.label} appears twice in the file")
                continue
            seen_ids.add(plan.row_id)
            found = live.get(plan.row_id) or by_path.get(path)
            if plan.row_id in existing_ids or found is not None or path in seen_paths:
                tally.present("media")
                tally.present("tags", len(plan.tags))
                info = MediaInfo.of(found.id, found) if found is not None else seen_paths.get(path)
                if info is not None:
                    self._remember(plan.key, info)
                continue
            info = MediaInfo.of(plan.row_id, plan.values)
            seen_paths[path] = info
            new.append((rec, plan))

        def write(chunk: list[tuple[SourceRecord, MediaPlan]]) -> None:
            self.imports.insert_media([{"id": p.row_id, **p.values} for _, p in chunk],
                                            [(p.row_id, name, category or "montu", self.ctx.user_id)
                                             for _, p in chunk for name, category in p.tags])

        def failed(item: tuple[SourceRecord, MediaPlan], why: str) -> None:
            tally.skipped("media", item[0].file, item[0].label, why)

        written = writer.batched(new, write, failed, records[0].file if records else "media")
        for rec, plan in written:
            tally.created("media")
            tally.created("tags", len(plan.tags))
            self._remember(plan.key, MediaInfo.of(plan.row_id, plan.values))
            for unknown in plan.unknown:
                tally.unknown.append((rec.file, rec.label, unknown.field, unknown.word, unknown.used))
        with self.imports.savepoint():  # a refusal here undoes the file (reported), never a traceback
            self.imports.refresh_latest_versions({p.values["project_id"] for _, p in written})

    def _remember(self, key: str, info: MediaInfo) -> None:
        self.media[key] = info
        self.media_by_path.setdefault(info.file_path, info)

    # Notes ---------------------------------------------------------------------------------------

    def _notes(self, writer: FileWriter, tally: FileTally, records: list[SourceRecord]) -> None:
        plans, errors = map_notes(records, self.media, self.ctx.user_id)
        for error in errors:
            tally.skipped("comments", error.record.file, error.label, error.reason)
            if error.has_shape:
                tally.skipped("annotations", error.record.file, error.label, "", quiet=True)
        existing = self.imports.existing_ids("comments", [p.comment["id"] for p in plans])
        shapes = self.imports.existing_ids("annotations", [p.shape["id"] for p in plans if p.shape])
        new: list[NotePlan] = []
        lost: set[str] = set()
        for plan in plans:
            if plan.comment["id"] in existing:
                tally.present("comments")
                if plan.shape is not None:
                    tally.present("annotations")
            else:
                new.append(plan)

        def write(chunk: list[NotePlan]) -> None:
            live = [p for p in chunk if p.parent_key not in lost]
            self.imports.insert_comments([p.comment for p in live])
            self.imports.insert_annotations([p.shape for p in live
                                                   if p.shape is not None and p.shape["id"] not in shapes])
            if len(live) < len(chunk):
                raise FieldError(f"parent_id: reply to a note that was not imported ({chunk[0].parent_key})")

        def failed(plan: NotePlan, why: str) -> None:
            lost.add(plan.key)  # its replies cannot be written either
            tally.skipped("comments", plan.record.file, plan.label, why)
            if plan.shape is not None:
                tally.skipped("annotations", plan.record.file, plan.label, "", quiet=True)

        for plan in writer.batched(new, write, failed, records[0].file if records else "notes"):
            tally.created("comments")
            if plan.shape is not None:
                tally.created("annotations")

    # Playlists -----------------------------------------------------------------------------------

    def _playlists(self, writer: FileWriter, tally: FileTally, records: list[SourceRecord]) -> None:
        plans: list[tuple[SourceRecord, PlaylistPlan]] = []
        ids = [derive_id("playlist", rec.montu_id) if rec.montu_id else None for rec in records]
        before = self.imports.existing_ids("timelines", [i for i in ids if i is not None])
        for rec, timeline_id in zip(records, ids, strict=True):
            if timeline_id in before:  # written by an earlier run: not built again
                tally.present("timelines")
                clips = rec.data.get("clips") or rec.data.get("items")
                tally.present("clips", len(clips) if isinstance(clips, list) else 0)
                continue
            try:
                plans.append((rec, map_playlist(rec, self.media, self.media_by_path, self.ctx.projects,
                                                self.ctx.default_project(), self.ctx.user_id)))
            except (ValueError, ArithmeticError, RecursionError) as exc:
                tally.skipped("timelines", rec.file, rec.label, str(exc) or type(exc).__name__)
        existing = self.imports.existing_ids("timelines", [p.timeline_id for _, p in plans])
        new = []
        for rec, plan in plans:
            if plan.timeline_id in existing:
                tally.present("timelines")
                tally.present("clips", len(plan.clips))
            else:
                new.append((rec, plan))

        def write(chunk: list[tuple[SourceRecord, PlaylistPlan]]) -> None:
            self.imports.insert_timelines([(p.timeline_id, p.values, p.clips) for _, p in chunk])

        def failed(item: tuple[SourceRecord, PlaylistPlan], why: str) -> None:
            tally.skipped("timelines", item[0].file, item[0].label, why)

        for rec, plan in writer.batched(new, write, failed, records[0].file if records else "playlists"):
            tally.created("timelines")
            tally.created("clips", len(plan.clips))
            tally.clips_missing_media += plan.missing
            for unknown in plan.unknown:
                tally.unknown.append((rec.file, rec.label, unknown.field, unknown.word, unknown.used))


def _tag_count(data: dict[str, object]) -> int:
    """How many tags a media record carries (for the counts of a re-run; unreadable tags count none)."""
    try:
        return len(tags_of(data.get("tags")))
    except FieldError:
        return 0
