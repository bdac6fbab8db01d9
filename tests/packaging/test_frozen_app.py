"""The self-contained app: `./dev package` builds it, and the built program works on its own.

The tarball is unpacked into a temporary folder outside the checkout and run with a bare environment
(``env -i``: PATH=/usr/bin:/bin, no virtual environment, no PYTHONPATH), in a virtual X server, so a library,
plugin or data file that only the checkout's .venv provides makes it fail. Slow (a PyInstaller build when
the sources changed): marked ``package``; ``pytest -m "not package"`` skips it, ``./dev test`` runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from tests.support_xvfb import private_display

ROOT = Path(__file__).resolve().parents[2]
BARE_PATH = "/usr/bin:/bin"

pytestmark = [pytest.mark.package, pytest.mark.timeout(3600)]


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built app, unpacked from its tarball into a folder outside the source tree."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the package test builds and runs the Linux app")
    build = subprocess.run(["./dev", "package"], cwd=ROOT, capture_output=True, text=True, timeout=3000)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-5000:]
    exe = Path(build.stdout.strip().splitlines()[-1])
    assert exe.is_file() and os.access(exe, os.X_OK), f"the last line of ./dev package is not the program: {exe}"
    tarballs = sorted(exe.parent.parent.glob("horus-*-linux-*.tar.gz"))
    assert tarballs, f"no tarball beside {exe.parent}"
    target = tmp_path_factory.mktemp("installed")
    with tarfile.open(tarballs[-1]) as archive:
        archive.extractall(target, filter="tar")
    folder = target / "horus"
    assert ROOT not in folder.parents
    return folder


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A private Xvfb display (``-displayfd`` picks a free number)."""
    with private_display("1600x1000x24", why="apt-get install xvfb, to run the built app") as number:
        yield number


def bare_env(home: Path, display: str, **extra: str) -> dict[str, str]:
    """What `env -i` leaves, plus a display and a home: no venv, no PYTHONPATH, Python libraries unreachable."""
    return {"PATH": BARE_PATH, "HOME": str(home), "DISPLAY": display, "LANG": "C.UTF-8", **extra}


def test_the_bare_environment_has_no_python_with_the_apps_libraries(tmp_path: Path) -> None:
    """The environment the app is run in below cannot import what the app needs from a Python."""
    for python in ("python", "python3"):
        found = shutil.which(python, path=BARE_PATH)
        if found is None:
            continue
        probe = subprocess.run(["env", "-i", f"PATH={BARE_PATH}", python, "-c", "import PySide6"],
                               capture_output=True, text=True, cwd=tmp_path)
        assert probe.returncode != 0, f"{found} on {BARE_PATH} imports PySide6: the test would prove nothing"
    assert str(ROOT / ".venv") not in BARE_PATH


def test_version_names_the_libraries_it_carries(app_dir: Path, display: str, tmp_path: Path) -> None:
    from horus_desktop.store.schema import head_revision

    result = subprocess.run(["env", "-i", *_pairs(bare_env(tmp_path, display)), str(app_dir / "horus"), "--version"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0] == f"horus {metadata.version('horus-desktop')}"
    report = dict(line.split(None, 1) for line in lines[1:])
    assert report["Qt"].startswith(metadata.version("PySide6"))
    assert report["OpenColorIO"] == metadata.version("opencolorio")
    assert report["OpenEXR"] == metadata.version("OpenEXR")
    assert report["OpenTimelineIO"] == metadata.version("OpenTimelineIO")
    assert f"PyAV {metadata.version('av')}" in report["FFmpeg"]
    assert report["schema"] == f"revision {head_revision()}"
    assert "(frozen app)" in report["Python"]


@pytest.mark.parametrize("gl", ["0", "1"], ids=["cpu-colour", "opengl-colour"])
def test_smoke_test_passes_outside_the_checkout(app_dir: Path, display: str, tmp_path: Path, gl: str) -> None:
    """The whole smoke test, on a machine as bare as it gets: no Python, and no system fonts either
    (fontconfig is given an empty configuration): the app's own fonts must carry its text. Once on the
    CPU colour path and once on OpenGL (OCIO's shader; Mesa's software renderer under Xvfb)."""
    no_fonts = tmp_path / "fonts.conf"
    no_fonts.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>')
    env = bare_env(tmp_path, display, QT_QPA_PLATFORM="xcb", FONTCONFIG_FILE=str(no_fonts), HORUS_GL=gl)
    result = subprocess.run(["env", "-i", *_pairs(env), str(app_dir / "horus"), "--smoke-test"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    for step in ("main window open on SQLite", "text in DejaVu Sans", "generated the demo project", "opened the EXR sequence",
                 "opened the movie", "played a second", "drew a pen stroke", "wrote a note and read it back",
                 "as .otio and imported it back", "as .edl and imported it back",
                 "closed the main window", "smoke-test: passed"):
        assert step in result.stdout, f"missing {step!r}:\n{output[-6000:]}"
    assert not (tmp_path / ".local" / "share" / "horus").exists(), "the smoke test touched the user's store"
    if gl == "1":
        if "GPU (OpenGL" not in result.stdout:
            pytest.skip("no OpenGL 4 context under this Xvfb (apt-get install libgl1-mesa-dri): GL path not run")
    else:
        assert "Colour: CPU" in result.stdout


def _warm_kernel(app_dir: Path, home: Path, cache_home: Path) -> str:
    """`horus -m horus_desktop.media.kernel_warmup` in a bare environment: one line a pixel type."""
    env = {"PATH": BARE_PATH, "HOME": str(home), "LANG": "C.UTF-8", "XDG_CACHE_HOME": str(cache_home)}
    result = subprocess.run(["env", "-i", *_pairs(env), str(app_dir / "horus"), "-m",
                             "horus_desktop.media.kernel_warmup"], capture_output=True, text=True, cwd=home,
                            timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    return result.stdout


KERNEL_TYPES = ("float16", "uint8", "float32")


def test_the_colour_kernel_ships_compiled_and_is_kept_in_the_users_cache(app_dir: Path, tmp_path: Path) -> None:
    """numba and llvmlite work frozen: a frame of each pixel type is coloured by the CPU path's kernel. On
    the build machine's CPU the first launch loads the kernel compiled at build time (copied into the user's
    cache folder), and so does the next (media/kernel_cache.py)."""
    assert list((app_dir / "_internal" / "numba-cache").glob("*.nbi")), "the app ships no compiled kernel"
    cache_home = tmp_path / "user-cache"
    for _ in range(2):
        output = _warm_kernel(app_dir, tmp_path, cache_home)
        for pixel_type in KERNEL_TYPES:
            assert f"colour kernel {pixel_type}: loaded from numba's cache" in output, output
        assert "DPX 10-bit unpack: loaded from numba's cache" in output, output
    assert list((cache_home / "horus" / "numba").glob("lut_kernel._apply-*.nbi")), "nothing in the user's cache"


def test_the_colour_kernel_compiled_at_a_launch_is_loaded_by_the_next(app_dir: Path, tmp_path: Path) -> None:
    """A user cache that already holds files (here an unrelated index) is not seeded from the app's: the
    first launch compiles the kernel into it, the second loads it."""
    cache_home = tmp_path / "user-cache"
    (cache_home / "horus" / "numba").mkdir(parents=True)
    (cache_home / "horus" / "numba" / "unrelated.nbi").write_bytes(b"")
    first = _warm_kernel(app_dir, tmp_path, cache_home)
    second = _warm_kernel(app_dir, tmp_path, cache_home)
    for pixel_type in KERNEL_TYPES:
        assert f"colour kernel {pixel_type}: compiled" in first, first
        assert f"colour kernel {pixel_type}: loaded from numba's cache" in second, second
    assert "DPX 10-bit unpack: compiled" in first, first
    assert "DPX 10-bit unpack: loaded from numba's cache" in second, second


def test_desktop_entry_installs_and_a_horus_link_opens_the_window(app_dir: Path, display: str,
                                                                   tmp_path: Path) -> None:
    data, bin_dir = tmp_path / "share", tmp_path / "bin"
    install = subprocess.run([str(app_dir / "install-desktop.sh")], capture_output=True, text=True, timeout=60,
                             env={"PATH": BARE_PATH, "HOME": str(tmp_path), "XDG_DATA_HOME": str(data),
                                  "HORUS_BIN_DIR": str(bin_dir)})
    assert install.returncode == 0, install.stderr
    entry = (data / "applications" / "horus.desktop").read_text()
    fields = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    assert fields["Exec"] == f'"{app_dir / "horus"}" %U'
    assert "x-scheme-handler/horus" in fields["MimeType"].split(";")
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "horus.png").is_file(), size
    assert (bin_dir / "horus").resolve() == (app_dir / "horus").resolve()

    # What a desktop runs for a clicked horus:// link: the Exec line with the URL for %U.
    env = bare_env(tmp_path, display, QT_QPA_PLATFORM="xcb", HORUS_DB=str(tmp_path / "links.sqlite"),
                   HORUS_SETTINGS=str(tmp_path / "settings.ini"))
    log = tmp_path / "link.log"
    with log.open("w") as out:
        app = subprocess.Popen(["env", "-i", *_pairs(env), str(app_dir / "horus"), "horus://session/abc123"],
                               stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
        try:
            _wait_for(log, "viewer colour path", app)  # logged once the main window is built
            assert app.poll() is None, log.read_text()[-3000:]
        finally:
            app.terminate()
            app.wait(timeout=30)
    text = log.read_text()
    assert "horus:// links are not supported yet: cannot open the 'session' link horus://session/abc123" in text
    assert "Traceback" not in text


def _wait_for(log: Path, needle: str, app: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while needle not in log.read_text():
        assert app.poll() is None, f"the app exited ({app.returncode}):\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"{needle!r} never logged:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


def _pairs(env: dict[str, str]) -> list[str]:
    return [f"{key}={value}" for key, value in env.items()]
