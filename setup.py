"""Build hook only (metadata lives in pyproject.toml): the wheel carries the top-level ``resources/`` folder
as the package data ``horus_desktop/resources``, so an installed Horus finds its icons, styles and fonts.

``resources/`` stays the one source of truth; a checkout or an editable install reads it in place.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithResources(build_py):
    """build_py, then copy ``resources/`` into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads resources/ from the checkout
        shutil.copytree(ROOT / "resources", Path(self.build_lib) / "horus_desktop" / "resources",
                        dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithResources})
