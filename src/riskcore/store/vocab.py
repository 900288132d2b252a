"""The register's vocabulary (no SQLAlchemy: the CLI's parser imports it).

.. versionadded:: 0.1
"""

from __future__ import annotations

__all__ = ["DECISIONS", "REVIEW_OUTCOMES"]

DECISIONS = ("mitigate", "accept", "transfer", "avoid")
"""Risk treatment decisions (ISO 31000:2018, 6.5.2 treatment options)."""

REVIEW_OUTCOMES = ("unchanged", "changed", "escalated", "closed", "discharged")
"""Outcomes of a review; ``discharged`` closes a legal duty."""
