"""From a :class:`~riskcore.model.catalog.Catalog` and a register to a problem, and
:func:`plan`, the catalog-level entry point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from riskcore.errors import PlanError
from riskcore.planner.compiled import Block, Blocks, RiskColumns
from riskcore.planner.problem import (
    Method,
    MitigationSpec,
    Objective,
    PlanningProblem,
    ResponseSpec,
    RiskEffect,
    RiskSpec,
    _armed,
)
from riskcore.planner.result import Solution
from riskcore.planner.solve import solve

if TYPE_CHECKING:  # pragma: no cover
    from riskcore.model.catalog import Catalog


def _tolerance_from_matrix(risk: Any, matrix: Any) -> float | None:
    """The largest expected harm at which *risk* is within its target level.

    With the inherent impact band fixed, the highest likelihood band whose cell
    is at or below the target level gives ``p_max``; the tolerance is
    ``p_max × impact``. Conservative when impact effects move the impact band.
    """
    target = getattr(risk, "target", None) or matrix.tolerance
    rank = matrix.rank(target)
    impact = float(risk.inherent.impact)
    j = matrix.impact_band(impact)
    p_max = 0.0
    for i, band in enumerate(matrix.likelihood_bands):
        if matrix.rank(matrix.grid[i][j]) <= rank:
            p_max = float(band.upper)
        else:
            break
    return min(p_max, 1.0) * impact


_Fields = tuple[str, float, float, float | None, bool, tuple[str, ...], str | None]
"""A risk's :class:`RiskSpec` fields, in their order."""


def _risk_fields(
    r: Any,
    matrix: Any,
    limits: dict[tuple[Any, float], float | None] | None = None,
    mean_of: Any = None,
) -> _Fields:
    """A register risk's :class:`RiskSpec` fields, in their order; *limits*
    remembers the matrix tolerance of each (target, impact), shared by many
    risks."""
    if mean_of is None:
        from riskcore.model.distributions import mean_of

    point = getattr(r, "inherent", None)
    if point is not None and hasattr(point, "likelihood"):
        likelihood, impact = float(point.likelihood), float(point.impact)
    else:
        likelihood, impact = float(mean_of(r.likelihood)), float(mean_of(r.impact))
    tol = getattr(r, "tolerance", None)
    if not isinstance(tol, (int, float)) or isinstance(tol, bool):
        if matrix is not None and point is not None:
            key = (getattr(r, "target", None), float(point.impact))
            if limits is None or key not in limits:
                tol = _tolerance_from_matrix(r, matrix)
                if limits is not None:
                    limits[key] = tol
            else:
                tol = limits[key]
        else:
            tol = None
    responses = tuple(
        getattr(r, "required_responses", None) or getattr(r, "responses", ()) or ()
    )
    critical = bool(getattr(r, "critical", False)) or bool(
        getattr(r, "response_required", False)
    )
    subject = getattr(r, "subject", None)
    return (
        str(r.id),
        likelihood,
        impact,
        None if tol is None else float(tol),
        critical,
        responses,
        None if subject is None else str(subject),
    )


def problem_from_catalog(
    catalog: Catalog,
    risks: Iterable[Any] | None = None,
    *,
    required: Iterable[str] = (),
    in_place: Iterable[str] = (),
    matrix: Any = None,
    armed: Iterable[Any] = (),
) -> PlanningProblem:
    """A :class:`PlanningProblem` from a catalog and (optionally) risks.

    Parameters
    ----------
    catalog : Catalog
        Mitigations (cost, hours, duration, requires, resources, effects) and
        responses.
    risks : iterable, optional
        The risks of a :class:`~riskcore.model.risk.RiskRegister` (their
        ``inherent`` likelihood and impact, ``subject``, ``critical`` or
        ``response_required``, ``required_responses``, ``target``), or any
        objects with ``id``, ``threat``, ``likelihood``, ``impact`` and
        optionally ``subject``, ``tolerance`` (on expected harm), ``critical``
        and ``responses``. Several risks may share a threat: each gets the
        threat's effects. Without *risks*, one risk per threat from its base
        likelihood and impact (means), for the practice (subject ``None``).
    required : iterable of str
        Mitigations every plan must contain.
    in_place : iterable of str
        Mitigations already in place: required, at no further cost or hours.
    matrix : RiskMatrix, optional
        Turns a register risk's ``target`` level into an expected-harm
        tolerance (see Notes).
    armed : iterable, optional
        ``(response, subject)`` pairs armed by triggers, or objects with
        ``.response`` and ``.subject`` (:class:`~riskcore.model.plan.ArmedResponse`).

    Returns
    -------
    PlanningProblem

    Notes
    -----
    The planner's tolerance is on expected harm ``p × I``. A target *level*
    becomes ``p_max × I``, where ``p_max`` is the upper edge of the highest
    likelihood band whose cell, in the risk's inherent impact band, is at or
    below the target. Responses act on the likelihood or the impact as their
    effects say, and only on risks of the subject they are required or armed
    for. The planner optimises and reports the register's strict figure
    (``residual``: one layer per common-cause group, ``docs/crediting.md``).

    Examples
    --------
    >>> from riskcore.model import Catalog, Mitigation, Threat, Effect, Severity
    >>> t = Threat(id="burnout", name="Burnout", category="wellbeing",
    ...            scope="professional", base_likelihood=0.4, impact=Severity(value=3))
    >>> m = Mitigation(id="supervision", name="Supervision", category="support", cost=100,
    ...                reduces=[Effect(threat="burnout", effectiveness=0.5)])
    >>> p = problem_from_catalog(Catalog(threats=[t], mitigations=[m]))
    >>> p.risks[0].likelihood, p.mitigations[0].effects[0].risk
    (0.4, 'burnout')
    """
    import attrs

    p, blocks = _catalog_parts(
        catalog,
        risks,
        required=required,
        in_place=in_place,
        matrix=matrix,
        armed=armed,
    )

    def expand(bs: list[Block]) -> list[RiskEffect]:
        # one effect of a threat on each of its risks
        return [
            RiskEffect(risk=rid, effectiveness=eff, on=on)
            for ids, eff, on in bs
            for rid in ids
        ]

    return attrs.evolve(
        p,
        risks=blocks.risks.specs() if blocks.risks is not None else p.risks,
        mitigations=[
            attrs.evolve(m, effects=expand(b))
            for m, b in zip(p.mitigations, blocks.mitigations, strict=True)
        ],
        responses=[
            attrs.evolve(r, effects=expand(b))
            for r, b in zip(p.responses, blocks.responses, strict=True)
        ],
    )


def _catalog_parts(
    catalog: Catalog,
    risks: Iterable[Any] | None,
    *,
    required: Iterable[str],
    in_place: Iterable[str],
    matrix: Any,
    armed: Iterable[Any],
) -> tuple[PlanningProblem, Blocks]:
    """:func:`problem_from_catalog`'s problem without effects, and its effects
    as :class:`~riskcore.planner.compiled.Blocks`: one per catalog effect,
    on every risk of its threat (what :func:`plan` compiles, without a
    :class:`RiskEffect` per risk)."""
    from riskcore.model.distributions import mean_of

    of_threat: dict[str, list[str]]
    specs: list[RiskSpec] = []
    cols: RiskColumns | None = None
    if risks is None:
        specs = [
            RiskSpec(
                id=t.id,
                likelihood=mean_of(t.base_likelihood),
                impact=mean_of(t.impact.value),
            )
            for t in catalog.threats
        ]
        of_threat = {t.id: [t.id] for t in catalog.threats}
    else:
        of_threat = {}
        limits: dict[tuple[Any, float], float | None] = {}
        rows: list[_Fields] = []
        for r in risks:
            f = _risk_fields(r, matrix, limits, mean_of)
            rows.append(f)
            of_threat.setdefault(str(r.threat), []).append(f[0])
        # the risks as columns: no RiskSpec per risk (problem_from_catalog
        # builds them from the same columns)
        columns: list[Any] = [list(c) for c in zip(*rows, strict=True)] or [
            [] for _ in range(7)
        ]
        cols = RiskColumns(*columns)

    none: list[str] = []

    def blocks(effs: Iterable[Any]) -> list[Block]:
        return [
            (of_threat.get(e.threat, none), mean_of(e.effectiveness), e.on.value)
            for e in effs
        ]

    done = set(in_place)
    p = PlanningProblem(
        risks=specs,
        mitigations=[
            MitigationSpec(
                id=m.id,
                cost=0.0 if m.id in done else m.cost,
                hours=0.0 if m.id in done else m.hours,
                duration_days=0.0 if m.id in done else m.duration_days,
                requires=m.requires,
                resources=m.resources,
            )
            for m in catalog.mitigations
        ],
        responses=[
            ResponseSpec(
                id=r.id,
                requires=r.requires,
                owner=r.owner,
                time_to_act_hours=r.time_to_act_hours,
            )
            for r in catalog.responses
        ],
        required=(*required, *sorted(done)),
        armed=armed,
    )
    return p, Blocks(
        [blocks(m.reduces) for m in catalog.mitigations],
        [blocks(r.recovers) for r in catalog.responses],
        cols,
    )


def plan(
    register: Any,
    catalog: Catalog | None = None,
    *,
    budget: float | None = None,
    hours: float | None = None,
    tolerance: bool | float | Mapping[str, float] | None = None,
    objective: Objective | None = None,
    method: Method = "auto",
    frontier: int = 0,
    gap: float = 1e-4,
    time_limit: float = 30.0,
    explain: int = 5,
    armed: Iterable[Any] = (),
) -> Solution:
    """Plan mitigations for a risk register (or a ready :class:`PlanningProblem`).

    Parameters
    ----------
    register : RiskRegister, iterable of risks, or PlanningProblem
        The risks to plan for; with a :class:`PlanningProblem`, *catalog* is
        not needed. Risks are read as in :func:`problem_from_catalog`; the
        register's ``mitigations`` are in place (free and kept) and its
        ``matrix`` turns each risk's target level into a tolerance, used
        with ``tolerance=True``.
    catalog : Catalog, optional
        Where mitigations and responses come from.
    budget, hours, tolerance, objective, method, frontier, gap, time_limit, explain
        As for :func:`solve`.
    armed : iterable, optional
        Responses armed by triggers, per subject: ``(response, subject)``
        pairs or objects with ``.response`` and ``.subject`` (such as
        :class:`~riskcore.model.plan.ArmedResponse`). Each acts only on its
        subject's risks, once what it requires is in the plan.

    Returns
    -------
    Solution

    Raises
    ------
    PlanError
        If a catalog is missing, an armed response is not in it or has no
        subject, or as for :func:`solve`.

    See Also
    --------
    solve, problem_from_catalog, riskcore.graph.build_graph
    """
    blocks = None
    if isinstance(register, PlanningProblem):
        problem = register
        extra = _armed(armed)
        if extra:
            import attrs

            problem = attrs.evolve(problem, armed=(*problem.armed, *extra))
    else:
        if catalog is None:
            raise PlanError("plan() needs a catalog unless given a PlanningProblem")
        from riskcore.io import collector_paused

        risks = getattr(register, "risks", register)
        with collector_paused():  # one spec per risk: see solve
            problem, blocks = _catalog_parts(
                catalog,
                risks,
                required=(),
                in_place=getattr(register, "mitigations", ()) or (),
                matrix=getattr(register, "matrix", None),
                armed=armed,
            )
    return solve(
        problem,
        budget=budget,
        hours=hours,
        tolerance=tolerance,
        objective=objective,
        method=method,
        frontier=frontier,
        gap=gap,
        time_limit=time_limit,
        explain=explain,
        _blocks=blocks,
    )
