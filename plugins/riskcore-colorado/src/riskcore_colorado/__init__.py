"""riskcore jurisdiction plugin for Colorado (``US-CO``).

Encodes the duty to warn and protect of C.R.S. § 13-21-117 (see
:mod:`riskcore_colorado.rules`); registered through the ``riskcore`` entry
point ``colorado`` (:mod:`riskcore_colorado.hooks`).

This is decision support, not legal advice.
"""

from riskcore_colorado.rules import (
    CITATION,
    DUTY_TO_WARN_ID,
    EFFECTIVE,
    ELEMENTS,
    JURISDICTION,
    duty_to_warn,
)

__version__ = "0.1.0"

__all__ = [
    "CITATION",
    "DUTY_TO_WARN_ID",
    "EFFECTIVE",
    "ELEMENTS",
    "JURISDICTION",
    "__version__",
    "duty_to_warn",
]
