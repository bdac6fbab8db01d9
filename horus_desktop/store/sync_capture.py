"""Stamping captured ops with the client's clock and author, in the transaction that made them.

The SQLite capture triggers append each op; the unit of work calls :func:`stamp_outbox` just before its
commit so every op of one transaction carries one hybrid-clock value, later than any this client made before.
"""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from horus_desktop.domain.hlc import Hlc, tick
from horus_desktop.store.sync_tables import outbox_table, state_table

#: The SQLite outbox's index of unstamped ops (migration 0014): it holds only the ops of the transaction being
#: committed, so stamping them costs the same with ten pending ops or ten thousand.
UNSTAMPED_INDEX = "ix_horus_sync_outbox_unstamped"
UNSTAMPED_INDEX_DDL = f"CREATE INDEX IF NOT EXISTS {UNSTAMPED_INDEX} ON horus_sync_outbox (hlc) WHERE hlc IS NULL"


def has_outbox(session: Session) -> bool:
    """True when this database is a sync client (SQLite at schema 0004 or later)."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    return session.execute(text(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'horus_sync_outbox'")).first() is not None


def next_clock(session: Session) -> str:
    """The clock value of this client's next transaction: later than any it made (read inside a transaction
    holding the write lock, so that no other writer ticks meanwhile)."""
    client_id, last = session.execute(select(state_table.c.client_id, state_table.c.hlc)).one()
    return str(tick(Hlc.parse(last) if last else None, client_id))


def stamp_outbox(session: Session, author: str | None, clock: str | None = None) -> int:
    """Give unstamped ops the next clock value (and ``author`` when known); returns how many were stamped.

    ``clock``: the transaction's value already taken (:func:`next_clock`) for ops it wrote stamped: the others
    get the same one, and it is kept as the client's last even when no op was left to stamp."""
    now = clock or next_clock(session)
    values: dict[str, str] = {"hlc": now}
    if author:
        values["author"] = author
    stamped = session.execute(update(outbox_table).where(outbox_table.c.hlc.is_(None)).values(**values)).rowcount
    if stamped or clock is not None:
        session.execute(update(state_table).values(hlc=now))
    return stamped
