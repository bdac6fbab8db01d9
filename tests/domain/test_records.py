"""The store's records behave as frozen dataclasses: equal by value, hashable, read-only, shown field by field.

Their equality, hash and repr come from one shared base (cheaper to import than a generated method per class);
these checks hold them to what ``@dataclass(frozen=True)`` gives.
"""

from __future__ import annotations

import dataclasses
import pickle
import uuid

import pytest

from horus_desktop.domain.records import MediaRecord, MediaTag, User

_ID = uuid.UUID(int=7)


def _media(**changes: object) -> MediaRecord:
    return dataclasses.replace(MediaRecord(_ID, "/shows/a/sh010.exr", "sh010.exr", "proj", "v001"), **changes)


def test_records_are_equal_by_value_and_class() -> None:
    assert _media() == _media()
    assert _media() != _media(version="v002")
    assert _media() != _ID and _media() != ("not", "a", "record")
    tag = MediaTag(_ID, _ID, "hero")
    assert tag == MediaTag(_ID, _ID, "hero") and tag != MediaTag(_ID, _ID, "bg")


def test_equal_records_hash_alike_and_a_nan_compares_as_in_a_tuple() -> None:
    assert len({_media(), _media(), _media(version="v002")}) == 2
    nan = float("nan")
    assert _media(file_size=nan) == _media(file_size=nan)  # the same object: equal, as (nan,) == (nan,)
    assert _media(file_size=nan) != _media(file_size=float("nan"))


def test_a_record_holding_a_dict_is_not_hashable() -> None:
    with pytest.raises(TypeError):
        hash(User("u1", "ana", "ana@example.com", permissions={"admin": True}))


def test_records_are_read_only_and_have_no_instance_dict() -> None:
    media = _media()
    with pytest.raises(dataclasses.FrozenInstanceError):
        media.version = "v002"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del media.version
    assert not hasattr(media, "__dict__")


def test_a_record_reads_field_by_field_and_survives_pickling() -> None:
    tag = MediaTag(_ID, None, "hero")
    assert repr(tag) == (f"MediaTag(id={_ID!r}, media_id=None, tag_name='hero', tag_category=None, "
                         "created_by=None, created_at=None)")
    assert repr(_media()).startswith(f"MediaRecord(id={_ID!r}, file_path='/shows/a/sh010.exr', file_name=")
    assert pickle.loads(pickle.dumps(_media())) == _media()
