"""The demo project: generated review media, ingested into a store with a few notes and drawings (no Qt).

``demo.project`` makes it (its media generators load PyAV, Pillow and OpenEXR); ``demo.job`` is the window's job,
light to import."""
