"""``horus bench export`` on a small playlist: the run exports what it says it measures."""

from __future__ import annotations

from horus_desktop.ui.reports.bench import bench_export


def test_the_export_bench_counts_every_note_and_frame_it_times(qapp) -> None:  # noqa: ANN001
    figures = bench_export(2, size=(320, 180), image_width=160)
    assert figures["notes"] == 8 and figures["frames"] == figures["annotated_frames"] == 4
    assert figures["pdf_mb"] > 0 and figures["html_mb"] > 0
    assert all(figures[k] > 0 for k in ("baseline_decode_render_s", "pdf_s", "html_s"))
