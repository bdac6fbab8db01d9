"""Everything that imports PySide6: the main window and its panels."""
