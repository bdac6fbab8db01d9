"""Reading a decode process's frame out of its memory: the bytes it holds, and a clear error once it is gone."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest

from horus_desktop.media import remote_read

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="process_vm_readv is Linux's")

FRAME = (1080, 2048, 3)


def _hold(conn, shape: tuple[int, ...]) -> None:  # noqa: ANN001 (a Connection)
    pixels = np.random.default_rng(3).integers(0, 1 << 16, shape, dtype=np.uint16)
    conn.send((pixels.ctypes.data, pixels.tobytes()))
    conn.recv()  # holds them until told


@contextmanager
def _child_holding(shape: tuple[int, ...]) -> Iterator[tuple[int, int, bytes]]:
    """A child process holding uint16 pixels of ``shape``: its pid, their address and bytes; it has ended after."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_hold, args=(theirs, shape))
    child.start()
    try:
        address, expected = ours.recv()
        yield child.pid, address, expected
    finally:
        ours.send("done")
        child.join(10)


def test_a_child_processs_pixels_are_read_as_it_holds_them_and_a_gone_process_is_an_error() -> None:
    with _child_holding((4096,)) as (pid, address, expected):
        assert remote_read.probe(pid, address, expected[:16])
        out = np.empty(4096, np.uint16)
        remote_read.read_into(pid, address, out)
        assert out.tobytes() == expected
        assert not remote_read.probe(pid, address, b"not what it holds")
    assert not remote_read.probe(pid, address, expected[:16])
    with pytest.raises(OSError, match=f"process {pid}"):
        remote_read.read_into(pid, address, np.empty(16, np.uint8))


def test_a_frame_read_on_several_threads_is_the_frame_and_a_gone_process_is_still_an_error() -> None:
    """The frame a user waits for is read in parts on every core: the same bytes, in order, and the same error."""
    with _child_holding(FRAME) as (pid, address, expected):
        for threads in (2, 3, 8):
            out = np.zeros(FRAME, np.uint16)
            remote_read.read_into(pid, address, out, threads=threads)
            assert out.tobytes() == expected
    with pytest.raises(OSError, match=f"process {pid}"):
        remote_read.read_into(pid, address, np.empty(FRAME, np.uint16), threads=2)
