"""The main job: from a case file to a plan a practice can act on.

:func:`build_plan` chains the public steps, in the one direction data flows::

    case -> assess -> identify (inherent) -> plan -> identify (residual)
         -> arm responses -> legal obligations -> simulate -> PlanReport

and returns everything in one frozen :class:`PlanReport`, which
:mod:`riskcore.report` renders (HTML, Markdown, JSON) and notebooks explore.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
from attrs import field, frozen

from riskcore._plugin_views import views_released
from riskcore.assess import assess
from riskcore.catalog import default_catalog
from riskcore.identify import apply_controls, identify
from riskcore.io import collector_paused
from riskcore.model import (
    ArmedResponse,
    Assessment,
    AssessorFailure,
    Case,
    Catalog,
    Plan,
    ReportSection,
)
from riskcore.model._fields import to_tuple
from riskcore.model.obligations import Obligations
from riskcore.model.risk import RiskRegister
from riskcore.obligations import evaluate_obligations
from riskcore.plugins import PluginManager, PluginRecord, get_plugin_manager
from riskcore.responses import arm, most_urgent_first, required_responses

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from riskcore.events import EventResult
    from riskcore.planner import Solution
    from riskcore.report.data import ReportData
    from riskcore.simulate import SimulationResult

__all__ = ["PlanReport", "build_plan"]


@frozen(kw_only=True)
class PlanReport:
    """Everything the main job produced for one case, with its provenance.

    Attributes
    ----------
    case, assessment, catalog:
        The inputs and what the assessors made of them.
    inherent:
        The risk register before any mitigation is credited.
    register:
        The same risks with the planned mitigations and armed responses
        credited (residual risk).
    result:
        The planner's result: status, chosen mitigations, phases, reasons,
        rejected options, Pareto frontier.
    plan:
        The serialisable :class:`~riskcore.model.Plan`.
    armed:
        Responses whose triggers fired, most urgent first.
    obligations:
        Legal duties found by jurisdiction plugins.
    simulation:
        Monte Carlo summary of residual expected harm (``None`` if skipped).
    events:
        Realised harm over the horizon (:func:`riskcore.events.simulate_events`,
        ``None`` if skipped).
    plugins:
        Every plugin seen, with status and version.
    generated:
        The date the report was made.
    sections:
        Sections plugins added (:func:`~riskcore.hookspecs.riskcore_report_sections`),
        in plugin-name order.
    section_failures:
        Plugins whose sections are missing: they raised or returned something
        invalid. The report says so.
    """

    case: Case
    assessment: Assessment
    catalog: Catalog
    inherent: RiskRegister
    register: RiskRegister
    result: Solution
    plan: Plan
    armed: tuple[ArmedResponse, ...] = field(converter=to_tuple)
    obligations: Obligations
    simulation: SimulationResult | None
    plugins: tuple[PluginRecord, ...] = field(converter=to_tuple)
    generated: dt.date
    budget: float | None = None
    seed: int = 0
    events: EventResult | None = None
    sections: tuple[ReportSection, ...] = field(factory=tuple, converter=to_tuple)
    section_failures: tuple[AssessorFailure, ...] = field(
        factory=tuple, converter=to_tuple
    )

    @property
    def complete(self) -> bool:
        """False if any part of the chain is incomplete (fail closed)."""
        return (
            self.assessment.complete
            and self.register.complete
            and self.obligations.complete
        )

    def __riskcore_document__(self) -> ReportData:
        """What :func:`riskcore.dumps` writes for a report: the JSON report
        (data only, pseudonymous; :func:`riskcore.load_report` reads it back)."""
        from riskcore.report.data import report_data

        return report_data(self)

    # -- notebook views (riskcore.display, riskcore.frames, riskcore.plot) --

    def __repr__(self) -> str:
        from riskcore.display import plan_report_text

        return plan_report_text(self)

    def _repr_html_(self) -> str | None:
        from riskcore.display import plan_report_html

        return plan_report_html(self)

    def plot_heatmap(self, *, ax: Axes | None = None) -> Axes:
        """The risk matrix with inherent → residual arrows (:func:`riskcore.plot.heatmap`); returns the Axes.

        Needs matplotlib (``pip install "riskcore[plot]"``).

        .. versionadded:: 0.1
        """
        from riskcore.plot import heatmap

        return heatmap(self, ax=ax)


def build_plan(
    case: Case,
    *,
    budget: float | None = None,
    hours: float | None = None,
    seed: int = 0,
    n: int = 20_000,
    strict: bool = False,
    pm: PluginManager | None = None,
    catalog: Catalog | None = None,
    frontier: int = 8,
    progress: Callable[[str], None] | None = None,
    today: dt.date | None = None,
) -> PlanReport:
    """Assess *case*, identify its risks, plan mitigations and arm responses.

    Parameters
    ----------
    case:
        The case to plan for.
    budget:
        Money available for mitigations over the horizon. Default: the case's
        ``budget``; with neither, the plan brings every risk to tolerance at
        minimum cost (or says which risks cannot be brought there).
    hours:
        Staff hours available (optional second budget).
    seed:
        Seed of the Monte Carlo run, recorded in the report.
    n:
        Monte Carlo trials; ``0`` skips the simulation.
    strict:
        Raise on any plugin or assessor failure instead of recording it.
    pm:
        Plugin manager; default :func:`riskcore.plugins.get_plugin_manager`.
    catalog:
        Catalog; default :func:`riskcore.default_catalog`.
    frontier:
        Number of points of the cost–residual Pareto frontier to compute.
    progress:
        Called with a short message before each step (the CLI shows it).
    today:
        The report date (default: today).

    Returns
    -------
    PlanReport

    Examples
    --------
    >>> import riskcore
    >>> case = riskcore.load_case("examples/longmont-practice.yaml")  # doctest: +SKIP
    >>> report = build_plan(case, seed=1)  # doctest: +SKIP
    >>> report.plan.total_cost <= case.budget  # doctest: +SKIP
    True
    """
    with collector_paused(), views_released(case):  # see _chain
        return _chain(
            case,
            budget=budget,
            hours=hours,
            seed=seed,
            n=n,
            strict=strict,
            pm=pm or get_plugin_manager(),
            catalog=catalog,
            frontier=frontier,
            say=progress or (lambda _msg: None),
            today=today,
        )


def _chain(
    case: Case,
    *,
    budget: float | None,
    hours: float | None,
    seed: int,
    n: int,
    strict: bool,
    pm: PluginManager,
    catalog: Catalog | None,
    frontier: int,
    say: Callable[[str], None],
    today: dt.date | None,
) -> PlanReport:
    """The steps of :func:`build_plan`, in order.

    They run with the cyclic collector paused (:func:`riskcore.io.collector_paused`,
    the one rule for bulk work): a large practice makes millions of acyclic
    objects, and a collection between the steps walked all of them (1.4 s at
    10,000 clients, right after identify). The read-only view of the case
    that plugins saw is released at the end (:func:`~riskcore._plugin_views.views_released`):
    the report does not need it. Each step's working data (the levels that
    arm responses) is dropped as soon as the step is done.
    """
    from riskcore.planner import plan as make_plan

    say("assessing")
    assessment = assess(case, pm=pm, strict=strict)
    say("building the catalog")
    catalog = catalog or default_catalog(pm)
    say("identifying risks")
    inherent = identify(assessment, catalog, case, pm=pm, strict=strict)
    say("arming responses")
    levels = {(r.threat, r.subject): r.level for r in inherent.risks}
    order = [lv.name for lv in inherent.matrix.levels]
    triggered = arm(catalog, assessment, case, levels=levels, order=order)
    del levels  # a key and an entry per risk, not needed past arming
    armed = most_urgent_first(
        (*triggered, *required_responses(inherent, catalog, triggered)), catalog
    )
    del triggered
    money = budget if budget is not None else case.budget
    say("planning mitigations")
    kwargs: dict[str, Any] = {"frontier": frontier, "armed": armed}
    if money is None and hours is None:
        kwargs["tolerance"] = True
    else:
        kwargs.update(budget=money, hours=hours)
    result = make_plan(inherent, catalog, **kwargs)
    register = apply_controls(
        inherent, catalog, mitigations=result.selected, responses=armed
    )
    say("checking legal duties")
    obligations = evaluate_obligations(
        case, assessment, pm, strict=strict, catalog=catalog
    )

    if result.feasible:
        plan_obj = attrs.evolve(
            result.to_plan(case.id, seed=seed), responses=tuple(armed)
        )
    else:  # never a silently partial plan: say what cannot be met
        plan_obj = Plan(
            case_id=case.id,
            method_version=f"riskcore.planner/{result.method}",
            seed=seed,
            notes=tuple(f"infeasible: {i.risk}: {i.reason}" for i in result.infeasible),
        )
    simulation = events = None
    if n > 0:
        from riskcore.simulate import simulate

        say(f"simulating {n:,} trials")
        simulation = simulate(register, n=n, seed=seed)
        events = _realised(register, n, seed)
    report = PlanReport(
        case=case,
        assessment=assessment,
        catalog=catalog,
        inherent=inherent,
        register=register,
        result=result,
        plan=plan_obj,
        armed=armed,
        obligations=obligations,
        simulation=simulation,
        plugins=pm.records(),
        generated=today or dt.datetime.now(dt.UTC).date(),
        budget=money,
        seed=seed,
        events=events,
    )
    say("adding plugins' report sections")
    sections, failures = report_sections(report, pm, strict=strict)
    return attrs.evolve(report, sections=sections, section_failures=failures)


SECTIONS_HOOK = "riskcore_report_sections"


def report_sections(
    report: PlanReport, pm: PluginManager, *, strict: bool = False
) -> tuple[list[ReportSection], list[AssessorFailure]]:
    """The sections every plugin of *pm* adds to *report*, and the failures.

    Each plugin is called separately, in plugin-name order; its result is
    checked by :func:`riskcore.hookresults.check_sections` (the one check,
    which the conformance kit shares). A plugin that raises or returns
    something invalid adds no section and is recorded as a failure (with
    *strict*, :class:`~riskcore.errors.PluginError` is raised).
    """
    from riskcore.errors import PluginError
    from riskcore.hookresults import ResultProblem, check_sections

    sections: list[ReportSection] = []
    failures: list[AssessorFailure] = []
    for o in pm.call_each(SECTIONS_HOOK, report=report):
        why: BaseException | str
        if o.error is not None:  # its message may quote the case: redacted
            why = o.error
        else:
            got = check_sections(o.result, taken=[s.key for s in sections])
            if not isinstance(got, ResultProblem):
                sections += got
                continue
            why = f"riskcore_report_sections {got.text}"
        failure = pm.failure(o.plugin, SECTIONS_HOOK, why)
        if strict:
            raise PluginError(failure.summary()) from o.error
        failures.append(failure)
    return sections, failures


def _realised(register: RiskRegister, n: int, seed: int | None) -> EventResult | None:
    """Realised harm of the planned register, on about *n* trials (100 parameter sets)."""
    from riskcore.events import simulate_events

    outer = min(100, n // 2)
    if outer < 1:
        return None
    return simulate_events(register, n=(n // outer) * outer, outer=outer, seed=seed)
