"""What a store's sync outbox holds since a point: the tests of writes that stamp their ops themselves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text


def outbox_head(store: Any) -> int:
    """The outbox's last op (0 when empty): ops written after it are what a test looks at."""
    with store.uow.read() as session:
        return session.execute(text("SELECT max(seq) FROM horus_sync_outbox")).scalar_one() or 0


def ops_since(store: Any, head: int) -> tuple[list[tuple[Any, ...]], Any, int]:
    """The distinct (clock, author) of the ops after ``head``, the client's last clock, and how many ops."""
    with store.uow.read() as session:
        stamps = session.execute(text("SELECT DISTINCT hlc, author FROM horus_sync_outbox WHERE seq > :s"),
                                 {"s": head}).all()
        last = session.execute(text("SELECT hlc FROM horus_sync_state")).scalar_one()
        count = session.execute(text("SELECT count(*) FROM horus_sync_outbox WHERE seq > :s"),
                                {"s": head}).scalar_one()
    return [tuple(s) for s in stamps], last, count
