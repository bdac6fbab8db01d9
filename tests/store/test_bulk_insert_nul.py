"""A playlist written set-based (``store.bulk_insert``) obeys the field rules as a per-row write does: a NUL
anywhere in a clip's metadata or the document is refused naming the field, and nothing is written; text that
only looks like an escaped NUL (a backslash, then ``u0000``) is kept as it is."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from horus_desktop.store import Store
from horus_desktop.store.repositories.base import InvalidFieldError
from horus_desktop.store.repositories.imports import ImportRepository

CLIPS = 250  # past the set-based threshold (TRIGGERS_ABSENT_ROWS)


def _clips(metadata: dict[str, Any] | None = None, at: int = 0) -> list[dict[str, Any]]:
    return [{"media_path": f"/show/sh{i:04d}.exr", "track_name": "V1", "track_index": 0, "clip_order": i,
             "track_type": "video", "start_time_frames": i * 10, "duration_frames": 10,
             "clip_metadata": metadata if i == at else {"n": i}} for i in range(CLIPS)]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "horus.sqlite", backup=False)
    yield s
    s.close()


def _create(store: Store, clips: list[dict[str, Any]], document: dict[str, Any] | None = None) -> Any:
    values = {"name": "cut", "project_id": "show", "timeline_type": "dailies", "created_by": "ann",
              "otio_data": document or {"OTIO_SCHEMA": "Timeline.1"}}
    return ImportRepository(store.uow).create_timeline(values, clips, uuid.uuid4())


@pytest.mark.parametrize("metadata", [{"note": "a\x00b"}, {"deep": [{"k": ["x", "\x00"]}]}, {"ke\x00y": 1}])
def test_a_nul_in_a_clips_metadata_is_refused_naming_the_field(store: Store, metadata: dict[str, Any]) -> None:
    with pytest.raises(InvalidFieldError, match="horus_timeline_clips.clip_metadata"):
        _create(store, _clips(metadata, at=CLIPS - 1))
    assert store.timelines.list(project_id="show") == []


def test_a_nul_in_the_document_is_refused_naming_the_field(store: Store) -> None:
    with pytest.raises(InvalidFieldError, match="horus_timelines.otio_data"):
        _create(store, _clips(), {"OTIO_SCHEMA": "Timeline.1", "name": "cut\x00"})
    assert store.timelines.list(project_id="show") == []


def test_an_escaped_nul_lookalike_is_kept(store: Store) -> None:
    odd = {"path": "C:\\u0000\\shot", "\\u0000": ["\\\\u0000"]}
    made = _create(store, _clips(odd, at=3), {"OTIO_SCHEMA": "Timeline.1", "name": "\\u0000"})
    clips = store.timelines.get(made.id).clips
    assert clips[3].clip_metadata == odd
    assert store.timelines.get(made.id).otio_data["name"] == "\\u0000"


@pytest.mark.parametrize(("field", "value", "named"), [
    ("clip_name", "plan\x00 b", "horus_timeline_clips.clip_name"),
    ("media_path", "/show/\x00.exr", "horus_timeline_clips.media_path"),
    ("track_name", "V\x001", "horus_timeline_clips.track_name"),
])
def test_a_nul_in_any_text_of_a_large_batch_is_refused_naming_the_field(store: Store, field: str, value: str,
                                                                        named: str) -> None:
    # The batch is judged at once (all its texts joined); the clip that breaks the rule is then named.
    clips = _clips()
    clips[CLIPS // 2][field] = value
    with pytest.raises(InvalidFieldError, match=named):
        _create(store, clips)
    assert store.timelines.list(project_id="show") == []


def test_a_word_outside_the_vocabulary_in_a_large_batch_is_refused(store: Store) -> None:
    clips = _clips()
    clips[-1]["track_type"] = "hologram"
    with pytest.raises(InvalidFieldError, match="track_type"):
        _create(store, clips)
    assert store.timelines.list(project_id="show") == []
