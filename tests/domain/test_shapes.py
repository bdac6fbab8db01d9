"""Shapes round-trip through their stored form and survive another image resolution."""

from __future__ import annotations

import pytest

from horus_desktop.domain.shapes import (
    Shape,
    ShapeError,
    Style,
    ghost_frames,
    neighbour_frame,
    shape_from_row,
    shown_on,
)

SHAPES = [
    Shape("freehand", points=((0.1, 0.2, 0.5), (0.15, 0.25, 0.8), (0.2, 0.2, 1.0))),
    Shape("line", points=((0.1, 0.1), (0.9, 0.9))),
    Shape("arrow", points=((0.5, 0.5), (0.6, 0.4)), style=Style(color="#00ff00", width=0.01, hold=12)),
    Shape("rectangle", box=(0.1, 0.2, 0.3, 0.4)),
    Shape("ellipse", box=(0.5, 0.5, 0.2, 0.1), style=Style(opacity=0.5)),
    Shape("text", box=(0.3, 0.3, 0.0, 0.0), text="keep the flare", style=Style(font_size=0.05)),
    Shape("point", box=(0.7, 0.2, 0.0, 0.0)),
]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.kind)
def test_every_shape_round_trips_through_its_row(shape: Shape) -> None:
    fields = shape.row_fields()
    assert fields["coordinates"]["v"] == 1
    again = shape_from_row(fields["annotation_type"], fields["coordinates"], fields["style_properties"],
                           fields["content"])
    assert again == shape


def test_same_place_on_a_proxy_of_another_resolution() -> None:
    rect = SHAPES[3]
    on_4k = rect.to_pixels(4096, 2160).bounds()
    on_1k = rect.to_pixels(1024, 540).bounds()
    assert on_4k == pytest.approx((409.6, 432.0, 1228.8, 864.0))
    assert [a / 4 for a in on_4k] == pytest.approx(list(on_1k))


def test_pixel_coordinates_from_imports_are_normalized() -> None:
    montu = {"v": 1, "kind": "rect", "x": 192, "y": 108, "w": 960, "h": 540, "space": "pixels"}
    shape = shape_from_row("rectangle", montu, image_size=(1920, 1080))
    assert shape.box == pytest.approx((0.1, 0.1, 0.5, 0.5))
    with pytest.raises(ShapeError, match="image size"):
        shape_from_row("rectangle", montu)


def test_bad_coordinates_name_the_field() -> None:
    with pytest.raises(ShapeError, match="coordinates.x"):
        shape_from_row("rectangle", {"v": 1, "y": 0.1, "w": 1, "h": 1})
    with pytest.raises(ShapeError, match=r"coordinates\.v"):
        shape_from_row("line", {"v": 9, "points": [[0, 0], [1, 1]]})
    with pytest.raises(ShapeError, match="opacity"):
        shape_from_row("line", {"points": [[0, 0], [1, 1]]}, {"opacity": 3})
    with pytest.raises(ShapeError, match="annotation_type"):
        Shape("blob", box=(0, 0, 1, 1))


def test_hold_ghosts_and_note_navigation() -> None:
    held = {"hold": 3}
    assert [f for f in range(1000, 1006) if shown_on(1001, held, f)] == [1001, 1002, 1003]
    assert [f for f in range(1000, 1004) if shown_on(1001, None, f)] == [1001]
    assert ghost_frames([1001, 1010, 1020], 1012) == (1010, 1020)
    assert ghost_frames([1001], 1001) == (None, None)
    assert neighbour_frame([1001, 1010, 1020], 1010, +1) == 1020
    assert neighbour_frame([1001, 1010, 1020], 1010, -1) == 1001
    assert neighbour_frame([1001], 1001, +1) is None


def test_moving_a_shape() -> None:
    assert [list(p) for p in SHAPES[1].moved(0.1, -0.05).points] == [pytest.approx([0.2, 0.05]),
                                                                    pytest.approx([1.0, 0.85])]
    assert SHAPES[3].moved(0.1, 0.1).box == pytest.approx((0.2, 0.3, 0.3, 0.4))
