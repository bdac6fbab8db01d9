"""Import and export of playlist files: ``.otio``, ``.otioz`` and CMX 3600 ``.edl``, through OTIO's adapters.

Import reads the whole file first, checks every time in it (:mod:`~horus_desktop.timeline.validate`),
matches clips to media (by path, then shot+version), and only then writes the playlist in one transaction:
any bad file, whatever step finds it, raises :class:`PlaylistFileError` naming the file (and the line, for
EDL, or the item) and the store is untouched. Unmatched clips stay, marked as missing media.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio

from horus_desktop.domain.gc_pause import collector_paused
from horus_desktop.domain.records import MediaRecord, Timeline
from horus_desktop.domain.vocabulary import TIMELINE_TYPES
from horus_desktop.domain.wording import counted
from horus_desktop.store import Store
from horus_desktop.timeline import edl
from horus_desktop.timeline.annotation_export import add_drawing_effects
from horus_desktop.timeline.annotation_import import KEPT, read_drawings, set_aside_unknown_effects
from horus_desktop.timeline.clip_ids import new_uuids
from horus_desktop.timeline.errors import PlaylistError, PlaylistFileError
from horus_desktop.timeline.matching import MediaMatcher, node_sources, shot_version_of
from horus_desktop.timeline.otio_annotations import register as register_annotation_schemas
from horus_desktop.timeline.otio_doc import NS, meta, rate_text, set_meta, timeline_rate, to_dict, trange
from horus_desktop.timeline.otio_guard import refusal
from horus_desktop.timeline.otio_parse import (
    active_reference,
    clip_path,
    clip_rows,
    flatten,
    horus_of,
    iter_clips,
    node_at,
)
from horus_desktop.timeline.otio_plain import PlainDocument, place, read_plain
from horus_desktop.timeline.playlists import document_of, import_document, import_rows, media_info
from horus_desktop.timeline.state import notes_by_media
from horus_desktop.timeline.validate import check_document, document_rate, stored_rate, times_fine

READ_SUFFIXES = (".otio", ".otioz", ".edl")
WRITE_SUFFIXES = (".otio", ".otioz", ".edl")
_ADAPTERS = {".otio": "otio_json", ".otioz": "otioz", ".edl": "cmx_3600"}


@dataclass
class ImportReport:
    """What an import made: the playlist, and how its clips were matched."""

    timeline: Timeline
    matched: Counter[str] = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)
    drawings: int = 0
    kept: list[str] = field(default_factory=list)  # unknown annotation schemas kept in clip metadata

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {"id": str(self.timeline.id), "name": self.timeline.name, "clips": len(self.timeline.clips),
                "matched_by_path": self.matched["path"], "matched_by_name": self.matched["name"],
                "missing_media": self.missing, "drawings": self.drawings, "kept_unknown_annotations": self.kept}


@dataclass
class ExportReport:
    """Where a playlist was written and what the format could not keep."""

    path: str
    lost: list[str] = field(default_factory=list)


def _suffix(path: Path, allowed: tuple[str, ...]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise PlaylistFileError(path, f"unknown extension {path.suffix or '(none)'!r}: use {', '.join(allowed)}")
    return suffix


def _edl_line(path: Path, message: str) -> int | None:
    """The line of an EDL the adapter's message quotes (it names the statement, not the line)."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return None
    _, _, quoted = message.rpartition(": ")
    quoted = quoted.strip()
    for number, line in enumerate(lines, start=1):
        if quoted and line.strip() == quoted:
            return number
    for number, line in enumerate(lines, start=1):
        if quoted and quoted[:20] in line:
            return number
    return None


def _read_otio(path: Path, suffix: str) -> Any:
    """An .otio/.otioz file through OTIO, effects of unknown schemas first set aside into clip metadata.

    OTIO's own read comes first: it refuses a file holding effects of schemas it cannot build (unknown, or a
    newer version), which are the only ones set aside, so a file it reads has nothing to set aside and its
    text is not read here (for a 2,000-clip file that read and a scan of it cost a third of OTIO's read). A
    file it refuses is read again the careful way, which gives OTIO's own error when there is nothing to set
    aside. A text OTIO's reader would die on (``otio_guard``: a segmentation fault) is refused first."""
    reason = refusal(_otio_bytes(path, suffix))
    if reason is not None:
        raise PlaylistFileError(path, f"cannot read {suffix[1:].upper()}: {reason}")
    try:
        return otio.adapters.read_from_file(str(path), adapter_name=_ADAPTERS[suffix])
    except Exception:  # whatever OTIO refuses, the careful read below decides again
        pass
    try:
        if suffix == ".otio":
            text = path.read_text(encoding="utf-8")
        else:
            with zipfile.ZipFile(path) as bundle:
                text = bundle.read("content.otio").decode("utf-8")
        data = json.loads(text)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        data = None  # not readable as JSON here: OTIO's own reader says why
    if data is not None and set_aside_unknown_effects(data):
        return otio.adapters.read_from_string(json.dumps(data), adapter_name="otio_json")
    return otio.adapters.read_from_file(str(path), adapter_name=_ADAPTERS[suffix])


def _otio_bytes(path: Path, suffix: str) -> bytes:
    """The otio_json bytes of an .otio or .otioz file (none when they cannot be read: OTIO says why)."""
    try:
        if suffix == ".otio":
            return path.read_bytes()
        with zipfile.ZipFile(path) as bundle:
            return bundle.read("content.otio")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return b""


def read_playlist_file(path: str | Path, *, rate: Fraction | float | str | None = None) -> otio.schema.Timeline:
    """The OTIO Timeline of a file, its times checked; errors name the file and line (or item).

    EDLs are read at ``rate``, by default 30000/1001 when drop-frame, else 24 (see :mod:`.edl`).
    """
    path = Path(path)
    document, exact = _read_document(path, rate)
    _check_times(path, document, exact)
    return document


def _check_times(path: Path, document: otio.schema.Timeline, rate: Fraction) -> None:
    try:
        check_document(document, rate)
    except (ValueError, AttributeError, TypeError, otio.exceptions.OTIOError) as exc:
        raise PlaylistFileError(path, str(exc)) from exc


def _read_document(path: Path, rate: Fraction | float | str | None) -> tuple[otio.schema.Timeline, Fraction]:
    """The OTIO Timeline of a file and its exact rate (kept in its metadata), its times not checked yet."""
    suffix = _suffix(path, READ_SUFFIXES)
    register_annotation_schemas()  # OpenRV's Annotation.1 & co. read as objects, not unknown schemas
    if not path.is_file():
        raise PlaylistFileError(path, "no such file")
    try:
        given = edl.exact_rate(rate) if rate is not None else None
    except ValueError as exc:  # the caller's rate, not the file's
        raise PlaylistError(str(exc)) from exc
    exact = given
    try:
        if suffix == ".edl":
            text = path.read_bytes().decode("utf-8", errors="replace")
            if "\x00" in text:
                raise PlaylistFileError(path, "not an EDL: the file holds NUL bytes (binary data)")
            try:
                exact = edl.edl_rate(text, given)
            except ValueError as exc:
                raise PlaylistFileError(path, str(exc)) from exc
            result = otio.adapters.read_from_string(text, adapter_name=_ADAPTERS[suffix], rate=float(exact))
        else:
            result = _read_otio(path, suffix)
    except PlaylistFileError:
        raise
    except Exception as exc:  # the adapters raise OTIOError, ValueError, KeyError, zip errors...
        message = str(exc).strip() or type(exc).__name__
        line = _edl_line(path, message) if suffix == ".edl" else None
        raise PlaylistFileError(path, f"cannot read {suffix[1:].upper()}: {message}", line) from exc
    if isinstance(result, otio.schema.SerializableCollection):
        found = list(result.find_children(descended_from_type=otio.schema.Timeline))
        if not found:
            raise PlaylistFileError(path, "holds no timeline")
        result = found[0]
    if not isinstance(result, otio.schema.Timeline):
        raise PlaylistFileError(path, f"holds a {type(result).__name__}, not a timeline")
    try:
        stored = meta(result).get("rate")
        if suffix != ".edl":  # a Horus document's exact rate first, then the caller's, then its times'
            exact = (stored_rate(stored) if stored else
                     given or edl.exact_rate(document_rate(result), "rate of its times"))
        set_meta(result, rate=rate_text(exact))
    except (ValueError, AttributeError, TypeError, otio.exceptions.OTIOError) as exc:
        raise PlaylistFileError(path, str(exc)) from exc
    return result, exact


@dataclass
class _Clip:
    """One clip of an imported document: the OTIO object, its otio_json dict in the document's dict (where its
    metadata is written) and its place (child indices: sorted, they give ``find_clips`` order)."""

    clip: Any  # otio.schema.Clip; None when the file was read without OTIO (``otio_plain``)
    node: dict[str, Any]
    path: tuple[int, ...]
    values: dict[str, Any] = field(default_factory=dict)  # its ``horus`` metadata as it will be stored


def match_clips(store: Store, clips: list[_Clip], project_id: str | None) -> tuple[
        Counter[str], list[str], str | None, dict[str, MediaRecord], list[_Clip], dict[str, uuid.UUID]]:
    """Link every clip (in document order) to its media in its ``values``, each with a new ``clip_id``; returns
    counts, missing names, project, the media linked by id, the clips whose reference was replaced, and the
    clip and media ids given, as UUIDs by their text.

    Everything is read from the clips' otio_json dicts (OTIO's dict wrapper costs tens of microseconds a
    key), and the media of all clips are found with one batched read per kind (path, name).
    """
    matcher = MediaMatcher(store, project_id)
    counts: Counter[str] = Counter()
    missing: list[str] = []
    linked: dict[str, MediaRecord] = {}
    replaced: list[_Clip] = []
    project = project_id
    ids: dict[str, uuid.UUID] = {}
    sources = []
    kinds = []
    for item in clips:
        item.values = horus_of(item.node)
        active = active_reference(item.node)
        kinds.append(active[0])
        sources.append(node_sources(item.node, item.values, active))
    matcher.prefetch(sources)
    media_ids: dict[uuid.UUID, str] = {}  # each media's id as text, made once (a media may be many clips)
    for item, source, kind, clip_id in zip(clips, sources, kinds, new_uuids(len(clips)), strict=True):
        values = item.values
        values["clip_id"] = text = str(clip_id)
        ids[text] = clip_id
        media, how = matcher.match(source)
        counts[how] += 1
        if media is None:
            shot, version = shot_version_of(source.name, source.reel)
            values.update(media_id=None, missing_media=True, shot=shot, version=version)
            missing.append(source.name)
            continue
        project = project or media.project_id
        media_id = media_ids.get(media.id)
        if media_id is None:
            media_id = media_ids[media.id] = str(media.id)
            linked[media_id] = media
            ids[media_id] = media.id
        values.update(media_info(media))  # and what links it (one dict made, not two: thousands of clips)
        values["media_id"], values["media_path"], values["matched_by"] = media_id, media.file_path, how
        values["missing_media"] = None
        if kind not in ("ExternalReference", "ImageSequenceReference"):
            ref = item.clip.media_reference
            item.clip.media_reference = otio.schema.ExternalReference(target_url=media.file_path)
            set_meta(item.clip.media_reference, replaced=type(ref).__name__ if ref is not None else None)
            replaced.append(item)
    return counts, missing, project, linked, replaced, ids


def _write_metadata(item: _Clip, orders: dict[tuple[str, ...], list[str]]) -> None:
    """Put a clip's ``horus`` values in its otio_json dict as OTIO writes a dict: keys sorted, None dropped.
    ``orders``: the sorted keys of each set of keys met so far in this import (an import's clips share a few)."""
    metadata = item.node.setdefault("metadata", {})
    new = NS not in metadata
    values = item.values
    shape = tuple(values)
    keys = orders.get(shape)
    if keys is None:
        keys = orders[shape] = sorted(values)
    metadata[NS] = {key: value for key in keys if (value := values[key]) is not None}
    if new and len(metadata) > 1:  # the only key: in order already
        item.node["metadata"] = dict(sorted(metadata.items()))


def import_playlist(store: Store, path: str | Path, *, user: str, name: str | None = None,
                    project_id: str | None = None, rate: Fraction | float | None = None,
                    timeline_type: str = "dailies") -> ImportReport:
    """Read a file, match its clips, write one new playlist (row + clips in one transaction).

    The document is serialised once (its otio_json dict, what the playlist keeps); the clips' metadata is
    written into that dict, not through OTIO's objects, and the clip rows are read from it. A clip OTIO
    changes (a reference replaced, drawings taken off) is serialised again alone.
    """
    with collector_paused():
        return _import_playlist(store, Path(path), user=user, name=name, project_id=project_id, rate=rate,
                                timeline_type=timeline_type)


def _import_playlist(store: Store, path: Path, *, user: str, name: str | None, project_id: str | None,
                     rate: Fraction | float | None, timeline_type: str) -> ImportReport:
    if timeline_type not in TIMELINE_TYPES:  # the caller's mistake, not the file's
        raise PlaylistError(f"type {timeline_type!r} is not one of {', '.join(TIMELINE_TYPES)}")
    plain = read_plain(path) if path.suffix.lower() == ".otio" and path.is_file() else None
    if plain is not None:
        done = _import_plain(store, path, plain, user=user, name=name, project_id=project_id, rate=rate,
                             timeline_type=timeline_type)
        if done is not None:
            return done
    document, exact = _read_document(path, rate)
    set_meta(document, imported_from=str(path), timeline_id=None)
    document.name = name or document.name or path.stem
    try:
        data: dict[str, Any] | None = to_dict(document)
    except (ValueError, otio.exceptions.OTIOError):
        data = None  # said below, once the times are checked (as before)
    if data is None or not times_fine(document, data, exact):
        _check_times(path, document, exact)  # names the first bad item
    try:  # the whole import is guarded: whatever a bad file breaks later is reported on the file
        if data is None:
            data = to_dict(document)
        rate = timeline_rate(document)
        tracks = flatten(document, rate, data)
        placed = [_Clip(entry.item, {}, clip_path(track, entry)) for track, entry in iter_clips(tracks)]
        for item in placed:
            item.node = node_at(data, item.path)
        clips = sorted(placed, key=lambda item: item.path)  # document order, as find_clips gives
        counts, missing, project, linked, replaced, ids = match_clips(store, clips, project_id)
        sizes = {media_id: media.resolution for media_id, media in linked.items()}
        drawn = [(item.clip, item.values.get("media_id")) for item in clips
                 if item.node.get("effects") or KEPT in (item.node.get("metadata") or {})]
        drawings = read_drawings(document, path, sizes, drawn)  # all checked before anything is written
        if replaced:  # a replaced reference may change a clip's duration (as before: placed after the change)
            tracks = flatten(document, rate)
        changed = {id(clip) for clip in drawings.changed} | {id(item.clip) for item in replaced}
        orders: dict[tuple[str, ...], list[str]] = {}
        for item in clips:
            if id(item.clip) in changed:  # OTIO changed this clip: its dict again, from the object
                fresh = to_dict(item.clip)
                item.node.clear()
                item.node.update(fresh)
            _write_metadata(item, orders)
        rows = clip_rows(tracks, [item.node for item in placed], ids)
        with store.uow.write():  # the playlist and its drawings in one transaction
            timeline = import_document(store, document, data, rows, project_id=project or "unassigned", user=user,
                                       timeline_type=timeline_type)
            drawings.write(store, user)
    except PlaylistFileError:
        raise
    except RecursionError as exc:  # metadata nested just under the reader's limit: written from a deeper stack
        raise PlaylistFileError(path, "cannot import: the document is nested too deeply to be written") from exc
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError,
            otio.exceptions.OTIOError) as exc:  # PlaylistError and InvalidFieldError are ValueErrors
        raise PlaylistFileError(path, f"cannot import: {str(exc) or type(exc).__name__}") from exc
    return ImportReport(timeline, Counter({k: v for k, v in counts.items() if k != "missing"}), missing,
                        len(drawings.rows), drawings.kept)


def _import_plain(store: Store, path: Path, plain: PlainDocument, *, user: str, name: str | None,
                  project_id: str | None, rate: Fraction | float | None, timeline_type: str) -> ImportReport | None:
    """:func:`_import_playlist` of a file read without OTIO's objects (``otio_plain``: top-level tracks of
    clips and gaps, the form OTIO writes), storing what OTIO's way stores; None, having written nothing, when
    anything asks for OTIO's way (a rate or time it reports, a track it places, drawings, a reference an
    import replaces: ``otio_plain`` refuses those files)."""
    data = plain.data
    try:  # _read_document's rate and metadata, then the import's (set_meta twice: None values dropped)
        given = edl.exact_rate(rate) if rate is not None else None
        metadata = data["metadata"]
        horus = metadata.get(NS) or {}
        stored = horus.get("rate")
        exact = stored_rate(stored) if stored else given or edl.exact_rate(plain.own_rate(), "rate of its times")
        if not plain.times_fine(exact):
            return None
        place(plain, exact)
    except (ValueError, TypeError, ArithmeticError):
        return None  # OTIO's way says what is wrong
    merged = {**horus, "rate": rate_text(exact), "imported_from": str(path), "timeline_id": None}
    metadata[NS] = {key: merged[key] for key in sorted(merged) if merged[key] is not None}
    if len(horus) == 0 and list(metadata) != sorted(metadata):
        data["metadata"] = dict(sorted(metadata.items()))  # as OTIO writes a dictionary: keys sorted
    data["name"] = name or data["name"] or path.stem
    try:
        clips = [_Clip(None, node, where) for where, node in plain.clips]
        counts, missing, project, _, replaced, ids = match_clips(store, clips, project_id)
        if replaced:  # otio_plain takes only references an import keeps
            return None
        orders: dict[tuple[str, ...], list[str]] = {}
        for item in clips:
            _write_metadata(item, orders)
        rows = clip_rows(plain.tracks, [item.node for item in clips], ids)
        with store.uow.write():
            timeline = import_rows(store, data["name"], data, rows, exact, plain.duration_frames(exact),
                                   project_id=project or "unassigned", user=user, timeline_type=timeline_type,
                                   orjson_exact=True)  # a plain document's numbers: PlainDocument
    except PlaylistFileError:
        raise
    except RecursionError as exc:  # metadata nested just under the reader's limit: written from a deeper stack
        raise PlaylistFileError(path, "cannot import: the document is nested too deeply to be written") from exc
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError,
            otio.exceptions.OTIOError) as exc:  # as _import_playlist reports them
        raise PlaylistFileError(path, f"cannot import: {str(exc) or type(exc).__name__}") from exc
    return ImportReport(timeline, Counter({k: v for k, v in counts.items() if k != "missing"}), missing, 0, [])


def add_note_markers(store: Store, document: otio.schema.Timeline) -> int:
    """Put each note of each clip's media, in the clip's range, on the clip as an OTIO marker (replacing old ones)."""
    rate = timeline_rate(document)
    clips = [c for c in document.find_clips() if meta(c).get("media_id")]
    notes = notes_by_media(store, {uuid.UUID(meta(c)["media_id"]) for c in clips})
    added = 0
    for clip in clips:
        kept = [m for m in clip.markers if not meta(m).get("comment_id")]
        clip.markers[:] = kept  # type: ignore[index]
        if clip.source_range is None:
            continue
        first = round(clip.source_range.start_time.value_rescaled_to(float(rate)))
        last = first + round(clip.source_range.duration.value_rescaled_to(float(rate)))
        for note in notes.get(uuid.UUID(meta(clip)["media_id"]), []):
            if note.frame_number is None or not first <= note.frame_number < last:
                continue
            marker = otio.schema.Marker(name=note.content.splitlines()[0][:80] if note.content else "note",
                                        marked_range=trange(note.frame_number, 1, rate),
                                        color=otio.schema.MarkerColor.RED, comment=note.content)
            set_meta(marker, comment_id=str(note.id), author=note.user_name, text=note.content,
                     status="resolved" if note.is_resolved else "open", frame=note.frame_number,
                     timecode=note.timecode)
            clip.markers.append(marker)
            added += 1
    return added


def _edl_ready(document: otio.schema.Timeline, record_start: int) -> tuple[otio.schema.Timeline, list[str]]:
    """A copy the CMX 3600 writer accepts: one video track (tracks flattened), no audio; what was lost.

    The track starts with a gap of ``record_start`` frames: the writer turns a gap into no event, so every
    record timecode is shifted by it (01:00:00:00 for the first frame by default).
    """
    lost: list[str] = []
    rate = timeline_rate(document)
    video = [t for t in document.tracks if isinstance(t, otio.schema.Track) and t.kind == otio.schema.TrackKind.Video]
    audio = [t for t in document.tracks if isinstance(t, otio.schema.Track) and t.kind == otio.schema.TrackKind.Audio]
    if audio:
        lost.append(f"{counted(len(audio), 'audio track')} dropped (EDL export keeps picture only)")
    nested = any(isinstance(i, otio.schema.Stack) for t in video for i in t)
    if len(video) > 1 or nested:
        lost.append(f"{counted(len(video), 'video track')}{' with nested stacks' if nested else ''} flattened into one "
                    "(the top clip at each frame wins)")
        track = otio.algorithms.flatten_stack([t.deepcopy() for t in video])
    else:
        track = video[0].deepcopy() if video else otio.schema.Track(kind=otio.schema.TrackKind.Video)
    odd = [t for t in track if isinstance(t, otio.schema.Transition)
           and t.transition_type != otio.schema.TransitionTypes.SMPTE_Dissolve]
    for transition in odd:
        track.remove(transition)
    if odd:
        lost.append(f"{counted(len(odd), 'non-dissolve transition')} dropped (CMX 3600 has dissolves only)")
    if any(c.media_reference is None or isinstance(c.media_reference, otio.schema.MissingReference)
           for c in track.find_clips()):
        lost.append("missing-media clips written with their names as reels")
    lost.append("clip metadata (media ids, departments) and drawings are not kept by EDL; notes are kept as "
                "LOC markers")
    track.source_range = None  # an imported EDL's track keeps its old record offset; Horus starts at 0
    if record_start:
        track.insert(0, otio.schema.Gap(source_range=trange(0, record_start, rate)))
    copy = otio.schema.Timeline(name=document.name)
    copy.global_start_time = document.global_start_time or otio.opentime.RationalTime(0, float(rate))
    copy.tracks.append(track)
    return copy, lost


def export_playlist(store: Store, timeline_id: uuid.UUID | str, path: str | Path, *,
                    notes: bool = True, record_start: str | None = None) -> ExportReport:
    """Write a playlist as ``.otio``, ``.otioz`` or ``.edl`` (by extension), its notes as clip markers.

    An EDL's record timecode starts at ``record_start`` (default 01:00:00:00); other formats ignore it.
    """
    path = Path(path)
    suffix = _suffix(path, WRITE_SUFFIXES)
    timeline = store.timelines.get(timeline_id)
    document = document_of(timeline)
    if notes:
        add_note_markers(store, document)
    lost: list[str] = []
    if suffix != ".edl":  # drawings as OpenRV Annotation effects; CMX 3600 has no place for them
        lost += add_drawing_effects(store, document)
    target: otio.schema.Timeline = document
    options: dict[str, Any] = {}
    rate = timeline_rate(document)
    if suffix == ".edl":
        try:
            start = edl.record_start_frames(record_start, rate)
        except ValueError as exc:
            raise PlaylistError(str(exc)) from exc
        target, lost = _edl_ready(document, start)
        options["rate"] = float(rate)
    elif suffix == ".otioz":
        options["media_policy"] = otio.adapters.file_bundle_utils.MediaReferencePolicy.AllMissing
        lost.append("media are not bundled (references kept as paths, marked missing inside the .otioz)")
    try:
        if suffix == ".otioz" and path.exists():
            path.unlink()  # the bundle writer refuses to overwrite; export replaces, like .otio and .edl
        if suffix == ".edl":
            text = otio.adapters.write_to_string(target, adapter_name=_ADAPTERS[suffix], **options)
            path.write_text(edl.with_fcm(text, rate))
        else:
            otio.adapters.write_to_file(target, str(path), adapter_name=_ADAPTERS[suffix], **options)
    except Exception as exc:
        raise PlaylistFileError(path, f"cannot write {suffix[1:].upper()}: {exc}") from exc
    return ExportReport(str(path), lost)
