"""``python -m riskcore`` runs the ``riskcore`` command."""

import sys

from riskcore.cli import main

sys.exit(main())
