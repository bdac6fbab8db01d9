"""The wheel carries the top-level resources/ folder as package data, and an installed Horus finds them there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # As a studio's build would: pip in an isolated build environment (setuptools from the package index).
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                             "-w", str(out), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    (built,) = out.glob("horus_desktop-*.whl")
    return built


def test_wheel_holds_every_resource_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"horus_desktop/resources/{p.relative_to(ROOT / 'resources').as_posix()}"
                for p in (ROOT / "resources").rglob("*") if p.is_file()}
    assert expected, "no resources in the checkout"
    assert expected <= names, sorted(expected - names)[:10]
    assert "horus_desktop/store/migrations/env.py" in names


def test_installed_wheel_reads_its_own_resources(wheel: Path, tmp_path: Path) -> None:
    """Unpacked as pip installs it (beside the test venv's libraries), the UI takes icons and the stylesheet
    from the installed package, not from this checkout."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import horus_desktop.ui.resources as r; "
            "print(r.RESOURCES); print(r.icon('horus').isNull()); print('@ICONS@' in r.stylesheet())")
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-3000:]
    resources, null_icon, placeholder_left = result.stdout.split()
    assert Path(resources) == site / "horus_desktop" / "resources"
    assert null_icon == "False" and placeholder_left == "False"
