"""Drawing on the viewer: shape items, one group per layer, tools, palette, layers panel, undoable edits."""
