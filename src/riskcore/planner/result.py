"""What planning returns: :class:`Solution` and the records it carries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs
from attrs import field, frozen

from riskcore.errors import PlanError
from riskcore.model.plan import ArmedResponse, Plan, PlanItem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes


@frozen(kw_only=True)
class Reason:
    """Why a mitigation is in a plan, or why it is not.

    ``kind`` is ``"forced"`` (a critical risk's response or the request needs
    it), ``"required"`` (another chosen mitigation requires it),
    ``"marginal"`` (chosen for its own reduction) or ``"rejected"``.
    ``reduction`` is the expected harm it removes (for a rejected one: with its
    missing prerequisites, added to the plan), ``cost`` the cost that takes
    and ``ratio`` their quotient.
    """

    mitigation: str = field()
    kind: str = field()
    text: str = field()
    reduction: float = field(default=0.0)
    cost: float = field(default=0.0)
    ratio: float = field(default=0.0)
    required_by: tuple[str, ...] = field(default=())
    hours: float = field(default=0.0)


@frozen(kw_only=True)
class Infeasibility:
    """A risk whose tolerance cannot be reached, and why."""

    risk: str = field()
    tolerance: float = field()
    best_residual: float = field()
    reason: str = field()
    needed_budget: float | None = field(default=None)
    """The least cost that would meet what this risk requires, when the budget
    was the limit (``None`` when money was not what stood in the way)."""


@frozen(kw_only=True)
class FrontierPoint:
    """One point of the cost–residual Pareto frontier.

    ``gap`` bounds the point's distance from the optimum at its ``budget``;
    ``None`` for points of the greedy path, which carry no bound.
    """

    cost: float = field()
    hours: float = field()
    residual: float = field()
    selected: tuple[str, ...] = field()
    budget: float | None = field(default=None)
    gap: float | None = field(default=None)


@frozen(kw_only=True)
class Solution:
    """The outcome of planning.

    ``status`` is ``"optimal"`` (proved within ``gap``), ``"feasible"`` (a
    heuristic plan; ``gap`` bounds how far from optimal) or ``"infeasible"``
    (nothing selected; ``infeasible`` names the risks and why). ``bound`` is
    the best known lower bound on the objective (residual harm in budget mode,
    cost in tolerance mode). ``selected`` is in dependency order.
    ``residual`` and ``residual_by_risk`` are the strict figure the register
    reports (:func:`riskcore.calculus.credit`, ``docs/crediting.md``).
    ``responses`` maps a response id to the risks it is required for or acts
    on; ``armed`` has one :class:`~riskcore.model.plan.ArmedResponse` per
    (response, subject) required by a critical risk or armed by a trigger.
    """

    status: Literal["optimal", "feasible", "infeasible"] = field()
    mode: Literal["budget", "tolerance"] = field()
    method: str = field()
    selected: tuple[str, ...] = field(default=())
    cost: float = field(default=0.0)
    hours: float = field(default=0.0)
    inherent: float = field(default=0.0)
    residual: float = field(default=0.0)
    bound: float = field(default=0.0)
    gap: float = field(default=0.0)
    residual_by_risk: Mapping[str, float] = field(factory=dict)
    responses: Mapping[str, tuple[str, ...]] = field(factory=dict)
    armed: tuple[ArmedResponse, ...] = field(default=())
    reasons: tuple[Reason, ...] = field(default=())
    rejected: tuple[Reason, ...] = field(default=())
    infeasible: tuple[Infeasibility, ...] = field(default=())
    frontier: tuple[FrontierPoint, ...] = field(default=())
    phases: tuple[tuple[str, ...], ...] = field(default=())
    start_day: Mapping[str, float] = field(factory=dict)
    budget: float | None = field(default=None)
    hours_budget: float | None = field(default=None)
    seconds: float = field(default=0.0)
    """Wall-clock seconds :func:`~riskcore.planner.solve` took: the only
    field that differs between runs on the same input. It stays in memory
    for the caller and is never serialised: ``riskcore.dumps`` of a result,
    :meth:`to_plan` and every report leave it out."""
    time_limited: tuple[str, ...] = field(default=())
    """Where the wall-clock safety net stopped a search (empty: the result
    depends only on the input, not on machine speed)."""

    def __riskcore_document__(self) -> dict[str, Any]:
        """What ``riskcore.dumps`` writes: every field but :attr:`seconds`."""
        return {
            a.name: getattr(self, a.name)
            for a in attrs.fields(type(self))
            if a.name != "seconds"
        }

    @property
    def feasible(self) -> bool:
        """False if the request could not be met."""
        return self.status != "infeasible"

    def raise_if_infeasible(self) -> Solution:
        """Return self, or raise :class:`PlanError` naming the unreachable risks."""
        if self.feasible:
            return self
        names = "; ".join(f"{i.risk}: {i.reason}" for i in self.infeasible)
        raise PlanError(f"no plan meets the request: {names}")

    def to_plan(self, case_id: str, *, seed: int | None = None) -> Plan:
        """The :class:`~riskcore.model.plan.Plan` of this result.

        Raises
        ------
        PlanError
            If the result is infeasible: a partial plan is never returned.
        """
        self.raise_if_infeasible()
        why = {r.mitigation: r.text for r in self.reasons}
        phase_of = {m: k for k, ph in enumerate(self.phases) for m in ph}
        costs = {r.mitigation: r for r in self.reasons}
        items = tuple(
            PlanItem(
                mitigation=m,
                phase=phase_of.get(m, 0),
                start_day=self.start_day.get(m, 0.0),
                cost=costs[m].cost if m in costs else 0.0,
                hours=costs[m].hours if m in costs else 0.0,
                reason=why.get(m, "")[:1000],
            )
            for m in self.selected
        )
        responses = self.armed or tuple(
            ArmedResponse(
                response=rid,
                reason=f"required for critical risk(s) {', '.join(risks)}"[:1000],
            )
            for rid, risks in sorted(self.responses.items())
        )
        notes = (
            f"{self.mode} mode, {self.method}: status {self.status}, gap {self.gap:.2%}",
            f"expected harm {self.inherent:.4g} -> {self.residual:.4g}",
            *(
                f"time limit reached in the {w}: the plan may depend on machine speed"
                for w in self.time_limited
            ),
        )
        fields: dict[str, Any] = {
            "case_id": case_id,
            "items": items,
            "responses": responses,
            "total_cost": self.cost,
            "total_hours": self.hours,
            "method_version": f"riskcore.planner/{self.method}",
            "seed": seed,
            "notes": notes,
            "expected_inherent": self.inherent,
            "expected_residual": self.residual,
            "optimality_gap": self.gap,
        }
        return Plan(**fields)

    # -- notebook views (riskcore.display, riskcore.frames, riskcore.plot) --

    def __repr__(self) -> str:
        from riskcore.display import plan_result_text

        return plan_result_text(self)

    def _repr_html_(self) -> str | None:
        from riskcore.display import plan_result_html

        return plan_result_html(self)

    def to_pandas(self) -> pd.DataFrame:
        """One row per item; columns and dtypes in :data:`riskcore.frames.PLAN_COLUMNS`.

        Needs pandas (``pip install "riskcore[pandas]"``).

        .. versionadded:: 0.1
        """
        from riskcore.frames import plan_frame

        return plan_frame(self)

    def plot_frontier(self, *, ax: Axes | None = None) -> Axes:
        """The cost–residual Pareto frontier (:func:`riskcore.plot.frontier`); returns the Axes.

        Needs matplotlib (``pip install "riskcore[plot]"``).

        .. versionadded:: 0.1
        """
        from riskcore.plot import frontier

        return frontier(self, ax=ax)
