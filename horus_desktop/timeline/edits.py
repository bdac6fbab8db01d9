"""Editing operations for the track view; each returns the new state and its exact inverse.

Every operation is compiled to :class:`Splice` steps (replace children ``[index, index+remove)`` of one
composition of the document with serialised OTIO items). A splice applied returns its inverse splice, so
an :class:`Edit` (a list of splices) always has an exact inverse, whatever the op touched (gaps merged,
transitions dropped, nested stacks). The UI's ``QUndoCommand`` keeps ``result.edit`` for redo and
``result.inverse`` for undo, both replayed with :func:`apply_edit`.

Tracks are addressed by their flat index (``PlaylistState.tracks[i].index``); frames are timeline frames.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import opentimelineio as otio

from horus_desktop.domain.records import MediaRecord, Timeline
from horus_desktop.domain.wording import counted
from horus_desktop.timeline.errors import EditError
from horus_desktop.timeline.otio_doc import from_dict, meta, set_meta, timeline_rate, to_dict, trange
from horus_desktop.timeline.otio_parse import FlatItem, FlatTrack, flatten
from horus_desktop.timeline.playlists import clip_for_media, document_of, media_range, save_document
from horus_desktop.timeline.state import PlaylistState, state_from_document

if TYPE_CHECKING:
    from horus_desktop.store import Store

Path = tuple[int, ...]


@dataclass(frozen=True)
class Splice:
    """Replace children ``[index, index + remove)`` of the composition at ``path`` (() = the track stack)."""

    path: Path
    index: int
    remove: int
    insert: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Edit:
    """A named list of splices, applied in order."""

    label: str
    splices: tuple[Splice, ...]


@dataclass(frozen=True)
class EditResult:
    """The playlist after an edit, the edit (redo) and its inverse (undo)."""

    state: PlaylistState
    edit: Edit
    inverse: Edit
    timeline: Timeline


def _children(data: dict[str, Any], path: Path) -> list[Any]:
    node = data["tracks"]
    for i in path:
        node = node["children"][i]
    return node["children"]


def apply_splice(data: dict[str, Any], splice: Splice) -> Splice:
    """Apply one splice to a document's otio_json dict; returns its inverse.

    Splices work on the serialised children (each made and read by OpenTimelineIO): editing OTIO
    compositions in place (``del``/``insert`` on a track) crashed OTIO 0.18 in our runs.
    """
    try:
        children = _children(data, splice.path)
    except (IndexError, KeyError, TypeError) as exc:
        raise EditError(f"no composition at {splice.path}") from exc
    if splice.index < 0 or splice.remove < 0 or splice.index + splice.remove > len(children):
        raise EditError(f"splice {splice.index}+{splice.remove} outside {len(children)} children at {splice.path}")
    removed = tuple(children[splice.index:splice.index + splice.remove])
    children[splice.index:splice.index + splice.remove] = [copy.deepcopy(d) for d in splice.insert]
    return Splice(splice.path, splice.index, len(splice.insert), removed)


class _Session:
    """One edit in progress on a document: applies splices and keeps their inverses."""

    def __init__(self, store: Store, data: dict[str, Any]) -> None:
        self.store = store
        self.data = data
        self._document: otio.schema.Timeline | None = None
        self._retired: list[otio.schema.Timeline] = []
        self.rate = timeline_rate(self.document)
        self.done: list[Splice] = []
        self.undo: list[Splice] = []

    @property
    def document(self) -> otio.schema.Timeline:
        """The document as OTIO objects, re-read after each splice."""
        if self._document is None:
            self._document = from_dict(self.data)
        return self._document

    def apply(self, step: Splice) -> None:
        self.undo.append(apply_splice(self.data, step))
        self.done.append(step)
        if self._document is not None:  # items of the old one may still be in use by the caller
            self._retired.append(self._document)
        self._document = None

    def splice(self, path: Path, index: int, remove: int, insert: Sequence[Any] = ()) -> None:
        self.apply(Splice(path, index, remove, tuple(to_dict(i) for i in insert)))

    def tracks(self) -> list[FlatTrack]:
        return flatten(self.document, self.rate)

    def track(self, index: int) -> FlatTrack:
        tracks = self.tracks()
        if not 0 <= index < len(tracks):
            raise EditError(f"no track {index} (the playlist has {len(tracks)})")
        return tracks[index]

    def find_clip(self, clip_id: uuid.UUID | str) -> tuple[FlatTrack, FlatItem]:
        wanted = str(clip_id)
        for track in self.tracks():
            for entry in track.items:
                if isinstance(entry.item, otio.schema.Clip) and meta(entry.item).get("clip_id") == wanted:
                    return track, entry
        raise EditError(f"no clip {wanted} in the playlist")

    def gap(self, duration: int) -> otio.schema.Gap:
        return otio.schema.Gap(source_range=trange(0, duration, self.rate))

    def new_clip(self, media: MediaRecord, **kw: Any) -> otio.schema.Clip:
        clip = clip_for_media(media, self.rate, **kw)
        set_meta(clip, clip_id=str(uuid.uuid4()))
        return clip


def _run(store: Store, playlist_id: uuid.UUID | str, label: str, user: str | None,
         work: Callable[[_Session], None]) -> EditResult:
    timeline = store.timelines.get(playlist_id)
    session = _Session(store, to_dict(document_of(timeline)))
    work(session)
    document = session.document
    saved = save_document(store, timeline.id, document, user=user)
    state = state_from_document(saved, document, store)
    return EditResult(state, Edit(label, tuple(session.done)), Edit(f"undo {label}", tuple(reversed(session.undo))),
                      saved)


def apply_edit(store: Store, playlist_id: uuid.UUID | str, edit: Edit, *, user: str | None = None) -> EditResult:
    """Replay an edit (redo) or an inverse (undo); returns the new state and the inverse of what was applied."""
    def work(session: _Session) -> None:
        for step in edit.splices:
            session.apply(step)
    return _run(store, playlist_id, edit.label.removeprefix("undo "), user, work)


# placing ------------------------------------------------------------------------------------------


def _solid(track: FlatTrack) -> list[FlatItem]:
    return [e for e in track.items if not isinstance(e.item, otio.schema.Transition)]


def _track_end(track: FlatTrack) -> int:
    solid = _solid(track)
    return solid[-1].start + solid[-1].duration if solid else _track_offset(track)


def _track_offset(track: FlatTrack) -> int:
    return 0 if len(track.path) == 1 else (track.items[0].start if track.items else 0)


def _not_layer(track: FlatTrack, what: str) -> None:
    """Refuse an edit that needs a track's timing on a clip layer of a nested stack (it has none)."""
    if track.layer:
        raise EditError(f"cannot {what} on {track.name!r}: a clip layer of a nested stack (edit a track instead)")


def _place(session: _Session, track: FlatTrack, frame: int, items: Sequence[Any], length: int, *,
           ripple: bool) -> None:
    """Put ``items`` (``length`` frames) at ``frame``: filling a gap, appended past the end, or rippled in."""
    _not_layer(track, "place clips")
    end = _track_end(track)
    if frame >= end:
        pad = [session.gap(frame - end)] if frame > end else []
        session.splice(track.owner, len(track.track), 0, [*pad, *items])
        return
    for entry in _solid(track):
        if not entry.start <= frame < entry.start + entry.duration:
            continue
        if isinstance(entry.item, otio.schema.Gap):
            before, after = frame - entry.start, entry.start + entry.duration - frame
            if length > after and not ripple:
                raise EditError(f"no room at frame {frame}: {counted(after, 'free frame')}, {length} needed")
            parts = ([session.gap(before)] if before else []) + list(items)
            if after > length:
                parts.append(session.gap(after - length))
            session.splice(track.owner, entry.index, 1, parts)
            return
        if not ripple:
            raise EditError(f"frame {frame} is inside {entry.item.name!r} on track {track.index}")
        index = entry.index if frame - entry.start < entry.duration / 2 else entry.index + 1
        session.splice(track.owner, index, 0, items)
        return
    raise EditError(f"frame {frame} is before track {track.index}")


def _lift(session: _Session, track: FlatTrack, entry: FlatItem, *, ripple: bool) -> None:
    """Take a clip out, with transitions touching it; leave a gap (merged with neighbour gaps) unless rippling.

    A clip layer of a nested stack is taken out of the stack (layers have no timing to keep).
    """
    if track.layer:
        session.splice(track.owner, entry.index, 1)
        return
    children = track.track
    lo = hi = entry.index
    while lo > 0 and isinstance(children[lo - 1], otio.schema.Transition):
        lo -= 1
    while hi + 1 < len(children) and isinstance(children[hi + 1], otio.schema.Transition):
        hi += 1
    if ripple:
        session.splice(track.owner, lo, hi - lo + 1)
        return
    length = entry.duration
    if lo > 0 and isinstance(children[lo - 1], otio.schema.Gap):
        lo -= 1
        length += _frames_of(children[lo], session.rate)
    trailing = hi + 1 == len(children)
    if hi + 1 < len(children) and isinstance(children[hi + 1], otio.schema.Gap):
        hi += 1
        length += _frames_of(children[hi], session.rate)
        trailing = hi + 1 == len(children)
    session.splice(track.owner, lo, hi - lo + 1, [] if trailing else [session.gap(length)])


def _frames_of(item: Any, rate: Fraction) -> int:
    return round(item.duration().value_rescaled_to(float(rate)))


# operations ---------------------------------------------------------------------------------------


def add_clips(store: Store, playlist_id: uuid.UUID | str, media_ids: Sequence[uuid.UUID | str], *, track: int = 0,
              frame: int | None = None, user: str | None = None) -> EditResult:
    """Add whole media as clips on ``track`` at ``frame`` (default: the end); clips already there ripple."""
    medias = store.media.get_many(media_ids)
    if len(medias) != len(list(media_ids)):
        raise EditError("some media were not found (deleted?)")

    def work(session: _Session) -> None:
        target = session.track(track)
        clips = [session.new_clip(m) for m in medias]
        length = sum(_frames_of(c, session.rate) for c in clips)
        at = _track_end(target) if frame is None else frame
        _place(session, target, at, clips, length, ripple=True)
    return _run(store, playlist_id, f"add {counted(len(medias), 'clip')}", user, work)


def remove_clip(store: Store, playlist_id: uuid.UUID | str, clip_id: uuid.UUID | str, *, ripple: bool = False,
                user: str | None = None) -> EditResult:
    """Remove a clip (and transitions touching it); a gap keeps later clips in place unless ``ripple``."""
    def work(session: _Session) -> None:
        found_track, entry = session.find_clip(clip_id)
        _lift(session, found_track, entry, ripple=ripple)
    return _run(store, playlist_id, "remove clip", user, work)


def move_clip(store: Store, playlist_id: uuid.UUID | str, clip_id: uuid.UUID | str, *, track: int, frame: int,
              user: str | None = None) -> EditResult:
    """Move a clip to ``frame`` of ``track`` (any track of its kind); the place must be free (gap or past the end)."""
    def work(session: _Session) -> None:
        source_track, entry = session.find_clip(clip_id)
        _not_layer(source_track, "move a clip")  # taking it out would renumber the tracks after it
        target = session.track(track)
        if target.kind != source_track.kind:
            raise EditError(f"cannot move a {source_track.kind} clip to a {target.kind} track")
        clip = entry.item.deepcopy()
        _lift(session, source_track, entry, ripple=False)
        _place(session, session.track(track), frame, [clip], entry.duration, ripple=False)
    return _run(store, playlist_id, "move clip", user, work)


def reorder_clip(store: Store, playlist_id: uuid.UUID | str, clip_id: uuid.UUID | str, index: int, *,
                 user: str | None = None) -> EditResult:
    """Move a clip to position ``index`` among its track's items, rippling the others (playlist order)."""
    def work(session: _Session) -> None:
        track, entry = session.find_clip(clip_id)
        _not_layer(track, "reorder")
        clip = entry.item.deepcopy()
        before = len(track.track)
        _lift(session, track, entry, ripple=True)
        removed = before - len(session.track(track.index).track)
        target = index if index <= entry.index else index - removed + 1
        session.splice(track.owner, max(0, min(target, len(session.track(track.index).track))), 0, [clip])
    return _run(store, playlist_id, "reorder clip", user, work)


def trim_clip(store: Store, playlist_id: uuid.UUID | str, clip_id: uuid.UUID | str, *, in_delta: int = 0,
              out_delta: int = 0, ripple: bool = False, user: str | None = None) -> EditResult:
    """Trim a clip's head (``in_delta`` > 0 shortens it) and tail (``out_delta`` > 0 lengthens it).

    Without ``ripple`` the clip's neighbours stay in place: gaps grow or shrink beside it, and a trim that
    needs more room than the neighbouring gap has is refused.
    """
    def work(session: _Session) -> None:
        track, entry = session.find_clip(clip_id)
        _not_layer(track, "trim")
        clip: otio.schema.Clip = entry.item.deepcopy()
        start = (entry.source_start or 0) + in_delta
        length = entry.duration - in_delta + out_delta
        if length < 1:
            raise EditError(f"trim leaves {counted(length, 'frame')}")
        available = clip.media_reference.available_range if clip.media_reference else None
        if available is not None:
            first = round(available.start_time.value_rescaled_to(float(session.rate)))
            last = first + round(available.duration.value_rescaled_to(float(session.rate))) - 1
            if start < first or start + length - 1 > last:
                raise EditError(f"trim to {start}-{start + length - 1} goes past the media's frames {first}-{last}")
        clip.source_range = trange(start, length, session.rate)
        children = track.track
        lo, hi, parts = entry.index, entry.index, [clip]
        if not ripple:
            prev = children[lo - 1] if lo > 0 else None
            head = _frames_of(prev, session.rate) if isinstance(prev, otio.schema.Gap) else 0
            if isinstance(prev, otio.schema.Gap):
                lo -= 1
            if head + in_delta < 0:
                raise EditError(f"no room to extend the head by {counted(-in_delta, 'frame')}")
            parts = ([session.gap(head + in_delta)] if head + in_delta > 0 else []) + parts
            nxt = children[hi + 1] if hi + 1 < len(children) else None
            if nxt is not None:
                tail = _frames_of(nxt, session.rate) if isinstance(nxt, otio.schema.Gap) else 0
                if isinstance(nxt, otio.schema.Gap):
                    hi += 1
                if tail - out_delta < 0:
                    raise EditError(f"no room to extend the tail by {counted(out_delta, 'frame')}")
                if tail - out_delta > 0:
                    parts.append(session.gap(tail - out_delta))
        session.splice(track.owner, lo, hi - lo + 1, parts)
    return _run(store, playlist_id, "trim clip", user, work)


def _switched(session: _Session, entry: FlatItem, new: MediaRecord, source_start: int | None) -> otio.schema.Clip:
    """A clip of ``new`` in the place of ``entry``'s clip: same id, position, duration and markers."""
    old: otio.schema.Clip = entry.item
    info = meta(old)
    old_start = entry.source_start or 0
    if source_start is None:
        first, last = media_range(new)
        if first <= old_start + entry.duration - 1 and old_start <= last:
            # Versions of a shot share frame numbers: keep the clip's frames where the new range has them.
            source_start = old_start
        else:  # numbered otherwise (a movie from 0 and a sequence from 1001): the same offset into the media
            old_first = old_start
            available = old.media_reference.available_range if old.media_reference else None
            if available is not None:
                old_first = round(available.start_time.value_rescaled_to(float(session.rate)))
            source_start = first + (old_start - old_first)
        if source_start + entry.duration - 1 > last:
            source_start = last - entry.duration + 1
        source_start = max(source_start, first)
    clip = clip_for_media(new, session.rate, source_start=source_start, duration=entry.duration)
    set_meta(clip, clip_id=info.get("clip_id"), previous_media_id=info.get("media_id"))
    for marker in old.markers:
        clip.markers.append(marker.deepcopy())
    return clip


def switch_version(store: Store, playlist_id: uuid.UUID | str, clip_id: uuid.UUID | str,
                   media_id: uuid.UUID | str, *, source_start: int | None = None,
                   user: str | None = None) -> EditResult:
    """Show another version in a clip: same place and duration, source range mapped onto the new frames."""
    new = store.media.get(media_id)

    def work(session: _Session) -> None:
        track, entry = session.find_clip(clip_id)
        session.splice(track.owner, entry.index, 1, [_switched(session, entry, new, source_start)])
    return _run(store, playlist_id, f"switch to {new.version}", user, work)


def latest_of(store: Store, media: MediaRecord) -> MediaRecord:
    """The latest version of a media's shot/department/task (the media itself when it is the latest)."""
    versions = store.media.versions_of(media)
    flagged = [v for v in versions if v.is_latest_version]
    return (flagged or versions or [media])[0]


def update_all_to_latest(store: Store, playlist_id: uuid.UUID | str, *, user: str | None = None) -> EditResult:
    """Switch every clip whose media is not the latest version to the latest (one undoable edit)."""
    def work(session: _Session) -> None:
        cache: dict[str, MediaRecord | None] = {}
        for track in session.tracks():
            for entry in reversed(track.items):  # right to left: earlier indices stay valid
                media_id = meta(entry.item).get("media_id") if isinstance(entry.item, otio.schema.Clip) else None
                if not media_id:
                    continue
                if media_id not in cache:
                    found = store.media.get_many([media_id])
                    cache[media_id] = latest_of(store, found[0]) if found else None
                latest = cache[media_id]
                if latest is not None and str(latest.id) != media_id:
                    session.splice(track.owner, entry.index, 1, [_switched(session, entry, latest, None)])
    return _run(store, playlist_id, "update all to latest", user, work)


def add_track(store: Store, playlist_id: uuid.UUID | str, *, kind: str = "video", name: str | None = None,
              index: int | None = None, user: str | None = None) -> EditResult:
    """Add an empty top-level track (``index`` among the top-level tracks, default last)."""
    if kind not in ("video", "audio"):
        raise EditError(f"track kind {kind!r} is not video or audio")

    def work(session: _Session) -> None:
        count = len(session.document.tracks)
        same = sum(1 for t in session.document.tracks if getattr(t, "kind", None) == kind.capitalize())
        label = name or f"{kind[0].upper()}{same + 1}"
        track = otio.schema.Track(name=label, kind=otio.schema.TrackKind.Audio if kind == "audio"
                                  else otio.schema.TrackKind.Video)
        session.splice((), count if index is None else max(0, min(index, count)), 0, [track])
    return _run(store, playlist_id, "add track", user, work)


def remove_track(store: Store, playlist_id: uuid.UUID | str, track: int, *, user: str | None = None) -> EditResult:
    """Remove a track (flat index) with everything on it."""
    def work(session: _Session) -> None:
        target = session.track(track)
        session.splice(target.path[:-1], target.path[-1], 1)
    return _run(store, playlist_id, "remove track", user, work)


def other_versions(store: Store, media_id: uuid.UUID | str) -> list[MediaRecord]:
    """Every version of the same project/shot/department/task type as a clip's media, newest first."""
    return store.media.versions_of(store.media.get(media_id))
