"""``horus bench playlist``: a 2,000-clip OTIO file through our import, against OpenTimelineIO's own read.

Figures printed, not asserted: the import (file -> matched clips -> store rows, one transaction), OTIO's
bare ``read_from_file`` of the same file in the same run (each the least of ROUNDS, interleaved), and loading
the state the track view draws.
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import opentimelineio as otio

from horus_desktop.store import Store
from horus_desktop.timeline.files import import_playlist
from horus_desktop.timeline.otio_doc import trange
from horus_desktop.timeline.state import load_state


def bench_media_values(n: int) -> list[dict[str, Any]]:
    """Column values of ``n`` media (one EXR comp per shot) for the bench playlist's clips to point at."""
    return [{"file_path": f"/shows/bench/sq{i // 100:03d}/sh{i:04d}/comp/v001/sh{i:04d}_comp_v001.%04d.exr",
             "project_id": "bench", "sequence": f"sq{i // 100:03d}", "shot": f"sh{i:04d}", "department": "comp",
             "version": "v001", "version_number": 1, "is_latest_version": True, "start_frame": 1001,
             "end_frame": 1048, "frame_count": 48, "frame_rate": 24} for i in range(n)]


def write_bench_otio(path: Path, media: list[dict[str, Any]], *, tracks: int = 2) -> None:
    """A timeline of ``len(media)`` clips over ``tracks`` video tracks, gaps and markers, written by OTIO."""
    timeline = otio.schema.Timeline(name="bench")
    built = [otio.schema.Track(name=f"V{i + 1}") for i in range(tracks)]
    for i, values in enumerate(media):
        track = built[i % tracks]
        if i % 10 == 0:
            track.append(otio.schema.Gap(source_range=trange(0, 12, 24)))
        url = values["file_path"].replace("%04d", "####")
        clip = otio.schema.Clip(name=f"{values['shot']}_comp_v001",
                                media_reference=otio.schema.ExternalReference(target_url=f"file://{url}"),
                                source_range=trange(1001, 24 + i % 24, 24))
        if i % 5 == 0:
            clip.markers.append(otio.schema.Marker(name="note", marked_range=trange(1003, 1, 24)))
        track.append(clip)
    for track in built:
        timeline.tracks.append(track)
    otio.adapters.write_to_file(timeline, str(path))


ViewFigures = Callable[[Store, uuid.UUID], dict[str, Any]]

#: Reads and imports timed, interleaved; the least of each is the figure.
ROUNDS = 3


def bench_playlist(clips: int = 2000, *, db: str | None = None, as_json: bool = False,
                   view_figures: ViewFigures | None = None) -> dict[str, Any]:
    """Time our import and state load of a ``clips``-clip OTIO file against OTIO's own read.

    ``view_figures`` (the track view's, from ``horus_desktop.ui.timeline.bench``; cli.py passes it) adds
    the time to open the playlist in the track view and its scroll/zoom redraw times.
    """
    with tempfile.TemporaryDirectory(prefix="horus-bench-playlist-") as tmp:
        folder = Path(tmp)
        store = Store.open(db or folder / "bench.sqlite")
        try:
            media = bench_media_values(clips)
            store.media.create_many(media)
            path = folder / "bench.otio"
            write_bench_otio(path, media)
            # Interleaved, best of ROUNDS each: a single read and import measured a burst of load on a shared
            # machine (or the first call's loading of OTIO's adapter plugins) as one of them (traced: the OTIO
            # read 29-41 ms, the ratio 4.1-5.5x between runs of the same code). Each import is a new playlist.
            otio_reads, imports = [], []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                bare = otio.adapters.read_from_file(str(path))
                otio_reads.append(time.perf_counter() - started)
                started = time.perf_counter()
                report = import_playlist(store, path, user="bench", project_id="bench")
                imports.append(time.perf_counter() - started)
            otio_read, ours = min(otio_reads), min(imports)
            started = time.perf_counter()
            state = load_state(store, report.timeline.id)
            load = time.perf_counter() - started
            result = {
                "clips": clips, "file_bytes": path.stat().st_size, "rounds": ROUNDS,
                "otio_read_s": round(otio_read, 4), "import_s": round(ours, 4),
                "import_vs_otio_read": round(ours / otio_read, 1) if otio_read else None,
                "state_load_s": round(load, 4), "matched_by_path": report.matched["path"],
                "missing": len(report.missing), "tracks": len(state.tracks),
                "items": sum(len(t.items) for t in state.tracks), "otio_clips": len(list(bare.find_clips())),
                "store": store.describe(),
            }
            if view_figures is not None:
                result.update(view_figures(store, report.timeline.id))
        finally:
            store.close()
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        print(f"playlist of {clips} clips ({result['file_bytes'] / 1e6:.1f} MB .otio, {result['store']})")
        print(f"  OpenTimelineIO read_from_file : {otio_read * 1000:8.1f} ms  (least of {ROUNDS}, interleaved)")
        print(f"  Horus import (read+match+rows): {ours * 1000:8.1f} ms  ({result['import_vs_otio_read']}x; least of {ROUNDS})")
        print(f"  track view state load         : {load * 1000:8.1f} ms  ({result['items']} items)")
        if "view_open_s" in result:
            print(f"  open in the track view        : {result['view_open_s'] * 1000:8.1f} ms  (state "
                  f"{result['view_state_load_s'] * 1000:.0f} + items {result['view_build_s'] * 1000:.0f} + first paint "
                  f"{result['view_first_paint_s'] * 1000:.0f}; {result['view_items']} graphics items)")
            for key, label in (("scroll_redraw", "scroll redraw"), ("zoom_redraw", "zoom redraw"),
                               ("whole_playlist_redraw", "whole-playlist redraw")):
                figures = result[key]
                print(f"  {label:<30}: {figures['median_ms']:8.1f} ms median, {figures['p95_ms']:.1f} ms p95")
    return result
