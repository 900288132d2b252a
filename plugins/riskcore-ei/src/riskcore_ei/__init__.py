"""riskcore-ei: emotional intelligence of professionals (WLEIS).

Scores the Wong & Law Emotional Intelligence Scale and maps its four subscales
onto the four emotional-intelligence domains as **riskcore's inference**; the
domain it does not measure (relationship management) is reported as not
measured, never guessed.

.. versionadded:: 0.1
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
