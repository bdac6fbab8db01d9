"""media/native_loading: a module's first load waits for a load (or Qt's audio set-up) in progress; later loads
take no lock, so a thread holding it never waits on itself."""

from __future__ import annotations

import threading
from types import ModuleType

from horus_desktop.media.native_loading import LOADING, load


def test_a_first_load_waits_for_the_one_in_progress_and_a_later_one_takes_no_lock() -> None:
    held, release = threading.Event(), threading.Event()

    def holder() -> None:  # as the audio output's set-up holds it
        with LOADING:
            held.set()
            release.wait(30)

    owner = threading.Thread(target=holder)
    owner.start()
    assert held.wait(30)
    got: list[ModuleType] = []
    loader = threading.Thread(target=lambda: got.append(load("colorsys")))
    loader.start()
    loader.join(0.5)
    waited = loader.is_alive() and not got
    release.set()
    loader.join(30)
    owner.join(30)
    assert waited and got and got[0].__name__ == "colorsys"

    again: list[ModuleType] = []
    with LOADING:  # a later load of the same module does not take the lock (it would wait here for ever)
        later = threading.Thread(target=lambda: again.append(load("colorsys")))
        later.start()
        later.join(30)
        assert not later.is_alive() and again[0] is got[0]
