"""The dailies notes list of a playlist: every note made on its clips, grouped by shot then version, Qt-free.

It is the notes export's own content (:func:`horus_desktop.services.notes_report.build_report`: the same grouped
reads of threads, drawings and status changes, the same frames and timecodes), laid out by shot and version and
placed on the playlist: each note knows the playlist frame that shows it, so the dailies notes dock moves the
playhead there. A frame with drawings and no note is listed too (the export prints it). Reads besides the
report's: the playlist (``load_state`` without marks: its document and the media columns it shows) and the
media records (batched), never one per clip.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from horus_desktop.domain.records import CommentNode, MediaRecord
from horus_desktop.domain.wording import counted
from horus_desktop.services.notes_report import ReportMedia, build_report
from horus_desktop.services.playlist_names import find_playlist
from horus_desktop.timeline.state import TrackItem, load_state

if TYPE_CHECKING:
    from horus_desktop.store import Store


@dataclass(frozen=True)
class DailiesReply:
    """A reply in a note's thread."""

    author: str
    text: str


@dataclass(frozen=True)
class DailiesNote:
    """One line of the list: a note (or a drawn frame with no note) on a media of the playlist.

    ``frame`` is the media's (source) frame, None for a note not on a frame; ``playlist_frame`` the playlist
    frame that shows it (None when no clip of the playlist covers that frame); ``status`` "open", "resolved"
    or "drawing" (a drawn frame without a note).
    """

    media_id: uuid.UUID
    shot: str
    version: str
    department: str | None
    frame: int | None
    timecode: str | None
    playlist_frame: int | None
    author: str
    text: str
    status: str
    annotated: bool
    comment_id: uuid.UUID | None = None
    created_at: datetime | None = None
    replies: tuple[DailiesReply, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """As JSON values."""
        return {"comment_id": str(self.comment_id) if self.comment_id else None, "media_id": str(self.media_id),
                "shot": self.shot, "version": self.version, "department": self.department, "frame": self.frame,
                "timecode": self.timecode, "playlist_frame": self.playlist_frame, "author": self.author,
                "text": self.text, "status": self.status, "annotated": self.annotated,
                "created_at": self.created_at.isoformat() if self.created_at else None,
                "replies": [{"author": r.author, "text": r.text} for r in self.replies]}


@dataclass(frozen=True)
class DailiesVersion:
    """One version (media) of a shot in the playlist, with its notes in frame order."""

    media_id: uuid.UUID
    version: str
    department: str | None
    approval_status: str
    notes: tuple[DailiesNote, ...]


@dataclass(frozen=True)
class DailiesShot:
    """A shot and its versions, in playlist order."""

    shot: str
    versions: tuple[DailiesVersion, ...]


@dataclass(frozen=True)
class DailiesNotes:
    """The dailies notes list of one playlist."""

    playlist_id: uuid.UUID
    name: str
    version: str | None
    shots: tuple[DailiesShot, ...]

    def notes(self) -> list[DailiesNote]:
        """Every line, shot by shot, version by version."""
        return [n for s in self.shots for v in s.versions for n in v.notes]

    def to_dict(self) -> dict[str, Any]:
        """As JSON values (what ``horus playlist notes --json`` prints; ``notes`` counts notes, not drawn frames
        or replies)."""
        return {"playlist_id": str(self.playlist_id), "name": self.name, "version": self.version,
                "notes": sum(1 for n in self.notes() if n.comment_id),
                "shots": [{"shot": s.shot, "versions": [
                    {"media_id": str(v.media_id), "version": v.version, "department": v.department,
                     "approval_status": v.approval_status, "notes": [n.to_dict() for n in v.notes]}
                    for v in s.versions]} for s in self.shots]}


def _playlist_frame(clips: list[TrackItem], frame: int | None) -> int | None:
    """The first playlist frame (clips in playlist order) showing a media's ``frame``; a note with no frame
    goes to the start of the media's first clip."""
    if frame is None:
        return clips[0].start if clips else None
    for clip in clips:
        first = clip.source_start or 0
        if first <= frame < first + clip.duration:
            return clip.start + frame - first
    return None


def _note(media: MediaRecord, thread: CommentNode, frame: int | None, timecode: str | None, annotated: bool,
          clips: list[TrackItem]) -> DailiesNote:
    c = thread.comment
    return DailiesNote(media_id=media.id, shot=media.shot or "(no shot)", version=media.version or "-",
                       department=media.department, frame=frame, timecode=timecode,
                       playlist_frame=_playlist_frame(clips, frame), author=c.user_name, text=c.content,
                       status="resolved" if c.is_resolved else "open", annotated=annotated, comment_id=c.id,
                       created_at=c.created_at,
                       replies=tuple(DailiesReply(r.comment.user_name, r.comment.content)
                                     for r in thread.walk()[1:]))


def _lines(entry: ReportMedia, clips: list[TrackItem]) -> list[DailiesNote]:
    media = entry.media
    out = []
    for report_frame in entry.frames:
        for thread in report_frame.threads:
            out.append(_note(media, thread, report_frame.frame, report_frame.timecode, report_frame.annotated, clips))
        if not report_frame.threads and any(d.frame_number == report_frame.frame for d in report_frame.drawings):
            out.append(DailiesNote(media_id=media.id, shot=media.shot or "(no shot)", version=media.version or "-",
                                   department=media.department, frame=report_frame.frame,
                                   timecode=report_frame.timecode,
                                   playlist_frame=_playlist_frame(clips, report_frame.frame), author="",
                                   text="(drawing)", status="drawing", annotated=True))
    out += [_note(media, thread, None, None, False, clips) for thread in entry.general]
    return out


def dailies_notes(store: Store, playlist: uuid.UUID | str) -> DailiesNotes:
    """The dailies notes list of a playlist (by id or name: :func:`find_playlist`)."""
    playlist_id = find_playlist(store, playlist)
    state = load_state(store, playlist_id, with_notes=False)
    clips_of: dict[uuid.UUID, list[TrackItem]] = {}
    for clip in sorted(state.clips(), key=lambda c: (c.start, -c.index)):
        if clip.media_id is not None and not clip.missing_media:
            clips_of.setdefault(clip.media_id, []).append(clip)
    records = {m.id: m for m in store.media.get_many(list(clips_of))}
    media = [records[i] for i in clips_of if i in records and not records[i].is_deleted]
    report = build_report(store, media, title=state.name, scope=f"Playlist {state.name}")
    shots: dict[str, list[DailiesVersion]] = {}
    for entry in report.media():
        record = entry.media
        notes = tuple(_lines(entry, clips_of[record.id]))
        shots.setdefault(record.shot or "(no shot)", []).append(DailiesVersion(
            record.id, record.version or "-", record.department, record.approval_status or "pending", notes))
    return DailiesNotes(playlist_id, state.name, state.version,
                        tuple(DailiesShot(shot, tuple(versions)) for shot, versions in shots.items()))


def format_notes(notes: DailiesNotes) -> str:
    """The list as text: a heading per shot, a line per version, a line per note (replies under it)."""
    count = sum(1 for n in notes.notes() if n.comment_id)
    lines = [f"{notes.name} {notes.version or ''}".rstrip() + f": {counted(count, 'note')} on {counted(len(notes.shots), 'shot')}"]
    for shot in notes.shots:
        lines.append("")
        lines.append(shot.shot)
        for version in shot.versions:
            lines.append(f"  {version.version} {version.department or ''} [{version.approval_status}]".rstrip())
            if not version.notes:
                lines.append("    (no notes)")
            for note in version.notes:
                where = f"{note.frame}" if note.frame is not None else "-"
                tc = f"  {note.timecode}" if note.timecode else ""
                at = f"  @{note.playlist_frame}" if note.playlist_frame is not None else ""
                head = f"    {where}{tc}{at}  {note.status}"
                lines.append(f"{head}  {note.author}: {note.text}" if note.author else f"{head}  {note.text}")
                lines += [f"        > {r.author}: {r.text}" for r in note.replies]
    return "\n".join(lines)
