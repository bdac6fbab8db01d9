"""OpenRV's annotation schemas for OpenTimelineIO, registered through an OTIO plugin manifest.

``plugin_manifest.json`` names one schemadef module per schema (``Annotation.1``, ``Paint.2``, ``Point.1``,
``Position.1``, ``Line.1``, ``Arrow.1``, ``Rectangle.1``, ``Ellipse.1``, ``Text.1``). OTIO finds the manifest
through the ``opentimelineio.plugins`` entry point of an installed Horus, or through
``OTIO_PLUGIN_MANIFEST_PATH``; :func:`register` makes sure it is loaded in this process either way (the frozen
app has no entry points) and sets the variable for child processes. The classes are then
``otio.schemadef.Annotation.Annotation``, ``otio.schemadef.Paint.Paint``, ...
"""

from __future__ import annotations

import os
from pathlib import Path

MANIFEST = Path(__file__).with_name("plugin_manifest.json")
SCHEMADEFS = ("Position", "Point", "Paint", "Line", "Arrow", "Rectangle", "Ellipse", "Text", "Annotation")


def register() -> None:
    """Load the schemadefs into OTIO's active manifest (once; a no-op when the entry point already did)."""
    import opentimelineio as otio  # here, not at import: OTIO's entry-point loader imports this package

    paths = [p for p in os.environ.get("OTIO_PLUGIN_MANIFEST_PATH", "").split(os.pathsep) if p]
    if str(MANIFEST) not in paths:
        os.environ["OTIO_PLUGIN_MANIFEST_PATH"] = os.pathsep.join([*paths, str(MANIFEST)])
    manifest = otio.plugins.ActiveManifest()
    if {s.name for s in manifest.schemadefs} >= set(SCHEMADEFS):
        return
    ours = otio.plugins.manifest.manifest_from_file(str(MANIFEST))
    manifest.extend(ours)
    for schemadef in ours.schemadefs:
        schemadef.module()
