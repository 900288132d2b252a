"""What a planning problem is: risks, mitigations, responses and their effects."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from attrs import field, frozen

from riskcore.errors import FieldError, PlanError
from riskcore.model.plan import armed_pairs

Objective = Literal["harm", "cost"]


def _strs(v: Iterable[str]) -> tuple[str, ...]:
    return tuple(v)


def _effs(v: Iterable[RiskEffect]) -> tuple[RiskEffect, ...]:
    return tuple(v)


def _risks(v: Iterable[RiskSpec]) -> tuple[RiskSpec, ...]:
    return tuple(v)


def _mits(v: Iterable[MitigationSpec]) -> tuple[MitigationSpec, ...]:
    return tuple(v)


def _resps(v: Iterable[ResponseSpec]) -> tuple[ResponseSpec, ...]:
    return tuple(v)


def _armed(v: Iterable[Any]) -> tuple[tuple[str, str | None], ...]:
    """:func:`riskcore.model.plan.armed_pairs`, failing with a :class:`PlanError`.

    >>> _armed([("safety-plan", "c-01"), ("safety-plan", "c-01"), ("debrief", None)])
    (('safety-plan', 'c-01'), ('debrief', None))
    """
    try:
        return armed_pairs(v, field="armed")
    except FieldError as exc:
        raise PlanError(str(exc)) from None


Method = Literal["auto", "exact", "heuristic"]


@frozen(kw_only=True)
class RiskEffect:
    """A fraction removed from one risk's likelihood or impact."""

    risk: str = field()
    effectiveness: float = field()
    on: Literal["likelihood", "impact"] = field(default="likelihood")


@frozen(kw_only=True)
class RiskSpec:
    """One risk to plan for, as point values.

    ``tolerance`` bounds the residual expected harm (likelihood × impact);
    ``responses`` are the responses a *critical* risk must get; ``subject``
    is whose risk it is (``None``: the practice's). A response acts only on
    risks of the subject it is required or armed for.
    """

    id: str = field()
    likelihood: float = field()
    impact: float = field()
    tolerance: float | None = field(default=None)
    critical: bool = field(default=False)
    responses: tuple[str, ...] = field(default=(), converter=_strs)
    subject: str | None = field(default=None)


@frozen(kw_only=True)
class MitigationSpec:
    """One candidate mitigation, with what it costs, requires and reduces.

    ``resources`` names shared things it relies on (a supervisor, an alarm
    service): layers that share one, or a required mitigation, form a
    common-cause group (:func:`riskcore.calculus.credit`).
    """

    id: str = field()
    cost: float = field(default=0.0)
    hours: float = field(default=0.0)
    duration_days: float = field(default=0.0)
    requires: tuple[str, ...] = field(default=(), converter=_strs)
    effects: tuple[RiskEffect, ...] = field(default=(), converter=_effs)
    resources: tuple[str, ...] = field(default=(), converter=_strs)


@frozen(kw_only=True)
class ResponseSpec:
    """A response: what it requires and how it reduces risks once armed.

    Its effects act on the likelihood or the impact (``RiskEffect.on``) of the
    risks of the subject it is required or armed for, once what it requires
    is in the plan.
    """

    id: str = field()
    requires: tuple[str, ...] = field(default=(), converter=_strs)
    effects: tuple[RiskEffect, ...] = field(default=(), converter=_effs)
    owner: str = field(default="clinician")
    time_to_act_hours: float = field(default=24.0)


@frozen(kw_only=True)
class PlanningProblem:
    """Everything the optimiser needs, as plain numbers.

    Independent of the catalog classes: build it with
    :func:`problem_from_catalog` (or by hand), then :func:`solve` it.
    ``required`` lists mitigations that must be in every plan; ``armed`` the
    ``(response, subject)`` pairs that triggers armed (pairs, or objects with
    ``.response`` and ``.subject`` such as
    :class:`~riskcore.model.plan.ArmedResponse`). Residuals are the strict
    figure of :func:`riskcore.calculus.credit` (``docs/crediting.md``).

    Examples
    --------
    >>> p = PlanningProblem(
    ...     risks=[RiskSpec(id="burnout", likelihood=0.4, impact=3.0)],
    ...     mitigations=[
    ...         MitigationSpec(id="supervision", cost=100.0,
    ...                        effects=[RiskEffect(risk="burnout", effectiveness=0.5)]),
    ...     ],
    ... )
    >>> round(p.residual(["supervision"]), 6)
    0.6
    """

    risks: tuple[RiskSpec, ...] = field(converter=_risks)
    mitigations: tuple[MitigationSpec, ...] = field(converter=_mits)
    responses: tuple[ResponseSpec, ...] = field(default=(), converter=_resps)
    required: tuple[str, ...] = field(default=(), converter=_strs)
    armed: tuple[tuple[str, str | None], ...] = field(default=(), converter=_armed)

    def residual(self, selected: Iterable[str]) -> float:
        """Strict expected residual harm with *selected* (and its closure) in place."""
        return sum(self.residual_by_risk(selected).values())

    def residual_by_risk(self, selected: Iterable[str]) -> dict[str, float]:
        """Strict residual expected harm of each risk with *selected* in place.

        Each figure is :func:`riskcore.calculus.credit`'s, with the layers in
        force: the closure of *selected*, what is forced, and the responses
        required or armed for the risk's subject whose requirements are met.
        """
        from riskcore.planner.compiled import _compile

        c = _compile(self)
        idx = c.closure_of([c.index[m] for m in selected]) | c.forced
        return dict(zip(c.risk_ids, c.harm_by_risk(idx), strict=True))

    def closure(self, selected: Iterable[str]) -> tuple[str, ...]:
        """*selected* with everything they require, in dependency order."""
        from riskcore.planner.compiled import _compile

        c = _compile(self)
        idx = c.closure_of([c.index[m] for m in selected])
        return tuple(c.ids[i] for i in c.order if i in idx)
