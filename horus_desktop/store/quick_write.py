"""The common pipeline writes (``horus comment add``, ``horus media set-status``) on a current SQLite store,
with the standard library only.

They write exactly what the full path (``Horus.open`` then the repository, through SQLAlchemy) writes, in one
transaction: the sign-in first (a last-login time, or the user made on first use), then the change: the note
with its thread place, mentions and notifications, or the status with its approval history and the artist's
notification. A verb that fails writes neither (on the full path too: its sign-in is deferred to the
command's transaction, ``UserRepository.sign_in``). The sync outbox is filled by the store's own capture triggers in the
same transaction, and the ops are stamped with the client's next clock value before the commit, as the unit
of work does (:mod:`horus_desktop.store.sync_capture`). The tests run each verb both ways on copies of one
store and compare the stores row by row (ids, times and clocks aside).

Only what this does exactly is taken: a store :class:`~horus_desktop.store.quick_read.QuickReader` opens, and
input the repositories accept as given. Anything else (a missing media or note, an empty or too long text, a
NUL, an unknown status, a reply on another media...) raises :class:`~horus_desktop.store.quick_read.NotHere`,
the transaction is rolled back (nothing written), and the verb takes the full path, which says what is wrong as it always did.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from horus_desktop.store.quick_read import NotHere, QuickReader, marks, no_nul, stored_time, uuid_key

if TYPE_CHECKING:
    from horus_desktop.domain.records import Comment

#: As the repositories' check_length limits of the columns written here (a user's: quick_read's).
_USER_NAME_MAX, _TIMECODE_MAX, _TITLE_MAX = 255, 20, 255
#: As api.Horus.add_comment's default.
NOTE_CONTENT_TYPE = "markdown"


class StoreBusy(Exception):  # noqa: N818 - as NotHere: a signal, reported by the verb
    """Another writer held the store's write lock past the wait. Said at once as the full path says it
    (``cannot use the store: database is locked``): taking the full path would wait for the lock again."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def thread_place(comment_id: uuid.UUID, created: datetime, parent: tuple[str | None, int | None] | None
                 ) -> tuple[int, str]:
    """As ``repositories.comments.thread_place`` (a test keeps them equal): (depth, path) of a new note, or of
    a reply under ``parent`` (its thread path and depth; the caller checked it is on the same media)."""
    key = f"{int(created.timestamp() * 1_000_000):017d}{comment_id.hex[:8]}"
    if parent is None:
        return 0, key
    parent_path, parent_depth = parent
    return (parent_depth or 0) + 1, f"{parent_path}/{key}"


class QuickWriter(QuickReader):
    """A current SQLite store opened for the writes of this module (see the module docstring)."""

    @classmethod
    def open(cls, db: Any = None) -> QuickWriter | None:  # type: ignore[override]
        """As ``QuickReader.open``, then the connection set up as the store's engine sets up its own."""
        writer = super().open(db)
        if writer is None:
            return None
        conn = writer._conn
        try:
            conn.isolation_level = None  # transactions are begun and ended here, explicitly
            conn.execute("PRAGMA query_only=OFF")
            # As engine._set_sqlite_pragmas: WAL, FULL sync, foreign keys.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            has_outbox = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                                      "'horus_sync_outbox'").fetchone() is not None
            states = conn.execute("SELECT count(*) FROM horus_sync_state").fetchone()[0] if has_outbox else 0
        except sqlite3.Error:
            writer.close()
            return None
        if states != 1:  # every current store has an outbox and one clock: else not the store the tests know
            writer.close()
            return None
        assert isinstance(writer, QuickWriter)
        return writer

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (the write lock taken at once), its ops stamped before the commit when it wrote."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            # The schema as it is now (see engine._begin_writes_on_fresh_schema: an INSERT prepared on a
            # stale one fails with "no such table").
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or "locked" in str(exc):
                raise StoreBusy(str(exc)) from exc
            raise NotHere(str(exc)) from exc
        except sqlite3.Error as exc:
            raise NotHere(str(exc)) from exc
        before = conn.total_changes
        try:
            yield conn
            if conn.total_changes != before:  # as the unit of work: only a write that changed something stamps
                self._stamp_outbox()
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:  # some errors end the transaction in SQLite already
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):  # a constraint, a lock held too long: the full path says which
                raise NotHere(str(exc)) from exc
            raise

    def _stamp_outbox(self, author: str | None = None) -> int:
        """As ``sync_capture.stamp_outbox``: unstamped ops get the next clock value (and ``author`` when known)."""
        from horus_desktop.domain.hlc import Hlc, tick

        client_id, last = self._conn.execute("SELECT client_id, hlc FROM horus_sync_state").fetchone()
        now = str(tick(Hlc.parse(last) if last else None, client_id))
        if author:
            stamped = self._conn.execute("UPDATE horus_sync_outbox SET hlc = ?, author = ? WHERE hlc IS NULL",
                                         (now, author)).rowcount
        else:
            stamped = self._conn.execute("UPDATE horus_sync_outbox SET hlc = ? WHERE hlc IS NULL", (now,)).rowcount
        if stamped:
            self._conn.execute("UPDATE horus_sync_state SET hlc = ?", (now,))
        return stamped

    # --- the sign-in ---------------------------------------------------------------------------------

    def _sign_in(self, name: str) -> dict[str, Any]:
        """As ``UserRepository.sign_in`` deferred on a writable store: the last login of a known user, else the
        user made (username and id ``name``, ``name@localhost``), as the first write of the verb's transaction
        (call it inside :meth:`_transaction`), so it commits with the change or not at all. NotHere when no
        such user can be made."""
        found = self.signs_in_as(name)
        if found is not None:
            # touch_login: last_login_at from the statement's values, updated_at from the column's onupdate.
            login = stored_time(_utcnow())
            self._conn.execute("UPDATE horus_users SET last_login_at = ?, updated_at = ? WHERE horus_users.id = ?",
                               (login, stored_time(_utcnow()), found["id"]))
        else:
            now = stored_time(_utcnow())
            self._conn.execute("INSERT INTO horus_users (id, username, email, role, is_active, created_at, "
                               "updated_at) VALUES (?, ?, ?, 'artist', 1, ?, ?)",
                               (name, name, f"{name}@localhost", now, now))
        user = self._find_user(found["id"] if found is not None else name)
        assert user is not None
        return user

    @staticmethod
    def _display_name(user: dict[str, Any]) -> str:
        return user["full_name"] or user["username"]

    # --- helpers ---------------------------------------------------------------------------------------

    def _live(self, table: str, key: str, columns: str) -> Sequence[Any]:
        row = self._conn.execute(f"SELECT {columns} FROM {table} WHERE {table}.id = ?", (key,)).fetchone()
        if row is None or row[-1]:
            raise NotHere(f"no such row in {table}: the full path says so")
        return row

    def _user_exists(self, user_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM horus_users WHERE horus_users.id = ?", (user_id,)).fetchone() \
            is not None

    def _notify(self, user_id: str, kind: str, title: str, message: str | None, media_key: str,
                comment_key: str | None) -> None:
        """A notification row as the repositories add one (unread, created now)."""
        self._conn.execute(
            "INSERT INTO horus_notifications (id, user_id, type, title, message, related_media_id, "
            "related_comment_id, is_read, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
            (uuid.uuid4().hex, user_id, kind, title[:_TITLE_MAX], message, media_key, comment_key,
             stored_time(_utcnow())))

    def _known_users(self, names: list[str]) -> list[dict[str, Any]]:
        """As ``CommentRepository._known_usernames``: the users named (by username or id), in mention order."""
        if not names:
            return []
        rows = self._dicts(f"SELECT * FROM horus_users WHERE horus_users.username IN ({marks(len(names))}) OR "
                           f"horus_users.id IN ({marks(len(names))})", {}, (*names, *names))
        order = {n: i for i, n in enumerate(names)}
        return sorted(rows, key=lambda u: order.get(u["username"], order.get(u["id"], 0)))

    def unknown_mentions(self, text: str) -> list[str]:
        """As ``UserRepository.unknown_mentions``: the @names that are neither a username nor a user id here."""
        from horus_desktop.domain.mentions import find_mentions

        names = find_mentions(text)
        known: set[str] = set()
        for user in self._known_users(names):
            known.update((user["username"], user["id"]))
        return [n for n in names if n not in known]

    # --- comment add -----------------------------------------------------------------------------------

    def comment(self, comment_id: uuid.UUID) -> Comment:
        """A note's record as the repository copies it (``comment add --json`` prints it)."""
        from horus_desktop.domain.records import Comment

        return self._records(Comment, "horus_comments", "WHERE horus_comments.id = ?", [comment_id.hex])[0]

    def add_comment(self, user_name: str, media_id: str, text: str, *, frame: int | None = None,
                    reply_to: str | None = None) -> uuid.UUID:
        """As ``Horus.open(user=user_name).add_comment(media_id, text, frame=, reply_to=)`` (a markdown note);
        returns the note's id (:meth:`comment` reads its record)."""
        from horus_desktop.domain.mentions import find_mentions

        no_nul(text)
        if frame is not None and not -2 ** 63 <= frame < 2 ** 63:
            raise NotHere("a frame SQLite cannot hold: the full path says so")
        if not text or not text.strip():
            raise NotHere("an empty note: the full path refuses it")
        media_key = uuid_key(media_id)
        parent_key = None if reply_to is None else uuid_key(reply_to)
        comment_id = uuid.uuid4()
        with self._transaction() as conn:  # the sign-in and the note: both or neither (NotHere rolls back)
            media = self._media_checks(media_key, parent_key)
            timecode = self._note_timecode(media, frame)
            user = self._sign_in(user_name)
            author, author_name, author_email = user["id"], self._display_name(user), user["email"]
            if len(author_name) > _USER_NAME_MAX:
                raise NotHere("an author name too long for a note: the full path refuses it")
            now = _utcnow()
            parent = None
            if parent_key is not None:
                parent = self._live("horus_comments", parent_key,
                                    "thread_path, thread_depth, frame_number, timecode, user_id, is_deleted")
            depth, path = thread_place(comment_id, now, None if parent is None else (parent[0], parent[1]))
            if parent is not None and frame is None:
                frame, timecode = parent[2], parent[3]
            mentioned = self._known_users(find_mentions(text))
            stamp = stored_time(now)
            conn.execute(
                "INSERT INTO horus_comments (id, parent_id, media_id, frame_number, timecode, user_id, user_name, "
                "user_email, user_avatar_url, content, content_type, thread_depth, thread_path, is_resolved, "
                "mentioned_users, created_at, updated_at, is_deleted) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, 0, ?, ?, ?, 0)",
                (comment_id.hex, parent_key, media_key, frame, timecode, author, author_name, author_email, text,
                 NOTE_CONTENT_TYPE, depth, path, json.dumps([u["id"] for u in mentioned]), stamp, stamp))
            where = f" at frame {frame}" if frame is not None else ""
            for u in mentioned:
                if u["id"] != author and self._user_exists(u["id"]):
                    self._notify(u["id"], "comment_mention", f"{author_name} mentioned you on {media.file_name}"
                                 f"{where}", text, media_key, comment_id.hex)
            told = {author} | {u["id"] for u in mentioned}
            if parent is not None and parent[4] not in told:
                if self._user_exists(parent[4]):
                    self._notify(parent[4], "comment_reply", f"{author_name} replied to your note on "
                                 f"{media.file_name}", text, media_key, comment_id.hex)
                told.add(parent[4])
            if media.artist_id and media.artist_id not in told and self._user_exists(media.artist_id):
                self._notify(media.artist_id, "comment_added", f"{author_name} wrote a note on "
                             f"{media.file_name}{where}", text, media_key, comment_id.hex)
        return comment_id

    @staticmethod
    def _note_timecode(media: SimpleNamespace, frame: int | None) -> str | None:
        """As ``services.notes.note_timecode`` (None without a frame or a usable rate)."""
        from horus_desktop.domain.timecode import exact_rate, frame_to_timecode

        if frame is None:
            return None
        try:
            timecode = frame_to_timecode(frame, exact_rate(media.frame_rate, media.frame_rate_rational))
        except (ValueError, ZeroDivisionError):
            return None
        if len(timecode) > _TIMECODE_MAX:
            raise NotHere("a timecode too long: the full path refuses it")
        return timecode

    def _media_row(self, media_key: str) -> SimpleNamespace:
        """The columns of a live media these writes read (MediaRepository.get's checks: NotHere when absent
        or deleted); the rate as the record holds it (a Decimal of two places)."""
        row = self._live("horus_media_records", media_key, "id, file_name, version, artist_id, approval_status, "
                         "frame_rate, frame_rate_rational, is_deleted")
        rate = row[5]
        if rate is not None:
            from decimal import Decimal

            rate = Decimal(f"{rate:.2f}")
        return SimpleNamespace(id=uuid.UUID(row[0]), file_name=row[1], version=row[2], artist_id=row[3],
                               approval_status=row[4], frame_rate=rate, frame_rate_rational=row[6])

    def _media_checks(self, media_key: str, parent_key: str | None) -> SimpleNamespace:
        """The live media (and live parent note, on that media) a note needs; NotHere when one is not."""
        media = self._media_row(media_key)
        if parent_key is not None:
            parent = self._live("horus_comments", parent_key, "media_id, is_deleted")
            if parent[0] != media_key:
                raise NotHere("a reply on another media: the full path refuses it")
        return media

    # --- media set-status --------------------------------------------------------------------------------

    def set_status(self, user_name: str, media_ids: Sequence[str], status: str) -> list[SimpleNamespace]:
        """As ``Horus.open(user=user_name).set_status(media_ids, status)``; each media's id, file name, version,
        artist and status (the fields the verb prints, not the whole record)."""
        from horus_desktop.domain.vocabulary import APPROVAL_STATUSES

        if status not in APPROVAL_STATUSES:
            raise NotHere("not an approval status: the full path says which are")
        keys = [uuid_key(m) for m in media_ids]
        with self._transaction() as conn:  # the sign-in and the statuses: all or nothing (NotHere rolls back)
            for key in keys:
                self._media_row(key)
            user = self._sign_in(user_name)
            by, by_name = user["id"], self._display_name(user)
            for key in keys:
                media = self._media_row(key)
                if media.approval_status == status:
                    continue
                # The order the full path's flush writes them in (the history row first), so the outbox holds
                # the ops in the same order.
                conn.execute(
                    "INSERT INTO horus_approval_history (id, media_id, status, previous_status, changed_by, "
                    "changed_by_name, note, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                    (uuid.uuid4().hex, key, status, media.approval_status, by, by_name, stored_time(_utcnow())))
                conn.execute("UPDATE horus_media_records SET approval_status = ?, updated_at = ? "
                             "WHERE horus_media_records.id = ?", (status, stored_time(_utcnow()), key))
                if media.artist_id and media.artist_id != by and self._user_exists(media.artist_id):
                    self._notify(media.artist_id, "approval_changed",
                                 f"{media.file_name} {status.replace('_', ' ')}",
                                 f"{by_name or by or 'Someone'} set {media.version} to {status} "
                                 f"(was {media.approval_status})", key, None)
            return [self._media_row(key) for key in keys]

    # --- media sound -----------------------------------------------------------------------------------

    def _extra_row(self, media_key: str) -> SimpleNamespace:
        """A live media's id, file name and extra_metadata as the record holds them (NotHere when absent)."""
        row = self._live("horus_media_records", media_key, "id, file_name, extra_metadata, is_deleted")
        extra = None if row[2] is None else json.loads(row[2])
        if extra is not None and not isinstance(extra, dict):
            raise NotHere("extra_metadata that is not an object: the full path says what it makes of it")
        return SimpleNamespace(id=uuid.UUID(row[0]), file_name=row[1], extra_metadata=extra)

    def set_sound(self, user_name: str, media_id: str, path: str | None, offset: int = 0) -> SimpleNamespace:
        """As ``Horus.open(user=user_name)`` then ``services.sound.set_sound(media_id, path, offset)`` with the
        file already checked by the caller (None: ``clear_sound``); the media's id, file name and extra_metadata.
        """
        from horus_desktop.media.audio_attach import SoundAttachment, sound_of, with_sound

        no_nul(path)
        key = uuid_key(media_id)
        with self._transaction() as conn:  # the sign-in and the sound: both or neither (NotHere rolls back)
            media = self._extra_row(key)
            self._sign_in(user_name)
            if path is None and sound_of(media.extra_metadata) is None:
                return media  # clear_sound: nothing to remove, nothing written
            extra = with_sound(media.extra_metadata, None if path is None else SoundAttachment(path, int(offset)))
            if extra == media.extra_metadata:
                return media  # the same value: SQLAlchemy's flush writes no UPDATE for it either
            # SQLAlchemy's JSON type stores json.dumps' text with its defaults; updated_at is the column's onupdate.
            conn.execute("UPDATE horus_media_records SET extra_metadata = ?, updated_at = ? "
                         "WHERE horus_media_records.id = ?", (json.dumps(extra), stored_time(_utcnow()), key))
            return self._extra_row(key)
