"""Notes reports and burned-in frames: the Qt side (drawing with the viewer's items, PDF, the File menu)."""
