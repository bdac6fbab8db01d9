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
