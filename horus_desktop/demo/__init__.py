"""The demo project: generated review media, ingested into a store with a few notes and drawings (no Qt)."""

from horus_desktop.demo.project import DemoReport, make_demo_project

__all__ = ["DemoReport", "make_demo_project"]
