from __future__ import annotations

from horus_desktop.media.templates import (
    DEFAULT_TEMPLATE,
    Hierarchy,
    PathTemplate,
    lenient_hierarchy,
    parse_hierarchy,
    version_number_of,
)


def test_montu_style_template() -> None:
    template = PathTemplate("{project}/shots/{sequence}/{shot}/{department}/{task_type}/{version}")
    found = template.parse("/mnt/jobs/bigfilm/shots/sq010/sh0020/comp/final/v003/sh0020.%04d.exr")
    assert found == Hierarchy(
        project="bigfilm", sequence="sq010", shot="sh0020", department="comp",
        task_type="final", version="v003", version_number=3,
    )


def test_template_that_does_not_match_returns_none() -> None:
    template = PathTemplate("{project}/shots/{sequence}/{shot}/{department}/{version}")
    assert template.parse("/mnt/jobs/bigfilm/assets/tree/model/v001/tree.png") is None
    assert template.parse("/mnt/jobs/bigfilm/shots/sq010/sh0020/comp/final/x.exr") is None  # 'final' no version


def test_default_template_anchored_at_root() -> None:
    found = PathTemplate(DEFAULT_TEMPLATE).parse("/r/proj/ep01/sq010/sh020/anim/v002/out/x.mov", root="/r")
    assert (found.project, found.episode, found.sequence, found.shot) == ("proj", "ep01", "sq010", "sh020")
    assert (found.department, found.version, found.version_number) == ("anim", "v002", 2)


def test_fields_inside_a_file_name() -> None:
    template = PathTemplate("{project}/{shot}/{shot}_{department}_{version}.mov")
    found = template.parse("/r/film/sh010/sh010_comp_v012.mov", root="/r")
    assert (found.shot, found.department, found.version_number) == ("sh010", "comp", 12)
    assert template.parse("/r/film/sh010/sh020_comp_v012.mov", root="/r") is None


def test_lenient_fallback_finds_tokens() -> None:
    found = lenient_hierarchy("/r/proj/stuff/sq010_sh020/lighting/render_v012.1001.exr", root="/r")
    assert (found.project, found.sequence, found.shot) == ("proj", "sq010", "sh020")
    assert (found.department, found.version, found.version_number) == ("lighting", "v012", 12)


def test_parse_hierarchy_falls_back_and_fills_gaps() -> None:
    found = parse_hierarchy("/r/proj/misc/seq20/shot030/v4/a.jpg", root="/r")
    assert (found.project, found.sequence, found.shot, found.version_number) == ("proj", "seq20", "shot030", 4)
    assert parse_hierarchy("/r/proj/a.png", root="/r") == Hierarchy(project="proj")


def test_version_numbers() -> None:
    assert version_number_of("v012") == 12 and version_number_of("V3") == 3 and version_number_of("final") is None


_PATHS = [
    "/r/proj/stuff/sq010_sh020/lighting/render_v012.1001.exr",
    "/r/proj/stuff/sq010_sh020/lighting/sq011_sh021_v013.%04d.exr",
    "/r/proj/ep02/seq30/shot040/comp/v7/plate.png",
    "/r/proj/ep02/seq30/shot040/comp/v7/ep03_v8.png",
    "/r/proj/a.png",
    "/r/a.png",
    "/r/proj/./x/../sh010/v002/b.png",
    "/elsewhere/proj/sq001/sh001/anim/v001/c.png",
    "/r",
    "/x.png",
    "relative/sq5/sh6/v3/d.png",
    "e_v009.png",
]


def test_files_of_one_folder_and_of_different_folders_get_their_own_values() -> None:
    """Ingest parses many files per folder (what the folders give is remembered): every file still gets
    what its own path says, whatever was parsed before it."""
    first = parse_hierarchy("/r/film/sq010/sh010/comp/v001/sh010_comp_v001.png", root="/r")
    other = parse_hierarchy("/r/film/sq020/sh030/lighting/v004/sh030_light.png", root="/r")
    named = parse_hierarchy("/r/film/sq010/sh010/comp/v001/sh099_comp_v002.png", root="/r")
    again = parse_hierarchy("/r/film/sq010/sh010/comp/v001/sh010_comp_v001.png", root="/r")
    assert (first.sequence, first.shot, first.department, first.version) == ("sq010", "sh010", "comp", "v001")
    assert (other.sequence, other.shot, other.department, other.version) == ("sq020", "sh030", "lighting", "v004")
    assert (named.shot, named.version, named.version_number) == ("sh099", "v002", 2)
    assert again == first
    assert parse_hierarchy("/q/film/sq010/sh010/comp/v001/sh010_comp_v001.png", root="/r").project == "q"


def test_parsing_text_paths_matches_parsing_path_objects() -> None:
    """Folder names' tokens and template matches are remembered between files: paths parsed again, as text or as
    path objects, get what templates that remember nothing yet give."""
    from pathlib import PurePosixPath

    templates = [PathTemplate(DEFAULT_TEMPLATE), PathTemplate("{project}/{sequence}/{shot}/{version}")]
    for root in ("/r", "/r/proj", "/", None, "/elsewhere/proj/sq001/sh001/anim/v001/c.png/deeper"):
        for path in _PATHS * 2:  # twice: the second time from what the first remembered
            for chosen in (templates, [], None):
                fresh = None if chosen is None else [PathTemplate(t.template) for t in chosen]  # nothing remembered
                expected = parse_hierarchy(PurePosixPath(path), fresh, None if root is None else PurePosixPath(root))
                assert parse_hierarchy(path, chosen, root) == expected, (path, root)
            assert lenient_hierarchy(path, root) == lenient_hierarchy(PurePosixPath(path), root), (path, root)
