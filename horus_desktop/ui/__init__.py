"""Everything that imports PySide6: the main window and its panels."""

from horus_desktop.ui.none_guard import top_up_none_refcount

# PySide6 6.12 loses a reference to None on every Python override call (see none_guard): give None its
# reserve before any widget exists.
top_up_none_refcount()
