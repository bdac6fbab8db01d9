"""Fixtures of the timeline dock tests: the demo store's media, a playlist made from them, a window."""

from __future__ import annotations

import pytest

from horus_desktop.domain.media_query import MediaQuery
from horus_desktop.domain.records import MediaRecord
from horus_desktop.store import Store
from horus_desktop.timeline.playlists import create_playlist


def demo_media(store: Store) -> list[MediaRecord]:
    """Every demo media, in shot/department/version order."""
    items = store.media.search(MediaQuery(limit=100, sort_by="shot", descending=False)).items
    return sorted(items, key=lambda m: (m.shot or "", m.department or "", m.version or ""))


def pick(store: Store, shot: str, department: str, version: str) -> MediaRecord:
    """One demo media."""
    return next(m for m in demo_media(store) if (m.shot, m.department, m.version) == (shot, department, version))


PLAYLIST_MEDIA = (("sh010", "anim", "v001"), ("sh020", "lighting", "v001"), ("sh030", "anim", "v001"))


@pytest.fixture
def playlist(demo_store: Store):  # noqa: ANN201 - Timeline
    """A playlist of three older demo versions (JPEG sequences, 12 frames each) on V1."""
    media = [pick(demo_store, *key) for key in PLAYLIST_MEDIA]
    return create_playlist(demo_store, name="Dailies", project_id=media[0].project_id, user="ana",
                           media_ids=[m.id for m in media])


def write_multitrack_otio(path, store: Store) -> None:  # noqa: ANN001 - Path
    """An OTIO file over the demo media: V1 with a dissolve, a gap, a missing-media clip and a marker; V2 with a
    nested stack; A1 with one clip."""
    import opentimelineio as otio

    from horus_desktop.timeline.otio_doc import trange

    def clip(shot: str, dept: str, version: str, start: int = 1001, length: int = 12) -> otio.schema.Clip:
        media = pick(store, shot, dept, version)
        ref = otio.schema.ExternalReference(target_url=media.file_path)
        return otio.schema.Clip(name=f"{shot}_{dept}_{version}", media_reference=ref,
                                source_range=trange(start, length, 24))

    timeline = otio.schema.Timeline(name="Multitrack")
    v1 = otio.schema.Track(name="V1")
    v1.append(clip("sh010", "anim", "v001"))
    v1.append(otio.schema.Transition(name="dissolve", transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                                     in_offset=otio.opentime.RationalTime(3, 24),
                                     out_offset=otio.opentime.RationalTime(3, 24)))
    v1.append(clip("sh020", "lighting", "v001"))
    v1.append(otio.schema.Gap(source_range=trange(0, 6, 24)))
    lost = otio.schema.Clip(name="sh099_comp_v001", media_reference=otio.schema.ExternalReference(
        target_url="/shows/gone/sh099_comp_v001.####.exr"), source_range=trange(1001, 10, 24))
    v1.append(lost)
    flagged = clip("sh030", "anim", "v001")
    flagged.markers.append(otio.schema.Marker(name="check the hand", marked_range=trange(1004, 1, 24),
                                              color=otio.schema.MarkerColor.YELLOW))
    v1.append(flagged)
    v2 = otio.schema.Track(name="V2")
    v2.append(otio.schema.Gap(source_range=trange(0, 20, 24)))
    nested = otio.schema.Stack(name="nested")
    inner = otio.schema.Track(name="inner")
    inner.append(clip("sh010", "comp", "v003", length=8))
    nested.append(inner)
    v2.append(nested)
    a1 = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    a1.append(clip("sh030", "edit", "v001", start=1, length=12))
    for track in (v1, v2, a1):
        timeline.tracks.append(track)
    otio.adapters.write_to_file(timeline, str(path))
