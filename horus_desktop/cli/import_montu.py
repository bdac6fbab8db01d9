"""``horus import-montu DIR``: import a Montu JSON database folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from horus_desktop.cli.common import CliError, add_store_options, announce, print_report, store_with_progress


def cmd_import_montu(args: argparse.Namespace) -> int:
    """Import a Montu JSON database folder."""
    folder = Path(args.directory)
    if not folder.is_dir():
        raise CliError(f"{folder}: not a folder")
    announce(f"import-montu: importing the Montu export in {folder.resolve()}")
    from horus_desktop.migrate.montu import format_report, import_montu
    try:
        with store_with_progress(args, "montu import") as (horus, update):
            report = import_montu(horus.store, folder, user_id=horus.user.id, progress=update)
    except PermissionError as exc:
        raise CliError(f"{exc.filename or folder}: cannot read the folder ({exc.strerror})") from exc
    print_report(args, report, format_report(report))
    # 0: all imported; 1: records failed (listed in the report); 2: a file or the folder could not be read.
    for problem in report.unreadable:
        print(f"horus: error: {problem}", file=sys.stderr)
    return report.exit_code


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``import-montu`` verb."""
    p = sub.add_parser("import-montu", help="import a Montu JSON database folder")
    p.add_argument("directory", metavar="DIR")
    p.add_argument("--json", action="store_true")
    add_store_options(p)
    p.set_defaults(func=cmd_import_montu)
