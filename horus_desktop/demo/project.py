"""Generate the demo project and ingest it: two sequences, three shots, two or three versions each in
several departments, EXR (half float) and JPEG sequences from frame 1001 and one H.264 movie, then a few
notes and drawings written through the store's repositories."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from PIL import Image

from horus_desktop.demo.frames import draw_demo_frame
from horus_desktop.domain.shapes import Shape, Style
from horus_desktop.media.ingest import ingest_tree
from horus_desktop.media.synthetic import srgb_to_linear_half, write_exr
from horus_desktop.services.jobs import WriteFn, write_here

PROJECT = "horus_demo"
EPISODE = "ep01"
FIRST_FRAME = 1001
DEFAULT_FRAMES = 36
DEFAULT_SIZE = (960, 540)
FPS = Fraction(24)

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DemoMedia:
    """One version to generate."""

    sequence: str
    shot: str
    department: str
    version_number: int
    kind: str  # exr, jpg or mov
    artist: str
    status: str

    @property
    def version(self) -> str:
        """v001-style version name."""
        return f"v{self.version_number:03d}"

    def folder(self, root: Path) -> Path:
        """Where its files go (the default path template)."""
        return root / PROJECT / EPISODE / self.sequence / self.shot / self.department / self.version

    @property
    def stem(self) -> str:
        """File name without frame number and extension."""
        return f"{self.shot}_{self.department}_{self.version}"


DEMO_MEDIA: tuple[DemoMedia, ...] = (
    DemoMedia("sq010", "sh010", "comp", 1, "exr", "Mira Chen", "rejected"),
    DemoMedia("sq010", "sh010", "comp", 2, "exr", "Mira Chen", "on_hold"),
    DemoMedia("sq010", "sh010", "comp", 3, "exr", "Mira Chen", "pending"),
    DemoMedia("sq010", "sh010", "anim", 1, "jpg", "Tom Okafor", "approved"),
    DemoMedia("sq010", "sh010", "anim", 2, "jpg", "Tom Okafor", "approved"),
    DemoMedia("sq010", "sh020", "lighting", 1, "jpg", "Sara Lind", "rejected"),
    DemoMedia("sq010", "sh020", "lighting", 2, "jpg", "Sara Lind", "pending"),
    DemoMedia("sq010", "sh020", "comp", 1, "exr", "Mira Chen", "pending"),
    DemoMedia("sq020", "sh030", "anim", 1, "jpg", "Tom Okafor", "on_hold"),
    DemoMedia("sq020", "sh030", "anim", 2, "jpg", "Tom Okafor", "pending"),
    DemoMedia("sq020", "sh030", "edit", 1, "mov", "Jon Park", "pending"),
)
HUES = {"sh010": 0.3, "sh020": 2.2, "sh030": 4.1}
USERS = (
    ("ana", "Ana Ruiz", "supervisor", "comp"),
    ("mira", "Mira Chen", "artist", "comp"),
    ("tom", "Tom Okafor", "artist", "anim"),
    ("sara", "Sara Lind", "artist", "lighting"),
)


@dataclass
class DemoReport:
    """What the demo generation did."""

    root: str
    media_ids: list[str] = field(default_factory=list)
    comments: int = 0
    annotations: int = 0
    problems: list[str] = field(default_factory=list)
    playlists: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cancelled: bool = False
    #: The demo's media had notes already (made by an earlier run): their statuses, notes, drawings and the
    #: dailies playlist were left as they are, not added again (nor the statuses reset).
    reviews_kept: bool = False


def _write_media(media: DemoMedia, root: Path, frames: int, size: tuple[int, int]) -> None:
    folder = media.folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    hue = HUES.get(media.shot, 0.0) + 0.15 * media.version_number
    first = 1 if media.kind == "mov" else FIRST_FRAME

    def pixels(frame: int) -> Any:
        return draw_demo_frame(frame, shot=media.shot, department=media.department, version=media.version,
                               version_number=media.version_number, first=first, count=frames, size=size, hue=hue)

    if media.kind == "mov":
        with av.open(str(folder / f"{media.stem}.mov"), "w") as container:
            stream = container.add_stream("libx264", rate=FPS)
            stream.width, stream.height = size
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": "18", "preset": "veryfast", "bf": "0", "g": "12"}
            for frame in range(first, first + frames):
                video = av.VideoFrame.from_ndarray(pixels(frame), format="rgb24")
                for packet in stream.encode(video):
                    container.mux(packet)
            for packet in stream.encode(None):
                container.mux(packet)
        return
    for frame in range(first, first + frames):
        path = folder / f"{media.stem}.{frame:04d}.{media.kind}"
        if media.kind == "exr":
            write_exr(path, srgb_to_linear_half(pixels(frame)), compression="zip", fps=FPS,
                      extra_header={"colorSpace": "Linear Rec.709 (sRGB)"})
        else:
            Image.fromarray(pixels(frame)).save(path, quality=92)


def generate_media(root: str | Path, *, frames: int = DEFAULT_FRAMES, size: tuple[int, int] = DEFAULT_SIZE,
                   progress: Progress | None = None, cancel: threading.Event | None = None,
                   workers: int = 4) -> Path:
    """Write the demo files under ``root`` (``workers`` media at a time); returns ``root``. On ``cancel`` the
    media not started are not written; those being written are finished."""
    root = Path(root)
    cancel = cancel or threading.Event()
    count = max(1, min(workers, len(DEMO_MEDIA)))
    waiting = iter(DEMO_MEDIA)
    done = 0
    with ThreadPoolExecutor(count, thread_name_prefix="horus-demo") as pool:
        # No more handed out than there are workers: a cancel then leaves only the media being written to finish.
        running = {pool.submit(_write_media, m, root, frames, size) for m in itertools.islice(waiting, count)}
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()
                done += 1
                if progress:
                    progress(done, len(DEMO_MEDIA) + 2, f"Writing demo media ({done}/{len(DEMO_MEDIA)})")
                media = None if cancel.is_set() else next(waiting, None)
                if media is not None:
                    running.add(pool.submit(_write_media, media, root, frames, size))
    return root


def make_demo_project(
    store: Any,
    root: str | Path,
    *,
    frames: int = DEFAULT_FRAMES,
    size: tuple[int, int] = DEFAULT_SIZE,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    write: WriteFn = write_here,
) -> DemoReport:
    """Generate the demo media under ``root``, ingest it into ``store`` and add notes and drawings; every
    store write runs through ``write`` (the app's DB worker; see services/jobs.py)."""
    started = time.perf_counter()
    cancel = cancel or threading.Event()
    root = Path(root)
    report = DemoReport(str(root))
    generate_media(root, frames=frames, size=size, progress=progress, cancel=cancel)
    if cancel.is_set():
        report.cancelled = True
        return report
    if progress:
        progress(len(DEMO_MEDIA), len(DEMO_MEDIA) + 2, "Ingesting demo media")
    ingest = ingest_tree(store, root, project=PROJECT, user="demo", cancel=cancel, thumbnails=True, write=write)
    report.problems.extend(f"{p.path}: {p.reason}" for p in ingest.problems)
    if ingest.cancelled or cancel.is_set():
        report.cancelled = True
        return report
    if progress:
        progress(len(DEMO_MEDIA) + 1, len(DEMO_MEDIA) + 2, "Adding notes and drawings")
    write(lambda: _add_reviews(store, report, frames))
    report.seconds = time.perf_counter() - started
    if progress:
        progress(len(DEMO_MEDIA) + 2, len(DEMO_MEDIA) + 2, "Demo project ready")
    return report


def _add_reviews(store: Any, report: DemoReport, frames: int) -> None:
    """The demo's people, statuses, notes, drawings and dailies playlist (one call on the writer thread), once:
    when none of the demo's media has a note yet. A store where the demo was made before keeps what was
    reviewed since: its statuses are not reset, nor its notes, drawings and playlist added a second time."""
    for user_id, name, role, department in USERS:
        store.users.ensure(user_id, username=user_id, full_name=name, role=role, department=department)
    records = {}
    for media in DEMO_MEDIA:
        record = _find(store, media)
        if record is None:
            report.problems.append(f"{media.stem}: not found in the store after ingest")
            continue
        records[media] = record
        report.media_ids.append(str(record.id))
    if any(store.comments.threads_by_media([r.id for r in records.values()]).values()):
        report.reviews_kept = True
        return
    for media, record in records.items():
        store.media.update(record.id, artist_name=media.artist, approval_status=media.status)
    _add_notes(store, records, report, frames)
    _add_dailies(store, records, report)


def _add_dailies(store: Any, records: dict[DemoMedia, Any], report: DemoReport) -> None:
    """A dailies playlist of the latest animation and lighting versions, shot after shot."""
    from horus_desktop.timeline.playlists import create_playlist

    latest: dict[tuple[str, str], Any] = {}
    for media, record in records.items():
        if media.department in ("anim", "lighting") and media.kind == "jpg":  # one colour space throughout
            key = (media.shot, media.department)
            if key not in latest or (record.version_number or 0) > (latest[key].version_number or 0):
                latest[key] = record
    chosen = [latest[key] for key in sorted(latest)]
    if chosen:
        playlist = create_playlist(store, name="Demo dailies", project_id=PROJECT, user="ana",
                                   media_ids=[r.id for r in chosen],
                                   description="Latest animation and lighting, shot after shot")
        report.playlists.append(str(playlist.id))


def _find(store: Any, media: DemoMedia) -> Any:
    for record in store.media.find_by_shot_version(media.shot, media.version, PROJECT):
        if record.department == media.department:
            return record
    return None


def _add_notes(store: Any, records: dict[DemoMedia, Any], report: DemoReport, frames: int) -> None:
    def at(offset: int) -> int:
        return FIRST_FRAME + min(offset, frames - 1)

    by_key = {(m.shot, m.department, m.version_number): r for m, r in records.items()}
    comp2 = by_key.get(("sh010", "comp", 2))
    comp3 = by_key.get(("sh010", "comp", 3))
    light1 = by_key.get(("sh020", "lighting", 1))
    anim2 = by_key.get(("sh030", "anim", 2))
    if comp2 is not None:
        note = store.comments.add(media_id=comp2.id, content="The ball lands too late here, @mira can we pull "
                                  "the bounce two frames earlier?", user_id="ana", user_name="Ana Ruiz",
                                  frame_number=at(12))
        store.comments.add(media_id=comp2.id, content="On it, v003 tonight.", user_id="mira",
                           user_name="Mira Chen", parent_id=note.id)
        report.comments += 2
        red = Style(color="#ff5050", width=0.006, font_size=0.05, hold=4)
        shapes = [
            Shape("ellipse", box=(0.38, 0.18, 0.22, 0.3), style=red),
            Shape("arrow", points=((0.75, 0.2), (0.6, 0.3)), style=red),
            Shape("text", box=(0.62, 0.1, 0.0, 0.0), text="bounce earlier", style=red),
        ]
        store.annotations.add_many([
            dict(media_id=comp2.id, frame_number=at(12), user_id="ana", user_name="Ana Ruiz",
                 layer_name="review", **shape.row_fields())
            for shape in shapes
        ])
        report.annotations += len(shapes)
    if comp3 is not None:
        store.comments.add(media_id=comp3.id, content="Better. Check the grade on the horizon line.",
                           user_id="ana", user_name="Ana Ruiz", frame_number=at(20))
        points = tuple((0.1 + 0.02 * i, 0.7 + 0.01 * ((i % 4) - 2), 1.0) for i in range(30))
        stroke = Shape("freehand", points=points, style=Style(color="#40c0ff", width=0.008, hold=3))
        store.annotations.add(media_id=comp3.id, frame_number=at(20), user_id="ana", user_name="Ana Ruiz",
                              layer_name="review", **stroke.row_fields())
        report.comments += 1
        report.annotations += 1
    if light1 is not None:
        store.comments.add(media_id=light1.id, content="Too dark overall; lift the key by half a stop.",
                           user_id="ana", user_name="Ana Ruiz", frame_number=FIRST_FRAME)
        box = Shape("rectangle", box=(0.05, 0.45, 0.5, 0.4), style=Style(color="#ffd040", width=0.006))
        store.annotations.add(media_id=light1.id, frame_number=FIRST_FRAME, user_id="ana", user_name="Ana Ruiz",
                              layer_name="review", **box.row_fields())
        report.comments += 1
        report.annotations += 1
    if anim2 is not None:
        store.comments.add(media_id=anim2.id, content="Nice arc. Approved from my side once the hold is fixed.",
                           user_id="ana", user_name="Ana Ruiz", frame_number=at(30))
        report.comments += 1
