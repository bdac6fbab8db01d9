"""Batched writes for importers (Montu): thousands of rows per statement inside one transaction per file.

The per-row repository methods open a query or two per row; an import of 60,000 records through them ran at
about 100 records/s. These methods write a batch with one ``executemany`` per table, apply the same field
checks (required fields, column lengths, the engine's field rules), and give savepoints so an importer can
keep a file's transaction whole while setting one bad record aside.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, event, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from horus_desktop.domain.mentions import find_mentions
from horus_desktop.domain.records import Timeline, TimelineClip
from horus_desktop.domain.stable_ids import tag_id
from horus_desktop.store.bulk_insert import (
    Stamp,
    capture_trigger,
    checked_stored_rows,
    dumped_json_valid,
    insert_set_based,
    json_known_valid,
    stamped_inserts_sql,
    triggers_absent,
)
from horus_desktop.store.errors import StoreWriteError, database_message
from horus_desktop.store.field_rules import check_row
from horus_desktop.store.models import (
    AnnotationRow,
    CommentRow,
    MediaRecordRow,
    MediaTagRow,
    TimelineClipRow,
    TimelineRow,
    UserRow,
)
from horus_desktop.store.repositories.base import (
    InvalidFieldError,
    NotFoundError,
    Repository,
    check_length,
    field_names,
    to_record,
)
from horus_desktop.store.repositories.comments import thread_place
from horus_desktop.store.repositories.timelines import _TIMELINE_FIELDS, _check_clip
from horus_desktop.store.sync_codec import sqlite_json_verbatim
from horus_desktop.store.sync_tables import sqlite_capture_inserts_sql
from horus_desktop.store.types import utcnow

_CHUNK = 500
_TABLES: dict[str, Any] = {"media": MediaRecordRow, "comments": CommentRow, "annotations": AnnotationRow,
                           "timelines": TimelineRow}


def _lengths(table: Table) -> dict[str, int]:
    return {c.name: c.type.length for c in table.columns if getattr(c.type, "length", None) is not None}


def _full_row(table: Table, values: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Every column of ``table`` (executemany needs the same keys in each row), lengths checked."""
    row = dict(_EMPTY_ROWS[table.name])
    row.update(values)
    for name, limit in _LENGTHS[table.name].items():
        value = row[name]
        if value is not None and len(value) > limit:
            check_length(name, value, limit)
    for flag in ("is_deleted", "is_latest_version", "is_resolved", "is_locked"):
        if flag in row and row[flag] is None:
            row[flag] = False
    if "is_visible" in row and row["is_visible"] is None:
        row["is_visible"] = True
    row["created_at"] = row.get("created_at") or now
    if "updated_at" in row:
        row["updated_at"] = row.get("updated_at") or now
    return row


_MODELS = (MediaRecordRow, MediaTagRow, CommentRow, AnnotationRow, TimelineRow, TimelineClipRow)
_LENGTHS = {m.__table__.name: _lengths(m.__table__) for m in _MODELS}
_EMPTY_ROWS = {m.__table__.name: {c.name: None for c in m.__table__.columns} for m in _MODELS}


class ImportRepository(Repository):
    """Bulk inserts of media, tags, notes and shapes whose ids the importer made (``uuid5`` of the source)."""

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A savepoint inside the current transaction: a failure undoes only what was written in the block.

        Database errors come out as :class:`StoreWriteError` (importers need not know SQLAlchemy).
        """
        with self._uow.write() as ctx:
            mark = len(ctx.changes)
            conn = ctx.session.connection()
            if conn.dialect.name == "sqlite" and not conn.connection.driver_connection.in_transaction:
                # pysqlite begins a transaction only before INSERT/UPDATE/DELETE: a SAVEPOINT sent first would
                # open its own, and releasing it would COMMIT what should wait for the file's transaction.
                conn.exec_driver_sql("BEGIN")
            nested = ctx.session.begin_nested()
            try:
                yield
                ctx.session.flush()
            except BaseException as exc:
                nested.rollback()
                del ctx.changes[mark:]
                if isinstance(exc, SQLAlchemyError):
                    raise StoreWriteError(database_message(exc)) from exc
                raise
            nested.commit()

    def existing_ids(self, kind: str, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Which of ``ids`` are rows of ``kind`` (media, comments, annotations, timelines), deleted ones too."""
        model = _TABLES[kind]
        wanted = list(dict.fromkeys(ids))
        found: set[uuid.UUID] = set()
        with self._uow.read() as session:
            for start in range(0, len(wanted), _CHUNK):
                found.update(session.execute(select(model.id).where(
                    model.id.in_(wanted[start:start + _CHUNK]))).scalars())
        return found

    def insert_media(self, items: Sequence[dict[str, Any]],
                     tags: Sequence[tuple[uuid.UUID, str, str | None, str | None]] = ()) -> None:
        """Insert new media rows (each with its ``id``) and their tags (media_id, name, category, created_by).

        ``file_name`` defaults to the path's last part. On SQLite the tags go in first, with the foreign key
        checked at commit: the search index row of a media is then written once, not once more per tag.
        """
        table, now, rows = MediaRecordRow.__table__, utcnow(), []
        for item in items:
            for required in ("id", "file_path", "project_id", "version"):
                if not item.get(required):
                    raise InvalidFieldError(required, "required")
            values = dict(item)
            values.setdefault("file_name", values["file_path"].replace("\\", "/").rsplit("/", 1)[-1])
            values.setdefault("approval_status", "pending")
            rows.append(_full_row(table, values, now))
        tag_table, seen, tag_rows = MediaTagRow.__table__, set(), []
        for media_id, name, category, by in tags:
            name = name.strip()
            if name and (media_id, name) not in seen:
                seen.add((media_id, name))
                check_length("tag_name", name, 100)
                check_length("tag_category", category, 50)
                check_length("created_by", by, 100)
                tag_rows.append({"id": tag_id(media_id, name), "media_id": media_id, "tag_name": name, "tag_category": category,
                                 "created_by": by, "created_at": now})
        with self._uow.write() as ctx:
            if ctx.session.get_bind().dialect.name == "sqlite" and tag_rows:
                ctx.session.execute(text("PRAGMA defer_foreign_keys = ON"))  # ends with the transaction
                self._insert(tag_table, tag_rows)
                self._insert(table, rows)
            else:
                self._insert(table, rows)
                self._insert(tag_table, tag_rows)

    def insert_tags(self, items: Sequence[tuple[uuid.UUID, str, str | None, str | None]]) -> int:
        """Tag media with (media_id, name, category, created_by); pairs already tagged are left. Returns new."""
        table, now = MediaTagRow.__table__, utcnow()
        wanted = list(dict.fromkeys((m, n.strip(), c, by) for m, n, c, by in items if n and n.strip()))
        with self._uow.write() as ctx:
            media_ids = list({m for m, *_ in wanted})
            have: set[tuple[uuid.UUID, str]] = set()
            for start in range(0, len(media_ids), _CHUNK):
                have.update(ctx.session.execute(select(MediaTagRow.media_id, MediaTagRow.tag_name).where(
                    MediaTagRow.media_id.in_(media_ids[start:start + _CHUNK]))).all())
            rows = []
            for media_id, name, category, by in wanted:
                if (media_id, name) in have:
                    continue
                have.add((media_id, name))
                rows.append(_full_row(table, {"id": tag_id(media_id, name), "media_id": media_id, "tag_name": name,
                                              "tag_category": category, "created_by": by}, now))
        self._insert(table, rows)
        return len(rows)

    def insert_comments(self, items: Sequence[dict[str, Any]]) -> None:
        """Insert notes and replies (parents before their replies, in ``items`` or already stored).

        Each item: id, media_id, content, user_id, user_name, and optionally parent_id, frame_number,
        created_at, is_resolved, resolved_by. Thread paths and depths are worked out as ``comments.add``
        does; mentions of known users are kept in ``mentioned_users``; no notifications (an import).
        """
        table, now = CommentRow.__table__, utcnow()
        with self._uow.write() as ctx:
            parents = {i["parent_id"] for i in items if i.get("parent_id")} - {i["id"] for i in items}
            known: dict[uuid.UUID, tuple[uuid.UUID, str, int, int | None]] = {}
            for row in ctx.session.execute(select(CommentRow.id, CommentRow.media_id, CommentRow.thread_path,
                                                  CommentRow.thread_depth, CommentRow.frame_number)
                                           .where(CommentRow.id.in_(list(parents)))) if parents else ():
                known[row.id] = (row.media_id, row.thread_path, row.thread_depth or 0, row.frame_number)
            mentions = {name for i in items for name in find_mentions(i["content"])}
            users: dict[str, str] = {}
            if mentions:
                for user_id, username in ctx.session.execute(select(UserRow.id, UserRow.username).where(
                        (UserRow.username.in_(mentions)) | (UserRow.id.in_(mentions)))).all():
                    users[username or user_id] = user_id
                    users[user_id] = user_id
            rows = []
            for item in items:
                if not item.get("content", "").strip():
                    raise InvalidFieldError("content", "a note needs some text")
                created = item.get("created_at") or now
                frame, parent = item.get("frame_number"), None
                if item.get("parent_id"):
                    parent = known.get(item["parent_id"])
                    if parent is None:
                        raise NotFoundError("comment", item["parent_id"])
                    frame = parent[3] if frame is None else frame
                depth, path = thread_place(item["id"], created, item["media_id"],
                                           None if parent is None else parent[:3])
                known[item["id"]] = (item["media_id"], path, depth, frame)
                mentioned = [users[n] for n in find_mentions(item["content"]) if n in users]
                resolved = bool(item.get("is_resolved"))
                rows.append(_full_row(table, {
                    "id": item["id"], "media_id": item["media_id"], "parent_id": item.get("parent_id"),
                    "frame_number": frame, "user_id": item["user_id"], "user_name": item["user_name"],
                    "content": item["content"], "content_type": "text", "thread_depth": depth, "thread_path": path,
                    "mentioned_users": mentioned, "is_resolved": resolved,
                    "resolved_by": item.get("resolved_by") if resolved else None,
                    "resolved_at": now if resolved else None, "created_at": created, "updated_at": created,
                }, now))
        self._insert(table, rows)

    def insert_annotations(self, items: Sequence[dict[str, Any]]) -> None:
        """Insert shapes (id, media_id, frame_number, annotation_type, coordinates, user_id, user_name)."""
        table, now, rows = AnnotationRow.__table__, utcnow(), []
        for item in items:
            if item.get("coordinates") is None:
                raise InvalidFieldError("coordinates", "a shape needs coordinates")
            if not isinstance(item.get("frame_number"), int):
                raise InvalidFieldError("frame_number", f"not a frame number: {item.get('frame_number')!r}")
            rows.append(_full_row(table, {"layer_name": "default", "layer_order": 0, "content_type": "text",
                                          **item}, now))
        self._insert(table, rows)

    def insert_timelines(self, items: Sequence[tuple[uuid.UUID, dict[str, Any], Sequence[dict[str, Any]]]]) -> None:
        """Insert timelines with their clips: (id, timeline fields as ``timelines.create`` takes them, clips)."""
        rows, clip_rows = _timeline_rows(items)
        with self._uow.write():
            self._insert(TimelineRow.__table__, rows)
            self._insert(TimelineClipRow.__table__, clip_rows)

    def create_timeline(self, values: dict[str, Any], clips: Sequence[dict[str, Any]],
                        timeline_id: uuid.UUID | None = None, *, orjson_exact: bool = False) -> Timeline:
        """One new timeline and its clips (a playlist file's import), checked as ``timelines.create`` checks
        them and written with one ``executemany`` per table (on SQLite set-based, ``store.bulk_insert``: capture
        triggers quiet, the batch's outbox ops in one statement each; the playlist row's op too when its clips'
        are, its document not parsed twice); the record is built from the rows written (no read back of
        thousands of clips). ``orjson_exact``: the caller knows orjson writes the document's text as ``json``
        does (every number finite, no float below 1e-4 in magnitude but zero: ``timeline.otio_plain``), so it is
        written by orjson (:func:`_document_text`)."""
        name = values.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InvalidFieldError("name", "required")
        rows, clip_rows = _timeline_rows([(timeline_id or uuid.uuid4(), values, clips)])
        ordered = sorted(clip_rows, key=_CLIP_PLACE)
        fields = itemgetter(*field_names(TimelineClip))  # every clip row holds every column: no per-field lookup
        record = to_record(rows[0], Timeline, clips=tuple(TimelineClip(*fields(c)) for c in ordered))
        with self._uow.write() as ctx:
            if ctx.session.get_bind().dialect.name == "sqlite":
                _times_as_wire(clip_rows)  # the record holds the datetimes: the rows may now hold their text
                roomy_page_cache(ctx.session, len(clip_rows) * _CLIP_BYTES)
                _insert_timeline_row(ctx.session, rows[0], len(clip_rows), ctx.stamp, orjson_exact)
                ctx.record(_TIMELINE.name, rows[0]["id"], "insert")
                if clip_rows:
                    insert_set_based(ctx.session, TimelineClipRow.__table__, clip_rows, stamp=ctx.stamp)
                    for row in clip_rows:
                        ctx.record(TimelineClipRow.__table__.name, row["id"], "insert")
            else:
                self._insert(TimelineRow.__table__, rows)
                self._insert(TimelineClipRow.__table__, clip_rows)
        return record

    def refresh_latest_versions(self, projects: Iterable[str]) -> int:
        """Mark the highest live version of every (project, shot, department, task type) of ``projects``.

        The order is that of ``MediaRepository.refresh_latest_versions`` (version number, then version name,
        then creation time), worked out for whole projects at once. Returns how many flags changed.
        """
        t = MediaRecordRow.__table__
        wanted = sorted(set(projects))
        if not wanted:
            return 0
        groups: dict[tuple[Any, ...], list[Any]] = {}
        with self._uow.write() as ctx:
            rows = ctx.session.execute(select(
                t.c.id, t.c.project_id, t.c.shot, t.c.department, t.c.task_type, t.c.version_number,
                t.c.version, t.c.created_at, t.c.is_latest_version, t.c.is_deleted).where(
                t.c.project_id.in_(wanted))).all()
            for row in rows:
                groups.setdefault((row.project_id, row.shot, row.department, row.task_type), []).append(row)
            changes: list[dict[str, Any]] = []
            for members in groups.values():
                live = [r for r in members if not r.is_deleted]
                latest = max(live, key=_version_order).id if live else None
                for r in members:
                    flag = r.id == latest
                    if bool(r.is_latest_version) != flag:
                        changes.append({"row_id": r.id, "flag": flag})
            if changes:
                now = utcnow()
                ctx.session.execute(update(t).where(t.c.id == bindparam("row_id")).values(
                    is_latest_version=bindparam("flag"), updated_at=now), changes)
                for change in changes:
                    ctx.record(t.name, change["row_id"], "update")
        return len(changes)

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        with self._uow.write() as ctx:
            for start in range(0, len(rows), _CHUNK):
                ctx.session.execute(insert(table), rows[start:start + _CHUNK])
            for row in rows:
                ctx.record(table.name, row["id"], "insert")


#: A clip row's place (track, then order in it): the records' order, extracted in C (a lambda: 2,000 calls).
_CLIP_PLACE = itemgetter("track_index", "clip_order")


def _timeline_rows(items: Sequence[tuple[uuid.UUID, dict[str, Any], Sequence[dict[str, Any]]]]) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]]]:
    """Full rows of timelines and their clips, checked (fields, required ones, lengths, each clip)."""
    table, clip_table, now = TimelineRow.__table__, TimelineClipRow.__table__, utcnow()
    rows, clip_rows = [], []
    for timeline_id, values, clips in items:
        unknown = set(values) - _TIMELINE_FIELDS - {"created_by"}
        if unknown:
            raise InvalidFieldError(sorted(unknown)[0], "not a timeline field")
        for required in ("name", "project_id", "timeline_type", "created_by"):
            if not values.get(required):
                raise InvalidFieldError(required, "required")
        rows.append(_full_row(table, {"version": "v001", "status": "draft", **values, "id": timeline_id}, now))
        empty = _EMPTY_ROWS[clip_table.name]  # every column: the keys set below are there already
        for index, clip in enumerate(clips):
            checked = {**empty, **_check_clip(index, clip)}
            checked["id"] = checked["id"] or uuid.uuid4()  # set one by one: no keyword dict made per clip
            checked["timeline_id"] = timeline_id
            checked["created_at"] = checked["updated_at"] = now
            checked["source_start_frames"] = checked["source_start_frames"] or 0
            clip_rows.append(checked)
    return rows, clip_rows


_TIMELINE = TimelineRow.__table__
_TIMELINE_COLUMNS = list(_TIMELINE.c.keys())
_OTIO_DATA = _TIMELINE_COLUMNS.index("otio_data")


@cache
def _timeline_op_sql(valid: bool, stamped: bool = False) -> str:
    """The statement writing the insert op of the timeline row at rowid ``?`` as its capture trigger would;
    ``valid``: its ``otio_data`` is known to be JSON (``json.dumps``'s compact text), so it is copied into the op
    as it is (``sync_codec.sqlite_json_verbatim``), neither checked nor parsed again (the check parses a
    2,000-clip document's 1.9 MB once more: ~10 ms, and ``json()`` ~2 ms); ``stamped``:
    ``bulk_insert.stamped_inserts_sql``."""
    sql = stamped_inserts_sql(_TIMELINE.name, "m.rowid = ?") if stamped else \
        sqlite_capture_inserts_sql(_TIMELINE.name, "m.rowid = ?")
    return sqlite_json_verbatim(json_known_valid(sql, _TIMELINE), _TIMELINE.name, "otio_data") if valid else sql


def _document_text(document: Any, orjson_exact: bool) -> str:
    """An imported document as stored: minified JSON, other than ASCII written as UTF-8. SQLAlchemy's JSON type
    would write ``json.dumps``'s spaced, ASCII-escaped form: the same value read back, but ~7% more bytes for a
    2,000-clip document (and its op's ``json()`` parses them), and the encoder a third slower. A string no
    UTF-8 can hold (a lone surrogate) leaves the text escaped, as before. No check for circular references
    (~12% of the encoder's time): the document is a tree of fresh dicts and lists (``json.loads`` or OTIO's
    ``to_dict``, then the import's metadata); a cycle would end in RecursionError, and the caller then takes
    the checked path, which fails on it as before (nothing written).

    An ``orjson_exact`` document is written by orjson: the very text ``json.dumps`` writes, in a tenth of the
    time (~1 ms against 10-18 a 2,000-clip document). Only such a document, as the caller knows: orjson writes a
    float that is not finite as ``null`` (a value changed without a word) and spells floats below 1e-4
    otherwise. What orjson refuses (a lone surrogate, an integer past 64 bits, nesting past 254 levels:
    TypeErrors) is written by ``json`` as before."""
    if orjson_exact:
        with suppress(TypeError):
            return orjson.dumps(document).decode("utf-8")
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, check_circular=False)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = json.dumps(document, separators=(",", ":"), check_circular=False)
    return text


def _stored_timeline_row(row: dict[str, Any], orjson_exact: bool) -> tuple[Any, ...]:
    """An imported timeline row in the stored form (``bulk_insert.checked_stored_rows``), its document as
    :func:`_document_text` writes it; a value JSON cannot write is reported as ``checked_stored_rows`` does."""
    document = row.get("otio_data")
    try:
        text = _document_text(document, orjson_exact)
    except (TypeError, ValueError, RecursionError):
        return checked_stored_rows(_TIMELINE, _TIMELINE_COLUMNS, [row])[0]  # the field rules', or JSON's, error
    stored = list(checked_stored_rows(_TIMELINE, _TIMELINE_COLUMNS, [{**row, "otio_data": None}])[0])
    if "\\u0000" in text:  # JSON writes a NUL so; the field rules walk the value (a literal backslash-u0000 is none)
        check_row(_TIMELINE.name, {"otio_data": document}, _TIMELINE_COLUMNS)
    stored[_OTIO_DATA] = text
    return tuple(stored)


def _insert_timeline_row(session: Any, row: dict[str, Any], clips: int, stamp: Stamp, orjson_exact: bool) -> None:
    """Insert one imported timeline row (a full row) on SQLite. When its ``clips`` are many enough for their
    insert to take their capture trigger away (``bulk_insert.triggers_absent``: the schema changes in the
    transaction anyway), the row's trigger goes too and its op is written by one statement giving the same
    op, its document known to be JSON: orjson or ``json.dumps`` wrote it, and the latter writes invalid JSON
    only for a float that is not finite (``NaN``, ``Infinity``), whose text is then checked as the trigger
    checks it."""
    stored = _stored_timeline_row(row, orjson_exact)
    raw = session.connection()
    with triggers_absent(raw, [capture_trigger(_TIMELINE.name)], clips) as dropped:
        inserted = raw.exec_driver_sql(
            f"INSERT INTO {_TIMELINE.name} ({', '.join(_TIMELINE_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(_TIMELINE_COLUMNS))})", stored)
        if dropped:
            valid = dumped_json_valid([stored[_OTIO_DATA]])
            stamped = stamp()
            if stamped is None:
                raw.exec_driver_sql(_timeline_op_sql(valid), (inserted.lastrowid,))
            else:
                raw.exec_driver_sql(_timeline_op_sql(valid, stamped=True), (*stamped, inserted.lastrowid))


#: The page cache an import's transaction may grow to, in KiB (SQLite's default is 2,000 KiB).
_ROOMY_CACHE_KIB = 65536
#: Bytes of pages an import writes a clip: its row, its op, their index entries and its part of the document
#: in the playlist row and its op (~3.3 KB measured at 2,000 clips: ~1,800 WAL pages).
_CLIP_BYTES = 4096


def roomy_page_cache(session: Any, written: int) -> None:
    """SQLite's page cache, until the session's transaction ends, large enough to hold the ``written`` bytes
    of pages a bulk write dirties (capped at :data:`_ROOMY_CACHE_KIB`), then as it was. With the default
    2,000 KiB, a 2,000-clip import (~7 MB of pages: the 1.9 MB document twice, row and op) spills dirty pages
    to the WAL in the middle of its statements and reads them back: the document op's statement, which reads
    the row just written, cost twice as much. It is set back once the transaction has ended (committed or
    not), not before: the commit's stamping of the outbox (``sync_capture.stamp_outbox``) reads the ops just
    written, and found them evicted by a cache shrunk before it. The cache grows only as pages are used; set
    back, it frees them. ``cache_size`` is the connection's, not the database's."""
    raw = session.connection()
    wanted = -min(_ROOMY_CACHE_KIB, 2 * written // 1024 + 2048)  # twice: the pages it reads, index pages
    before = raw.exec_driver_sql("PRAGMA cache_size").scalar_one()
    size_kib = -before if before < 0 else before * raw.exec_driver_sql("PRAGMA page_size").scalar_one() // 1024
    if size_kib >= -wanted:
        return
    driver = raw.connection.driver_connection
    raw.exec_driver_sql(f"PRAGMA cache_size = {wanted}")

    def set_back(_session: Any, transaction: Any) -> None:
        if transaction.parent is None and not done:  # the outer transaction, not a savepoint
            done.append(True)
            with suppress(sqlite3.Error):  # a connection closed meanwhile: nothing to set back
                driver.execute(f"PRAGMA cache_size = {int(before)}")  # no transaction: a PRAGMA begins none

    done: list[bool] = []
    event.listen(session, "after_transaction_end", set_back)


def _times_as_wire(rows: list[dict[str, Any]]) -> None:
    """The clip rows' ``created_at``/``updated_at`` (one moment for a whole import) as their wire text, each
    distinct moment made once: the stored form (``sync_codec.rows_to_stored``, which takes wire rows) is cut
    from that text, where from a datetime it costs a time-zone conversion and an ``isoformat`` (~3 us, twice
    per clip: a tenth of a 2,000-clip import's write)."""
    texts: dict[datetime, str] = {}
    last: object = object()  # the moment converted last and its text: the very same object is met again at once
    last_text = ""
    for row in rows:
        for key in ("created_at", "updated_at"):
            moment = row[key]
            if moment is last:  # no hash of an aware datetime (its offset asked for): ~1.9k -> ~0.3k instructions
                row[key] = last_text
            elif type(moment) is datetime and moment.tzinfo is not None and moment.year >= 1000:
                text = texts.get(moment)
                if text is None:
                    text = texts[moment] = moment.astimezone(UTC).isoformat(timespec="microseconds")
                row[key] = text
                last, last_text = moment, text


def _version_order(row: Any) -> tuple[Any, ...]:
    """Sort key of "newest version": a number beats none, then the number, the name, the creation time."""
    created = row.created_at.timestamp() if row.created_at is not None else float("-inf")
    return (row.version_number is not None, row.version_number or 0, row.version or "", created)


__all__ = ["ImportRepository", "StoreWriteError"]
