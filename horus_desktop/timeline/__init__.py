"""Playlists and timelines on OpenTimelineIO: build, parse, import/export, edit, play (no Qt).

The OTIO document in ``horus_timelines.otio_data`` is the truth; ``horus_timeline_clips`` rows are its
flattened clips, rewritten with it in one transaction by :func:`horus_desktop.timeline.playlists.save_document`.
"""
