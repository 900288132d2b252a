"""riskcore-lone-working: a field-visit (lone-working) safety assessor.

An example third-party riskcore plugin: a checklist of the lone-working
controls of HSE INDG73 and NASW standard 6, scored by riskcore's instrument
engine, with factors on ``lone-working-incident`` and ``staff-physical-harm``.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
