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
