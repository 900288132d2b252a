"""Views of a :class:`~riskcore.planner.Solution`, and the lines that say
how it was planned (``riskcore plan`` prints them).

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskcore.display.options import _html_enabled
from riskcore.display.tables import (
    STATUS_COLOURS,
    Cell,
    _box,
    _lines,
    _num,
    _section,
    _table,
)
from riskcore.palette import PALETTE as _PALETTE

if TYPE_CHECKING:
    from riskcore.planner import Solution

__all__ = ["plan_mode_lines", "plan_result_html", "plan_result_text"]


def _plan_summary(res: Solution) -> str:
    return (
        f"{res.status} ({res.mode}, {res.method}): {len(res.selected)} mitigations, "
        f"cost {res.cost:,.0f}, {res.hours:,.0f} h, expected harm "
        f"{res.inherent:.3g} -> {res.residual:.3g} (strict)"
    )


def plan_mode_lines(res: Solution, currency: str = "USD") -> list[str]:
    """What the planner was asked and, when it could not, what would do it.

    A plan without a budget says it plans to tolerance; an infeasible one
    names each risk it could not bring within tolerance and why, and the
    budget that would cover what is required, when a budget was the limit.

    Examples
    --------
    >>> from riskcore.planner import Solution
    >>> plan_mode_lines(Solution(status="optimal", mode="tolerance", method="exact"))
    ['no budget given: planning to tolerance (the cheapest plan that brings every risk within its tolerance)']
    >>> plan_mode_lines(Solution(status="optimal", mode="budget", method="exact",
    ...                            budget=15000))
    ['planning within a budget of $15,000']
    """
    from riskcore.plain import money

    if res.mode == "tolerance" and res.budget is None:
        lines = [
            "no budget given: planning to tolerance (the cheapest plan that brings "
            "every risk within its tolerance)"
        ]
    elif res.budget is not None:
        lines = [f"planning within a budget of {money(res.budget, currency)}"]
    else:
        lines = [f"planning in {res.mode} mode"]
    if res.feasible:
        return lines
    lines.append("INFEASIBLE: no plan meets the request; nothing was selected")
    needs = []
    for i in res.infeasible:
        who = "the plan" if i.risk == "*" else i.risk
        lines.append(f"could not meet: {who}: {i.reason}")
        if i.needed_budget is not None:
            needs.append(i.needed_budget)
    if needs:
        lines.append(
            f"a budget of at least {money(max(needs), currency)} would cover "
            "what is required"
        )
    elif res.mode == "tolerance":
        lines.append(
            "no budget would meet it: even every mitigation in the catalog leaves "
            "these risks above tolerance; add mitigations or review the tolerance"
        )
    return lines


def plan_result_text(res: Solution) -> str:
    """Short text view: status line, infeasibilities, then phases.

    Examples
    --------
    >>> from riskcore.planner import Solution
    >>> plan_result_text(Solution(status="optimal", mode="budget", method="exact"))
    '<Solution optimal (budget, exact): 0 mitigations, cost 0, 0 h, expected harm 0 -> 0 (strict)>'
    """
    head = f"<Solution {_plan_summary(res)}>"
    lines = [f"INFEASIBLE {i.risk}: {i.reason}" for i in res.infeasible]
    lines += [f"phase {k + 1}: {', '.join(ids)}" for k, ids in enumerate(res.phases)]
    return _lines(head, lines) if lines else head


def plan_result_html(res: Solution, *, css: bool = True) -> str | None:
    """HTML view of a plan: infeasibilities first, then the phased mitigations.

    Examples
    --------
    >>> from riskcore.planner import Solution
    >>> "optimal" in plan_result_html(Solution(status="optimal", mode="budget", method="exact"))
    True
    """
    if not _html_enabled(len(res.selected) + len(res.infeasible)):
        return None
    parts: list[str] = [
        _table(
            ["status"], [[(res.status, STATUS_COLOURS.get(res.status, _PALETTE[5]))]]
        )
    ]
    if res.infeasible:
        parts.append(_section("Cannot be brought to tolerance"))
        parts.append(
            _table(
                ["risk", "tolerance", "best residual", "reason"],
                [
                    [
                        (i.risk, _PALETTE[3]),
                        _num(i.tolerance),
                        _num(i.best_residual),
                        i.reason,
                    ]
                    for i in res.infeasible
                ],
            )
        )
    why = {r.mitigation: r for r in res.reasons}
    rows: list[list[Cell]] = []
    for k, ids in enumerate(res.phases):
        for m in ids:
            r = why.get(m)
            rows.append(
                [
                    str(k + 1),
                    m,
                    _num(res.start_day.get(m, 0.0), "g"),
                    _num(r.cost if r else None, ",.0f"),
                    _num(r.reduction if r else None),
                    r.text if r else "",
                ]
            )
    if rows:
        parts.append(_section("Mitigations by phase"))
        parts.append(
            _table(
                ["phase", "mitigation", "start day", "cost", "harm reduced", "why"],
                rows,
            )
        )
    return _box("Solution", _plan_summary(res), *parts, css=css)
