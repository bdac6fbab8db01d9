from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
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


def test_digests_are_hashlibs_for_empty_huge_sparse_and_many_files(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.bin"
    with open(sparse, "wb") as handle:  # 40 MiB of holes and a few bytes: spans many read blocks
        handle.truncate(40 * 1024 * 1024)
        handle.seek(17 * 1024 * 1024 + 3)
        handle.write(b"data")
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    frames = []
    for i in range(30):
        frames.append(tmp_path / f"f.{i:04d}.bin")
        frames[-1].write_bytes(os.urandom(i * 1000))  # the first one empty too
    paths = [sparse, empty, *frames]
    expected = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    assert [sha256_file(p) for p in paths] == expected
    assert sha256_files(paths) == expected
    with ThreadPoolExecutor(3) as pool:
        assert sha256_files(paths, pool) == expected
        assert sha256_media(frames, pool) == combine_digests(expected[2:])


def test_sequences_hashed_on_a_pool_whose_threads_all_hash_sequences(tmp_path: Path) -> None:
    """Each task of a one-thread (or two-thread) pool hashes a sequence with helpers from that same pool:
    the caller never waits on a helper that has not started, so this ends (no deadlock)."""
    sequences = []
    for s in range(4):
        frames = []
        for i in range(6):
            frames.append(tmp_path / f"s{s}.{i:04d}.bin")
            frames[-1].write_bytes(bytes([s, i]) * 5000)
        sequences.append(frames)
    expected = [combine_digests([hashlib.sha256(p.read_bytes()).hexdigest() for p in frames]) for frames in sequences]
    for workers in (1, 2):
        with ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(sha256_media, frames, pool) for frames in sequences]
            assert [f.result(timeout=60) for f in futures] == expected


def test_an_unreadable_frame_fails_the_sequence_naming_it(tmp_path: Path) -> None:
    frames = [tmp_path / f"s.{i:04d}.bin" for i in range(5)]
    for frame in frames[:2] + frames[3:]:
        frame.write_bytes(b"x" * 100)
    with ThreadPoolExecutor(2) as pool, pytest.raises(UnreadableFileError) as info:
        sha256_media(frames, pool)
    assert info.value.path == str(frames[2])
