"""``horus gui [PATH...]``: the main window (the default verb)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from horus_desktop.cli.common import add_store_options


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the main window (after ingesting PATHs).

    The store is not opened here: the window shows first and the DB worker brings the schema up to date
    and signs the user in while it paints (see :func:`horus_desktop.ui.app.run_gui`).
    """
    return start_gui(args.db, args.paths, args.user, demo=args.demo)


def start_gui(db: str | None, arguments: list[str], user: str | None, *, demo: bool = False,
              on_shown: Callable[[Any, Any], None] | None = None) -> int:
    """What ``horus gui`` does once parsed (``horus bench startup`` times this, with ``on_shown``): the window
    on the store ``db`` for ``user`` (default the OS account), ingesting the paths among ``arguments``.

    Nothing of the store is imported before the window: the OS account's name comes from
    ``store.quick_read`` (``horus_desktop.api`` imports the store and SQLAlchemy: about a second here).
    """
    import gc

    # The window's imports allocate millions of objects: the cyclic collector would run hundreds of times
    # over them (about a tenth of the start-up). The app's collector (ui/gc_on_ui_thread.py) takes over.
    gc.disable()
    from horus_desktop.domain.links import is_link, unsupported_message
    from horus_desktop.store.quick_read import default_user_id
    from horus_desktop.ui.app import run_gui

    # A clicked horus:// link arrives as an argument (desktop entry `Exec=horus %U`): not a path to ingest.
    notices = [unsupported_message(a) for a in arguments if is_link(a)]
    for line in notices:
        print(f"horus: {line}", file=sys.stderr)
    paths = [a for a in arguments if not is_link(a)]
    return run_gui(db, paths=paths, user_id=user or default_user_id(), demo_if_empty=demo,
                   notice="; ".join(notices), on_shown=on_shown)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``gui`` verb."""
    p = sub.add_parser("gui", help="open the main window (the default verb)")
    p.add_argument("paths", nargs="*", help="files or folders to ingest and open")
    p.add_argument("--demo", action="store_true", help="generate the demo project when the store is empty")
    add_store_options(p)
    p.set_defaults(func=cmd_gui)
