"""The ``horus`` command: the app (default), and verbs for pipeline scripts.

Every verb takes ``--db URL`` (or ``$HORUS_DB``; default the local SQLite store) and ``--user NAME`` (or
``$HORUS_USER``; default the OS account). Verbs that list take ``--json``. These may come before the verb
too. With ``--json`` standard output holds the JSON only (see :mod:`horus_desktop.cli_output`).

Each verb group is a module of this package with a ``register(subparsers)`` function; :data:`VERBS` names
the module of each verb, in the order ``horus --help`` shows them. Verb modules import their heavy work inside
the command functions, so building the parser (``horus --help``) loads neither SQLAlchemy nor Qt. A verb run
builds its own module's parser only: importing every verb module and building some 50 parsers (argparse
looks its messages up in gettext's catalogues for each) was about a third of a quick verb's start.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from horus_desktop.cli.common import check_store_folder
from horus_desktop.cli.errors import one_line_error
from horus_desktop.cli_output import hoist_global_options, json_only_stdout

#: Each verb and the module of this package that registers it, in the order ``horus --help`` lists them.
VERBS = {"gui": "gui", "db": "db", "media": "media", "comment": "comment", "import-montu": "import_montu",
         "ingest": "ingest", "demo": "demo", "bench": "bench", "playlist": "playlist", "server": "sync_verbs",
         "sync": "sync_verbs", "paths": "paths", "offline": "offline", "export": "export"}


def build_parser() -> argparse.ArgumentParser:
    """The full ``horus`` argument parser."""
    return _parser(VERBS.values())


def _terminal_columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size().columns`` says it ($COLUMNS, else stdout's
    terminal, else 80), without importing shutil (and the compression modules it loads)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, its width found as argparse finds it but without shutil: argparse makes a
    formatter for every argument added (to check its metavar), and its first one imports shutil."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose help is laid out by :class:`_HelpFormatter` (its verbs' parsers too: they are
    made of the parser's own class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def _parser(modules: Iterable[str]) -> argparse.ArgumentParser:
    """The ``horus`` parser with the verbs of ``modules`` (names in this package; each registered once)."""
    parser = _Parser(prog="horus", description="Horus: review media, draw and write notes.")
    parser.add_argument("--version", action="store_true",
                        help="print the versions of Horus, Qt, OCIO, OpenEXR, OTIO, FFmpeg and the schema")
    parser.add_argument("--smoke-test", action="store_true",
                        help="open the window on a temporary store, run the demo through it, exit 0 if all worked")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for name in dict.fromkeys(modules):
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``horus`` command."""
    # numpy's OpenBLAS starts a thread per extra core on import that spins ~0.1 s of CPU waiting for work
    # (measured: `import numpy` 0.19 -> 0.10 s user CPU), in the app and in every worker process that imports
    # it, on the cores the first frames decode on. Nothing here multiplies large matrices; set before numpy
    # loads, and inherited by the processes the app starts. A user's own setting is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    args_list = list(sys.argv[1:] if argv is None else argv)
    # The installed app's own checks need no store, and answer before anything else is imported.
    if args_list[:1] == ["--version"]:
        from horus_desktop.ui.version_report import print_versions

        return print_versions()
    if args_list[:1] == ["--smoke-test"]:
        from horus_desktop.ui.smoke_test import run_smoke_test

        return run_smoke_test()
    args_list = hoist_global_options(args_list)
    # `horus` and `horus PATH...` open the window: the verb is optional.
    if not args_list or (args_list[0] not in VERBS and args_list[0] not in ("-h", "--help")):
        args_list.insert(0, "gui")
    # A verb is parsed by its own module's parser (the same parser the full one holds); help lists them all.
    verb = args_list[0]
    parser = _parser([VERBS[verb]]) if verb in VERBS else build_parser()
    args = parser.parse_args(args_list)
    interrupted = _InterruptSeen()
    try:
        with json_only_stdout(bool(getattr(args, "json", False))), interrupted:
            check_store_folder(args)  # before any verb (or the window) opens, and so makes, the store
            return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("horus: cancelled", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`horus media list --json | head`): not our error; keep Python quiet at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if interrupted.seen:
            # Ctrl+C while a native module loads comes out as that module's error (PyOpenColorIO: "ImportError:
            # initialization failed"), not as KeyboardInterrupt: still the user's cancel, not a failure.
            print("horus: cancelled", file=sys.stderr)
            return 130
        message = one_line_error(exc)
        if message is None:
            raise
        print(f"horus: error: {message}", file=sys.stderr)
        return 2


class _InterruptSeen:
    """While entered, notes a Ctrl+C (SIGINT) before raising KeyboardInterrupt as Python does, so an error that
    a Ctrl+C turned into something else is still known as a cancel; the previous handler is put back on exit.
    Leaves SIGINT alone where it is not Python's default (ignored, or another handler set by the caller)."""

    def __init__(self) -> None:
        self.seen = False
        self._previous: object = None

    def _note(self, signum: int, frame: object) -> None:
        self.seen = True
        signal.default_int_handler(signum, frame)

    def __enter__(self) -> _InterruptSeen:
        previous = signal.getsignal(signal.SIGINT)
        if previous is signal.default_int_handler:
            try:
                signal.signal(signal.SIGINT, self._note)
            except ValueError:  # not the main thread (main() called by a script's thread): left as it is
                return self
            self._previous = previous
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
