"""Sample Montu database folders in both field styles, written by the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def write_json(path: Path, data: Any) -> Path:
    """Write ``data`` as JSON to ``path``."""
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def seed_style_dir(tmp_path: Path) -> Path:
    """A folder in the seed's field style: ``_id``, ``storage_url``, ``created_by``, ``status``, tasks."""
    folder = tmp_path / "montu_seed"
    folder.mkdir()
    write_json(folder / "media_records.json", [
        {"_id": "m100", "storage_url": "/show/alpha/sh010/comp/alpha_sh010_comp_v003.mov", "created_by": "alice",
         "status": "approved", "linked_task_id": "alpha_sh010_comp", "created_at": "2023-05-01T10:00:00"},
        {"_id": "m101", "storage_url": "/show/alpha/sh010/comp/alpha_sh010_comp_v004.mov", "created_by": "alice",
         "status": "published", "linked_task_id": "alpha_sh010_comp"},
        {"_id": "m102", "storage_url": "/show/alpha/sh020/anim/alpha_sh020_anim_v012.mov", "created_by": "bob",
         "status": "superseded", "linked_task_id": "alpha_sh020_anim", "department": "animation"},
    ])
    # An object keyed by _id (the other accepted shape of a file).
    write_json(folder / "tasks.json", {
        "alpha_sh010_comp": {"project": "alpha", "shot": "sh010", "department": "comp", "task_type": "comp",
                             "assignee": "alice", "status": "wip"},
        "alpha_sh020_anim": {"shot": "sh020", "department": "anim", "task_type": "blocking", "assignee": "bob"},
    })
    # A {"records": [...]} wrapper; a reply given by parent id rather than nested.
    write_json(folder / "notes.json", {"records": [
        {"_id": "n1", "media_id": "m100", "text": "Edge is chattering", "frame_number": 12, "author": "sup",
         "coordinates": [0.25, 0.5, 0.1, 0.2]},
        {"_id": "n2", "parent_id": "n1", "text": "Fixed in v004", "author": "alice"},
    ]})
    write_json(folder / "playlists.json", [
        {"_id": "p1", "name": "Alpha dailies", "project": "alpha", "clips": [
            {"media_id": "m100", "position": 0, "duration": 24},
            {"media_id": "m999", "position": 24, "duration": 10, "file_path": "/show/alpha/sh030/x_v001.mov",
             "shot": "sh030", "version": "v001", "in_point": 0, "out_point": 10},
        ]},
    ])
    return folder


@pytest.fixture
def montu_style_dir(tmp_path: Path) -> Path:
    """A folder in the style of real Montu exports (odd file-name case included)."""
    folder = tmp_path / "montu_real"
    folder.mkdir()
    write_json(folder / "Media_Records.JSON", [
        {"_id": "64a1", "file_path": "/mnt/show/bravo/ep01/sq010/sh0100/lighting/bravo_sh0100_lgt_v003.####.exr",
         "author": {"username": "dana", "name": "Dana Scully"}, "approval_status": "Pending Review",
         "file_type": "image_sequence", "project": "bravo", "episode": "ep01", "sequence": "sq010",
         "shot": "sh0100", "version": "v003", "task_type": "lighting", "department": "lighting",
         "frame_range": "1001-1120", "tags": ["hero", "night"],
         "metadata": {"width": 1920, "height": 1080, "frame_rate": 23.976, "duration": 5.0, "codec": "zip",
                      "color_space": "ACEScg", "file_size": 123456789}},
        {"_id": "64a2", "file_path": "/mnt/show/bravo/ep01/sq010/sh0110/comp/bravo_sh0110_comp_v007.mov",
         "author": "erin", "approval_status": "retake", "file_type": "movie", "project_id": "bravo",
         "shot": "sh0110", "sequence": "sq010", "version": 7, "frame_range": [1001, 1048],
         "metadata": {"width": 3840, "height": 2160, "frame_rate": "24", "codec": "prores_ks"},
         "tags": [{"name": "client", "category": "review"}], "review_round": 2},
        {"_id": "64a3", "file_path": "/mnt/show/bravo/ref/bravo_ref_board.jpg", "author": "erin",
         "approval_status": "published", "file_type": "image", "project": "bravo",
         "frame_range": {"start": 1, "end": 1}},
    ])
    write_json(folder / "annotations.json", [
        {"_id": "a1", "media_id": "64a1", "text": "Rim light too hot", "frame_number": 1010,
         "coordinates": {"x": 960, "y": 540, "width": 192, "height": 108}, "status": "resolved",
         "priority": "high", "author": "sup",
         "replies": [{"_id": "a1r1", "text": "Dialed down 20%", "author": "dana",
                      "replies": [{"text": "Approved", "author": "sup"}]}]},
        {"_id": "a2", "media_id": "64a2", "text": "Timing feels slow", "frame_number": 1020, "status": "open",
         "priority": "normal", "author": "sup", "coordinates": {"x": 1920, "y": 540}},
    ])
    write_json(folder / "playlists.json", [
        {"_id": "pl1", "name": "Bravo client review", "type": "client", "fps": 24, "created_by": "sup", "clips": [
            {"media_id": "64a1", "position": 0, "duration": 48, "in_point": 1001, "out_point": 1049, "track": 1},
            {"media_id": "64a2", "position": 48, "duration": 24, "in_point": 1001, "out_point": 1025, "track": 1},
            {"media_id": "gone", "position": 72, "duration": 30, "in_point": 1010, "out_point": 1040, "track": 1,
             "shot": "sh0120", "version": "v002",
             "file_path": "/mnt/show/bravo/ep01/sq010/sh0120/comp/bravo_sh0120_comp_v002.mov"},
        ]},
    ])
    write_json(folder / "tasks.json", [
        {"_id": "t1", "project": "bravo", "shot": "sh0100", "department": "lighting", "task_type": "lighting",
         "assignee": "dana", "status": "in_progress"},
    ])
    write_json(folder / "project_configs.json", [
        {"_id": "cfg1", "project": "bravo", "name": "Bravo", "fps": 23.976, "resolution": "1920x1080",
         "ocio_config": "/mnt/show/bravo/config.ocio",
         "path_templates": {"render": "/mnt/show/{project}/{episode}/{sequence}/{shot}/{task}/{name}_v{version}.####.exr",
                            "movie": "/mnt/show/{project}/{shot}/{name}_v{version}.mov"}},
    ])
    return folder


@pytest.fixture
def real_montu_dir(tmp_path: Path) -> Path:
    """A folder shaped like a real Montu database (its ``sample_db``): free file names, no shot fields on
    media (a linked task or the path says where they sit), directory templates with ``{task}``, notes with
    ``"annotation_type": "comment"`` and ``"coordinates": {}``, ``horus_playlists.json`` with ``clips[]``,
    ``tracks[]`` and ``settings``, and a non-Montu ``version.json`` beside them."""
    folder = tmp_path / "montu_db"
    folder.mkdir()
    root = "V:/SWA/all/scene"

    def media(ident: str, path: str, status: str, task: str | None = None, **extra: Any) -> dict[str, Any]:
        record = {"_id": ident, "project_id": "SWA", "file_name": path.rsplit("/", 1)[-1], "file_path": path,
                  "file_type": "image_sequence" if path.endswith(".exr") else "video", "version": path[-8:-4],
                  "approval_status": status, "author": "test_user", "description": "a pass",
                  "created_at": "2025-08-05T20:36:24Z", "updated_at": "2025-08-05T20:36:25Z",
                  "metadata": {"width": 1920, "height": 1080, "duration": 96, "frame_rate": 24,
                               "format": "OpenEXR", "codec": "ZIP", "color_space": "ACES", "file_size": 2147483648,
                               "frame_range": {"start": 1001, "end": 1096}},
                  "thumbnail_key": "thumbnails/x.jpg", "tags": ["swa", "ep00"], **extra}
        if task:
            record["linked_task_id"] = task
        return record

    write_json(folder / "swa_media_records.json", [
        media("swa_sh0020_lgt_v001", f"{root}/Ep00/sq0010/SH0020/lighting/version/SWA_Ep00_SH0020_lighting_v001.exr",
              "superseded", "ep00_sq0010_sh0020_lighting"),
        media("swa_sh0020_lgt_v002", f"{root}/Ep00/sq0010/SH0020/lighting/version/SWA_Ep00_SH0020_lighting_v002.exr",
              "published", "ep00_sq0010_sh0020_lighting"),
        # No task: project, episode, sequence, shot and department come from the path and the templates.
        media("swa_sh0030_anim_v003", f"{root}/Ep00/sq0010/SH0030/animation/version/SWA_Ep00_SH0030_anim_v003.mov",
              "need_fix"),
        media("swa_sh0040_comp_v001", f"{root}/Ep01/sq0020/SH0040/compositing/version/SWA_Ep01_SH0040_comp_v001.mov",
              "in_review", project_id=None),
    ])
    write_json(folder / "swa_tasks.json", [
        {"_id": "ep00_sq0010_sh0020_lighting", "name": "Lighting - SWA Ep00 SH0020", "project_id": "SWA",
         "task_type": "lighting", "department": "lighting", "episode": "Ep00", "sequence": "sq0010",
         "shot": "SH0020", "assigned_to": "test_user", "status": "published", "priority": "medium",
         "due_date": "2025-08-10T23:59:59Z", "frame_range": {"start": 1001, "end": 1096}},
    ])
    write_json(folder / "swa_project_config.json", [
        {"_id": "SWA", "name": "SWA", "description": "SWA Animation Project", "status": "active",
         "templates": {"shot_template": "V:/SWA/all/scene/{episode}/{sequence}/{shot}/{task}/version/",
                       "render_template": "V:/SWA/all/render/{episode}/{sequence}/{shot}/{task}/version/"},
         "drive_mapping": {"project_root": "V:/SWA", "render_root": "V:/SWA/all/render"},
         "departments": ["animation", "lighting", "compositing"], "episodes": ["Ep00", "Ep01"],
         "settings": {"frame_rate": 24, "resolution": "1920x1080", "color_space": "Rec709"}},
    ])
    write_json(folder / "annotations.json", [
        {"_id": "annotation_001", "media_id": "swa_sh0020_lgt_v002", "text": "Great lighting.", "author":
         "director.smith", "timestamp": "2025-01-20T15:00:00Z", "frame_number": 1045, "annotation_type": "comment",
         "coordinates": {}, "_created_at": "2025-01-20T15:00:00Z", "status": "open", "priority": "low"},
        {"_id": "annotation_002", "media_id": "swa_sh0020_lgt_v002", "text": "Rim too hot here",
         "author": "supervisor.jones", "timestamp": "2025-01-20T15:15:00Z", "frame_number": 1078,
         "annotation_type": "note", "coordinates": {"x": 960, "y": 540, "width": 192, "height": 108},
         "status": "open", "priority": "medium"},
        {"_id": "annotation_003", "media_id": "swa_sh0030_anim_v003", "text": "Approved for lighting",
         "author": "director.smith", "timestamp": "2025-01-22T12:00:00Z", "frame_number": 1001,
         "annotation_type": "approval", "coordinates": {}, "status": "resolved", "priority": "low"},
    ])
    clip_fields = {"in_point": 0, "track": 1, "color": "#1f4e79", "added_at": "2025-08-20T10:15:00Z"}
    write_json(folder / "horus_playlists.json", [
        {"_id": "playlist_001", "name": "Ep00 dailies", "project_id": "SWA", "created_by": "animation_supervisor",
         "created_at": "2025-08-20T10:30:00Z", "description": "Daily review", "type": "daily_review",
         "status": "active", "settings": {"auto_play": True, "loop": False, "timeline_zoom": 1.0},
         "clips": [
             {"clip_id": "clip_001", "media_id": "swa_sh0020_lgt_v002", "position": 0, "duration": 96,
              "out_point": 96, "department": "lighting", "sequence": "sq0010", "shot": "SH0020", "version": "v002",
              "notes": "rim reduced", "file_path": f"{root}/Ep00/sq0010/SH0020/lighting/version/"
              "SWA_Ep00_SH0020_lighting_v002.exr", **clip_fields},
             {"clip_id": "clip_002", "media_id": "swa_sh0030_anim_v003", "position": 96, "duration": 48,
              "out_point": 48, "department": "animation", "sequence": "sq0010", "shot": "SH0030", "version": "v003",
              "notes": "timing", "file_path": f"{root}/Ep00/sq0010/SH0030/animation/version/"
              "SWA_Ep00_SH0030_anim_v003.mov", **clip_fields},
         ],
         "tracks": [{"track_id": 1, "name": "Animation Track", "type": "video", "locked": False}],
         "metadata": {"total_duration": 144, "clip_count": 2,
                      "playback_settings": {"frame_rate": 24, "resolution": "1920x1080", "color_space": "Rec709"}}},
        {"_id": "playlist_002", "name": "Lighting weekly", "project_id": "SWA", "created_by": "lighting_supervisor",
         "type": "department_review", "status": "archived", "settings": {}, "tracks": [],
         "clips": [{"clip_id": "clip_003", "media_id": "media_gone", "position": 0, "duration": 24,
                    "out_point": 24, "shot": "SH0099", "version": "v001", "department": "lighting",
                    "file_path": f"{root}/Ep00/sq0010/SH0099/lighting/version/SWA_Ep00_SH0099_lighting_v001.exr",
                    **clip_fields}]},
    ])
    write_json(folder / "version.json", {"version": "1.4.2", "exported_at": "2025-08-23T18:21:46Z"})
    return folder
