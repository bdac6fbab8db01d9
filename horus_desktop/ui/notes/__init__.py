"""Notes on the media in the viewer: threaded comment panel, composer with @mentions, approvals,
notifications, preferences and the wiring that plugs them (and the drawing tools) into the main window."""
