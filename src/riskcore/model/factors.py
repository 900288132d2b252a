"""Risk factors: how an assessor moves a threat's likelihood for one subject.

.. versionadded:: 0.1
"""

from __future__ import annotations

from attrs import field, frozen

from riskcore.model._fields import bounded, ident, text
from riskcore.model.catalog import Source

__all__ = ["RiskFactor"]


@frozen(kw_only=True)
class RiskFactor:
    """An odds ratio on one threat for one subject, with its reason.

    Factors combine on the odds scale: ``odds = base_odds * prod(odds_ratio)``.
    An odds ratio below 1 is protective; riskcore ignores protective factors
    from an incomplete assessment (fail closed).

    >>> RiskFactor(threat="burnout", subject="t-1", odds_ratio=2.0,
    ...            reason="ProQOL burnout band high")
    RiskFactor(threat='burnout', subject='t-1', odds_ratio=2.0, reason='ProQOL burnout band high', source=None, score=None, plugin=None)
    """

    threat: str = ident()
    subject: str = ident()
    odds_ratio: float = bounded(1e-6, 1e6)
    reason: str = text(max_length=500)
    source: Source | None = field(default=None)
    score: str | None = field(default=None)
    """The ``instrument.scale`` of the score behind the factor."""
    plugin: str | None = field(default=None)
