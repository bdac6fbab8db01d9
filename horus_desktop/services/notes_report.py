"""The notes report: what a dailies report says, gathered from the store, Qt-free.

A report covers a playlist (its media in clip order), one media, or a media search (the browser's filter).
For each media it holds the header (shot, version, department, artist, approval status and who set it when),
every frame that carries a note or a drawing (frame number, source timecode, the drawings on screen there with
their hold, the note threads), then the notes not tied to a frame. The PDF, HTML and CSV writers and the
frame renderer read only this model; everything comes from the store in a few grouped reads (media, threads,
drawings and approval changes of all media at once).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.domain.records import Annotation, ApprovalChange, CommentNode, MediaRecord
from horus_desktop.domain.shapes import hold_of, shown_on
from horus_desktop.domain.timecode import exact_rate, media_start_timecode, source_timecode

if TYPE_CHECKING:
    from horus_desktop.store import Store

GROUPINGS = ("none", "artist", "department")


@dataclass(frozen=True)
class ReportFrame:
    """One frame of a media that carries notes or drawings."""

    frame: int
    timecode: str | None
    threads: tuple[CommentNode, ...]
    #: the shapes on screen at this frame: drawn on it, or held from an earlier frame
    drawings: tuple[Annotation, ...]

    @property
    def annotated(self) -> bool:
        """Whether any drawing is on screen at this frame."""
        return bool(self.drawings)


@dataclass(frozen=True)
class ReportMedia:
    """One media of the report with its frames and its notes not tied to a frame."""

    media: MediaRecord
    status_change: ApprovalChange | None
    frames: tuple[ReportFrame, ...]
    general: tuple[CommentNode, ...]

    def threads(self) -> list[CommentNode]:
        """Every top-level thread of this media in report order (frames first, then the general notes)."""
        return [t for f in self.frames for t in f.threads] + list(self.general)


@dataclass(frozen=True)
class ReportSection:
    """One group of the report (the whole report when not grouped)."""

    title: str | None
    media: tuple[ReportMedia, ...]


@dataclass(frozen=True)
class NotesReport:
    """A whole report: title, scope, who made it, the per-shot summary and the sections."""

    title: str
    scope: str
    reviewer: str | None
    created_at: datetime
    sections: tuple[ReportSection, ...]
    open_only: bool = False
    #: shot -> approval status -> how many versions (in first-seen order)
    shot_summary: dict[str, dict[str, int]] = field(default_factory=dict)

    def media(self) -> list[ReportMedia]:
        """Every media of the report, section by section."""
        return [m for s in self.sections for m in s.media]

    def counts(self) -> dict[str, int]:
        """Media, notes (replies included), open and resolved top-level notes, annotated frames."""
        tops = [t for m in self.media() for t in m.threads()]
        return {"media": len(self.media()), "notes": sum(len(t.walk()) for t in tops),
                "open": sum(1 for t in tops if not t.comment.is_resolved),
                "resolved": sum(1 for t in tops if t.comment.is_resolved),
                "annotated_frames": sum(1 for m in self.media() for f in m.frames if f.annotated)}


def frame_timecode(media: MediaRecord, frame: int) -> str | None:
    """The source timecode of ``frame`` as the viewer shows it (the file's start timecode when it gave one)."""
    try:
        rate = exact_rate(media.frame_rate, media.frame_rate_rational)
    except (ValueError, ZeroDivisionError):
        return None
    start_tc, first = media_start_timecode(media, frame)
    try:
        return source_timecode(frame, first, start_tc, rate)
    except (ValueError, ZeroDivisionError):
        return None


def _open_only(threads: Sequence[CommentNode]) -> list[CommentNode]:
    return [t for t in threads if not t.comment.is_resolved]


def media_entry(media: MediaRecord, threads: Sequence[CommentNode], drawings: Sequence[Annotation],
                status_change: ApprovalChange | None, *, open_only: bool = False,
                hidden_layers: frozenset[str] = frozenset()) -> ReportMedia:
    """Lay one media's notes and drawings out by frame: every frame with a note or the start of a drawing,
    each with the shapes on screen there (held shapes included; hidden layers and shapes left out, as the
    viewer leaves them out), then the notes without a frame."""
    drawings = [d for d in drawings if d.is_visible is not False and (d.layer_name or "default") not in hidden_layers]
    if open_only:
        threads = _open_only(threads)
    on_frame: dict[int, list[CommentNode]] = {}
    general: list[CommentNode] = []
    for thread in threads:
        if thread.comment.frame_number is None:
            general.append(thread)
        else:
            on_frame.setdefault(thread.comment.frame_number, []).append(thread)
    drawn = {d.frame_number for d in drawings}
    if open_only:
        # With open notes only, a drawing frame stays when it has open notes or no note at all.
        noted_closed = {t.comment.frame_number for t in threads} | {
            d.frame_number for d in drawings if (d.style_properties or {}).get("comment_id")}
        drawn = {f for f in drawn if f in on_frame or f not in noted_closed}
    frames = []
    for frame in sorted(set(on_frame) | drawn):
        shown = tuple(d for d in drawings if shown_on(d.frame_number, d.style_properties, frame))
        frames.append(ReportFrame(frame, frame_timecode(media, frame), tuple(on_frame.get(frame, ())), shown))
    return ReportMedia(media, status_change, tuple(frames), tuple(general))


def _summary(entries: Sequence[ReportMedia]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for entry in entries:
        statuses = out.setdefault(entry.media.shot or "(no shot)", {})
        status = entry.media.approval_status or "pending"
        statuses[status] = statuses.get(status, 0) + 1
    return out


def _group(entries: Sequence[ReportMedia], grouping: str) -> tuple[ReportSection, ...]:
    if grouping == "none":
        return (ReportSection(None, tuple(entries)),)
    if grouping not in GROUPINGS:
        raise ValueError(f"grouping: {grouping!r}; one of {', '.join(GROUPINGS)}")
    groups: dict[str, list[ReportMedia]] = {}
    for entry in entries:
        key = entry.media.artist_name if grouping == "artist" else entry.media.department
        groups.setdefault(key or f"(no {grouping})", []).append(entry)
    return tuple(ReportSection(title, tuple(items)) for title, items in sorted(groups.items()))


def build_report(store: Store, media: Sequence[MediaRecord], *, title: str, scope: str,
                 reviewer: str | None = None, grouping: str = "none", open_only: bool = False,
                 now: datetime | None = None) -> NotesReport:
    """The report of ``media`` (in the order given): threads, drawings, layers and approval changes of all of
    them are read in one grouped read each."""
    if grouping not in GROUPINGS:
        raise ValueError(f"grouping: {grouping!r}; one of {', '.join(GROUPINGS)}")
    ids = [m.id for m in media]
    threads = store.comments.threads_by_media(ids)
    drawings = store.annotations.list_by_media(ids)
    changes = store.media.latest_status_changes(ids)
    hidden = {media_id: frozenset(layer.layer_name for layer in layers if layer.is_visible is False)
              for media_id, layers in store.layers.list_by_media(ids).items()}
    entries = [media_entry(m, threads.get(m.id, []), drawings.get(m.id, []), changes.get(m.id),
                           open_only=open_only, hidden_layers=hidden.get(m.id, frozenset())) for m in media]
    return NotesReport(title=title, scope=scope, reviewer=reviewer, created_at=now or datetime.now(UTC),
                       sections=_group(entries, grouping), open_only=open_only, shot_summary=_summary(entries))


def playlist_report(store: Store, playlist: str, **options: object) -> NotesReport:
    """The report of a playlist (by id or name: ``playlist_names.find_playlist``): its media in clip order."""
    from horus_desktop.services.offline import playlist_media  # its file copying loads with it
    from horus_desktop.services.playlist_names import find_playlist

    playlist_id = find_playlist(store, playlist)
    media = playlist_media(store, str(playlist_id))
    name = store.timelines.get(playlist_id, with_clips=False).name  # as stored, whatever case it was asked in
    return build_report(store, media, title=name, scope=f"Playlist {name}", **options)  # type: ignore[arg-type]


def media_report(store: Store, media_id: uuid.UUID | str, **options: object) -> NotesReport:
    """The report of one media."""
    record = store.media.get(media_id)
    return build_report(store, [record], title=record.file_name, scope=f"Media {record.file_name}",
                        **options)  # type: ignore[arg-type]


def filter_report(store: Store, query: MediaQuery, *, title: str = "Selected media",
                  **options: object) -> NotesReport:
    """The report of the media a search finds (the browser's current filter), in the search's order."""
    media = store.media.get_many(store.media.search_ids(query))
    return build_report(store, media, title=title, scope=f"{len(media)} media matching the browser's filter",
                        **options)  # type: ignore[arg-type]


def hold_range(drawing: Annotation) -> tuple[int, int]:
    """The first and last frame a drawing is on screen."""
    return drawing.frame_number, drawing.frame_number + hold_of(drawing.style_properties) - 1
