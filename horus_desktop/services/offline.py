"""Taking media offline: copy a playlist's (or a search's) media from the studio paths to this machine.

Each media record names its file on the studio storage; this machine's path mappings say where its copy goes
(:mod:`horus_desktop.services.media_paths`). Every file of a media (every frame of a sequence) is copied with
:func:`~horus_desktop.services.offline_copy.copy_file` (resumable, fsynced, renamed when whole) and the media is
checked against the SHA-256 the store holds, computed the way ingest computes it
(:func:`horus_desktop.media.hashing.sha256_media`: one file's digest, or the digest of the frames' digests in
frame order, empty frames left out). A file already here with the source's size is hashed instead of copied.
When the hash does not match, the files that were already here are copied again from the studio; if it still
does not match, the studio's file is not what the store recorded: the copy is removed and reported.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from horus_desktop.domain.records import MediaRecord
from horus_desktop.media.hashing import combine_digests
from horus_desktop.services.media_paths import MediaPaths, media_paths, media_present
from horus_desktop.services.offline_copy import CopyCancelled, copy_file, discard, sha256_of

if TYPE_CHECKING:
    from horus_desktop.store import Store

#: progress(bytes done, bytes in all, what is being copied)
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class FileCopy:
    """One file of a media: where it is at the studio and where this machine keeps it."""

    source: Path
    destination: Path
    size: int


@dataclass
class MediaCopy:
    """What taking one media offline means: its files, or why it cannot be copied."""

    record: MediaRecord
    local_path: str
    files: list[FileCopy] = field(default_factory=list)
    problem: str | None = None

    @property
    def size(self) -> int:
        """Bytes to read for this media."""
        return sum(f.size for f in self.files)


@dataclass
class OfflineResult:
    """The outcome for one media: copied, already offline, unverified, mismatch, failed."""

    media_id: str
    file_name: str
    state: str
    detail: str = ""
    files_copied: int = 0
    bytes_copied: int = 0


@dataclass
class OfflineReport:
    """What a take-offline run did, media by media."""

    results: list[OfflineResult] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        """True when every media is offline and verified (or unverifiable for lack of a stored hash)."""
        return not self.cancelled and all(r.state in ("copied", "already offline", "unverified")
                                          for r in self.results)

    def count(self, state: str) -> int:
        """How many media ended in ``state``."""
        return sum(1 for r in self.results if r.state == state)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {"ok": self.ok, "cancelled": self.cancelled, "results": [asdict(r) for r in self.results]}

    def summary(self) -> str:
        """One line for a person."""
        states = ("copied", "already offline", "unverified", "mismatch", "failed")
        parts = [f"{self.count(s)} {s}" for s in states if self.count(s)]
        return ("cancelled: " if self.cancelled else "") + (", ".join(parts) or "nothing to copy")


def playlist_media(store: Store, playlist: str) -> list[MediaRecord]:
    """The live media of a playlist (by id or name: ``playlist_names.find_playlist``), in clip order, once each."""
    from horus_desktop.services.playlist_names import find_playlist

    timeline = store.timelines.get(find_playlist(store, playlist))
    ids = list(dict.fromkeys(c.media_id for c in timeline.clips if c.media_id is not None))
    records = {m.id: m for m in store.media.get_many(ids)}
    return [records[i] for i in ids if i in records and not records[i].is_deleted]


def plan_copy(record: MediaRecord, paths: MediaPaths) -> MediaCopy:
    """The files to copy for one media (reads the studio folder)."""
    local = paths.local_path(record.file_path)
    plan = MediaCopy(record, local)
    if local == record.file_path:
        plan.problem = (f"no path mapping applies to {record.file_path} "
                        "(horus paths map SERVER_ROOT LOCAL_ROOT)")
        return plan
    from horus_desktop.media.sequences import media_item_for  # fileseq (~40 ms) loads after the window shows

    try:
        found = media_item_for(record.file_path).files
    except (ValueError, OSError) as exc:
        plan.problem = f"cannot read the studio path {record.file_path}: {exc}"
        return plan
    found = tuple(f for f in found if os.path.isfile(f))
    if not found:
        plan.problem = f"not found at the studio path {record.file_path}"
        return plan
    plan.files = [FileCopy(Path(f), Path(paths.local_path(f)), os.path.getsize(f)) for f in found]
    return plan


def _media_hash(files: Sequence[FileCopy], digests: Sequence[str]) -> str:
    """The media's hash as ingest computes it (see media.hashing.sha256_media; empty frames left out)."""
    kept = [d for f, d in zip(files, digests, strict=True) if f.size > 0] or list(digests)
    return kept[0] if len(kept) == 1 else combine_digests(kept)


class _Copier:
    """Copies the planned media one after another, telling ``progress`` of every block."""

    def __init__(self, total: int, progress: Progress | None, cancel: Callable[[], bool] | None) -> None:
        self.total, self.done = total, 0
        self._progress, self._cancel = progress, cancel
        self.what = ""

    def tick(self, count: int) -> None:
        self.done += count
        if self._progress is not None:
            self._progress(self.done, self.total, self.what)

    def cancelled(self) -> bool:
        return self._cancel is not None and self._cancel()

    def fetch(self, f: FileCopy, *, fresh: bool = False) -> tuple[str, bool]:
        """(digest, copied?) of one file: hashed in place when already here with the studio's size."""
        self.what = str(f.destination)
        if fresh:
            discard(f.destination)
        elif f.destination.is_file() and f.destination.stat().st_size == f.size:
            return sha256_of(f.destination, self.tick, self.cancelled), False
        return copy_file(f.source, f.destination, progress=self.tick, cancel=self.cancelled), True

    def take(self, plan: MediaCopy) -> OfflineResult:
        record = plan.record
        result = OfflineResult(str(record.id), record.file_name, "failed")
        if plan.problem:
            result.detail = plan.problem
            return result
        fetched = [self.fetch(f) for f in plan.files]
        digests = [d for d, _ in fetched]
        copied = {i for i, (_, c) in enumerate(fetched) if c}
        expected = record.file_hash
        if expected and _media_hash(plan.files, digests) != expected:
            for i, f in enumerate(plan.files):  # a file already here may be stale: copy it again
                if i not in copied:
                    self.total += f.size
                    digests[i], _ = self.fetch(f, fresh=True)
                    copied.add(i)
            if _media_hash(plan.files, digests) != expected:
                for f in plan.files:
                    discard(f.destination)
                result.state = "mismatch"
                result.detail = (f"the studio's {record.file_path} does not match the SHA-256 the store holds "
                                 f"({expected[:12]}...): it changed since it was ingested; the copy was removed")
                return result
        result.files_copied = len(copied)
        result.bytes_copied = sum(plan.files[i].size for i in copied)
        if not expected:
            result.state, result.detail = "unverified", "the store holds no SHA-256 for this media"
        else:
            result.state = "copied" if copied else "already offline"
        result.detail = result.detail or plan.local_path
        return result


def take_offline(records: Iterable[MediaRecord], *, paths: MediaPaths | None = None,
                 progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> OfflineReport:
    """Copy the media of ``records`` to this machine's mapped roots, verifying each against the store's hash.

    Safe to run again after an interruption: what is already here and right is kept, a partial file is
    resumed. ``cancel()`` stops between blocks (the report says so; a rerun goes on from there)."""
    paths = paths or media_paths()
    plans = [plan_copy(r, paths) for r in records if not r.is_deleted]
    copier = _Copier(sum(p.size for p in plans), progress, cancel)
    report = OfflineReport()
    for plan in plans:
        try:
            report.results.append(copier.take(plan))
        except CopyCancelled:
            report.cancelled = True
            break
        except OSError as exc:
            report.results.append(OfflineResult(str(plan.record.id), plan.record.file_name, "failed",
                                                f"{exc.filename or plan.local_path}: {exc.strerror or exc}"))
    return report


def available_offline(record: MediaRecord, paths: MediaPaths | None = None) -> bool:
    """True when a path mapping applies and this machine's copy is complete (every frame, the recorded size).

    Reads only folder listings and sizes (no hashing), so a browser page can be checked quickly."""
    paths = paths or media_paths()
    local = paths.local_path(record.file_path)
    if local == record.file_path or not media_present(local):
        return False
    from horus_desktop.media.sequences import media_item_for  # fileseq (~40 ms) loads after the window shows

    item = media_item_for(local)
    if record.start_frame is not None and record.end_frame is not None and len(item.files) > 1:
        missing = set(record.missing_frames or ())
        # More frames asked for than the copy's files and the known gaps could cover (a span of 10**23 frames
        # stored before spans were bounded) is incomplete without building the span.
        if record.end_frame - record.start_frame + 1 > len(item.files) + len(missing):
            return False
        wanted = set(range(record.start_frame, record.end_frame + 1)) - missing
        if not wanted <= set(item.frames):
            return False
    if record.file_size is not None:
        return sum(os.path.getsize(f) for f in item.files) == record.file_size
    return True


def offline_availability(records: Iterable[MediaRecord], paths: MediaPaths | None = None) -> dict[uuid.UUID, bool]:
    """:func:`available_offline` of each record, by media id."""
    paths = paths or media_paths()
    out: dict[uuid.UUID, bool] = {}
    for record in records:
        try:
            out[record.id] = available_offline(record, paths)
        except OSError:  # a copy vanishing while it is looked at is simply not available
            out[record.id] = False
    return out
