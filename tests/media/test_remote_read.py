"""Reading a decode process's frame out of its memory: the bytes it holds, and a clear error once it is gone."""

from __future__ import annotations

import multiprocessing
import sys

import numpy as np
import pytest

from horus_desktop.media import remote_read

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="process_vm_readv is Linux's")


def _hold(conn) -> None:  # noqa: ANN001 (a Connection)
    pixels = np.arange(4096, dtype=np.uint16)
    conn.send((pixels.ctypes.data, pixels.tobytes()))
    conn.recv()  # holds them until told


def test_a_child_processs_pixels_are_read_as_it_holds_them_and_a_gone_process_is_an_error() -> None:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_hold, args=(theirs,))
    child.start()
    try:
        address, expected = ours.recv()
        assert remote_read.probe(child.pid, address, expected[:16])
        out = np.empty(4096, np.uint16)
        remote_read.read_into(child.pid, address, out)
        assert out.tobytes() == expected
        assert not remote_read.probe(child.pid, address, b"not what it holds")
    finally:
        ours.send("done")
        child.join(10)
    assert not remote_read.probe(child.pid, address, expected[:16])
    with pytest.raises(OSError, match=f"process {child.pid}"):
        remote_read.read_into(child.pid, address, np.empty(16, np.uint8))


def _hold_frame(conn) -> None:  # noqa: ANN001 (a Connection)
    pixels = np.random.default_rng(3).integers(0, 1 << 16, (1080, 2048, 3), dtype=np.uint16)
    conn.send((pixels.ctypes.data, pixels.tobytes()))
    conn.recv()


def test_a_frame_read_on_several_threads_is_the_frame_and_a_gone_process_is_still_an_error() -> None:
    """The frame a user waits for is read in parts on every core: the same bytes, in order, and the same error."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_hold_frame, args=(theirs,))
    child.start()
    try:
        address, expected = ours.recv()
        for threads in (2, 3, 8):
            out = np.zeros((1080, 2048, 3), np.uint16)
            remote_read.read_into(child.pid, address, out, threads=threads)
            assert out.tobytes() == expected
    finally:
        ours.send("done")
        child.join(10)
    with pytest.raises(OSError, match=f"process {child.pid}"):
        remote_read.read_into(child.pid, address, np.empty((1080, 2048, 3), np.uint16), threads=2)
