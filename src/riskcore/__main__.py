"""``python -m riskcore`` runs the ``riskcore`` command."""

from riskcore.cli import console

console()
