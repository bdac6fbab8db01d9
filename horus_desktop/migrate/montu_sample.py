"""A generated Montu database folder in the shape of real exports, for tests and ``horus bench montu``.

The record shapes follow a real Montu ``sample_db``: media records without shot fields (a linked task or the
path says where they sit), ``annotations.json`` notes with ``"annotation_type": "comment"`` and empty
``coordinates``, ``horus_playlists.json`` with ``clips[]``, ``tracks[]`` and ``settings``, a project config
with directory ``templates`` and a ``drive_mapping``, and file names that are not the canonical ones.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEPARTMENTS = ("animation", "lighting", "compositing", "fx")
_EXT = {"animation": "mov", "lighting": "exr", "compositing": "mov", "fx": "exr"}
_STATUSES = ("approved", "published", "in_review", "pending", "need_fix", "wip", "on_hold", "superseded")
_WORDS = ("timing", "rim light", "edge", "cape", "shadow", "contact", "motion blur", "grain", "flicker", "spill")


@dataclass(frozen=True)
class SampleCounts:
    """How many records of each kind a generated export holds."""

    media: int
    tasks: int
    notes: int
    playlists: int
    clips: int
    project_configs: int = 1

    @property
    def records(self) -> int:
        """Top-level records of every file (clips are inside playlists)."""
        return self.media + self.tasks + self.notes + self.playlists + self.project_configs


def media_path(episode: int, sequence: int, shot: int, department: str, version: int) -> str:
    """A SWA-style path: ``V:/SWA/all/scene/Ep01/sq0010/SH0020/lighting/version/SWA_Ep01_SH0020_lighting_v002.exr``."""
    return (f"V:/SWA/all/scene/Ep{episode:02d}/sq{sequence:04d}/SH{shot:04d}/{department}/version/"
            f"SWA_Ep{episode:02d}_SH{shot:04d}_{department}_v{version:03d}.{_EXT[department]}")


def project_config() -> dict[str, Any]:
    """The project config of the generated export (real shape: ``templates``, ``drive_mapping``, ``settings``)."""
    return {
        "_id": "SWA", "name": "SWA", "description": "SWA Animation Project", "status": "active",
        "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-08-22T00:00:00Z",
        "templates": {
            "shot_template": "V:/SWA/all/scene/{episode}/{sequence}/{shot}/{task}/version/",
            "render_template": "V:/SWA/all/render/{episode}/{sequence}/{shot}/{task}/version/",
        },
        "drive_mapping": {"project_root": "V:/SWA", "render_root": "V:/SWA/all/render"},
        "departments": list(DEPARTMENTS), "episodes": ["Ep01", "Ep02"],
        "settings": {"frame_rate": 24, "resolution": "1920x1080", "color_space": "Rec709"},
    }


def write_sample_export(folder: Path, *, media: int = 1000, notes_per_media: float = 0.86,
                        clips_per_playlist: int = 40, seed: int = 7, indent: int | None = 2) -> SampleCounts:
    """Write a Montu export of about ``media`` media records (and notes, tasks, playlists) into ``folder``.

    Deterministic for a given seed. About 1.7 KB per media on disk with its share of the other files
    (30,000 media: about 50 MB, 59,000 records).
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    media_records: list[dict[str, Any]] = []
    tasks: dict[str, dict[str, Any]] = {}
    shot_index = 0
    while len(media_records) < media:
        episode, sequence, shot = 1 + shot_index // 400, 10 * (1 + shot_index // 20), 10 * (1 + shot_index % 20)
        shot_index += 1
        for department in DEPARTMENTS:
            task_id = f"ep{episode:02d}_sq{sequence:04d}_sh{shot:04d}_{department}"
            with_task = shot_index % 5 != 0  # every fifth shot has no task: the path says where it sits
            if with_task:
                tasks[task_id] = {
                    "_id": task_id, "name": f"{department.title()} - SWA Ep{episode:02d} SH{shot:04d}",
                    "project_id": "SWA", "task_type": department, "department": department,
                    "episode": f"Ep{episode:02d}", "sequence": f"sq{sequence:04d}", "shot": f"SH{shot:04d}",
                    "assigned_to": f"{department}.artist{rng.randint(1, 9)}", "status": "in_progress",
                    "priority": rng.choice(("low", "medium", "high")), "due_date": "2025-08-10T23:59:59Z",
                    "created_at": "2025-08-01T09:00:00Z", "frame_range": {"start": 1001, "end": 1100},
                }
            for version in range(1, 4):
                if len(media_records) >= media:
                    break
                path = media_path(episode, sequence, shot, department, version)
                ident = f"swa_ep{episode:02d}_sq{sequence:04d}_sh{shot:04d}_{department}_v{version:03d}"
                record: dict[str, Any] = {
                    "_id": ident, "project_id": "SWA", "file_name": path.rsplit("/", 1)[-1], "file_path": path,
                    "file_type": "image_sequence" if _EXT[department] == "exr" else "video",
                    "version": f"v{version:03d}", "approval_status": rng.choice(_STATUSES),
                    "author": f"{department}.artist{rng.randint(1, 9)}",
                    "description": f"{department.title()} pass for SWA Episode {episode:02d} Shot {shot:04d}",
                    "created_at": f"2025-08-{1 + version:02d}T{rng.randint(8, 19):02d}:30:00Z",
                    "updated_at": "2025-08-05T20:36:25Z",
                    "metadata": {"width": 1920, "height": 1080, "duration": 100, "frame_rate": 24,
                                 "format": "OpenEXR" if _EXT[department] == "exr" else "QuickTime",
                                 "codec": "ZIP" if _EXT[department] == "exr" else "ProRes 422",
                                 "color_space": "ACES" if _EXT[department] == "exr" else "Rec709",
                                 "file_size": rng.randint(50_000_000, 3_000_000_000),
                                 "frame_range": {"start": 1001, "end": 1100}},
                    "thumbnail_key": f"thumbnails/{path.rsplit('/', 1)[-1]}.jpg",
                    "tags": [department, "swa", f"ep{episode:02d}"],
                }
                if with_task:
                    record["linked_task_id"] = task_id
                media_records.append(record)

    notes: list[dict[str, Any]] = []
    for i in range(int(len(media_records) * notes_per_media)):
        target = media_records[rng.randrange(len(media_records))]
        drawn = rng.random() < 0.4
        notes.append({
            "_id": f"annotation_{i:06d}", "media_id": target["_id"],
            "text": f"Frame check: {rng.choice(_WORDS)} needs another pass ({i})",
            "author": rng.choice(("director.smith", "supervisor.jones", "colorist.brown")),
            "timestamp": "2025-08-20T15:00:00Z", "frame_number": rng.randint(1001, 1100),
            "annotation_type": "note" if drawn else "comment",
            "coordinates": ({"x": rng.randint(0, 1700), "y": rng.randint(0, 900), "width": 200, "height": 100}
                            if drawn else {}),
            "_created_at": "2025-08-20T15:00:00Z", "_updated_at": "2025-08-20T15:00:00Z",
            "status": rng.choice(("open", "open", "resolved")), "priority": rng.choice(("low", "medium", "high")),
        })

    playlists: list[dict[str, Any]] = []
    clips_total = 0
    for p in range(max(1, len(media_records) // 81)):
        clips, position = [], 0
        for c in range(clips_per_playlist):
            target = media_records[rng.randrange(len(media_records))]
            duration = rng.choice((48, 72, 96, 120))
            department = target["file_path"].split("/")[7]
            clips.append({
                "clip_id": f"clip_{p:04d}_{c:03d}", "media_id": target["_id"], "position": position,
                "duration": duration, "in_point": 0, "out_point": duration, "track": 1, "department": department,
                "sequence": target["file_path"].split("/")[5], "shot": target["file_path"].split("/")[6],
                "version": target["version"], "color": "#1f4e79", "notes": "check the timing",
                "added_at": "2025-08-20T10:15:00Z", "file_path": target["file_path"],
            })
            position += duration
        clips_total += len(clips)
        playlists.append({
            "_id": f"playlist_{p:04d}", "name": f"Dailies {p:04d}", "project_id": "SWA",
            "created_by": "animation_supervisor", "created_at": "2025-08-20T10:30:00Z",
            "description": "Daily review", "type": rng.choice(("daily_review", "department_review", "client_review")),
            "status": "active",
            "settings": {"auto_play": True, "loop": False, "show_timecode": True, "timeline_zoom": 1.0},
            "clips": clips,
            "tracks": [{"track_id": 1, "name": "Main Track", "type": "video", "locked": False, "muted": False}],
            "metadata": {"total_duration": position, "clip_count": len(clips),
                         "playback_settings": {"frame_rate": 24, "resolution": "1920x1080", "color_space": "Rec709"}},
        })

    def dump(name: str, data: Any) -> None:
        (folder / name).write_text(json.dumps(data, indent=indent, ensure_ascii=False), encoding="utf-8")

    dump("swa_media_records.json", media_records)
    dump("swa_tasks.json", list(tasks.values()))
    dump("annotations.json", notes)
    dump("horus_playlists.json", playlists)
    dump("swa_project_config.json", [project_config()])
    dump("version.json", {"version": "1.4.2", "exported_at": "2025-08-23T18:21:46Z"})
    return SampleCounts(media=len(media_records), tasks=len(tasks), notes=len(notes), playlists=len(playlists),
                        clips=clips_total)
