"""Imported by the decode pool's fork server (media/decode_pool.py's preload list), never by the app: numba
and the colour kernel's half/16-bit version are loaded there once, so every decode process forked from it
has them from its start instead of paying ~0.25 s CPU (numba's import ~0.12 s, the kernel from numba's cache
~0.13 s) on its first coloured frame, in up to 6 workers at a cold start on a 2-core machine. The compiled
code is inherited by the fork (nothing of numba runs threads). Spawned workers (the frozen app, systems
without a fork server) load them with their first coloured frame, as before."""

try:
    from horus_desktop.media.lut_kernel import preload

    preload()
except Exception:  # noqa: BLE001, S110 (the fork server lets only ImportError pass: anything else would stop
    pass  # every decode process from starting; the workers then load the kernel with their first frame)
