from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from horus_desktop.media.decode_dpx import write_dpx
from horus_desktop.media.probe import DEFAULT_SEQUENCE_FPS, FpsSource, probe_media
from horus_desktop.media.sequences import MediaKind, media_item_for, scan_media
from horus_desktop.media.synthetic import write_exr, write_movie

H, W = 36, 64
AP1 = (0.713, 0.293, 0.165, 0.830, 0.128, 0.044, 0.32168, 0.33767)
REC709 = (0.64, 0.33, 0.30, 0.60, 0.15, 0.06, 0.3127, 0.3290)


def test_exr_sequence_with_rational_fps_and_gap(tmp_path: Path) -> None:
    pixels = np.ones((H, W, 3), "f2")
    for f in (1001, 1002, 1004):
        write_exr(tmp_path / f"s.{f:04d}.exr", pixels, compression="piz", fps=Fraction(24000, 1001),
                  extra_header={"chromaticities": AP1})
    [item] = scan_media(tmp_path)
    probe = probe_media(item)
    assert probe.kind is MediaKind.SEQUENCE
    assert (probe.width, probe.height, probe.resolution) == (W, H, "64x36")
    assert probe.fps == Fraction(24000, 1001) and probe.fps_source == FpsSource.FILE
    assert (probe.start_frame, probe.end_frame, probe.frame_count) == (1001, 1004, 3)
    assert probe.missing_frames == (1003,)
    assert probe.colour_space == "ACEScg" and probe.bit_depth == 16 and probe.compression == "piz"
    assert probe.file_size == sum(p.stat().st_size for p in tmp_path.iterdir())
    assert probe.mtime == max(p.stat().st_mtime for p in tmp_path.iterdir())
    assert probe.mime_type == "image/x-exr"


def test_exr_colour_space_from_chromaticities_or_default(tmp_path: Path) -> None:
    write_exr(tmp_path / "a.exr", np.ones((H, W, 3), "f4"), extra_header={"chromaticities": REC709})
    write_exr(tmp_path / "b.exr", np.ones((H, W, 3), "f2"))
    a = probe_media(media_item_for(tmp_path / "a.exr"))
    b = probe_media(media_item_for(tmp_path / "b.exr"))
    assert (a.colour_space, a.bit_depth) == ("Linear Rec.709 (sRGB)", 32)
    assert b.colour_space == "ACEScg" and b.fps is None and b.fps_source == FpsSource.NONE


def test_sequence_without_rate_defaults_to_24_and_says_so(tmp_path: Path) -> None:
    for f in (1, 2):
        Image.new("RGB", (W, H)).save(tmp_path / f"p.{f:03d}.png")
    probe = probe_media(media_item_for(str(tmp_path / "p.%03d.png")))
    assert probe.fps == DEFAULT_SEQUENCE_FPS and probe.fps_source == FpsSource.DEFAULT
    assert probe.colour_space == "sRGB Encoded Rec.709 (sRGB)" and probe.bit_depth == 8
    assert probe.mime_type == "image/png"


def test_dpx_header_fields(tmp_path: Path) -> None:
    write_dpx(str(tmp_path / "d.0001.dpx"), np.zeros((H, W, 3), np.uint16), frame_rate=23.976)
    write_dpx(str(tmp_path / "d.0002.dpx"), np.zeros((H, W, 3), np.uint16), frame_rate=23.976)
    probe = probe_media(media_item_for(str(tmp_path / "d.%04d.dpx")))
    assert probe.fps == Fraction(24000, 1001) and probe.bit_depth == 10
    assert (probe.colour_space, probe.colour_space_guessed) == ("ADX10", False)  # written as printing density


def _cineon_patches() -> np.ndarray:
    """10-bit Cineon-like codes: grey card 445, reference white 685, black 95."""
    pixels = np.zeros((H, W, 3), np.uint16)
    pixels[:, :20], pixels[:, 20:40], pixels[:, 40:] = 445, 685, 95
    return pixels


def test_printing_density_dpx_is_not_read_as_acescct(tmp_path: Path) -> None:
    from dataclasses import replace

    from horus_desktop.media.colour import default_colour_config
    from horus_desktop.media.decode_dpx import decode_dpx
    from horus_desktop.media.display import render_frame

    write_dpx(str(tmp_path / "scan.dpx"), _cineon_patches(), transfer=1)
    probe = probe_media(media_item_for(tmp_path / "scan.dpx"))
    frame = decode_dpx(str(tmp_path / "scan.dpx"))
    assert probe.colour_space == frame.colour_space == "ADX10" and not probe.colour_space_guessed
    colour = default_colour_config()
    white = render_frame(frame, colour)[0, 30].mean()
    as_acescct = render_frame(replace(frame, colour_space="ACEScct"), colour)[0, 30].mean()
    assert white < as_acescct - 20  # Cineon white read as ACEScct is pushed toward display white


@pytest.mark.parametrize(("transfer", "colorimetric", "expected"), [
    (0, 0, "sRGB Encoded Rec.709 (sRGB)"),  # user-defined: a guess the project default outranks
    (4, 4, "sRGB Encoded Rec.709 (sRGB)"),  # unspecified video
    (3, 0, "ADX10"),  # "logarithmic", nothing more: the closest log space, flagged
    (2, 0, "Linear Rec.709 (sRGB)"),  # linear of unknown primaries
])
def test_dpx_that_does_not_say_is_a_flagged_guess(tmp_path: Path, transfer: int, colorimetric: int,
                                                   expected: str) -> None:
    write_dpx(str(tmp_path / "u.dpx"), _cineon_patches(), transfer=transfer, colorimetric=colorimetric)
    probe = probe_media(media_item_for(tmp_path / "u.dpx"))
    assert (probe.colour_space, probe.colour_space_guessed) == (expected, True)


def test_dpx_rec709_and_16_bit_printing_density_are_stated(tmp_path: Path) -> None:
    write_dpx(str(tmp_path / "v.dpx"), _cineon_patches(), transfer=6)
    write_dpx(str(tmp_path / "p16.dpx"), _cineon_patches() * 64, bit_depth=16, transfer=1)
    assert probe_media(media_item_for(tmp_path / "v.dpx")).colour_space == "Camera Rec.709"
    probe = probe_media(media_item_for(tmp_path / "p16.dpx"))
    assert (probe.colour_space, probe.colour_space_guessed) == ("ADX16", False)


def test_colour_space_guess_flag_of_other_formats(tmp_path: Path) -> None:
    write_exr(tmp_path / "said.exr", np.ones((H, W, 3), "f2"), extra_header={"chromaticities": AP1})
    write_exr(tmp_path / "silent.exr", np.ones((H, W, 3), "f2"))
    Image.new("RGB", (W, H)).save(tmp_path / "plain.png")
    assert not probe_media(media_item_for(tmp_path / "said.exr")).colour_space_guessed
    assert probe_media(media_item_for(tmp_path / "silent.exr")).colour_space_guessed
    assert probe_media(media_item_for(tmp_path / "plain.png")).colour_space_guessed


def test_movie_metadata(tmp_path: Path) -> None:
    path = write_movie(tmp_path / "m.mov", 12, size=(W, H), fps=Fraction(30000, 1001))
    probe = probe_media(media_item_for(path))
    assert probe.kind is MediaKind.MOVIE and probe.fps == Fraction(30000, 1001)
    assert (probe.start_frame, probe.end_frame, probe.frame_count) == (1, 12, 12)
    assert probe.codec == "h264" and probe.mime_type == "video/quicktime" and probe.bit_depth == 8
    assert probe.resolution == "64x36"


def test_png_with_linear_gamma_chunk(tmp_path: Path) -> None:
    Image.new("RGB", (W, H)).save(tmp_path / "lin.png", pnginfo=None)
    data = (tmp_path / "lin.png").read_bytes()
    # insert a gAMA chunk saying gamma 1.0 (100000) after IHDR
    import struct
    import zlib

    body = b"gAMA" + struct.pack(">I", 100000)
    chunk = struct.pack(">I", 4) + body + struct.pack(">I", zlib.crc32(body))
    ihdr_end = 8 + 25
    (tmp_path / "lin.png").write_bytes(data[:ihdr_end] + chunk + data[ihdr_end:])
    assert probe_media(media_item_for(tmp_path / "lin.png")).colour_space == "Linear Rec.709 (sRGB)"


def _raw_png(depth: int, colour: int, interlace: int) -> bytes:
    """A PNG header of any (bit depth, colour type), pixels left out: what Pillow has no writer for."""
    import struct
    import zlib

    def chunk(cid: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + cid + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(cid)))

    header = struct.pack(">IIBBBBB", W, H, depth, colour, 0, 0, interlace)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


def _png_variants(folder: Path) -> list[Path]:
    """PNGs of every colour type and bit depth, with and without gamma, palette, transparency, physical size,
    interlacing, an ICC profile, text, a bad checksum and a cut header: what PNG writers put before the pixels."""
    from PIL import ImageCms, PngImagePlugin

    made: list[Path] = []

    def save(name: str, image: Image.Image, **options: object) -> None:
        made.append(folder / name)
        image.save(made[-1], **options)

    for mode in ("1", "L", "LA", "RGB", "RGBA", "P", "I;16"):
        save(f"{mode.replace(';', '_')}.png", Image.new(mode, (W, H)))
    for depth, colour, interlace in ((16, 2, 0), (16, 6, 0), (16, 4, 0), (2, 0, 0), (4, 3, 0), (8, 2, 1), (8, 5, 0)):
        made.append(folder / f"raw_{depth}_{colour}_{interlace}.png")
        made[-1].write_bytes(_raw_png(depth, colour, interlace))
    for gamma in (1.0, 1.005, 0.45455, 2.2):
        info = PngImagePlugin.PngInfo()
        info.add(b"gAMA", int(gamma * 100000).to_bytes(4, "big"))
        save(f"gamma{gamma}.png", Image.new("RGB", (W, H)), pnginfo=info)
    save("dpi.png", Image.new("RGB", (W, H)), dpi=(300, 300))
    save("palette_alpha.png", Image.new("P", (W, H)), transparency=0)
    save("rgb_alpha.png", Image.new("RGB", (W, H)), transparency=(1, 2, 3))
    save("interlaced.png", Image.new("RGB", (W, H)), optimize=False)
    save("icc.png", Image.new("RGB", (W, H)), icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    text = PngImagePlugin.PngInfo()
    text.add_text("Software", "Nuke")
    save("text.png", Image.new("RGB", (W, H)), pnginfo=text)
    srgb = PngImagePlugin.PngInfo()
    srgb.add(b"sRGB", b"\x00")
    srgb.add(b"gAMA", (100000).to_bytes(4, "big"))
    save("srgb_linear.png", Image.new("RGB", (W, H)), pnginfo=srgb)
    broken = bytearray((folder / "RGB.png").read_bytes())
    broken[29] ^= 0xFF  # inside the IHDR's checksum
    (folder / "bad_crc.png").write_bytes(bytes(broken))
    (folder / "cut.png").write_bytes(bytes(broken[:20]))
    made += [folder / "bad_crc.png", folder / "cut.png"]
    return made


def test_png_header_reader_says_what_pillow_says(tmp_path: Path) -> None:
    """Stills are probed from their PNG chunks without Pillow; every header reads as Pillow reads it, and
    files it cannot read plainly fail with Pillow's own error."""
    from horus_desktop.media import probe as probe_module
    from horus_desktop.media.errors import DamagedFrameError

    for path in _png_variants(tmp_path):
        try:
            pillow: object = probe_module._probe_pillow(str(path))
        except DamagedFrameError as exc:
            pillow = exc.reason
        try:
            ours: object = probe_module.probe_image_file(str(path))
        except DamagedFrameError as exc:
            ours = exc.reason
        assert ours == pillow, path.name
    assert probe_module._probe_png_header(str(tmp_path / "RGB.png")) is not None  # the plain path is taken
    assert probe_module._probe_png_header(str(tmp_path / "gamma1.0.png")).colour_space == "Linear Rec.709 (sRGB)"
