"""Find media in a folder tree: frame sequences (grouped with fileseq, gaps kept), movies and stills."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import fileseq
import fileseq.constants

from horus_desktop.media.errors import MediaError
from horus_desktop.media.frame_pattern import PRINTF_PAD, frame_regex

MOVIE_EXTENSIONS = frozenset({".mov", ".mp4", ".mxf", ".avi", ".mkv", ".webm", ".m4v"})
IMAGE_EXTENSIONS = frozenset(
    {".exr", ".dpx", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".cin", ".tga", ".bmp", ".webp"}
)

#: fileseq's own split of a file name into folder, name, frame number and extension.
_DISK_RE = fileseq.constants.DISK_RE
# "shot_v001.exr", "comp-V12.png": digits after a version marker are a version, not a frame number.
_VERSION_TAIL = re.compile(r"(?:^|[^A-Za-z])[vV]$")


class MediaKind(StrEnum):
    """What a media item is on disk."""

    SEQUENCE = "sequence"
    MOVIE = "movie"
    STILL = "still"


@dataclass(frozen=True)
class MediaItem:
    """One piece of media found on disk.

    `path` is the file for a movie or still and a printf pattern (`shot.%04d.exr`) for a sequence.
    `frames` are the frame numbers present on disk, `missing_frames` the gaps inside first..last.
    A still whose name carries a frame number (`plate.1001.exr` alone) keeps it in `frames`.
    """

    kind: MediaKind
    path: str
    files: tuple[str, ...]
    frames: tuple[int, ...] = ()
    missing_frames: tuple[int, ...] = field(default=())

    @property
    def first_frame(self) -> int | None:
        """First frame number on disk, None for an unnumbered still or a movie."""
        return self.frames[0] if self.frames else None

    @property
    def last_frame(self) -> int | None:
        """Last frame number on disk, None for an unnumbered still or a movie."""
        return self.frames[-1] if self.frames else None

    @property
    def extension(self) -> str:
        """Lower-case extension with its dot."""
        return Path(self.files[0]).suffix.lower()

    def file_for_frame(self, frame: int) -> str:
        """The file path of a frame of a sequence (whether or not it exists)."""
        if self.kind is not MediaKind.SEQUENCE:
            return self.files[0]
        return printf_frame(self.path, frame)


def printf_frame(pattern: str, frame: int) -> str:
    """Fill a printf frame pattern (`%04d`) with a frame number."""
    return PRINTF_PAD.sub(lambda m: f"{frame:0{m.group(2) or 0}d}" if m.group(1) else str(frame), pattern)


def is_media_file(path: str | Path) -> bool:
    """True when the extension is a movie or image format Horus reads."""
    suffix = Path(path).suffix.lower()
    return suffix in MOVIE_EXTENSIONS or suffix in IMAGE_EXTENSIONS


def _printf_pattern(seq: fileseq.FileSequence) -> str:
    pad = seq.zfill()
    token = f"%0{pad}d" if pad > 1 else "%d"
    return f"{seq.dirname()}{seq.basename()}{token}{seq.extension()}"


MAX_FRAME = 2**31 - 1
"""Largest frame number kept: media rows store frames as 32-bit integers."""

MAX_SEQUENCE_SPAN = 1_000_000
"""Most frames first..last of a sequence may span (11.5 hours at 24 fps): its missing frames are listed one
by one (and stored), so two files numbered 1 and 10**20 must not make a sequence of 10**20 frames."""


def _looks_like_frames(seq: fileseq.FileSequence) -> bool:
    return len(seq) > 1 and not _VERSION_TAIL.search(seq.basename())


def _frames_fit(frames: tuple[int, ...]) -> bool:
    """Whether frame numbers (sorted) can be a sequence's: storable, and spanning at most MAX_SEQUENCE_SPAN."""
    return -MAX_FRAME <= frames[0] and frames[-1] <= MAX_FRAME and frames[-1] - frames[0] < MAX_SEQUENCE_SPAN


def _frame_number(frame: str) -> int | None:
    """A still's frame number from its name, None when it cannot be stored (a 20-digit 'frame' is a name)."""
    number = int(frame)
    return number if -MAX_FRAME <= number <= MAX_FRAME else None


# fileseq reads a backslash as a Windows folder separator and skips names holding a line break; both are
# legal in Linux file names, so they are swapped for private-use characters while fileseq groups the names.
_FILESEQ_UNSAFE = {"\\": "\ue000", "\n": "\ue001", "\r": "\ue002"}
_TO_SAFE = str.maketrans(_FILESEQ_UNSAFE)
_FROM_SAFE = str.maketrans({v: k for k, v in _FILESEQ_UNSAFE.items()})


def _fileseq_safe(path: str) -> str:
    # Tested first: a translate looks up every character (a fifth of grouping a tree of stills).
    return path.translate(_TO_SAFE) if "\\" in path or "\n" in path or "\r" in path else path


def _restored(text: str) -> str:
    return text.translate(_FROM_SAFE) if "\ue000" in text or "\ue001" in text or "\ue002" in text else text


def _still(path: str, frame: int | None = None) -> MediaItem:
    return MediaItem(MediaKind.STILL, path, (path,), (frame,) if frame is not None else ())


_DIGITS = frozenset("0123456789")


def _disk_parts(name: str) -> tuple[str, str | None, str] | None:
    """fileseq's split of a file name (``DISK_RE``: basename, frame number or None, extension), or None when
    it does not match. The common names, ASCII with one or two dots and a last part of letters
    (``shot.1001.exr``, ``shot_v012.png``), are split here: the regex's non-greedy basename tries every
    length first (~3 us a name, a fifth of grouping a tree's names). Tested equal to the regex."""
    if name.isascii():
        parts = name.split(".")
        if len(parts) == 3 and parts[2].isalpha() and parts[1] and _DIGITS.issuperset(parts[1]):
            return f"{parts[0]}.", parts[1], f".{parts[2]}"
        if len(parts) == 2 and parts[1].isalpha():
            stem = parts[0]
            cut = len(stem.rstrip("0123456789"))
            if cut == len(stem):
                return stem, None, f".{parts[1]}"
            if cut and stem[cut - 1] == "-":
                cut -= 1
            return stem[:cut], stem[cut:], f".{parts[1]}"
    match = _DISK_RE.match(name)
    if match is None:
        return None
    _, basename, frame, ext = match.groups()
    return basename or "", frame, ext or ""


def group_files(paths: Iterable[str]) -> list[MediaItem]:
    """Group file paths (of any folders) into sequences, movies and stills, sorted by path.

    A name that shares its fileseq key (folder, name, extension, with or without a frame number) with no other
    is a still and is made here; only names that may form a sequence go through fileseq (which builds a
    sequence object for every still too: most of a scan's time in a tree of stills)."""
    items: list[MediaItem] = []
    images: list[str] = []
    for path in paths:
        suffix = os.path.splitext(path)[1].lower()
        if suffix in MOVIE_EXTENSIONS:
            items.append(MediaItem(MediaKind.MOVIE, path, (path,)))
        elif suffix in IMAGE_EXTENSIONS:
            images.append(_fileseq_safe(path))
    by_key: dict[tuple[str, str, str, bool], list[tuple[str, str | None, str]]] = {}
    grouped: list[str] = []
    for path in images:
        # The regex matched on the name alone: its greedy folder part takes the path up to the last '/' (in
        # fileseq-safe form, the only separator), so the other parts are the same, without scanning the folder.
        cut = path.rfind("/") + 1
        parts = _disk_parts(path[cut:])
        if parts is None:
            grouped.append(path)
            continue
        basename, frame, ext = parts
        # The key fileseq groups names by (yield_sequences_in_list); one name alone under it is a still.
        key = (path[:cut].rstrip(os.sep), basename, ext, frame is not None)
        by_key.setdefault(key, []).append((path, frame, basename))
    for (folder, _, ext, _), members in by_key.items():
        path, frame, basename = members[0]
        if len(members) > 1 and folder and (plain := _plain_sequence(members, ext)) is not None:
            items.extend(plain)
        elif len(members) > 1 or (frame is not None and not frame.isdigit()):
            grouped += [member[0] for member in members]  # a sequence, or a signed frame: fileseq decides
        elif frame is None:
            items.append(_still(_restored(path)))
        else:
            items.append(_still(_restored(path), None if _VERSION_TAIL.search(basename) else _frame_number(frame)))
    items += _group_with_fileseq(grouped)
    items.sort(key=lambda item: item.path)
    return items


def _plain_sequence(members: list[tuple[str, str | None, str]], ext: str) -> list[MediaItem] | None:
    """What fileseq makes of names sharing a key whose frame numbers are all plain ASCII digits of one width
    (``shot.1001.exr`` ... ``shot.1100.exr``: nearly every sequence), made without it: one sequence padded to
    that width (or stills, as `_group_with_fileseq` decides). None for anything else (signs, mixed widths):
    fileseq decides. fileseq builds a frame set and a path per frame from parsed strings: a third of scanning
    a tree of sequences (tested equal to fileseq's answer)."""
    width = len(members[0][1] or "")
    if not width or any(len(f or "") != width or not (f or "").isascii() or not (f or "").isdigit()
                        for _, f, _ in members):
        return None
    ordered = sorted(((int(f or 0), p) for p, f, _ in members), key=lambda pair: pair[0])
    frames = tuple(f for f, _ in ordered)
    files = tuple(_restored(p) for _, p in ordered)
    basename = members[0][2]
    if _VERSION_TAIL.search(basename) or not _frames_fit(frames):  # not frames: each file a still
        return [_still(f) for f in files]
    first = members[0][0]
    cut = first.rfind("/") + 1
    token = f"%0{width}d" if width > 1 else "%d"
    present = set(frames)
    missing = tuple(f for f in range(frames[0], frames[-1] + 1) if f not in present)
    return [MediaItem(MediaKind.SEQUENCE, _restored(f"{first[:cut]}{basename}{token}{ext}"), files, frames, missing)]


def _group_with_fileseq(images: list[str]) -> list[MediaItem]:
    """fileseq's grouping of image paths (in fileseq-safe form) into sequences and stills."""
    items: list[MediaItem] = []
    for seq in fileseq.findSequencesInList(sorted(images)):
        frame_set = seq.frameSet()
        if frame_set is None:
            items.append(_still(_restored(str(seq))))
            continue
        frames = tuple(int(f) for f in frame_set)
        files = tuple(_restored(seq.frame(f)) for f in frames)
        if not _looks_like_frames(seq) or not _frames_fit(frames):  # not frames: each file a still
            single = len(files) == 1 and not _VERSION_TAIL.search(seq.basename()) and _frames_fit(frames)
            items.extend(_still(f, frames[i] if single else None) for i, f in enumerate(files))
            continue
        present = set(frames)
        missing = tuple(f for f in range(frames[0], frames[-1] + 1) if f not in present)
        items.append(MediaItem(MediaKind.SEQUENCE, _restored(_printf_pattern(seq)), files, frames, missing))
    return items


SCAN_GROUP_FILES = 1024  # files grouped per call while walking a tree (after the first group)
#: Files of the first group: a few, so that an ingest starts probing while the rest of the tree is walked.
SCAN_FIRST_GROUP_FILES = 256


def scan_media(root: str | Path, *, include_hidden: bool = False,
               on_error: Callable[[OSError], None] | None = None) -> Iterator[MediaItem]:
    """Walk a folder tree (or take a single file) and yield its media, a few thousand files at a time (whole
    folders; fileseq groups several folders in one call 2-3x faster than one call per folder).

    A folder that cannot be listed is skipped; `on_error` is told of it (ingest reports it)."""
    for group in scan_media_groups(root, include_hidden=include_hidden, on_error=on_error):
        yield from group


def scan_media_groups(root: str | Path, *, include_hidden: bool = False,
                      on_error: Callable[[OSError], None] | None = None) -> Iterator[list[MediaItem]]:
    """`scan_media`'s media, a group of whole folders at a time: the first group of about
    `SCAN_FIRST_GROUP_FILES` files, then `SCAN_GROUP_FILES` each."""
    root = Path(root)
    if root.is_file():
        yield group_files([str(root)])
        return
    pending: list[str] = []
    size = SCAN_FIRST_GROUP_FILES
    for dirpath, filenames in _walk(str(root), include_hidden, on_error):
        pending += [dirpath + n for n in filenames]
        if len(pending) >= size:
            yield group_files(pending)
            pending, size = [], SCAN_GROUP_FILES
    yield group_files(pending)


def _walk(root: str, include_hidden: bool, on_error: Callable[[OSError], None] | None) -> Iterator[tuple[str, list[str]]]:
    """Each folder under ``root`` (with a trailing '/') and its file names, as ``os.walk`` top-down with sorted
    sub-folders (symbolic links to folders listed, not followed), from one ``scandir`` per folder: without
    the ``lstat`` ``os.walk`` makes per folder to tell a link (the directory entry says it)."""
    stack = [root]
    while stack:
        top = stack.pop()
        folders: list[str] = []
        names: list[str] = []
        try:
            with os.scandir(top) as entries:
                for entry in entries:
                    name = entry.name
                    if not include_hidden and name.startswith("."):
                        continue
                    if not name.isascii() and not _is_text(name):  # bytes no UTF-8: no path the store can keep
                        if on_error is not None:
                            on_error(_not_text(top, name))
                        continue
                    try:
                        is_dir = entry.is_dir()
                        linked = is_dir and entry.is_symlink()
                    except OSError:
                        is_dir = linked = False
                    if not is_dir:
                        names.append(name)
                    elif not linked:
                        folders.append(name)
        except OSError as exc:
            if on_error is not None:
                on_error(exc)
            continue
        prefix = top if top.endswith(os.sep) else top + os.sep
        yield prefix, names
        stack += [prefix + name for name in sorted(folders, reverse=True)]


def _is_text(name: str) -> bool:
    """Whether a file name (as ``os`` decodes it: bytes that are no UTF-8 become lone surrogates) is text."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_text(folder: str, name: str) -> OSError:
    """The error an ingest reports for a name that is no UTF-8 text (shown with U+FFFD for its bad bytes)."""
    shown = os.path.join(folder, name).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return OSError(errno.EILSEQ, "the name is not UTF-8 text: skipped", shown)


def sequence_from_pattern(pattern: str | Path) -> MediaItem:
    """Build a sequence item from a printf (`%04d`) or hash (`####`, `#`, `@`) pattern, reading the folder.

    A run of hashes has one digit per hash (`shot.####.exr`, as Nuke writes it and the browser shows it);
    a lone `#` is four digits and `@` one (as RV and fileseq read them)."""
    pattern = str(pattern)
    if "%" not in pattern:
        style = fileseq.PAD_STYLE_HASH1 if "##" in os.path.basename(pattern) else fileseq.PAD_STYLE_HASH4
        seq = fileseq.FileSequence(pattern, pad_style=style)
        pad = seq.zfill()
        pattern = f"{seq.dirname()}{seq.basename()}{f'%0{pad}d' if pad > 1 else '%d'}{seq.extension()}"
    folder = os.path.dirname(pattern) or "."
    _, regex = frame_regex(pattern)
    frames: list[int] = []
    if os.path.isdir(folder):
        for name in os.listdir(folder):
            match = regex.match(name)
            if match:
                frames.append(int(match.group(1)))
    frames = sorted(f for f in frames if -MAX_FRAME <= f <= MAX_FRAME)  # a 20-digit number is no frame
    if frames and not _frames_fit(tuple(frames)):
        raise MediaError(pattern, f"frames {frames[0]} to {frames[-1]} span more than {MAX_SEQUENCE_SPAN} frames")
    files = tuple(printf_frame(pattern, f) for f in frames)
    present = set(frames)
    missing = tuple(f for f in range(frames[0], frames[-1] + 1) if f not in present) if frames else ()
    return MediaItem(MediaKind.SEQUENCE, pattern, files, tuple(frames), missing)


def media_item_for(path: str | Path) -> MediaItem:
    """The media item for a movie/still path or a sequence pattern."""
    text = str(path)
    if "%" in text or "#" in text or "@" in text:
        return sequence_from_pattern(text)
    suffix = Path(text).suffix.lower()
    kind = MediaKind.MOVIE if suffix in MOVIE_EXTENSIONS else MediaKind.STILL
    return MediaItem(kind, text, (text,))
