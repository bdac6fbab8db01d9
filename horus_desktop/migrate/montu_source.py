"""Reading a Montu JSON database folder: which file holds what, and the records in each."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The kinds of Montu file, and the file names (without ``.json``, any case) each may have.
FILE_NAMES: dict[str, tuple[str, ...]] = {
    "media": ("media_records", "media"),
    "notes": ("annotations", "notes"),
    "playlists": ("playlists",),
    "tasks": ("tasks",),
    "project_configs": ("project_configs", "projects"),
}


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One Montu record, where it came from, and the id reports name it by."""

    file: str
    index: int
    data: dict[str, Any]

    @property
    def montu_id(self) -> str | None:
        """The record's Montu ``_id`` (or ``id``), as text, if it has one."""
        value = self.data.get("_id", self.data.get("id"))
        if isinstance(value, dict) and "$oid" in value:  # MongoDB extended JSON
            value = value["$oid"]
        return None if value is None or value == "" else str(value)

    @property
    def label(self) -> str:
        """The id to show in a report: the ``_id``, else the position in the file."""
        return self.montu_id or f"#{self.index}"


@dataclass
class SourceFile:
    """The records of one file, and what was wrong with the file or some of its entries."""

    name: str
    records: list[SourceRecord] = field(default_factory=list)
    error: str | None = None
    bad_entries: list[tuple[str, str]] = field(default_factory=list)


def find_files(directory: Path) -> dict[str, list[Path]]:
    """The Montu files of a folder by kind, matching names case-insensitively (``Notes.JSON`` too)."""
    by_stem: dict[str, list[Path]] = {}
    for path in sorted(directory.iterdir()):
        if path.is_file() and path.suffix.lower() == ".json":
            by_stem.setdefault(path.stem.lower(), []).append(path)
    found: dict[str, list[Path]] = {}
    for kind, stems in FILE_NAMES.items():
        paths = [p for stem in stems for p in by_stem.get(stem, [])]
        if paths:
            found[kind] = paths
    return found


def read_file(path: Path) -> SourceFile:
    """Parse one file; a file that is not JSON gets ``error`` with json's line and column."""
    source = SourceFile(path.name)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        source.error = f"cannot read: {exc}"
        return source
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        source.error = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        return source
    entries = _entries(data)
    if entries is None:
        source.error = f"expected a list of records or an object of records, found {type(data).__name__}"
        return source
    for index, (key, entry) in enumerate(entries):
        if not isinstance(entry, dict):
            source.bad_entries.append((key or f"#{index}", f"not an object but {type(entry).__name__}"))
            continue
        if key is not None and "_id" not in entry and "id" not in entry:
            entry = {"_id": key, **entry}
        source.records.append(SourceRecord(path.name, index, entry))
    return source


def _entries(data: Any) -> list[tuple[str | None, Any]] | None:
    """(key, record) pairs of a list, a ``{"records": ...}`` wrapper or an object keyed by id."""
    if isinstance(data, list):
        return [(None, item) for item in data]
    if isinstance(data, dict):
        if "records" in data and isinstance(data["records"], list | dict):
            return _entries(data["records"])
        if not data:
            return []
        if any(isinstance(v, dict) for v in data.values()):
            return [(str(k), v) for k, v in data.items()]
    return None
