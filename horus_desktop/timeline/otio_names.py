"""Names Horus writes into OpenTimelineIO documents, without OpenTimelineIO (the JSON walk reads them too)."""

NS = "horus"
"""Metadata namespace of everything Horus writes on OTIO objects."""
