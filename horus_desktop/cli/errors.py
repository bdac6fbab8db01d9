"""Which exceptions the ``horus`` command reports in one line (exit 2) instead of a traceback.

The error classes are imported only once a verb has failed: ``horus --help`` must not load the store
(SQLAlchemy) to be ready to catch its errors.
"""

from __future__ import annotations

from horus_desktop.cli.common import CliError


def one_line_error(exc: Exception) -> str | None:
    """The one-line message for a bad input or a refused store operation; None for a bug (let it raise)."""
    if isinstance(exc, CliError):
        return str(exc)
    from horus_desktop.media.errors import MediaError
    from horus_desktop.store.errors import StoreError, StoreWriteError
    from horus_desktop.timeline.errors import PlaylistError

    if isinstance(exc, StoreWriteError):
        return f"store refused the change: {exc}"
    if isinstance(exc, StoreError | PlaylistError | MediaError):  # StoreUnavailableError says "cannot use the store"
        return str(exc)
    return None
