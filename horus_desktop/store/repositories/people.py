"""Users, their sessions, their notifications, and per-project settings."""

from __future__ import annotations

import ipaddress
import secrets
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import func, or_, select, update

from horus_desktop.domain.mentions import find_mentions
from horus_desktop.domain.records import Notification, ProjectConfig, User, UserSession
from horus_desktop.domain.vocabulary import USER_ROLES
from horus_desktop.store.models import NotificationRow, ProjectConfigRow, UserRow, UserSessionRow
from horus_desktop.store.repositories.base import (
    InvalidFieldError,
    NotFoundError,
    Repository,
    as_uuid,
    check_length,
    to_record,
)
from horus_desktop.store.types import utcnow

_USER_FIELDS = frozenset({"username", "email", "full_name", "avatar_url", "role", "department", "permissions",
                          "ui_preferences", "notification_preferences", "is_active", "last_login_at"})


class UserRepository(Repository):
    """``horus_users``."""

    def ensure(self, user_id: str, *, username: str | None = None, email: str | None = None,
               **values: Any) -> User:
        """Create the user if missing, else update the fields given; returns the stored user."""
        if not user_id or not user_id.strip():
            raise InvalidFieldError("id", "a user needs an id")
        check_length("id", user_id, 100)
        unknown = set(values) - _USER_FIELDS
        if unknown:
            raise InvalidFieldError(sorted(unknown)[0], "not a user field")
        if "role" in values and values["role"] not in USER_ROLES:
            raise InvalidFieldError("role", f"{values['role']!r} is not one of {', '.join(USER_ROLES)}")
        with self._uow.write() as ctx:
            row = ctx.session.get(UserRow, user_id)
            if row is None:
                row = UserRow(id=user_id, username=username or user_id,
                              email=email or f"{username or user_id}@localhost", **values)
                ctx.session.add(row)
                op = "insert"
            else:
                if username:
                    row.username = username
                if email:
                    row.email = email
                for key, value in values.items():
                    setattr(row, key, value)
                op = "update"
            check_length("username", row.username, 100)
            check_length("email", row.email, 255)
            ctx.record(UserRow.__tablename__, user_id, op)  # type: ignore[arg-type]
            ctx.session.flush()
        return to_record(row, User)

    def get(self, user_id: str) -> User:
        """A user by id."""
        with self._uow.read() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise NotFoundError("user", user_id)
            return to_record(row, User)

    def find(self, user_id_or_name: str) -> User | None:
        """A user by id or username, if there is one."""
        with self._uow.read() as session:
            row = session.execute(select(UserRow).where(
                or_(UserRow.id == user_id_or_name, UserRow.username == user_id_or_name))).scalars().first()
            return None if row is None else to_record(row, User)

    def unknown_mentions(self, text: str) -> list[str]:
        """The @names in ``text`` that are neither a username nor a user id here (a note does not notify them)."""
        names = find_mentions(text)
        if not names:
            return []
        with self._uow.read() as session:
            known = set()
            for username, user_id in session.execute(select(UserRow.username, UserRow.id).where(
                    or_(UserRow.username.in_(names), UserRow.id.in_(names)))):
                known.update((username, user_id))
        return [n for n in names if n not in known]

    def list(self, *, active_only: bool = True) -> list[User]:
        """Users by username."""
        stmt = select(UserRow).order_by(UserRow.username)
        if active_only:
            stmt = stmt.where(UserRow.is_active.is_not(False))
        with self._uow.read() as session:
            return [to_record(r, User) for r in session.execute(stmt).scalars()]

    def complete(self, prefix: str, limit: int = 10) -> list[User]:
        """Active users whose username or full name starts with ``prefix`` (@mention autocomplete)."""
        like = prefix.lower().replace("%", "").replace("_", "\\_") + "%"
        stmt = (select(UserRow).where(UserRow.is_active.is_not(False), or_(
            func.lower(UserRow.username).like(like, escape="\\"),
            func.lower(UserRow.full_name).like(like, escape="\\"))).order_by(UserRow.username).limit(limit))
        with self._uow.read() as session:
            return [to_record(r, User) for r in session.execute(stmt).scalars()]

    def sign_in(self, name: str, *, deferred: bool = False) -> User:
        """``name`` (an id or a username) signing in: a known user's last login noted (:meth:`touch_login`),
        else the user made (id and username ``name``, ``name@localhost``).

        ``deferred``: that write is made at the start of the store's next transaction, in it (so it commits with
        the change that follows, or not at all: a command that fails leaves the store as it was), or alone by
        ``UnitOfWork.settle``; a new user's record is then the one the write will make. A user that cannot be
        made is refused now, as without ``deferred``."""
        found = self.find(name)
        write: Callable[[], object]
        if found is not None:
            write, user = partial(self.touch_login, found.id), found
        elif not deferred or not self._can_make(name):
            return self.ensure(name, username=name)  # made now, or refused now saying why
        else:
            write = partial(self.ensure, name, username=name)
            user = User(id=name, username=name, email=f"{name}@localhost")
        if deferred:
            self._uow.owe(write)
        else:
            write()
        return user

    def _can_make(self, name: str) -> bool:
        """Whether :meth:`ensure` can make the user ``name`` (a valid id whose ``name@localhost`` is free)."""
        if not name.strip() or len(name) > 100:
            return False
        with self._uow.read() as session:
            return session.execute(select(UserRow.id).where(UserRow.email == f"{name}@localhost")).first() is None

    def touch_login(self, user_id: str) -> None:
        """Note that the user just started the app."""
        with self._uow.write() as ctx:
            ctx.session.execute(update(UserRow).where(UserRow.id == user_id).values(last_login_at=utcnow()))
            ctx.record(UserRow.__tablename__, user_id, "update")


class SessionRepository(Repository):
    """``horus_user_sessions``: who is looking at which media and frame."""

    def open(self, user_id: str, *, media_id: uuid.UUID | str | None = None, current_frame: int | None = None,
             ip_address: str | None = None, user_agent: str | None = None,
             expires_at: datetime | None = None) -> UserSession:
        """Start a session with a fresh random token."""
        if ip_address is not None:
            try:
                ip_address = str(ipaddress.ip_address(ip_address))
            except ValueError as exc:
                raise InvalidFieldError("ip_address", f"not an IP address: {ip_address!r}") from exc
        row = UserSessionRow(id=uuid.uuid4(), user_id=user_id, session_token=secrets.token_urlsafe(32),
                             media_id=as_uuid(media_id, "media_id") if media_id else None,
                             current_frame=current_frame, ip_address=ip_address, user_agent=user_agent,
                             expires_at=expires_at)
        with self._uow.write() as ctx:
            ctx.session.add(row)
            ctx.record(UserSessionRow.__tablename__, row.id, "insert")
            ctx.session.flush()
        return to_record(row, UserSession)

    def move(self, token: str, *, media_id: uuid.UUID | str | None, current_frame: int | None) -> None:
        """Record where the session's user now is."""
        with self._uow.write() as ctx:
            row = ctx.session.execute(
                select(UserSessionRow).where(UserSessionRow.session_token == token)).scalar_one_or_none()
            if row is None:
                raise NotFoundError("session", token[:8] + "...")
            row.media_id = as_uuid(media_id, "media_id") if media_id else None
            row.current_frame = current_frame
            row.last_activity_at = utcnow()
            ctx.record(UserSessionRow.__tablename__, row.id, "update")

    def close(self, token: str) -> None:
        """End a session."""
        with self._uow.write() as ctx:
            row = ctx.session.execute(
                select(UserSessionRow).where(UserSessionRow.session_token == token)).scalar_one_or_none()
            if row is not None:
                row.is_active = False
                ctx.record(UserSessionRow.__tablename__, row.id, "update")

    def active_on(self, media_id: uuid.UUID | str) -> list[UserSession]:
        """Active sessions looking at a media."""
        media_id = as_uuid(media_id, "media_id")
        with self._uow.read() as session:
            rows = session.execute(select(UserSessionRow).where(
                UserSessionRow.media_id == media_id, UserSessionRow.is_active.is_(True))).scalars()
            return [to_record(r, UserSession) for r in rows]


class NotificationRepository(Repository):
    """``horus_notifications``."""

    def create(self, *, user_id: str, type: str, title: str, message: str | None = None,
               related_media_id: uuid.UUID | None = None, related_comment_id: uuid.UUID | None = None,
               related_annotation_id: uuid.UUID | None = None) -> Notification:
        """Tell a user about something."""
        check_length("type", type, 50)
        check_length("title", title, 255)
        row = NotificationRow(id=uuid.uuid4(), user_id=user_id, type=type, title=title, message=message,
                              related_media_id=related_media_id, related_comment_id=related_comment_id,
                              related_annotation_id=related_annotation_id)
        with self._uow.write() as ctx:
            ctx.session.add(row)
            ctx.record(NotificationRow.__tablename__, row.id, "insert")
            ctx.session.flush()
        return to_record(row, Notification)

    def list(self, user_id: str, *, unread_only: bool = False, limit: int = 100) -> list[Notification]:
        """A user's notifications, newest first."""
        stmt = select(NotificationRow).where(NotificationRow.user_id == user_id)
        if unread_only:
            stmt = stmt.where(NotificationRow.is_read.is_not(True))
        with self._uow.read() as session:
            rows = session.execute(stmt.order_by(NotificationRow.created_at.desc()).limit(limit)).scalars()
            return [to_record(r, Notification) for r in rows]

    def unread_count(self, user_id: str) -> int:
        """How many unread notifications a user has (the bell's number)."""
        with self._uow.read() as session:
            return session.execute(select(func.count()).select_from(NotificationRow).where(
                NotificationRow.user_id == user_id, NotificationRow.is_read.is_not(True))).scalar_one()

    def mark_read(self, ids: Iterable[uuid.UUID | str]) -> None:
        """Mark notifications read."""
        ids = [as_uuid(i, "notification_id") for i in ids]
        with self._uow.write() as ctx:
            ctx.session.execute(update(NotificationRow).where(NotificationRow.id.in_(ids))
                                .values(is_read=True, read_at=utcnow()))
            for nid in ids:
                ctx.record(NotificationRow.__tablename__, nid, "update")

    def mark_all_read(self, user_id: str) -> None:
        """Mark every notification of a user read."""
        with self._uow.read() as session:
            ids = session.execute(select(NotificationRow.id).where(
                NotificationRow.user_id == user_id, NotificationRow.is_read.is_not(True))).scalars().all()
        if ids:
            self.mark_read(ids)


class ProjectRepository(Repository):
    """``horus_project_configs``: per-project path templates and settings."""

    def upsert(self, project_id: str, **values: Any) -> ProjectConfig:
        """Create or change a project's settings."""
        allowed = {"name", "path_templates", "ocio_config", "frame_rate", "resolution", "settings"}
        unknown = set(values) - allowed
        if unknown:
            raise InvalidFieldError(sorted(unknown)[0], "not a project setting")
        check_length("project_id", project_id, 100)
        with self._uow.write() as ctx:
            row = ctx.session.get(ProjectConfigRow, project_id)
            op = "update"
            if row is None:
                row = ProjectConfigRow(project_id=project_id)
                ctx.session.add(row)
                op = "insert"
            for key, value in values.items():
                setattr(row, key, value)
            ctx.record(ProjectConfigRow.__tablename__, project_id, op)  # type: ignore[arg-type]
            ctx.session.flush()
        return to_record(row, ProjectConfig)

    def get(self, project_id: str) -> ProjectConfig | None:
        """A project's settings, if any were stored."""
        with self._uow.read() as session:
            row = session.get(ProjectConfigRow, project_id)
            return None if row is None else to_record(row, ProjectConfig)

    def list(self) -> list[ProjectConfig]:
        """Every project with stored settings."""
        with self._uow.read() as session:
            rows = session.execute(select(ProjectConfigRow).order_by(ProjectConfigRow.project_id)).scalars()
            return [to_record(r, ProjectConfig) for r in rows]
