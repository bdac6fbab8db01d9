"""The demo project: media on disk as promised, ingested with notes and drawings, frame codes readable."""

from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np

from horus_desktop.demo.frames import draw_demo_frame, read_frame_code
from horus_desktop.demo.project import DEMO_MEDIA, generate_media, make_demo_project
from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.media.open_source import open_frame_source


def test_frame_code_round_trips() -> None:
    for frame in (1, 1001, 1036, 9999):
        pixels = draw_demo_frame(frame, shot="sh010", department="comp", version="v001", version_number=1,
                                 first=1001, count=24, size=(320, 180))
        assert read_frame_code(pixels) == frame


def test_demo_project_is_ingested_with_notes(sqlite_store, tmp_path) -> None:
    report = make_demo_project(sqlite_store, tmp_path / "demo", frames=6, size=(320, 180))
    assert not report.problems and not report.cancelled
    records = sqlite_store.media.search(MediaQuery()).items
    assert len(records) == len(DEMO_MEDIA) == 11
    assert {r.sequence for r in records} == {"sq010", "sq020"}
    assert {r.shot for r in records} == {"sh010", "sh020", "sh030"}
    assert {r.department for r in records} >= {"comp", "anim", "lighting"}
    kinds = {r.file_name.rsplit(".", 1)[-1] for r in records}
    assert kinds == {"exr", "jpg", "mov"}
    for record in records:
        if record.media_kind == "sequence":
            assert record.start_frame == 1001 and record.end_frame == 1006
    latest = [r for r in records if r.shot == "sh010" and r.department == "comp" and r.is_latest_version]
    assert [r.version for r in latest] == ["v003"]
    assert report.comments >= 4 and report.annotations >= 4
    assert {r.approval_status for r in records} >= {"approved", "rejected", "on_hold", "pending"}
    thumbs = sqlite_store.thumbnails.for_media([r.id for r in records], "medium")
    assert len(thumbs) == 11
    exr = next(r for r in records if r.file_name.endswith(".exr"))
    with open_frame_source(exr.file_path) as source:
        frame = source.read(1003)
    assert frame.pixels.dtype == np.float16
    encoded = np.clip(frame.pixels.astype(np.float32), 0, 1) ** (1 / 2.2)
    assert read_frame_code(encoded) == 1003
    movie = next(r for r in records if r.file_name.endswith(".mov"))
    with open_frame_source(movie.file_path) as source:
        assert read_frame_code(source.read(4).pixels) == 4
    (playlist_id,) = report.playlists
    dailies = sqlite_store.timelines.get(playlist_id)
    shown = sqlite_store.media.get_many([c.media_id for c in dailies.clips])
    assert [(m.shot, m.department, m.version) for m in shown] == [
        ("sh010", "anim", "v002"), ("sh020", "lighting", "v002"), ("sh030", "anim", "v002")]
    assert dailies.timeline_type == "dailies" and dailies.otio_data is not None


def test_running_the_demo_again_keeps_what_was_reviewed(sqlite_store, tmp_path) -> None:
    """`horus demo` on a store that has the demo already (made by `./dev run`'s first start, say): the media
    are refreshed, but a status set since is not reset and the notes, drawings and dailies playlist are not
    added a second time. Before, each run reset every demo status and added them all again."""
    make_demo_project(sqlite_store, tmp_path / "demo", frames=6, size=(320, 180))
    records = sqlite_store.media.search(MediaQuery()).items

    def reviews() -> tuple[list[tuple[str, str]], int, int, int]:
        threads = sqlite_store.comments.threads_by_media([r.id for r in records])
        notes = sum(len(node.walk()) for nodes in threads.values() for node in nodes)
        drawings = sum(len(sqlite_store.annotations.list(r.id)) for r in records)
        statuses = sorted((str(r.id), r.approval_status) for r in sqlite_store.media.search(MediaQuery()).items)
        return statuses, notes, drawings, len(sqlite_store.timelines.list())

    reviewed = next(r for r in records if r.approval_status != "approved")
    sqlite_store.media.set_status([reviewed.id], "approved", by="ana")
    before = reviews()
    again = make_demo_project(sqlite_store, tmp_path / "demo", frames=6, size=(320, 180))
    assert sqlite_store.media.get(reviewed.id).approval_status == "approved"
    assert reviews() == before
    assert not again.problems and again.reviews_kept and len(again.media_ids) == 11


def test_cancelling_the_demo_leaves_the_rest_unwritten(tmp_path) -> None:
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int, text: str) -> None:
        seen.append(done)
        cancel.set()  # after the first media written

    generate_media(tmp_path, frames=4, size=(320, 180), progress=progress, cancel=cancel, workers=1)
    folders = {p.parent for p in tmp_path.rglob("*.*") if p.is_file()}
    assert seen == [1]
    assert len(folders) == 1  # one worker: the media it was writing when cancelled, none after


def test_the_windows_demo_job_loads_the_media_generators_only_when_it_runs() -> None:
    """The window imports the demo job on the UI thread when the user asks for the demo; the generators'
    libraries (PyAV, Pillow, OpenEXR: ~50-100 ms of imports) must load on the job's thread, not there."""
    child = (
        "import sys\n"
        "from horus_desktop.demo.job import demo_job\n"
        "job = demo_job(object(), write=lambda fn: fn())\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'av', 'PIL', 'OpenEXR', 'numpy'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
