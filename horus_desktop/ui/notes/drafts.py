"""The unsent text of the note box, kept per media: what was typed for one shot stays with that shot when another
becomes current (a playlist's cut, another media opened) and comes back with it, and a restart or a crash of the
app does not lose it (the window's QSettings, written by Qt soon after each change and at close).

A draft is the text and, for a reply, the note it answers. Edits of a stored note are not drafts: the note
itself is kept, and leaving it unfinished (another media, Escape) leaves it as it was.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from PySide6.QtCore import QSettings

GROUP = "noteDrafts"


@dataclass(frozen=True)
class Draft:
    """Unsent text for a media; ``reply_to``: the note it answers (None: a new note)."""

    text: str
    reply_to: uuid.UUID | None = None


class NoteDrafts:
    """Drafts by media id in ``settings`` (None: kept for this run only)."""

    def __init__(self, settings: QSettings | None) -> None:
        self._settings = settings
        self._memory: dict[str, str] = {}

    def get(self, media_id: uuid.UUID) -> Draft | None:
        """The draft kept for a media, if any (one that cannot be read, written by hand or damaged, is none)."""
        raw = self._read(str(media_id))
        if not raw:
            return None
        try:
            data = json.loads(raw)
            text, reply = data["text"], data.get("reply_to")
            reply_to = uuid.UUID(reply) if reply else None
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        return Draft(text, reply_to) if isinstance(text, str) and text.strip() else None

    def keep(self, media_id: uuid.UUID, draft: Draft | None) -> None:
        """Keep ``draft`` for a media; None or blank text lets go of its draft."""
        key = str(media_id)
        if draft is None or not draft.text.strip():
            self._memory.pop(key, None)
            if self._settings is not None:
                self._settings.remove(f"{GROUP}/{key}")
            return
        raw = json.dumps({"text": draft.text, "reply_to": str(draft.reply_to) if draft.reply_to else None})
        self._memory[key] = raw
        if self._settings is not None:
            self._settings.setValue(f"{GROUP}/{key}", raw)

    def _read(self, key: str) -> str | None:
        if self._settings is None:
            return self._memory.get(key)
        value = self._settings.value(f"{GROUP}/{key}")
        return value if isinstance(value, str) else None
