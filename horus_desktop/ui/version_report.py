"""``horus --version``: Horus's version and the versions of the libraries it runs on, for bug reports.

Only the libraries named are imported (no window, no store): it answers in about the time those imports
take. Lives in ui/ because it asks Qt for its version.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata


def horus_version() -> str:
    """The installed Horus version (from the package metadata the wheel and the frozen app carry)."""
    try:
        return metadata.version("horus-desktop")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _library_versions() -> list[tuple[str, str]]:
    import av
    import OpenEXR
    import opentimelineio
    import PyOpenColorIO
    import PySide6
    from PySide6.QtCore import qVersion

    from horus_desktop.store import schema

    ffmpeg = getattr(av, "ffmpeg_version_info", "")
    libavcodec = ".".join(str(n) for n in av.library_versions.get("libavcodec", ()))
    return [
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("OpenColorIO", PyOpenColorIO.__version__),
        ("OpenEXR", OpenEXR.__version__),
        ("OpenTimelineIO", opentimelineio.__version__),
        ("FFmpeg", f"{ffmpeg} (libavcodec {libavcodec}, PyAV {av.__version__})"),
        ("schema", f"revision {schema.head_revision()}"),
        ("Python", f"{platform.python_version()} on {platform.system()} {platform.machine()}"
                   + (" (frozen app)" if getattr(sys, "frozen", False) else "")),
    ]


def version_lines() -> list[str]:
    """The lines ``horus --version`` prints: ``horus X.Y.Z`` then one ``  name  version`` per library."""
    rows = _library_versions()
    width = max(len(name) for name, _ in rows)
    return [f"horus {horus_version()}", *(f"  {name:<{width}}  {value}" for name, value in rows)]


def print_versions() -> int:
    """Print the version report; exit status 0."""
    print("\n".join(version_lines()))
    return 0
