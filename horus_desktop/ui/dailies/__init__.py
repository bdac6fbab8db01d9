"""Dailies tools over a playlist: note jumps across clips, the "notes only" play mode, the dailies notes dock."""
