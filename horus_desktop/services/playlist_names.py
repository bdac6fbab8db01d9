"""A playlist as a user names it on the command line: by its id, or by its name.

A name matches exactly (case and all) first; when no playlist is called exactly that, it matches ignoring case.
A name several playlists have is refused with each one's id and what tells them apart, so the user can give the id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from horus_desktop.domain.wording import counted

if TYPE_CHECKING:
    from horus_desktop.domain.records import Timeline
    from horus_desktop.store import Store


def playlists_named(playlists: Iterable[Timeline], name: str) -> list[Timeline]:
    """The playlists called ``name``: those called exactly that, else those called that ignoring case."""
    playlists = list(playlists)
    exact = [t for t in playlists if t.name == name]
    if exact:
        return exact
    folded = name.casefold()
    return [t for t in playlists if t.name.casefold() == folded]


def find_playlist(store: Store, playlist: uuid.UUID | str) -> uuid.UUID:
    """A playlist's id from its id (as given: an unknown id is the caller's to find missing) or its name
    (:func:`playlists_named`); no playlist of that name, or several, is refused naming them."""
    try:
        return uuid.UUID(str(playlist))
    except ValueError:
        pass
    from horus_desktop.store.errors import InvalidFieldError, NotFoundError  # SQLAlchemy's: only for a name

    listed = store.timelines.list()
    named = playlists_named((t for t, _ in listed), str(playlist))
    if not named:
        raise NotFoundError("playlist", repr(playlist))
    if len(named) == 1:
        return named[0].id
    clips = {t.id: n for t, n in listed}
    exact = named[0].name == playlist
    candidates = "; ".join(
        ("" if exact else f"{t.name!r} ") + f"{t.id} (project {t.project_id}, {t.timeline_type}, "
        f"{counted(clips[t.id], 'clip')}, created {f'{t.created_at:%Y-%m-%d %H:%M} UTC' if t.created_at else '?'})"
        for t in named)
    raise InvalidFieldError("playlist", f"{len(named)} playlists are called {playlist!r}"
                            f"{'' if exact else ' (ignoring case)'}; give the id of one: {candidates}")
