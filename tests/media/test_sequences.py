from __future__ import annotations

from pathlib import Path

from horus_desktop.media.sequences import (
    MediaKind,
    group_files,
    printf_frame,
    scan_media,
    sequence_from_pattern,
)


def touch(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"x")


def test_sequence_with_gaps_is_one_record_listing_the_missing_frames(tmp_path: Path) -> None:
    touch(tmp_path, *[f"shot.{f:04d}.exr" for f in (1001, 1002, 1003, 1007, 1008)])
    [item] = list(scan_media(tmp_path))
    assert item.kind is MediaKind.SEQUENCE
    assert item.path == str(tmp_path / "shot.%04d.exr")
    assert item.frames == (1001, 1002, 1003, 1007, 1008)
    assert item.missing_frames == (1004, 1005, 1006)
    assert (item.first_frame, item.last_frame) == (1001, 1008)
    assert item.file_for_frame(1007) == str(tmp_path / "shot.1007.exr")


def test_odd_and_no_padding(tmp_path: Path) -> None:
    touch(tmp_path, *[f"plate_{f:07d}.dpx" for f in range(1, 4)], *[f"x.{f}.png" for f in range(8, 12)])
    items = {i.path: i for i in scan_media(tmp_path)}
    assert items[str(tmp_path / "plate_%07d.dpx")].frames == (1, 2, 3)
    unpadded = items[str(tmp_path / "x.%d.png")]
    assert unpadded.frames == (8, 9, 10, 11) and unpadded.missing_frames == ()
    assert printf_frame(unpadded.path, 9).endswith("x.9.png")


def test_movies_stills_and_names_that_only_look_like_sequences(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "edit_v003.mov", "ref.mp4", "poster.png", "readme.txt",
        "comp_v001.exr", "comp_v002.exr",  # versions, not frames
        "single.1001.exr",  # one numbered file
        "mix.0001.exr", "mix.0002.jpg",  # mismatched extensions
    )
    items = {Path(i.path).name: i for i in scan_media(tmp_path)}
    assert items["edit_v003.mov"].kind is MediaKind.MOVIE and items["ref.mp4"].kind is MediaKind.MOVIE
    assert items["poster.png"].kind is MediaKind.STILL and items["poster.png"].frames == ()
    assert items["comp_v001.exr"].kind is MediaKind.STILL and items["comp_v002.exr"].kind is MediaKind.STILL
    assert items["single.1001.exr"].kind is MediaKind.STILL and items["single.1001.exr"].frames == (1001,)
    assert items["mix.0001.exr"].kind is MediaKind.STILL and items["mix.0002.jpg"].kind is MediaKind.STILL
    assert "readme.txt" not in items


def test_nested_folders_and_hidden_ones(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "b", "s.0001.jpg", "s.0002.jpg")
    touch(tmp_path / ".cache", "t.0001.jpg", "t.0002.jpg")
    paths = [i.path for i in scan_media(tmp_path)]
    assert paths == [str(tmp_path / "a" / "b" / "s.%04d.jpg")]


def test_pattern_forms_open_the_same_sequence(tmp_path: Path) -> None:
    touch(tmp_path, *[f"r.{f:04d}.exr" for f in (10, 11, 13)])
    by_printf = sequence_from_pattern(str(tmp_path / "r.%04d.exr"))
    by_hash = sequence_from_pattern(str(tmp_path / "r.#.exr"))
    by_hashes = sequence_from_pattern(str(tmp_path / "r.####.exr"))  # as the browser shows the name
    by_at = sequence_from_pattern(str(tmp_path / "r.@@@@.exr"))
    assert by_printf.frames == by_hash.frames == by_hashes.frames == by_at.frames == (10, 11, 13)
    assert by_hashes.path == by_printf.path
    assert by_printf.missing_frames == (12,)


def test_group_files_mixes_folders() -> None:
    items = group_files(["/x/a.0001.png", "/x/a.0002.png", "/y/a.0003.png", "/y/a.0004.png"])
    assert [i.frames for i in items] == [(1, 2), (3, 4)]


def test_names_alone_are_grouped_as_fileseq_groups_them() -> None:
    """Stills are told apart without fileseq (a name alone under its key); the result is fileseq's, name for
    name, for every shape of name: frame numbers padded or not, signed, versions, dots, no extension, names
    fileseq cannot read as they are (backslashes, line breaks), sequences of one frame next to stills."""
    from horus_desktop.media.sequences import _fileseq_safe, _group_with_fileseq

    names = ["plate.1001.exr", "plate.1001.png", "shot_v001.exr", "comp-V12.png", "a.0001.png", "a.0002.png",
             "a.0004.png", "b1.png", "b01.png", "b001.png", "c.-0001.exr", "c.-1.exr", "c.0001.exr", "d.tif",
             "e.1.2.exr", "f_1001_v2.dpx", "g.0100.jpg", "g.100.jpg", "h.00001.exr", "no_ext", "x.tar.png",
             "back\\slash.0001.png", "line\nbreak.0001.png", "line\nbreak.0002.png", "ünï.42.tiff", "1001.exr",
             "only.v3.exr", "name..png", "tail_v.0007.png", "space 12.png", "k.1001.EXR", "k.1002.exr",
             "clip.mov", "clip.0001.mov",
             # Sequences of plain digits of one width (made without fileseq): gaps, width 1, a version tail,
             # numbers past what a row keeps or spanning too far, non-ASCII digits, a name that is a number.
             "s.1001.exr", "s.1003.exr", "s.1002.exr", "s.1010.exr", "w1_1.png", "w1_2.png", "w1_9.png",
             "shot_v001.1001.png", "shot_v001.1002.png", "ver_v.0001.png", "ver_v.0002.png",
             "big.99999999999.exr", "big.99999999998.exr", "far.0000001.exr", "far.9000001.exr",
             "ara.\u0661\u0662.png", "ara.\u0661\u0663.png",
             "0001.dpx", "0002.dpx", "mix.0001.png", "mix.0002.png", "mix.002.png", "mix.3.png",
             "neg.-001.png", "neg.-002.png", "neg.001.png", "line\nbreak_s.0001.png", "line\nbreak_s.0003.png"]
    paths = [f"/show/{folder}/{name}" for folder in ("one", "two.1") for name in names] + ["/show/solo.0001.exr"]
    images = [p for p in paths if not p.endswith((".mov", "no_ext"))]
    reference = sorted([item for item in group_files([p for p in paths if p.endswith(".mov")])]
                       + _group_with_fileseq([_fileseq_safe(p) for p in images]), key=lambda item: item.path)
    assert group_files(paths) == reference


def test_names_are_split_as_fileseqs_own_regex_splits_them() -> None:
    """Every name of up to four characters from an alphabet of letters, digits, signs, dots, spaces and
    non-ASCII letters and digits, before an image extension, is split (basename, frame, extension) as
    fileseq's DISK_RE splits it; the common names are split without the regex."""
    import itertools

    from horus_desktop.media.sequences import _DISK_RE, _disk_parts

    def regex(name: str) -> tuple[str, str | None, str] | None:
        match = _DISK_RE.match(name)
        return None if match is None else (match.group(2) or "", match.group(3), match.group(4) or "")

    alphabet = ["a", "Z", "0", "7", "-", ".", "_", " ", "\u00e9", "\u0661"]
    names = [f"{''.join(stem)}.{ext}" for size in range(5) for stem in itertools.product(alphabet, repeat=size)
             for ext in ("png", "EXR")]
    names += ["shot_v001.1001.png", "shot_v012.png", "plate.-0001.exr", "1001.exr", "a.b.png", "x.0001.tiff"]
    assert [_disk_parts(name) for name in names] == [regex(name) for name in names]
