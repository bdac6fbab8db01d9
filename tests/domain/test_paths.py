"""Path mapping: a studio path opens from this machine's copy."""

from __future__ import annotations

import pytest

from horus_desktop.domain.paths import map_to_local, matching_root, normalise_root
from horus_desktop.machine_settings import PathMap


def test_a_path_under_a_mapped_root_moves_to_the_local_root() -> None:
    maps = [PathMap("/projects", "/home/ana/review/projects")]
    assert map_to_local("/projects/show/sh010/comp_v003.mov", maps) == \
        "/home/ana/review/projects/show/sh010/comp_v003.mov"


def test_the_longest_matching_root_wins_whatever_the_order() -> None:
    maps = [PathMap("/projects", "/mnt/all"), PathMap("/projects/show/plates", "/ssd/plates")]
    assert map_to_local("/projects/show/plates/sh010.%04d.exr", maps) == "/ssd/plates/sh010.%04d.exr"
    assert map_to_local("/projects/show/comp/sh010.mov", maps) == "/mnt/all/show/comp/sh010.mov"
    assert map_to_local("/projects/show/plates/sh010.%04d.exr", list(reversed(maps))) == \
        "/ssd/plates/sh010.%04d.exr"


def test_a_root_matches_whole_folder_names_only() -> None:
    maps = [PathMap("/projects", "/local")]
    assert map_to_local("/projects2/show/a.exr", maps) == "/projects2/show/a.exr"
    assert map_to_local("/projects", maps) == "/local"


def test_an_unmapped_path_comes_back_unchanged() -> None:
    assert map_to_local("/elsewhere/a.mov", [PathMap("/projects", "/local")]) == "/elsewhere/a.mov"
    assert map_to_local("/projects/a.mov", []) == "/projects/a.mov"


@pytest.mark.parametrize("pattern", ["sh010.%04d.exr", "sh010.####.exr", "sh010.#.exr", "sh010.@@@@.dpx"])
def test_sequence_patterns_are_kept_as_they_are(pattern: str) -> None:
    maps = [PathMap("/projects/", "/home/ana/copies/")]
    assert map_to_local(f"/projects/sq010/{pattern}", maps) == f"/home/ana/copies/sq010/{pattern}"


def test_windows_server_paths_match_either_separator_and_any_case() -> None:
    maps = [PathMap("P:\\Projects", "/home/ana/projects")]
    assert map_to_local("p:/projects/Show/SH010/comp.%04d.exr", maps) == "/home/ana/projects/Show/SH010/comp.%04d.exr"
    assert map_to_local("P:\\PROJECTS\\Show\\a.mov", maps) == "/home/ana/projects/Show/a.mov"


def test_a_windows_local_root_gets_backslashes() -> None:
    maps = [PathMap("/projects", "D:\\review\\projects")]
    assert map_to_local("/projects/show/a.####.exr", maps) == "D:\\review\\projects\\show\\a.####.exr"


def test_unc_roots_map() -> None:
    maps = [PathMap("\\\\filer\\projects", "/Volumes/projects")]
    assert map_to_local("\\\\FILER\\projects\\show\\a.mov", maps) == "/Volumes/projects/show/a.mov"
    assert map_to_local("//filer/projects/show/a.mov", maps) == "/Volumes/projects/show/a.mov"


def test_posix_paths_compare_case_sensitively() -> None:
    maps = [PathMap("/Projects", "/local")]
    assert map_to_local("/projects/a.mov", maps) == "/projects/a.mov"
    assert matching_root("/Projects/a.mov", maps) == maps[0]


def test_a_root_of_slash_maps_everything_posix() -> None:
    maps = [PathMap("/", "/mnt/studio")]
    assert map_to_local("/projects/a.mov", maps) == "/mnt/studio/projects/a.mov"


@pytest.mark.parametrize(("given", "kept"), [("/projects/", "/projects"), ("/", "/"), ("C:\\", "C:\\"),
                                             ("P:\\projects\\", "P:\\projects")])
def test_roots_are_kept_without_trailing_separators(given: str, kept: str) -> None:
    assert normalise_root(given) == kept
