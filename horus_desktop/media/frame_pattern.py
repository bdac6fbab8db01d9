"""The frames of a printf sequence pattern (``shot.%04d.exr``) on disk, with the standard library only.

``horus paths where`` and every presence check ask whether a sequence has a frame here; reading the folder
for a printf pattern needs no fileseq (whose import alone is about ten bare Python start-ups). The pattern's
regex here is the one :func:`horus_desktop.media.sequences.sequence_from_pattern` reads a printf pattern with;
hash patterns (``####``, ``@``) are still read there, through fileseq.
"""

from __future__ import annotations

import os
import re

#: A printf frame field (``%04d``, ``%d``): group 1 the zero flag, group 2 the width.
PRINTF_PAD = re.compile(r"%(0?)(\d*)d")
#: The longest file name of the file systems media live on (ext4, NTFS, APFS: 255).
_NAME_MAX = 255


def frame_regex(pattern: str) -> tuple[str, re.Pattern[str]]:
    """The file name's part before the frame field, and the regex matching a frame's file name (group 1: the
    frame number) for a printf ``pattern``. ValueError when the file name holds no printf frame field."""
    name = os.path.basename(pattern)
    match = PRINTF_PAD.search(name)
    if match is None:
        raise ValueError(f"not a printf frame pattern: {pattern}")
    # No file name is longer than 255 bytes: a wider field matches nothing either way, and a width past
    # the regex engine's repeat bound (``%099999999999d``) raised OverflowError.
    width = min(int(match.group(2) or 1), _NAME_MAX + 1)
    head, tail = name[: match.start()], name[match.end():]
    digits = rf"(-?\d{{{width},}})" if match.group(1) else r"(-?\d+)"
    # \Z, not $: "$" also matches before a final newline, which made "shot.0001.exr\n" frame 1.
    return head, re.compile(re.escape(head) + digits + re.escape(tail) + r"\Z")


def printf_frames(pattern: str) -> list[int]:
    """The frame numbers of ``pattern``'s files in its folder, sorted (none when the folder is missing).

    ValueError when the file name holds no printf frame field; OSError when the folder cannot be listed."""
    _, regex = frame_regex(pattern)
    folder = os.path.dirname(pattern) or "."
    frames: list[int] = []
    if os.path.isdir(folder):
        for entry in os.listdir(folder):
            found = regex.match(entry)
            if found:
                frames.append(int(found.group(1)))
    frames.sort()
    return frames
