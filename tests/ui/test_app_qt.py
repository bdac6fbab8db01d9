"""ui/app_qt.py: PySide6's per-import check of whether a module uses PySide6 is made from the module's names
(not its source), with the same answers."""

from __future__ import annotations

import inspect
import re
import sys
import types

import PySide6.QtCore
from PySide6.QtWidgets import QWidget

from horus_desktop.ui.app_qt import uses_pyside


def _module(**names: object) -> types.ModuleType:
    module = types.ModuleType("probe")
    vars(module).update(names)
    return module


def test_a_module_that_imported_pyside6_or_its_classes_uses_it() -> None:
    assert uses_pyside(_module(QtCore=PySide6.QtCore))
    assert uses_pyside(_module(QWidget=QWidget))


def test_a_module_without_pyside6_does_not_use_it() -> None:
    assert not uses_pyside(_module(json=__import__("json"), value=3, name="PySide6"))
    assert not uses_pyside(object())  # not a module: as the source check, which cannot read one


def test_every_module_of_the_window_that_imports_pyside6_is_told_from_those_that_do_not() -> None:
    # The source check also counts a mention in a docstring (horus_desktop/ui/__init__.py): no matter while
    # no module asks for a __feature__; a module importing PySide6 (at its top level) is what counts.
    import horus_desktop.ui.main_window  # noqa: F401 - loads the window's modules

    ours = [m for name, m in sorted(sys.modules.items()) if name.startswith("horus_desktop") and
            getattr(m, "__file__", None)]
    assert len(ours) > 100
    imports = re.compile(r"^(from|import) PySide6", re.MULTILINE)
    differ = [m.__name__ for m in ours if uses_pyside(m) != bool(imports.search(inspect.getsource(m)))]
    assert differ == []
