"""Plans: chosen mitigations in phases, armed responses, and their provenance.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import ClassVar

from attrs import field, frozen

from riskcore.model._fields import ident, nonneg, text, to_tuple

__all__ = ["ArmedResponse", "Plan", "PlanItem"]


@frozen(kw_only=True)
class PlanItem:
    """One mitigation in a plan, with when and why."""

    mitigation: str = ident()
    phase: int = field(default=0)
    start_day: float = nonneg(default=0.0)
    cost: float = nonneg(default=0.0)
    hours: float = nonneg(default=0.0)
    reason: str = text(max_length=1000, default="")


@frozen(kw_only=True)
class ArmedResponse:
    """A response bound to the subject whose data armed it."""

    response: str = ident()
    subject: str | None = field(default=None)
    owner: str = field(default="clinician")
    time_to_act_hours: float = nonneg(default=24.0)
    reason: str = text(max_length=1000, default="")


@frozen(kw_only=True)
class Plan:
    """The output of planning for one case."""

    SCHEMA_VERSION: ClassVar[int] = 1
    schema_version: int = field(default=1)
    case_id: str = ident()
    items: tuple[PlanItem, ...] = field(factory=tuple, converter=to_tuple)
    responses: tuple[ArmedResponse, ...] = field(factory=tuple, converter=to_tuple)
    total_cost: float = nonneg(default=0.0)
    total_hours: float = nonneg(default=0.0)
    method_version: str = field(default="")
    seed: int | None = field(default=None)
    notes: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    expected_inherent: float | None = field(default=None)
    """Expected harm before the plan (Σ likelihood × impact), if computed."""
    expected_residual: float | None = field(default=None)
    """Expected harm with the plan in place, if computed."""
    optimality_gap: float | None = field(default=None)
    """Relative gap to the best known bound of the planner's objective."""
