"""The fixed words of the review vocabulary (statuses, roles, reactions, ...)."""

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

# Words other tools use for the same statuses. The store takes only the words above (store/field_rules.py):
# a word not mapped here is returned as written, and the caller must map it (and keep the original) or fail.
_STATUS_SYNONYMS = {
    "approve": "approved",
    "approved": "approved",
    "final": "approved",
    "reject": "rejected",
    "rejected": "rejected",
    "declined": "rejected",
    "retake": "rejected",
    "pending": "pending",
    "pending_review": "pending",
    "review": "pending",
    "in_review": "pending",
    "wip": "pending",
    "waiting": "pending",
    "on_hold": "on_hold",
    "hold": "on_hold",
    "onhold": "on_hold",
    "on hold": "on_hold",
}


def normalize_approval_status(value: str | None) -> str:
    """Map a status word to the seed's vocabulary; an unknown word comes back as written (lower-cased), for the
    caller to deal with: the store refuses it."""
    if value is None or not str(value).strip():
        return "pending"
    word = str(value).strip().lower().replace("-", "_")
    return _STATUS_SYNONYMS.get(word, word)[:20]
