"""riskcore-wellbeing: professional quality of life, burnout, stress and wellbeing.

ProQOL 5, the Copenhagen Burnout Inventory, the PSS-10 and the WHO-5, declared as
instrument specs and scored by riskcore's engine.

.. versionadded:: 0.1
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
