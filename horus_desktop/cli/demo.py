"""``horus demo``: generate the demo project into the store."""

from __future__ import annotations

import argparse
from pathlib import Path

from horus_desktop.cli.common import add_store_options, announce, files_folder, store_with_progress


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate the demo project into the store."""
    announce(f"demo: generating the demo project's media, notes and playlist under "
             f"{Path(args.folder) if args.folder else Path(files_folder(args.db)) / 'demo'}")
    from horus_desktop.demo.project import make_demo_project

    with store_with_progress(args, "demo project") as (horus, update):
        root = Path(args.folder) if args.folder else horus.store.files_dir / "demo"
        report = make_demo_project(horus.store, root, progress=update)
    print(f"demo project: {len(report.media_ids)} media under {root}"
          + ("; the store held it already: its statuses, notes, drawings and playlist are kept"
             if report.reviews_kept else "")
          + (f"; problems: {'; '.join(report.problems)}" if report.problems else ""))
    return 1 if report.problems else 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``demo`` verb."""
    p = sub.add_parser("demo", help="generate the demo project into the store")
    p.add_argument("--folder", help="where to write its media (default: the store's files folder)")
    add_store_options(p)
    p.set_defaults(func=cmd_demo)
