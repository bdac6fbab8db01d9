"""``horus gui [PATH...]``: the main window (the default verb)."""

from __future__ import annotations

import argparse
import sys

from horus_desktop.cli.common import add_store_options


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the main window (after ingesting PATHs).

    The store is not opened here: the window shows first and the DB worker brings the schema up to date
    and signs the user in while it paints (see :func:`horus_desktop.ui.app.run_gui`).
    """
    import gc

    # The window's imports allocate millions of objects: the cyclic collector would run hundreds of times
    # over them (about a tenth of the start-up). The app's collector (ui/gc_on_ui_thread.py) takes over.
    gc.disable()
    from horus_desktop.api import default_user_id
    from horus_desktop.domain.links import is_link, unsupported_message
    from horus_desktop.ui.app import run_gui

    # A clicked horus:// link arrives as an argument (desktop entry `Exec=horus %U`): not a path to ingest.
    notices = [unsupported_message(a) for a in args.paths if is_link(a)]
    for line in notices:
        print(f"horus: {line}", file=sys.stderr)
    paths = [a for a in args.paths if not is_link(a)]
    return run_gui(args.db, paths=paths, user_id=args.user or default_user_id(), demo_if_empty=args.demo,
                   notice="; ".join(notices))


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``gui`` verb."""
    p = sub.add_parser("gui", help="open the main window (the default verb)")
    p.add_argument("paths", nargs="*", help="files or folders to ingest and open")
    p.add_argument("--demo", action="store_true", help="generate the demo project when the store is empty")
    add_store_options(p)
    p.set_defaults(func=cmd_gui)
