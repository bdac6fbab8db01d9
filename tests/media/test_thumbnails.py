from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image

from horus_desktop.media.synthetic import draw_test_frame, srgb_to_linear_half, write_exr
from horus_desktop.media.thumbnails import make_thumbnails


def test_jpeg_thumbnails_sizes_hashes_and_record_callback(tmp_path: Path) -> None:
    Image.fromarray(draw_test_frame(1, (640, 360))).save(tmp_path / "a.jpg", quality=90)
    recorded = []
    files = make_thumbnails(tmp_path / "a.jpg", tmp_path / "cache", "abc123", record=recorded.append)
    assert [f.size for f in files] == ["large", "medium", "small"] and recorded == files
    for thumb, edge in zip(files, (256, 128, 64), strict=True):
        with Image.open(thumb.path) as image:
            assert max(image.size) == edge and image.format == "JPEG"
        assert thumb.sha256 == hashlib.sha256(Path(thumb.path).read_bytes()).hexdigest()


def test_float_exr_goes_through_the_view(tmp_path: Path) -> None:
    pixels = srgb_to_linear_half(draw_test_frame(1, (320, 180)))
    write_exr(tmp_path / "a.exr", pixels)
    [large, _, _] = make_thumbnails(tmp_path / "a.exr", tmp_path / "cache", "k1")
    with Image.open(large.path) as image:
        values = np.asarray(image)
    assert image.size == (256, 144) and 20 < values.mean() < 235
