"""Ingest of folder trees: find media, parse the hierarchy, probe, hash on workers, write media records.

Re-ingesting an unchanged tree re-hashes nothing (size + modification time compared with the stored
record) and creates no duplicates; a changed file updates its record. Damaged files are reported with
their path and reason and the ingest goes on. Files are probed and thumbnailed in worker processes
(probe_worker), so a decoder crashing in native code costs one file, not the app.

An ingest can be stopped at any point (Cancel, Ctrl+C, kill -9) and the next one finishes its work:
records are written in batches (one transaction each), then the latest-version flags of every group the
tree touches are refreshed and every media of the tree lacking thumbnails gets them, whether it was
written now or by an earlier, interrupted ingest. Reads of the store run on the calling thread; every write
(each batch's transaction) runs through the ``write`` function given, so the app can keep one writer thread
(its DB worker) while the ingest probes and hashes on others.
"""

from __future__ import annotations

import errno
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from horus_desktop.domain.gc_pause import collector_paused
from horus_desktop.media import errors as media_errors
from horus_desktop.media import probe_worker
from horus_desktop.media.colour_defaults import keep_override
from horus_desktop.media.errors import MediaError, UnreadableFileError
from horus_desktop.media.hashing import default_workers, sha256_media
from horus_desktop.media.probe import Known, ProbeResult, hashed_files, probe_and_hash, unchanged
from horus_desktop.media.probe_worker import ProbePool, shared_pool
from horus_desktop.media.sequences import MediaItem, MediaKind, scan_media_groups
from horus_desktop.media.templates import DEFAULT_TEMPLATE, Hierarchy, PathTemplate, parse_hierarchy
from horus_desktop.media.thumbnails import THUMBNAIL_SIZES, ThumbnailFile, make_thumbnails

Progress = Callable[[int, int, str], None]
#: Runs one store write (a transaction) where the caller's writes go and returns its result (services/jobs.py).
Write = Callable[[Callable[[], Any]], Any]
Group = tuple[str, str | None, str | None, str | None]  # project, shot, department, task type
UNVERSIONED = "v001"
BATCH_SIZE = 1000  # media records per transaction
#: The first batch is smaller, so the writer (the busiest thread of an ingest of small files) starts early
#: instead of waiting for a whole batch to be probed; still large enough for a set-based insert
#: (store/bulk_insert.TRIGGERS_ABSENT_ROWS).
FIRST_BATCH_SIZE = 250
LATEST_BATCH = 500  # version groups refreshed per transaction


class StoreLike(Protocol):
    """What ingest uses of `horus_desktop.store.Store`: `media`, `thumbnails`, `projects`, `files_dir`,
    `transaction()`."""

    media: Any
    thumbnails: Any
    projects: Any
    files_dir: Any

    def transaction(self) -> Any:
        """Group repository writes into one transaction."""


@dataclass(frozen=True)
class IngestProblem:
    """A file that could not be ingested (or a damaged frame of an ingested sequence)."""

    path: str
    reason: str


@dataclass
class IngestReport:
    """What an ingest did."""

    root: str
    found: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[IngestProblem] = field(default_factory=list)
    thumbnails: int = 0
    hashed_bytes: int = 0
    seconds: float = 0.0
    cancelled: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class Probed(NamedTuple):
    """What an ingest keeps of the probe of a new media whose row was made where it was probed: its size and
    damaged frames (the row holds the rest). A worker's reply carries these two, not the whole ProbeResult
    (pickled, then unpickled on the ingest's threads, for thousands of small media)."""

    file_size: int
    damaged_frames: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class _Prepared:
    item: MediaItem
    probe: ProbeResult | Probed | None
    file_hash: str | None
    error: MediaError | None
    record: Record | None = None  # made where the media was probed


def _timestamp(value: datetime | None) -> float | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _known(existing: Any) -> Known | None:
    """What a stored media's files were when hashed (size, modification time); None when it has no hash."""
    stored = _timestamp(existing.file_modified_at) if existing is not None and existing.file_hash else None
    return None if stored is None or existing.file_size is None else (existing.file_size, stored)


#: A new or changed media's record: its values (as the store's ``create_many`` and ``update`` take them), or,
#: for a new one hashed where it was probed, its group and its row ready to insert (the store's
#: ``create_stored``).
Record = dict[str, Any] | tuple[Group, tuple[Any, ...]]
#: A probed media, its hash when the probe read it (`probe.probe_and_hash`) and, when new or changed, its
#: record; or why it could not be read.
ProbeOutcome = tuple[ProbeResult | Probed, str | None, Record | None] | MediaError
#: A media to probe, what its stored record says of its files, and whether it has no record yet.
ProbeEntry = tuple[MediaItem, Known | None, bool]
ProbeMany = Callable[[list[ProbeEntry]], list[ProbeOutcome]]


@dataclass(frozen=True)
class Where:
    """What makes a new or changed media's record where it is probed (a probe worker process, off the ingest's
    own interpreter lock): the path templates (their text), the folder they start at and its name, the
    project and user the ingest was given, and the store's maker of rows ready to insert (its
    ``media.stored_rows_maker()``, travelling by reference; None: the writer makes them)."""

    templates: tuple[str, ...]
    anchor: str
    anchor_name: str
    project: str | None = None
    user: str | None = None
    stored_rows: Callable[[list[dict[str, Any]]], list[tuple[Any, ...] | None]] | None = None


#: Files probed per round trip to a probe worker process (small media go together): enough that the
#: worker's share of a round trip is longer than the parent's hand-over (a thread of the ingest waits for the
#: interpreter lock, up to its switch interval of 5 ms, before it reads a reply and sends the next chunk).
CHUNK_FILES = 128
#: Files probed per task in process: a few, so a task costs less than handing it over, and a Ctrl+C still
#: leaves only a handful of files started.
CHUNK_FILES_IN_PROCESS = 4


def probe_each(probe: Callable[[MediaItem, Known | None], tuple[ProbeResult, str | None]],
               entries: list[ProbeEntry], where: Where) -> list[tuple[Any, ...]]:
    """Probe (and hash) several media in one worker task, and make the record of each new or changed one
    (``where``): ("ok", result, hash, values or None when unchanged), ("stored", size, damaged frames, hash,
    group, row) for a new media hashed here whose row the store's ``where.stored_rows`` made (see `Probed`),
    or ("media", error type, path, reason).

    Module-level so a probe worker runs it; ``probe`` travels by reference (``probe_worker.probe_hash_task``)."""
    out: list[tuple[Any, ...]] = []
    ready: list[int] = []  # replies whose record goes to the store's maker of rows
    for item, known, new in entries:
        try:
            result, file_hash = probe(item, known)
        except MediaError as exc:
            out.append(("media", type(exc).__name__, exc.path, exc.reason))
            continue
        values = None
        if not unchanged(known, result):
            hierarchy = parse_hierarchy(item.path, _compiled(where.templates), where.anchor)
            values = _record_values(item, result, hierarchy, where.project or hierarchy.project or where.anchor_name,
                                    where.user)
            values["file_hash"] = file_hash
            if new and file_hash is not None and where.stored_rows is not None:
                ready.append(len(out))
        out.append(("ok", result, file_hash, values))
    if ready:
        for at, row in zip(ready, where.stored_rows([out[at][3] for at in ready]), strict=True):
            if row is not None:  # None: a record the store writes from its values (and names what is wrong)
                _, result, file_hash, values = out[at]
                out[at] = ("stored", result.file_size, result.damaged_frames, file_hash, _values_group(values), row)
    return out


def _values_group(values: dict[str, Any]) -> Group:
    return (values["project_id"], values["shot"], values["department"], values["task_type"])


@lru_cache(maxsize=8)
def _compiled(templates: tuple[str, ...]) -> list[PathTemplate]:
    """Path templates compiled once per process (a probe worker keeps them, and what they matched, between
    tasks)."""
    return [PathTemplate(t) for t in templates]


def _outcomes(replies: list[tuple[Any, ...]]) -> list[ProbeOutcome]:
    return [(reply[1], reply[2], reply[3]) if reply[0] == "ok" else
            (Probed(reply[1], reply[2]), reply[3], (reply[4], reply[5])) if reply[0] == "stored" else
            getattr(media_errors, reply[1], MediaError)(reply[2], reply[3])
            for reply in replies]


def _isolated_probe(pool: ProbePool, where: Where) -> ProbeMany:
    """Probe a chunk of media in one worker round trip; when the worker dies or hangs on the chunk, probe
    its media one at a time, so the file that did it is the only one reported."""

    def probe_one(entry: ProbeEntry) -> ProbeOutcome:
        try:
            return _outcomes(pool.call(entry[0].path, probe_worker.PROBE_TIMEOUT, probe_each,
                                       probe_worker.probe_hash_task, [entry], where))[0]
        except MediaError as exc:
            return exc

    def probe_many(entries: list[ProbeEntry]) -> list[ProbeOutcome]:
        if len(entries) > 1:
            try:
                return _outcomes(pool.call(entries[0][0].path, probe_worker.PROBE_TIMEOUT, probe_each,
                                           probe_worker.probe_hash_task, entries, where))
            except MediaError:
                pass  # a crash, a hang or a decoder bug somewhere in the chunk: find which file, below
        return [probe_one(entry) for entry in entries]

    return probe_many


def _loaded(where: Where) -> None:
    """Nothing: a probe worker receiving ``where`` has loaded what it references (the store's maker of rows)."""


def ready_worker(pool: ProbePool, where: Where) -> None:
    """A probe worker started and holding what ``where`` references, before the first media reaches it (one
    that cannot start is reported by the probes that follow)."""
    try:
        pool.call(where.anchor, probe_worker.PROBE_TIMEOUT, _loaded, where)
    except (MediaError, OSError):
        pass


def _in_process_probe(where: Where) -> ProbeMany:
    def probe_many(entries: list[ProbeEntry]) -> list[ProbeOutcome]:
        return _outcomes(probe_each(probe_and_hash, entries, where))

    return probe_many


def _chunks(items: list[MediaItem], files: int) -> list[list[MediaItem]]:
    """Consecutive media grouped up to ``files`` files a group (a longer sequence alone)."""
    out: list[list[MediaItem]] = []
    size = files  # start a new group at once
    for item in items:
        if size + len(item.files) > files or not out:
            out.append([])
            size = 0
        out[-1].append(item)
        size += len(item.files)
    return out


def _prepare(items: list[MediaItem], existing: dict[str, Any], cancel: threading.Event, probe_many: ProbeMany,
             threads: Executor) -> list[_Prepared]:
    """Probe a chunk of media, then hash those new or changed (on the ingest's pool)."""
    if cancel.is_set():
        return [_Prepared(item, None, None, None) for item in items]
    entries = [(item, _known(stored), stored is None) for item in items
               for stored in (existing.get(item.path),)]
    try:
        outcomes = probe_many(entries)
    except OSError as exc:
        outcomes = [MediaError(item.path, exc.strerror or str(exc)) for item in items]
    return [_hashed(item, outcome, known, cancel, threads)
            for (item, known, _), outcome in zip(entries, outcomes, strict=True)]


def _hashed(item: MediaItem, outcome: ProbeOutcome, known: Known | None, cancel: threading.Event,
            threads: Executor) -> _Prepared:
    if isinstance(outcome, MediaError):
        return _Prepared(item, None, None, outcome)
    if cancel.is_set():  # skipped: neither probed nor hashed as far as the caller is concerned
        return _Prepared(item, None, None, None)
    probe, file_hash, record = outcome
    if isinstance(probe, Probed):  # new, hashed and its row made where it was probed
        return _Prepared(item, probe, file_hash, None, record)
    if unchanged(known, probe):
        return _Prepared(item, probe, None, None)
    if file_hash is not None:  # read whole by the probe (small files): hashed from the same bytes
        return _Prepared(item, probe, file_hash, None, record)
    try:
        # A sequence's frames are hashed by this thread with helpers from the ingest's one pool.
        return _Prepared(item, probe, sha256_media(hashed_files(item, probe), threads), None, record)
    except MediaError as exc:
        return _Prepared(item, None, None, exc)
    except OSError as exc:
        return _Prepared(item, None, None, MediaError(item.path, exc.strerror or str(exc)))


def _templates(store: StoreLike, project: str | None, template: str | None) -> list[PathTemplate]:
    """The path templates tried on every media of the ingest, compiled once (the default one when neither
    the caller nor the project names any)."""
    if template:
        return [PathTemplate(template)]
    if project:
        config = store.projects.get(project)
        if config is not None and config.path_templates:
            return [PathTemplate(t) for t in config.path_templates]
    return [PathTemplate(DEFAULT_TEMPLATE)]


def _record_values(item: MediaItem, probe: ProbeResult, hierarchy: Hierarchy, project: str,
                   user: str | None) -> dict[str, Any]:
    fps = probe.fps
    return {
        "file_path": item.path,
        "file_name": os.path.basename(item.path),
        "file_size": probe.file_size,
        "mime_type": probe.mime_type,
        "project_id": project,
        "episode": hierarchy.episode,
        "sequence": hierarchy.sequence,
        "shot": hierarchy.shot,
        "version": hierarchy.version or UNVERSIONED,
        "version_number": hierarchy.version_number if hierarchy.version else 1,
        "department": hierarchy.department,
        "task_type": hierarchy.task_type,
        "artist_id": user,
        "resolution": probe.resolution,
        "frame_rate": float(fps) if fps else None,
        "frame_rate_rational": f"{fps.numerator}/{fps.denominator}" if fps else None,
        "color_space": probe.colour_space,
        "bit_depth": probe.bit_depth,
        "compression": probe.compression,
        "start_frame": probe.start_frame,
        "end_frame": probe.end_frame,
        "frame_count": probe.frame_count,
        "file_modified_at": datetime.fromtimestamp(probe.mtime, tz=UTC),
        "media_kind": str(item.kind),
        "missing_frames": list(probe.missing_frames),
        "extra_metadata": {"fps_source": probe.fps_source, "codec": probe.codec,
                           "empty_frames": list(probe.empty_frames),
                           "damaged_frames": [{"frame": f, "reason": r} for f, r in probe.damaged_frames],
                           "exr_layers": [layer.to_dict() for layer in probe.layers],
                           "start_timecode": probe.start_timecode,
                           "colour_space_guessed": probe.colour_space_guessed},
    }


def _check_root(root: Path) -> None:
    """A missing or unreadable root is the caller's mistake, not an empty ingest."""
    if not root.exists():
        raise UnreadableFileError(root, "no such file or folder")
    if not os.access(root, os.R_OK | (os.X_OK if root.is_dir() else 0)):
        raise UnreadableFileError(root, "no read permission")


def _group(record: Any) -> Group:
    return (record.project_id, record.shot, record.department, record.task_type)


def ingest_tree(
    store: StoreLike,
    root: str | Path,
    *,
    project: str | None = None,
    template: str | None = None,
    user: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    thumbnails: bool = False,
    thumbnail_dir: str | Path | None = None,
    workers: int | None = None,
    isolated: bool = True,
    batch_size: int = BATCH_SIZE,
    write: Write | None = None,
) -> IngestReport:
    """Ingest the media under `root` (a folder or a file) into `store`; see the module docstring.

    `project` overrides the project found in paths (default: the first folder below `root`, else the
    root's own name); `template` overrides the project's stored path templates. `isolated` probes and
    thumbnails in worker processes (see probe_worker); off, they run on this process's threads.
    `write` runs each write transaction (default: on this thread).
    Raises UnreadableFileError when `root` does not exist or cannot be read.
    """
    started = time.perf_counter()
    _check_root(Path(root))
    root = Path(root).resolve()
    cancel = cancel or threading.Event()
    write = write or _here
    report = IngestReport(root=str(root))
    templates = _templates(store, project, template)
    anchor = root if root.is_dir() else root.parent
    anchor_text = str(anchor)  # a str: the hierarchy parser splits it without building a path object
    pool = shared_pool() if isolated else None
    where = Where(tuple(t.template for t in templates), anchor_text, anchor.name, project, user)
    # The store's maker of rows: in process from the start; in the probe workers (which load the store module
    # for it, ~0.7 s of CPU each, once per session) from the tree's second group of folders, so that a small
    # ingest (a file, a folder or two) never waits for that.
    made = replace(where, stored_rows=store.media.stored_rows_maker())
    # Small media are probed together: CHUNK_FILES files per worker round trip isolated, a few in process.
    probe_many = _isolated_probe(pool, where) if pool is not None else _in_process_probe(made)
    settled: list[tuple[str, MediaItem]] = []  # (media id, item) of every media of the tree now recorded
    unchanged_groups: dict[Group, list[Any]] = {}
    # One pool for the whole ingest: probing (or waiting on a probe worker), hashing, thumbnails; and one
    # thread that hands each batch to `write` while the next is prepared.
    # The tree is walked on a thread of its own, and its first media are probed while the rest is walked.
    # Python's cyclic collector is paused meanwhile (domain/gc_pause, as for a playlist import or a sync
    # page): the ingest's objects hold no cycles and are freed by reference counting, yet a few thousand of
    # them alive in the pipeline at once (items, probe results, rows, ids, change sets) made a full collection
    # of the whole process (60-80 ms) in 3 of 4 ingests of the bench's 10,000 files. The app's collector runs on
    # its UI thread (ui/gc_on_ui_thread.py): there this changes nothing.
    with (collector_paused(),
          ThreadPoolExecutor(max_workers=1, thread_name_prefix="horus-ingest-write") as lane,
          ThreadPoolExecutor(max_workers=1, thread_name_prefix="horus-ingest-scan") as scanner,
          ThreadPoolExecutor(max_workers=workers or default_workers(), thread_name_prefix="horus-ingest") as threads,
          _drop_queue_on_interrupt(cancel, threads)):
        items: list[MediaItem] = []  # the media found so far, in the tree's order
        existing_by_path: dict[str, Any] = {}
        writer = _BatchWriter(store, report, batch_size, write, lane)
        # A tree the store holds nothing under (a new delivery) has no media to compare: its paths are not
        # looked up group by group beside the batches written.
        known_tree = store.media.any_under(anchor_text)

        def found_chunks() -> Iterator[list[MediaItem]]:
            nonlocal probe_many
            for n, group in enumerate(_scanned(root, report, cancel, scanner)):
                if n == 1 and pool is not None and made.stored_rows is not None:  # a large tree: see `made`
                    for _ in range(min(pool.size, workers or default_workers())):
                        threads.submit(ready_worker, pool, made)
                    probe_many = _isolated_probe(pool, made)
                if known_tree:
                    existing_by_path.update(store.media.get_by_paths(item.path for item in group))
                items.extend(group)
                yield from _chunks(group, CHUNK_FILES if pool is not None else CHUNK_FILES_IN_PROCESS)

        def prepare(chunk: list[MediaItem]) -> Future[list[_Prepared]]:
            return threads.submit(_prepare, chunk, existing_by_path, cancel, probe_many, threads)

        done = 0
        for prepared in _in_order(found_chunks(), prepare, 2 * (workers or default_workers()), cancel, report):
            done += 1
            item = prepared.item
            existing = existing_by_path.get(item.path)
            if progress is not None:  # of the media found so far (all of them once the walk ends)
                progress(done, len(items), item.path)
            if prepared.error is not None or prepared.probe is None:
                error = prepared.error
                report.problems.append(IngestProblem(error.path if error else item.path,
                                                     error.reason if error else "not probed"))
                continue
            probe_result = prepared.probe
            report.problems.extend(_frame_problems(item, probe_result))
            if prepared.file_hash is None:
                report.unchanged.append(str(existing.id))
                unchanged_groups.setdefault(_group(existing), []).append(existing)
                settled.append((str(existing.id), item))
                continue
            report.hashed_bytes += probe_result.file_size
            record = prepared.record
            assert record is not None  # made by probe_each for every new or changed media
            if isinstance(record, tuple):  # a new media's row, ready to insert
                writer.add(None, item, None, record[1], record[0])
            else:
                record["file_hash"] = prepared.file_hash  # hashed here when the probe did not read it whole
                writer.add(existing, item, record, None, _values_group(record))
        report.found = len(items)
        # The latest-version flags of every group written to, and of groups an earlier, interrupted ingest may
        # have left stale (see _suspect), refreshed in the last batch's transaction when it can (one commit less
        # at the end), else after it.
        left = writer.finish({g for g, records in unchanged_groups.items() if _suspect(records)})
        settled += writer.written
        _refresh_latest(store, left, write)
        if thumbnails and settled and not cancel.is_set():
            folder = Path(thumbnail_dir) if thumbnail_dir else Path(store.files_dir) / "thumbnails"
            wanted = _thumbnails_wanted(store, settled, writer.changed_ids)
            report.thumbnails = _make_thumbnails(store, threads, pool, wanted, folder, report, cancel,
                                                 progress, batch_size, write)
    report.seconds = time.perf_counter() - started
    return report



def _walk_problem(exc: OSError, root: str | Path) -> IngestProblem:
    """What the walk could not take: a file whose name is no text (EILSEQ: the walk says so itself) or a
    folder that could not be listed."""
    if exc.errno == errno.EILSEQ:
        return IngestProblem(exc.filename or str(root), exc.strerror or str(exc))
    return IngestProblem(exc.filename or str(root), f"folder not read: {exc.strerror or exc}")

def _scanned(root: Path, report: IngestReport, cancel: threading.Event, scanner: Executor) -> Iterator[list[MediaItem]]:
    """The media under ``root``, a group of whole folders at a time (`sequences.scan_media_groups`), walked on
    ``scanner`` while the caller probes the groups before; folders that cannot be listed are reported. The
    walk stops at the next group once the ingest is cancelled."""
    found: queue.Queue[list[MediaItem] | BaseException | None] = queue.Queue()

    def walk() -> None:
        try:
            for group in scan_media_groups(root, on_error=lambda exc: report.problems.append(
                    _walk_problem(exc, root))):
                if cancel.is_set():
                    break
                found.put(group)
        except BaseException as exc:  # raised where the groups are taken, as a walk on that thread would
            found.put(exc)
        finally:
            found.put(None)

    scanner.submit(walk)
    while (group := found.get()) is not None:
        if isinstance(group, BaseException):
            raise group
        yield group


def _in_order(chunks: Iterable[list[MediaItem]], prepare: Callable[[list[MediaItem]], Future[list[_Prepared]]],
              window: int, cancel: threading.Event, report: IngestReport) -> Iterator[_Prepared]:
    """The prepared media in the tree's order, until the ingest is cancelled (the rest is dropped).

    Chunks are handed to the pool ``window`` ahead of the one awaited, not all at once: the pool never idles,
    and a Ctrl+C (raised in the caller's progress) leaves at most that many started, whatever the tree's size
    and however fast small files probe."""
    pending: deque[Future[list[_Prepared]]] = deque()
    upcoming = iter(chunks)

    def top_up() -> None:
        while len(pending) < window and not cancel.is_set():
            chunk = next(upcoming, None)
            if chunk is None:
                return
            pending.append(prepare(chunk))

    top_up()
    while pending and not cancel.is_set():
        for prepared in pending.popleft().result():
            if prepared.probe is None and prepared.error is None:  # skipped: cancelled meanwhile
                cancel.set()
                break
            yield prepared
        top_up()
    if cancel.is_set():
        report.cancelled = True
        for later in pending:
            later.cancel()


def _here(work: Callable[[], Any]) -> Any:
    return work()


@contextmanager
def _drop_queue_on_interrupt(cancel: threading.Event, threads: ThreadPoolExecutor) -> Iterator[None]:
    """On Ctrl+C (or any error) stop at once: files not yet started are dropped, not probed first (what
    was written stays consistent, and the next ingest finishes the rest)."""
    try:
        yield
    except BaseException:
        cancel.set()
        threads.shutdown(wait=False, cancel_futures=True)
        raise


def _frame_problems(item: MediaItem, probe: ProbeResult | Probed) -> list[IngestProblem]:
    """Empty and damaged frames of a media that was recorded from its good frames."""
    # damaged_frames holds the empty ones too, with the reason "empty file (0 bytes)".
    if item.kind is not MediaKind.SEQUENCE:
        return [IngestProblem(item.path, reason) for _, reason in probe.damaged_frames]
    return [IngestProblem(item.file_for_frame(f), f"frame {f} of {os.path.basename(item.path)}: {reason}")
            for f, reason in probe.damaged_frames]


class _BatchWriter:
    """Writes media records `batch_size` at a time, one transaction per batch (a batch that fails is
    retried record by record, so one bad record is reported and the others land).

    A batch is committed on a writer thread of its own while the ingest prepares the next one (a SQLite
    insert runs its search-index and sync triggers without holding the GIL); at most one batch is in flight,
    and its outcome is taken in order before the next goes."""

    #: The stored record (None: a new one), the media, its values or its row ready to insert, its group.
    Entry = tuple[Any, MediaItem, dict[str, Any] | None, tuple[Any, ...] | None, Group]

    def __init__(self, store: StoreLike, report: IngestReport, batch_size: int, write: Write,
                 lane: Executor) -> None:
        self.store, self.report, self.batch_size, self.write = store, report, max(1, batch_size), write
        self.lane = lane
        self.pending: list[_BatchWriter.Entry] = []
        self.in_flight: Future[tuple[list[tuple[_BatchWriter.Entry, tuple[str, bool]]], list[IngestProblem]]] | None
        self.in_flight = None
        self.sent = False  # a batch went to the writer
        self.written: list[tuple[str, MediaItem]] = []
        self.refreshed = False  # the last batch refreshed the latest-version flags (finish)
        self.changed_ids: set[str] = set()
        self.groups: set[Group] = set()

    def add(self, existing: Any, item: MediaItem, values: dict[str, Any] | None, row: tuple[Any, ...] | None,
            group: Group) -> None:
        """Queue a record: a changed one (``existing``) or a new one, by its ``values`` or its ``row``. A full
        batch goes when the next record comes, so the last one is left for `finish`."""
        if len(self.pending) >= (self.batch_size if self.sent else min(self.batch_size, FIRST_BATCH_SIZE)):
            self.flush(wait=False)
        self.pending.append((existing, item, values, row, group))

    def flush(self, wait: bool = True) -> None:
        """Send the pending records (after taking the outcome of the batch before); with `wait`, until written."""
        batch, self.pending = self.pending, []
        self._settle()
        if batch:
            self.in_flight = self.lane.submit(self._commit, batch)
            self.sent = True
        if wait:
            self._settle()

    def finish(self, extra: set[Group]) -> set[Group]:
        """Write the pending records, refreshing in their transaction the latest-version flags of every group
        written to and of ``extra`` (at most LATEST_BATCH groups); returns the groups still to refresh: all of
        them when nothing was pending, there were more, or the batch had to be written record by record."""
        batch, self.pending = self.pending, []
        self._settle()
        groups = self.groups | extra | {entry[4] for entry in batch} | {_group(e[0]) for e in batch if e[0] is not None}
        if not batch:
            return groups
        refresh = groups if len(groups) <= LATEST_BATCH else None
        self.in_flight = self.lane.submit(self._commit, batch, refresh)
        self._settle()
        return set() if self.refreshed else self.groups | extra

    def _settle(self) -> None:
        if self.in_flight is None:
            return
        done, self.in_flight = self.in_flight, None
        outcomes, problems = done.result()
        self.report.problems.extend(problems)
        for (existing, item, _, _, group), (record_id, created) in outcomes:
            (self.report.created if created else self.report.updated).append(record_id)
            self.written.append((record_id, item))
            self.groups.add(group)
            if existing is not None:
                self.groups.add(_group(existing))

    def _commit(self, batch: list[Entry], refresh: set[Group] | None = None,
                ) -> tuple[list[tuple[Entry, tuple[str, bool]]], list[IngestProblem]]:
        """One batch through `write` (on the writer thread): each entry with its (id, created), and problems.
        ``refresh``: groups whose latest-version flags are refreshed in the batch's transaction (``refreshed``
        says whether they were: not when the batch goes record by record)."""
        try:
            out = list(zip(batch, self.write(lambda: self._write_together(batch, refresh)), strict=True)), []
            self.refreshed = refresh is not None
            return out
        except (ValueError, LookupError):
            pass
        outcomes, problems = [], []
        for entry in batch:
            try:
                outcomes += zip([entry], self.write(lambda entry=entry: self._write_together([entry])), strict=True)
            except (ValueError, LookupError) as exc:
                problems.append(IngestProblem(entry[1].path, f"not recorded: {exc}"))
        return outcomes, problems

    def _write_together(self, entries: list[Entry], refresh: set[Group] | None = None) -> list[tuple[str, bool]]:
        """Write records in one transaction (on the writer's thread): the new ones in one batched insert (two
        when some come as values), the changed ones updated one by one (their thumbnails dropped with them);
        then the latest-version flags of ``refresh``'s groups."""
        with self.store.transaction():
            rows = [row for _, _, _, row, _ in entries if row is not None]
            new = [values for existing, _, values, row, _ in entries if existing is None and row is None]
            inserted = iter(self.store.media.create_stored(rows) if rows else [])
            created = iter(self.store.media.create_many(new) if new else [])
            out = []
            for existing, _, values, row, _ in entries:
                if row is not None:
                    out.append((str(next(inserted)), True))
                elif existing is None:
                    out.append((str(next(created).id), True))
                else:
                    assert values is not None  # a changed media comes with its values
                    out.append(self._update(existing, values))
            if refresh:
                self.store.media.refresh_latest_versions_many(sorted(refresh, key=lambda g: tuple(x or "" for x in g)))
            return out

    def _update(self, existing: Any, values: dict[str, Any]) -> tuple[str, bool]:
        record = self.store.media.update(existing.id, **keep_override(existing, values))  # a user's colour stays
        # The file changed: its old thumbnails go in the same transaction, so that an ingest stopped
        # before making new ones leaves none (and the next ingest makes them) rather than stale ones.
        self.store.thumbnails.delete_for([record.id])
        self.changed_ids.add(str(record.id))
        return str(record.id), False


def _suspect(records: list[Any]) -> bool:
    """Whether the latest-version flags of a group whose media of this tree are all unchanged may be stale
    (an earlier ingest stopped before refreshing them). Only this tree's media can have made them stale,
    and they are all here: the flags are right when exactly one is flagged and it has the group's highest
    version number, strictly (ties and missing numbers are left to the store's own rule)."""
    flagged = [r for r in records if r.is_latest_version]
    if len(flagged) != 1 or flagged[0].version_number is None:
        return True
    top = flagged[0]
    return any(r is not top and r.version_number is not None and r.version_number >= top.version_number
               for r in records)


def _refresh_latest(store: StoreLike, groups: set[Group], write: Write) -> None:
    """Latest-version flags of the groups this ingest wrote to, and of groups an earlier, interrupted
    ingest may have left stale (see _suspect). A few hundred groups per transaction."""
    ordered = sorted(groups, key=lambda g: tuple(x or "" for x in g))
    for start in range(0, len(ordered), LATEST_BATCH):
        write(lambda chunk=ordered[start : start + LATEST_BATCH]: store.media.refresh_latest_versions_many(chunk))


def _thumbnails_wanted(store: StoreLike, settled: list[tuple[str, MediaItem]],
                       changed: set[str]) -> list[tuple[str, MediaItem]]:
    """Media of the tree lacking a thumbnail size (recorded or on disk): new ones, changed ones, and
    those an earlier, interrupted ingest did not reach."""
    ids = [media_id for media_id, _ in settled]
    have: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for size in THUMBNAIL_SIZES:
            for media_id, thumb in store.thumbnails.for_media(chunk, size).items():
                if os.path.exists(thumb.thumbnail_path):
                    have[str(media_id)] = have.get(str(media_id), 0) + 1
    return [(media_id, item) for media_id, item in settled
            if media_id in changed or have.get(media_id, 0) < len(THUMBNAIL_SIZES)]


def _make_thumbnails(store: StoreLike, threads: ThreadPoolExecutor, pool: ProbePool | None,
                     wanted: list[tuple[str, MediaItem]], folder: Path, report: IngestReport,
                     cancel: threading.Event, progress: Progress | None, batch_size: int, write: Write) -> int:
    make = pool.thumbnails if pool is not None else make_thumbnails
    jobs = [(media_id, threads.submit(make, item, folder, media_id)) for media_id, item in wanted]
    count = 0
    ready: list[tuple[str, ThumbnailFile]] = []
    for done, (media_id, future) in enumerate(jobs, start=1):
        if cancel.is_set():
            report.cancelled = True
            future.cancel()
            continue
        try:
            files: list[ThumbnailFile] = future.result()
        except MediaError as exc:
            report.problems.append(IngestProblem(exc.path, f"thumbnail: {exc.reason}"))
            continue
        if progress is not None:
            progress(done, len(jobs), f"thumbnail {wanted[done - 1][1].path}")
        ready += [(media_id, thumb) for thumb in files]
        if len(ready) >= batch_size:
            count += write(lambda ready=ready: _record_thumbnails(store, ready))
            ready = []
    return count + write(lambda: _record_thumbnails(store, ready))


def _record_thumbnails(store: StoreLike, ready: list[tuple[str, ThumbnailFile]]) -> int:
    with store.transaction():
        for media_id, thumb in ready:
            store.thumbnails.upsert(media_id, thumb.size, thumb.path, thumbnail_hash=thumb.sha256,
                                    frame_number=thumb.frame_number)
    return len(ready)


def format_ingest_report(report: IngestReport) -> str:
    """A few lines for the terminal."""
    lines = [
        f"{printable_path(report.root)}: {report.found} media found, {len(report.created)} created, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, {len(report.problems)} problems"
        f"{' (cancelled)' if report.cancelled else ''} in {report.seconds:.1f} s",
    ]
    if report.thumbnails:
        lines.append(f"{report.thumbnails} thumbnails written")
    lines += [f"  {printable_path(p.path)}: {printable_path(p.reason)}" for p in report.problems]
    return "\n".join(lines)


def printable_path(path: str) -> str:
    """A path on one line: a name holding a line break or another control character (legal on Linux) is
    shown with Python escapes, so one problem is one line and the name can be told exactly."""
    if path.isprintable():
        return path
    return repr(path)[1:-1]
