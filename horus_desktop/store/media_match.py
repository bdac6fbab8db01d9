"""The few columns a playlist import's clip matching reads of media records: batched reads by path and by
(shot, version) giving :class:`MediaMatch` tuples, with the rows and order ``MediaRepository.get_by_paths``
and ``find_by_shot_versions`` give, but not the ~40 columns of a full record (building 2,000 full
``MediaRecord`` objects was half the matching's time)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import Session

from horus_desktop.store.field_rules import NUL
from horus_desktop.store.models import MediaRecordRow
from horus_desktop.store.repositories.base import InvalidFieldError, Repository

_TABLE = MediaRecordRow.__table__
_CHUNK = 500


class MediaMatch(NamedTuple):
    """What a clip keeps of the media it is linked to: its id, project, path, the names its ``horus``
    metadata holds and its resolution (for drawings)."""

    id: uuid.UUID
    project_id: str
    file_path: str
    shot: str | None
    version: str | None
    department: str | None
    sequence: str | None
    task_type: str | None
    resolution: str | None


_COLUMNS = tuple(_TABLE.c[name] for name in MediaMatch._fields)
#: Every path in one statement, compiled once (the paths are bound at execution, not built into the SQL).
_BY_PATHS = select(*_COLUMNS).where(_TABLE.c.file_path.in_(bindparam("file_path", expanding=True)),
                                    _TABLE.c.is_deleted.is_not(True))
#: On SQLite, the paths go as one JSON array: one statement and one bound value for thousands of paths (an
#: import's spellings), each looked up in the path index as ``IN (...)`` would.
_BY_PATHS_SQLITE = (f"SELECT {', '.join(c.name for c in _COLUMNS)} FROM {_TABLE.name} WHERE file_path IN "
                    "(SELECT value FROM json_each(?)) AND is_deleted IS NOT 1")

#: The live media whose path lies from each text of a JSON array up to that text followed by U+10FFFF (the
#: last character), by the text's index: every path starting with it but with that character next.
_BY_PATH_STARTS_SQLITE = (f"SELECT j.key, m.rowid, {', '.join('m.' + c.name for c in _COLUMNS)} FROM json_each(?) AS j "
                          f"JOIN {_TABLE.name} AS m ON m.file_path >= j.value "
                          "AND m.file_path <= j.value || char(1114111) WHERE m.is_deleted IS NOT 1")


def _stored_uuid(text: str) -> uuid.UUID:
    """A UUID from its stored text (32 hex digits on SQLite): read as one number, a quarter cheaper than
    ``uuid.UUID(text)``, which strips braces and dashes first and then does the same; any other text as that."""
    return uuid.UUID(int=int(text, 16)) if len(text) == 32 else uuid.UUID(text)


def shot_version_rows(session: Session, columns: Sequence[ColumnElement[Any]], pairs: Iterable[tuple[str, str]],
                      project_id: str | None = None) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """``columns`` of each (shot, version) pair's live media (of ``project_id`` when given), newest version
    first (version number, then creation time); pairs with none are left out. The one query of
    ``MediaRepository.find_by_shot_versions`` (whole records) and :meth:`MediaMatchReads.by_shot_versions`."""
    wanted = set(pairs)
    shots = sorted({shot for shot, _ in wanted})
    versions = sorted({version for _, version in wanted})
    out: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for start in range(0, len(shots), _CHUNK):  # a shot's rows all come in one chunk: their order holds
        conds = [_TABLE.c.shot.in_(shots[start:start + _CHUNK]), _TABLE.c.version.in_(versions),
                 _TABLE.c.is_deleted.is_not(True)]
        if project_id:
            conds.append(_TABLE.c.project_id == project_id)
        for row in session.execute(select(*columns, _TABLE.c.shot, _TABLE.c.version).where(*conds).order_by(
                _TABLE.c.version_number.desc(), _TABLE.c.created_at.desc())):
            key = (row[-2], row[-1])
            if key in wanted:
                out.setdefault(key, []).append(tuple(row[:-2]))
    return out


class MediaMatchReads(Repository):
    """Reads of live media for clip matching."""

    def by_paths(self, file_paths: Iterable[str]) -> dict[str, MediaMatch]:
        """Live media stored under any of ``file_paths``, by path (the first row of a path, as
        ``get_by_paths`` keeps it)."""
        paths = list(dict.fromkeys(file_paths))
        found: dict[str, MediaMatch] = {}
        if not paths:
            return found
        with self._uow.read() as session:
            if session.get_bind().dialect.name == "sqlite":
                for path in paths:  # the field rules' refusal of a read parameter holding one (json_each ends at it)
                    if NUL in path:
                        raise InvalidFieldError(f"{_TABLE.name}.file_path", "contains a NUL character (\\x00); "
                                                "nothing stored holds one")
                # Driver rows: ids as SQLite keeps them (32 hex digits, as SQLAlchemy's Uuid stores them).
                text = json.dumps(paths, ensure_ascii=False)
                rows = session.connection().exec_driver_sql(_BY_PATHS_SQLITE, (text,)).fetchall()
                for row in rows:
                    if row[2] not in found:
                        found[row[2]] = MediaMatch(uuid.UUID(row[0]), *row[1:])
                return found
            for start in range(0, len(paths), _CHUNK):
                for row in session.execute(_BY_PATHS, {"file_path": paths[start:start + _CHUNK]}):
                    found.setdefault(row[2], MediaMatch(*row))
        return found

    def by_path_starts(self, starts: Sequence[str]) -> list[list[tuple[int, MediaMatch]]] | None:
        """Live media whose path starts with each of ``starts`` (but for U+10FFFF, the last character, right
        after it), each with its row order (the row stored first of a path first, as :meth:`by_paths` keeps
        it); None where text is not ordered by its bytes (PostgreSQL's collation): the caller then reads
        paths one spelling at a time. On SQLite one statement, each start one range search of the path
        index: every spelling of an import's clip path (``sh010.####.exr``, ``sh010.%04d.exr``...) starts with
        the text before its frame token, so one search finds them all where an ``IN`` of the spellings
        searched once per spelling (five for ``####``)."""
        out: list[list[tuple[int, MediaMatch]]] = [[] for _ in starts]
        if not starts:
            return out
        with self._uow.read() as session:
            if session.get_bind().dialect.name != "sqlite":
                return None
            if any(NUL in start for start in starts):  # as by_paths: json_each would end the text at a NUL
                raise InvalidFieldError(f"{_TABLE.name}.file_path", "contains a NUL character (\\x00); "
                                        "nothing stored holds one")
            text = json.dumps(list(starts), ensure_ascii=False)
            make = MediaMatch._make
            for row in session.connection().exec_driver_sql(_BY_PATH_STARTS_SQLITE, (text,)).fetchall():
                out[row[0]].append((row[1], make((_stored_uuid(row[2]), *row[3:]))))
        return out

    def by_shot_versions(self, pairs: Iterable[tuple[str, str]],
                         project_id: str | None = None) -> dict[tuple[str, str], list[MediaMatch]]:
        """Each (shot, version) pair's live media (of ``project_id`` when given), newest version first;
        pairs with none are left out."""
        with self._uow.read() as session:
            return {key: [MediaMatch(*row) for row in rows]
                    for key, rows in shot_version_rows(session, _COLUMNS, pairs, project_id).items()}
