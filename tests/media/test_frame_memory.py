"""Memory for frames read out of the decode processes: a freed frame's pages serve the next frame of its size,
within a bound, and are given back once unused for a while or when the pool closes."""

from __future__ import annotations

import gc
import time

import numpy as np

from horus_desktop.media.frame_memory import FrameMemory

SHAPE = (37, 53, 3)
DTYPE = np.dtype(np.float16)
SIZE = 37 * 53 * 3 * 2


def test_a_freed_frames_pages_serve_the_next_frame_of_its_size() -> None:
    memory = FrameMemory()
    first = memory.new_array(SHAPE, DTYPE)
    first[:] = 1.5
    assert first.flags.c_contiguous and first.flags.writeable and first.shape == SHAPE
    view = first[10:20]  # a view keeps the frame's pages in use
    del first
    gc.collect()
    assert memory.kept_bytes() == 0
    del view
    gc.collect()
    assert memory.kept_bytes() == SIZE
    other = memory.new_array((5, 7, 3), DTYPE)  # another size: new pages, the kept ones wait
    assert memory.kept_bytes() == SIZE and other.shape == (5, 7, 3)
    second = memory.new_array(SHAPE, DTYPE)
    assert memory.kept_bytes() == 0
    second[:] = 2.0  # written whole, as a frame read into it is
    assert np.all(second == 2.0)


def test_freed_frames_beyond_the_bound_are_given_back() -> None:
    memory = FrameMemory(keep_bytes=2 * SIZE)
    frames = [memory.new_array(SHAPE, DTYPE) for _ in range(5)]
    del frames
    gc.collect()
    assert memory.kept_bytes() == 2 * SIZE


def test_frames_freed_last_are_kept_in_place_of_those_kept_longest() -> None:
    """A switch of frame size (GPU path to CPU display frames, a zoom): the new size's frames are kept for
    the next ones, not refused because the bound is full of a size no longer asked for."""
    memory = FrameMemory(keep_bytes=2 * SIZE)
    large = [memory.new_array(SHAPE, DTYPE) for _ in range(2)]
    del large
    gc.collect()
    assert memory.kept_bytes() == 2 * SIZE
    small_shape = (37, 53, 1)  # a third of SIZE
    small = [memory.new_array(small_shape, DTYPE) for _ in range(6)]
    assert memory.kept_bytes() == 2 * SIZE  # another size: new pages, the kept ones wait
    del small
    gc.collect()
    assert memory.kept_bytes() == 2 * SIZE  # all six small ones kept, the large ones given back
    assert not memory.has_kept(SIZE)
    again = [memory.new_array(small_shape, DTYPE) for _ in range(6)]
    assert memory.kept_bytes() == 0  # each served by a kept frame's pages
    assert all(frame.shape == small_shape for frame in again)


def test_pages_unused_for_a_while_or_of_a_closed_pool_are_given_back() -> None:
    memory = FrameMemory()
    frames = [memory.new_array(SHAPE, DTYPE) for _ in range(3)]
    del frames
    gc.collect()
    assert memory.kept_bytes() == 3 * SIZE
    memory.drop_idle(60.0)  # freed just now: kept
    assert memory.kept_bytes() == 3 * SIZE
    time.sleep(0.05)
    memory.drop_idle(0.01)
    assert memory.kept_bytes() == 0
    frame = memory.new_array(SHAPE, DTYPE)
    memory.close()
    del frame
    gc.collect()
    assert memory.kept_bytes() == 0  # closed: a frame freed afterwards keeps nothing


def test_a_jpeg_sequence_plays_into_the_pages_of_frames_let_go(tmp_path) -> None:
    # A JPEG's frames decode in the cache's threads; with a decode pool they go into its frame memory: the
    # frames of a cache closed (a shot left) serve the next cache's, and they are the frames decoded plainly.
    from horus_desktop.media.decode_image import decode_jpeg
    from horus_desktop.media.decode_pool import DecodePool
    from horus_desktop.media.frame_cache import FrameCache
    from horus_desktop.media.open_source import open_frame_source
    from horus_desktop.media.synthetic import write_jpeg_sequence

    pattern = write_jpeg_sequence(tmp_path / "jpg", 6, size=(96, 54))
    pool = DecodePool(1)
    assert pool.wait_ready()
    try:
        with open_frame_source(pattern) as source:
            with FrameCache(source, workers=2, pool=pool, read_ahead=6) as cache:
                cache.set_playhead(source.frame_range[0])
                shown = [cache.get(f, timeout=30).frame for f in source.frames()]
                for frame in shown:
                    plain = decode_jpeg(source.file_for(frame.frame))
                    assert np.array_equal(frame.pixels, plain.pixels)
            del shown, frame
            gc.collect()
            kept = pool.memory.kept_bytes()
            assert kept >= 6 * 96 * 54 * 3
            with FrameCache(source, workers=2, pool=pool, read_ahead=6) as cache:
                cache.set_playhead(source.frame_range[0])
                again = [cache.get(f, timeout=30).frame for f in source.frames()]
                assert pool.memory.kept_bytes() <= kept - 6 * 96 * 54 * 3
                assert np.array_equal(again[2].pixels, decode_jpeg(source.file_for(again[2].frame)).pixels)
    finally:
        pool.close()


def test_kept_pages_are_given_back_once_idle_without_another_frame_asked_for() -> None:
    # Playback stopped: no new frame comes to give the idle pages back, the memory's own timer does.
    memory = FrameMemory(idle_s=1.0, timer=True)
    frames = [memory.new_array(SHAPE, DTYPE) for _ in range(2)]
    del frames  # no cycle: their pages are kept at once
    assert memory.kept_bytes() == 2 * SIZE
    deadline = time.monotonic() + 5.0
    while memory.kept_bytes() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert memory.kept_bytes() == 0
    again = memory.new_array(SHAPE, DTYPE)  # and it goes on serving frames
    del again
    assert memory.kept_bytes() == SIZE
    memory.close()
    assert memory.kept_bytes() == 0
    # A memory without a timer (a decode pool's, swept by the pool) keeps them until asked.
    untimed = FrameMemory(idle_s=0.1)
    frame = untimed.new_array(SHAPE, DTYPE)
    del frame
    gc.collect()
    time.sleep(0.3)
    assert untimed.kept_bytes() == SIZE
    untimed.close()


def test_a_movie_played_on_the_gpu_path_plays_into_the_pages_of_frames_let_go(tmp_path) -> None:
    # PyAV gives each frame memory of its own; a cache keeping a movie's frames as decoded (the GPU path) gets
    # them copied into the process's frame memory, so the frames of a cache closed (a shot left, a second pass)
    # serve the next cache's; the frames are the ones the movie decodes to.
    from horus_desktop.media.frame_cache import FrameCache
    from horus_desktop.media.frame_memory import shared_memory
    from horus_desktop.media.open_source import open_frame_source
    from horus_desktop.media.synthetic import write_movie

    movie = write_movie(tmp_path / "m.mp4", 8, size=(96, 54))
    frame_bytes = 96 * 54 * 3
    memory = shared_memory()
    memory.drop_idle(0.0)
    with open_frame_source(movie) as source:
        plain = {f: source.read(f).pixels.copy() for f in source.frames()}
        with FrameCache(source, workers=2, read_ahead=8) as cache:
            cache.set_playhead(source.frame_range[0])
            shown = [cache.get(f, timeout=30).frame for f in source.frames()]
            assert all(np.array_equal(frame.pixels, plain[frame.frame]) for frame in shown)
        del shown
        gc.collect()
        kept = memory.kept_bytes()
        assert kept >= 8 * frame_bytes
        with FrameCache(source, workers=2, read_ahead=8) as cache:
            cache.set_playhead(source.frame_range[0])
            again = [cache.get(f, timeout=30).frame for f in source.frames()]
            assert memory.kept_bytes() <= kept - 8 * frame_bytes
            assert all(np.array_equal(frame.pixels, plain[frame.frame]) for frame in again)
