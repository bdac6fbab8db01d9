"""What an import stores, field for field: a varied OTIO (several video and audio tracks, gaps, transitions,
markers, a nested stack, a stack of clip layers, metadata of other namespaces and of Horus, unicode names, a
media matched by path, by sequence reference, by name, a reference replaced, missing media, a drawing, an
unknown effect and a kept unknown annotation) gives the playlist row, clip rows, document, drawings and report
in ``data/import_stored_form.json``, written by the import as it was before it stopped writing clip metadata
through OTIO's objects. Ids, times and temporary paths are replaced by stable names before comparing."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import opentimelineio as otio

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.domain.shapes import Shape, Style
from horus_desktop.store import Store
from horus_desktop.timeline import files, playlists
from horus_desktop.timeline.otio_doc import set_meta, trange

from .helpers import media

EXPECTED = Path(__file__).parent / "data" / "import_stored_form.json"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _drawn_clip(store: Store, tmp_path: Path) -> otio.schema.Clip:
    """sh020 v001's clip as Horus exports it, with a drawing on it (an OpenRV annotation effect)."""
    s2 = media(store, "sh020", "v001")
    store.annotations.add_many([{**Shape("line", points=((0.1, 0.1), (0.9, 0.5)), style=Style(width=0.01))
                                 .row_fields(), "media_id": s2.id, "frame_number": 1002, "layer_name": "fx",
                                 "layer_order": 0, "user_id": "ana", "user_name": "Ana"}])
    made = playlists.create_playlist(store, name="drawn", project_id="p", user="ana", media_ids=[s2.id])
    out = tmp_path / "drawn.otio"
    files.export_playlist(store, made.id, out)
    [clip] = otio.adapters.read_from_file(str(out)).find_clips()
    return clip.deepcopy()


def _write_varied(store: Store, media_tree: Path, tmp_path: Path) -> Path:
    v1, v2 = media(store, "sh010", "v001"), media(store, "sh010", "v002")
    doc = otio.schema.Timeline(name="Variété ✨ cut", global_start_time=otio.opentime.RationalTime(86400, 24))
    doc.metadata["studio"] = {"show": "été", "reel": 3, "flags": [True, None, 1.5]}
    v1_track = otio.schema.Track(name="V1 ▶")
    by_url = otio.schema.Clip(name="première", source_range=trange(1001, 4, 24),
                              media_reference=otio.schema.ExternalReference(target_url=f"file://{v1.file_path}"))
    by_url.markers.append(otio.schema.Marker(name="look ☞", marked_range=trange(1002, 1, 24),
                                             color=otio.schema.MarkerColor.GREEN))
    by_url.metadata["vendor"] = {"note": "keep me", "take": 2}
    set_meta(by_url, shot="old", department="roto", extra="kept")
    sequence = otio.schema.ImageSequenceReference(
        target_url_base=str(media_tree / "sq010/sh010/comp/v002") + "/", name_prefix="sh010_comp_v002.",
        name_suffix=".jpg", start_frame=1001, frame_zero_padding=4, rate=24)
    by_sequence = otio.schema.Clip(name="seq", source_range=trange(1002, 3, 24), media_reference=sequence)
    v1_track.extend([by_url, otio.schema.Transition(name="dissolve", in_offset=otio.opentime.RationalTime(1, 24),
                                                    out_offset=otio.opentime.RationalTime(1, 24)), by_sequence,
                     otio.schema.Gap(source_range=trange(0, 5, 24)),
                     otio.schema.Clip(name="sh020_comp_v001", source_range=trange(1001, 2, 24)),  # by name
                     otio.schema.Clip(name="sh999_comp_v007 manquant", source_range=trange(10, 3, 24),
                                      media_reference=otio.schema.ExternalReference(target_url="/nowhere/x.mov"))])
    v2_track = otio.schema.Track(name="V2")
    nested = otio.schema.Stack(name="nest", source_range=trange(1, 3, 24))
    inner = otio.schema.Track(name="inner")
    inner.append(playlists.clip_for_media(v2, 24))
    nested.append(inner)
    layers = otio.schema.Stack(name="layers")
    layers.append(otio.schema.Clip(name="sh010_comp_v001 layer", source_range=trange(1001, 2, 24),
                                   media_reference=otio.schema.MissingReference()))  # replaced: found by name
    layers.append(otio.schema.Clip(name="layer sans média", source_range=trange(0, 2, 24)))
    drawn = _drawn_clip(store, tmp_path)
    drawn.effects.append(otio.schema.Effect(name="blur", effect_name="Blur", metadata={"radius": 3}))
    drawn.metadata["horus_unknown_annotations"] = ['{"OTIO_SCHEMA": "Sketch.1", "name": "old"}']
    v2_track.extend([otio.schema.Gap(source_range=trange(0, 2, 24)), nested, layers, drawn])
    audio = otio.schema.Track(name="A1 ♪", kind=otio.schema.TrackKind.Audio)
    audio.extend([otio.schema.Gap(source_range=trange(0, 1, 24)),
                  otio.schema.Clip(name="musique", source_range=trange(0, 9, 24),
                                   media_reference=otio.schema.MissingReference(metadata={"horus": {
                                       "media_path": "/audio/temp.wav"}}))])
    audio2 = otio.schema.Track(name="A2", kind=otio.schema.TrackKind.Audio)
    audio2.append(otio.schema.Clip(name="room tone", source_range=trange(0, 4, 24)))
    for track in (v1_track, v2_track, audio, audio2):
        doc.tracks.append(track)
    path = tmp_path / "varied.otio"
    otio.adapters.write_to_file(doc, str(path))
    return path


def _all_media(store: Store) -> list[Any]:
    return store.media.search(MediaQuery(limit=1000)).items


def _stored(store: Store, report: files.ImportReport, names: dict[str, str]) -> Any:
    timeline = store.timelines.get(report.timeline.id)
    clip_ids = {str(c.id): f"<clip {i}>" for i, c in enumerate(timeline.clips)}
    row = {k: getattr(timeline, k) for k in ("name", "project_id", "timeline_type", "status", "version",
                                             "duration_frames", "duration_timecode", "frame_rate", "otio_data")}
    clips = [{k: v for k, v in dataclasses.asdict(c).items() if k not in ("id", "timeline_id", "created_at", "updated_at")}
             | {"id": str(c.id)} for c in timeline.clips]
    drawings = sorted((a.media_id, a.frame_number, a.layer_name, a.annotation_type, a.user_id)
                      for m in _all_media(store) for a in store.annotations.list(m.id) if a.user_id == "ben")
    text = json.dumps({"row": row, "clips": clips, "drawings": drawings, "report": report.to_dict()},
                      sort_keys=True, default=str, ensure_ascii=False)
    for old, new in {**names, **clip_ids, str(report.timeline.id): "<playlist>"}.items():
        text = text.replace(old, new)
    assert not _UUID.search(text), _UUID.search(text)  # every id has a stable name
    return json.loads(text)


def test_import_stores_the_same_playlist_clips_and_document(media_store: Store, media_tree: Path,
                                                            tmp_path: Path) -> None:
    store = media_store
    path = _write_varied(store, media_tree, tmp_path)
    report = files.import_playlist(store, path, user="ben")
    names = {str(m.id): f"<media {m.shot} {m.version}>" for m in _all_media(store)}
    names |= {str(media_tree): "<media tree>", str(tmp_path): "<tmp>"}
    stored = _stored(store, report, names)
    if os.environ.get("HORUS_WRITE_EXPECTED"):  # how the expected form was made (before the change)
        EXPECTED.parent.mkdir(exist_ok=True)
        EXPECTED.write_text(json.dumps(stored, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    assert stored == json.loads(EXPECTED.read_text())
    assert uuid.UUID(str(report.timeline.id))


def test_nested_horus_metadata_is_kept_as_json(store: Store, tmp_path: Path) -> None:
    """A clip's ``horus`` metadata holding a dict, a list and an OTIO time is stored as its JSON, in the clip row
    and the document (it stopped the import with a raw database error before)."""
    doc = otio.schema.Timeline(name="nested")
    track = otio.schema.Track()
    clip = otio.schema.Clip(name="a", source_range=trange(0, 3, 24))
    clip.metadata["horus"] = {"nest": {"a": 1, "t": otio.opentime.RationalTime(1, 24)}, "list": [1, "x"]}
    track.append(clip)
    doc.tracks.append(track)
    otio.adapters.write_to_file(doc, str(tmp_path / "nested.otio"))
    report = files.import_playlist(store, tmp_path / "nested.otio", user="ben")
    timeline = store.timelines.get(report.timeline.id)
    time = {"OTIO_SCHEMA": "RationalTime.1", "rate": 24.0, "value": 1.0}
    [row] = timeline.clips
    assert row.clip_metadata["nest"] == {"a": 1, "t": time} and row.clip_metadata["list"] == [1, "x"]
    stored = timeline.otio_data["tracks"]["children"][0]["children"][0]["metadata"]["horus"]
    assert stored["nest"] == {"a": 1, "t": time} and stored["clip_id"] == str(row.id)
