"""``horus bench verbs`` times every non-GUI verb: a verb added to the parser and left out of the bench fails here."""

from __future__ import annotations

import argparse

import pytest

from horus_desktop.cli import build_parser
from horus_desktop.cli.common import CliError
from horus_desktop.cli.verb_bench import NO_STORE, _verbs, chosen_verbs

#: Not timed, and why: the window; the benchmarks themselves; another spelling of `sync conflicts`; a choice
#: that needs a conflict a demo store does not have (`sync conflicts` reads the same store first).
LEFT_OUT = {"gui", "sync conflicts list", "sync conflicts resolve"}


def _leaves(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:  # argparse offers no public walk over its sub-commands
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = (*prefix, name)
                if path[0] == "bench":
                    continue
                found.add(" ".join(path))
                found |= _leaves(sub, path)
    return found


def test_every_non_gui_verb_is_timed() -> None:
    groups = {"db", "media", "comment", "playlist", "server", "paths", "offline", "export"}  # no action alone
    fx = {name: f"<{name}>" for name in ("media", "playlist", "tmp", "wav", "otio", "media_dir", "montu")}
    timed = set(_verbs(fx))
    assert _leaves(build_parser()) - groups - LEFT_OUT == timed
    for verb, argv in _verbs(fx).items():  # each one parses as the bench runs it
        build_parser().parse_args([*argv, *([] if verb in NO_STORE else ["--db", "x.sqlite"])])


def test_only_picks_verbs_by_name_or_first_word_and_names_the_verbs_when_none_match() -> None:
    fx = {name: f"<{name}>" for name in ("media", "playlist", "tmp", "wav", "otio", "media_dir", "montu")}
    every = _verbs(fx)
    assert set(chosen_verbs(every, ("db", "comment add"))) == {"db info", "db upgrade", "comment add"}
    assert chosen_verbs(every, ()) == every
    with pytest.raises(CliError, match="no such verb; the verbs are: db info, db upgrade"):
        chosen_verbs(every, ("nosuch",))
