"""The viewer's channel buttons on the CPU path (R, G, B, A, L): one channel, or the Rec.709 luminance, shown
as 8-bit grey, the display pixels' own type (a texture upload of anything else would be read as other values)."""

from __future__ import annotations

import numpy as np

from horus_desktop.media.display import isolate_channel

PIXELS = np.array([[[255, 0, 0, 128], [0, 255, 0, 255], [0, 0, 255, 0], [200, 100, 50, 64]]], np.uint8)


def test_luminance_is_8_bit_grey_of_the_rec709_weights() -> None:
    shown = isolate_channel(PIXELS, "luminance")
    assert shown.dtype == np.uint8 and shown.shape == (1, 4, 3)
    assert (shown == shown[:, :, :1]).all()  # grey: the three channels alike
    # 0.2126 R + 0.7152 G + 0.0722 B, truncated: red 54, green 182, blue 18, (200, 100, 50) 117
    assert shown[0, :, 0].tolist() == [54, 182, 18, 117]


def test_one_channel_and_alpha_are_8_bit_grey() -> None:
    assert isolate_channel(PIXELS, "g")[0, :, 0].tolist() == [0, 255, 0, 100]
    assert isolate_channel(PIXELS, "a")[0, :, 2].tolist() == [128, 255, 0, 64]
    assert isolate_channel(PIXELS[:, :, :3], "a").dtype == np.uint8
    assert isolate_channel(PIXELS, "rgb") is PIXELS
