"""The JSON walk of ``load_state`` gives exactly the state OpenTimelineIO's own parse gives."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from horus_desktop.domain.timecode import exact_rate
from horus_desktop.store import Store
from horus_desktop.timeline.bench import bench_media_values, write_bench_otio
from horus_desktop.timeline.files import import_playlist
from horus_desktop.timeline.otio_doc import load_timeline, trange
from horus_desktop.timeline.state import load_state, state_from_document

from .helpers import media


def _via_otio(store: Store, timeline_id):  # noqa: ANN001, ANN202
    timeline = store.timelines.get(timeline_id)
    document = load_timeline(timeline.otio_data, timeline.name, exact_rate(timeline.frame_rate))
    return state_from_document(timeline, document, store)


def _same(store: Store, timeline_id) -> None:  # noqa: ANN001
    fast, slow = load_state(store, timeline_id), _via_otio(store, timeline_id)
    assert fast.tracks == slow.tracks
    assert (fast.duration, fast.rate, fast.markers, fast.name) == (slow.duration, slow.rate, slow.markers, slow.name)
    ids = [c.clip_id for c in fast.clips() if c.clip_id is not None]
    assert ids == [c.clip_id for c in slow.clips() if c.clip_id is not None] and ids
    assert [fast.clip(i) for i in ids] == [slow.clip(i) for i in ids]  # found by id: same track and item


def test_json_state_matches_otio_on_nested_transitions_gaps_markers(media_store: Store, tmp_path: Path) -> None:
    a, b = media(media_store, "sh010", "v001"), media(media_store, "sh020", "v001")
    timeline = otio.schema.Timeline(name="mixed")
    v1 = otio.schema.Track(name="V1")
    v1.append(otio.schema.Clip(name="a", media_reference=otio.schema.ExternalReference(target_url=a.file_path),
                               source_range=trange(1001, 5, 24)))
    v1.append(otio.schema.Transition(in_offset=otio.opentime.RationalTime(2, 24),
                                     out_offset=otio.opentime.RationalTime(1, 24)))
    clip = otio.schema.Clip(name="sh020_comp_v001", source_range=trange(1001, 4, 24))
    clip.markers.append(otio.schema.Marker(name="m", marked_range=trange(1002, 1, 24)))
    v1.append(clip)
    v1.append(otio.schema.Gap(source_range=trange(0, 7, 24)))
    v1.append(otio.schema.Clip(name="lost", source_range=trange(10, 3, 24)))
    v1.markers.append(otio.schema.Marker(name="track marker", marked_range=trange(3, 1, 24)))
    v2 = otio.schema.Track(name="V2")
    v2.append(otio.schema.Gap(source_range=trange(0, 3, 24)))
    stack = otio.schema.Stack(name="nest", source_range=trange(1, 3, 24))
    inner = otio.schema.Track(name="inner")
    inner.append(otio.schema.Clip(name="b", media_reference=otio.schema.ExternalReference(target_url=b.file_path),
                                  source_range=trange(1001, 4, 24)))
    stack.append(inner)
    v2.append(stack)
    timeline.tracks.extend([v1, v2, otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)])
    path = tmp_path / "mixed.otio"
    otio.adapters.write_to_file(timeline, str(path))
    report = import_playlist(media_store, path, user="t")
    _same(media_store, report.timeline.id)
    state = load_state(media_store, report.timeline.id)
    assert [i.kind for i in state.tracks[0].items] == ["clip", "transition", "clip", "gap", "clip"]
    assert state.tracks[0].items[1].start == 3 and state.tracks[0].items[1].duration == 3


def test_json_state_matches_otio_on_the_bench_playlist(store: Store, tmp_path: Path) -> None:
    values = bench_media_values(60)
    store.media.create_many(values)
    path = tmp_path / "bench.otio"
    write_bench_otio(path, values)
    report = import_playlist(store, path, user="t", project_id="bench")
    _same(store, report.timeline.id)
