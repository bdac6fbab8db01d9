"""The frames of a printf sequence pattern (``shot.%04d.exr``) on disk, with the standard library only.

``horus paths where`` and every presence check ask whether a sequence has a frame here; reading the folder
for a printf pattern needs no fileseq (whose import alone is about ten bare Python start-ups). This reads the
pattern exactly as :func:`horus_desktop.media.sequences.sequence_from_pattern` does (a test keeps them equal);
hash patterns (``####``, ``@``) are still read there, through fileseq.
"""

from __future__ import annotations

import os
import re

_PRINTF_PAD = re.compile(r"%(0?)(\d*)d")


def printf_frames(pattern: str) -> list[int]:
    """The frame numbers of ``pattern``'s files in its folder, sorted (none when the folder is missing).

    ValueError when the file name holds no printf frame field; OSError when the folder cannot be listed."""
    name = os.path.basename(pattern)
    match = _PRINTF_PAD.search(name)
    if match is None:
        raise ValueError(f"not a printf frame pattern: {pattern}")
    width = int(match.group(2) or 1)
    head, tail = name[: match.start()], name[match.end():]
    digits = rf"(-?\d{{{width},}})" if match.group(1) else r"(-?\d+)"
    regex = re.compile(re.escape(head) + digits + re.escape(tail) + "$")
    folder = os.path.dirname(pattern) or "."
    frames: list[int] = []
    if os.path.isdir(folder):
        for entry in os.listdir(folder):
            found = regex.match(entry)
            if found:
                frames.append(int(found.group(1)))
    frames.sort()
    return frames
