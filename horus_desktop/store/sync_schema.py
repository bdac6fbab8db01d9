"""Which schema revisions this Horus knows, for the sync client's check of the server's schema."""

from __future__ import annotations

from horus_desktop.store.schema import alembic_config


def known_revisions() -> set[str]:
    """Every revision of the packaged migration history (loads Alembic: only asked when the server's schema
    is not this Horus's head)."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
