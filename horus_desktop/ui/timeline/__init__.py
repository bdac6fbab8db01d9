"""The timeline dock: the track view of a playlist (one graphics item class per OTIO type), its toolbar,
undoable edits through the DB worker, and the playhead shared with the viewer."""
