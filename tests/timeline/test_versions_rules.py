"""Version switching, update to latest, rules, duplicate, list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from horus_desktop.store import Store
from horus_desktop.timeline import edits, playlists
from horus_desktop.timeline.errors import PlaylistError

from .helpers import media


def test_switch_version_keeps_place_and_maps_source(media_store: Store) -> None:
    store = media_store
    v1, v2, s2 = media(store, "sh010", "v001"), media(store, "sh010", "v002"), media(store, "sh020", "v001")
    made = playlists.create_playlist(store, name="d", project_id="p", user="ana", media_ids=[s2.id, v2.id])
    clip_id = made.clips[1].id
    trimmed = edits.trim_clip(store, made.id, clip_id, in_delta=2).state.clip(clip_id)[1]
    assert (trimmed.start, trimmed.duration, trimmed.source_start) == (6, 4, 1003)
    assert [m.version for m in edits.other_versions(store, v2.id)] == ["v002", "v001"]
    switched = edits.switch_version(store, made.id, clip_id, v1.id)
    item = switched.state.clip(clip_id)[1]
    assert (item.start, item.duration, item.version, item.source_start) == (6, 4, "v001", 1002)  # 1003..1006 clamped into 1001..1005
    latest = edits.update_all_to_latest(store, made.id)
    assert [(i.version, i.start, i.duration) for i in latest.state.clips()] == [("v001", 0, 4), ("v002", 6, 4)]
    assert latest.state.clip(clip_id)[1].source_start == 1002
    back = edits.apply_edit(store, made.id, latest.inverse)
    assert back.state.clip(clip_id)[1].version == "v001"


def test_rules_duplicate_and_list(media_store: Store) -> None:
    store = media_store
    latest = playlists.create_from_rule(store, "latest:sequence=sq010,department=comp", name="comp", project_id="p",
                                        user="ana")
    assert [(c.clip_metadata["shot"], c.clip_metadata["version"]) for c in latest.clips] == [
        ("sh010", "v002"), ("sh020", "v001")]
    now = datetime.now(UTC)
    today = playlists.create_from_rule(store, "submitted-today", name="today", project_id="p", user="ana", now=now,
                                       tz=UTC)
    assert len(today.clips) == 3
    tomorrow = playlists.parse_rule("submitted-today", project_id="p", now=now + timedelta(days=1), tz=UTC)
    assert store.media.search(tomorrow).items == ()
    with pytest.raises(PlaylistError, match="unknown key"):
        playlists.parse_rule("latest:colour=red")
    copy = playlists.duplicate_playlist(store, latest.id, user="bo")
    third = playlists.duplicate_playlist(store, latest.id, user="bo")
    assert (copy.version, third.version, copy.name) == ("v002", "v003", "comp")
    assert [c.media_id for c in copy.clips] == [c.media_id for c in latest.clips]
    listed = {r["id"]: r for r in playlists.list_playlists(store, project_id="p")}
    assert listed[str(latest.id)]["clips"] == 2 and listed[str(latest.id)]["duration_frames"] == 10
    with pytest.raises(PlaylistError):
        playlists.create_playlist(store, name="x", project_id="p", user="a", timeline_type="nope")
