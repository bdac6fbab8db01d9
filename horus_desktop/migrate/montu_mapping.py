"""Montu media records, tasks and project configs -> Horus values (pure: nothing here reads or writes a store).

Where a record sits (project, episode, sequence, shot, department) comes from the record, else its linked
task, else its ``file_path`` read with the project's path templates (Montu's ``templates``, whose
``{project_name}`` and ``{task}`` are Horus's ``{project}`` and ``{department}``), else the tokens of the
path. Montu's words for statuses and playlist types are mapped to Horus's vocabulary; a word that maps to
nothing gives the default and is reported (the original is kept in ``extra_metadata``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from horus_desktop.domain.vocabulary import APPROVAL_STATUSES, TIMELINE_STATUSES, TIMELINE_TYPES
from horus_desktop.media.templates import Hierarchy, PathTemplate, parse_hierarchy
from horus_desktop.migrate import montu_fields as f
from horus_desktop.migrate.montu_fields import FieldError, derive_id
from horus_desktop.migrate.montu_source import SourceRecord

_MEDIA_MAPPED = frozenset({
    "_id", "id", "file_path", "storage_url", "path", "project", "project_id", "shot", "sequence", "episode",
    "department", "task_type", "author", "created_by", "artist", "approval_status", "status", "file_type",
    "metadata", "tags", "frame_range", "start_frame", "end_frame", "version", "file_size", "resolution",
    "frame_rate", "fps", "color_space",
})
_CONFIG_MAPPED = frozenset({
    "_id", "id", "project", "project_id", "code", "name", "path_templates", "templates", "fps", "frame_rate",
    "resolution", "ocio_config", "width", "height",
})
#: Montu's status words -> Horus approval statuses (besides the vocabulary's own synonyms).
_APPROVAL = {
    "approved": "approved", "approve": "approved", "published": "approved", "final": "approved",
    "delivered": "approved", "complete": "approved", "completed": "approved", "cbb": "approved",
    "pending": "pending", "pending_review": "pending", "in_review": "pending", "review": "pending",
    "submit": "pending", "submitted": "pending", "wip": "pending", "in_progress": "pending",
    "not_started": "pending", "ready_for_review": "pending", "waiting": "pending",
    "rejected": "rejected", "reject": "rejected", "retake": "rejected", "need_fix": "rejected",
    "needs_fix": "rejected", "need_fixes": "rejected", "changes_requested": "rejected", "declined": "rejected",
    "on_hold": "on_hold", "hold": "on_hold", "onhold": "on_hold", "paused": "on_hold",
}
_TIMELINE_TYPE = {
    "daily": "dailies", "dailies": "dailies", "daily_review": "dailies", "review": "dailies",
    "client": "client", "client_review": "client", "department": "department", "department_review": "department",
    "sequence": "sequence", "sequence_review": "sequence", "episode": "episode", "episode_review": "episode",
    "custom": "custom", "playlist": "custom", "edit": "custom", "cut": "custom",
}
_TIMELINE_STATUS = {
    "draft": "draft", "new": "draft", "open": "draft", "active": "review", "review": "review",
    "in_review": "review", "approved": "approved", "final": "approved", "completed": "approved",
    "done": "approved", "closed": "approved", "published": "published", "archived": "published",
    "delivered": "published",
}


@dataclass(frozen=True)
class Unknown:
    """A Montu word with no Horus equivalent: the field, the word, and the value used instead."""

    field: str
    word: str
    used: str


def _word(value: Any) -> str:
    return "_".join(str(value).strip().lower().replace("-", " ").split())


def vocabulary(value: Any, name: str, table: dict[str, str], allowed: tuple[str, ...],
               default: str) -> tuple[str, Unknown | None]:
    """(Horus word, the unknown word when there was no mapping) for a Montu status/type value."""
    if value is None or value == "":
        return default, None
    if not isinstance(value, str):
        raise FieldError(f"{name}: expected text, found {type(value).__name__}")
    word = _word(value)
    mapped = table.get(word) or (word if word in allowed else None)
    if mapped is None:
        return default, Unknown(name, value.strip()[:60], default)
    return mapped, None


def approval_status(value: Any) -> tuple[str, Unknown | None]:
    """A media's approval status in Horus's words (``published`` is approved, ``need fix`` rejected, ...)."""
    return vocabulary(value, "approval_status", _APPROVAL, APPROVAL_STATUSES, "pending")


def timeline_type(value: Any) -> tuple[str, Unknown | None]:
    """A playlist's type as a timeline type (``daily_review`` -> ``dailies``)."""
    return vocabulary(value, "type", _TIMELINE_TYPE, TIMELINE_TYPES, "dailies")


def timeline_status(value: Any) -> tuple[str, Unknown | None]:
    """A playlist's status as a timeline status (``active`` -> ``review``)."""
    return vocabulary(value, "status", _TIMELINE_STATUS, TIMELINE_STATUSES, "draft")


@dataclass
class ProjectInfo:
    """What the mapping needs of a project: its path templates and the folders its files live under."""

    project_id: str
    templates: list[PathTemplate] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)
    frame_rate: Decimal | None = None
    resolution: str | None = None

    def owns(self, path: str) -> bool:
        """Whether ``path`` lies under one of the project's root folders."""
        norm = _norm(path)
        return any(norm.startswith(root) for root in self.roots)


@dataclass
class MappingContext:
    """The tasks and projects read so far, which media records refer to."""

    user_id: str
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, ProjectInfo] = field(default_factory=dict)

    def default_project(self) -> str | None:
        """The project of a folder holding exactly one."""
        return next(iter(self.projects)) if len(self.projects) == 1 else None

    def hierarchy(self, path: str, project: str | None) -> tuple[str | None, Hierarchy]:
        """(project, hierarchy) of a path: with that project's templates, or the project whose root or
        template the path matches; the lenient token finder fills what no template gives."""
        candidates = ([self.projects[project]] if project in self.projects else []) if project else (
            [p for p in self.projects.values() if p.owns(path)] or list(self.projects.values()))
        for info in candidates:
            for template in info.templates:
                found = template.parse(path)
                if found is not None:
                    return project or info.project_id, found.merged_over(parse_hierarchy(path, []))
        return project, parse_hierarchy(path, [])


@dataclass
class MediaPlan:
    """A media record ready to write, its tags, and the Montu words that had no Horus equivalent."""

    key: str
    row_id: uuid.UUID
    values: dict[str, Any]
    tags: list[tuple[str, str | None]]
    unknown: list[Unknown]


def _norm(path: str) -> str:
    return path.replace("\\", "/").rstrip("/").lower() + "/"


def montu_template(template: str) -> str:
    """A Montu path template in Horus's field names (``{project_name}`` -> ``{project}``, ``{task}`` ->
    ``{department}``)."""
    return (template.replace("{project_name}", "{project}").replace("{project_code}", "{project}")
            .replace("{task}", "{department}").replace("{dept}", "{department}"))


def code(data: dict[str, Any], *names: str) -> str | None:
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


def map_media(rec: SourceRecord, ctx: MappingContext) -> MediaPlan:
    """The Horus media record of a Montu media record; a value that cannot be read raises FieldError."""
    d, safe = rec.data, f.json_safe_for(rec.odd_numbers)
    path = f.text(d, "file_path", "storage_url", "path", required=True)
    assert path is not None
    meta = d.get("metadata") or {}
    if not isinstance(meta, dict):
        raise FieldError(f"metadata: expected an object, found {type(meta).__name__}")
    task_id = f.text(d, "linked_task_id", "task_id", "task")
    task = ctx.tasks.get(task_id, {}) if task_id else {}
    project = code(d, "project_id", "project") or code(task, "project_id", "project")
    known = {name: f.text(d, name) or f.text(task, name) for name in ("episode", "sequence", "shot", "department")}
    where = Hierarchy()
    if not project or None in known.values():  # the path is read only for what the record and task lack
        project, where = ctx.hierarchy(path, project)
    if not project:
        project = ((task_id.split("_")[0] if task_id and "_" in task_id else None) or ctx.default_project()
                   or where.project)
    if not project:
        raise FieldError("project: required (project, project_id, linked_task_id or a path a template matches)")
    version, version_number = f.version(f.first(d, "version"), path)
    artist = f.person(d, "author", "created_by", "artist") or f.person(task, "assigned_to", "assignee", "artist")
    status, unknown_status = approval_status(f.first(d, "approval_status", "status"))
    frames = f.frame_range(f.first(d, "frame_range") or f.first(meta, "frame_range"))
    if frames is None:
        start, end = f.integer(d, "start_frame"), f.integer(d, "end_frame")
        frames = (start, end) if start is not None and end is not None else None
    res = (f.resolution(meta, "metadata") if "width" in meta or "height" in meta
           else f.resolution(f.first(meta, "resolution") or f.first(d, "resolution")))
    rate = f.frame_rate(f.first(meta, "frame_rate", "fps") or f.first(d, "frame_rate", "fps"))
    file_type = f.text(d, "file_type", "type")
    tags = tags_of(d.get("tags"))
    montu: dict[str, Any] = {"_id": rec.montu_id, "file": rec.file,
                             **{k: v for k, v in d.items() if k not in _MEDIA_MAPPED}}
    if meta:
        montu["metadata"] = meta
    if unknown_status is not None or (f.first(d, "approval_status", "status") not in (None, status)):
        montu["approval_status"] = f.first(d, "approval_status", "status")
    if task:
        montu["task"] = {k: task[k] for k in ("_id", "status", "assigned_to", "assignee") if k in task}
    extra: dict[str, Any] = {"montu": montu}
    for key in ("codec", "duration"):
        if meta.get(key) is not None:
            extra[key] = meta[key]

    def where_of(name: str) -> str | None:
        return known[name] or getattr(where, name)

    values: dict[str, Any] = {
        "file_path": path, "project_id": project, "episode": where_of("episode"), "sequence": where_of("sequence"),
        "shot": where_of("shot"), "version": version, "version_number": version_number,
        "department": where_of("department"), "task_type": f.text(d, "task_type") or f.text(task, "task_type", "type"),
        "artist_id": artist[0] if artist else None, "artist_name": artist[1] if artist else None,
        "approval_status": status, "resolution": res,
        "frame_rate": rate[0] if rate else None, "frame_rate_rational": rate[1] if rate else None,
        "color_space": f.text(meta, "color_space", "colorspace") or f.text(d, "color_space"),
        "compression": f.text(meta, "codec", "compression"), "bit_depth": f.integer(meta, "bit_depth"),
        "file_size": (f.integer(meta, "file_size", limit=f.BIG_LIMIT) if meta.get("file_size") is not None
                      else f.integer(d, "file_size", limit=f.BIG_LIMIT)),
        "media_kind": f.media_kind(file_type, path), "mime_type": f.mime_type(path),
        "created_at": f.timestamp(d, "created_at", "date"), "extra_metadata": safe(extra),
    }
    if frames is not None:
        values.update(start_frame=frames[0], end_frame=frames[1], frame_count=frames[1] - frames[0] + 1)
    key = rec.montu_id or f"path:{path}"
    return MediaPlan(key, derive_id("media", key), values, tags, [unknown_status] if unknown_status else [])


def tags_of(value: Any) -> list[tuple[str, str | None]]:
    """(name, category) of Montu tags given as text, objects, or one comma-separated text."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.split(",")
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
            raise FieldError(f"tags[{i}]: expected text or {{name}}, found {f.json_safe(tag)!r}"[:120])
        if len(name) > 100:
            raise FieldError(f"tags[{i}]: {len(name)} characters, at most 100")
        if name and name not in {n for n, _ in out}:
            out.append((name, category))
    return out


def map_config(d: dict[str, Any]) -> tuple[str, dict[str, Any], ProjectInfo]:
    """(project id, ``projects.upsert`` values, what media mapping needs) of a Montu project config."""
    project_id = code(d, "project", "project_id", "code", "_id", "id")
    if not project_id:
        raise FieldError("project: required (or _id)")
    templates = f.first(d, "path_templates", "templates")
    settings_in = d.get("settings") if isinstance(d.get("settings"), dict) else {}
    settings: dict[str, Any] = {"montu": f.json_safe({k: v for k, v in d.items() if k not in _CONFIG_MAPPED})}
    name = "templates" if "templates" in d and "path_templates" not in d else "path_templates"
    if isinstance(templates, dict):
        if not all(isinstance(v, str) for v in templates.values()):
            raise FieldError(f"{name}: every template must be text")
        settings["path_template_names"] = {k: montu_template(v) for k, v in templates.items()}
        template_list: list[str] | None = [montu_template(v) for v in templates.values()]
    elif isinstance(templates, list):
        if not all(isinstance(v, str) for v in templates):
            raise FieldError(f"{name}: every template must be text")
        template_list = [montu_template(v) for v in templates]
    elif templates is None:
        template_list = None
    else:
        raise FieldError(f"{name}: expected a list or an object, found {type(templates).__name__}")
    rate = (f.frame_rate(f.first(d, "fps", "frame_rate"), "fps")
            or f.frame_rate(f.first(settings_in, "frame_rate", "fps"), "settings.frame_rate"))
    raw_res = f.first(d, "resolution") or f.first(settings_in, "resolution")
    res = f.resolution(raw_res) if raw_res is not None else (f.resolution(d) if "width" in d and "height" in d
                                                              else None)
    if rate and rate[1]:
        settings["frame_rate_rational"] = rate[1]
    roots = d.get("drive_mapping") if isinstance(d.get("drive_mapping"), dict) else {}
    info = ProjectInfo(project_id, [PathTemplate(t) for t in template_list or []],
                       [_norm(v) for v in roots.values() if isinstance(v, str) and v.strip()],
                       rate[0] if rate else None, res)
    values: dict[str, Any] = {
        "name": f.text(d, "name") or project_id, "path_templates": template_list,
        "ocio_config": f.text(d, "ocio_config", "ocio"), "frame_rate": rate[0] if rate else None,
        "resolution": res, "settings": settings,
    }
    return project_id, values, info


def stored_project(config: Any) -> ProjectInfo:
    """The mapping's view of a project config already in the store."""
    roots = ((config.settings or {}).get("montu") or {}).get("drive_mapping") or {}
    return ProjectInfo(config.project_id, [PathTemplate(t) for t in config.path_templates or []],
                       [_norm(v) for v in roots.values() if isinstance(v, str) and v.strip()] if isinstance(
                           roots, dict) else [], config.frame_rate, config.resolution)


@dataclass(frozen=True)
class MediaInfo:
    """What notes and playlist clips need of an imported (or already stored) media."""

    id: uuid.UUID
    file_path: str
    project_id: str
    resolution: str | None = None
    start_frame: int | None = None
    frame_count: int | None = None
    shot: str | None = None
    version: str | None = None
    frame_rate: Decimal | None = None
    frame_rate_rational: str | None = None

    @classmethod
    def of(cls, media_id: uuid.UUID, values: Any) -> MediaInfo:
        """From a MediaRecord or a dict of media values."""
        get = values.get if isinstance(values, dict) else lambda name: getattr(values, name, None)
        return cls(media_id, get("file_path"), get("project_id"), get("resolution"), get("start_frame"),
                   get("frame_count"), get("shot"), get("version"), get("frame_rate"), get("frame_rate_rational"))
