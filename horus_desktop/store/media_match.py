"""The few columns a playlist import's clip matching reads of media records: batched reads by path and by
(shot, version) giving :class:`MediaMatch` tuples, with the rows and order ``MediaRepository.get_by_paths``
and ``find_by_shot_versions`` give, but not the ~40 columns of a full record (building 2,000 full
``MediaRecord`` objects was half the matching's time)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select

from horus_desktop.store.models import MediaRecordRow
from horus_desktop.store.repositories.base import Repository

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


class MediaMatchReads(Repository):
    """Reads of live media for clip matching."""

    def by_paths(self, file_paths: Iterable[str]) -> dict[str, MediaMatch]:
        """Live media stored under any of ``file_paths``, by path (the first row of a path, as
        ``get_by_paths`` keeps it)."""
        paths = list(dict.fromkeys(file_paths))
        found: dict[str, MediaMatch] = {}
        with self._uow.read() as session:
            for start in range(0, len(paths), _CHUNK):
                for row in session.execute(select(*_COLUMNS).where(
                        _TABLE.c.file_path.in_(paths[start:start + _CHUNK]), _TABLE.c.is_deleted.is_not(True))):
                    found.setdefault(row[2], MediaMatch(*row))
        return found

    def by_shot_versions(self, pairs: Iterable[tuple[str, str]],
                         project_id: str | None = None) -> dict[tuple[str, str], list[MediaMatch]]:
        """Each (shot, version) pair's live media (of ``project_id`` when given), newest version first;
        pairs with none are left out."""
        wanted = set(pairs)
        shots = sorted({shot for shot, _ in wanted})
        versions = sorted({version for _, version in wanted})
        out: dict[tuple[str, str], list[MediaMatch]] = {}
        with self._uow.read() as session:
            for start in range(0, len(shots), _CHUNK):
                conds = [_TABLE.c.shot.in_(shots[start:start + _CHUNK]), _TABLE.c.version.in_(versions),
                         _TABLE.c.is_deleted.is_not(True)]
                if project_id:
                    conds.append(_TABLE.c.project_id == project_id)
                for row in session.execute(select(*_COLUMNS).where(*conds).order_by(
                        _TABLE.c.version_number.desc(), _TABLE.c.created_at.desc())):
                    key = (row[3], row[4])
                    if key in wanted:
                        out.setdefault(key, []).append(MediaMatch(*row))
        return out
