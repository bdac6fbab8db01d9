"""Which input colour space a media is read in: the user's override, the studio config's file rules, the
project's default, then what the file says; and how an override is kept on the media record."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import PyOpenColorIO as ocio
import pytest

from horus_desktop.media.colour import ColourConfig
from horus_desktop.media.colour_defaults import is_override, keep_override, override_values


@pytest.fixture(scope="module")
def builtin() -> ColourConfig:
    return ColourConfig("ocio://studio-config-latest")


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> ColourConfig:
    """A studio's own config: the studio config plus a rule reading scanned plates (DPX) as ADX10."""
    config = ocio.Config.CreateFromFile("ocio://studio-config-latest")
    rules = config.getFileRules()
    rules.insertRule(0, "scans", "ADX10", "*/plates/*", "dpx")
    config.setFileRules(rules)
    path = tmp_path_factory.mktemp("ocio") / "studio.ocio"
    path.write_text(config.serialize())
    return ColourConfig(str(path))


def test_printing_density_dpx_is_read_as_the_file_rule_says(studio: ColourConfig) -> None:
    chosen = studio.resolve_input_colour_space(path="/show/plates/sh010.0001.dpx", record_space="ACEScct",
                                               file_space="ACEScct", is_float=False)
    assert (chosen.name, chosen.source) == ("ADX10", "file rule")
    # Only the default rule matches elsewhere: the file's own word stands.
    other = studio.resolve_input_colour_space(path="/show/renders/sh010.0001.dpx", file_space="ACEScct",
                                              is_float=False)
    assert (other.name, other.source) == ("ACEScct", "file")


def test_builtin_configs_generic_rules_do_not_outrank_the_file(builtin: ColourConfig) -> None:
    # The built-in config's rules read every .exr as ACES2065-1; an ACEScg render must stay ACEScg.
    chosen = builtin.resolve_input_colour_space(path="/show/sh010.exr", file_space="ACEScg", is_float=True)
    assert (chosen.name, chosen.source) == ("ACEScg", "file")


def test_override_then_project_default_then_file(studio: ColourConfig, builtin: ColourConfig) -> None:
    path = "/show/plates/sh010.0001.dpx"
    chosen = studio.resolve_input_colour_space(path=path, record_space="ARRI LogC4", override=True,
                                               project_default="ACEScct", file_space="ACEScct", is_float=False)
    assert (chosen.name, chosen.source) == ("ARRI LogC4", "override")
    chosen = builtin.resolve_input_colour_space(path="/x/a.dpx", project_default="ADX10", file_space="ACEScct",
                                                is_float=False)
    assert (chosen.name, chosen.source) == ("ADX10", "project default")
    chosen = builtin.resolve_input_colour_space(path="/x/a.dpx", project_default="No Such Space",
                                                record_space="Not Known", override=True, file_space="ACEScct",
                                                is_float=False)
    assert (chosen.name, chosen.source) == ("ACEScct", "file"), "unknown names are skipped, not trusted"
    chosen = builtin.resolve_input_colour_space(path="/x/a.bin", is_float=True)
    assert chosen.source == "default" and builtin.is_scene_linear(chosen.name)


def test_override_is_kept_on_the_record_and_cleared_back_to_the_guess(tmp_path: Path) -> None:
    values = override_values("ADX10", "ACEScct", {"codec": "dpx"})
    assert values["color_space"] == "ADX10" and is_override(values["extra_metadata"])
    assert values["extra_metadata"]["codec"] == "dpx"
    changed = override_values("ARRI LogC4", values["color_space"], values["extra_metadata"])
    assert changed["color_space"] == "ARRI LogC4"
    cleared = override_values(None, changed["color_space"], changed["extra_metadata"])
    assert cleared == {"color_space": "ACEScct", "extra_metadata": {"codec": "dpx"}}
    # A changed file re-probed at ingest keeps the user's choice (and the new guess behind it).
    existing = SimpleNamespace(color_space="ADX10", extra_metadata=values["extra_metadata"])
    reprobed = keep_override(existing, {"color_space": "Camera Rec.709", "extra_metadata": {"codec": "dpx"}})
    assert reprobed["color_space"] == "ADX10" and is_override(reprobed["extra_metadata"])
    assert override_values(None, reprobed["color_space"], reprobed["extra_metadata"])["color_space"] == \
        "Camera Rec.709"
    plain = SimpleNamespace(color_space="ACEScct", extra_metadata={})
    assert keep_override(plain, {"color_space": "Camera Rec.709"}) == {"color_space": "Camera Rec.709"}


def test_reingest_of_a_changed_file_keeps_the_users_override(tmp_path: Path) -> None:
    import os

    import numpy as np

    from horus_desktop.media.decode_dpx import write_dpx
    from horus_desktop.media.ingest import ingest_tree
    from horus_desktop.store import Store

    folder = tmp_path / "plates"
    folder.mkdir()
    plate = folder / "plate.dpx"
    write_dpx(str(plate), np.full((8, 8, 3), 445, np.uint16), transfer=1)
    store = Store.open(tmp_path / "horus.sqlite")
    try:
        ingest_tree(store, folder, project="proj")
        record = store.media.get_by_path(str(plate))
        store.media.update(record.id, **override_values("ADX10", record.color_space, record.extra_metadata))
        write_dpx(str(plate), np.full((16, 16, 3), 600, np.uint16), transfer=6)  # changed: now says Rec.709
        os.utime(plate, (1_900_000_000, 1_900_000_000))
        report = ingest_tree(store, folder, project="proj")
        assert report.updated, "the changed file was not re-probed"
        again = store.media.get(record.id)
        assert again.color_space == "ADX10" and is_override(again.extra_metadata)
        assert again.resolution is not None and again.resolution.startswith("16")
        cleared = override_values(None, again.color_space, again.extra_metadata)
        assert cleared["color_space"] == "Camera Rec.709", "the new guess waits behind the override"
    finally:
        store.close()
