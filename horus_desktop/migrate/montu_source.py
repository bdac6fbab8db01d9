"""Reading a Montu JSON database folder: which file holds what (by its records' shape), and its records.

A real Montu folder names its files freely (``horus_playlists.json``, ``swa_media_records.json``,
``swa_project_config.json``), so a file's kind is read from the fields of its records; its name only breaks
a tie. Text is cleaned on the way in: NUL characters (which no database keeps) are removed and lone UTF-16
surrogates replaced, each cleaned record giving a warning that names its fields.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The kinds of Montu file, in the order they are imported (each may need the ones before it).
KINDS = ("project_configs", "tasks", "media", "notes", "playlists")
#: Words in a file name that hint at its kind (used when the records do not say).
_NAME_HINTS = {
    "playlists": ("playlist",), "notes": ("annotation", "note", "comment"), "media": ("media",),
    "tasks": ("task",), "project_configs": ("project",),
}
_SAMPLE = 200
_SUSPECT = re.compile(r"\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\x00")
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_ODD_NUMBERS = re.compile(r"NaN|Infinity|\d{19}|\d[eE]\+?\d{3}")
_LAST_ID = re.compile(r'"_id"\s*:\s*"((?:[^"\\]|\\.){1,200})"')


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One Montu record, where it came from, and the id reports name it by."""

    file: str
    index: int
    data: dict[str, Any]
    #: The file holds NaN, Infinity or very long numbers somewhere (JSON columns cannot keep those as such).
    odd_numbers: bool = False

    @property
    def montu_id(self) -> str | None:
        """The record's Montu ``_id`` (or ``id``), as text, if it has one."""
        return record_id(self.data)

    @property
    def label(self) -> str:
        """The id to show in a report: the ``_id``, else the position in the file."""
        return self.montu_id or f"#{self.index}"


@dataclass
class SourceFile:
    """The records of one file, its kind, and what was wrong with the file or some of its entries.

    ``error`` is set when the file cannot be read at all (not UTF-8, not JSON, truncated, not records):
    none of its records is imported.
    """

    name: str
    kind: str | None = None
    records: list[SourceRecord] = field(default_factory=list)
    error: str | None = None
    bad_entries: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def record_id(data: dict[str, Any]) -> str | None:
    """A record's ``_id`` (or ``id``; MongoDB's ``{"$oid": ..}`` too) as text."""
    value = data.get("_id", data.get("id"))
    if isinstance(value, dict) and "$oid" in value:
        value = value["$oid"]
    if value is None or value == "" or isinstance(value, dict | list | bool | float):
        return None
    return str(value)


def find_files(directory: Path) -> list[Path]:
    """The JSON files of a folder (any case of ``.json``), in name order."""
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() == ".json")


def read_file(path: Path) -> SourceFile:
    """Parse one file, find its kind and clean its text; problems name the file, line, column or record."""
    source = SourceFile(path.name)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        source.error = f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"
        return source
    except OSError as exc:
        source.error = f"cannot read: {exc.strerror or exc}"
        return source
    try:
        data = json.loads(text, strict=False)  # a raw tab or NUL in a text is cleaned below, not fatal
    except json.JSONDecodeError as exc:
        source.error = _json_error(text, exc)
        return source
    except RecursionError:
        source.error = "not readable: values nested too deeply"
        return source
    entries = _entries(data)
    if entries is None and isinstance(data, dict) and shape_of(data) is not None:
        entries = [(None, data)]  # a file holding one record (a project's config) rather than a list
    if entries is None:
        source.kind = _kind_from_name(path.stem)
        if source.kind is not None:
            source.error = f"expected a list of records or an object of records, found {type(data).__name__}"
        return source
    suspect = _SUSPECT.search(text) is not None
    odd = _ODD_NUMBERS.search(text) is not None
    for index, (key, entry) in enumerate(entries):
        if not isinstance(entry, dict):
            source.bad_entries.append((key or f"#{index}", f"not an object but {type(entry).__name__}"))
            continue
        if key is not None and "_id" not in entry and "id" not in entry:
            entry = {"_id": key, **entry}
        if suspect:
            try:
                entry, cleaned = clean_record(entry)
            except RecursionError:
                source.bad_entries.append((record_id(entry) or f"#{index}", "values nested too deeply"))
                continue
            if cleaned:
                label = record_id(entry) or f"#{index}"
                source.warnings.append((label, "NUL characters removed and broken characters replaced in "
                                               + ", ".join(cleaned[:5]) + (" ..." if len(cleaned) > 5 else "")))
        source.records.append(SourceRecord(path.name, index, entry, odd))
    source.kind = classify([r.data for r in source.records[:_SAMPLE]], path.stem)
    return source


def classify(records: list[dict[str, Any]], stem: str) -> str | None:
    """The kind most of ``records`` look like; the file name decides when none looks like any."""
    votes = Counter(kind for kind in (shape_of(r) for r in records) if kind is not None)
    if votes:
        return votes.most_common(1)[0][0]
    return _kind_from_name(stem)


def shape_of(data: dict[str, Any]) -> str | None:
    """Which kind of Montu record ``data`` looks like, from the fields it has."""
    has = data.keys().__contains__
    if isinstance(data.get("clips"), list) or (isinstance(data.get("items"), list) and has("name")):
        return "playlists"
    texty = any(has(k) for k in ("text", "content", "comment", "body", "note"))
    if texty and any(has(k) for k in ("media_id", "parent_id", "frame_number", "annotation_type", "coordinates",
                                      "replies", "media", "linked_media_id")):
        return "notes"
    if any(has(k) for k in ("file_path", "storage_url")):
        return "media"
    if any(has(k) for k in ("templates", "path_templates", "drive_mapping")) or (
            isinstance(data.get("settings"), dict) and any(has(k) for k in ("departments", "episodes", "sequences"))):
        return "project_configs"
    if any(has(k) for k in ("task_type", "assigned_to", "assignee", "due_date")):
        return "tasks"
    return None


def _kind_from_name(stem: str) -> str | None:
    word = stem.lower()
    for kind, hints in _NAME_HINTS.items():
        if any(h in word for h in hints):
            return kind
    return None


def _json_error(text: str, exc: json.JSONDecodeError) -> str:
    """json's message with line and column, and for a cut-off file the last complete record's id."""
    where = f"at line {exc.lineno}, column {exc.colno}"
    if not text[exc.pos:].strip():
        last = _LAST_ID.findall(text[:exc.pos])
        after = f", after record {last[-1]!r}" if last else ""
        return f"not valid JSON: the file ends before its records are closed (truncated?) {where}{after}"
    return f"not valid JSON: {exc.msg} {where}"


def clean_record(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``data`` with NULs removed and lone surrogates replaced, and the paths of the fields changed."""
    cleaned: list[str] = []
    return _clean(data, "", cleaned), cleaned


def _clean(value: Any, path: str, cleaned: list[str]) -> Any:
    """``value`` with NULs removed and lone surrogates replaced; ``cleaned`` gets the paths changed."""
    if isinstance(value, str):
        if _BAD_CHARS.search(value) is None:
            return value
        cleaned.append(path or "(key)")
        return re.sub("[\ud800-\udfff]", "\ufffd", value.replace("\x00", ""))
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = _clean(key, f"{path}.{key}".lstrip("."), cleaned) if isinstance(key, str) else key
            out[name] = _clean(item, f"{path}.{name}".lstrip("."), cleaned)
        return out
    if isinstance(value, list):
        return [_clean(item, f"{path}[{i}]", cleaned) for i, item in enumerate(value)]
    return value


def _entries(data: Any) -> list[tuple[str | None, Any]] | None:
    """(key, record) pairs of a list, a ``{"records": ...}`` wrapper or an object keyed by id."""
    if isinstance(data, list):
        return [(None, item) for item in data]
    if isinstance(data, dict):
        if "records" in data and isinstance(data["records"], list | dict):
            return _entries(data["records"])
        if not data:
            return []
        if all(isinstance(v, dict) for v in data.values()):
            return [(str(k), v) for k, v in data.items()]
    return None
