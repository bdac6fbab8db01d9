"""The one-read probe of ingest (probe_and_hash) says exactly what probe_media and the hash of its files say,
for good, damaged and odd media, and leaves an unchanged media unhashed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from horus_desktop.media.decode_dpx import write_dpx
from horus_desktop.media.errors import MediaError
from horus_desktop.media.hashing import sha256_media
from horus_desktop.media.probe import SMALL_FILE, hashed_files, probe_and_hash, probe_media
from horus_desktop.media.sequences import scan_media
from horus_desktop.media.synthetic import write_exr

H, W = 18, 32


def _png(path: Path, seed: int, **options) -> None:
    Image.fromarray(np.full((H, W, 3), seed, np.uint8)).save(path, **options)


def _outcome(probe, item):
    try:
        return probe(item)
    except MediaError as exc:
        return type(exc).__name__, exc.path, exc.reason


@pytest.fixture
def media(tmp_path: Path) -> Path:
    root = tmp_path / "m"
    for name, options in (("plain", {}), ("gamma", {"gamma": 1.0}), ("icc", {"icc_profile": b"x" * 40})):
        (root / name).mkdir(parents=True)
        _png(root / name / f"{name}.png", 3, **options)
    seq = root / "seq"
    seq.mkdir()
    for f in range(1001, 1006):
        _png(seq / f"s.{f:04d}.png", f % 250)
    (seq / "s.1003.png").write_bytes(b"")  # empty frame: left out of the hash
    (seq / "s.1004.png").write_bytes((seq / "s.1004.png").read_bytes()[:-12])  # truncated: in the hash
    first_bad = root / "firstbad"
    first_bad.mkdir()
    for f in (1, 2, 3):
        _png(first_bad / f"b.{f:04d}.png", f)
    (first_bad / "b.0001.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 30)
    (root / "alone").mkdir()
    _png(root / "alone" / "e.0001.png", 1)
    for f in (2, 3):
        (root / "alone" / f"e.{f:04d}.png").write_bytes(b"")  # every frame but one empty
    (root / "broken").mkdir()
    (root / "broken" / "x.png").write_bytes(b"not a png at all")
    (root / "broken" / "y.jpg").write_bytes(b"\xff\xd8 cut")
    (root / "dpx").mkdir()
    for f in (1, 2):
        write_dpx(str(root / "dpx" / f"d.{f:04d}.dpx"), np.zeros((H, W, 3), np.uint16), frame_rate=25)
    (root / "exr").mkdir()
    write_exr(root / "exr" / "plate.exr", np.ones((H, W, 3), "f2"), compression="piz")
    Image.fromarray(np.zeros((H, W, 3), np.uint8)).save(root / "exr" / "still.jpg", quality=90)
    (root / "big").mkdir()
    _png(root / "big" / "big.png", 9, pnginfo=None)
    with open(root / "big" / "big.png", "r+b") as handle:  # padded past SMALL_FILE after IEND: not read whole
        handle.seek(0, 2)
        handle.write(b"\0" * (SMALL_FILE + 1))
    return root


def test_the_one_read_probe_equals_probe_media_and_the_files_hash(media: Path) -> None:
    items = list(scan_media(media))
    assert len(items) >= 12
    read_whole = 0
    for item in items:
        expected = _outcome(probe_media, item)
        got = _outcome(probe_and_hash, item)
        if isinstance(expected, tuple):
            assert got == expected, item.path
            continue
        probe, file_hash = got
        assert probe == expected, item.path
        assert file_hash in (None, sha256_media(hashed_files(item, expected))), item.path
        read_whole += file_hash is not None
    assert read_whole >= 8  # the small PNG, DPX, EXR and JPEG media were hashed from their one read


def test_an_unchanged_media_is_probed_but_not_hashed(media: Path) -> None:
    [item] = [i for i in scan_media(media) if Path(i.path).parent.name == "seq"]
    probe, file_hash = probe_and_hash(item)
    assert file_hash is not None
    again, none = probe_and_hash(item, (probe.file_size, probe.mtime))
    assert again == probe and none is None
    _, changed = probe_and_hash(item, (probe.file_size + 1, probe.mtime))
    assert changed == file_hash


def test_a_long_sequence_is_left_to_the_ingests_hashing_threads(media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from horus_desktop.media import probe as probe_module

    [item] = [i for i in scan_media(media) if Path(i.path).parent.name == "seq"]
    monkeypatch.setattr(probe_module, "SMALL_MEDIA", 100)  # every frame is small, the sequence is not
    probe, file_hash = probe_and_hash(item)
    assert probe == probe_media(item) and file_hash is None
