"""The fixed words of the review vocabulary (statuses, roles, reactions, ...): the store takes no others
(store/field_rules.py refuses an unknown word, listing these)."""

from __future__ import annotations

#: Approval statuses of a media version, in the order a UI lists them.
APPROVAL_STATUSES = ("pending", "approved", "rejected", "on_hold")
#: The seed's reactions, and (horus) "question", which the notes panel offers as "?".
REACTION_TYPES = ("like", "dislike", "approve", "reject", "love", "laugh", "question")
USER_ROLES = ("admin", "supervisor", "artist", "client")
TIMELINE_TYPES = ("episode", "sequence", "department", "dailies", "client", "custom")
TIMELINE_STATUSES = ("draft", "review", "approved", "published")
THUMBNAIL_SIZES = ("small", "medium", "large")
TRACK_TYPES = ("video", "audio")
CONTENT_TYPES = ("text", "markdown", "html")
