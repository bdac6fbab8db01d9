"""Offline-first sync with the studio PostgreSQL server (Qt-free)."""
