"""Ids that two machines make alike for the same thing, so that offline copies merge into one row.

A tag on a media and a person's reaction to a note are facts, not documents: made twice (on two laptops),
they must be one row after sync. Their ids are UUIDv5 of what they are.
"""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("0e5c3a52-7a4f-4f0e-9a53-6b2f0f5d1c11")


def tag_id(media_id: uuid.UUID, tag_name: str) -> uuid.UUID:
    """The id of tag ``tag_name`` on ``media_id``."""
    return uuid.uuid5(_NAMESPACE, f"tag:{media_id}:{tag_name}")


def reaction_id(comment_id: uuid.UUID, user_id: str, reaction_type: str) -> uuid.UUID:
    """The id of ``user_id``'s ``reaction_type`` on ``comment_id``."""
    return uuid.uuid5(_NAMESPACE, f"reaction:{comment_id}:{user_id}:{reaction_type}")
