"""Drawings: the writes of several shapes that must land together (Qt-free; the annotation controller runs
them on the DB worker, so an undo of a multi-shape delete is all or nothing)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from horus_desktop.domain.records import Annotation

if TYPE_CHECKING:
    from horus_desktop.store import Store


def delete_drawings(store: Store, annotation_ids: Iterable[uuid.UUID | str]) -> None:
    """Delete (tombstone) shapes together: all of them, or none."""
    with store.transaction():
        for annotation_id in annotation_ids:
            store.annotations.soft_delete(annotation_id)


def restore_drawings(store: Store, annotation_ids: Iterable[uuid.UUID | str]) -> list[Annotation]:
    """Bring deleted shapes back together; returns them as stored."""
    with store.transaction():
        return [store.annotations.restore(annotation_id) for annotation_id in annotation_ids]
