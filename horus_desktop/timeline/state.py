"""The state a track view draws: tracks with their items in order, in timeline frames, and markers.

Built from the OTIO document (the structure) and one batched read of the media records (name, shot,
version, department, approval status) and of their notes and drawn frames (marks at their frames). Plain
frozen dataclasses: safe to hand from the database worker to the UI thread. :func:`with_marks` and
:func:`with_media` give a copy with one media's marks or shown columns changed (a note added, a status set)
without reading the playlist again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from horus_desktop.domain.records import Comment, MediaRecord, Timeline
from horus_desktop.domain.timecode import exact_rate
from horus_desktop.timeline.state_json import (
    JsonItem,
    Unsupported,
    document_duration,
    flatten_json,
    frames_of,
    horus_meta,
    media_path,
)

if TYPE_CHECKING:
    import opentimelineio as otio

    from horus_desktop.store import Store
    from horus_desktop.timeline.otio_parse import FlatItem, FlatTrack

ITEM_KINDS = ("clip", "gap", "transition", "stack")
MARK_KINDS = ("marker", "note", "drawing")


@dataclass(frozen=True, slots=True)
class Marker:
    """A marker at a timeline frame.

    ``kind``: "marker" (in the document, exported notes included), "note" (a live note of the clip's media,
    ``comment_id`` set) or "drawing" (a frame of the clip's media with drawn shapes).
    """

    frame: int
    duration: int
    name: str
    text: str = ""
    author: str | None = None
    status: str | None = None
    color: str | None = None
    comment_id: str | None = None
    source_frame: int | None = None
    kind: str = "marker"


@dataclass(frozen=True, slots=True)
class TrackItem:
    """One item of a track: a clip, a gap, a transition or a nested stack, in timeline frames.

    A transition's ``start``/``duration`` cover the frames it blends (``in_offset`` before the cut,
    ``out_offset`` after it).
    """

    kind: str
    index: int
    start: int
    duration: int
    name: str = ""
    clip_id: uuid.UUID | None = None
    media_id: uuid.UUID | None = None
    media_path: str | None = None
    source_start: int | None = None
    shot: str | None = None
    version: str | None = None
    department: str | None = None
    approval_status: str | None = None
    is_latest_version: bool | None = None
    missing_media: bool = False
    transition_type: str | None = None
    in_offset: int = 0
    out_offset: int = 0
    markers: tuple[Marker, ...] = ()

    @property
    def end(self) -> int:
        """First frame after the item."""
        return self.start + self.duration

    def source_frame(self, frame: int) -> int:
        """The media frame shown at timeline ``frame`` (a clip's)."""
        return (self.source_start or 0) + frame - self.start


@dataclass(frozen=True, slots=True)
class TrackState:
    """One track, top level (``path`` of length 1) or nested in a stack, with its items in order.

    ``layer``: a clip placed straight in a nested stack (no track around it), shown as a row of its own.
    """

    index: int
    name: str
    kind: str
    path: tuple[int, ...]
    items: tuple[TrackItem, ...]
    markers: tuple[Marker, ...] = ()
    layer: bool = False

    def item_at(self, frame: int) -> TrackItem | None:
        """The clip or gap covering ``frame`` (transitions and stacks are skipped)."""
        items = [i for i in self.items if i.kind in ("clip", "gap")]
        lo, hi = 0, len(items)
        while lo < hi:
            mid = (lo + hi) // 2
            if items[mid].end <= frame:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(items) and items[lo].start <= frame < items[lo].end:
            return items[lo]
        return None


@dataclass(frozen=True, slots=True)
class PlaylistState:
    """Everything the track view needs about one playlist."""

    id: uuid.UUID
    name: str
    project_id: str
    timeline_type: str
    status: str | None
    version: str | None
    description: str | None
    rate: Fraction
    duration: int
    tracks: tuple[TrackState, ...]
    markers: tuple[Marker, ...] = ()
    updated_at: Any = None
    _clips: dict[uuid.UUID, tuple[int, TrackItem]] = field(default_factory=dict, repr=False, compare=False)

    def clip(self, clip_id: uuid.UUID | str) -> tuple[TrackState, TrackItem]:
        """The track and item of a clip id."""
        track_index, item = self._clips[uuid.UUID(str(clip_id))]
        return self.tracks[track_index], item

    def clips(self) -> list[TrackItem]:
        """Every clip, track by track."""
        return [i for t in self.tracks for i in t.items if i.kind == "clip"]


def _markers(obj: Any, start: int, source_start: int, rate: Fraction) -> list[Marker]:
    from horus_desktop.timeline.otio_doc import frames, meta

    out = []
    for marker in getattr(obj, "markers", ()):
        info = meta(marker)
        at = frames(marker.marked_range.start_time, rate)
        out.append(Marker(frame=start + at - source_start, duration=frames(marker.marked_range.duration, rate),
                          name=marker.name, text=info.get("text") or marker.comment or marker.name,
                          author=info.get("author"), status=info.get("status"), color=str(marker.color),
                          comment_id=info.get("comment_id"), source_frame=at))
    return out


def notes_by_media(store: Store, media_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Comment]]:
    """Live top-level notes with a frame, of many media in one read (replies stay in their thread)."""
    return store.comments.frame_notes_by_media(media_ids)


class Marks(NamedTuple):
    """What a playlist marks on its clips, by media: top-level notes on a frame, and frames with drawings."""

    notes: Mapping[uuid.UUID, list[Comment]]
    drawn: Mapping[uuid.UUID, list[int]]


NO_MARKS = Marks({}, {})


def marks_by_media(store: Store, media_ids: Iterable[uuid.UUID]) -> Marks:
    """The notes and drawn frames of many media: two batched reads, whatever the number of clips."""
    ids = list(dict.fromkeys(media_ids))
    if not ids:
        return NO_MARKS
    return Marks(notes_by_media(store, ids), store.annotations.frames_by_media(ids))


def _clip_item(index: int, start: int, duration: int, name: str, info: dict[str, Any], kept_path: str,
               source_start: int, markers: list[Marker], media: dict[uuid.UUID, Any],
               marks: Marks) -> TrackItem:
    """A clip's track item, from its ``horus`` metadata and, when found, its media record (both builders)."""
    media_id = uuid.UUID(info["media_id"]) if info.get("media_id") else None
    record = media.get(media_id) if media_id else None
    if media_id is not None:
        _add_marks(markers, marks, media_id, start, source_start, duration)
    return TrackItem(
        kind="clip", index=index, start=start, duration=duration, name=name,
        clip_id=uuid.UUID(info["clip_id"]) if info.get("clip_id") else None, media_id=media_id,
        media_path=record.file_path if record else kept_path, source_start=source_start,
        shot=record.shot if record else info.get("shot"), version=record.version if record else info.get("version"),
        department=record.department if record else info.get("department"),
        approval_status=record.approval_status if record else None,
        is_latest_version=record.is_latest_version if record else None,
        missing_media=record is None, markers=tuple(sorted(markers, key=lambda m: m.frame)),
    )


def _add_marks(markers: list[Marker], marks: Marks, media_id: uuid.UUID, start: int, source_start: int,
               duration: int) -> None:
    """Add the media's notes (unless the file already had them) and drawn frames in the clip's source range."""
    seen = {m.comment_id for m in markers if m.comment_id}
    last = source_start + duration
    for note in marks.notes.get(media_id, ()):
        if str(note.id) not in seen and source_start <= (note.frame_number or 0) < last:
            markers.append(note_marker(note, start=start, source_start=source_start))
    for frame in marks.drawn.get(media_id, ()):
        if source_start <= frame < last:
            markers.append(drawing_marker(frame, start=start, source_start=source_start))


def note_marker(comment: Comment, *, start: int, source_start: int) -> Marker:
    """The marker of a note at its frame, placed on a clip starting at ``start`` showing ``source_start``."""
    return Marker(frame=start + (comment.frame_number or 0) - source_start, duration=1,
                  name=comment.content.splitlines()[0][:80] if comment.content else "note", text=comment.content,
                  author=comment.user_name, status="resolved" if comment.is_resolved else "open", color="RED",
                  comment_id=str(comment.id), source_frame=comment.frame_number, kind="note")


def drawing_marker(frame: int, *, start: int, source_start: int) -> Marker:
    """The mark of a drawn media ``frame`` on a clip starting at ``start`` showing ``source_start``."""
    return Marker(frame=start + frame - source_start, duration=1, name="drawing", text="drawing",
                  source_frame=frame, kind="drawing")


def _replace_clips(state: PlaylistState, change: Callable[[TrackItem], TrackItem]) -> PlaylistState:
    """A copy of ``state`` with ``change`` applied to every clip (the rest shared, not copied)."""
    tracks = []
    clips: dict[uuid.UUID, tuple[int, TrackItem]] = {}
    for position, track in enumerate(state.tracks):
        items = tuple(change(i) if i.kind == "clip" else i for i in track.items)
        for item in items:
            if item.clip_id is not None:
                clips[item.clip_id] = (position, item)
        tracks.append(replace(track, items=items))
    return replace(state, tracks=tuple(tracks), _clips=clips)


def with_marks(state: PlaylistState, marks: Marks, media_ids: Iterable[uuid.UUID]) -> PlaylistState:
    """``state`` with the notes and drawing marks of the clips of ``media_ids`` replaced by ``marks``'."""
    wanted = set(media_ids)

    def change(item: TrackItem) -> TrackItem:
        if item.media_id not in wanted:
            return item
        kept = [m for m in item.markers if m.kind == "marker"]
        _add_marks(kept, marks, item.media_id, item.start, item.source_start or 0, item.duration)  # type: ignore[arg-type]
        return replace(item, markers=tuple(sorted(kept, key=lambda m: m.frame)))

    return _replace_clips(state, change)


def with_media(state: PlaylistState, media: Mapping[uuid.UUID, MediaInfo]) -> PlaylistState:
    """``state`` with the shown columns (shot, version, department, status, latest) of these media renewed."""
    def change(item: TrackItem) -> TrackItem:
        info = media.get(item.media_id) if item.media_id is not None else None
        if info is None:
            return item
        return replace(item, shot=info.shot, version=info.version, department=info.department,
                       approval_status=info.approval_status, is_latest_version=info.is_latest_version)

    return _replace_clips(state, change)


def _item(entry: FlatItem, rate: Fraction, media: dict[uuid.UUID, MediaRecord], marks: Marks) -> TrackItem:
    import opentimelineio as otio

    from horus_desktop.timeline.otio_doc import frames, meta
    from horus_desktop.timeline.otio_parse import media_path_of

    item = entry.item
    if isinstance(item, otio.schema.Transition):
        return TrackItem(kind="transition", index=entry.index, start=entry.start, duration=entry.duration,
                         name=item.name, transition_type=str(item.transition_type),
                         in_offset=frames(item.in_offset, rate), out_offset=frames(item.out_offset, rate))
    if isinstance(item, otio.schema.Gap):
        return TrackItem(kind="gap", index=entry.index, start=entry.start, duration=entry.duration, name=item.name)
    source_start = entry.source_start or 0
    markers = _markers(item, entry.start, source_start, rate)
    if not isinstance(item, otio.schema.Clip):
        return TrackItem(kind="stack", index=entry.index, start=entry.start, duration=entry.duration,
                         name=item.name, source_start=source_start, markers=tuple(markers))
    return _clip_item(entry.index, entry.start, entry.duration, item.name, meta(item), media_path_of(item),
                      source_start, markers, media, marks)


def state_from_document(timeline: Timeline, document: otio.schema.Timeline, store: Store | None = None,
                        *, with_notes: bool = True) -> PlaylistState:
    """The track view state of a document (media and notes read from ``store`` when given)."""
    import opentimelineio as otio

    from horus_desktop.timeline.otio_doc import frames, meta, timeline_rate
    from horus_desktop.timeline.otio_parse import flatten

    rate = timeline_rate(document, exact_rate(timeline.frame_rate))
    flat = flatten(document, rate)
    ids = [uuid.UUID(meta(e.item)["media_id"]) for t in flat for e in t.items
           if isinstance(e.item, otio.schema.Clip) and meta(e.item).get("media_id")]
    media: dict[uuid.UUID, MediaRecord] = {}
    marks = NO_MARKS
    if store is not None and ids:
        unique = list(dict.fromkeys(ids))
        for i in range(0, len(unique), 500):
            media.update((m.id, m) for m in store.media.get_many(unique[i:i + 500]))
        if with_notes:
            marks = marks_by_media(store, media)
    tracks = []
    clips: dict[uuid.UUID, tuple[int, TrackItem]] = {}
    for t in flat:
        items = tuple(_item(e, rate, media, marks) for e in t.items)
        for item in items:
            if item.clip_id is not None:
                clips[item.clip_id] = (t.index, item)
        tracks.append(_track(t, items, rate))
    return PlaylistState(
        id=timeline.id, name=timeline.name, project_id=timeline.project_id, timeline_type=timeline.timeline_type,
        status=timeline.status, version=timeline.version, description=timeline.description, rate=rate,
        duration=frames(document.duration(), rate) if len(document.tracks) else 0, tracks=tuple(tracks),
        markers=tuple(_markers(document.tracks, 0, 0, rate)), updated_at=timeline.updated_at, _clips=clips)


def _track(t: FlatTrack, items: tuple[TrackItem, ...], rate: Fraction) -> TrackState:
    markers = () if t.layer else tuple(_markers(t.track, 0, 0, rate))  # a layer's stack shows its own
    return TrackState(index=t.index, name=t.name, kind=t.kind, path=t.path, items=items, markers=markers,
                      layer=t.layer)


def load_state(store: Store, timeline_id: uuid.UUID | str, *, with_notes: bool = True) -> PlaylistState:
    """The track view state of a stored playlist.

    Built from the stored otio_json dict and a narrow read of the media columns it shows
    (:mod:`horus_desktop.timeline.state_json`); a document the JSON walk does not model goes through
    OpenTimelineIO instead (imported only then, as by the other functions of that path: the JSON walk's
    readers, such as ``horus playlist notes``, do without it).
    """
    header = store.timelines.get(timeline_id, with_clips=False)
    if header.otio_data:
        try:
            return _state_from_json(header, store, with_notes=with_notes)
        except Unsupported:
            pass
    from horus_desktop.timeline.otio_doc import load_timeline

    timeline = store.timelines.get(timeline_id)
    document = load_timeline(timeline.otio_data, timeline.name, exact_rate(timeline.frame_rate))
    return state_from_document(timeline, document, store, with_notes=with_notes)


class MediaInfo(NamedTuple):
    """The media columns a track item shows (a narrow read: no full records for 2,000 clips)."""

    id: uuid.UUID
    file_path: str
    shot: str | None
    version: str | None
    department: str | None
    approval_status: str | None
    is_latest_version: bool | None


def media_info_by_id(store: Store, media_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, MediaInfo]:
    """The shown columns of many live media, in batched reads."""
    return {m.id: MediaInfo(m.id, m.file_path, m.shot, m.version, m.department, m.approval_status,
                            m.is_latest_version) for m in store.media.get_many(media_ids)}


def _json_markers(obj: dict[str, Any], start: int, source_start: int, rate: Fraction) -> list[Marker]:
    out = []
    for marker in obj.get("markers") or ():
        info = horus_meta(marker)
        marked = marker["marked_range"]
        at = frames_of(marked["start_time"], rate)
        name = marker.get("name") or ""
        out.append(Marker(frame=start + at - source_start, duration=frames_of(marked["duration"], rate), name=name,
                          text=info.get("text") or marker.get("comment") or name, author=info.get("author"),
                          status=info.get("status"), color=str(marker.get("color")),
                          comment_id=info.get("comment_id"), source_frame=at))
    return out


def _json_item(entry: JsonItem, rate: Fraction, media: dict[uuid.UUID, MediaInfo], marks: Marks) -> TrackItem:
    data = entry.data
    name = data.get("name") or ""
    if entry.kind == "transition":
        return TrackItem(kind="transition", index=entry.index, start=entry.start, duration=entry.duration, name=name,
                         transition_type=str(data.get("transition_type")),
                         in_offset=frames_of(data.get("in_offset"), rate), out_offset=frames_of(data.get("out_offset"), rate))
    if entry.kind == "gap":
        return TrackItem(kind="gap", index=entry.index, start=entry.start, duration=entry.duration, name=name)
    source_start = entry.source_start or 0
    markers = _json_markers(data, entry.start, source_start, rate)
    if entry.kind != "clip":
        return TrackItem(kind="stack", index=entry.index, start=entry.start, duration=entry.duration,
                         name=name, source_start=source_start, markers=tuple(markers))
    return _clip_item(entry.index, entry.start, entry.duration, name, horus_meta(data), media_path(data),
                      source_start, markers, media, marks)


def _state_from_json(row: Timeline, store: Store, *, with_notes: bool) -> PlaylistState:
    data = row.otio_data
    assert data is not None
    stored = horus_meta(data).get("rate")
    if stored:
        num, _, den = str(stored).partition("/")
        rate = Fraction(int(num), int(den or 1))
    else:
        raise Unsupported("no exact rate in the document's metadata")
    flat = flatten_json(data, rate)
    ids = [uuid.UUID(horus_meta(e.data)["media_id"]) for t in flat for e in t.items
           if e.kind == "clip" and horus_meta(e.data).get("media_id")]
    media = media_info_by_id(store, ids) if ids else {}
    marks = marks_by_media(store, media) if with_notes and media else NO_MARKS
    tracks = []
    clips: dict[uuid.UUID, tuple[int, TrackItem]] = {}
    for t in flat:
        items = tuple(_json_item(e, rate, media, marks) for e in t.items)
        for item in items:
            if item.clip_id is not None:
                clips[item.clip_id] = (t.index, item)
        tracks.append(TrackState(index=t.index, name=t.name, kind=t.kind, path=t.path, items=items,
                                 markers=() if t.layer else tuple(_json_markers(t.data, 0, 0, rate)),
                                 layer=t.layer))
    return PlaylistState(
        id=row.id, name=row.name, project_id=row.project_id, timeline_type=row.timeline_type,
        status=row.status, version=row.version, description=row.description, rate=rate,
        duration=document_duration(data, rate), tracks=tuple(tracks),
        markers=tuple(_json_markers(data["tracks"], 0, 0, rate)), updated_at=row.updated_at, _clips=clips)
