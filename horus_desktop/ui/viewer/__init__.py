"""The frame viewer: GL/CPU view, transport, colour controls and compare."""
