"""The public Python API: what the app does, for pipeline scripts, without Qt.

>>> from horus_desktop.api import Horus
>>> with Horus.open("/tmp/review.sqlite", user="ana") as horus:   # or a postgresql:// URL
...     page = horus.search_media(project="demo", department="comp", latest_only=True)
...     note = horus.add_comment(page.items[0].id, "Edge flicker on the left", frame=1012)
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from horus_desktop.domain.media_query import MediaQuery, Page
from horus_desktop.domain.records import (
    Annotation,
    Comment,
    CommentAttachment,
    CommentNode,
    MediaRecord,
    Timeline,
    User,
)
from horus_desktop.services import notes as notes_service
from horus_desktop.services.attachments import attach_file
from horus_desktop.store import Store
from horus_desktop.store.quick_read import default_user_id

if TYPE_CHECKING:
    from types import TracebackType


class Horus:
    """A store opened for one user: everything a review does, as plain calls."""

    def __init__(self, store: Store, user: User) -> None:
        self.store = store
        self.user = user

    @classmethod
    def open(cls, db: str | os.PathLike[str] | None = None, *, user: str | None = None,
             upgrade: bool = True, defer_sign_in: bool = False) -> Horus:
        """Open the store at ``db`` (a SQLite path or a URL; default the local store) as ``user``.

        ``defer_sign_in``: the sign-in (a last login, or the user made) is written with the first change, in
        its transaction, or by ``store.uow.settle()``: the command line's, so that a command that fails
        leaves the store as it was."""
        store = Store.open(db, upgrade=upgrade)
        try:
            return cls(store, ensure_user(store, user or default_user_id(), deferred=defer_sign_in))
        except Exception:
            store.close()
            raise

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    def __enter__(self) -> Horus:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # Media ----------------------------------------------------------------------------------------

    def ingest(self, path: str | os.PathLike[str], *, project: str | None = None, template: str | None = None,
               thumbnails: bool = True, progress: Callable[..., None] | None = None,
               cancel: threading.Event | None = None) -> Any:
        """Add (or refresh) the media under ``path`` (with thumbnails for the browser); returns the report."""
        from horus_desktop.services.ingest import ingest  # the media engine is heavy: load on use

        return ingest(self.store, path, user_id=self.user.id, project=project, template=template,
                      thumbnails=thumbnails, progress=progress, cancel=cancel)

    def search_media(self, *, project: str | None = None, episode: str | None = None,
                     sequence: str | None = None, shot: str | None = None,
                     department: str | Sequence[str] | None = None, task_type: str | Sequence[str] | None = None,
                     status: str | Sequence[str] | None = None, artist: str | Sequence[str] | None = None,
                     file_type: str | Sequence[str] | None = None, created_from: datetime | None = None,
                     created_to: datetime | None = None, latest_only: bool = False, text: str | None = None,
                     sort_by: str = "created_at", descending: bool = True, offset: int = 0, limit: int = 200,
                     with_total: bool = True) -> Page[MediaRecord]:
        """One page of media matching the filters (each list filter matches any of its values)."""
        return self.store.media.search(MediaQuery(
            project_id=project, episode=episode, sequence=sequence, shot=shot,
            departments=_tuple(department), task_types=_tuple(task_type), statuses=_tuple(status),
            artists=_tuple(artist), file_types=_tuple(file_type), created_from=created_from,
            created_to=created_to, latest_only=latest_only, text=text, sort_by=sort_by, descending=descending,
            offset=offset, limit=limit, with_total=with_total,
        ))

    def media(self, media_id: uuid.UUID | str) -> MediaRecord:
        """One media record."""
        return self.store.media.get(media_id)

    def set_status(self, media_ids: uuid.UUID | str | Iterable[uuid.UUID | str], status: str) -> list[MediaRecord]:
        """Set the approval status (pending, approved, rejected, on_hold) of one or many versions."""
        ids = [media_ids] if isinstance(media_ids, uuid.UUID | str) else list(media_ids)
        return self.store.media.set_status(ids, status, by=self.user.id, by_name=self.user.display_name)

    def tag(self, media_ids: uuid.UUID | str | Iterable[uuid.UUID | str], tag: str) -> None:
        """Tag one or many media."""
        ids = [media_ids] if isinstance(media_ids, uuid.UUID | str) else list(media_ids)
        self.store.tags.add(ids, tag, created_by=self.user.id)

    # Comments -------------------------------------------------------------------------------------

    def add_comment(self, media_id: uuid.UUID | str, text: str, *, frame: int | None = None,
                    reply_to: uuid.UUID | str | None = None, content_type: str = "markdown",
                    drawings: Iterable[uuid.UUID | str] = ()) -> Comment:
        """Write a note on a media (at a frame), or a reply to a note; ``drawings`` (annotation ids) are linked
        to it in the same transaction, as the notes panel links the shapes drawn on the frame."""
        return notes_service.add_note(self.store, media_id, text, self._author(), frame=frame, reply_to=reply_to,
                                      drawings=drawings, content_type=content_type).comment

    def _author(self) -> notes_service.Author:
        return notes_service.Author(self.user.id, self.user.display_name, self.user.email)

    def unknown_mentions(self, text: str) -> list[str]:
        """The @names in ``text`` that are no user of this store: a note mentioning them notifies nobody."""
        return self.store.users.unknown_mentions(text)

    def reply(self, comment_id: uuid.UUID | str, text: str) -> Comment:
        """Reply to a note."""
        return notes_service.reply(self.store, comment_id, text, self._author()).comment

    def comments(self, media_id: uuid.UUID | str) -> list[CommentNode]:
        """The thread trees of a media."""
        return self.store.comments.threads(media_id)

    def resolve(self, comment_id: uuid.UUID | str, resolved: bool = True) -> Comment:
        """Resolve (or reopen) a note, as this user."""
        return notes_service.set_resolved(self.store, comment_id, resolved, self.user.id)

    def attach(self, comment_id: uuid.UUID | str, file: str | os.PathLike[str]) -> CommentAttachment:
        """Copy a file into the store (named by its content, so same-named files never collide) and attach it
        to a note; a symlink is followed only to a regular file you may read."""
        return attach_file(self.store, comment_id, file, self.user.id)

    # Annotations ----------------------------------------------------------------------------------

    def add_annotation(self, media_id: uuid.UUID | str, frame: int, annotation_type: str, coordinates: Any, *,
                       style: dict[str, Any] | None = None, layer: str = "default",
                       content: str | None = None) -> Annotation:
        """Store one drawn shape on a frame."""
        return self.store.annotations.add(
            media_id=media_id, frame_number=frame, annotation_type=annotation_type, coordinates=coordinates,
            style_properties=style, content=content, layer_name=layer, user_id=self.user.id,
            user_name=self.user.display_name,
        )

    def annotations(self, media_id: uuid.UUID | str, *, frame: int | None = None,
                    layer: str | None = None) -> list[Annotation]:
        """The shapes of a media (of a frame, of a layer)."""
        return self.store.annotations.list(media_id, frame=frame, layer_name=layer)

    # Timelines ------------------------------------------------------------------------------------

    def timelines(self, *, project: str | None = None) -> list[tuple[Timeline, int]]:
        """Playlists and cuts, each with its clip count."""
        return self.store.timelines.list(project_id=project)

    def timeline(self, timeline_id: uuid.UUID | str) -> Timeline:
        """A timeline with its clips."""
        return self.store.timelines.get(timeline_id)

    def create_timeline(self, name: str, *, project: str, timeline_type: str = "dailies",
                        clips: Sequence[dict[str, Any]] = (), **values: Any) -> Timeline:
        """A new playlist (clips as dicts of horus_timeline_clips fields)."""
        return self.store.timelines.create(name=name, project_id=project, timeline_type=timeline_type,
                                           created_by=self.user.id, created_by_name=self.user.display_name,
                                           clips=clips, **values)

    def save_timeline(self, timeline_id: uuid.UUID | str, clips: Sequence[dict[str, Any]],
                      **values: Any) -> Timeline:
        """Replace a timeline's clips (and fields such as ``otio_data``) in one transaction."""
        return self.store.timelines.replace_clips(timeline_id, clips, last_modified_by=self.user.id, **values)


    # Playlists ------------------------------------------------------------------------------------

    def playlists(self, *, project: str | None = None) -> list[dict[str, Any]]:
        """Playlists with clip counts and durations (frames and timecode)."""
        from horus_desktop.timeline.playlists import list_playlists

        return list_playlists(self.store, project_id=project)

    def create_playlist(self, name: str, *, project: str, media_ids: Sequence[uuid.UUID | str] = (),
                        rule: str | None = None, timeline_type: str = "dailies", **values: Any) -> Timeline:
        """A new playlist: empty, the given media in order, or what a rule selects
        (``latest:sequence=sq010,department=comp``, ``submitted-today``)."""
        from horus_desktop.timeline import playlists

        if rule:
            return playlists.create_from_rule(self.store, rule, name=name, project_id=project, user=self.user.id,
                                              timeline_type=timeline_type, created_by_name=self.user.display_name,
                                              **values)
        return playlists.create_playlist(self.store, name=name, project_id=project, user=self.user.id,
                                         media_ids=media_ids, timeline_type=timeline_type,
                                         created_by_name=self.user.display_name, **values)

    def import_playlist(self, file: str | os.PathLike[str], *, name: str | None = None, project: str | None = None,
                        rate: Any = None) -> Any:
        """Import an .otio/.otioz/.edl file as a new playlist; returns the ImportReport."""
        from horus_desktop.timeline.files import import_playlist

        return import_playlist(self.store, Path(file), user=self.user.id, name=name, project_id=project, rate=rate)

    def export_playlist(self, playlist_id: uuid.UUID | str, file: str | os.PathLike[str], *,
                        record_start: str | None = None) -> Any:
        """Write a playlist as .otio/.otioz/.edl (notes as markers); returns the ExportReport (what was lost).

        An EDL's record timecode starts at ``record_start`` (default 01:00:00:00).
        """
        from horus_desktop.timeline.files import export_playlist

        return export_playlist(self.store, playlist_id, Path(file), record_start=record_start)

    def playlist_state(self, playlist_id: uuid.UUID | str) -> Any:
        """The PlaylistState a track view draws (tracks, items, markers)."""
        from horus_desktop.timeline.state import load_state

        return load_state(self.store, playlist_id)

    def duplicate_playlist(self, playlist_id: uuid.UUID | str) -> Timeline:
        """A copy of a playlist as its next version (v002...)."""
        from horus_desktop.timeline.playlists import duplicate_playlist

        return duplicate_playlist(self.store, playlist_id, user=self.user.id)

    # Sync (with this machine's server: `horus server set`) -------------------------------------------
    def sync_client(self, *, server_url: str | None = None) -> Any:
        """A :class:`~horus_desktop.sync.client.SyncClient` for this store and user; close it when done."""
        from horus_desktop.sync.service import open_client

        return open_client(self.store, self.user.username or self.user.id, server_url=server_url)

    def sync(self, *, server_url: str | None = None, progress: Callable[..., None] | None = None) -> Any:
        """One full round (push until the outbox is empty, pull until caught up): the RoundReport."""
        client = self.sync_client(server_url=server_url)
        try:
            return client.round(progress=progress)
        finally:
            client.close()

    def sync_status(self, *, server_url: str | None = None) -> Any:
        """Pending ops, cursor, last sync, unresolved conflicts and rejected ops (a SyncStatus)."""
        client = self.sync_client(server_url=server_url)
        try:
            return client.status()
        finally:
            client.close()

    def sync_conflicts(self, *, unresolved_only: bool = True, server_url: str | None = None) -> list[Any]:
        """The conflicts (ConflictRecord: both values, who made each and when)."""
        client = self.sync_client(server_url=server_url)
        try:
            return client.conflicts(unresolved_only=unresolved_only)
        finally:
            client.close()

    def resolve_conflict(self, conflict_id: uuid.UUID | str, choice: str, *, server_url: str | None = None) -> None:
        """Keep the ``"local"`` or ``"remote"`` value of a conflict; the choice syncs like any change."""
        client = self.sync_client(server_url=server_url)
        try:
            client.resolve(conflict_id, choice)
        finally:
            client.close()


def ensure_user(store: Store, name: str, *, deferred: bool = False) -> User:
    """The user called ``name`` (id or username), created on first use (not in a read-only store); with
    ``deferred``, signed in with the store's next change (``UserRepository.sign_in``)."""
    if store.read_only:  # an archive is browsed as anyone, and nothing is recorded in it
        return store.users.find(name) or User(id=name, username=name, email=f"{name}@localhost")
    return store.users.sign_in(name, deferred=deferred)


def _tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)
