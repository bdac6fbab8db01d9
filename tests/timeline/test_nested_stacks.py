"""Clips inside nested stacks (OTIO's nested_example.otio shape) get clip rows and rows in the track view."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from horus_desktop.store import Store
from horus_desktop.timeline import edits, files
from horus_desktop.timeline.errors import EditError
from horus_desktop.timeline.otio_doc import load_timeline, trange
from horus_desktop.timeline.state import load_state, state_from_document

from .helpers import media


def _clip(name: str, path: str, start: int, length: int) -> otio.schema.Clip:
    return otio.schema.Clip(name=name, media_reference=otio.schema.ExternalReference(target_url=path),
                            source_range=trange(start, length, 24))


def _nested_document(store: Store) -> otio.schema.Timeline:
    """As nested_example.otio: a track holding clips, two stacks of clips (no tracks) and a nested track."""
    a, b = media(store, "sh010", "v001"), media(store, "sh010", "v002")
    c = media(store, "sh020", "v001")
    doc = otio.schema.Timeline(name="nested")
    top = otio.schema.Track(name="Top Level Track")
    top.append(_clip("Normal Clip 1", a.file_path, 1001, 3))
    stack = otio.schema.Stack(name="Nested Stack 1", source_range=trange(0, 4, 24))
    stack.append(_clip("Clip Inside A Stack 1", b.file_path, 1002, 4))
    top.append(stack)
    top.append(_clip("Normal Clip 2", a.file_path, 1001, 2))
    stack2 = otio.schema.Stack(name="Nested Stack 2")
    stack2.append(_clip("Clip Inside A Stack 2", c.file_path, 1001, 2))
    stack2.append(_clip("Second layer", a.file_path, 1003, 1))
    top.append(stack2)
    nested_track = otio.schema.Track(name="Nested Track", source_range=trange(0, 2, 24))
    nested_track.append(_clip("Clip Inside A Track", c.file_path, 1002, 2))
    top.append(nested_track)
    doc.tracks.append(top)
    return doc


def test_every_clip_of_nested_stacks_has_a_row(media_store: Store, tmp_path: Path) -> None:
    doc = _nested_document(media_store)
    path = tmp_path / "nested.otio"
    otio.adapters.write_to_file(doc, str(path))
    report = files.import_playlist(media_store, path, user="ana")
    rows = report.timeline.clips
    assert sorted(r.clip_name for r in rows) == sorted(c.name for c in doc.find_clips())
    inside = {r.clip_name: r for r in rows}
    # "which playlists use this media": the clip only inside a stack is found by its media id
    b = media(media_store, "sh010", "v002")
    assert inside["Clip Inside A Stack 1"].media_id == b.id
    assert inside["Clip Inside A Stack 1"].clip_metadata["track_path"] == "0/1/0"
    # layers start where their stack starts on the timeline (after Normal Clip 1's 3 frames)
    assert inside["Clip Inside A Stack 1"].start_time_frames == 3
    assert inside["Second layer"].start_time_frames == inside["Clip Inside A Stack 2"].start_time_frames == 9


def test_track_view_shows_stack_layers_the_same_on_both_paths(media_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "nested.otio"
    otio.adapters.write_to_file(_nested_document(media_store), str(path))
    report = files.import_playlist(media_store, path, user="ana")
    state = load_state(media_store, report.timeline.id)  # the JSON walk
    stored = media_store.timelines.get(report.timeline.id)
    slow = state_from_document(stored, load_timeline(stored.otio_data), media_store)  # through OTIO
    assert state.tracks == slow.tracks
    layers = [t for t in state.tracks if t.layer]
    assert [t.name for t in layers] == ["Nested Stack 1 / 1", "Nested Stack 2 / 1", "Nested Stack 2 / 2"]
    assert [t.items[0].name for t in layers] == ["Clip Inside A Stack 1", "Clip Inside A Stack 2", "Second layer"]
    assert len(state.clips()) == len(report.timeline.clips) == 6
    # a layer's clip can be switched to another version (it stays in its stack)
    inner = layers[0].items[0]
    result = edits.switch_version(media_store, report.timeline.id, inner.clip_id, media(media_store, "sh010", "v001").id)
    _, switched = result.state.clip(inner.clip_id)
    assert switched.version == "v001" and switched.start == inner.start


def test_layer_clips_refuse_timing_edits_and_can_be_removed(media_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "nested.otio"
    otio.adapters.write_to_file(_nested_document(media_store), str(path))
    report = files.import_playlist(media_store, path, user="ana")
    state = load_state(media_store, report.timeline.id)
    inner = next(t for t in state.tracks if t.layer).items[0]
    for edit in (lambda: edits.trim_clip(media_store, report.timeline.id, inner.clip_id, out_delta=-1),
                 lambda: edits.move_clip(media_store, report.timeline.id, inner.clip_id, track=0, frame=100),
                 lambda: edits.reorder_clip(media_store, report.timeline.id, inner.clip_id, 0)):
        with pytest.raises(EditError, match="nested stack"):
            edit()
    result = edits.remove_clip(media_store, report.timeline.id, inner.clip_id)
    assert inner.clip_id not in {c.clip_id for c in result.state.clips()}
    assert len(result.state.clips()) == 5
    assert len(media_store.timelines.get(report.timeline.id).clips) == 5
