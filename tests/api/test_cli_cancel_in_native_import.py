"""Ctrl+C while a native module loads: PyOpenColorIO's init turns the KeyboardInterrupt into "ImportError:
initialization failed". A verb cancelled so still says "cancelled" and exits 130, not a traceback and 1."""

from __future__ import annotations

import signal
import time

import pytest

from horus_desktop import cli
from horus_desktop.cli import paths


def _interrupted_while_loading(args: object) -> int:
    try:
        # To this thread (the main one, whose handler raises): os.kill to the process may hand the signal to
        # another thread of the test run (a store's checkpoint thread, say), leaving its handling to chance.
        signal.raise_signal(signal.SIGINT)
        time.sleep(5)  # not reached when the handler raised
    except KeyboardInterrupt:
        raise ImportError("initialization failed") from None
    return 0


def test_a_ctrl_c_that_a_native_import_turns_into_an_error_is_a_cancel(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(paths, "cmd_paths_list", _interrupted_while_loading)
    # As in a terminal: a run started in the background by a shell inherits SIGINT ignored (POSIX), and then
    # no Ctrl+C reaches Python at all (the fresh-clone runs started with `&` failed here for that reason).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert cli.main(["paths", "list"]) == 130
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # main put it back for the caller
    finally:
        signal.signal(signal.SIGINT, previous)
    assert capsys.readouterr().err.strip().splitlines()[-1] == "horus: cancelled"


def test_an_error_without_a_ctrl_c_is_still_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: object) -> int:
        raise ImportError("initialization failed")

    monkeypatch.setattr(paths, "cmd_paths_list", broken)
    with pytest.raises(ImportError):
        cli.main(["paths", "list"])
