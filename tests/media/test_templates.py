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
