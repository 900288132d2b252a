"""Plans: chosen mitigations in phases, armed responses, and their provenance.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import ident, nonneg, text, to_tuple

__all__ = ["ArmedResponse", "Plan", "PlanItem", "armed_pairs"]


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


def armed_pairs(
    items: Iterable[object], *, field: str = "responses"
) -> tuple[tuple[str, str | None], ...]:
    """``(response, subject)`` pairs, in order and without repeats: the one reading
    of "which response is armed for whom" that the register and the planner share.

    An item is an :class:`ArmedResponse`, any object with ``.response`` and
    ``.subject``, or a ``(response, subject)`` pair. A bare response id is
    refused: a response is credited only to the subject it was armed for.

    Examples
    --------
    >>> armed_pairs([("safety-plan", "c-01"), ArmedResponse(response="safety-plan",
    ...              subject="c-01"), ("debrief", None)])
    (('safety-plan', 'c-01'), ('debrief', None))
    >>> armed_pairs(["safety-plan"])
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: responses[0]: 'safety-plan' has no subject: give an ArmedResponse or a (response, subject) pair; a response is credited only to the subject it was armed for
    """
    out: dict[tuple[str, str | None], None] = {}
    for i, item in enumerate(items):
        if hasattr(item, "response") and hasattr(item, "subject"):
            pair: object = (item.response, item.subject)
        else:
            pair = item
        if (
            isinstance(pair, tuple)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and (pair[1] is None or isinstance(pair[1], str))
        ):
            out[(pair[0], pair[1])] = None
            continue
        raise FieldError(
            f"{field}[{i}]",
            item if isinstance(item, str) else type(item).__name__,
            "has no subject: give an ArmedResponse or a (response, subject) pair; "
            "a response is credited only to the subject it was armed for",
        )
    return tuple(out)
