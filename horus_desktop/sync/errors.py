"""What can go wrong in a sync round, in words a user can act on."""

from __future__ import annotations


class SyncError(Exception):
    """A sync round failed; the message says why. The local store is unchanged by the failed part."""


class ServerUnreachableError(SyncError):
    """The server could not be reached or stopped answering; the round can be retried later."""


class SchemaTooOldError(SyncError):
    """The server's schema is newer than this Horus: upgrade Horus. The outbox is kept untouched."""
