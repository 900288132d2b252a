"""Notebook views: compact HTML tables and text summaries of riskcore results.

Every result a notebook user meets — :class:`~riskcore.model.Assessment`,
:class:`~riskcore.model.risk.RiskRegister`, :class:`~riskcore.planner.PlanResult`,
:class:`~riskcore.workflow.PlanReport`,
:class:`~riskcore.simulate.SimulationResult` and the mitigation graph — renders
as a small table with levels coloured (the palette of the HTML report) and
critical items first. The views follow the patterns of the scientific Python
libraries:

* the HTML is dependency-free (no pandas, no templates) and self-contained;
* a view returns ``None`` for a huge object, so IPython falls back to ``repr``;
* :func:`set_options` switches every view to plain text, as xarray's
  ``display_style`` does;
* nothing identifying is ever shown: subjects appear by their pseudonymous id,
  never by name, and notes, free-text answers, protected attributes and
  assessor error details are left out.

The classes call these functions from their ``_repr_html_`` and ``__repr__``;
they can also be called directly.

Examples
--------
>>> from riskcore.display import set_options, get_options
>>> get_options()["display"]
'html'
>>> with set_options(display="text"):
...     get_options()["display"]
'text'
>>> get_options()["display"]
'html'

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from riskcore.palette import PALETTE as _PALETTE
from riskcore.palette import level_colours as _colours

if TYPE_CHECKING:
    import types

    import networkx as nx

    from riskcore.model.assessment import Assessment, Score
    from riskcore.model.risk import Risk, RiskRegister
    from riskcore.planner import PlanResult
    from riskcore.simulate import SimulationResult
    from riskcore.workflow import PlanReport

__all__ = [
    "GraphView",
    "assessment_html",
    "assessment_text",
    "get_options",
    "graph_html",
    "graph_text",
    "plan_report_html",
    "plan_report_text",
    "plan_result_html",
    "plan_result_text",
    "register_html",
    "register_text",
    "set_options",
    "simulation_html",
    "simulation_text",
]

_OPTIONS: dict[str, Any] = {
    "display": "html",
    "max_rows": 25,
    "max_lines": 10,
    "max_items": 10_000,
}
_CHECKS: dict[str, Any] = {
    "display": lambda v: v in ("html", "text"),
    "max_rows": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
    "max_lines": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "max_items": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
}

FLAG_COLOURS = {"critical": _PALETTE[3], "warning": _PALETTE[1], "info": "#607d8b"}
"""Background colour of each flag level (the report's palette)."""

STATUS_COLOURS = {
    "optimal": _PALETTE[0],
    "feasible": _PALETTE[1],
    "infeasible": _PALETTE[3],
}
"""Background colour of each planner status."""


class set_options:  # noqa: N801  (a function-like context manager, as in xarray)
    """Set display options globally, or temporarily in a ``with`` block.

    Parameters
    ----------
    display : {"html", "text"}
        ``"text"`` makes every ``_repr_html_`` return ``None`` so notebooks
        show the plain-text ``repr`` (default ``"html"``).
    max_rows : int
        Rows shown in an HTML table before "… and *n* more" (default 25).
    max_lines : int
        Detail lines under the summary line of a ``repr`` (default 10).
    max_items : int
        Objects with more items than this (scores, risks, graph nodes) get no
        HTML view at all, only their short ``repr`` (default 10 000).

    Raises
    ------
    ValueError
        For an unknown option or an invalid value.

    Examples
    --------
    >>> import riskcore.display as d
    >>> _ = d.set_options(max_rows=10)
    >>> d.get_options()["max_rows"]
    10
    >>> _ = d.set_options(max_rows=25)
    >>> d.set_options(display="latex")
    Traceback (most recent call last):
    ...
    ValueError: display: 'latex' is not a valid value
    """

    def __init__(self, **options: Any) -> None:
        for key, value in options.items():
            if key not in _OPTIONS:
                msg = f"unknown display option {key!r} (known: {', '.join(_OPTIONS)})"
                raise ValueError(msg)
            if not _CHECKS[key](value):
                raise ValueError(f"{key}: {value!r} is not a valid value")
        self._old = {k: _OPTIONS[k] for k in options}
        _OPTIONS.update(options)

    def __enter__(self) -> set_options:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        _OPTIONS.update(self._old)


def get_options() -> dict[str, Any]:
    """A copy of the current display options (see :class:`set_options`)."""
    return dict(_OPTIONS)


# ------------------------------------------------------------------ helpers

Cell = str | tuple[str, str]
"""A table cell: text, or (text, background colour)."""

_CSS = (
    "<style>.riskcore-repr table{font-family:sans-serif;font-size:12px;"
    "border-collapse:collapse;margin:2px 0 6px 0}"
    ".riskcore-repr td,.riskcore-repr th{padding:1px 6px;"
    "border-bottom:1px solid #ddd;text-align:left}"
    ".riskcore-repr th{border-bottom:2px solid #999}"
    ".riskcore-repr td.c{color:#fff;font-weight:bold}"
    ".riskcore-repr summary{cursor:pointer;font-weight:bold;margin-top:4px}</style>"
)
"""One stylesheet per repr (scoped to ``.riskcore-repr``): cells carry no
inline style, so the example plan's view stays small."""

_VISIBLE = 10
"""Rows of a table shown before the rest is folded under "… N more"."""


def _html_enabled(n_items: int) -> bool:
    return bool(_OPTIONS["display"] == "html" and n_items <= _OPTIONS["max_items"])


def _num(x: float | None, fmt: str = ".3g") -> str:
    if x is None or x != x:
        return "–"
    return format(x, fmt)


def _cell(c: Cell) -> str:
    if isinstance(c, tuple):
        text, colour = c
        return f'<td class="c" style="background:{colour}">{escape(text)}</td>'
    return f"<td>{escape(c)}</td>"


def _table(columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """An HTML table of at most ``max_rows`` rows, with a "more" note; rows
    after the first ten are folded (``<details>``) under "… N more rows"."""
    limit = _OPTIONS["max_rows"]
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)

    def body(part: Sequence[Sequence[Cell]]) -> str:
        return "".join(
            "<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in part
        )

    shown = rows[:limit]
    table = f"<table><tr>{head}</tr>{body(shown[:_VISIBLE])}</table>"
    if len(shown) > _VISIBLE:
        table += (
            f"<details><summary>… {len(shown) - _VISIBLE} more rows</summary>"
            f"<table><tr>{head}</tr>{body(shown[_VISIBLE:])}</table></details>"
        )
    if len(rows) > limit:
        table += f"<div><i>… and {len(rows) - limit} more (see .to_pandas())</i></div>"
    return table


def _fold(title: str, *parts: str, open: bool = False) -> str:
    """A collapsible section of a repr."""
    state = " open" if open else ""
    return (
        f"<details{state}><summary>{escape(title)}</summary>{''.join(parts)}</details>"
    )


def _box(title: str, summary: str, *parts: str, css: bool = True) -> str:
    return (
        '<div class="riskcore-repr" style="font-family:sans-serif;font-size:12px">'
        + (_CSS if css else "")
        + f"<div><b>{escape(title)}</b> {escape(summary)}</div>{''.join(parts)}</div>"
    )


def _section(title: str) -> str:
    return f'<div style="margin-top:4px;font-weight:bold">{escape(title)}</div>'


def _lines(header: str, lines: Sequence[str]) -> str:
    limit = _OPTIONS["max_lines"]
    out = [header, *(f"  {s}" for s in lines[:limit])]
    if len(lines) > limit:
        out.append(f"  … and {len(lines) - limit} more")
    return "\n".join(out)


# ------------------------------------------------------------------ assessment


def _score_order(s: Score) -> tuple[int, int, str, str, str]:
    worst = 0
    for f in s.flags:
        worst = max(worst, {"info": 1, "warning": 2, "critical": 3}[f.level.value])
    return (-worst, 0 if not s.complete else 1, s.subject, s.instrument, s.scale)


def _value(s: Score) -> str:
    if not s.measured:
        return "not measured"
    if s.value is None:
        return "missing"
    return _num(s.value, "g")


def _assessment_summary(a: Assessment) -> str:
    subjects = len({s.subject for s in a.scores})
    crit = len(a.critical_flags)
    state = "complete" if a.complete else f"INCOMPLETE ({len(a.incomplete_reasons)})"
    return (
        f"{len(a.scores)} scores on {subjects} subjects, "
        f"{crit} critical flag{'s' if crit != 1 else ''}, {state}"
    )


def assessment_text(a: Assessment) -> str:
    """Short text view: summary line, then critical flags and incomplete reasons.

    Examples
    --------
    >>> from riskcore.model import Assessment
    >>> assessment_text(Assessment(case_id="demo"))
    "<Assessment 'demo': 0 scores on 0 subjects, 0 critical flags, complete>"
    """
    head = f"<Assessment {a.case_id!r}: {_assessment_summary(a)}>"
    lines = [
        f"CRITICAL {s.subject} {s.instrument}.{s.scale}: {f.code}"
        + (f" -> {f.escalation}" if f.escalation else "")
        for s, f in a.critical_flags
    ]
    lines += [f"incomplete: {r}" for r in a.incomplete_reasons]
    return _lines(head, lines) if lines else head


def assessment_html(a: Assessment) -> str | None:
    """HTML table of the scores, critical flags first, then incomplete scores.

    Returns ``None`` in text mode or for more than ``max_items`` scores.

    Examples
    --------
    >>> from riskcore.model import Assessment
    >>> "0 scores" in assessment_html(Assessment(case_id="demo"))
    True
    """
    if not _html_enabled(len(a.scores)):
        return None
    rows: list[list[Cell]] = []
    for s in sorted(a.scores, key=_score_order):
        flags: Cell = ""
        if s.flags:
            worst = max(
                s.flags,
                key=lambda f: ("info", "warning", "critical").index(f.level.value),
            )
            flags = (
                ", ".join(f.code for f in s.flags),
                FLAG_COLOURS[worst.level.value],
            )
        rng = f"{_num(s.minimum, 'g')}–{_num(s.maximum, 'g')}"
        rows.append(
            [
                s.subject,
                s.instrument,
                s.scale,
                _value(s) if s.complete else (_value(s), _PALETTE[5]),
                rng if s.minimum is not None or s.maximum is not None else "",
                s.band or "",
                flags,
            ]
        )
    parts = [
        _table(
            ["subject", "instrument", "scale", "value", "range", "band", "flags"], rows
        )
    ]
    if a.failures:
        parts.insert(0, _section("Assessor failures"))
        parts.insert(
            1, _table(["failure"], [[(f.summary(), _PALETTE[3])] for f in a.failures])
        )
    return _box(f"Assessment {a.case_id}", _assessment_summary(a), *parts)


# ------------------------------------------------------------------ register


def _risk_order(reg: RiskRegister) -> list[Risk]:
    rank = {lv.name: i for i, lv in enumerate(reg.matrix.levels)}
    return sorted(
        reg.risks,
        key=lambda r: (
            not r.critical,
            -rank.get(r.level, 0),
            -r.residual.expected_harm,
            r.id,
        ),
    )


def _register_summary(reg: RiskRegister) -> str:
    counts = Counter(r.level for r in reg.risks)
    levels = ", ".join(
        f"{counts[lv.name]} {lv.name}"
        for lv in reversed(reg.matrix.levels)
        if counts[lv.name]
    )
    crit = sum(1 for r in reg.risks if r.critical)
    over = sum(1 for r in reg.risks if not r.within_tolerance)
    state = "complete" if reg.complete else "INCOMPLETE"
    return (
        f"{len(reg.risks)} risks ({levels or 'none'}), {crit} critical, "
        f"{over} over tolerance, residual harm {reg.expected_harm():.3g} (strict; "
        f"all safeguards {reg.expected_harm('residual_all'):.3g}), {state}"
    )


def register_text(reg: RiskRegister) -> str:
    """Short text view: summary line, then the critical and over-tolerance risks.

    Examples
    --------
    >>> from riskcore.model.risk import RiskRegister
    >>> register_text(RiskRegister(case_id="demo", method_version="x"))
    "<RiskRegister 'demo': 0 risks (none), 0 critical, 0 over tolerance, residual harm 0 (strict; all safeguards 0), complete>"
    """
    head = f"<RiskRegister {reg.case_id!r}: {_register_summary(reg)}>"
    lines = [
        f"{'CRITICAL ' if r.critical else ''}{r.id}: {r.inherent.level} -> {r.level}"
        f" (target {r.target})"
        for r in _risk_order(reg)
        if r.critical or not r.within_tolerance
    ]
    return _lines(head, lines) if lines else head


def register_html(
    reg: RiskRegister, inherent: RiskRegister | None = None, *, css: bool = True
) -> str | None:
    """HTML table of the risks: critical first, then by level and residual harm.

    Parameters
    ----------
    reg : RiskRegister
        The register to show.
    inherent : RiskRegister, optional
        The register before mitigation, whose inherent levels are shown
        (default: the inherent figures of *reg* itself).

    Returns
    -------
    str or None
        ``None`` in text mode or for more than ``max_items`` risks.

    Examples
    --------
    >>> from riskcore.model.risk import RiskRegister
    >>> "0 risks" in register_html(RiskRegister(case_id="demo", method_version="x"))
    True
    """
    if not _html_enabled(len(reg.risks)):
        return None
    colour = _colours([lv.name for lv in reg.matrix.levels])
    before = {r.id: r.inherent for r in (inherent or reg).risks}
    rows: list[list[Cell]] = []
    for r in _risk_order(reg):
        ih = before.get(r.id, r.inherent)
        rows.append(
            [
                ("critical", colour[reg.matrix.levels[-1].name]) if r.critical else "",
                r.threat,
                r.subject,
                (r.inherent_level, colour.get(r.inherent_level, _PALETTE[5])),
                (r.level, colour.get(r.level, _PALETTE[5])),
                (r.planned_level, colour.get(r.planned_level, _PALETTE[5])),
                r.target,
                "yes" if r.within_tolerance else "no",
                _num(ih.expected_harm),
                _num(r.residual.expected_harm),
                "incomplete" if r.incomplete else "",
            ]
        )
    table = _table(
        [
            "",
            "threat",
            "subject",
            "inherent",
            "now",
            "planned",
            "target",
            "in tolerance",
            "harm before",
            "harm after (strict)",
            "data",
        ],
        rows,
    )
    return _box(f"RiskRegister {reg.case_id}", _register_summary(reg), table, css=css)


# ------------------------------------------------------------------ plan


def _plan_summary(res: PlanResult) -> str:
    return (
        f"{res.status} ({res.mode}, {res.method}): {len(res.selected)} mitigations, "
        f"cost {res.cost:,.0f}, {res.hours:,.0f} h, expected harm "
        f"{res.inherent:.3g} -> {res.residual:.3g} (strict)"
    )


def plan_mode_lines(res: PlanResult, currency: str = "USD") -> list[str]:
    """What the planner was asked and, when it could not, what would do it.

    A plan without a budget says it plans to tolerance; an infeasible one
    names each risk it could not bring within tolerance and why, and the
    budget that would cover what is required, when a budget was the limit.

    Examples
    --------
    >>> from riskcore.planner import PlanResult
    >>> plan_mode_lines(PlanResult(status="optimal", mode="tolerance", method="exact"))
    ['no budget given: planning to tolerance (the cheapest plan that brings every risk within its tolerance)']
    >>> plan_mode_lines(PlanResult(status="optimal", mode="budget", method="exact",
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


def plan_result_text(res: PlanResult) -> str:
    """Short text view: status line, infeasibilities, then phases.

    Examples
    --------
    >>> from riskcore.planner import PlanResult
    >>> plan_result_text(PlanResult(status="optimal", mode="budget", method="exact"))
    '<PlanResult optimal (budget, exact): 0 mitigations, cost 0, 0 h, expected harm 0 -> 0 (strict)>'
    """
    head = f"<PlanResult {_plan_summary(res)}>"
    lines = [f"INFEASIBLE {i.risk}: {i.reason}" for i in res.infeasible]
    lines += [f"phase {k + 1}: {', '.join(ids)}" for k, ids in enumerate(res.phases)]
    return _lines(head, lines) if lines else head


def plan_result_html(res: PlanResult, *, css: bool = True) -> str | None:
    """HTML view of a plan: infeasibilities first, then the phased mitigations.

    Examples
    --------
    >>> from riskcore.planner import PlanResult
    >>> "optimal" in plan_result_html(PlanResult(status="optimal", mode="budget", method="exact"))
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
    return _box("PlanResult", _plan_summary(res), *parts, css=css)


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


# ------------------------------------------------------------------ simulation


def _simulation_summary(sim: SimulationResult) -> str:
    pct = ", ".join(f"p{q:g} {v:.3g}" for q, v in sim.total.percentiles)
    return (
        f"{sim.n:,} trials ({sim.method}, {sim.credit}, seed {sim.seed}): total "
        f"mean {sim.total.mean:.3g} (sd {sim.total.std:.3g}; {pct})"
    )


def simulation_text(sim: SimulationResult) -> str:
    """Short text view: totals, then the parameters with the largest swing."""
    head = f"<SimulationResult {_simulation_summary(sim)}>"
    lines = [f"swing {s.swing:.3g}: {s.parameter}" for s in sim.sensitivity[:5]]
    return _lines(head, lines) if lines else head


def simulation_html(sim: SimulationResult, *, css: bool = True) -> str | None:
    """HTML view: the risks with the largest mean loss first, and the top swings."""
    if not _html_enabled(len(sim.risks)):
        return None
    qs = [q for q, _ in sim.total.percentiles]
    rows: list[list[Cell]] = [
        [r.risk, _num(r.mean), _num(r.std), *(_num(v) for _, v in r.percentiles)]
        for r in sorted(sim.risks, key=lambda r: (-r.mean, r.risk))
    ]
    parts = [_table(["risk", "mean", "sd", *(f"p{q:g}" for q in qs)], rows)]
    if sim.sensitivity:
        parts.append(_section("Sensitivity (largest swing first)"))
        parts.append(
            _table(
                ["parameter", "low", "high", "swing"],
                [
                    [s.parameter, _num(s.low), _num(s.high), _num(s.swing)]
                    for s in sim.sensitivity
                ],
            )
        )
    return _box("SimulationResult", _simulation_summary(sim), *parts, css=css)


# ------------------------------------------------------------------ graph


def _graph_summary(G: nx.DiGraph) -> str:  # noqa: N803
    kinds = Counter(k for _, k in G.nodes(data="kind"))
    rel = Counter(r for _, _, r in G.edges(data="relation"))
    nodes = ", ".join(f"{n} {k}s" for k, n in sorted(kinds.items())) or "no nodes"
    edges = ", ".join(f"{n} {r}" for r, n in sorted(rel.items())) or "no edges"
    return f"{nodes}; {edges}"


def _graph_phases(G: nx.DiGraph) -> list[list[str]]:  # noqa: N803
    from riskcore.graph import phases

    return phases(G)


def graph_text(G: nx.DiGraph) -> str:  # noqa: N803
    """Short text view of a mitigation graph: node and edge counts, phases.

    Examples
    --------
    >>> import networkx as nx
    >>> graph_text(nx.DiGraph())
    '<mitigation graph: no nodes; no edges>'
    """
    head = f"<mitigation graph: {_graph_summary(G)}>"
    lines = [
        f"phase {k + 1}: {', '.join(ids)}" for k, ids in enumerate(_graph_phases(G))
    ]
    return _lines(head, lines) if lines else head


def graph_html(G: nx.DiGraph) -> str | None:  # noqa: N803
    """HTML view of a mitigation graph: mitigations by phase with cost and effects.

    Parameters
    ----------
    G : networkx.DiGraph
        A graph from :func:`riskcore.graph.build_graph`.

    Returns
    -------
    str or None
        ``None`` in text mode or for more than ``max_items`` nodes.

    Examples
    --------
    >>> import networkx as nx
    >>> "no nodes" in graph_html(nx.DiGraph())
    True
    """
    if not _html_enabled(G.number_of_nodes()):
        return None
    rows: list[list[Cell]] = []
    for k, ids in enumerate(_graph_phases(G)):
        for m in ids:
            data = G.nodes[m]
            needs = sorted(
                v for _, v, r in G.out_edges(m, data="relation") if r == "requires"
            )
            reduces = sorted(
                v for _, v, r in G.out_edges(m, data="relation") if r == "reduces"
            )
            rows.append(
                [
                    str(k + 1),
                    m,
                    _num(data.get("cost"), ",.0f"),
                    _num(data.get("duration_days"), "g"),
                    ", ".join(needs),
                    ", ".join(reduces),
                ]
            )
    parts = (
        [_table(["phase", "mitigation", "cost", "days", "requires", "reduces"], rows)]
        if rows
        else []
    )
    return _box("Mitigation graph", _graph_summary(G), *parts)


class GraphView:
    """A mitigation graph that displays itself in a notebook.

    Parameters
    ----------
    G : networkx.DiGraph
        A graph from :func:`riskcore.graph.build_graph`.

    Examples
    --------
    >>> import networkx as nx
    >>> GraphView(nx.DiGraph())
    <mitigation graph: no nodes; no edges>
    """

    def __init__(self, G: nx.DiGraph) -> None:  # noqa: N803
        self.graph = G

    def __repr__(self) -> str:
        return graph_text(self.graph)

    def _repr_html_(self) -> str | None:
        return graph_html(self.graph)
