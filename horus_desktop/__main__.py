"""``python -m horus_desktop`` runs the ``horus`` command."""

import sys

from horus_desktop.cli import main

sys.exit(main())
