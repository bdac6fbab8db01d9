"""Horus desktop."""
