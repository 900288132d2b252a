"""What a recorded run writes: the rows of a run, built from a plan report.

:meth:`riskcore.store.Store.record` appends these rows in one transaction:
the run, its pseudonymous subjects, responses, scores, risks, plan, armed
responses (including those armed by reliable deterioration against the
register's own history) and obligations.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import secrets
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from riskcore.store import chain
from riskcore.store import schema as db

if TYPE_CHECKING:
    from riskcore.plugins import PluginManager
    from riskcore.workflow import PlanReport

Rows = dict[sa.Table, list[dict[str, Any]]]


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def one_shot(encoder: json.JSONEncoder) -> Callable[[object], str]:
    """*encoder*'s ``encode``, made once: the standard library's C encoder with
    the encoder's settings, as ``encode`` itself builds on every call.

    ``JSONEncoder.encode`` makes a new C encoder each time it is called, which
    costs more than encoding a small value; a record encodes hundreds of them
    (issue #17). Without the C accelerator (not CPython, or an *indent*), it is
    ``encoder.encode``. The text is the same; only a circular value fails
    differently (``RecursionError``, not ``ValueError``: no markers are kept
    between calls, since an encoding that fails would leave its own behind).

    >>> enc = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
    >>> value = {"b": [1.5, None, "é"], "a": True}
    >>> one_shot(enc)(value) == enc.encode(value)
    True
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    indent: object = encoder.indent  # None unless set (typeshed omits None)
    if make is None or indent is not None:  # pragma: no cover - CPython
        return encoder.encode
    c_encoder = make(
        None,
        encoder.default,
        json.encoder.encode_basestring_ascii
        if encoder.ensure_ascii
        else json.encoder.encode_basestring,
        None,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )

    def encode(value: object) -> str:
        return "".join(c_encoder(value, 0))

    return encode


to_json = one_shot(_ENCODER)
"""A JSON column's text: sorted keys, no spaces, ASCII (``json.dumps`` with
``sort_keys=True, separators=(",", ":")``)."""


Reliabilities = dict[tuple[str, str], tuple[float, float, str, bool]]


_RELIABILITIES: weakref.WeakKeyDictionary[
    PluginManager, tuple[object, Reliabilities]
] = weakref.WeakKeyDictionary()


def reliabilities(pm: PluginManager) -> Reliabilities:
    """``(instrument, scale) -> (sd, r, source, higher_is_worse)`` from every plugin.

    ``riskcore_instruments`` is called once per plugin manager (its hookspec):
    the answer is kept per manager for as long as the same implementations are
    registered (:meth:`~riskcore.plugins.PluginManager.hook_state`), unless a
    plugin failed, which is asked again next time (issue #17: a record no
    longer hands a call to the plugins' worker thread).
    """
    state = pm.hook_state("riskcore_instruments")
    cached = _RELIABILITIES.get(pm)
    if cached is not None and cached[0] is state:
        return cached[1]
    out, complete = _reliabilities(pm)
    if complete:
        _RELIABILITIES[pm] = (state, out)
    return out


def _reliabilities(pm: PluginManager) -> tuple[Reliabilities, bool]:
    """The reliabilities of every plugin's instruments, and whether all answered."""
    from riskcore.instruments import InstrumentSpec

    out: Reliabilities = {}
    complete = True
    for outcome in pm.call_each("riskcore_instruments"):
        if not outcome.ok:
            complete = False
            continue
        if outcome.result is None:
            continue
        for spec in outcome.result:
            if not isinstance(spec, InstrumentSpec):
                continue
            for r in spec.reliability:
                out.setdefault(
                    (spec.id, r.scale),
                    (r.sd, r.r, r.source, spec.scale(r.scale).higher_is_worse),
                )
    return out, complete


def identity_rows(report: PlanReport) -> list[dict[str, Any]]:
    case = report.case
    values: list[tuple[str, str, str]] = []
    if case.practice.name:
        values.append((case.practice.id, "name", case.practice.name))
    for pro in case.professionals:
        if pro.name:
            values.append((pro.id, "name", pro.name))
    for client in case.clients:
        if client.name:
            values.append((client.id, "name", client.name))
        p = client.protected
        for fname in ("culture", "ethnicity", "religion", "gender"):
            v = getattr(p, fname)
            if v:
                values.append((client.id, fname, v))
        if p.languages:
            values.append((client.id, "languages", ",".join(p.languages)))
    rows = []
    for subject, fname, value in values:
        salt = secrets.token_hex(16)
        rows.append(
            {
                "subject": subject,
                "field": fname,
                "digest": chain.value_digest(salt, value),
                "value": value,
                "salt": salt,
            }
        )
    return rows


def run_rows(
    report: PlanReport,
    rel: Reliabilities,
    assessed_on: dt.date,
    *,
    identifying: bool,
) -> Rows:
    """Every row a recorded run writes, keyed by table; one builder per table."""
    responses = _response_rows(report, assessed_on)
    rows: Rows = {
        db.runs: [_run_row(report, assessed_on)],
        db.subjects: _subject_rows(report),
        db.responses: responses,
        db.scores: _score_rows(report, rel, assessed_on, responses),
        db.risks: _risk_rows(report),
        db.armed: _armed_rows(report),
        db.obligations: _duty_rows(report),
    }
    if identifying:
        rows[db.identities] = identity_rows(report)
    return rows


def _run_row(report: PlanReport, assessed_on: dt.date) -> dict[str, Any]:
    """The ``runs`` row: method versions, seed, matrix and the serialised plan."""
    from riskcore import __version__
    from riskcore.io import dumps

    matrix = report.register.matrix
    return {
        "case_id": report.case.id,
        "assessed_on": assessed_on,
        "method_version": report.register.method_version,
        "plan_method": report.plan.method_version,
        "seed": report.seed,
        "riskcore_version": __version__,
        "complete": report.complete,
        "matrix": to_json(
            {
                "name": matrix.name,
                "levels": [lv.name for lv in matrix.levels],
                "impact_bands": [b.name for b in matrix.impact_bands],
                "critical_review_days": matrix.critical_review_days,
                "horizon_days": report.register.horizon_days,
            }
        ),
        "plan": dumps(report.plan),
    }


def _subject_rows(report: PlanReport) -> list[dict[str, Any]]:
    """The ``subjects`` rows: professionals, then clients with their clinician."""
    case = report.case
    return [
        {"subject": p.id, "kind": "professional", "clinician": None}
        for p in case.professionals
    ] + [
        {"subject": c.id, "kind": "client", "clinician": c.clinician}
        for c in case.clients
    ]


_ITEM_TYPES = (int, float, type(None))
"""An item answer kept as it is; anything else is stored as ``"invalid"``."""


def _response_rows(report: PlanReport, assessed_on: dt.date) -> list[dict[str, Any]]:
    """The ``responses`` rows; a response without a date counts as ``assessed_on``."""
    rows = []
    for r in report.case.responses:
        items: Mapping[str, object] = r.items
        if not all(map(isinstance, items.values(), itertools.repeat(_ITEM_TYPES))):
            items = {
                k: (v if v is None or isinstance(v, (int, float)) else "invalid")
                for k, v in items.items()
            }
        rows.append(
            {
                "subject": r.subject,
                "instrument": r.instrument,
                "administered": r.administered or assessed_on,
                "items": to_json(items),
            }
        )
    return rows


def _score_rows(
    report: PlanReport,
    rel: Reliabilities,
    assessed_on: dt.date,
    responses: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The ``scores`` rows, dated by their response (the last one of a subject and
    instrument), with the reliability used for reliable change."""
    administered = {
        (r["subject"], r["instrument"]): r["administered"] for r in responses
    }
    rows = []
    for s in report.assessment.scores:
        sd, r_, source, hiw = rel.get((s.instrument, s.scale), (None, None, None, None))
        rows.append(
            {  # keys in sorted order: the row hash sorts them, faster when sorted
                "administered": administered.get(
                    (s.subject, s.instrument), assessed_on
                ),
                "band": s.band,
                "flags": to_json(sorted(f.code for f in s.flags)) if s.flags else "[]",
                "higher_is_worse": hiw,
                "instrument": s.instrument,
                "rel_r": r_,
                "rel_sd": sd,
                "rel_source": source,
                "scale": s.scale,
                "subject": s.subject,
                "value": s.value,
            }
        )
    return rows


def _risk_rows(report: PlanReport) -> list[dict[str, Any]]:
    """The ``risks`` rows: levels, review interval and the credited factors."""
    return [
        {  # keys in sorted order: the row hash sorts them, faster when sorted
            "critical": k.critical,
            "factors": to_json(
                sorted(
                    [f.reason, round(f.odds_ratio, 6)] for f in k.factors if f.credited
                )
            ),
            "impact": k.current.impact,
            "inherent_level": k.inherent_level,
            "level": k.level,
            "likelihood": k.current.likelihood,
            "planned_level": k.planned_level,
            "review_days": float(k.review_days),
            "risk_id": k.id,
            "subject": k.subject,
            "threat": k.threat,
        }
        for k in report.register.risks
    ]


def _armed_rows(report: PlanReport) -> list[dict[str, Any]]:
    """The ``armed`` rows of the responses the plan armed."""
    return [
        {
            "response": a.response,
            "subject": a.subject,
            "owner": a.owner,
            "hours": a.time_to_act_hours,
            "reason": a.reason,
        }
        for a in report.armed
    ]


def _duty_rows(report: PlanReport) -> list[dict[str, Any]]:
    """The ``obligations`` rows: each legal duty, its status and owner."""
    return [
        {
            "obligation": o.id,
            "subject": o.subject,
            "status": o.status.value,
            "name": o.name,
            "owner": o.owner,
            "hours": o.time_to_act_hours,
        }
        for o in report.obligations.obligations
    ]


DETERIORATION = "reliable-deterioration"
"""Flag code suffix of a reliably worse score: ``phq9.reliable-deterioration``."""


@functools.cache
def _earlier_scores() -> sa.Select[Any]:
    """Every earlier score of some subjects, instruments and scales, newest first.

    One query, built once (its parameters expand per record). Separate INs on
    the columns of ix_scores_subject_date (not a row-value IN, which SQLite
    answers by scanning the whole table: issue #17); the pairs that were not
    asked for are dropped by the caller.
    """
    c = db.scores.c
    return (
        sa.select(c.subject, c.instrument, c.scale, c.value, c.administered)
        .where(
            c.subject.in_(sa.bindparam("subjects", expanding=True)),
            c.instrument.in_(sa.bindparam("instruments", expanding=True)),
            c.scale.in_(sa.bindparam("scales", expanding=True)),
            c.value.is_not(None),
            c.administered < sa.bindparam("before"),
        )
        .order_by(c.administered.desc(), c.record.desc())
    )


def deterioration_armed(
    conn: sa.Connection, report: PlanReport, rows: Rows
) -> list[dict[str, Any]]:
    """Responses armed by reliable deterioration against the register's history."""
    from riskcore.instruments import Reliability, reliable_change
    from riskcore.model import Assessment, Flag, FlagLevel, Score
    from riskcore.responses import arm

    kinds = {
        (sc.subject, sc.instrument, sc.scale): sc.subject_kind
        for sc in report.assessment.scores
    }
    flagged: list[Score] = []
    notes: dict[tuple[str, str], str] = {}
    candidates = [
        new
        for new in rows[db.scores]
        if new["value"] is not None
        and new["rel_sd"] is not None
        and new["administered"] is not None
    ]
    if not candidates:
        return []
    keys = {(n["subject"], n["instrument"], n["scale"]) for n in candidates}
    history: dict[tuple[str, str, str], list[Any]] = {}
    for row in conn.execute(
        _earlier_scores(),
        {
            "subjects": sorted({k[0] for k in keys}),
            "instruments": sorted({k[1] for k in keys}),
            "scales": sorted({k[2] for k in keys}),
            "before": max(n["administered"] for n in candidates),
        },
    ):
        key = (row.subject, row.instrument, row.scale)
        if key in keys:
            history.setdefault(key, []).append(row)
    for new in candidates:
        key = (new["subject"], new["instrument"], new["scale"])
        before = next(
            (h for h in history.get(key, ()) if h.administered < new["administered"]),
            None,
        )
        if before is None:
            continue
        change = reliable_change(
            before.value,
            new["value"],
            Reliability(sd=new["rel_sd"], r=new["rel_r"], source=new["rel_source"]),
            higher_is_worse=bool(new["higher_is_worse"]),
        )
        if change.verdict != "reliably worse":
            continue
        code = f"{new['instrument']}.{DETERIORATION}"
        notes[(new["subject"], code)] = (
            f"flag:{code} ({new['scale']} {change.before:g} on "
            f"{before.administered.isoformat()} -> {change.after:g}, RC {change.rc:.2f}, "
            f"reliable change {change.threshold:.1f} points; {change.source})"
        )
        flagged.append(
            Score(
                subject=new["subject"],
                subject_kind=kinds[(new["subject"], new["instrument"], new["scale"])],
                instrument=new["instrument"],
                scale=new["scale"],
                value=new["value"],
                flags=[
                    Flag(
                        code=code,
                        level=FlagLevel.WARNING,
                        message="reliable deterioration since the previous administration",
                    )
                ],
            )
        )
    if not flagged:
        return []
    already = {(a["response"], a["subject"]): a for a in rows[db.armed]}
    out = []
    for a in arm(
        report.catalog, Assessment(case_id=report.case.id, scores=flagged), report.case
    ):
        reason = "; ".join(
            notes.get((a.subject or "", r.removeprefix("flag:")), r)
            for r in a.reason.split("; ")
        )
        same = already.get((a.response, a.subject))
        if same is not None:  # armed by the plan too: add the deterioration as a reason
            same["reason"] = f"{same['reason']}; {reason}" if same["reason"] else reason
            continue
        out.append(
            {
                "response": a.response,
                "subject": a.subject,
                "owner": a.owner,
                "hours": a.time_to_act_hours,
                "reason": reason,
            }
        )
    return out
