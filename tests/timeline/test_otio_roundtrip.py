"""Playlist -> OTIO -> playlist: multi-track, gaps, transitions, markers, nested stacks; notes as markers."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from horus_desktop.store import Store
from horus_desktop.timeline import edits, files, playlists
from horus_desktop.timeline.otio_doc import meta, trange
from horus_desktop.timeline.state import load_state

from .helpers import media


def _document(store: Store) -> otio.schema.Timeline:
    """Two video tracks (gap, dissolve, nested stack) and an audio track, with a marker."""
    v1, v2, s2 = media(store, "sh010", "v001"), media(store, "sh010", "v002"), media(store, "sh020", "v001")
    doc = playlists.new_document("cut", playlists.media_rate(v1), video_tracks=2)
    a, b = playlists.clip_for_media(v1, 24), playlists.clip_for_media(s2, 24)
    a.markers.append(otio.schema.Marker(name="look", marked_range=trange(1003, 1, 24)))
    doc.tracks[0].extend([a, otio.schema.Transition(in_offset=otio.opentime.RationalTime(0, 24),
                                                    out_offset=otio.opentime.RationalTime(2, 24)), b])
    nested = otio.schema.Stack(name="nest")
    inner = otio.schema.Track(name="inner")
    inner.append(playlists.clip_for_media(v2, 24))
    nested.append(inner)
    doc.tracks[1].extend([otio.schema.Gap(source_range=trange(0, 3, 24)), nested])
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    audio.append(otio.schema.Clip(name="temp music", source_range=trange(0, 9, 24)))
    doc.tracks.append(audio)
    return doc


def test_round_trip_keeps_tracks_gaps_transitions_markers(media_store: Store, tmp_path: Path) -> None:
    store = media_store
    made = playlists.create_from_document(store, _document(store), name="cut", project_id="p", user="ana")
    state = load_state(store, made.id)
    assert [(t.name, t.kind, t.path) for t in state.tracks] == [
        ("V1", "video", (0,)), ("V2", "video", (1,)), ("inner", "video", (1, 1, 0)), ("A1", "audio", (2,))]
    assert [i.kind for i in state.tracks[0].items] == ["clip", "transition", "clip"]
    assert [(i.kind, i.start, i.duration) for i in state.tracks[1].items] == [("gap", 0, 3), ("stack", 3, 6)]
    assert [(i.start, i.duration, i.source_start) for i in state.tracks[2].items] == [(3, 6, 1001)]
    assert state.tracks[3].items[0].missing_media and state.tracks[3].items[0].name == "temp music"
    [look] = state.tracks[0].items[0].markers
    assert (look.name, look.frame) == ("look", 2)
    # rows in step with the document: one per clip, with the track path
    rows = store.timelines.get(made.id).clips
    assert len(rows) == 4 and {r.clip_metadata["track_path"] for r in rows} == {"0", "1/1/0", "2"}

    # a note becomes a marker on its clip at its frame
    v1 = media(store, "sh010", "v001")
    note = store.comments.add(media_id=v1.id, content="edge flicker", user_id="ana", user_name="Ana",
                              frame_number=1004)
    out = tmp_path / "cut.otio"
    files.export_playlist(store, made.id, out)
    read = otio.adapters.read_from_file(str(out))
    first = read.tracks[0][0]
    by_comment = {meta(m).get("comment_id"): m for m in first.markers}
    marker = by_comment[str(note.id)]
    assert marker.marked_range.start_time.to_frames() == 1004
    assert meta(marker)["author"] == "Ana" and meta(marker)["text"] == "edge flicker"
    assert meta(marker)["status"] == "open"

    again = files.import_playlist(store, out, user="bo").timeline
    back = load_state(store, again.id)
    assert [(t.name, t.kind, t.path) for t in back.tracks] == [(t.name, t.kind, t.path) for t in state.tracks]
    for old, new in zip(state.tracks, back.tracks, strict=True):
        assert [(i.kind, i.start, i.duration, i.source_start, i.media_id) for i in old.items] == [
            (i.kind, i.start, i.duration, i.source_start, i.media_id) for i in new.items]
    assert {m.comment_id for m in back.tracks[0].items[0].markers} >= {str(note.id)}
    assert {c.id for c in again.clips}.isdisjoint({c.id for c in rows})  # fresh clip ids


def test_edl_export_says_what_is_lost(media_store: Store, tmp_path: Path) -> None:
    made = playlists.create_from_document(media_store, _document(media_store), name="cut", project_id="p",
                                          user="ana")
    report = files.export_playlist(media_store, made.id, tmp_path / "cut.edl")
    text = (tmp_path / "cut.edl").read_text()
    assert "TITLE: cut" in text and "001 " in text
    assert any("audio" in lost for lost in report.lost) and any("flattened" in lost for lost in report.lost)


def test_edit_operations_are_invertible(media_store: Store) -> None:
    store = media_store
    v1, v2, s2 = media(store, "sh010", "v001"), media(store, "sh010", "v002"), media(store, "sh020", "v001")
    made = playlists.create_playlist(store, name="d", project_id="p", user="ana", media_ids=[v1.id, s2.id])
    before = load_state(store, made.id)
    clip_id = before.tracks[0].items[0].clip_id
    results = [
        edits.add_clips(store, made.id, [v2.id], frame=5),
        edits.add_track(store, made.id),
        edits.move_clip(store, made.id, clip_id, track=1, frame=20),
        edits.trim_clip(store, made.id, clip_id, in_delta=1, out_delta=-1),
        edits.reorder_clip(store, made.id, before.tracks[0].items[1].clip_id, 0),
        edits.remove_clip(store, made.id, before.tracks[0].items[1].clip_id),
    ]
    moved = results[2].state
    assert moved.clip(clip_id)[0].index == 1 and moved.clip(clip_id)[1].start == 20
    trimmed = results[3].state.clip(clip_id)[1]
    assert (trimmed.start, trimmed.duration, trimmed.source_start) == (21, 3, 1002)
    for result in reversed(results):
        edits.apply_edit(store, made.id, result.inverse)
    after = load_state(store, made.id)
    assert [[(i.kind, i.start, i.duration, i.clip_id) for i in t.items] for t in after.tracks] == [
        [(i.kind, i.start, i.duration, i.clip_id) for i in t.items] for t in before.tracks]
    redo = edits.apply_edit(store, made.id, results[0].edit)
    assert [i.media_id for i in redo.state.tracks[0].items] == [v1.id, v2.id, s2.id]
    rows = store.timelines.get(made.id).clips
    assert [r.media_id for r in rows] == [v1.id, v2.id, s2.id]  # rows follow the document
