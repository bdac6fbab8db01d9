"""Movies through PyAV with frame-accurate random access.

Frame numbers count from `first_frame` (1, as RV shows them). A frame's number is derived from its
presentation timestamp, so frame N is the same image whether reached by playing or by seeking: a seek
goes to the keyframe at or before N and decodes forward to N. The container stays open, and a read of
the next frames (or a short jump ahead) continues decoding without seeking.

Each open decoder (its own container) decodes one frame at a time, and different decoders decode at the
same time: a frame scrubbed to while another decoder reads ahead takes an idle decoder, or a new one, so it
never waits behind the read-ahead. A read given a ``cancelled`` check (`read_unless`) stops between two
packets once the check is true, and gives up waiting for a decoder: a scrub that moved on does not keep the
cores (or a decoder) decoding up to a frame nobody will see.

A read that decodes forward to a frame (from its keyframe, or a jump ahead) lets the codec drop the
non-reference frames before it (``skip_frame`` NONREF, as mpv's seeks do): nothing refers to them and nobody
sees them; the frame read and every frame after it decode in full. Where a decoder stands is judged against
the keyframes, read from the container's own index at open (MP4/MOV: no reading) or else from the packets on
a thread of its own.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import threading
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import av
import numpy as np

from horus_desktop.media.colour_defaults import MOVIE_DEFAULT
from horus_desktop.media.errors import DamagedFrameError, MissingFrameError, UnreadableFileError
from horus_desktop.media.frames import DEFAULT_DECODE_TIMEOUT, Frame, FrameSource, Superseded, full_window

if TYPE_CHECKING:
    from horus_desktop.media.frame_memory import FrameMemory

MOVIE_FIRST_FRAME = 1
# Decoding forward this many frames is cheaper than a seek plus the decode from the keyframe.
FORWARD_DECODE_LIMIT = 48
#: Open decoders per movie: one for the playhead's run, one for a second range (loop wrap, a jump away).
MAX_DECODERS = 2
#: One more, opened only while every other decoder is busy: a frame scrubbed to while both decode.
MAX_BUSY_DECODERS = MAX_DECODERS + 1
#: How often a read waiting for a busy decoder checks whether it is still wanted.
CANCEL_POLL_S = 0.01


def stream_rate(stream: Any) -> Fraction | None:
    """The stream's frame rate as an exact fraction (24000/1001 for 23.976), None if unknown."""
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            return Fraction(rate.numerator, rate.denominator)
    return None


def stream_frame_count(container: Any, stream: Any, rate: Fraction | None) -> int:
    """Frames in the stream: from the header, else the duration, else by counting packets."""
    if stream.frames:
        return int(stream.frames)
    if stream.duration and rate and stream.time_base:
        return int(round(stream.duration * stream.time_base * rate))
    if container.duration and rate:
        return int(round(Fraction(container.duration, av.time_base) * rate))
    return sum(1 for packet in container.demux(stream) if packet.size)


def _output_format(stream: Any) -> str:
    name = stream.codec_context.pix_fmt or ""
    deep = any(tag in name for tag in ("10", "12", "16", "48", "64"))
    alpha = name.startswith(("yuva", "rgba", "bgra", "argb", "abgr", "gbrap"))
    if deep:
        return "rgba64le" if alpha else "rgb48le"
    return "rgba" if alpha else "rgb24"


def _frames(decoder: _Decoder) -> Iterator[Any]:
    """The stream's frames in order (as ``container.decode(stream)``), with None after each packet that gave
    no frame: a point where a read nobody wants any more can stop. After a seek the codec's frame threads
    take several packets before the first frame, and on a loaded machine a stale read held its decoder (and
    the cores) for up to 0.7 s there before it could check (traced in `horus bench scrub`).

    A packet of a frame before the read's target (``decoder.skip_pts``) is decoded with the non-reference
    frames dropped (`_Decoder.aim`); the codec's frame threads take the setting with each packet."""
    context = decoder.stream.codec_context
    dropping: bool | None = None  # unknown after a seek: set with the first packet
    for packet in decoder.container.demux(decoder.stream):
        drop = packet.pts is not None and packet.pts < decoder.skip_pts
        if drop != dropping:
            context.skip_frame = "NONREF" if drop else "DEFAULT"
            dropping = drop
        if drop:
            decoder.dropped_before = max(decoder.dropped_before, decoder.target)
            decoder.dropped = True
        frames = packet.decode()
        if not frames:
            yield None
        yield from frames


def _open_container(path: str) -> Any:
    try:
        return av.open(path)
    except PermissionError as exc:
        raise UnreadableFileError(path, "no read permission") from exc
    except FileNotFoundError as exc:
        raise UnreadableFileError(path, "file not found") from exc
    except (av.FFmpegError, UnicodeDecodeError) as exc:  # damaged metadata text fails to decode
        raise DamagedFrameError(path, f"cannot open movie: {exc}") from exc


class _OpenOne:
    """`MovieSource._decoder_for`'s answer when a new decoder should be opened (by the caller, unlocked)."""


_OPEN_ONE = _OpenOne()


class _Decoder:
    """One open container and where its decoder is in the stream."""

    def __init__(self, container: Any) -> None:
        self.container = container
        self.stream = container.streams.video[0]
        self.stream.thread_type = "AUTO"  # the codec's own frame/slice threads: all cores on one stream
        self.frames: Iterator[Any] | None = None
        self.position = -1  # index of the last frame taken from the decoder
        self.last: tuple[int, np.ndarray] | None = None
        self.used = 0
        self.busy = False  # a thread decodes on it now (set and read under the source's lock)
        # The read under way: packets of frames before ``skip_pts`` (its target's first pts) drop their
        # non-reference frames. Frames before ``dropped_before`` may be missing since the last seek (a read
        # stopped part-way), and ``dropped`` tells whether the read under way dropped any.
        self.decoded = 0  # frames it gave since its last read ended (`MovieSource.frames_decoded`)
        self.target = -1
        self.skip_pts = -math.inf
        self.dropped_before = -1
        self.dropped = False

    def aim(self, index: int, skip_pts: float) -> None:
        """The next frames are decoded for a read of `index`; packets before ``skip_pts`` may drop frames."""
        self.target, self.skip_pts, self.dropped = index, skip_pts, False

    def distance(self, index: int, keyframe: int | None = None) -> int | None:
        """Frames to decode forward to reach `index` without a seek, or None if a seek is needed (also when
        `keyframe`, the last keyframe at or before `index`, lies past the decoder: decoding from it is
        shorter)."""
        if self.last is not None and self.last[0] == index:
            return 0
        if self.frames is None or self.position < 0:
            # Not positioned, or seeked and no frame decoded yet (a read given up right after its seek):
            # where it stands is unknown, not the stream's start. Counted from -1, a decoder seeked to frame
            # 90 looked 14 frames from frame 13, decoded from 48, found itself past 13 and sought again
            # (traced: a scrubbed-to frame paid a second GOP decode).
            return None
        ahead = index - self.position
        if ahead <= 0 or ahead > FORWARD_DECODE_LIMIT or index < self.dropped_before:
            return None
        if keyframe is not None and keyframe > self.position + 1:
            return None
        return ahead

    def close(self) -> None:
        self.container.close()
        self.frames = None


class MovieSource(FrameSource):
    """Frames of a movie's first video stream."""

    ordered_decode = True

    def __init__(self, path: str, *, decode_timeout: float | None = DEFAULT_DECODE_TIMEOUT) -> None:
        self.path = path
        self.decode_timeout = decode_timeout
        self._lock = threading.Condition()  # the decoders' list and busy marks; one decode per decoder
        self.seeks = 0
        #: Frames the decoders gave (the frames read and those decoded on the way to them).
        self.frames_decoded = 0
        self._cancels: dict[int, Callable[[], bool]] = {}
        container = _open_container(path)
        if not container.streams.video:
            container.close()
            raise UnreadableFileError(path, "no video stream")
        stream = container.streams.video[0]
        if stream.codec_context is None:  # a damaged or unknown codec header: PyAV has no decoder
            container.close()
            raise DamagedFrameError(path, "the video stream has no usable codec (damaged or unknown header)")
        self._stream = stream
        self.rate = stream_rate(stream) or Fraction(24)
        self._time_base = stream.time_base or Fraction(1, 1_000_000)
        self._start_pts = stream.start_time or 0
        self.frame_count = stream_frame_count(container, stream, self.rate)
        if self.frame_count <= 0:
            container.close()
            raise DamagedFrameError(path, "movie has no frames")
        self._format = _output_format(stream)
        self._decoders: list[_Decoder] | None = [_Decoder(container)]
        # The container's own index (MP4/MOV), else read once on its own thread (`_read_keyframes`).
        self._keyframes: list[int] | None = self._indexed_keyframes(stream)
        self._index_thread: threading.Thread | None = None
        self._opening = 0  # decoders being opened (without the lock)
        self._spares: threading.Thread | None = None
        self._may_open = True
        self._uses = 0

    @property
    def frame_range(self) -> tuple[int, int]:
        """(1, frame count)."""
        return (MOVIE_FIRST_FRAME, MOVIE_FIRST_FRAME + self.frame_count - 1)

    def _index_of(self, decoder: _Decoder, video: Any) -> int:
        pts = video.pts if video.pts is not None else video.dts
        if pts is None:
            return decoder.position + 1
        return int(round((pts - self._start_pts) * self._time_base * self.rate))

    def _indexed_keyframes(self, stream: Any) -> list[int] | None:
        """The keyframes' frame indexes from the container's index as read with its header, or None when it
        does not list every frame (MKV's cues, MPEG-TS: read from the packets later). Read before the first
        jump, a scrubbed-to frame waited for the packet read (47-106 ms of a 96-frame 1080p movie under load,
        traced) and decoded on through a keyframe meanwhile. An entry's time is a decode time (MP4/MOV): a
        keyframe is presented as late after it as the first one is, for H.264/HEVC's constant reorder delay
        (where not, a decoder's choice is a frame off, never the frame decoded)."""
        try:
            entries = stream.index_entries
            if len(entries) < self.frame_count:
                return None
            keys = [entry.timestamp for entry in entries if entry.is_keyframe and not entry.is_discard]
            if not keys or any(entry.is_discard for entry in entries):
                return None
        except Exception:  # noqa: BLE001 - an index this PyAV cannot give: read the packets instead
            return None
        shift = self._start_pts - keys[0]
        scale = self._time_base * self.rate
        return sorted({int(round((key + shift - self._start_pts) * scale)) for key in keys})

    def _first_pts(self, index: int) -> int:
        """The lowest pts a frame numbered `index` can have (`_index_of` rounds): a packet below it is an
        earlier frame's."""
        return self._start_pts + math.ceil((Fraction(index) - Fraction(1, 2)) / (self._time_base * self.rate))

    def _needs_keyframes(self, index: int) -> bool:
        """True when choosing a decoder for `index` needs the keyframe index and it is not read yet: an idle
        decoder could decode forward more than one frame to it (is a seek shorter?). Starts the read (call
        locked)."""
        assert self._decoders is not None
        if self._keyframes is not None:
            return False
        if not any((ahead := d.distance(index)) is not None and ahead > 1 for d in self._decoders if not d.busy):
            return False
        if self._index_thread is None:
            self._index_thread = threading.Thread(target=self._read_keyframes, name="horus-movie-index",
                                                  daemon=True)
            self._index_thread.start()
        return True

    def _read_keyframes(self) -> None:
        """The keyframes' frame indexes from a packet index (no decoding), read on this thread without the
        source's lock: a whole file's demux (140 ms for 96 1080p frames at load 6) held the lock and the
        frame scrubbed to waited behind it for a decoder (traced in `horus bench scrub`)."""
        keyframes: list[int] = []
        try:
            with av.open(self.path) as container:
                stream = container.streams.video[0]
                for packet in container.demux(stream):
                    if packet.is_keyframe and packet.pts is not None:
                        keyframes.append(int(round((packet.pts - self._start_pts) * self._time_base * self.rate)))
        except Exception:  # noqa: BLE001 - any failure: unknown, decode forward as without an index
            keyframes = []
        finally:
            # Always answered: reads wait for this (`_needs_keyframes`), and a thread ended by an error nobody
            # listed left them waiting for ever (each read then abandoned at its decode timeout).
            with self._lock:
                self._keyframes = sorted(keyframes)
                self._lock.notify_all()

    def _decoder_for(self, index: int) -> _Decoder | _OpenOne | None:
        """The idle decoder that reaches `index` soonest without seeking (keyframe-aware once the index is
        read: `_needs_keyframes`); else `_OPEN_ONE` (the caller opens a new one) or the least used idle one;
        None when every decoder is busy and no more may open (call locked)."""
        assert self._decoders is not None
        idle = [d for d in self._decoders if not d.busy]
        reachable = [(d.distance(index), d) for d in idle]
        if any(ahead is not None and ahead > 1 for ahead, _ in reachable):  # a jump ahead: is a seek shorter?
            keyframe = self._keyframe_before(index)
            reachable = [(d.distance(index, keyframe), d) for d in idle]
        near = [(ahead, d) for ahead, d in reachable if ahead is not None]
        if near:
            return min(near, key=lambda pair: pair[0])[1]
        unused = [d for d in idle if d.frames is None]
        if unused:  # opened (or stopped by an error) and not positioned: seek it rather than open another
            return unused[0]
        if self._may_open and len(self._decoders) + self._opening < (MAX_DECODERS if idle else MAX_BUSY_DECODERS):
            return _OPEN_ONE
        return min(idle, key=lambda d: d.used) if idle else None

    def _keyframe_before(self, index: int) -> int | None:
        """The last keyframe at or before `index`, or None when unknown (the index not read yet, or none)."""
        if not self._keyframes:
            return None
        at = bisect.bisect_right(self._keyframes, index)
        return self._keyframes[at - 1] if at else None

    def _seek_to(self, decoder: _Decoder, index: int) -> None:
        target = self._start_pts + int((Fraction(index) / self.rate) / self._time_base)
        decoder.container.seek(max(target, self._start_pts), stream=decoder.stream, backward=True, any_frame=False)
        decoder.frames = _frames(decoder)
        decoder.position = -1
        decoder.dropped_before = -1
        with self._lock:
            self.seeks += 1

    def _next(self, decoder: _Decoder, cancelled: Callable[[], bool] | None = None) -> tuple[int, Any] | None:
        """The decoder's next frame, None at the end; Superseded between two packets once ``cancelled()``."""
        assert decoder.frames is not None
        video = None
        while video is None:
            try:
                video = next(decoder.frames)
            except StopIteration:
                return None
            except av.FFmpegError as exc:
                raise DamagedFrameError(self.path, f"decode error: {exc}") from exc
            if video is None and cancelled is not None and cancelled():
                raise Superseded(self.path)  # the decoder stays where it is: a later read goes on from there
        index = self._index_of(decoder, video)
        decoder.position = index
        decoder.decoded += 1
        return index, video

    def _decode_index(self, decoder: _Decoder, index: int, cancelled: Callable[[], bool] | None) -> np.ndarray:
        if decoder.last is not None and decoder.last[0] == index:
            return decoder.last[1]
        if cancelled is not None and cancelled():
            raise Superseded(self.path)
        # Keyframe-aware, as the decoder was chosen (`_decoder_for`): a decoder the keyframe lies past seeks to
        # it rather than decoding on through it (traced: frame 54 decoded from 10, 44 frames, not 6 from 48).
        if decoder.distance(index, self._keyframe_before(index)) is None:
            self._seek_to(decoder, index)
        skip_pts: float = self._first_pts(index)
        attempt = 0
        while attempt < 3:
            decoder.aim(index, skip_pts)
            previous: tuple[int, Any] | None = None
            while (step := self._next(decoder, cancelled)) is not None:
                if cancelled is not None and step[0] != index and cancelled():
                    raise Superseded(self.path)
                if step[0] == index:
                    return self._keep(decoder, *step)
                if step[0] > index:
                    break
                previous = step
            else:
                return self._fail(decoder, index, previous[0] if previous else decoder.position)
            if previous is not None:  # no frame has this number (a gap): hold the one before
                if not decoder.dropped:
                    return self._keep(decoder, *previous)
                # The one before may have been dropped undecoded: decode them all this time.
                skip_pts = -math.inf
                self._seek_to(decoder, index)
                continue
            # The seek landed after the frame: go back further and decode forward again.
            attempt += 1
            self._seek_to(decoder, max(index - attempt * FORWARD_DECODE_LIMIT, 0))
        return self._fail(decoder, index, decoder.position)

    def _keep(self, decoder: _Decoder, index: int, video: Any) -> np.ndarray:
        try:
            pixels = video.to_ndarray(format=self._format)
        except (av.FFmpegError, ValueError) as exc:
            raise DamagedFrameError(self.path, f"cannot convert frame: {exc}") from exc
        decoder.last = (index, pixels)
        return pixels

    def _fail(self, decoder: _Decoder, index: int, reached: int) -> np.ndarray:
        decoder.frames = None
        raise DamagedFrameError(
            self.path, f"frame {index + MOVIE_FIRST_FRAME} could not be decoded (stream ends at frame "
            f"{reached + MOVIE_FIRST_FRAME})"
        )

    def read_unless(self, frame: int, cancelled: Callable[[], bool], memory: FrameMemory | None = None) -> Frame:
        """`read`, stopping between decoded frames with Superseded once ``cancelled()`` is true; with ``memory``,
        the pixels copied into a freed frame's pages from it.

        Why the copy: PyAV gives each frame an array of its own, in memory libav allocated for it, so a cache
        keeping the frames as decoded (the GPU path) took new pages for every one (~1,500 page faults a 1080p
        frame, ~2.5 ms of the ~11 ms of CPU a frame of its pipeline here); copied (~0.6 ms), libav's memory is
        freed at once and reused for the next frame, and a freed frame's pages take the copy: 8.8-9.1 ms a
        frame once a cache has freed frames (a second pass, the next shot, frames past the cache's budget)."""
        with self._lock:
            self._cancels[frame] = cancelled
        try:
            decoded = self.read(frame)
        finally:
            with self._lock:
                if self._cancels.get(frame) is cancelled:
                    del self._cancels[frame]
        if memory is None:
            return decoded
        pixels = memory.new_array(decoded.pixels.shape, decoded.pixels.dtype)
        np.copyto(pixels, decoded.pixels)
        return dataclasses.replace(decoded, pixels=pixels)

    def _take_decoder(self, index: int) -> _Decoder:
        """A decoder for `index`, marked busy: an idle one, else one opened for it, else the first freed.
        Raises Superseded once the read's ``cancelled`` check is true while it waits."""
        while True:
            with self._lock:
                cancelled = self._cancels.get(index + MOVIE_FIRST_FRAME)
                if self._decoders is None:
                    raise UnreadableFileError(self.path, "source is closed")
                choice: _Decoder | _OpenOne | None = None
                if self._needs_keyframes(index):
                    # Read on its own thread: wait without the lock, so other frames get their decoders.
                    self._lock.wait(CANCEL_POLL_S)
                else:
                    choice = self._decoder_for(index)
                    if choice is None:
                        # Every decoder busy: the first to finish takes this frame, unless nobody wants it any
                        # more (it must not take the decoder the frame scrubbed to next waits for).
                        self._lock.wait(CANCEL_POLL_S if cancelled is not None else None)
                    elif isinstance(choice, _Decoder):
                        return self._mark_busy(choice)
                    else:
                        self._opening += 1
                        self._start_spares()  # the first jump away: the others open meanwhile (below)
            if choice is None:
                # The caller's check runs unlocked: it is the caller's code, and a check that blocks (a slow
                # flag, a test holding it) held every other read of this source out of its decoder.
                if cancelled is not None and cancelled():
                    raise Superseded(self.path)
                continue
            # Opened without the lock: reading a container's header took 70-140 ms at load 6, and the frame
            # scrubbed to waited that long to register its read (traced in `horus bench scrub`).
            try:
                opened: _Decoder | None = _Decoder(_open_container(self.path))
            except Exception:  # noqa: BLE001 - one more decoder is optional: the read goes on with those open
                opened = None
            finally:
                with self._lock:
                    self._opening -= 1
                    self._lock.notify_all()
            with self._lock:
                if opened is None:
                    self._may_open = False  # it opened once: a second open failing will fail again
                    continue
                if self._decoders is None:
                    opened.close()
                    raise UnreadableFileError(self.path, "source is closed")
                self._decoders.append(opened)
                return self._mark_busy(opened)

    def prepare_for_scrub(self) -> None:
        """Open the spare decoders now, in the background (a viewer showing this movie paused: the user may
        drag over it next). Opened at the first jump instead, each open (~50 ms CPU: the container's probe
        decodes a frame) ran beside that drag's first decodes: the first frame scrubbed to after an open
        took 350-390 ms against ~90-160 for the later ones (traced in `horus bench scrub`, load 3-5)."""
        with self._lock:
            if self._decoders is not None:
                self._start_spares()

    def _start_spares(self) -> None:
        """Start `_open_spares` once (call locked)."""
        if self._spares is None:
            self._spares = threading.Thread(target=self._open_spares, name="horus-movie-spares", daemon=True)
            self._spares.start()

    def _open_spares(self) -> None:
        """Open decoders up to MAX_BUSY_DECODERS ahead of need, idle and unpositioned, once a second one was
        needed (a scrub or a loop's wrap): a frame scrubbed to that found every decoder busy opened its own,
        and the container's open (70-180 ms at load 6-9) was part of its latency (traced)."""
        while True:
            with self._lock:
                if not self._may_open or self._decoders is None or (
                        len(self._decoders) + self._opening >= MAX_BUSY_DECODERS):
                    return
                self._opening += 1
            try:
                opened: _Decoder | None = _Decoder(_open_container(self.path))
            except Exception:  # noqa: BLE001 - a spare is optional; ended here, `_opening` would stay counted
                opened = None
            with self._lock:
                self._opening -= 1
                if opened is not None and self._decoders is not None:
                    self._decoders.append(opened)
                elif opened is not None:
                    opened.close()
                self._lock.notify_all()
                if opened is None:
                    return

    def _mark_busy(self, decoder: _Decoder) -> _Decoder:
        decoder.busy = True
        self._uses += 1
        decoder.used = self._uses
        return decoder

    def _decode(self, frame: int) -> Frame:
        first, last = self.frame_range
        if not first <= frame <= last:
            raise MissingFrameError(self.path, f"frame {frame} is outside {first}-{last}")
        decoder = self._take_decoder(frame - first)
        with self._lock:
            cancelled = self._cancels.get(frame)
        try:
            pixels = self._decode_index(decoder, frame - first, cancelled)
        except av.FFmpegError as exc:  # a seek into a damaged index fails here, not in decode
            decoder.frames = None
            raise DamagedFrameError(self.path, f"frame {frame}: {exc}") from exc
        finally:
            with self._lock:
                decoder.busy = False
                self.frames_decoded += decoder.decoded
                decoder.decoded = 0
                if self._decoders is None:  # closed while this decoder worked: it closes now
                    decoder.close()
                self._lock.notify_all()
        window = full_window(pixels.shape[1], pixels.shape[0])
        channels = ("R", "G", "B", "A") if pixels.shape[2] == 4 else ("R", "G", "B")
        metadata = {"codec": self._stream.codec_context.name, "fps": self.rate}
        return Frame(pixels, frame, MOVIE_DEFAULT, window, window, channels, metadata)

    def close(self) -> None:
        """Close the containers."""
        with self._lock:
            if self._decoders is not None:
                for decoder in self._decoders:
                    if not decoder.busy:  # a busy one closes when its decode ends
                        decoder.close()
                self._decoders = None
                self._lock.notify_all()
