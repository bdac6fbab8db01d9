"""numba's on-disk cache of the colour kernel (media/kernel_cache.py): a later process loads what an earlier
one compiled, the frozen app's cache goes to the user's cache folder, and a damaged or unusable cache only
means compiling: the frame is coloured the same. Each case runs in a child process (numba's cache is chosen
when lut_kernel is imported), with its own cache folder, never the source tree's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from horus_desktop.media.colour import BUILTIN_CONFIG, ColourConfig

ROOT = Path(__file__).resolve().parents[2]

# Colours one 8-bit frame by the public CPU path, saves it to argv[2] and prints how many of the kernel's
# versions were loaded from the cache and how many compiled. "frozen" makes it look like the PyInstaller app
# (argv[3]: its folder of data files);
# "folder-lost" replaces the cache folder (argv[3]) by a file after numba chose it, before the first frame.
CHILD = r"""
import json, logging, shutil, sys
import numpy as np
if sys.argv[1] == "frozen":
    sys.frozen = True
    if len(sys.argv) > 3:  # the app's folder, holding its build-time numba-cache
        sys._MEIPASS = sys.argv[3]
logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
from horus_desktop.media import lut_kernel
from horus_desktop.media.colour import BUILTIN_CONFIG, ColourConfig
colour = ColourConfig(BUILTIN_CONFIG)
settings = colour.default_settings("sRGB - Texture", is_float=False)
view = colour.baked_view(settings, np.dtype(np.uint8), method="lut")
if sys.argv[1] == "folder-lost":
    shutil.rmtree(sys.argv[3])
    open(sys.argv[3], "w").close()
frame = (np.arange(48 * 32 * 3) * 7 % 256).astype(np.uint8).reshape(48, 32, 3)
np.save(sys.argv[2], view.apply(frame))
loaded, compiled = lut_kernel.cache_counts()
print(json.dumps({"loaded": loaded, "compiled": compiled}))
"""


def _frame() -> np.ndarray:
    return (np.arange(48 * 32 * 3) * 7 % 256).astype(np.uint8).reshape(48, 32, 3)


@pytest.fixture(scope="module")
def expected() -> np.ndarray:
    """The frame as this process colours it."""
    colour = ColourConfig(BUILTIN_CONFIG)
    view = colour.baked_view(colour.default_settings("sRGB - Texture", is_float=False), np.dtype(np.uint8),
                             method="lut")
    return view.apply(_frame())


def colour_in_child(tmp_path: Path, mode: str, env: dict[str, str], *extra: str) -> tuple[dict, np.ndarray, str]:
    out = tmp_path / f"out-{len(list(tmp_path.glob('out-*')))}.npy"
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    full_env.pop("NUMBA_DISABLE_JIT", None)
    result = subprocess.run([sys.executable, "-c", CHILD, mode, str(out), *extra], capture_output=True, text=True,
                            env=full_env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), np.load(out), result.stderr


def _cache_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("lut_kernel._apply-*") if p.suffix in (".nbi", ".nbc"))


def test_a_second_process_loads_what_the_first_compiled(tmp_path: Path, expected: np.ndarray) -> None:
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    first, first_out, _ = colour_in_child(tmp_path, "plain", env)
    assert first == {"loaded": 0, "compiled": 1}
    assert _cache_files(tmp_path / "cache")
    second, second_out, _ = colour_in_child(tmp_path, "plain", env)
    assert second == {"loaded": 1, "compiled": 0}
    np.testing.assert_array_equal(first_out, expected)
    np.testing.assert_array_equal(second_out, expected)


def test_the_frozen_app_caches_in_the_users_cache_folder(tmp_path: Path, expected: np.ndarray) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "user-cache"), "HOME": str(tmp_path)}
    first, _, _ = colour_in_child(tmp_path, "frozen", env)
    assert first == {"loaded": 0, "compiled": 1}
    assert _cache_files(tmp_path / "user-cache" / "horus" / "numba")
    second, out, _ = colour_in_child(tmp_path, "frozen", env)
    assert second == {"loaded": 1, "compiled": 0}
    np.testing.assert_array_equal(out, expected)


def test_the_frozen_app_starts_from_the_cache_compiled_at_build_time(tmp_path: Path, expected: np.ndarray) -> None:
    build = {"XDG_CACHE_HOME": str(tmp_path / "build-cache"), "HOME": str(tmp_path)}
    colour_in_child(tmp_path, "frozen", build)
    bundle = tmp_path / "app" / "_internal"
    shutil.copytree(tmp_path / "build-cache" / "horus" / "numba", bundle / "numba-cache")
    user = {"XDG_CACHE_HOME": str(tmp_path / "user-cache"), "HOME": str(tmp_path)}
    first, out, _ = colour_in_child(tmp_path, "frozen", user, str(bundle))
    assert first == {"loaded": 1, "compiled": 0}
    np.testing.assert_array_equal(out, expected)
    assert _cache_files(tmp_path / "user-cache" / "horus" / "numba")


def test_a_damaged_cache_is_compiled_over_and_then_used_again(tmp_path: Path, expected: np.ndarray) -> None:
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    colour_in_child(tmp_path, "plain", env)
    files = _cache_files(tmp_path / "cache")
    assert files
    for number, path in enumerate(files):
        # Garbage in some, a truncated pickle in the others.
        path.write_bytes(b"not a pickle" if number % 2 else path.read_bytes()[:40])
    damaged, out, log = colour_in_child(tmp_path, "plain", env)
    assert damaged == {"loaded": 0, "compiled": 1}
    assert "compiling instead" in log
    np.testing.assert_array_equal(out, expected)
    again, out, _ = colour_in_child(tmp_path, "plain", env)
    assert again == {"loaded": 1, "compiled": 0}
    np.testing.assert_array_equal(out, expected)


def test_a_cache_folder_that_goes_away_only_means_compiling(tmp_path: Path, expected: np.ndarray) -> None:
    folder = tmp_path / "cache"
    result, out, log = colour_in_child(tmp_path, "folder-lost", {"NUMBA_CACHE_DIR": str(folder)}, str(folder))
    assert result == {"loaded": 0, "compiled": 1}
    assert "could not save the compiled colour kernel" in log
    np.testing.assert_array_equal(out, expected)


def test_no_usable_cache_folder_at_all_still_colours(tmp_path: Path, expected: np.ndarray) -> None:
    """numba told to use only a cache folder that cannot be made (under a file): no cache, same frame."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {"NUMBA_CACHE_DIR": str(blocker / "cache"), "NUMBA_CACHE_LOCATOR_CLASSES": "UserProvidedCacheLocator"}
    result, out, log = colour_in_child(tmp_path, "plain", env)
    assert result == {"loaded": 0, "compiled": 1}
    assert "numba cannot cache the colour kernel" in log
    np.testing.assert_array_equal(out, expected)
