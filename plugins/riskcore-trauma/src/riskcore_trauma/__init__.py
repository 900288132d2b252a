"""riskcore-trauma: PTSD symptoms (PCL-5) and adverse childhood experiences (ACE).

.. versionadded:: 0.1
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
