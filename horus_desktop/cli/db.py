"""``horus db upgrade|info``: the store's schema."""

from __future__ import annotations

import argparse

from horus_desktop.cli.common import CliError, add_store_options, open_horus, quick_answer
from horus_desktop.cli_output import print_json


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Create or migrate the schema."""
    from horus_desktop.store.quick_write import QuickWriter

    # A writable SQLite store already at the head: nothing to copy aside or migrate, so no Alembic or SQLAlchemy
    # to load. It is opened as the store's engine opens it (WAL, ...), and the answer is the full path's.
    current = QuickWriter.open(args.db)
    if current is not None:
        current.close()
        print(f"schema at {current.revision} (already current)")
        return 0
    from horus_desktop.store import schema
    from horus_desktop.store.engine import create_store_engine, resolve_store_url, sqlite_is_read_only

    url = resolve_store_url(args.db)
    if sqlite_is_read_only(url):
        raise CliError(f"{args.db or url}: the store (file or folder) cannot be written, so it cannot be upgraded "
                       "here: upgrade a writable copy")
    engine = create_store_engine(url)
    try:
        before = schema.current_revision(engine)
        copied = schema.upgrade(engine, backup=True)
        after = schema.current_revision(engine)
    finally:
        engine.dispose()
    if copied:
        print(f"copied the store aside to {copied}")
    print(f"schema at {after}" + (f" (was {before or 'empty'})" if before != after else " (already current)"))
    return 0


def cmd_db_info(args: argparse.Namespace) -> int:
    """Where the store is and what it holds."""
    from horus_desktop.store.quick_read import default_user_id

    info = quick_answer(args, lambda reader: {
        "store": reader.describe(), "revision": reader.revision, "media": reader.media_count(),
        "user": reader.user_id(args.user or default_user_id()), "files": str(reader.files_dir)})
    if info is None:
        from horus_desktop.store import schema

        with open_horus(args) as horus:
            info = {"store": horus.store.describe(), "revision": schema.current_revision(horus.store.engine),
                    "media": horus.store.media.count(), "user": horus.user.id,
                    "files": str(horus.store.files_dir)}
    if args.json:
        print_json(info)
    else:
        for key, value in info.items():
            print(f"{key:9} {value}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``db`` verb and its actions."""
    db = sub.add_parser("db", help="the store's schema").add_subparsers(dest="db_verb", metavar="ACTION",
                                                                           required=True)
    p = db.add_parser("upgrade", help="create or migrate the schema (SQLite copied aside first)")
    add_store_options(p)
    p.set_defaults(func=cmd_db_upgrade)
    p = db.add_parser("info", help="where the store is and what it holds")
    add_store_options(p, reads=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_db_info)
