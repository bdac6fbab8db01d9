"""``horus paths map|unmap|list|where``: where this machine keeps its copies of studio media.

The mappings live in the machine settings (not in the store): a laptop maps ``/projects`` to
``~/review/projects``; a workstation in the studio needs none.
"""

from __future__ import annotations

import argparse
import os
import sys

from horus_desktop.cli.common import CliError, add_store_options, open_horus, quick_answer, text_argument
from horus_desktop.cli_output import print_json


def _settings():  # noqa: ANN202 - MachineSettings
    from horus_desktop.machine_settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise CliError(str(exc)) from exc


def _save(settings) -> None:  # noqa: ANN001 - MachineSettings
    from horus_desktop.machine_settings import SettingsError, save_settings

    try:
        save_settings(settings)
    except (SettingsError, OSError) as exc:
        raise CliError(f"cannot save the settings: {exc}") from exc


def _local_root(text: str) -> str:
    """A local root as typed, made absolute (``~`` expanded); Windows paths are kept as written."""
    from horus_desktop.domain.paths import is_windows_path

    if is_windows_path(text):
        return text
    return os.path.abspath(os.path.expanduser(text))


def cmd_paths_map(args: argparse.Namespace) -> int:
    """Map a server root to a local root on this machine."""
    from horus_desktop.machine_settings import SettingsError

    local = _local_root(args.local_root)
    try:
        settings = _settings().with_path_map(args.server_root, local)
    except SettingsError as exc:
        raise CliError(str(exc)) from exc
    _save(settings)
    mapping = settings.path_maps[-1]  # with_path_map puts the new mapping last
    print(f"{mapping.server_root} -> {mapping.local_root}")
    if not os.path.isdir(local):
        print(f"horus: note: {local} does not exist yet (horus offline take fills it)", file=sys.stderr)
    return 0


def cmd_paths_unmap(args: argparse.Namespace) -> int:
    """Remove the mapping of a server root."""
    from horus_desktop.machine_settings import SettingsError

    try:
        settings = _settings().without_path_map(args.server_root)
    except SettingsError as exc:
        raise CliError(str(exc)) from exc
    _save(settings)
    print(f"unmapped {args.server_root}")
    return 0


def cmd_paths_list(args: argparse.Namespace) -> int:
    """Print this machine's mappings."""
    maps = _settings().path_maps
    if args.json:
        print_json([{"server_root": m.server_root, "local_root": m.local_root} for m in maps])
        return 0
    if not maps:
        print("no path mappings (horus paths map SERVER_ROOT LOCAL_ROOT)")
    width = max((len(m.server_root) for m in maps), default=0)
    for m in maps:
        print(f"{m.server_root:{width}}  ->  {m.local_root}")
    return 0


def cmd_paths_where(args: argparse.Namespace) -> int:
    """Where this machine looks for a media (by id) or a studio path, and whether it is there."""
    import uuid

    from horus_desktop.services.media_paths import media_paths

    target = args.media
    try:
        uuid.UUID(target)
    except ValueError:
        server_path = target
    else:
        server_path = quick_answer(args, lambda reader: reader.media(target).file_path)
        if server_path is None:
            with open_horus(args) as horus:
                server_path = horus.media(target).file_path
    location = media_paths().locate(server_path)
    if args.json:
        print_json({"server_path": location.server_path, "local_path": location.local_path,
                    "mapped": location.mapped, "present": location.present})
        return 0
    print(f"studio path  {location.server_path}")
    print(f"local path   {location.local_path}" + ("" if location.mapped else "  (no mapping applies)"))
    print(f"present      {'yes' if location.present else 'no'}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``paths`` verb and its actions."""
    paths = sub.add_parser("paths", help="map studio paths to this machine's copies").add_subparsers(
        dest="paths_verb", metavar="ACTION", required=True)
    p = paths.add_parser("map", help="media under SERVER_ROOT is found under LOCAL_ROOT on this machine")
    p.add_argument("server_root", metavar="SERVER_ROOT", type=text_argument, help="as media records name it, e.g. /projects or P:\\projects")
    p.add_argument("local_root", metavar="LOCAL_ROOT", type=text_argument, help="this machine's folder, e.g. ~/review/projects")
    p.set_defaults(func=cmd_paths_map)
    p = paths.add_parser("unmap", help="remove the mapping of SERVER_ROOT")
    p.add_argument("server_root", metavar="SERVER_ROOT", type=text_argument)
    p.set_defaults(func=cmd_paths_unmap)
    p = paths.add_parser("list", help="this machine's mappings")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_paths_list)
    p = paths.add_parser("where", help="where a media (id or studio path) is looked for here")
    p.add_argument("media", metavar="MEDIA_ID|PATH", type=text_argument)
    p.add_argument("--json", action="store_true")
    add_store_options(p, reads=True)
    p.set_defaults(func=cmd_paths_where)
