"""A deferred sign-in (``UserRepository.sign_in(deferred=True)``, the command line's) is written with the next
change, in its transaction, or not at all; ``UnitOfWork.settle`` writes it alone."""

from __future__ import annotations

import pytest

from horus_desktop.store import InvalidFieldError, Store
from horus_desktop.store.errors import StoreError


class _Refused(Exception):
    pass


def test_a_deferred_sign_in_commits_with_the_next_change_or_not_at_all(store: Store) -> None:
    store.users.ensure("ana", username="ana")
    assert store.users.sign_in("ana", deferred=True).id == "ana"
    assert store.users.get("ana").last_login_at is None  # owed, not written
    with pytest.raises(_Refused), store.transaction():
        store.projects.upsert("show", name="Show")
        raise _Refused
    assert store.users.get("ana").last_login_at is None and store.projects.get("show") is None
    with store.transaction():  # the change after the one rolled back carries it
        store.projects.upsert("show", name="Show")
    login = store.users.get("ana").last_login_at
    assert login is not None
    store.uow.settle()  # nothing owed any more: nothing written
    assert store.users.get("ana").last_login_at == login


def test_a_new_user_is_made_by_settle_and_one_that_cannot_be_made_is_refused_at_once(store: Store) -> None:
    user = store.users.sign_in("newbie", deferred=True)
    assert (user.id, user.username, user.email) == ("newbie", "newbie", "newbie@localhost")
    assert store.users.find("newbie") is None
    store.uow.settle()
    assert store.users.get("newbie").email == "newbie@localhost"
    store.users.ensure("u-q", username="q", email="zed@localhost")
    with pytest.raises(StoreError):  # zed@localhost is taken: refused now, as without deferring
        store.users.sign_in("zed", deferred=True)
    with pytest.raises(InvalidFieldError):
        store.users.sign_in(" ", deferred=True)
    store.uow.settle()
    assert store.users.find("zed") is None
