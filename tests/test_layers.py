"""The layering rule: only horus_desktop.ui may import Qt, and nothing imports the UI."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import horus_desktop

PACKAGE = Path(horus_desktop.__file__).parent

_BLOCK_QT = """
import importlib.abc, sys
class BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "PySide6" or name.startswith("PySide6.") or name.startswith("shiboken6"):
            raise ImportError(f"{name} imported outside horus_desktop.ui")
sys.meta_path.insert(0, BlockQt())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print("imported", len(sys.argv) - 1)
"""


def _non_ui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="horus_desktop."):
        if info.name.startswith("horus_desktop.ui") or info.name == "horus_desktop.__main__":
            continue
        if ".migrations." in info.name:
            continue  # Alembic scripts run only inside Alembic's context
        names.append(info.name)
    return names


def test_every_non_ui_module_imports_without_qt() -> None:
    modules = _non_ui_modules()
    assert "horus_desktop.store.repositories.media" in modules and "horus_desktop.media.ingest" in modules
    result = subprocess.run([sys.executable, "-c", _BLOCK_QT, *modules], capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"imported {len(modules)}" in result.stdout


def test_nothing_outside_ui_imports_ui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts)
        if module.startswith("horus_desktop.ui") or module == "horus_desktop.cli":
            continue  # cli.py assembles the app and may start the GUI
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "horus_desktop.ui" or n.startswith("horus_desktop.ui.") for n in names):
                offenders.append(module)
    assert offenders == []
