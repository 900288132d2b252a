"""Views of the main job's :class:`~riskcore.workflow.PlanReport`: armed
responses first, then the register, plan and simulation views folded.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskcore.display.options import _OPTIONS, _html_enabled, set_options
from riskcore.display.plan import _plan_summary, plan_result_html
from riskcore.display.register import _register_summary, _risk_order, register_html
from riskcore.display.simulation import simulation_html
from riskcore.display.tables import (
    _box,
    _fold,
    _lines,
    _num,
    _section,
    _table,
)
from riskcore.palette import PALETTE as _PALETTE

if TYPE_CHECKING:
    from riskcore.workflow import PlanReport


__all__ = ["plan_report_html", "plan_report_text"]


def _report_summary(rep: PlanReport) -> str:
    crit = sum(1 for r in rep.register.risks if r.critical)
    state = "complete" if rep.complete else "INCOMPLETE"
    return (
        f"case {rep.case.id!r}: {len(rep.register.risks)} risks ({crit} critical), "
        f"{len(rep.armed)} armed responses, plan {rep.result.status}, expected harm "
        f"{rep.result.inherent:.3g} -> {rep.result.residual:.3g} (strict), {state}"
    )


def plan_report_text(rep: PlanReport) -> str:
    """Short text view of a :class:`~riskcore.workflow.PlanReport`."""
    head = f"<PlanReport {_report_summary(rep)}>"
    lines = [
        f"CRITICAL {r.id}: {r.level}" for r in _risk_order(rep.register) if r.critical
    ]
    lines += [
        f"armed {a.response} for {a.subject or 'practice'}: {a.owner}, "
        f"within {a.time_to_act_hours:g} h"
        for a in rep.armed
    ]
    return _lines(head, lines) if lines else head


def plan_report_html(rep: PlanReport) -> str | None:
    """HTML view of the main job's result: armed responses, register, plan, simulation."""
    n = len(rep.register.risks) + len(rep.assessment.scores)
    if not _html_enabled(n):
        return None
    parts: list[str] = []
    if rep.armed:
        parts.append(_section("Armed responses (act first)"))
        parts.append(
            _table(
                ["response", "subject", "owner", "within (h)"],
                [
                    [
                        a.response,
                        a.subject or "practice-wide",
                        a.owner,
                        _num(a.time_to_act_hours, "g"),
                    ]
                    for a in rep.armed
                ],
            )
        )
    # nested views show fewer rows: the whole object is one click away
    # (report.register, report.simulation) and the view stays small
    with set_options(max_rows=min(_OPTIONS["max_rows"], 15)):
        views = _report_views(rep)
    parts += views
    if not rep.complete:
        reasons = list(rep.assessment.incomplete_reasons)
        reasons += [f.summary() for f in rep.register.failures]
        parts.insert(
            0,
            _table(
                ["incomplete: no evidence of safety"],
                [[(r, _PALETTE[5])] for r in reasons],
            ),
        )
    return _box("PlanReport", _report_summary(rep), *parts)


def _report_views(rep: PlanReport) -> list[str]:
    parts: list[str] = []
    for title, view in (
        (
            f"Risk register: {_register_summary(rep.register)}",
            register_html(rep.register, rep.inherent, css=False),
        ),
        (f"Plan: {_plan_summary(rep.result)}", plan_result_html(rep.result, css=False)),
        (
            "Simulation",
            simulation_html(rep.simulation, css=False)
            if rep.simulation is not None
            else None,
        ),
    ):
        if view is not None:
            parts.append(_fold(title, view))
    return parts
