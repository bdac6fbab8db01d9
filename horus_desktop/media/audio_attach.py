"""A sound file attached to a media (an image sequence's sound): where it is stored on the record and how it is read.

Stored in the media record's ``extra_metadata["sound"]`` as ``{"path": ..., "offset": N}`` (no migration;
synced with the record like every extra_metadata field). ``offset``: the frame of the media, counted from its
first frame, at which the sound's start is heard (negative: the sound's first frames are skipped).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SOUND_KEY = "sound"


@dataclass(frozen=True, slots=True)
class SoundAttachment:
    """A media's sound file and its offset in frames."""

    path: str
    offset: int = 0

    def as_metadata(self) -> dict[str, Any]:
        """The value stored under extra_metadata["sound"]."""
        return {"path": self.path, "offset": self.offset}


def sound_of(extra_metadata: dict[str, Any] | None) -> SoundAttachment | None:
    """The attachment stored in a record's extra_metadata (None when there is none or it is malformed)."""
    value = (extra_metadata or {}).get(SOUND_KEY)
    if not isinstance(value, dict) or not isinstance(value.get("path"), str) or not value["path"]:
        return None
    offset = value.get("offset", 0)
    return SoundAttachment(value["path"], int(offset) if isinstance(offset, int | float) else 0)


def with_sound(extra_metadata: dict[str, Any] | None, sound: SoundAttachment | None) -> dict[str, Any]:
    """A copy of extra_metadata with the sound set (None: removed)."""
    out = dict(extra_metadata or {})
    if sound is None:
        out.pop(SOUND_KEY, None)
    else:
        out[SOUND_KEY] = sound.as_metadata()
    return out


def attach_path(path: str) -> str:
    """The path stored for a sound file given on a command line or in a dialog: absolute, ``~`` expanded."""
    import os

    return os.path.abspath(os.path.expanduser(path))


def is_plain_wav(path: str) -> bool:
    """True when the standard library reads ``path`` as a PCM WAV file (channels, a rate, a sample width): FFmpeg
    opens every such file as audio (a test checks it against PyAV's ``check_sound_file``), so the check a
    user's file goes through needs no PyAV for it. False answers nothing: another format, a WAV the
    standard library does not read (float samples, WAVE_FORMAT_EXTENSIBLE) or no sound at all is for PyAV."""
    import wave

    try:
        with wave.open(path, "rb") as w:
            # FFmpeg keeps the rate in a C int and refuses a header saying more (wave reads 32 bits unsigned).
            return w.getnchannels() > 0 and 0 < w.getframerate() < 2 ** 31 and w.getsampwidth() > 0
    except (wave.Error, EOFError, OSError, ValueError):
        return False
