"""This machine's own settings, shared by the app, the CLI and sync: the studio server, the projects this
machine follows and the path mappings. Qt-free, so pipeline scripts read the same file as the app.

Kept as JSON in the platform's config folder (``~/.config/horus/machine.json`` on Linux; ``HORUS_CONFIG``
names another file). Connection secrets never go here: a server URL holding a password is refused, since
libpq's own mechanisms (``~/.pgpass``, a service file, ``PGPASSWORD``) keep them.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_config_path


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the setting and the file."""


@dataclass(frozen=True)
class PathMap:
    """Media under ``server_root`` on the studio server is found under ``local_root`` on this machine."""

    server_root: str
    local_root: str


@dataclass(frozen=True)
class MachineSettings:
    """What this machine syncs with and where it keeps its copies of studio media."""

    server_url: str | None = None
    followed_projects: tuple[str, ...] = ()
    path_maps: tuple[PathMap, ...] = field(default_factory=tuple)

    def with_server(self, url: str | None) -> MachineSettings:
        """A copy with another server (None: no server); refuses a URL holding a password."""
        if url is not None:
            check_server_url(url)
        return replace(self, server_url=url or None)

    def with_path_map(self, server_root: str, local_root: str) -> MachineSettings:
        """A copy mapping ``server_root`` to ``local_root`` (replacing an earlier mapping of the same root)."""
        from horus_desktop.domain.paths import normalise_root

        server, local = normalise_root(server_root.strip()), normalise_root(local_root.strip())
        if not server:
            raise SettingsError("path map: the server root is empty")
        if not local:
            raise SettingsError(f"path map: the local root for {server} is empty")
        kept = tuple(m for m in self.path_maps if m.server_root != server)
        return replace(self, path_maps=(*kept, PathMap(server, local)))

    def without_path_map(self, server_root: str) -> MachineSettings:
        """A copy without the mapping of ``server_root``; SettingsError when there is none."""
        from horus_desktop.domain.paths import normalise_root

        server = normalise_root(server_root.strip())
        kept = tuple(m for m in self.path_maps if m.server_root != server)
        if len(kept) == len(self.path_maps):
            raise SettingsError(f"path map: no mapping of {server_root!r}")
        return replace(self, path_maps=kept)


def settings_path() -> Path:
    """The settings file of this machine."""
    override = os.environ.get("HORUS_CONFIG")
    if override:
        return Path(override)
    return user_config_path("horus", appauthor=False) / "machine.json"


def check_server_url(url: str) -> None:
    """Refuse what is not a PostgreSQL URL, or one that carries a password in plain text."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise SettingsError(f"server: {url!r} is not a postgresql:// URL")
    if parts.password:
        raise SettingsError(
            "server: the URL holds a password; keep it in ~/.pgpass, a service file or PGPASSWORD instead"
        )


def load_settings(path: Path | None = None) -> MachineSettings:
    """The saved settings, or the defaults when there is no file yet."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return MachineSettings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read the settings ({exc})") from exc
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: the settings are not a JSON object")
    try:
        url = raw.get("server_url")
        if url is not None:
            check_server_url(str(url))
        maps = tuple(PathMap(str(m["server_root"]), str(m["local_root"])) for m in raw.get("path_maps", []))
        projects = tuple(str(p) for p in raw.get("followed_projects", []))
    except (TypeError, KeyError) as exc:
        raise SettingsError(f"{path}: a setting has the wrong shape ({exc!r})") from exc
    return MachineSettings(server_url=url, followed_projects=projects, path_maps=maps)


def save_settings(settings: MachineSettings, path: Path | None = None) -> Path:
    """Write the settings atomically (a crash leaves the old file or the new one, never half of one)."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "server_url": settings.server_url,
        "followed_projects": list(settings.followed_projects),
        "path_maps": [{"server_root": m.server_root, "local_root": m.local_root} for m in settings.path_maps],
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".machine-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(body, out, indent=2, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
