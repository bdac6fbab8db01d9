from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from horus_desktop.media.errors import UnreadableFileError
from horus_desktop.media.hashing import combine_digests, sha256_file, sha256_files, sha256_media


def test_file_hash_matches_hashlib_across_block_boundaries(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    path = tmp_path / "a.bin"
    path.write_bytes(data)
    assert sha256_file(path, block_size=1024 * 1024) == hashlib.sha256(data).hexdigest()
    (tmp_path / "empty").write_bytes(b"")
    assert sha256_file(tmp_path / "empty") == hashlib.sha256(b"").hexdigest()


def test_sequence_hash_is_hash_of_ordered_frame_digests(tmp_path: Path) -> None:
    paths = []
    for i in range(5):
        path = tmp_path / f"s.{i:04d}.exr"
        path.write_bytes(bytes([i]) * 1000)
        paths.append(path)
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    assert sha256_files(paths) == digests
    expected = hashlib.sha256("".join(digests).encode()).hexdigest()
    assert sha256_media(paths) == combine_digests(digests) == expected
    assert sha256_media(list(reversed(paths))) != expected
    assert sha256_media(paths[:1]) == digests[0]


def test_missing_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError) as info:
        sha256_file(tmp_path / "nope")
    assert info.value.path.endswith("nope")
