"""``horus server ...`` (which studio server this machine syncs with) and ``horus sync ...`` (run a round,
status, conflicts).

Exit codes of ``horus sync``: 0 up to date, 1 conflicts wait for a choice, 2 an error (one line saying why:
no server set, server unreachable, schema too old...). The outbox is never touched by a failed round.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from horus_desktop.cli.common import CliError, add_store_options, announce, quick_answer, reads_store
from horus_desktop.cli_output import print_json
from horus_desktop.domain.wording import counted

# --- horus server ----------------------------------------------------------------------------------


@contextmanager
def _settings_errors() -> Iterator[None]:
    """Settings problems (a password in the URL, a damaged file) as one-line CLI errors."""
    from horus_desktop.machine_settings import SettingsError

    try:
        yield
    except SettingsError as exc:
        raise CliError(str(exc)) from exc


def cmd_server_set(args: argparse.Namespace) -> int:
    """Set (or with ``none``, clear) this machine's studio server."""
    from horus_desktop.machine_settings import load_settings, save_settings

    with _settings_errors():
        url = None if args.url.lower() == "none" else args.url
        path = save_settings(load_settings().with_server(url))
    print(f"server: {url or 'none (sync off)'}  ({path})")
    return 0


def cmd_server_show(args: argparse.Namespace) -> int:
    """Print the server and the followed projects."""
    from horus_desktop.machine_settings import load_settings, settings_path

    with _settings_errors():
        settings = load_settings()
    if args.json:
        print_json({"server_url": settings.server_url, "followed_projects": list(settings.followed_projects),
                    "settings_file": str(settings_path())})
        return 0
    print(f"server: {settings.server_url or 'none (sync off)'}")
    print("follows: " + (", ".join(settings.followed_projects) or "every project"))
    return 0


def cmd_server_follow(args: argparse.Namespace) -> int:
    """Add projects to the ones this machine pulls."""
    from dataclasses import replace

    from horus_desktop.machine_settings import load_settings, save_settings

    with _settings_errors():
        settings = load_settings()
        projects = tuple(dict.fromkeys((*settings.followed_projects, *args.projects)))
        save_settings(replace(settings, followed_projects=projects))
    print("follows: " + ", ".join(projects))
    return 0


def cmd_server_unfollow(args: argparse.Namespace) -> int:
    """Remove projects (all of them when none is named: the machine then follows every project)."""
    from dataclasses import replace

    from horus_desktop.machine_settings import load_settings, save_settings

    with _settings_errors():
        settings = load_settings()
        unknown = [p for p in args.projects if p not in settings.followed_projects]
        if unknown:
            raise CliError(f"project: not followed: {', '.join(unknown)}")
        drop = set(args.projects) if args.projects else set(settings.followed_projects)
        projects = tuple(p for p in settings.followed_projects if p not in drop)
        save_settings(replace(settings, followed_projects=projects))
    print("follows: " + (", ".join(projects) or "every project"))
    return 0


# --- horus sync ------------------------------------------------------------------------------------


@contextmanager
def _client(args: argparse.Namespace) -> Iterator[Any]:
    """The store and a sync client for it; sync and settings failures become one-line errors."""
    from horus_desktop.api import default_user_id
    from horus_desktop.machine_settings import SettingsError
    from horus_desktop.store import Store
    from horus_desktop.sync.errors import SyncError
    from horus_desktop.sync.service import NoServerError, open_client

    # The store is opened without signing the user in: that would write (a last-login time) and so leave an
    # op behind after every `horus sync status`.
    store = Store.open(args.db)
    try:
        yield open_client(store, args.user or default_user_id(), server_url=args.server)
    except (SyncError, NoServerError, SettingsError) as exc:
        raise CliError(f"sync: {exc}") from exc
    except Exception as exc:
        # The server went away mid-round: the store is as the last commit left it. psycopg is not imported for
        # this check: an error can be one of its only once the round has loaded it.
        psycopg = sys.modules.get("psycopg")
        if psycopg is None or not isinstance(exc, psycopg.Error):
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CliError(f"sync: server unreachable: {first}") from exc
    finally:
        store.close()


def _progress_bar() -> tuple[Any, Callable[..., None]]:
    """A tqdm bar on stderr, and the round's progress callback (which pages of ops/rows are done)."""
    from tqdm import tqdm

    bar = tqdm(desc="sync", unit="op", file=sys.stderr, disable=not sys.stderr.isatty())

    def update(*values: Any, **_kw: Any) -> None:
        numbers = [v for v in values if isinstance(v, int)]
        words = [v for v in values if isinstance(v, str)]
        if len(numbers) >= 2:
            bar.n, bar.total = numbers[0], numbers[1]
        if words:
            bar.set_description(f"sync: {words[0]}", refresh=False)
        bar.refresh()

    return bar, update


def _announce_round(args: argparse.Namespace) -> None:
    """The round's first line, before the store and the sync libraries load: the server, and the changes waiting
    here when the store is read without them. Nothing when no server is set (the round says how to set one)."""
    from horus_desktop.machine_settings import SettingsError, load_settings

    try:
        server = args.server or load_settings().server_url
    except SettingsError:
        return  # the round names the damaged file
    if not server:
        return
    from urllib.parse import urlsplit

    parts = urlsplit(server)
    if parts.password:  # a --server URL may carry one: never printed
        server = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()
    pending = quick_answer(args, lambda reader: reader.sync_pending_count())
    waiting = f": {counted(pending, 'change')} to push" if pending is not None else ""
    announce(f"sync: one round with {server}{waiting}")


def cmd_sync(args: argparse.Namespace) -> int:
    """One full round: push until the outbox is empty, pull until caught up."""
    _announce_round(args)
    from horus_desktop.sync.service import round_exit_code

    bar, update = _progress_bar()
    try:
        with _client(args) as client:
            try:
                report = client.round(progress=update)
                status = client.status()
            finally:
                client.close()
    finally:
        bar.close()
    waiting = len(list(status.unresolved))
    print(f"sync: pushed {report.pushed}, pulled {report.pulled}"
          + (f", {len(report.rejected)} rejected" if report.rejected else "")
          + (f"; {counted(waiting, 'conflict')} waiting (horus sync conflicts)" if waiting else "; up to date"))
    for op_id, reason in report.rejected:
        print(f"  rejected {op_id}: {reason}", file=sys.stderr)
    return round_exit_code(status)


def _quick_conflicts(reader: Any, unresolved_only: bool) -> list[SimpleNamespace]:
    """As ``SyncClient.conflicts`` over the quick reader: "local" is the side this client made."""
    me = reader.sync_state()["client_id"]
    out = []
    for c in reader.sync_conflicts(unresolved_only):
        mine, theirs = ("existing", "incoming") if c["existing_client"] == me else ("incoming", "existing")
        out.append(SimpleNamespace(
            id=c["id"], table=c["table_name"], row_id=c["row_id"], field=c["field"], local_value=c[f"{mine}_value"],
            remote_value=c[f"{theirs}_value"], local_author=c[f"{mine}_author"], remote_author=c[f"{theirs}_author"],
            local_at=c[f"{mine}_hlc"], remote_at=c[f"{theirs}_hlc"],
            winner="local" if c["winner"] == mine else "remote", resolved=bool(c["resolved"])))
    return out


def _quick_sync(args: argparse.Namespace, ask: Callable[[Any], Any]) -> Any:
    """``ask`` answered from a current SQLite store without SQLAlchemy (see ``store/quick_read.py``), or None:
    the full path answers when no server is set, the settings are damaged, or the store is not read here."""
    from horus_desktop.machine_settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError:
        return None
    if not (getattr(args, "server", None) or settings.server_url):
        return None
    return quick_answer(args, ask)


def cmd_sync_status(args: argparse.Namespace) -> int:
    """Pending ops, cursor, last sync and unresolved conflicts."""
    from horus_desktop.sync.service import status_dict

    def quick(reader: Any) -> dict[str, Any]:
        state = reader.sync_state()
        return status_dict(SimpleNamespace(
            pending_ops=reader.sync_pending_count(), cursor=f"{state['cursor_xid']}:{state['cursor_seq']}",
            last_sync=state["last_sync"], unresolved=_quick_conflicts(reader, True),
            rejected=[(op_id, reason) for op_id, _t, _r, reason in reader.sync_rejected()]))

    body = _quick_sync(args, quick)
    if body is None:
        with _client(args) as client:
            try:
                body = status_dict(client.status())
            finally:
                client.close()
    if args.json:
        print_json(body)
        return 0
    print(f"pending ops: {body['pending_ops']}\ncursor: {body['cursor']}\n"
          f"last sync: {body['last_sync'] or 'never'}\nunresolved conflicts: {body['unresolved_conflicts']}")
    return 0


def cmd_sync_conflicts(args: argparse.Namespace) -> int:
    """List the conflicts (unresolved ones unless ``--all``)."""
    from horus_desktop.sync.service import conflict_dict

    rows = _quick_sync(args, lambda reader: [conflict_dict(c) for c in _quick_conflicts(reader, not args.all)])
    if rows is None:
        with _client(args) as client:
            try:
                rows = [conflict_dict(c) for c in client.conflicts(unresolved_only=not args.all)]
            finally:
                client.close()
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no conflicts")
    for row in rows:
        state = "resolved" if row["resolved"] else f"in use: {row['winner']}"
        print(f"{row['id']}  {row['table']}.{row['field']} of {row['row_id']}  ({state})\n"
              f"    local : {row['local_value']!r}  by {row['local_author']} at {row['local_at']}\n"
              f"    remote: {row['remote_value']!r}  by {row['remote_author']} at {row['remote_at']}")
    return 0


def cmd_sync_resolve(args: argparse.Namespace) -> int:
    """Keep one side of a conflict (the choice is itself a change that syncs)."""
    with _client(args) as client:
        try:
            client.resolve(args.conflict_id, args.choice)
        except (KeyError, LookupError) as exc:
            raise CliError(f"conflict: no conflict {args.conflict_id!r}") from exc
        finally:
            client.close()
    print(f"conflict {args.conflict_id}: kept the {args.choice} value (sent with the next sync)")
    return 0


def _sync_options(parser: argparse.ArgumentParser, *, json: bool = False, sub_action: bool = True) -> None:
    """``--db``, ``--user``, ``--server`` (and ``--json``) on ``sync`` and on each of its actions.

    On an action they default to "not given" (SUPPRESS): argparse would otherwise reset what was given
    before the action (``horus sync --db X status``) to None, and act on the default store.
    """
    if not sub_action:
        add_store_options(parser)
        parser.add_argument("--server", metavar="URL", help="this server instead of the one `horus server set` saved")
        return
    keep = argparse.SUPPRESS
    parser.add_argument("--db", metavar="URL", default=keep, help="store: a SQLite path (default $HORUS_DB, "
                        "else the local store)")
    parser.add_argument("--user", metavar="NAME", default=keep, help="who is acting (default $HORUS_USER, "
                        "else the OS account)")
    parser.add_argument("--server", metavar="URL", default=keep,
                        help="this server instead of the one `horus server set` saved")
    if json:
        parser.add_argument("--json", action="store_true", help="print JSON")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``server`` and ``sync`` verbs."""
    server = sub.add_parser("server", help="the studio server this machine syncs with").add_subparsers(
        dest="server_verb", metavar="ACTION", required=True)
    p = server.add_parser("set", help="set the server: a postgresql:// URL without password (none: sync off)")
    p.add_argument("url", metavar="URL")
    p.set_defaults(func=cmd_server_set)
    p = server.add_parser("show", help="print the server and the followed projects")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_server_show)
    p = server.add_parser("follow", help="pull only these projects (a laptop need not hold every show)")
    p.add_argument("projects", nargs="+", metavar="PROJECT")
    p.set_defaults(func=cmd_server_follow)
    p = server.add_parser("unfollow", help="stop following projects (none named: follow every project)")
    p.add_argument("projects", nargs="*", metavar="PROJECT")
    p.set_defaults(func=cmd_server_unfollow)

    sync = sub.add_parser("sync", help="one sync round with the server (exit 0 up to date, 1 conflicts "
                          "waiting, 2 error); status; conflicts")
    _sync_options(sync, sub_action=False)
    sync.set_defaults(func=cmd_sync)
    actions = sync.add_subparsers(dest="sync_verb", metavar="ACTION")
    p = actions.add_parser("status", help="pending ops, cursor, last sync, unresolved conflicts")
    _sync_options(p, json=True)
    p.set_defaults(func=cmd_sync_status)
    reads_store(p)
    conflicts = actions.add_parser("conflicts", help="list conflicts, or resolve one")
    _sync_options(conflicts, json=True)
    conflicts.add_argument("--all", action="store_true", help="resolved ones too")
    conflicts.set_defaults(func=cmd_sync_conflicts)
    reads_store(conflicts)
    choose = conflicts.add_subparsers(dest="conflicts_verb", metavar="ACTION")
    p = choose.add_parser("list", help="list conflicts (the default)")
    _sync_options(p)
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    p.add_argument("--all", action="store_true", default=argparse.SUPPRESS, help="resolved ones too")
    p.set_defaults(func=cmd_sync_conflicts)
    reads_store(p)
    p = choose.add_parser("resolve", help="keep the local or the remote value of a conflict")
    p.add_argument("conflict_id", metavar="ID")
    p.add_argument("choice", choices=("local", "remote"))
    _sync_options(p)
    p.set_defaults(func=cmd_sync_resolve)
    reads_store(p, False)


# --- horus bench sync --------------------------------------------------------------------------------


def cmd_bench_sync(args: argparse.Namespace) -> int:
    """Push/pull against executemany, idle round, note latency, many client processes."""
    from horus_desktop.sync.bench import bench_sync

    result = bench_sync(args.server, ops=args.ops, notes=args.notes, clients=args.clients,
                        per_client=args.per_client)
    if args.json:
        print_json(result)
    return 0


def register_bench(bench: argparse._SubParsersAction) -> None:
    """Add ``horus bench sync`` to the bench verbs."""
    p = bench.add_parser("sync", help="sync push/pull vs executemany, idle round, note latency, N client processes "
                         "(a database of its own on the server, dropped afterwards)")
    p.add_argument("--server", metavar="URL", help="PostgreSQL server to create the bench database on "
                   "(default $HORUS_TEST_PG_URL, else postgresql://postgres@127.0.0.1:5432/postgres)")
    p.add_argument("--ops", type=int, default=10_000, help="ops pushed and rows pulled (default 10000)")
    p.add_argument("--notes", type=int, default=50, help="notes timed from commit to arrival (default 50)")
    p.add_argument("--clients", type=int, default=50, help="client processes of the studio round (default 50; 0 skips)")
    p.add_argument("--per-client", type=int, default=200, help="ops each client pushes (default 200)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_sync)
