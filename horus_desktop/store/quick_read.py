"""The read-only verbs' answers from a current SQLite store, with the standard library only.

``horus media list``, ``db info``, ``comment list``, ``playlist list``, ``paths where``, ``sync status`` and
``sync conflicts`` answer here instead of through SQLAlchemy and the
mapped models, whose import alone is most of a verb's start-up (about 8x a bare ``python`` start). Only a
store this can read exactly as the full path does is taken: a SQLite file that exists, can be written (a
read-only one is announced by the full path) and is at the migration head; anything else (PostgreSQL, a new
store, an older schema, a damaged or locked file, a bad argument) returns None or raises :class:`NotHere`,
and the caller takes the full path, which migrates or says what is wrong as it always did.

Nothing here writes: not even the sign-in (a last-login time, an op in the sync outbox) that opening the
store as a user does on the full path. The SQL is the repositories' own, written out; the tests run every
answer through both paths and compare them, and check the shared pieces (columns, types, text search) match.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from horus_desktop.store.sqlite_file import sqlite_uri

if TYPE_CHECKING:  # loaded by the verbs that build them (their dataclasses cost a start-up's tenth)
    from horus_desktop.domain.media_query import MediaQuery, Page
    from horus_desktop.domain.records import Comment, CommentNode, MediaRecord

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: As store/engine.py: the variable naming the store, the app's data folder, SQLite's wait on a lock.
DB_ENV = "HORUS_DB"
APP_NAME = "horus"
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: As api.py: who acts when no --user is given.
USER_ENV = "HORUS_USER"
#: As the users repository's check_length limits: a user's id, a user's email.
USER_ID_MAX, EMAIL_MAX = 100, 255
#: As repositories/media.py (a test keeps them equal): the text a search word is looked for in.
SEARCH_TEXT_SQL = (
    "lower(coalesce(file_name, '') || ' ' || coalesce(file_path, '') || ' ' || coalesce(shot, '') || ' ' || "
    "coalesce(sequence, '') || ' ' || coalesce(artist_name, ''))"
)
MEDIA_KINDS = ("movie", "sequence", "still")
#: Decimal columns and their scale (Numeric(5, 2)): SQLite keeps a float, read back as "%.2f" like SQLAlchemy.
_DECIMAL_SCALE = {"frame_rate": 2}
#: SQLAlchemy's SQLite DATETIME storage format: bound values must compare as the stored text does.
_SQLITE_DATETIME = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


class NotHere(Exception):  # noqa: N818 - a signal to take the full path, not an error the user sees
    """This question is for the full path (which answers it, or says what is wrong with it)."""


_SCRIPT_FIELD = re.compile(r"^(revision|down_revision|branch_labels|depends_on)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)


@lru_cache(maxsize=1)
def scripts_head() -> str | None:
    """The one head revision the migration scripts name, read as text without loading Alembic; None when
    that is not certain (a merge, a branch label, a dependency, scripts shipped compiled only)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_SCRIPT_FIELD.findall(script.read_text(encoding="utf-8")))
        revision, down = found.get("revision", ""), found.get("down_revision", "")
        if not re.fullmatch(r"[\"'][\w-]+[\"']", revision) or any(
                found.get(k, "None") != "None" for k in ("branch_labels", "depends_on")):
            return None
        if down != "None":
            if not re.fullmatch(r"[\"'][\w-]+[\"']", down):
                return None
            parents.add(down[1:-1])
        revisions.add(revision[1:-1])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def default_user_id() -> str:
    """The reviewer when none is named: ``$HORUS_USER``, else the OS account (``api`` gives it too)."""
    name = os.environ.get(USER_ENV)
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "reviewer"


def sqlite_path(db: str | os.PathLike[str] | None) -> Path | None:
    """The SQLite file ``--db`` (or ``$HORUS_DB``, or the default) names, as ``engine.resolve_store_url``
    resolves it; None for anything this module leaves to SQLAlchemy (another database, a URL with options)."""
    raw = os.fspath(db) if db is not None else os.environ.get(DB_ENV) or ""
    if not raw:
        from platformdirs import user_data_path

        return user_data_path(APP_NAME, appauthor=False) / "horus.sqlite"
    if "://" not in raw:
        return Path(raw).expanduser().resolve()
    prefix = "sqlite:///"
    rest = raw[len(prefix):]
    if not raw.startswith(prefix) or not rest or any(c in rest for c in "?%#") or rest == ":memory:":
        return None
    return Path(rest)


def _annotation_converter(name: str, annotation: str) -> Callable[[Any], Any] | None:
    """How a column of a record comes back from SQLite, as SQLAlchemy's portable types convert it."""
    if "UUID" in annotation:
        return lambda v: None if v is None else uuid.UUID(v)
    if "datetime" in annotation:
        return lambda v: None if v is None else datetime.fromisoformat(v).replace(tzinfo=UTC)
    if "Decimal" in annotation:
        form = f"%.{_DECIMAL_SCALE[name]}f"
        return lambda v: None if v is None else Decimal(form % v)
    if annotation.startswith("bool"):
        return lambda v: None if v is None else bool(v)
    if annotation.startswith(("list", "dict")):
        return lambda v: None if v is None else json.loads(v)
    return None


def record_reader(record_type: type) -> tuple[tuple[str, ...], Callable[[Sequence[Any]], Any]]:
    """The columns of ``record_type`` (its fields, in order) and a function making a record of a row of them."""
    names = tuple(f.name for f in fields(record_type))
    converters = [(i, c) for i, f in enumerate(fields(record_type))
                  if (c := _annotation_converter(f.name, str(f.type))) is not None]

    def make(row: Sequence[Any]) -> Any:
        values = list(row)
        for i, convert in converters:
            values[i] = convert(values[i])
        return record_type(*values)

    return names, make


@lru_cache(maxsize=1)
def _media_reader() -> tuple[tuple[str, ...], Callable[[Sequence[Any]], Any]]:
    from horus_desktop.domain.records import MediaRecord

    return record_reader(MediaRecord)


def has_nul(value: Any) -> bool:
    """As ``field_rules.has_nul`` for the values asked and written here (text, lists and tuples of text)."""
    if type(value) is str:
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


def no_nul(*values: Any) -> None:
    """NotHere when a value holds a NUL: the store's field rules refuse it, and the full path says so."""
    if any(has_nul(v) for v in values):
        raise NotHere("a NUL in the text: the full path refuses it")


def uuid_key(value: Any) -> str:
    """A UUID (or its text, with or without dashes) as the store keeps it (32 hex digits); NotHere when it is
    no UUID: the full path says so."""
    try:
        return uuid.UUID(str(value)).hex
    except ValueError as exc:
        raise NotHere(f"not a UUID: {value!r}") from exc


def marks(n: int) -> str:
    """``n`` parameter marks for an ``IN (...)``."""
    return ", ".join("?" * n)


def chunks(keys: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """``keys`` in the repositories' batches of ids (500 a statement): the same statements as theirs."""
    for start in range(0, len(keys), size):
        yield keys[start:start + size]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def stored_time(value: datetime) -> str:
    """A timezone-aware time as SQLAlchemy stores it on SQLite (UTC, naive, microseconds)."""
    v = value.astimezone(UTC)
    return _SQLITE_DATETIME % (v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)


def _datetime_param(value: datetime) -> str:
    if value.tzinfo is None:
        raise NotHere("a naive datetime: the full path refuses it")
    return stored_time(value)


def _in(column: str, values: Sequence[Any], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({marks(len(values))})"


def media_conditions(query: MediaQuery) -> tuple[list[str], list[Any]]:
    """The WHERE terms of a media search on SQLite and their parameters, as ``repositories.media`` builds them."""
    if any(has_nul(getattr(query, name)) for name in (
            "project_id", "episode", "sequence", "shot", "departments", "task_types", "statuses", "artists",
            "file_types", "text")):
        return ["0"], []  # the store keeps no NUL: such a filter matches nothing
    conds: list[str] = []
    params: list[Any] = []
    if not query.include_deleted:
        conds.append("horus_media_records.is_deleted IS NOT 1")
    for name in ("project_id", "episode", "sequence", "shot"):
        value = getattr(query, name)
        if value:
            conds.append(f"horus_media_records.{name} = ?")
            params.append(value)
    for name, values in (("department", query.departments), ("task_type", query.task_types),
                         ("approval_status", query.statuses)):
        if values:
            conds.append(_in(f"horus_media_records.{name}", values, params))
    if query.artists:
        conds.append(f"({_in('horus_media_records.artist_id', query.artists, params)} OR "
                     f"{_in('horus_media_records.artist_name', query.artists, params)})")
    if query.created_from is not None:
        conds.append("horus_media_records.created_at >= ?")
        params.append(_datetime_param(query.created_from))
    if query.created_to is not None:
        conds.append("horus_media_records.created_at <= ?")
        params.append(_datetime_param(query.created_to))
    if query.latest_only:
        conds.append("horus_media_records.is_latest_version IS 1")
    if query.file_types:
        kinds = [t.lower() for t in query.file_types if t.lower() in MEDIA_KINDS]
        exts = [t.lower().lstrip(".") for t in query.file_types if t.lower() not in MEDIA_KINDS]
        alternatives = [_in("horus_media_records.media_kind", kinds, params)] if kinds else []
        for ext in exts:
            alternatives.append("lower(horus_media_records.file_name) LIKE ? ESCAPE '\\'")
            params.append(f"%.{_escape_like(ext)}")
        conds.append(f"({' OR '.join(alternatives)})")
    if query.text and query.text.strip():
        for word in query.text.split():
            if len(word) >= 3:  # the FTS5 trigram index (migration 0002)
                conds.append("horus_media_records.rowid IN (SELECT rowid FROM horus_media_search "
                             "WHERE horus_media_search MATCH ?)")
                params.append('"' + word.replace('"', '""') + '"')
            else:
                conds.append(f"horus_media_records.id IN (SELECT horus_media_records.id FROM horus_media_records "
                             f"WHERE {SEARCH_TEXT_SQL} LIKE ? ESCAPE '\\' UNION SELECT horus_media_tags.media_id "
                             "FROM horus_media_tags WHERE lower(horus_media_tags.tag_name) LIKE ? ESCAPE '\\')")
                pattern = f"%{_escape_like(word.lower())}%"
                params.extend((pattern, pattern))
    return conds, params


class QuickReader:
    """A current SQLite store opened for reading with ``sqlite3``: see the module docstring."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        #: The schema revision: the scripts' head (a store at another one is not opened here).
        self.revision = scripts_head()

    @classmethod
    def open(cls, db: str | os.PathLike[str] | None = None) -> QuickReader | None:
        """The store ``db`` names, when it is a current SQLite store this can read; else None (full path)."""
        path = sqlite_path(db)
        head = scripts_head()
        if path is None or head is None or not path.is_file():
            return None
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            return None  # read-only: the full path opens it so and says so
        try:
            # mode=rw: never create a file; query_only: never write one.
            conn = sqlite3.connect(sqlite_uri(path, "mode=rw"), uri=True)
        except sqlite3.Error:
            return None
        try:
            conn.execute("PRAGMA query_only=ON")
            conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            recorded = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
        except sqlite3.Error:  # not a database, damaged, no Horus schema, locked: the full path says which
            conn.close()
            return None
        if recorded != [head]:
            conn.close()
            return None
        return cls(conn, path)

    def close(self) -> None:
        """Release the connection."""
        self._conn.close()

    def __enter__(self) -> QuickReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:  # the full path reports it as the store's error
            raise NotHere(str(exc)) from exc

    def describe(self) -> str:
        """As ``Store.describe`` for a writable SQLite store."""
        return f"SQLite {self.path}"

    @property
    def files_dir(self) -> Path:
        """As ``Store.files_dir``: beside the SQLite file."""
        return self.path.parent / f"{self.path.stem}-files"

    def search_media(self, query: MediaQuery) -> Page[MediaRecord]:
        """As ``MediaRepository.search`` on SQLite: the same deferred join, in the same order."""
        from horus_desktop.domain.media_query import MEDIA_SORT_COLUMNS, Page

        if query.limit < 0 or query.offset < 0:
            raise NotHere("a negative page: the full path refuses it")
        sort = list(dict.fromkeys((query.sort_by, *query.extra_sort)))
        if any(name not in MEDIA_SORT_COLUMNS for name in sort):
            raise NotHere("an unknown sort column: the full path refuses it")
        way = "DESC" if query.descending else "ASC"
        conds, params = media_conditions(query)
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        inner_order = ", ".join([f"horus_media_records.{n} {way}" for n in sort] + [f"horus_media_records.rowid {way}"])
        outer_order = ", ".join([f"page.{n} {way}" for n in sort] + [f"page.page_key {way}"])
        names, make = _media_reader()
        columns = ", ".join(f"horus_media_records.{n}" for n in names)
        sort_columns = ", ".join(f"horus_media_records.{n}" for n in sort)
        sql = (f"SELECT {columns} FROM horus_media_records JOIN (SELECT horus_media_records.rowid AS page_key, "
               f"{sort_columns} FROM horus_media_records{where} ORDER BY {inner_order} LIMIT ? OFFSET ?) AS page "
               f"ON page.page_key = horus_media_records.rowid ORDER BY {outer_order}")
        rows = self._rows(sql, [*params, query.limit, query.offset])
        total = None
        if query.with_total:
            total = self._rows(f"SELECT count(*) FROM horus_media_records{where}", params)[0][0]
        return Page(items=tuple(make(r) for r in rows), offset=query.offset, limit=query.limit, total=total)

    def media_count(self) -> int:
        """Live media, as ``MediaRepository.count()``."""
        return self._rows("SELECT count(*) FROM horus_media_records WHERE is_deleted IS NOT 1")[0][0]

    def media(self, media_id: str) -> MediaRecord:
        """One live media by id, as ``MediaRepository.get`` (absent, deleted or a bad id: the full path's error)."""
        names, make = _media_reader()
        columns = ", ".join(names)
        rows = self._rows(f"SELECT {columns} FROM horus_media_records WHERE id = ? AND is_deleted IS NOT 1",
                          [uuid_key(media_id)])
        if not rows:
            raise NotHere("no such media")
        return make(rows[0])

    def _find_user(self, name: str) -> dict[str, Any] | None:
        """The user ``name`` names (an id or a username), as ``UserRepository.find`` finds it."""
        # Every column, as the repository selects them, so SQLite takes the same plan and the same first row.
        found = self._dicts("SELECT * FROM horus_users WHERE horus_users.id = ? OR horus_users.username = ?", {},
                            [name, name])
        return found[0] if found else None

    def signs_in_as(self, name: str) -> dict[str, Any] | None:
        """The user ``api.ensure_user`` signs ``name`` in as, or None when it is made on first use; NotHere when
        no such user can be made (checked as ``UserRepository.ensure`` checks: the full path says why)."""
        no_nul(name)
        found = self._find_user(name)
        if found is None and (not name.strip() or len(name) > USER_ID_MAX
                              or len(f"{name}@localhost") > EMAIL_MAX):
            raise NotHere("no such user can be made: the full path says why")
        return found

    def user_id(self, name: str) -> str:
        """The id ``api.ensure_user`` would sign ``name`` in as (the name itself when it is no user yet)."""
        found = self.signs_in_as(name)
        return name if found is None else str(found["id"])

    def _columns(self, table: str) -> list[str]:
        return [row[1] for row in self._rows(f"PRAGMA table_info({table})")]

    def _records(self, record_type: type, table: str, tail: str, params: Sequence[Any]) -> list[Any]:
        """Records of ``table``'s rows (``tail``: WHERE/ORDER BY), as ``to_record`` copies them: the fields that
        are columns, the others left at their defaults. Every column is selected, as the models select them, so
        SQLite picks the same plan and rows that tie on the order come in the same order."""
        columns = self._columns(table)
        wanted = {f.name: _annotation_converter(f.name, str(f.type)) for f in fields(record_type)}
        picked = [(i, name, wanted[name]) for i, name in enumerate(columns) if name in wanted]
        out = []
        for row in self._rows(f"SELECT {', '.join(f'{table}.{c}' for c in columns)} FROM {table} {tail}", params):
            out.append(record_type(**{name: (row[i] if convert is None else convert(row[i]))
                                      for i, name, convert in picked}))
        return out

    def comment_threads(self, media_id: str) -> list[CommentNode]:
        """As ``CommentRepository.threads``: top-level notes in time order, replies nested, a deleted note's
        replies out with it; reactions and attachments in creation order."""
        media_key = uuid_key(media_id)
        return self.threads_by_media([media_key]).get(uuid.UUID(media_key), [])

    def threads_by_media(self, media_keys: list[str]) -> dict[uuid.UUID, list[CommentNode]]:
        """As ``CommentRepository.threads_by_media`` (ids as hex): each media's threads, in 500-media reads as
        the repository's; media without notes left out."""
        from horus_desktop.domain.records import Comment, CommentAttachment, CommentNode, CommentReaction

        rows: list[Comment] = []
        for chunk in chunks(media_keys):
            rows += self._records(Comment, "horus_comments", f"WHERE horus_comments.media_id IN ({marks(len(chunk))})"
                                  " ORDER BY horus_comments.media_id, horus_comments.thread_path", chunk)
        ids = [r.id.hex for r in rows]
        reactions = self.grouped(CommentReaction, "horus_comment_reactions", "comment_id", ids,
                                 "horus_comment_reactions.created_at")
        attachments = self.grouped(CommentAttachment, "horus_comment_attachments", "comment_id", ids,
                                   "horus_comment_attachments.created_at")
        by_media: dict[uuid.UUID, list[Comment]] = {}
        for row in rows:
            by_media.setdefault(row.media_id, []).append(row)
        out: dict[uuid.UUID, list[CommentNode]] = {}
        for media_id, media_rows in by_media.items():
            children: dict[uuid.UUID | None, list[Comment]] = {}
            live = {r.id for r in media_rows if not r.is_deleted}
            for row in media_rows:
                if row.id in live:
                    children.setdefault(row.parent_id, []).append(row)

            def build(comment: Comment, children: dict[uuid.UUID | None, list[Comment]] = children) -> CommentNode:
                return CommentNode(comment=comment, replies=tuple(build(c) for c in children.get(comment.id, [])),
                                   reactions=tuple(reactions.get(comment.id, ())),
                                   attachments=tuple(attachments.get(comment.id, ())))

            trees = [build(row) for row in children.get(None, [])]
            if trees:
                out[media_id] = trees
        return out

    def grouped(self, record_type: type, table: str, column: str, keys: Sequence[str], order: str,
                where: str = "") -> dict[uuid.UUID, list[Any]]:
        """Records of ``table`` whose ``column`` is one of ``keys`` (and ``where``, an ``AND ...``), ordered by
        ``order`` (SQL), grouped by ``column``: a repository's ``list_by_media`` and the like,
        in its 500-key statements."""
        out: dict[uuid.UUID, list[Any]] = {}
        for chunk in chunks(keys):
            for record in self._records(record_type, table, f"WHERE {table}.{column} IN ({marks(len(chunk))})"
                                        f"{where} ORDER BY {order}", chunk):
                out.setdefault(getattr(record, column), []).append(record)
        return out

    def playlists(self, project_id: str | None = None) -> list[dict[str, Any]]:
        """As ``timeline.playlists.list_playlists``: live playlists, newest first, with clip counts."""
        columns = self._columns("horus_timelines")
        where, params = "horus_timelines.is_deleted IS NOT 1", []
        if project_id:
            where += " AND horus_timelines.project_id = ?"
            params.append(project_id)
        rows = self._rows(
            f"SELECT {', '.join(f'horus_timelines.{c}' for c in columns)}, coalesce(counts.n, 0) FROM horus_timelines "
            "LEFT OUTER JOIN (SELECT horus_timeline_clips.timeline_id AS timeline_id, count(*) AS n FROM "
            "horus_timeline_clips GROUP BY horus_timeline_clips.timeline_id) AS counts ON counts.timeline_id = "
            f"horus_timelines.id WHERE {where} ORDER BY horus_timelines.created_at DESC", params)
        at = {name: i for i, name in enumerate(columns)}
        to_uuid = _annotation_converter("id", "uuid.UUID")
        to_time = _annotation_converter("created_at", "datetime")
        to_rate = _annotation_converter("frame_rate", "Decimal")
        assert to_uuid and to_time and to_rate
        out = []
        for row in rows:
            rate = to_rate(row[at["frame_rate"]])
            out.append({"id": str(to_uuid(row[at["id"]])), "name": row[at["name"]], "project": row[at["project_id"]],
                        "type": row[at["timeline_type"]], "status": row[at["status"]], "version": row[at["version"]],
                        "clips": int(row[-1]), "duration_frames": row[at["duration_frames"]] or 0,
                        "duration_timecode": row[at["duration_timecode"]],
                        "frame_rate": float(rate) if rate is not None else None,
                        "created_at": to_time(row[at["created_at"]])})
        return out

    def _dicts(self, sql: str, converters: dict[str, Callable[[Any], Any]], params: Sequence[Any] = ()
               ) -> list[dict[str, Any]]:
        """The rows of ``sql`` as dicts by column name, the ``converters``' columns converted."""
        try:
            cursor = self._conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        except sqlite3.Error as exc:
            raise NotHere(str(exc)) from exc
        out = []
        for row in rows:
            values = dict(zip(names, row, strict=True))
            for name, convert in converters.items():
                values[name] = convert(values[name])
            out.append(values)
        return out

    def sync_state(self) -> dict[str, Any]:
        """As ``SyncLocalRepository.state``: the client's one state row (client_id, cursor, last_sync, hlc)."""
        rows = self._dicts("SELECT * FROM horus_sync_state", {"last_sync": _SYNC_TIME})
        if len(rows) != 1:
            raise NotHere("not one sync state row: the full path says so")
        return rows[0]

    def sync_pending_count(self) -> int:
        """As ``SyncLocalRepository.pending_count``: ops waiting in the outbox."""
        return int(self._rows("SELECT count(*) FROM horus_sync_outbox")[0][0])

    def sync_conflicts(self, unresolved_only: bool) -> list[dict[str, Any]]:
        """As ``SyncLocalRepository.conflicts``: conflict rows as dicts, oldest first."""
        where = " WHERE horus_sync_conflicts.resolved IS 0" if unresolved_only else ""
        return self._dicts(f"SELECT * FROM horus_sync_conflicts{where} ORDER BY horus_sync_conflicts.created_at, "
                           "horus_sync_conflicts.id", _CONFLICT_TYPES)

    def sync_rejected(self) -> list[tuple[str, str, str, str]]:
        """As ``SyncLocalRepository.rejected``: (op_id, table, row_id, reason) of each refused op."""
        return [tuple(r) for r in self._rows(
            "SELECT op_id, table_name, row_id, reason FROM horus_sync_rejected ORDER BY horus_sync_rejected.at")]


_SYNC_TIME = _annotation_converter("last_sync", "datetime")
_CONFLICT_TYPES = {name: convert for name, kind in (
    ("id", "uuid.UUID"), ("incoming_value", "dict"), ("existing_value", "dict"), ("resolved", "bool"),
    ("created_at", "datetime")) if (convert := _annotation_converter(name, kind)) is not None}
