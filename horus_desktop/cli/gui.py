"""``horus gui [PATH...]``: the main window (the default verb)."""

from __future__ import annotations

import argparse
import sys

from horus_desktop.cli.common import add_store_options, open_horus


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the main window (after ingesting PATHs)."""
    from horus_desktop.domain.links import is_link, unsupported_message
    from horus_desktop.ui.app import run_gui

    # A clicked horus:// link arrives as an argument (desktop entry `Exec=horus %U`): not a path to ingest.
    notices = [unsupported_message(a) for a in args.paths if is_link(a)]
    for line in notices:
        print(f"horus: {line}", file=sys.stderr)
    paths = [a for a in args.paths if not is_link(a)]
    with open_horus(args) as horus:
        return run_gui(horus.store, paths=paths, user_id=horus.user.id, demo_if_empty=args.demo,
                       notice="; ".join(notices))


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``gui`` verb."""
    p = sub.add_parser("gui", help="open the main window (the default verb)")
    p.add_argument("paths", nargs="*", help="files or folders to ingest and open")
    p.add_argument("--demo", action="store_true", help="generate the demo project when the store is empty")
    add_store_options(p)
    p.set_defaults(func=cmd_gui)
