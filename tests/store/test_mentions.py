"""@mentions of people the store does not know: the note is kept and the writer is told who was not found."""

from __future__ import annotations

from decimal import Decimal

from horus_desktop.domain.mentions import unknown_mentions_message
from horus_desktop.store import Store


def test_unknown_mentions_are_named_known_ones_notified(store: Store) -> None:
    store.users.ensure("u-ben", username="ben")
    media = store.media.create(file_path="/s/sh010/v001/a.exr", project_id="s", version="v001",
                               frame_rate=Decimal("24"))
    text = "@ben and @bobb, and @u-ben again; mail ana@example.com"
    note = store.comments.add(media_id=media.id, content=text, user_id="ana", user_name="Ana")
    assert note.mentioned_users == ["u-ben"]
    assert store.users.unknown_mentions(text) == ["bobb"]
    assert store.users.unknown_mentions("no mention here") == []
    assert [n.user_id for n in store.notifications.list("u-ben")] == ["u-ben"]


def test_the_message_names_everyone_not_found() -> None:
    message = unknown_mentions_message(["bobb", "cy"])
    assert "@bobb" in message and "@cy" in message and "not notified" in message
