"""The clips' new ids, made many at once, are what ``uuid.uuid4`` makes: random version-4 UUIDs."""

from __future__ import annotations

import uuid

from horus_desktop.timeline.clip_ids import new_uuids


def test_the_ids_are_distinct_random_version_4_uuids() -> None:
    ids = new_uuids(3000)
    assert len(ids) == 3000 and len(set(ids)) == 3000
    assert all(isinstance(i, uuid.UUID) and i.version == 4 and i.variant == uuid.RFC_4122 for i in ids)
    assert all(uuid.UUID(str(i)) == i for i in ids)
    assert {i.int >> 124 for i in ids} == set(range(16))  # the high bits vary: not a counter or a constant
    assert new_uuids(0) == []
