"""What the HTML and Markdown reports show people, beyond the plain context.

:func:`riskcore.report.context.build_context` is the data every format
(JSON included) is rendered from; this module adds the views only the
human-readable formats need, so the JSON report does not change:

* the register grouped by threat (one row per threat, with its subjects and
  their levels, the owner and the treatment);
* one integrated view per subject (scores, risks with their explanations,
  legal duties and armed responses);
* a duty's checklist as "do all of" steps, with alternatives as "or one of";
* triggers in words, and the glossary.

Numbers for people go through :mod:`riskcore.plain` (the ``money``, ``hours``
and ``num`` template filters).

.. versionadded:: 0.1
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from riskcore.model.sections import alternative_groups
from riskcore.plain import hours, money, number
from riskcore.report.context import subject_namer

if TYPE_CHECKING:
    from riskcore.workflow import PlanReport

_T = TypeVar("_T")

__all__ = [
    "GLOSSARY",
    "checklist_groups",
    "extend_context",
    "filters",
    "trigger_words",
]

GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        "Expected harm (severity-weighted)",
        "For each risk, the chance it happens over the horizon times its impact on "
        "the 1 (negligible) to 5 (catastrophic) severity scale; the report adds "
        "these up. It compares plans and risks with each other: it is not a count "
        "of incidents and has no unit.",
    ),
    (
        "Strict figure / all safeguards",
        "The strict figure credits only independent protection layers (one per "
        "shared dependency, docs/crediting.md); the all-safeguards figure credits "
        "every layer. Levels and the plan use the strict figure.",
    ),
    (
        "Inherent, now, planned",
        "A risk's level with no control; with the controls in force today; and "
        "once the plan is in place.",
    ),
    (
        "Tolerance (target)",
        "The level a risk should be at or below. With no budget, the planner "
        "looks for the cheapest plan that brings every risk within it.",
    ),
    (
        "Critical",
        "A risk a critical screening item, a threat or a legal duty raised: it is "
        "never shown below the critical floor and its responses are armed first.",
    ),
    (
        "Incomplete",
        "Something could not be assessed (a missing answer, a failed plugin). An "
        "incomplete assessment is never evidence of safety.",
    ),
)
"""Terms the report uses, in the words it explains them with."""


def filters(currency: str) -> dict[str, Any]:
    """The number-formatting filters of the report templates.

    >>> f = filters("EUR")
    >>> f["money"](3000), f["hours"](0), f["num"](0.0000123)
    ('€3,000', 'immediately', '0.0000123')
    """
    return {
        "money": lambda x: money(float(x), currency),
        "hours": lambda h: hours(float(h)),
        "num": lambda x: number(float(x)),
    }


def _words(code: str) -> str:
    return code.replace("-", " ")


_LEVEL = re.compile(r"^level:([a-z0-9-]+)>=([a-z0-9-]+)$")
_REQUIRED = re.compile(r"^required: critical risk ([a-z0-9-]+):(\S+)$")


def trigger_words(reason: str, threat_names: Mapping[str, str]) -> str:
    """Why a response was armed, in words (the codes stay in the JSON report).

    >>> names = {"third-party-violence": "Threat of violence against a third party"}
    >>> trigger_words("observation:threat-communicated:imminent; "
    ...               "level:third-party-violence>=very-high", names)
    'observation: threat communicated (imminent); Threat of violence against a third party at very high or above'
    >>> trigger_words("flag:phq9.item9-positive", names)
    'screening flag phq9.item9-positive'
    >>> trigger_words("required: critical risk third-party-violence:c-07", names)
    'required by the critical risk Threat of violence against a third party for c-07'
    """
    parts = []
    for part in (p.strip() for p in reason.split(";")):
        level = _LEVEL.match(part)
        required = _REQUIRED.match(part)
        if level:
            threat, at = level.groups()
            name = threat_names.get(threat, _words(threat))
            parts.append(f"{name} at {_words(at)} or above")
        elif required:
            threat, subject = required.groups()
            name = threat_names.get(threat, _words(threat))
            parts.append(f"required by the critical risk {name} for {subject}")
        elif part.startswith("flag:"):
            parts.append(f"screening flag {part.removeprefix('flag:')}")
        elif part.startswith("observation:"):
            code, _, qualifier = part.removeprefix("observation:").partition(":")
            text = f"observation: {_words(code)}"
            parts.append(f"{text} ({_words(qualifier)})" if qualifier else text)
        else:
            parts.append(part)
    return "; ".join(p for p in parts if p)


def checklist_groups(checklist: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A duty's checklist as steps to do all of, alternatives grouped.

    Items that name each other in ``any_of`` are one step, "or one of" them;
    every other item is a step of its own. Steps keep the checklist's order
    (a group sits where its first item is).

    >>> steps = checklist_groups([
    ...     {"id": "warn", "title": "Warn", "any_of": []},
    ...     {"id": "police", "title": "Police", "any_of": ["hospital"]},
    ...     {"id": "hospital", "title": "Hospital", "any_of": ["police"]},
    ...     {"id": "note", "title": "Document", "any_of": []}])
    >>> [(s["kind"], [i["title"] for i in s["items"]]) for s in steps]
    [('do', ['Warn']), ('one-of', ['Police', 'Hospital']), ('do', ['Document'])]
    """
    # the one grouping rule: riskcore.model.sections.alternative_groups
    pairs = [(str(c.get("id")), tuple(c.get("any_of") or ())) for c in checklist]
    return [
        {
            "kind": "one-of" if kind == "one-of" else "do",
            "items": [checklist[i] for i in positions],
        }
        for kind, positions in alternative_groups(pairs)
    ]


def _treatment(risk: Any, names: Mapping[str, str], armed: Sequence[str]) -> str:
    planned = [
        names.get(lay.id, lay.id) for lay in risk.layers if lay.kind != "response"
    ]
    responses = [names.get(r, r) for r in armed]
    parts = []
    if planned:
        parts.append("treat: " + ", ".join(dict.fromkeys(planned)))
    if responses:
        parts.append("respond: " + ", ".join(dict.fromkeys(responses)))
    if parts:
        return "; ".join(parts)
    if risk.within_tolerance:
        return "tolerate (within tolerance, no control needed)"
    return "above tolerance with no control available: escalate to the practice lead"


def _same_levels(entries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A threat's subjects, those with the same levels (and marks) together,
    in the register's order: one line instead of twelve identical rows."""
    lines: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in entries:
        key = (
            e["inherent"],
            e["now"],
            e["residual"],
            e["critical"],
            e["incomplete"],
            e["within_tolerance"],
        )
        line = lines.setdefault(key, {**e, "subjects": []})
        line["subjects"].append({"id": e["subject_id"], "label": e["subject"]})
    return list(lines.values())


def _group_treatment(
    entries: Sequence[Mapping[str, Any]], names: Mapping[str, str]
) -> list[str]:
    """What the plan does about a threat, over all its subjects."""
    controls = dict.fromkeys(c for e in entries for c in e["controls"])
    responses = dict.fromkeys(r for e in entries for r in e["responses"])
    out = []
    if controls:
        out.append("treat: " + ", ".join(names.get(c, c) for c in controls))
    if responses:
        out.append("respond: " + ", ".join(names.get(r, r) for r in responses))
    bare = [e for e in entries if not e["controls"] and not e["responses"]]
    if bare and all(e["within_tolerance"] for e in bare):
        out.append(f"tolerate for {len(bare)} subject(s) within tolerance")
    elif bare:
        out.append(f"{len(bare)} subject(s) above tolerance with no control: escalate")
    return out


def extend_context(
    ctx: dict[str, Any], report: PlanReport, *, identifying: bool = False
) -> dict[str, Any]:
    """*ctx* with the grouped register, the per-subject views and the glossary.

    A risk's owner is the client's clinician for a client's risk, else the
    owner of the first planned control on it, else the practice lead; its
    treatment names the planned controls and armed responses, or says it is
    tolerated (within tolerance) or must be escalated.
    """
    cat = report.catalog
    control_name = {m.id: m.name for m in cat.mitigations}
    control_name.update({r.id: r.name for r in cat.responses})
    threat_names = {t.id: t.name for t in cat.threats}
    per_risk = _per_risk(ctx, report, control_name)
    out = dict(ctx)
    out["register_groups"] = _register_groups(ctx, per_risk, control_name)
    out["subjects"] = _subject_views(
        ctx,
        report,
        per_risk,
        subject_namer(report.case, identifying=identifying),
        control_name,
        threat_names,
    )
    out["glossary"] = [{"term": t, "text": x} for t, x in GLOSSARY]
    out["currency"] = report.case.practice.currency
    for d, o in zip(out["duties"], report.obligations.obligations, strict=True):
        ids = {c.id: c.any_of for c in o.checklist}
        d["steps"] = checklist_groups(
            [
                {**c, "id": cid, "any_of": ids[cid]}
                for c, cid in zip(d["checklist"], ids, strict=True)
            ]
        )
    for a in out["armed"]:
        a["trigger"] = trigger_words(a["reason"], threat_names)
    for a in out["urgent_armed"]:
        a["trigger"] = trigger_words(a["reason"], threat_names)
    return out


def _per_risk(
    ctx: Mapping[str, Any], report: PlanReport, control_name: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """Each risk's context row with its owner, treatment, controls and the
    responses armed for it."""
    owner_of = {m.id: m.owner for m in report.catalog.mitigations if m.owner}
    clinician = {c.id: c.clinician for c in report.case.clients if c.clinician}
    rows = {row["id"]: row for row in ctx["risks"]}

    def owner(r: Any) -> str:
        if r.subject in clinician:
            return f"clinician {clinician[r.subject]}"
        for lay in r.layers:
            if lay.id in owner_of:
                return str(owner_of[lay.id])
        return "practice lead"

    armed_for = _by_subject(report.armed, lambda a: a.subject)

    def responses(r: Any) -> list[str]:
        # the responses armed for this risk: required by it, or armed by a
        # trigger on its threat
        wanted = set(r.required_responses)
        return [
            a.response
            for a in armed_for.get(r.subject, ())
            if a.response in wanted or f"level:{r.threat}>=" in a.reason
        ]

    per_risk: dict[str, dict[str, Any]] = {}
    for r in report.register.risks:
        armed_here = responses(r)
        extra = {
            "owner": owner(r),
            "treatment": _treatment(r, control_name, armed_here),
            "controls": [lay.id for lay in r.layers if lay.kind != "response"],
            "responses": armed_here,
            "subject_id": r.subject,
        }
        per_risk[r.id] = {**rows[r.id], **extra}
    return per_risk


def _register_groups(
    ctx: Mapping[str, Any],
    per_risk: Mapping[str, dict[str, Any]],
    control_name: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The register grouped by threat, in the register's order: its subjects
    with the same levels on one line, its owners and what the plan does."""
    groups: dict[str, dict[str, Any]] = {}
    for row_id in (row["id"] for row in ctx["risks"]):  # the register's order
        row = per_risk[row_id]
        g = groups.setdefault(
            row["threat"],
            {
                "threat": row["threat"],
                "threat_name": row["threat_name"],
                "category": row["category"],
                "entries": [],
                "owners": {},  # an ordered set: a list grew with owners x rows
                "treatments": [],
                "critical": False,
            },
        )
        g["entries"].append(row)
        g["critical"] = g["critical"] or row["critical"]
        g["owners"][row["owner"]] = None
    for g in groups.values():
        g["owners"] = list(g["owners"])
        g["levels"] = _same_levels(g["entries"])
        g["treatments"] = _group_treatment(g["entries"], control_name)
        clinicians = [o.removeprefix("clinician ") for o in g["owners"]]
        if len(clinicians) > 1 and all(o.startswith("clinician ") for o in g["owners"]):
            g["owners"] = [f"each client's clinician ({', '.join(sorted(clinicians))})"]
    return list(groups.values())


def _subject_views(
    ctx: Mapping[str, Any],
    report: PlanReport,
    per_risk: Mapping[str, dict[str, Any]],
    who: Callable[[str | None], str],
    control_name: Mapping[str, str],
    threat_names: Mapping[str, str],
) -> list[dict[str, Any]]:
    """One view per subject with anything to show: scores, risks, legal duties
    and armed responses, in the case's order."""
    subjects = []
    scores_of = _by_subject(report.assessment.scores, lambda s: s.subject)
    risks_of = _by_subject(
        (per_risk[row["id"]] for row in ctx["risks"]), lambda r: r["subject_id"]
    )
    duties_of = _by_subject(report.obligations.obligations, lambda o: o.subject)
    armed_of = _by_subject(report.armed, lambda a: a.subject)
    for subject in report.case.subjects():
        sid = subject.id
        mine = risks_of.get(sid, [])
        duties = [
            {
                "name": o.name,
                "status": o.status.value,
                "owner": o.owner,
                "hours": o.time_to_act_hours,
            }
            for o in duties_of.get(sid, ())
        ]
        armed = [
            {
                "name": control_name.get(a.response, a.response),
                "owner": a.owner,
                "hours": a.time_to_act_hours,
                "reason": trigger_words(a.reason, threat_names),
            }
            for a in armed_of.get(sid, ())
        ]
        scores = [_score_row(s) for s in scores_of.get(sid, ())]
        if not (mine or scores or duties or armed):
            continue
        subjects.append(
            {
                "id": sid,
                "label": who(sid),
                "kind": subject.KIND.value,
                "scores": scores,
                "risks": mine,
                "duties": duties,
                "armed": armed,
                "critical": any(r["critical"] for r in mine),
            }
        )
    return subjects


def _by_subject(
    items: Iterable[_T], subject: Callable[[_T], str | None]
) -> dict[str | None, list[_T]]:
    """*items* grouped by their subject, each group in the items' order: one
    pass, so that a view per subject costs no more than the items (looking
    them up subject by subject grew with clients × items).

    >>> _by_subject(["c-1:a", "t-1:b", "c-1:c"], lambda x: x.split(":")[0])
    {'c-1': ['c-1:a', 'c-1:c'], 't-1': ['t-1:b']}
    """
    groups: dict[str | None, list[_T]] = {}
    for item in items:
        groups.setdefault(subject(item), []).append(item)
    return groups


def _score_row(s: Any) -> dict[str, Any]:
    """A score as the subject view shows it (``12 of 27``, or ``missing``)."""
    return {
        "instrument": s.instrument,
        "scale": s.scale,
        "value": "missing"
        if s.value is None
        else number(s.value)
        + (f" of {number(s.maximum)}" if s.maximum is not None else ""),
        "band": s.band or "",
        "flags": [f.code for f in s.flags],
        "complete": s.complete,
        "missing_reason": s.missing_reason or "",
    }
