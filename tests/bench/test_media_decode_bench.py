"""Runs the media benchmarks on tiny generated media: they print figures; nothing here is timed."""

from __future__ import annotations

from pathlib import Path

from horus_desktop.media.bench import bench_decode
from horus_desktop.media.synthetic import write_exr_sequence, write_jpeg_sequence, write_movie
from horus_desktop.playback.scrub_bench import bench_scrub


def test_bench_decode_reports_pipeline_and_bare_figures(tmp_path: Path, capsys) -> None:
    write_exr_sequence(tmp_path / "exr", 6, size=(64, 36))
    write_jpeg_sequence(tmp_path / "jpg", 6, size=(64, 36))
    movie = write_movie(tmp_path / "m.mp4", 6, size=(64, 36))
    for media in (tmp_path / "exr", tmp_path / "jpg", movie):
        result = bench_decode(media, frames=6, as_json=True)
        assert result["frames"] == 6 and result["pipeline_fps_1"] > 0 and result["bare_fps_1"] > 0
        assert result["pipeline_vs_bare_all"] > 0
        # the CPU colour pipeline at full size and at the view's size, beside the bare decoder in the same run
        assert result["pipeline_cpu_colour_view2_fps_all"] > 0 and result["bare_beside_colour_fps_all"] > 0
        assert result["pipeline_cpu_colour_view2_vs_bare_all"] > 0
        assert result["pipeline_cpu_colour_viewer_fps_all"] > 0 and result["viewer_factor"] == 1.375
        # the same pipelines in CPU time a frame against the bare decoder's (what other load sways less)
        assert result["bare_cpu_ms_per_frame"] > 0 and result["pipeline_cpu_colour_viewer_cpu_ms_per_frame"] > 0
        assert result["pipeline_cpu_colour_cpu_vs_bare_cpu"] > 0
        # each pipeline against the bare decoder of its own round: the median round's pair and their ratio
        assert result["paired_rounds"] == 3
        for key in ("pipeline_decode_only", "pipeline_cpu_colour", "pipeline_cpu_colour_viewer"):
            ours, bare = result[f"{key}_paired_fps_all"], result[f"{key}_paired_bare_fps_all"]
            assert ours > 0 and bare > 0 and result[f"{key}_paired_vs_bare_all"] == round(ours / bare, 3)
        if media != movie:  # images: the scaling on 1 and all workers, threads and processes, same run
            assert result["pipeline_processes_fps_1"] > 0 and result["bare_processes_fps_1"] > 0
            assert result["faster_backend"] in ("threads", "processes")
            # the decode-only figure is the app's pipeline: image sequences play on the decode processes
            assert result["pipeline_app_fps_all"] == result[f"pipeline_processes_fps_{result['workers']}"]
        else:
            assert result["movie_seeks"] == 0  # read ahead in order: no seek after the first
    assert '"pipeline_fps_all"' in capsys.readouterr().out


def test_bench_scrub_sets_each_scrub_against_a_bare_decode(tmp_path: Path) -> None:
    # Short media: the read-ahead during the bench's pauses may reach some frames it meant to scrub to (they
    # are replaced by uncached ones while any are left, else counted as skipped), but never all of them.
    write_exr_sequence(tmp_path / "exr", 40, size=(64, 36))
    movie = write_movie(tmp_path / "m.mp4", 60, size=(64, 36), gop=12)
    for media in (tmp_path / "exr", movie):
        result = bench_scrub(media, seeks=4, as_json=True)
        assert result["seeks"] + result["skipped_cached"] == 4 and result["seeks"] >= 1 and result["scrub_ms_p95"] > 0 and result["bare_decode_ms_p50"] > 0
        assert result["scrub_vs_bare_p95"] > 0


def test_bench_scrub_rounds_measure_the_seeks_again_on_frames_picked_anew(tmp_path: Path) -> None:
    # 12 frames, 3 seeks of 2 passed over each: one round uses 9 of them, so a 95th percentile needs rounds.
    write_exr_sequence(tmp_path / "exr", 12, size=(64, 36))
    one = bench_scrub(tmp_path / "exr", seeks=3, as_json=True)
    three = bench_scrub(tmp_path / "exr", seeks=3, rounds=3, as_json=True)
    assert one["rounds"] == 1 and one["seeks"] + one["skipped_cached"] == 3
    assert three["rounds"] == 3 and three["seeks"] + three["skipped_cached"] == 9
    assert three["seeks"] >= 1
    assert 0 < three["scrub_vs_bare_p50"] <= three["scrub_vs_bare_p95"] <= three["scrub_vs_bare_max"]


def test_bench_scrub_never_measures_a_seek_back_to_the_frame_on_screen(tmp_path: Path) -> None:
    # 9 frames, 3 seeks of 2 passed over each: every round picks every frame, so without care one would now and
    # then start on the frame the round before left on screen, which needs no new picture (nothing to time).
    write_exr_sequence(tmp_path / "exr", 9, size=(64, 36))
    result = bench_scrub(tmp_path / "exr", seeks=3, rounds=8, as_json=True)
    assert result["rounds"] == 8 and result["seeks"] >= 8
    assert 0 < result["scrub_vs_bare_p50"] <= result["scrub_vs_bare_p95"]
