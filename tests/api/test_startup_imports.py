"""Start-up: ``horus --help`` and every verb's ``--help`` answer without loading the heavy libraries.

The store (SQLAlchemy), Qt, the image and movie decoders, OpenTimelineIO and OpenColorIO load only when a
verb that needs them runs: a pipeline script asking for help, or mistyping an option, does not wait for them.
Each check runs in a fresh interpreter, where ``sys.modules`` says what was loaded.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from horus_desktop.cli import VERBS, build_parser, main
from horus_desktop.store import schema

HEAVY = ("sqlalchemy", "PySide6", "numpy", "OpenImageIO", "OpenEXR", "av", "opentimelineio", "PyOpenColorIO",
         "alembic", "psycopg")

_CHILD = """
import contextlib, io, json, sys
from horus_desktop.cli import main
heavy = json.loads(sys.argv[1])
loaded = {}
for argv in json.loads(sys.argv[2]):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(argv)
        except SystemExit:
            pass
    found = sorted({name.split(".")[0] for name in sys.modules} & set(heavy))
    if found:
        loaded[" ".join(argv)] = found
        break
print(json.dumps(loaded))
"""


def _verb_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every verb and action (``db``, ``db upgrade``, ``bench store``, ...) the parser knows."""
    paths: list[tuple[str, ...]] = []
    for action in parser._actions:  # argparse offers no public walk over its sub-commands
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths.append(prefix + (name,))
                paths.extend(_verb_paths(sub, prefix + (name,)))
    return paths


def _loaded_by(argvs: list[list[str]], heavy: tuple[str, ...] = HEAVY) -> dict[str, list[str]]:
    """The ``heavy`` packages the first of ``argvs`` to load any loaded (empty when none did)."""
    result = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(heavy), json.dumps(argvs)],
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout)


def test_every_verb_is_walked() -> None:
    paths = _verb_paths(build_parser())
    assert ("db", "upgrade") in paths and ("bench", "store") in paths and ("gui",) in paths


def test_help_loads_no_heavy_library() -> None:
    assert _loaded_by([["--help"], ["-h"]]) == {}


@pytest.mark.parametrize("verb", sorted({p[0] for p in _verb_paths(build_parser())}))
def test_verb_help_loads_no_heavy_library(verb: str) -> None:
    nested = [list(p) + ["--help"] for p in _verb_paths(build_parser()) if p[0] == verb]
    assert _loaded_by(nested) == {}


def test_a_mistyped_option_is_refused_without_loading_the_store() -> None:
    assert _loaded_by([["media", "list", "--no-such-option"], ["db", "info", "--db"]]) == {}


def test_a_verb_on_a_current_store_neither_loads_alembic_nor_qt(tmp_path: Path) -> None:
    db = str(tmp_path / "current.sqlite")
    assert main(["db", "upgrade", "--db", db]) == 0
    no_media = "00000000-0000-0000-0000-000000000000"
    assert _loaded_by([["media", "list", "--db", db, "--json"], ["comment", "list", no_media, "--db", db]],
                      heavy=("alembic", "PySide6", "av", "opentimelineio", "PyOpenColorIO", "numpy", "fileseq",
                             "OpenEXR", "PIL")) == {}


def test_the_head_read_from_the_migration_scripts_is_alembics() -> None:
    # The quick "already current" check of every open reads the scripts as text: it must agree with Alembic.
    assert schema.scripts_head() == schema.head_revision()


def _help_and_status(parse: Callable[[], object]) -> tuple[str, object]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exited:
        parse()
    return out.getvalue(), exited.value.code


def test_every_verb_is_known_to_the_command() -> None:
    # A verb the command does not know would be taken for a path to open in the window.
    assert [p[0] for p in _verb_paths(build_parser()) if len(p) == 1] == list(VERBS)


def test_a_verb_run_alone_is_parsed_as_the_full_parser_parses_it() -> None:
    # `horus VERB ...` builds its own module's parser only: every verb and action's help is the full parser's.
    for path in _verb_paths(build_parser()):
        argv = [*path, "--help"]
        alone = _help_and_status(partial(main, argv))
        assert alone == _help_and_status(partial(build_parser().parse_args, argv)), path
        assert alone[0].startswith(f"usage: horus {' '.join(path)}")


def test_help_a_mistyped_option_and_a_store_read_verb_do_not_load_shutil(tmp_path: Path) -> None:
    # argparse imports shutil (with bz2 and lzma) for the terminal's width in the formatter it makes for each
    # argument added; the command's formatter finds the width without it.
    db = str(tmp_path / "current.sqlite")
    assert main(["db", "upgrade", "--db", db]) == 0
    assert _loaded_by([["--help"], ["media", "list", "--no-such-option"], ["media", "list", "--db", db]],
                      heavy=("shutil", "bz2", "lzma")) == {}


def test_help_is_laid_out_for_the_terminals_width(monkeypatch: pytest.MonkeyPatch) -> None:
    widths = {}
    for columns in ("60", "100"):
        monkeypatch.setenv("COLUMNS", columns)
        widths[columns] = max(len(line) for line in build_parser().format_help().splitlines())
    assert widths["60"] <= 58 < widths["100"] <= 98


def test_listing_playlists_does_not_load_fractions(tmp_path: Path) -> None:
    # fractions is the type of a rate given to `playlist import`: imported when one is parsed.
    db = str(tmp_path / "current.sqlite")
    assert main(["db", "upgrade", "--db", db]) == 0
    assert _loaded_by([["playlist", "list", "--db", db], ["playlist", "--help"]], heavy=("fractions",)) == {}


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts a process's threads in /proc")
def test_numpy_starts_no_spinning_blas_threads_in_the_app_or_its_processes() -> None:
    """numpy's OpenBLAS started a thread per extra core that spun ~0.1 s of CPU on import, in the app and in
    every process it starts, on the cores the first frames decode on: the command keeps it to one (a user's
    own setting stays), and the processes it starts inherit that."""
    child = (
        "import os, subprocess, sys\n"
        "from horus_desktop.cli import main\n"
        "main(['--version'])\n"
        "import numpy\n"
        "grandchild = subprocess.run([sys.executable, '-c', 'import numpy, os; print(len(os.listdir(\"/proc/self/task\")))'],"
        " capture_output=True, text=True, check=True).stdout.strip()\n"
        "print(len(os.listdir('/proc/self/task')), grandchild)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split()[-2:] == ["1", "1"]
    kept = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True,
                          env={**env, "OPENBLAS_NUM_THREADS": "2"})
    assert kept.stdout.split()[-2:] == ["2", "2"]
