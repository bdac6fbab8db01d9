"""The ``horus`` command: the app (default), and verbs for pipeline scripts.

Every verb takes ``--db URL`` (or ``$HORUS_DB``; default the local SQLite store) and ``--user NAME`` (or
``$HORUS_USER``; default the OS account). Verbs that list take ``--json``. These may come before the verb
too. With ``--json`` standard output holds the JSON only (see :mod:`horus_desktop.cli_output`).

Each verb group is a module of this package with a ``register(subparsers)`` function; :data:`VERB_MODULES`
lists them in the order ``horus --help`` shows them. Verb modules import their heavy work inside the
command functions, so building the parser (``horus --help``) loads neither SQLAlchemy nor Qt.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from horus_desktop.cli import (
    bench,
    comment,
    db,
    demo,
    export,
    gui,
    import_montu,
    ingest,
    media,
    offline,
    paths,
    playlist,
    sync_verbs,
)
from horus_desktop.cli.errors import one_line_error
from horus_desktop.cli_output import hoist_global_options, json_only_stdout

VERB_MODULES = (gui, db, media, comment, import_montu, ingest, demo, bench, playlist, sync_verbs, paths, offline,
                export)


def build_parser() -> argparse.ArgumentParser:
    """The full ``horus`` argument parser."""
    return _parser_and_verbs()[0]


def _parser_and_verbs() -> tuple[argparse.ArgumentParser, set[str]]:
    """The parser, and the names of the verbs its modules registered."""
    parser = argparse.ArgumentParser(prog="horus", description="Horus: review media, draw and write notes.")
    parser.add_argument("--version", action="store_true",
                        help="print the versions of Horus, Qt, OCIO, OpenEXR, OTIO, FFmpeg and the schema")
    parser.add_argument("--smoke-test", action="store_true",
                        help="open the window on a temporary store, run the demo through it, exit 0 if all worked")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for module in VERB_MODULES:
        module.register(sub)
    return parser, set(sub.choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``horus`` command."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    # The installed app's own checks need no store, and answer before anything else is imported.
    if args_list[:1] == ["--version"]:
        from horus_desktop.ui.version_report import print_versions

        return print_versions()
    if args_list[:1] == ["--smoke-test"]:
        from horus_desktop.ui.smoke_test import run_smoke_test

        return run_smoke_test()
    args_list = hoist_global_options(args_list)
    parser, verbs = _parser_and_verbs()
    # `horus` and `horus PATH...` open the window: the verb is optional.
    if not args_list or (args_list[0] not in verbs and args_list[0] not in ("-h", "--help")):
        args_list.insert(0, "gui")
    args = parser.parse_args(args_list)
    try:
        with json_only_stdout(bool(getattr(args, "json", False))):
            return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("horus: cancelled", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`horus media list --json | head`): not our error; keep Python quiet at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        message = one_line_error(exc)
        if message is None:
            raise
        print(f"horus: error: {message}", file=sys.stderr)
        return 2
