"""Media records: create, update, approval status, soft delete, the search behind the browser."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    false,
    func,
    insert,
    literal_column,
    or_,
    select,
    table,
    text,
    union,
    update,
)

from horus_desktop.domain.media_query import MEDIA_SORT_COLUMNS, MediaQuery, Page
from horus_desktop.domain.records import ApprovalChange, MediaRecord
from horus_desktop.store.bulk_insert import checked_stored_rows, insert_set_based, insert_stored
from horus_desktop.store.field_rules import check_row, has_nul
from horus_desktop.store.models import (
    ApprovalChangeRow,
    MediaRecordRow,
    MediaTagRow,
    NotificationRow,
    UserRow,
)
from horus_desktop.store.repositories.base import (
    InvalidFieldError,
    NotFoundError,
    TombstonedRepository,
    as_uuid,
    check_length,
    field_names,
    to_record,
)
from horus_desktop.store.types import UtcDateTime, utcnow

_TABLE = MediaRecordRow.__table__
# created_at is writable so imports keep the original date; updated_at belongs to the store.
_WRITABLE = frozenset(field_names(MediaRecord)) - {"id", "updated_at", "is_deleted", "deleted_at"}
_LENGTHS = {
    c.name: c.type.length for c in _TABLE.columns if getattr(c.type, "length", None) is not None
}
_MEDIA_KINDS = ("movie", "sequence", "still")
#: Columns selected for a record, in MediaRecord's field order (records are built positionally: fast).
_RECORD_COLUMNS = tuple(_TABLE.c[name] for name in field_names(MediaRecord))
_SELECT_RECORDS = select(*_RECORD_COLUMNS)
_ROWID = literal_column("horus_media_records.rowid")
_RECORD_VALUES = itemgetter(*field_names(MediaRecord))  # a row dict's values in MediaRecord's field order
_EMPTY_ROW: dict[str, Any] = {c.name: None for c in _TABLE.columns}
#: The columns' own defaults, filled in here because an ``executemany`` row must name every column.
_DEFAULTS: dict[str, Any] = {"is_latest_version": False, "is_deleted": False, "approval_status": "pending"}
_CHUNK = 500
#: SQLite (revision 0008): while this table holds a row, the media search trigger is quiet. No longer written:
#: a large set-based insert drops the trigger for its batch instead (``store.bulk_insert.triggers_absent``).
SEARCH_DEFERRED_TABLE = "horus_media_search_deferred"
SEARCH_TEXT_SQL = (
    "lower(coalesce(file_name, '') || ' ' || coalesce(file_path, '') || ' ' || coalesce(shot, '') || ' ' || "
    "coalesce(sequence, '') || ' ' || coalesce(artist_name, ''))"
)


def _clean_fields(values: dict[str, Any]) -> dict[str, Any]:
    if "created_at" in values and values["created_at"] is None:
        del values["created_at"]  # None means "now", the column's default
    unknown = set(values) - _WRITABLE
    if unknown:
        raise InvalidFieldError(sorted(unknown)[0], "not a writable media record field")
    for name, limit in _LENGTHS.items():
        value = values.get(name)
        if isinstance(value, str):
            check_length(name, value, limit)
    if values.get("frame_rate") is not None:
        try:
            rate = Decimal(str(values["frame_rate"])).quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise InvalidFieldError("frame_rate", f"not a number: {values['frame_rate']!r}") from exc
        if not (Decimal(0) <= rate < Decimal(1000)):
            raise InvalidFieldError("frame_rate", f"{rate} is outside 0-999.99")
        values["frame_rate"] = rate
    return values


class MediaRepository(TombstonedRepository[MediaRecord]):
    """Everything written to or read from ``horus_media_records``."""

    _model, _record, _what = MediaRecordRow, MediaRecord, "media"

    def create(self, *, id: uuid.UUID | None = None, **values: Any) -> MediaRecord:
        """Add a media record; the id is made here unless given (client-made keys, for sync).

        One row goes through the table's triggers (search index, sync capture): for one row they cost what
        a set-based write does."""
        return self._create([{**values, "id": id}], set_based=False)[0]

    def create_many(self, items: Sequence[dict[str, Any]]) -> list[MediaRecord]:
        """Add many media records in one transaction (an ingest writes its batches through here).

        On SQLite the rows go in with one plain ``executemany`` in the stored form (``sync_codec``, as a sync
        pull writes them), with the per-row triggers quiet; then the search index and the sync outbox are
        filled for the whole batch in one statement each, with the very rows and ops the triggers would have
        written (tests compare the two). Elsewhere: one ``executemany`` per 500 rows."""
        return self._create(items, set_based=True)

    def _create(self, items: Sequence[dict[str, Any]], *, set_based: bool) -> list[MediaRecord]:
        now = utcnow()
        rows = []
        ids = iter(_new_ids(sum(1 for item in items if not item.get("id"))))
        for item in items:
            values = dict(item)
            row_id = values.pop("id", None) or next(ids)
            rows.append(_new_row(values, {"created_at": now, "updated_at": now}, row_id))
        if not rows:
            return []
        with self._uow.write() as ctx:
            if set_based and self._bulk_ready(ctx.session) and not any(map(_naive_time, rows)):
                _insert_set_based(ctx.session, rows)
            else:
                for start in range(0, len(rows), _CHUNK):
                    ctx.session.execute(insert(_TABLE), rows[start:start + _CHUNK])
            for row in rows:
                ctx.record(_TABLE.name, row["id"], "insert")
        return [MediaRecord(*_RECORD_VALUES(row)) for row in rows]

    def stored_rows_maker(self) -> StoredRows | None:
        """:func:`stored_media_rows` when this store takes its rows (SQLite), else None: an ingest hands it to
        the processes probing the media, so that their records reach the writer ready to insert
        (:meth:`create_stored`)."""
        return stored_media_rows if self._uow.engine.dialect.name == "sqlite" else None

    def create_stored(self, rows: Sequence[tuple[Any, ...]]) -> list[uuid.UUID]:
        """Add new media records made by :func:`stored_media_rows` in one transaction (SQLite); returns their
        ids. Written as :meth:`create_many` writes its rows (the same stored rows, search index and outbox ops),
        with only the id and the times added here: the values were checked and converted where the media was
        probed, off the writer's thread. From ``TRIGGERS_ABSENT_ROWS`` rows their ops are written already
        stamped (the transaction's clock and author), so the commit does not rewrite them."""
        if not rows:
            return []
        ids = _new_ids(len(rows))
        now = checked_stored_rows(_TABLE, ["created_at"], [{"created_at": utcnow()}])[0][0]
        stored = [(row_id.hex, now, now, *row) for row_id, row in zip(ids, rows, strict=True)]
        with self._uow.write() as ctx:
            insert_stored(ctx.session, _TABLE, _STORED_INSERT_COLUMNS, stored,
                          replaces={"trg_media_search_insert": _FILL_SEARCH}, stamp=ctx.stamp)
            for row_id in ids:
                ctx.record(_TABLE.name, row_id, "insert")
        return ids

    @staticmethod
    def _bulk_ready(session: Any) -> bool:
        """Whether this store takes set-based inserts: SQLite (the search trigger is dropped for a large
        batch, so the deferral table of revision 0008 is no longer used)."""
        return bool(session.get_bind().dialect.name == "sqlite")

    def update(self, media_id: uuid.UUID | str, **values: Any) -> MediaRecord:
        """Change fields of a media record."""
        media_id = as_uuid(media_id, "media_id")
        values = _clean_fields(values)
        with self._uow.write() as ctx:
            row = self._get_live(ctx.session, MediaRecordRow, media_id, "media")
            for key, value in values.items():
                setattr(row, key, value)
            ctx.record(_TABLE.name, media_id, "update")
            ctx.session.flush()
        return to_record(row, MediaRecord)

    def set_status(
        self, media_ids: Iterable[uuid.UUID | str], status: str, *, by: str | None = None,
        by_name: str | None = None, note: str | None = None,
    ) -> list[MediaRecord]:
        """Set the approval status of one or many versions (one of APPROVAL_STATUSES; others are refused).

        Each change is kept in the approval history with who and when, and the version's artist (when a
        Horus user other than the one deciding) gets a notification, in the same transaction.
        """
        ids = [as_uuid(m, "media_id") for m in media_ids]
        if not status:
            raise InvalidFieldError("approval_status", "empty")
        check_row(_TABLE.name, {"approval_status": status})  # before anything is read or written
        out = []
        with self._uow.write() as ctx:
            for media_id in ids:
                row = self._get_live(ctx.session, MediaRecordRow, media_id, "media")
                previous = row.approval_status
                out.append(row)
                if previous == status:
                    continue
                row.approval_status = status
                ctx.record(_TABLE.name, media_id, "update")
                change = ApprovalChangeRow(id=uuid.uuid4(), media_id=media_id, status=status,
                                           previous_status=previous, changed_by=by, changed_by_name=by_name,
                                           note=note)
                ctx.session.add(change)
                ctx.record(ApprovalChangeRow.__tablename__, change.id, "insert", media_id=row.id)
                if row.artist_id and row.artist_id != by and ctx.session.get(UserRow, row.artist_id):
                    notice = NotificationRow(
                        id=uuid.uuid4(), user_id=row.artist_id, type="approval_changed",
                        title=f"{row.file_name} {status.replace('_', ' ')}"[:255],
                        message=f"{by_name or by or 'Someone'} set {row.version} to {status} (was {previous})",
                        related_media_id=media_id)
                    ctx.session.add(notice)
                    ctx.record(NotificationRow.__tablename__, notice.id, "insert")
            ctx.session.flush()
        return [to_record(r, MediaRecord) for r in out]

    def status_history(self, media_id: uuid.UUID | str) -> list[ApprovalChange]:
        """The approval changes of a version, newest first."""
        media_id = as_uuid(media_id, "media_id")
        with self._uow.read() as session:
            rows = session.execute(select(ApprovalChangeRow).where(ApprovalChangeRow.media_id == media_id)
                                   .order_by(ApprovalChangeRow.created_at.desc())).scalars()
            return [to_record(r, ApprovalChange) for r in rows]

    def latest_status_changes(self, media_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, ApprovalChange]:
        """The newest approval change of each of many versions (who set the status and when), in batched
        reads; versions never changed are left out."""
        ids = list(dict.fromkeys(as_uuid(m, "media_id") for m in media_ids))
        out: dict[uuid.UUID, ApprovalChange] = {}
        with self._uow.read() as session:
            for start in range(0, len(ids), 500):
                rows = session.execute(select(ApprovalChangeRow).where(
                    ApprovalChangeRow.media_id.in_(ids[start:start + 500]))
                    .order_by(ApprovalChangeRow.created_at.desc())).scalars()
                for row in rows:
                    out.setdefault(row.media_id, to_record(row, ApprovalChange))
        return out

    def get_many(self, media_ids: Iterable[uuid.UUID | str]) -> list[MediaRecord]:
        """Live media records by id, in the order asked (missing ones left out), in batched reads."""
        ids = list(dict.fromkeys(as_uuid(m, "media_id") for m in media_ids))
        by_id: dict[uuid.UUID, MediaRecord] = {}
        with self._uow.read() as session:
            for start in range(0, len(ids), 500):
                rows = session.execute(select(*_RECORD_COLUMNS).where(
                    _TABLE.c.id.in_(ids[start:start + 500]), _TABLE.c.is_deleted.is_not(True)))
                by_id.update((record.id, record) for record in (MediaRecord(*row) for row in rows))
        return [by_id[i] for i in ids if i in by_id]

    def get_by_path(self, file_path: str, *, include_deleted: bool = False) -> MediaRecord | None:
        """The media record of a file or sequence pattern, if one exists."""
        stmt = select(_TABLE).where(_TABLE.c.file_path == file_path)
        if not include_deleted:
            stmt = stmt.where(_TABLE.c.is_deleted.is_not(True))
        with self._uow.read() as session:
            row = session.execute(stmt.limit(1)).mappings().first()
        return None if row is None else to_record(row, MediaRecord)

    def get_by_paths(self, file_paths: Iterable[str]) -> dict[str, MediaRecord]:
        """Live media records stored under any of ``file_paths``, by path (batched: imports of thousands)."""
        paths = list(dict.fromkeys(file_paths))
        found: dict[str, MediaRecord] = {}
        with self._uow.read() as session:
            for start in range(0, len(paths), 500):
                rows = session.execute(select(*_RECORD_COLUMNS).where(
                    _TABLE.c.file_path.in_(paths[start:start + 500]), _TABLE.c.is_deleted.is_not(True)))
                for row in rows:
                    record = MediaRecord(*row)
                    found.setdefault(record.file_path, record)
        return found

    def any_under(self, folder: str | os.PathLike[str]) -> bool:
        """Whether any media record, live or deleted, has its path under ``folder``: one range read of the path
        index. An ingest of a tree new to the store asks it once and then skips the look-ups of its paths, which
        it would make beside its own writes (each a re-read of the schema its batches change: ~5 ms here)."""
        below = os.path.join(os.fspath(folder), "")
        # Paths under the folder sort from "<folder>/" to before "<folder>0" ('0' follows '/'; on Windows ']'
        # follows the backslash): exactly the texts that start with the first.
        after = below[:-1] + chr(ord(below[-1]) + 1)
        with self._uow.read() as session:
            path: ColumnElement[str] = _TABLE.c.file_path
            if session.get_bind().dialect.name != "sqlite":
                path = path.collate("C")  # byte order, as SQLite's BINARY: a locale's order may skip the '/'
            return session.execute(select(literal_column("1")).select_from(_TABLE).where(
                path >= below, path < after).limit(1)).first() is not None

    def find_by_shot_version(
        self, shot: str, version: str | None = None, project_id: str | None = None
    ) -> list[MediaRecord]:
        """Media of a shot (and version, when given), newest version first."""
        conds = [_TABLE.c.shot == shot, _TABLE.c.is_deleted.is_not(True)]
        if version:
            conds.append(_TABLE.c.version == version)
        if project_id:
            conds.append(_TABLE.c.project_id == project_id)
        stmt = select(_TABLE).where(*conds).order_by(_TABLE.c.version_number.desc(), _TABLE.c.created_at.desc())
        with self._uow.read() as session:
            return [to_record(r, MediaRecord) for r in session.execute(stmt).mappings()]

    def find_by_shot_versions(
        self, pairs: Iterable[tuple[str, str]], project_id: str | None = None
    ) -> dict[tuple[str, str], list[MediaRecord]]:
        """:meth:`find_by_shot_version` for many (shot, version) pairs in batched reads: each pair's media,
        newest version first (pairs with none are left out)."""
        from horus_desktop.store.media_match import shot_version_rows  # the query clip matching reads too

        with self._uow.read() as session:
            return {key: [MediaRecord(*row) for row in rows]
                    for key, rows in shot_version_rows(session, _RECORD_COLUMNS, pairs, project_id).items()}

    def versions_of(self, media: MediaRecord) -> list[MediaRecord]:
        """Every live version of the same project, shot, department and task type, newest first."""
        stmt = (
            select(_TABLE)
            .where(
                _TABLE.c.project_id == media.project_id,
                _same(_TABLE.c.shot, media.shot),
                _same(_TABLE.c.department, media.department),
                _same(_TABLE.c.task_type, media.task_type),
                _TABLE.c.is_deleted.is_not(True),
            )
            .order_by(_TABLE.c.version_number.desc().nulls_last(), _TABLE.c.created_at.desc())
        )
        with self._uow.read() as session:
            return [to_record(r, MediaRecord) for r in session.execute(stmt).mappings()]

    def refresh_latest_versions(
        self, project_id: str, shot: str | None, department: str | None, task_type: str | None
    ) -> uuid.UUID | None:
        """Mark the highest live version of (project, shot, department, task type) as the latest.

        Returns the id now marked latest (None when the group is empty).
        """
        group = and_(
            _TABLE.c.project_id == project_id,
            _same(_TABLE.c.shot, shot),
            _same(_TABLE.c.department, department),
            _same(_TABLE.c.task_type, task_type),
        )
        with self._uow.write() as ctx:
            latest = ctx.session.execute(
                select(_TABLE.c.id)
                .where(group, _TABLE.c.is_deleted.is_not(True))
                .order_by(
                    _TABLE.c.version_number.desc().nulls_last(),
                    _TABLE.c.version.desc(),
                    _TABLE.c.created_at.desc(),
                )
                .limit(1)
            ).scalar()
            flagged = ctx.session.execute(
                select(_TABLE.c.id).where(group, _TABLE.c.is_latest_version.is_(True))
            ).scalars().all()
            for stale in flagged:
                if stale != latest:
                    ctx.session.execute(update(_TABLE).where(_TABLE.c.id == stale).values(
                        is_latest_version=False, updated_at=utcnow()))
                    ctx.record(_TABLE.name, stale, "update")
            if latest is not None and latest not in flagged:
                ctx.session.execute(update(_TABLE).where(_TABLE.c.id == latest).values(
                    is_latest_version=True, updated_at=utcnow()))
                ctx.record(_TABLE.name, latest, "update")
        return latest

    def refresh_latest_versions_many(
        self, groups: Iterable[tuple[str, str | None, str | None, str | None]]
    ) -> int:
        """:meth:`refresh_latest_versions` for many (project, shot, department, task type) groups in one
        transaction: their rows read in a few statements, the flags that change written in one
        ``executemany``. The order is the same (version number, then version name, then creation time).
        Returns how many flags changed.

        On SQLite in one statement: the groups' rows ranked in SQL (a window over the same order) and the
        flags that change updated there, the changed ids returned for the change set; no row crosses into
        Python (an ingest refreshes the groups of each batch it writes, in the batch's transaction)."""
        wanted = set(groups)
        if not wanted:
            return 0
        c = _TABLE.c
        members: dict[tuple[Any, ...], list[Any]] = {}
        by_project: dict[str, set[str | None]] = {}
        for project, shot, _, _ in wanted:
            by_project.setdefault(project, set()).add(shot)
        with self._uow.write() as ctx:
            if self._bulk_ready(ctx.session):
                changed = ctx.session.execute(_REFRESH_LATEST_SQLITE, {
                    "groups": json.dumps(sorted(wanted, key=lambda g: tuple(x or "" for x in g))),
                    "now": utcnow()}).scalars().all()
                for row_id in changed:
                    ctx.record(_TABLE.name, row_id, "update")
                return len(changed)
            for project, shots in by_project.items():
                named = sorted(s for s in shots if s is not None)
                chunks: list[ColumnElement[bool]] = [c.shot.in_(named[i:i + _CHUNK])
                                                     for i in range(0, len(named), _CHUNK)]
                if None in shots:
                    chunks.append(c.shot.is_(None))
                for shot_condition in chunks:
                    rows = ctx.session.execute(select(
                        c.id, c.shot, c.department, c.task_type, c.version_number, c.version, c.created_at,
                        c.is_latest_version, c.is_deleted).where(c.project_id == project, shot_condition)).all()
                    for row in rows:
                        key = (project, row.shot, row.department, row.task_type)
                        if key in wanted:
                            members.setdefault(key, []).append(row)
            changes: list[dict[str, Any]] = []
            for rows in members.values():
                live = [r for r in rows if not r.is_deleted]
                latest = max(live, key=_version_order).id if live else None
                for r in rows:
                    flag = r.id == latest
                    if bool(r.is_latest_version) != flag:
                        changes.append({"row_id": r.id, "flag": flag})
            if changes:
                ctx.session.execute(update(_TABLE).where(c.id == bindparam("row_id")).values(
                    is_latest_version=bindparam("flag"), updated_at=utcnow()), changes)
                for change in changes:
                    ctx.record(_TABLE.name, change["row_id"], "update")
        return len(changes)

    def search(self, query: MediaQuery) -> Page[MediaRecord]:
        """One page of live media matching ``query``, sorted in SQL with the seed's indexes."""
        stmt = self.search_statement(query)
        with self._uow.read() as session:
            rows = session.execute(stmt).all()
            total = None
            if query.with_total:
                total = session.execute(
                    select(func.count()).select_from(_TABLE).where(*_conditions(query, session))
                ).scalar_one()
        return Page(items=tuple(MediaRecord(*row) for row in rows), offset=query.offset, limit=query.limit,
                    total=total)

    def search_ids(self, query: MediaQuery) -> list[uuid.UUID]:
        """Only the ids of a search page, in order: what a browser model fetches in batches."""
        stmt = self.search_statement(query).with_only_columns(_TABLE.c.id)
        with self._uow.read() as session:
            return list(session.execute(stmt).scalars())

    def count(self, query: MediaQuery | None = None) -> int:
        """How many live media match ``query`` (all of them when None)."""
        with self._uow.read() as session:
            conds = _conditions(query or MediaQuery(), session)
            return session.execute(select(func.count()).select_from(_TABLE).where(*conds)).scalar_one()

    def search_statement(self, query: MediaQuery) -> Select[Any]:
        """The SQL of a search page (public so the benchmark can time the bare statement).

        A deferred join: filter, sort and page run over a narrow key (SQLite's rowid, so its partial
        indexes answer without reading rows; the id on PostgreSQL), then the page's rows are fetched by key.
        """
        if query.limit < 0 or query.offset < 0:
            raise InvalidFieldError("limit", "offset and limit must be >= 0")
        for name in (query.sort_by, *query.extra_sort):
            if name not in MEDIA_SORT_COLUMNS:
                raise InvalidFieldError("sort_by", f"cannot sort on {name!r}; one of {', '.join(MEDIA_SORT_COLUMNS)}")
        with self._uow.read() as session:
            dialect = session.get_bind().dialect.name
            key = _ROWID if dialect == "sqlite" else _TABLE.c.id
            sort_columns = [_TABLE.c[name] for name in dict.fromkeys((query.sort_by, *query.extra_sort))]
            page = (select(key.label("page_key"), *sort_columns).where(*_conditions(query, session))
                    .order_by(*_order(query, _TABLE.c, key)).offset(query.offset).limit(query.limit)
                    .subquery("page"))
        return (_SELECT_RECORDS.join(page, page.c.page_key == key)
                .order_by(*_order(query, page.c, page.c.page_key)))

    def distinct_values(self, column: str, query: MediaQuery | None = None) -> list[str]:
        """The distinct non-empty values of a hierarchy column (project, sequence, shot, ...) under a filter."""
        if column not in MEDIA_SORT_COLUMNS:
            raise InvalidFieldError("column", f"unknown column {column!r}")
        col = _TABLE.c[column]
        stmt = select(col).where(*_conditions(query or MediaQuery()), col.is_not(None)).distinct().order_by(col)
        with self._uow.read() as session:
            return [v for v in session.execute(stmt).scalars() if v != ""]


def sqlite_search_body(alias: str) -> str:
    """The text the SQLite search index holds for media row ``alias`` (names, path, shot, sequence, artist,
    tags); the search trigger and the set-based fill write the same."""
    return (
        f"coalesce({alias}.file_name, '') || ' ' || coalesce({alias}.file_path, '') || ' ' || "
        f"coalesce({alias}.shot, '') || ' ' || coalesce({alias}.sequence, '') || ' ' || "
        f"coalesce({alias}.artist_name, '') || ' ' || coalesce((SELECT group_concat(tag_name, ' ') "
        f"FROM horus_media_tags WHERE media_id = {alias}.id), '')"
    )


_FILL_SEARCH = (f"INSERT INTO horus_media_search(rowid, body) SELECT m.rowid, {sqlite_search_body('m')} "
                f"FROM {_TABLE.name} AS m WHERE m.rowid > ?")


_TIME_COLUMNS = tuple(c.name for c in _TABLE.columns if isinstance(c.type, UtcDateTime))


def _naive_time(row: dict[str, Any]) -> bool:
    """A timestamp without a zone: the store refuses it (``UtcDateTime``), so such a batch takes the path
    that says so."""
    return any(isinstance(v, datetime) and v.tzinfo is None for v in map(row.get, _TIME_COLUMNS))


def _new_ids(count: int) -> list[uuid.UUID]:
    """``count`` random (version 4) ids as ``uuid.uuid4`` makes them, from one read of the system's random
    source: a read per row let a writer thread's interpreter lock go, and wait to come back, once a row."""
    data = os.urandom(16 * count)
    return [uuid.UUID(bytes=data[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


def _new_row(values: dict[str, Any], times: dict[str, Any], row_id: uuid.UUID | None) -> dict[str, Any]:
    """A new record's row, every column named (``values`` cleaned and checked as ``create`` does; ``times``
    the store's created_at and updated_at; the id last)."""
    values = _clean_fields(values)
    if not values.get("file_path"):
        raise InvalidFieldError("file_path", "required")
    values.setdefault("file_name", values["file_path"].replace("\\", "/").rsplit("/", 1)[-1])
    for required in ("project_id", "version"):
        if not values.get(required):
            raise InvalidFieldError(required, "required")
    row = {**_EMPTY_ROW, **_DEFAULTS, **times, **values, "id": row_id}
    for flag, default in _DEFAULTS.items():
        if row[flag] is None:  # None means the column's default, as in an ORM insert
            row[flag] = default
    return row


#: The columns of a row made by ``stored_media_rows``, in order: all but those ``create_stored`` adds.
STORED_COLUMNS = tuple(c for c in _TABLE.c.keys() if c not in ("id", "created_at", "updated_at"))
_STORED_INSERT_COLUMNS = ("id", "created_at", "updated_at", *STORED_COLUMNS)
#: New records' values (as ``create_many`` takes them) -> their stored rows, or None each (see below).
StoredRows = Callable[[list[dict[str, Any]]], list[tuple[Any, ...] | None]]


def stored_media_rows(items: list[dict[str, Any]]) -> list[tuple[Any, ...] | None]:
    """New media records' values (as ``create_many`` takes them) as rows of :data:`STORED_COLUMNS` for
    ``MediaRepository.create_stored``: cleaned, checked and converted as ``create_many`` does it on SQLite
    (``bulk_insert.checked_stored_rows``). None for a record this way does not write (an id or a creation
    time given, a time without a zone, a value the rules refuse): ``create_many`` writes it, or says what is
    wrong with it. Touches no store: an ingest runs it where it probes (a worker process)."""
    rows: list[dict[str, Any] | None] = []
    for item in items:
        try:
            row = None if "id" in item or "created_at" in item else _new_row(dict(item), {}, None)
        except (InvalidFieldError, ValueError, TypeError):
            row = None
        rows.append(None if row is None or _naive_time(row) else row)
    fit = [row for row in rows if row is not None]
    try:
        stored = iter(checked_stored_rows(_TABLE, list(STORED_COLUMNS), fit))
    except (ValueError, TypeError, RecursionError):  # one of them is refused: find which, one at a time
        return [_stored_one(row) for row in rows]
    return [None if row is None else next(stored) for row in rows]


def _stored_one(row: dict[str, Any] | None) -> tuple[Any, ...] | None:
    if row is None:
        return None
    try:
        return checked_stored_rows(_TABLE, list(STORED_COLUMNS), [row])[0]
    except (ValueError, TypeError, RecursionError):
        return None


def _insert_set_based(session: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (every column named) on SQLite in this transaction (see ``create_many``): for a large
    batch without the search and capture triggers, the batch's search index rows and sync ops then written
    set-based (``store.bulk_insert``)."""
    insert_set_based(session, _TABLE, rows, replaces={"trg_media_search_insert": _FILL_SEARCH})


#: ``refresh_latest_versions_many`` on SQLite: ``:groups`` a JSON list of [project, shot, department, task
#: type]. The order is ``_version_order``'s: a number beats none, then the number, the name, the creation
#: time (SQLAlchemy's fixed-width text: its order is the time's), the flag held now; deleted rows are never
#: the latest. A NULL field of a group matches NULL (``IS``).
_REFRESH_LATEST_SQLITE = text("""
WITH wanted AS (
    SELECT DISTINCT json_extract(value, '$[0]') AS project_id, json_extract(value, '$[1]') AS shot,
           json_extract(value, '$[2]') AS department, json_extract(value, '$[3]') AS task_type
    FROM json_each(:groups)),
ranked AS (
    SELECT m.id, coalesce(m.is_latest_version, 0) AS flagged,
           CASE WHEN coalesce(m.is_deleted, 0) THEN 0 ELSE row_number() OVER (
               PARTITION BY m.project_id, m.shot, m.department, m.task_type, coalesce(m.is_deleted, 0)
               ORDER BY m.version_number IS NULL, coalesce(m.version_number, 0) DESC,
                        coalesce(m.version, '') DESC, m.created_at IS NULL, m.created_at DESC,
                        coalesce(m.is_latest_version, 0) DESC) = 1 END AS flag
    FROM wanted w JOIN horus_media_records m
      ON m.project_id = w.project_id AND m.shot IS w.shot AND m.department IS w.department
         AND m.task_type IS w.task_type)
UPDATE horus_media_records SET is_latest_version = ranked.flag, updated_at = :now
FROM ranked WHERE horus_media_records.id = ranked.id AND ranked.flagged != ranked.flag
RETURNING horus_media_records.id
""").bindparams(bindparam("now", type_=_TABLE.c.updated_at.type)).columns(id=_TABLE.c.id.type)


def _version_order(row: Any) -> tuple[Any, ...]:
    """Sort key of "newest version", as ``refresh_latest_versions`` orders in SQL: a number beats none, then
    the number, the name, the creation time; on a full tie the one flagged now stays flagged."""
    created = row.created_at.timestamp() if row.created_at is not None else float("-inf")
    return (row.version_number is not None, row.version_number or 0, row.version or "", created,
            bool(row.is_latest_version))


def _same(column: Any, value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _order(query: MediaQuery, columns: Any, tiebreak: Any) -> list[Any]:
    out = []
    for name in dict.fromkeys((query.sort_by, *query.extra_sort)):
        out.append(columns[name].desc() if query.descending else columns[name].asc())
    out.append(tiebreak.desc() if query.descending else tiebreak.asc())
    return out


def _text_condition(word: str, dialect: str) -> ColumnElement[bool]:
    """One search word: in a name, path, shot, sequence, artist or tag (substring, case-insensitive)."""
    if dialect == "sqlite" and len(word) >= 3:
        # The FTS5 trigram index (migration 0002) answers substring queries without scanning the table.
        fts_phrase = '"' + word.replace('"', '""') + '"'
        matched = select(literal_column("rowid")).select_from(table("horus_media_search")).where(
            literal_column("horus_media_search").op("MATCH")(fts_phrase))
        return _ROWID.in_(matched)
    pattern = f"%{_escape_like(word.lower())}%"
    tag_match = select(MediaTagRow.media_id).where(func.lower(MediaTagRow.tag_name).like(pattern, escape="\\"))
    # Same expression as the pg_trgm index of migration 0002, so PostgreSQL can use it; a UNION rather than
    # an OR so each side keeps its own index.
    text_match = select(_TABLE.c.id).where(literal_column(SEARCH_TEXT_SQL).like(pattern, escape="\\"))
    return _TABLE.c.id.in_(union(text_match, tag_match))


def _conditions(query: MediaQuery, session: Any = None) -> list[ColumnElement[bool]]:
    c = _TABLE.c
    if _asks_for_nul(query):
        # The store never keeps a NUL (field_rules), so such a filter matches nothing; asking the database
        # would fail instead (PostgreSQL refuses NUL in any parameter, SQLite's full-text MATCH too).
        return [false()]
    conds: list[ColumnElement[bool]] = []
    if not query.include_deleted:
        conds.append(c.is_deleted.is_not(True))
    for name in ("project_id", "episode", "sequence", "shot"):
        value = getattr(query, name)
        if value:
            conds.append(c[name] == value)
    for name, values in (
        ("department", query.departments),
        ("task_type", query.task_types),
        ("approval_status", query.statuses),
    ):
        if values:
            conds.append(c[name].in_(values))
    if query.artists:
        conds.append(or_(c.artist_id.in_(query.artists), c.artist_name.in_(query.artists)))
    if query.created_from is not None:
        conds.append(c.created_at >= query.created_from)
    if query.created_to is not None:
        conds.append(c.created_at <= query.created_to)
    if query.latest_only:
        conds.append(c.is_latest_version.is_(True))
    if query.file_types:
        kinds = [t.lower() for t in query.file_types if t.lower() in _MEDIA_KINDS]
        exts = [t.lower().lstrip(".") for t in query.file_types if t.lower() not in _MEDIA_KINDS]
        alternatives: list[ColumnElement[bool]] = []
        if kinds:
            alternatives.append(c.media_kind.in_(kinds))
        for ext in exts:
            alternatives.append(func.lower(c.file_name).like(f"%.{_escape_like(ext)}", escape="\\"))
        conds.append(or_(*alternatives))
    if query.text and query.text.strip():
        dialect = session.get_bind().dialect.name if session is not None else "postgresql"
        conds.extend(_text_condition(word, dialect) for word in query.text.split())
    return conds


def _asks_for_nul(query: MediaQuery) -> bool:
    return any(has_nul(getattr(query, name)) for name in (
        "project_id", "episode", "sequence", "shot", "departments", "task_types", "statuses", "artists",
        "file_types", "text"))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


__all__ = ["MediaRepository", "NotFoundError"]
