"""The plain data every report format is rendered from.

One function, :func:`build_context`, turns a :class:`~riskcore.workflow.PlanReport`
into dicts, lists, strings and numbers; the HTML and Markdown templates and the
JSON output all read the same context, so the three formats cannot disagree.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from riskcore.catalog.labels import Item, label, numbers
from riskcore.model.obligations import ObligationStatus
from riskcore.palette import level_colours as _colours
from riskcore.report.sections import sections_context

if TYPE_CHECKING:
    from riskcore.model.case import Case
    from riskcore.model.risk import Risk
    from riskcore.workflow import PlanReport

__all__ = [
    "DISCLAIMER",
    "FLAG_FALLBACK",
    "build_context",
    "heatmap_svg",
    "subject_namer",
]

DISCLAIMER = (
    "riskcore is decision support, not diagnosis. Every figure comes from the "
    "inputs, assumptions and sources listed in this report; numbers marked "
    "illustrative are defaults a practice should replace with its own. Clinical "
    "judgement, supervision and local policy decide; a critical item always calls "
    "for a clinician's direct assessment, whatever the totals say."
)

FLAG_FALLBACK = "a clinician's direct assessment today"
"""The instruction shown for a critical flag whose instrument gives none."""


def build_context(report: PlanReport, *, identifying: bool = False) -> dict[str, Any]:
    """Everything the templates need, as plain data.

    Subjects appear by pseudonymous id; with *identifying* their names (when the
    case has them) are added in brackets.

    ``flag_actions`` lists, per subject, each critical flag's code and its own
    instruction (``Flag.escalation``, e.g. "do not leave the client alone"), for
    the report's *Act first* section. They are the instrument's fixed text, never
    the case's notes.

    Each part of the context is built by its own helper below (risks, armed
    responses, flag actions, duties, phases, simulation, summary, provenance);
    this function only puts them together, in the order the formats show them.
    """
    return _context(report, identifying=identifying, lazy=False)


def _context(report: PlanReport, *, identifying: bool, lazy: bool) -> dict[str, Any]:
    """The context; with *lazy* (the JSON report) the risk rows are the
    :class:`RiskRows` themselves, made a chunk at a time as they are
    written, and the keys only the HTML and Markdown reports read (the
    critical rows again, the urgent responses, the heat map) are left out."""
    case = report.case
    reg = report.register
    levels = [lv.name for lv in reg.matrix.levels]
    colour = _colours(levels)
    who = subject_namer(case, identifying=identifying)
    risk_rows = _risk_rows(report, who, colour)
    rows: Any
    if lazy:
        rows = risk_rows  # made a chunk at a time as they are written
        critical: list[dict[str, Any]] = []
    else:
        rows = list(risk_rows)
        critical = [r for r in rows if r["critical"]]
    armed = _armed(report, who)
    res = report.result
    ctx = {
        "title": f"Risk-management plan: {case.id}",
        "case_id": case.id,
        "practice": who(case.practice.id),
        "synthetic": case.synthetic,
        "description": case.description,
        "generated": report.generated.isoformat(),
        "assessed_on": case.assessed_on.isoformat() if case.assessed_on else "",
        "horizon_days": case.horizon_days,
        "identifying": identifying,
        "complete": report.complete,
        "levels": [{"name": n, "colour": colour[n]} for n in levels],
        "summary": _summary(report, levels),
        "flag_actions": _flag_actions(report, who),
        "critical": critical,
        # Each plugin's net odds ratio on each critical risk (issue #14).
        "plugin_effects": [
            {"risk": r.id, "plugin": name, "net": net}
            for r in reg.risks
            if r.critical
            for name, net in r.plugin_effects()
        ],
        "armed": armed,
        "urgent_armed": [
            a for a in armed if a["escalation"] in {"emergency", "urgent"}
        ],
        "duties": _duties(report, who),
        "incomplete": _incomplete(report),
        "phases": _phases(report),
        "rejected": [
            {
                "id": r.mitigation,
                "name": _mitigation_names(report).get(r.mitigation, r.mitigation),
                "reason": r.text,
            }
            for r in res.rejected
        ],
        "infeasible": [{"risk": i.risk, "reason": i.reason} for i in res.infeasible],
        "frontier": [
            {"cost": p.cost, "residual": p.residual, "n": len(p.selected)}
            for p in res.frontier
        ],
        "risks": rows,
        "heatmap_svg": "" if lazy else heatmap_svg(report),
        "simulation": _simulation(report),
        "provenance": _provenance(report),
        "disclaimer": DISCLAIMER,
        **sections_context(report),
    }
    if lazy:
        for key in ("critical", "urgent_armed", "heatmap_svg"):
            del ctx[key]
    return ctx


def subject_namer(case: Case, *, identifying: bool) -> Callable[[str | None], str]:
    """How the reports name a subject (the one rule for every format).

    Its pseudonymous id; with *identifying*, its name in brackets when the case
    has one; ``None`` (a practice-wide item) is "practice-wide".

    Examples
    --------
    >>> from riskcore.model import Case, Client, Practice
    >>> case = Case(id="d", practice=Practice(id="p"),
    ...             clients=[Client(id="c-1", name="Jane Doe")])
    >>> subject_namer(case, identifying=False)("c-1")
    'c-1'
    >>> subject_namer(case, identifying=True)("c-1")
    'c-1 (Jane Doe)'
    >>> subject_namer(case, identifying=True)(None)
    'practice-wide'
    """
    names = (
        {s.id: s.name for s in case.subjects() if s.name is not None}
        if identifying
        else {}
    )

    def who(sid: str | None) -> str:
        if sid is None:
            return "practice-wide"
        return f"{sid} ({names[sid]})" if sid in names else sid

    return who


ROW_CHUNK = 256
"""Risk rows made at a time (one column at a time over this many risks)."""


class RiskRows:
    """A report's risk rows, made column by column, a chunk of rows at a time.

    :func:`_risk_rows` gives one: *risks* in the order of their rows and
    *columns*, the one table of what a row holds (each key's getter makes
    that key's values for a chunk of risks, given the risks and the risks as
    they were before the controls). Iterating gives the rows (dicts, keys in
    the table's order); :meth:`chunks` gives chosen columns only, for the
    JSON report (:mod:`riskcore.report.data` checks and converts them a
    column at a time). Only *chunk* rows are made at once, so a large
    practice's rows are never all held (internal).

    >>> rows = RiskRows(["a", "b", "c"], {"id": lambda rs, bs: list(rs),
    ...                                   "n": lambda rs, bs: [len(r) for r in rs]},
    ...                 before=lambda rs: rs, chunk=2)
    >>> list(rows)
    [{'id': 'a', 'n': 1}, {'id': 'b', 'n': 1}, {'id': 'c', 'n': 1}]
    >>> list(rows.chunks(("n", "x")))
    [(2, [[1, 1], None]), (1, [[1], None])]
    """

    __slots__ = ("_before", "_chunk", "columns", "risks")

    def __init__(
        self,
        risks: Sequence[Any],
        columns: dict[str, Callable[[Sequence[Any], Sequence[Any]], list[Any]]],
        *,
        before: Callable[[Sequence[Any]], Sequence[Any]],
        chunk: int | None = None,
    ) -> None:
        self.risks = risks
        self.columns = columns
        self._before = before
        self._chunk = chunk

    def __len__(self) -> int:
        return len(self.risks)

    def chunks(
        self, names: Sequence[str]
    ) -> Iterator[tuple[int, list[list[Any] | None]]]:
        """For each chunk of risks, their number and the columns *names*
        (``None`` for a name the table does not have), in that order."""
        size = self._chunk or ROW_CHUNK
        getters = [self.columns.get(name) for name in names]
        for k in range(0, len(self.risks), size):
            rs = self.risks[k : k + size]
            bs = self._before(rs)
            yield len(rs), [None if get is None else get(rs, bs) for get in getters]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        names = tuple(self.columns)
        for _, cols in self.chunks(names):
            yield from (
                dict(zip(names, row, strict=True)) for row in zip(*cols, strict=True)
            )


def _risk_rows(
    report: PlanReport, who: Callable[[str | None], str], colour: dict[str, str]
) -> RiskRows:
    """The risk rows: the risks in the order of their rows (critical first,
    then by level, then by inherent harm) and the table of what a row holds,
    one column at a time."""
    from riskcore.model.risk import Explainer

    reg = report.register
    rank = {lv.name: i for i, lv in enumerate(reg.matrix.levels)}
    inherent = {r.id: r for r in report.inherent.risks}
    explain = Explainer()  # r.explain(), each shared line made once

    def before(rs: Sequence[Risk]) -> list[Risk]:
        get = inherent.get
        return [get(r.id, r) for r in rs]

    columns: dict[str, Callable[[Sequence[Risk], Sequence[Risk]], list[Any]]] = {
        "id": lambda rs, bs: [r.id for r in rs],
        "threat": lambda rs, bs: [r.threat for r in rs],
        "threat_name": lambda rs, bs: [r.threat_name for r in rs],
        "category": lambda rs, bs: [r.category for r in rs],
        "subject": lambda rs, bs: [who(r.subject) for r in rs],
        "kind": lambda rs, bs: [r.subject_kind.value for r in rs],
        # levels shown (docs/crediting.md): a critical risk's are all
        # lifted to the floor, so it never seems to rise because of a plan
        "inherent": lambda rs, bs: [r.inherent_level for r in rs],
        "inherent_colour": lambda rs, bs: [colour[r.inherent_level] for r in rs],
        "now": lambda rs, bs: [r.level for r in rs],
        "now_colour": lambda rs, bs: [colour[r.level] for r in rs],
        "residual": lambda rs, bs: [r.planned_level for r in rs],
        "residual_colour": lambda rs, bs: [colour[r.planned_level] for r in rs],
        "residual_all": lambda rs, bs: [r.residual_all.level for r in rs],
        "target": lambda rs, bs: [r.target for r in rs],
        "within_tolerance": lambda rs, bs: [r.within_tolerance for r in rs],
        "critical": lambda rs, bs: [r.critical for r in rs],
        "critical_reasons": lambda rs, bs: [list(r.critical_reasons) for r in rs],
        "incomplete": lambda rs, bs: [r.incomplete for r in rs],
        "incomplete_reasons": lambda rs, bs: [list(r.incomplete_reasons) for r in rs],
        "likelihood": lambda rs, bs: [b.inherent.likelihood for b in bs],
        "residual_likelihood": lambda rs, bs: [r.residual.likelihood for r in rs],
        "impact": lambda rs, bs: [b.inherent.impact for b in bs],
        "harm": lambda rs, bs: [b.inherent.expected_harm for b in bs],
        "residual_harm": lambda rs, bs: [r.residual.expected_harm for r in rs],
        "next_review": lambda rs, bs: [
            r.next_review.isoformat() if r.next_review else "" for r in rs
        ],
        "review_days": lambda rs, bs: [r.review_days for r in rs],
        "illustrative": lambda rs, bs: [r.illustrative for r in rs],
        "why": lambda rs, bs: [list(explain(r)) for r in rs],
    }

    def harm_before(r: Risk) -> float:
        return inherent[r.id].inherent.expected_harm if r.id in inherent else 0.0

    risks = sorted(
        reg.risks,
        key=lambda r: (not r.critical, -rank[r.level], -harm_before(r), r.id),
    )
    return RiskRows(risks, columns, before=before)


def _armed(
    report: PlanReport, who: Callable[[str | None], str]
) -> list[dict[str, Any]]:
    """The armed responses, each with its catalog steps and escalation."""
    resp = {r.id: r for r in report.catalog.responses}
    armed = []
    for a in report.armed:
        spec = resp.get(a.response)
        armed.append(
            {
                "id": a.response,
                "name": spec.name if spec else a.response,
                "subject": who(a.subject),
                "owner": a.owner,
                "hours": a.time_to_act_hours,
                "escalation": spec.escalation.value if spec else "urgent",
                "reason": a.reason,
                "steps": [{"title": s.title, "detail": s.detail} for s in spec.steps]
                if spec
                else [],
            }
        )
    return armed


def _flag_actions(
    report: PlanReport, who: Callable[[str | None], str]
) -> list[dict[str, Any]]:
    """The critical flags' own instructions ("do not leave the client alone"),
    per subject in the case's order: fixed instrument text and codes, never the
    case's free text."""
    position = {s.id: i for i, s in enumerate(report.case.subjects())}
    flag_actions: list[dict[str, Any]] = []
    seen_flags: set[tuple[str, str]] = set()
    for score, flag in sorted(
        report.assessment.critical_flags,
        key=lambda sf: position.get(sf[0].subject, len(position)),
    ):
        if (score.subject, flag.code) in seen_flags:
            continue
        seen_flags.add((score.subject, flag.code))
        flag_actions.append(
            {
                "subject": who(score.subject),
                "code": flag.code,
                "message": flag.message,
                "instruction": flag.escalation or FLAG_FALLBACK,
            }
        )
    return flag_actions


def _duties(
    report: PlanReport, who: Callable[[str | None], str]
) -> list[dict[str, Any]]:
    """The legal duties checked, with their status, citation and checklist."""
    return [
        {
            "id": o.id,
            "name": o.name,
            "jurisdiction": o.jurisdiction,
            "subject": who(o.subject),
            "status": o.status.value,
            "arises": o.status is ObligationStatus.ARISES,
            "reasons": list(o.reasons),
            "missing": list(o.missing),
            "citation": o.citation.citation,
            "effective": o.effective.isoformat(),
            "owner": o.owner,
            "hours": o.time_to_act_hours,
            "checklist": [
                {"title": c.title, "detail": c.detail, "required": c.required}
                for c in o.checklist
            ],
        }
        for o in report.obligations.obligations
    ]


def _mitigation_names(report: PlanReport) -> dict[str, str]:
    return {m.id: m.name for m in report.catalog.mitigations}


def _phases(report: PlanReport) -> list[dict[str, Any]]:
    """The plan's phases, each mitigation with its owner, timing, cost and reason."""
    res = report.result
    mitigations = report.catalog.mitigations
    mit_name = _mitigation_names(report)
    mit_owner = {m.id: m.owner or "practice lead" for m in mitigations}
    mit_days = {m.id: m.duration_days for m in mitigations}
    why = {r.mitigation: r for r in res.reasons}
    return [
        {
            "number": k + 1,
            "items": [
                {
                    "id": m,
                    "name": mit_name.get(m, m),
                    "owner": mit_owner.get(m, "practice lead"),
                    "start_day": res.start_day.get(m, 0.0),
                    "duration_days": mit_days.get(m, 0.0),
                    "cost": why[m].cost if m in why else 0.0,
                    "reason": why[m].text if m in why else "",
                }
                for m in ids
            ],
        }
        for k, ids in enumerate(res.phases)
    ]


def _simulation(report: PlanReport) -> dict[str, Any] | None:
    """The Monte Carlo summary, sensitivity in words and realised harm (or None)."""
    sim = report.simulation
    if sim is None:
        return None
    from riskcore.plain import parameter

    threat_names = {t.id: t.name for t in report.catalog.threats}
    control_names = {m.id: m.name for m in report.catalog.mitigations}
    control_names.update({r.id: r.name for r in report.catalog.responses})
    return {
        "n": sim.n,
        "seed": sim.seed,
        "method": sim.method,
        "credit": sim.credit,
        "method_version": sim.method_version,
        "mean": sim.total.mean,
        "percentiles": [{"p": p, "value": v} for p, v in sim.total.percentiles],
        "point": sim.point_total,
        "sensitivity": [
            {
                "parameter": s.parameter,
                # the same parameter in words, for people
                "label": parameter(s.parameter, threat_names, control_names),
                "risk": s.risk,
                "low": s.low,
                "high": s.high,
                "swing": abs(s.high - s.low),
            }
            for s in sim.sensitivity[:8]
        ],
        # realised harm in plain words (riskcore.events owns the sentences)
        "realised": list(report.events.plain_words()) if report.events else [],
    }


def _incomplete(report: PlanReport) -> list[str]:
    """Why the report is incomplete: assessment, register and duties, in order."""
    incomplete = list(report.assessment.incomplete_reasons)
    incomplete += [f.summary() for f in report.register.failures]
    incomplete += list(report.obligations.incomplete_reasons)
    return incomplete


def _summary(report: PlanReport, levels: list[str]) -> dict[str, Any]:
    """The figures of the summary: counts per level, harm, cost, the plan's status."""
    reg = report.register
    res = report.result
    inh_counts = Counter(r.inherent_level for r in reg.risks)
    now_counts = Counter(r.level for r in reg.risks)
    res_counts = Counter(r.planned_level for r in reg.risks)
    return {
        "risks": len(reg.risks),
        "subjects": len(report.case.subjects()),
        "critical": sum(1 for r in reg.risks if r.critical),
        "incomplete_risks": sum(1 for r in reg.risks if r.incomplete),
        "inherent_counts": [
            {"level": n, "count": inh_counts.get(n, 0)} for n in levels
        ],
        "now_counts": [{"level": n, "count": now_counts.get(n, 0)} for n in levels],
        "residual_counts": [
            {"level": n, "count": res_counts.get(n, 0)} for n in levels
        ],
        "harm_inherent": report.inherent.expected_harm("inherent"),
        "harm_residual": reg.expected_harm("residual"),
        "harm_residual_all": reg.expected_harm("residual_all"),
        "over_tolerance": sum(1 for r in reg.risks if not r.within_tolerance),
        "cost": res.cost,
        "hours": res.hours,
        "budget": report.budget,
        "status": res.status,
        "mode": res.mode,
        "method": res.method,
        "gap": res.gap,
        "selected": len(res.selected),
    }


def _provenance(report: PlanReport) -> dict[str, Any]:
    """Versions, seed, matrix, catalog, plugins and instruments, and how many of
    the catalog's numbers are sourced or illustrative."""
    # Numbers, not items: every number is either sourced or illustrative
    # (riskcore.catalog.labels owns the rule); responses count too.
    cat = report.catalog
    items: list[Item] = [*cat.threats, *cat.mitigations, *cat.responses]
    labels = [label(item, name) for item in items for name, _ in numbers(item)]
    illustrative = labels.count("illustrative")
    sourced = labels.count("sourced")
    instruments = sorted(
        {(p.name, i) for p in report.assessment.provenance for i in p.instruments}
    )
    return {
        "riskcore_version": report.assessment.riskcore_version,
        "risk_method": report.register.method_version,
        "plan_method": report.plan.method_version,
        "seed": report.seed,
        "matrix": report.register.matrix.name,
        "catalog": cat.name,
        "illustrative_numbers": illustrative,
        "sourced_numbers": sourced,
        "unlabelled_numbers": len(labels) - illustrative - sourced,
        "plugins": [
            {
                "name": p.name,
                "distribution": p.distribution
                or ("riskcore (built-in)" if p.builtin else "-"),
                "version": p.version or "-",
                "status": p.status.value,
            }
            for p in report.plugins
        ],
        "instruments": [{"plugin": p, "instrument": i} for p, i in instruments],
    }


def heatmap_svg(report: PlanReport, *, cell: int = 64) -> str:
    """A likelihood × impact grid as inline SVG: inherent → residual counts.

    Each cell is coloured by the matrix level and shows how many risks sat there
    before the plan and how many after (``5 → 2``).
    """
    reg = report.register
    matrix = reg.matrix
    levels = [lv.name for lv in matrix.levels]
    colour = _colours(levels)
    li = {b.name: i for i, b in enumerate(matrix.likelihood_bands)}
    ii = {b.name: j for j, b in enumerate(matrix.impact_bands)}
    inherent = {r.id: r for r in report.inherent.risks}
    before: Counter[tuple[int, int]] = Counter()
    after: Counter[tuple[int, int]] = Counter()
    for r in reg.risks:
        src = inherent.get(r.id, r).inherent
        before[(li[src.likelihood_band], ii[src.impact_band])] += 1
        after[(li[r.residual.likelihood_band], ii[r.residual.impact_band])] += 1
    nl, ni = len(matrix.likelihood_bands), len(matrix.impact_bands)
    left, top = 120, 10
    width, height = left + ni * cell + 10, top + nl * cell + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
        'font-size="12"><title>Risk heat map: inherent to residual counts</title>'
    ]
    for i in range(nl):
        y = top + (nl - 1 - i) * cell
        name = escape(matrix.likelihood_bands[i].name)
        parts.append(
            f'<text x="{left - 6}" y="{y + cell / 2 + 4}" text-anchor="end">{name}</text>'
        )
        for j in range(ni):
            x = left + j * cell
            fill = colour[matrix.grid[i][j]]
            b, a = before.get((i, j), 0), after.get((i, j), 0)
            label = f"{b} → {a}" if (a or b) else ""
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{fill}" fill-opacity="0.8"><title>{escape(matrix.grid[i][j])}: '
                f"{b} before, {a} after</title></rect>"
            )
            if label:
                parts.append(
                    f'<text x="{x + cell / 2 - 1}" y="{y + cell / 2 + 4}" '
                    f'text-anchor="middle" fill="#fff" font-weight="bold">{label}</text>'
                )
    for j in range(ni):
        cx = left + j * cell + cell / 2
        name = escape(matrix.impact_bands[j].name)
        parts.append(
            f'<text x="{cx}" y="{top + nl * cell + 16}" text-anchor="middle">{name}</text>'
        )
    parts.append(
        f'<text x="{left + ni * cell / 2}" y="{top + nl * cell + 40}" '
        'text-anchor="middle" font-style="italic">impact → (rows: likelihood)</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
