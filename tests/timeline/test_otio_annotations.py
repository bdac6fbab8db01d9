"""Drawings through OTIO as OpenRV annotations: export, plain-OTIO read, import back, unknown and bad schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from horus_desktop.cli import main
from horus_desktop.domain.shapes import Shape, Style, shape_from_row
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.synthetic import write_jpeg_sequence
from horus_desktop.store import Store
from horus_desktop.timeline import files, playlists
from horus_desktop.timeline.errors import PlaylistFileError
from horus_desktop.timeline.otio_annotations import MANIFEST

# A 4:3 plate (OpenRV's space is 16 x 12 units for it), frames 1001..1006.
SIZE = (80, 60)

SHAPES = [  # (frame, layer, order, shape)
    (1001, "default", 0, Shape("freehand", points=((0.1, 0.2, 1.0), (0.3, 0.25, 0.5), (0.35, 0.4, 0.8)),
                               style=Style(color="#12ab34", width=0.01, opacity=0.75, hold=3))),
    (1001, "fx", 1, Shape("freehand", points=((0.5, 0.5), (0.6, 0.55)))),  # a mouse stroke: no pressure
    (1002, "default", 0, Shape("line", points=((0.0, 0.0), (1.0, 1.0)), style=Style(width=0.005))),
    (1002, "fx", 1, Shape("arrow", points=((0.2, 0.8), (0.6, 0.5)), style=Style(color="#0000ff"))),
    (1003, "fx", 1, Shape("rectangle", box=(0.25, 0.3, 0.5, 0.2), style=Style(hold=2))),
    (1004, "fx", 1, Shape("ellipse", box=(0.6, 0.1, 0.3, 0.3))),
    (1005, "default", 0, Shape("text", box=(0.4, 0.6, 0.0, 0.0), text="grain ✨ مرحبا",
                               style=Style(color="#ffffff", font_size=0.05))),
    (1006, "default", 0, Shape("point", box=(0.7, 0.7, 0.0, 0.0))),
]


@pytest.fixture
def plate(store: Store, tmp_path: Path):  # noqa: ANN201 - MediaRecord
    """One ingested 4:3 JPEG sequence with every kind of shape drawn on it, on two layers."""
    write_jpeg_sequence(tmp_path / "media" / "sq1" / "sh100" / "comp" / "v001", 6, size=SIZE, name="sh100_comp_v001")
    ingest_tree(store, tmp_path / "media", project="p")
    [media] = store.media.find_by_shot_version("sh100", "v001")
    store.annotations.add_many([
        {**shape.row_fields(), "media_id": media.id, "frame_number": frame, "layer_name": layer,
         "layer_order": order, "user_id": "ana", "user_name": "Ana"} for frame, layer, order, shape in SHAPES])
    return media


def _export(store: Store, media, path: Path) -> None:  # noqa: ANN001
    made = playlists.create_playlist(store, name="dailies", project_id="p", user="ana", media_ids=[media.id])
    files.export_playlist(store, made.id, path)


def _same(a: Shape, b: Shape) -> None:
    assert (a.kind, a.text) == (b.kind, b.text)
    assert [v for p in a.points for v in p] == pytest.approx([v for p in b.points for v in p], abs=1e-9)
    assert (a.box == b.box is None) or a.box == pytest.approx(b.box, abs=1e-9)
    assert (a.style.color, a.style.hold) == (b.style.color, b.style.hold)
    assert (a.style.width, a.style.opacity, a.style.font_size) == pytest.approx(
        (b.style.width, b.style.opacity, b.style.font_size), abs=1e-9)


@pytest.mark.parametrize("suffix", [".otio", ".otioz"])
def test_round_trip_gives_the_same_shapes_frames_and_layers(store: Store, plate, tmp_path: Path,  # noqa: ANN001
                                                            suffix: str) -> None:
    out = tmp_path / f"dailies{suffix}"
    _export(store, plate, out)
    before = {a.id for a in store.annotations.list(plate.id)}
    report = files.import_playlist(store, out, user="ben")
    assert report.drawings == len(SHAPES) and report.kept == []
    new = [a for a in store.annotations.list(plate.id) if a.id not in before]
    assert sorted((a.frame_number, a.layer_name, a.layer_order) for a in new) == sorted(
        (f, layer, order) for f, layer, order, _ in SHAPES)
    assert {a.user_name for a in new} == {"Ana"} and {a.user_id for a in new} == {"ben"}
    for frame, layer, _, shape in SHAPES:
        [row] = [a for a in new if a.frame_number == frame and a.layer_name == layer
                 and a.annotation_type == shape.kind]
        _same(shape_from_row(row.annotation_type, row.coordinates, row.style_properties, row.content), shape)
    assert {layer.layer_name for layer in store.layers.list(plate.id)} >= {"default", "fx"}


def test_import_onto_media_without_those_layers_restores_their_colour_and_visibility(
        store: Store, plate, tmp_path: Path) -> None:  # noqa: ANN001
    fx = next(layer for layer in store.layers.ensure_for_shapes(plate.id) if layer.layer_name == "fx")
    store.layers.update(fx.id, layer_color="#00ff88", is_visible=False)
    out = tmp_path / "dailies.otio"
    _export(store, plate, out)
    for layer in store.layers.list(plate.id):
        store.layers.delete(layer.id)  # the media starts over without layers or shapes
    assert store.annotations.count(plate.id) == 0
    files.import_playlist(store, out, user="ben")
    layers = {layer.layer_name: layer for layer in store.layers.list(plate.id)}
    assert (layers["fx"].layer_color, layers["fx"].is_visible) == ("#00ff88", False)
    assert layers["default"].is_visible is not False
    assert store.annotations.count(plate.id) == len(SHAPES)


def test_export_without_a_resolution_assumes_16_9_and_says_so(store: Store, plate, tmp_path: Path) -> None:  # noqa: ANN001
    store.media.update(plate.id, resolution=None)
    made = playlists.create_playlist(store, name="dailies", project_id="p", user="ana", media_ids=[plate.id])
    report = files.export_playlist(store, made.id, tmp_path / "dailies.otio")
    assert any("resolution unknown" in line and "1920x1080" in line for line in report.lost)
    edl = files.export_playlist(store, made.id, tmp_path / "dailies.edl")
    assert any("drawings are not kept by EDL" in line for line in edl.lost)


def test_plain_otio_reads_openrv_annotations_in_image_centred_aspect_space(store: Store, plate,  # noqa: ANN001
                                                                           tmp_path: Path) -> None:
    out = tmp_path / "dailies.otio"
    _export(store, plate, out)
    script = """
import json, sys
import opentimelineio as otio
clip = list(otio.adapters.read_from_file(sys.argv[1]).find_clips())[0]
out = []
for effect in clip.effects:
    assert type(effect).__name__ == "Annotation" and isinstance(effect, otio.schema.Effect), type(effect)
    for layer in effect.layers:
        assert not layer.is_unknown_schema
        item = {"schema": layer.schema_name() + "." + str(layer.schema_version()),
                "start": layer.layer_range.start_time.value, "duration": layer.layer_range.duration.value}
        if layer.schema_name() == "Line":
            item["ends"] = [layer.start_position.x, layer.start_position.y, layer.end_position.x, layer.end_position.y]
        if layer.schema_name() == "Paint":
            item["first"] = [layer.points[0].x, layer.points[0].y, layer.points[0].width]
        out.append(item)
print(json.dumps(out))
"""
    env = {**os.environ, "OTIO_PLUGIN_MANIFEST_PATH": str(MANIFEST), "OTIO_DISABLE_ENTRYPOINTS_PLUGINS": "1"}
    done = subprocess.run([sys.executable, "-c", script, str(out)], capture_output=True, text=True, env=env,
                          check=True)
    layers = json.loads(done.stdout)
    assert sorted(item["schema"] for item in layers) == sorted(
        ["Paint.2", "Paint.2", "Line.1", "Arrow.1", "Rectangle.1", "Ellipse.1", "Text.1", "Ellipse.1"])
    # 4:3: the image is 16 units wide and 12 high, centred, y up: top-left (0, 0) -> (-8, 6), bottom-right -> (8, -6)
    [line] = [item for item in layers if item["schema"] == "Line.1"]
    assert line["ends"] == pytest.approx([-8.0, 6.0, 8.0, -6.0])
    [paint] = [item for item in layers if item["schema"] == "Paint.2" and item["duration"] == 3]
    assert paint["first"] == pytest.approx([(0.1 - 0.5) * 16, (0.5 - 0.2) * 12, 0.01 * 12])
    assert (paint["start"], paint["duration"]) == (1001, 3)  # the stroke's hold is its layer range


def test_import_places_shapes_by_the_references_image_bounds_when_given(store: Store, plate,  # noqa: ANN001
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "dailies.otio"
    _export(store, plate, out)

    def bounds_and_a_line(clip: dict) -> None:  # the image on (0, 0)..(4, 3); a line across its diagonal
        clip["media_references"][clip["active_media_reference_key"]]["available_image_bounds"] = {
            "OTIO_SCHEMA": "Box2d.1", "min": {"OTIO_SCHEMA": "V2d.1", "x": 0.0, "y": 0.0},
            "max": {"OTIO_SCHEMA": "V2d.1", "x": 4.0, "y": 3.0}}
        pos = [{"OTIO_SCHEMA": "Position.1", "x": 0.0, "y": 3.0}, {"OTIO_SCHEMA": "Position.1", "x": 1.0, "y": 1.5}]
        clip["effects"] = [{"OTIO_SCHEMA": "Annotation.1", "name": "rv", "effect_name": "Annotation.1", "layers": [
            {"OTIO_SCHEMA": "Line.1", "start_position": pos[0], "end_position": pos[1], "width": 0.03,
             "border_color": [1.0, 0.0, 0.0, 1.0], "id": "l1", "visible": True,
             "layer_range": {"OTIO_SCHEMA": "TimeRange.1",
                             "start_time": {"OTIO_SCHEMA": "RationalTime.1", "rate": 24.0, "value": 1004.0},
                             "duration": {"OTIO_SCHEMA": "RationalTime.1", "rate": 24.0, "value": 1.0}}}]}]

    _rewrite(out, bounds_and_a_line)
    before = {a.id for a in store.annotations.list(plate.id)}
    files.import_playlist(store, out, user="ben")
    [row] = [a for a in store.annotations.list(plate.id) if a.id not in before]
    shape = shape_from_row(row.annotation_type, row.coordinates, row.style_properties, row.content)
    assert (row.frame_number, row.layer_name, shape.kind, shape.style.color) == (1004, "rv", "line", "#ff0000")
    assert [v for p in shape.points for v in p] == pytest.approx([0.0, 0.0, 0.25, 0.5])
    assert shape.style.width == pytest.approx(0.01)  # 0.03 units of an image 3 units high


def _rewrite(path: Path, change) -> None:  # noqa: ANN001
    data = json.loads(path.read_text())
    clip = next(item for item in data["tracks"]["children"][0]["children"] if item["OTIO_SCHEMA"].startswith("Clip"))
    change(clip)
    path.write_text(json.dumps(data))


def test_unknown_annotation_schemas_are_kept_in_the_clip_and_reported(store: Store, plate,  # noqa: ANN001
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "dailies.otio"
    _export(store, plate, out)

    def add_unknowns(clip: dict) -> None:
        clip["effects"][0]["layers"].append({"OTIO_SCHEMA": "Squiggle.1", "wiggle": 3})
        eraser = json.loads(json.dumps(next(layer for layer in clip["effects"][0]["layers"]
                                            if layer["OTIO_SCHEMA"] == "Paint.2")))
        eraser.update(type="ERASE", id="eraser-1")  # Horus has no eraser strokes: kept, not drawn in colour
        clip["effects"][0]["layers"].append(eraser)
        clip["effects"].append({"OTIO_SCHEMA": "SketchAnnotation.1", "name": "future", "layers": []})

    _rewrite(out, add_unknowns)
    report = files.import_playlist(store, out, user="ben")
    assert any("Squiggle.1" in line for line in report.kept) and any("SketchAnnotation.1" in line for line in report.kept)
    assert report.drawings == len(SHAPES)
    clip = list(playlists.document_of(store.timelines.get(report.timeline.id)).find_clips())[0]
    kept = [json.loads(text) for text in clip.metadata["horus_unknown_annotations"]]
    assert {"OTIO_SCHEMA": "Squiggle.1", "wiggle": 3} in kept
    assert any(k.get("id") == "eraser-1" and k["type"] == "ERASE" for k in kept)
    assert any(k["OTIO_SCHEMA"] == "SketchAnnotation.1" and k["name"] == "future" for k in kept)


def test_cli_import_lists_kept_schemas_on_stderr_and_keeps_json_on_stdout(
        store: Store, plate, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    out = tmp_path / "dailies.otio"
    _export(store, plate, out)
    _rewrite(out, lambda clip: clip["effects"].append({"OTIO_SCHEMA": "SketchAnnotation.1", "strokes": []}))
    code = main(["playlist", "import", str(out), "--db", str(tmp_path / "cli.sqlite"), "--json"])
    printed, err = capsys.readouterr()
    assert code == 0 and json.loads(printed)["kept_unknown_annotations"]
    assert "SketchAnnotation.1" in err and "kept in the clip's metadata" in err


BREAKAGES = {  # schema to break -> (change, words the error must hold)
    "point x": ("Paint.2", lambda layer: layer["points"][1].update(x="left"), "x: 'left' is not a number"),
    "no range": ("Rectangle.1", lambda layer: layer.update(layer_range=None), "layer_range: None"),
    "short colour": ("Line.1", lambda layer: layer.update(border_color=[1.0, 0.0]), "border_color: expected 4"),
    "no anchor": ("Text.1", lambda layer: layer.update(anchor=None), "anchor: missing"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_malformed_annotation_names_file_clip_and_field_and_writes_nothing(
        store: Store, plate, tmp_path: Path, breakage: str) -> None:  # noqa: ANN001
    schema, change, words = BREAKAGES[breakage]
    out = tmp_path / "dailies.otio"
    _export(store, plate, out)
    _rewrite(out, lambda clip: change(next(layer for e in clip["effects"] for layer in e["layers"]
                                           if layer["OTIO_SCHEMA"] == schema)))
    playlists_before = len(store.timelines.list())
    shapes_before = store.annotations.count(plate.id)
    with pytest.raises(PlaylistFileError) as caught:
        files.import_playlist(store, out, user="ben")
    message = str(caught.value)
    assert str(out) in message and "clip 'sh100 v001'" in message and schema in message and words in message
    assert len(store.timelines.list()) == playlists_before
    assert store.annotations.count(plate.id) == shapes_before
