"""The questions the register answers, each as a pandas DataFrame.

Corrections are applied everywhere: a decision, incident or review that a later
record corrects is left out (the correction stands in its place); the audit
trail keeps both.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from riskcore.store import schema as db

if TYPE_CHECKING:
    import pandas as pd

    from riskcore.model import Catalog

__all__ = [
    "DUE_COLUMNS",
    "diff",
    "due",
    "history",
    "incidents",
    "learn",
    "levels",
    "runs",
    "since_last_review",
]

DUE_COLUMNS = [
    "due",
    "days_overdue",
    "kind",
    "subject",
    "item",
    "level",
    "critical",
    "detail",
]


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _effective(table: sa.Table) -> Any:
    """Rows of *table* whose record no later record corrects."""
    corrected = sa.select(db.ledger.c.corrects).where(db.ledger.c.corrects.is_not(None))
    return table.c.record.not_in(corrected)


def _latest_run(conn: sa.Connection) -> Any:
    return conn.execute(
        sa.select(db.runs.c.record, db.runs.c.assessed_on, db.runs.c.matrix)
        .order_by(db.runs.c.record.desc())
        .limit(1)
    ).first()


def runs(conn: sa.Connection) -> pd.DataFrame:
    """Every recorded run, oldest first."""
    cols = [
        "run",
        "case_id",
        "assessed_on",
        "recorded_at",
        "method_version",
        "plan_method",
        "seed",
        "riskcore_version",
        "complete",
    ]
    q = (
        sa.select(
            db.runs.c.record.label("run"),
            db.runs.c.case_id,
            db.runs.c.assessed_on,
            db.ledger.c.recorded_at,
            db.runs.c.method_version,
            db.runs.c.plan_method,
            db.runs.c.seed,
            db.runs.c.riskcore_version,
            db.runs.c.complete,
        )
        .join(db.ledger, db.ledger.c.seq == db.runs.c.record)
        .order_by(db.runs.c.record)
    )
    return _frame([dict(r) for r in conn.execute(q).mappings()], cols)


def due(conn: sa.Connection, on: dt.date, *, within: int = 30) -> pd.DataFrame:
    """Reviews, acceptances, check-ins and legal duties due by ``on + within`` days.

    * **risk review**: each risk of the latest run is due ``review_days`` (its
      level's cadence; the critical cadence for a critical risk) after its last
      review, or after the first run that recorded it if never reviewed;
    * **acceptance expires** / **decision review**: the expiry and next review
      dates of each risk's standing decision;
    * **check-in**: a subject is due a new administration ``min(review_days)``
      of their risks after their last one;
    * **legal duty**: a duty of the latest run not yet discharged (a review with
      outcome ``discharged``) is due ``time_to_act_hours`` after the run that
      first raised it.

    Ordered by urgency: the most overdue first, critical before the rest on
    the same day. ``days_overdue`` is negative for what is not yet due.
    """
    latest = _latest_run(conn)
    if latest is None:
        return _frame([], DUE_COLUMNS)
    found = _Due(on, within)
    run_dates = dict(
        conn.execute(sa.select(db.runs.c.record, db.runs.c.assessed_on)).all()
    )
    order = {n: i for i, n in enumerate(json.loads(latest.matrix)["levels"])}
    cadence, levels = _risk_reviews_due(conn, found, latest.record, run_dates, order)
    _decisions_due(conn, found, levels)
    _check_ins_due(conn, found, latest.record, cadence, levels)
    _legal_duties_due(conn, found, latest.record, run_dates)
    return found.frame()


_Levels = dict[str, tuple[str, bool]]
"""Subject -> (highest level of their risks, whether any of them is critical)."""


class _Due:
    """What falls due by ``on + within`` days, collected as :data:`DUE_COLUMNS` rows."""

    def __init__(self, on: dt.date, within: int) -> None:
        self.on = on
        self.horizon = on + dt.timedelta(days=within)
        self.rows: list[tuple[Any, ...]] = []

    def add(
        self,
        day: dt.date,
        kind: str,
        subject: str,
        item: str,
        level: str | None,
        critical: bool,
        detail: str,
    ) -> None:
        """Keep one item if it falls due by the horizon."""
        if day <= self.horizon:
            self.rows.append(
                (
                    day,
                    (self.on - day).days,
                    kind,
                    subject,
                    item,
                    level,
                    critical,
                    detail,
                )
            )

    def frame(self) -> pd.DataFrame:
        """Most overdue first; critical before the rest on the same day."""
        import pandas as pd

        self.rows.sort(key=lambda r: (r[0], not r[6], r[2], r[4]))
        return pd.DataFrame.from_records(self.rows, columns=DUE_COLUMNS)


def _risk_reviews_due(
    conn: sa.Connection,
    found: _Due,
    latest: int,
    run_dates: dict[int, dt.date],
    order: dict[str, int],
) -> tuple[dict[str, float], _Levels]:
    """Each risk of the latest run, due ``review_days`` after its last review (or
    the first run that recorded it); returns each subject's cadence and level."""
    r2 = db.risks.alias("r2")
    first_seen = (
        sa.select(sa.func.min(r2.c.record))
        .where(r2.c.risk_id == db.risks.c.risk_id)
        .scalar_subquery()
    )
    risk_rows = conn.execute(
        sa.select(
            db.risks.c.risk_id,
            db.risks.c.subject,
            db.risks.c.level,
            db.risks.c.critical,
            db.risks.c.review_days,
            first_seen.label("first"),
        ).where(db.risks.c.record == latest)
    ).all()
    last_review = dict(
        conn.execute(
            sa.select(db.reviews.c.target, sa.func.max(db.reviews.c.reviewed_on))
            .where(_effective(db.reviews))
            .group_by(db.reviews.c.target)
        ).all()
    )
    cadence: dict[str, float] = {}
    levels: _Levels = {}
    for risk_id, subject, level, critical, review_days, first in risk_rows:
        lv, crit = levels.get(subject, (level, False))
        if order.get(level, -1) > order.get(lv, -1):
            lv = level
        levels[subject] = (lv, crit or bool(critical))
        cadence[subject] = min(cadence.get(subject, math.inf), review_days)
        reviewed = last_review.get(risk_id)
        anchor = reviewed or run_dates[first]
        days = math.ceil(review_days)
        found.add(
            anchor + dt.timedelta(days=days),
            "risk review",
            subject,
            risk_id,
            level,
            bool(critical),
            f"every {days} days at level {level}; last "
            f"{'reviewed' if reviewed else 'recorded'} {anchor.isoformat()}",
        )
    return cadence, levels


def _decisions_due(conn: sa.Connection, found: _Due, levels: _Levels) -> None:
    """The expiry and next review of each risk's latest standing decision."""
    standing = (
        sa.select(db.decisions)
        .where(_effective(db.decisions))
        .order_by(db.decisions.c.record)
    )
    decided: dict[str, Any] = {}
    for d in conn.execute(standing):
        decided[d.risk_id] = d  # the latest standing decision per risk
    for risk_id, d in sorted(decided.items()):
        subject = risk_id.split(":", 1)[-1]
        crit = levels.get(subject, ("", False))[1]
        detail = f"{d.decision} by {d.by_whom} on {d.decided_on.isoformat()}"
        if d.expires is not None:
            kind = (
                "acceptance expires" if d.decision == "accept" else "decision expires"
            )
            found.add(d.expires, kind, subject, risk_id, None, crit, detail)
        if d.next_review is not None:
            found.add(
                d.next_review, "decision review", subject, risk_id, None, crit, detail
            )


def _check_ins_due(
    conn: sa.Connection,
    found: _Due,
    latest: int,
    cadence: dict[str, float],
    levels: _Levels,
) -> None:
    """A new administration ``min(review_days)`` after a subject's last one."""
    last_given = (
        sa.select(sa.func.max(db.responses.c.administered))
        .where(db.responses.c.subject == db.subjects.c.subject)
        .scalar_subquery()
    )
    for subject, last in conn.execute(
        sa.select(db.subjects.c.subject, last_given).where(
            db.subjects.c.record == latest
        )
    ).all():
        if last is None or subject not in cadence:
            continue
        days = math.ceil(cadence[subject])
        found.add(
            last + dt.timedelta(days=days),
            "check-in",
            subject,
            subject,
            levels[subject][0],
            levels[subject][1],
            f"last administration {last.isoformat()}; cadence {days} days",
        )


def _legal_duties_due(
    conn: sa.Connection, found: _Due, latest: int, run_dates: dict[int, dt.date]
) -> None:
    """Each undischarged duty of the latest run, due ``time_to_act_hours`` after
    the run that first raised it; always critical."""
    discharged = {
        t
        for (t,) in conn.execute(
            sa.select(db.reviews.c.target).where(
                _effective(db.reviews), db.reviews.c.outcome == "discharged"
            )
        ).all()
    }
    o2 = db.obligations.alias("o2")
    first_duty = (
        sa.select(sa.func.min(o2.c.record))
        .where(
            o2.c.obligation == db.obligations.c.obligation,
            o2.c.subject == db.obligations.c.subject,
        )
        .scalar_subquery()
    )
    for o in conn.execute(
        sa.select(db.obligations, first_duty.label("first")).where(
            db.obligations.c.record == latest
        )
    ):
        key = f"{o.obligation}@{o.subject}"
        if key in discharged:
            continue
        found.add(
            run_dates[o.first] + dt.timedelta(days=math.ceil(o.hours / 24)),
            "legal duty",
            o.subject,
            key,
            None,
            True,
            f"{o.name} ({o.status}); owner {o.owner}, within {o.hours:g} h",
        )


def history(conn: sa.Connection, subject: str) -> pd.DataFrame:
    """A subject's scores over time, with the Reliable Change Index between administrations.

    One row per (instrument, scale, administration date): when the same
    administration was recorded by several runs, the latest run's row stands.
    ``rc``, ``threshold`` and ``verdict`` compare each score with the previous
    administration of the same scale, by
    :func:`riskcore.instruments.reliable_change` with the reliability recorded
    with the score (its source in ``source``); empty when the instrument
    declares none.
    """
    from riskcore.instruments import Reliability, reliable_change

    cols = [
        "administered", "instrument", "scale", "value", "band", "run",
        "change", "rc", "threshold", "verdict", "source",
    ]  # fmt: skip
    q = (
        sa.select(db.scores)
        .where(db.scores.c.subject == subject)
        .order_by(
            db.scores.c.instrument,
            db.scores.c.scale,
            db.scores.c.administered,
            db.scores.c.record,
        )
    )
    latest: dict[tuple[str, str, dt.date | None], Any] = {}
    for s in conn.execute(q):
        latest[(s.instrument, s.scale, s.administered)] = s
    rows: list[dict[str, Any]] = []
    prev: dict[tuple[str, str], Any] = {}
    for (inst, scale, day), s in latest.items():
        row = {
            "administered": day, "instrument": inst, "scale": scale,
            "value": s.value, "band": s.band, "run": s.record,
            "change": None, "rc": None, "threshold": None, "verdict": None,
            "source": s.rel_source,
        }  # fmt: skip
        before = prev.get((inst, scale))
        if before is not None and before.value is not None and s.value is not None:
            row["change"] = s.value - before.value
            if s.rel_sd is not None and s.rel_r is not None and s.rel_source:
                ch = reliable_change(
                    before.value,
                    s.value,
                    Reliability(sd=s.rel_sd, r=s.rel_r, source=s.rel_source),
                    higher_is_worse=bool(s.higher_is_worse),
                )
                row.update(rc=ch.rc, threshold=ch.threshold, verdict=ch.verdict)
        if s.value is not None:
            prev[(inst, scale)] = s
        rows.append(row)
    rows.sort(
        key=lambda r: (r["administered"] or dt.date.min, r["instrument"], r["scale"])
    )
    return _frame(rows, cols)


def levels(conn: sa.Connection, subject: str) -> pd.DataFrame:
    """A subject's risks over the recorded runs: inherent, current and planned level."""
    cols = [
        "assessed_on", "run", "risk_id", "threat", "inherent_level", "level",
        "planned_level", "critical",
    ]  # fmt: skip
    q = (
        sa.select(
            db.runs.c.assessed_on,
            db.risks.c.record.label("run"),
            db.risks.c.risk_id,
            db.risks.c.threat,
            db.risks.c.inherent_level,
            db.risks.c.level,
            db.risks.c.planned_level,
            db.risks.c.critical,
        )
        .join(db.runs, db.runs.c.record == db.risks.c.record)
        .where(db.risks.c.subject == subject)
        .order_by(db.risks.c.record, db.risks.c.risk_id)
    )
    return _frame([dict(r) for r in conn.execute(q).mappings()], cols)


def diff(conn: sa.Connection, run_a: int, run_b: int) -> pd.DataFrame:
    """Risks whose level changed from run A to run B (or that appeared or went), and why.

    ``change`` is ``up``, ``down``, ``new`` or ``gone``; ``factors_added`` and
    ``factors_removed`` are the credited factors (reason and odds ratio) that
    differ between the runs.
    """
    cols = [
        "risk_id", "subject", "threat", "level_a", "level_b", "change",
        "critical_b", "factors_added", "factors_removed",
    ]  # fmt: skip
    matrix = json.loads(
        conn.execute(
            sa.select(db.runs.c.matrix).where(db.runs.c.record == run_b)
        ).scalar_one()
    )
    order = {name: i for i, name in enumerate(matrix["levels"])}

    def load(run: int) -> dict[str, Any]:
        q = sa.select(db.risks).where(db.risks.c.record == run)
        return {r.risk_id: r for r in conn.execute(q)}

    a, b = load(run_a), load(run_b)
    rows: list[dict[str, Any]] = []
    for risk_id in sorted(set(a) | set(b)):
        ra, rb = a.get(risk_id), b.get(risk_id)
        fa = {tuple(f) for f in json.loads(ra.factors)} if ra else set()
        fb = {tuple(f) for f in json.loads(rb.factors)} if rb else set()
        if ra is None:
            change = "new"
        elif rb is None:
            change = "gone"
        elif ra.level == rb.level:
            continue
        else:
            up = order.get(rb.level, -1) > order.get(ra.level, -1)
            change = "up" if up else "down"
        some = rb if rb is not None else ra
        assert some is not None
        rows.append(
            {
                "risk_id": risk_id,
                "subject": some.subject,
                "threat": some.threat,
                "level_a": ra.level if ra else None,
                "level_b": rb.level if rb else None,
                "change": change,
                "critical_b": bool(rb.critical) if rb else False,
                "factors_added": "; ".join(
                    f"{r} (OR {o:g})" for r, o in sorted(fb - fa)
                ),
                "factors_removed": "; ".join(
                    f"{r} (OR {o:g})" for r, o in sorted(fa - fb)
                ),
            }
        )
    return _frame(rows, cols)


def incidents(conn: sa.Connection) -> pd.DataFrame:
    """Every incident and near miss still standing (corrections applied), oldest first."""
    cols = [
        "record", "occurred_on", "threat", "subject", "severity", "near_miss",
        "actions", "corrects",
    ]  # fmt: skip
    q = (
        sa.select(
            db.incidents.c.record,
            db.incidents.c.occurred_on,
            db.incidents.c.threat,
            db.incidents.c.subject,
            db.incidents.c.severity,
            db.incidents.c.near_miss,
            db.incidents.c.actions,
            db.ledger.c.corrects,
        )
        .join(db.ledger, db.ledger.c.seq == db.incidents.c.record)
        .where(_effective(db.incidents))
        .order_by(db.incidents.c.occurred_on, db.incidents.c.record)
    )
    return _frame([dict(r) for r in conn.execute(q).mappings()], cols)


def learn(
    conn: sa.Connection,
    catalog: Catalog,
    *,
    model: str,
    strength: float,
    on: dt.date,
) -> pd.DataFrame:
    """Prior → posterior of each exposed threat's base likelihood (see :meth:`Store.learn`)."""
    from riskcore.model.distributions import mean_of
    from riskcore.store.learning import beta_binomial, gamma_poisson

    cols = [
        "threat", "model", "prior_mean", "strength", "events", "exposure", "unit",
        "posterior_mean", "low", "high", "subjects", "prior_source",
    ]  # fmt: skip
    latest = _latest_run(conn)
    if latest is None:
        return _frame([], cols)
    horizon_days = float(json.loads(latest.matrix).get("horizon_days", 365.0))
    first = (
        sa.select(
            db.risks.c.threat,
            db.risks.c.subject,
            sa.func.min(db.runs.c.assessed_on).label("since"),
        )
        .join(db.runs, db.runs.c.record == db.risks.c.record)
        .group_by(db.risks.c.threat, db.risks.c.subject)
    )
    days: dict[str, float] = {}
    subjects: dict[str, int] = {}
    for threat, _subject, since in conn.execute(first):
        span = max((on - since).days, 0)
        days[threat] = days.get(threat, 0.0) + span
        subjects[threat] = subjects.get(threat, 0) + 1
    events: dict[str, int] = {
        str(threat): int(n)
        for threat, n in conn.execute(
            sa.select(db.incidents.c.threat, sa.func.count())
            .where(
                _effective(db.incidents),
                db.incidents.c.near_miss.is_(False),
                db.incidents.c.occurred_on <= on,
            )
            .group_by(db.incidents.c.threat)
        ).all()
    }
    rows: list[dict[str, Any]] = []
    for t in catalog.threats:
        exposed = days.get(t.id, 0.0)
        if exposed <= 0:
            continue
        p0 = mean_of(t.base_likelihood)
        k = events.get(t.id, 0)
        if model == "beta-binomial":
            u = beta_binomial(p0, strength, k, exposed / horizon_days)
        else:
            u = gamma_poisson(p0, horizon_days / 365.25, strength, k, exposed / 365.25)
        source = (
            t.source.citation
            if t.source is not None and "base_likelihood" in t.sourced
            else "illustrative catalog default"
        )
        rows.append(
            {
                "threat": t.id, "model": u.model, "prior_mean": u.prior_mean,
                "strength": strength, "events": k, "exposure": u.exposure,
                "unit": u.unit, "posterior_mean": u.posterior_mean, "low": u.low,
                "high": u.high, "subjects": subjects[t.id], "prior_source": source,
            }
        )  # fmt: skip
    return _frame(rows, cols)


def since_last_review(conn: sa.Connection, on: dt.date) -> dict[str, Any]:
    """See :meth:`riskcore.store.Store.since_last_review`."""
    last = conn.execute(
        sa.select(sa.func.max(db.reviews.c.reviewed_on)).where(
            _effective(db.reviews), db.reviews.c.reviewed_on <= on
        )
    ).scalar()
    latest = _latest_run(conn)
    sections: list[tuple[str, list[str]]] = []
    if latest is None:
        return {"since": last, "sections": sections}
    then_q = sa.select(sa.func.max(db.runs.c.record))
    if last is not None:
        then_q = then_q.where(db.runs.c.assessed_on <= last)
    then: int = (
        conn.execute(then_q).scalar()
        or conn.execute(sa.select(sa.func.min(db.runs.c.record))).scalar_one()
    )
    changed = diff(conn, then, latest.record).to_dict("records")
    sections.append(
        (
            f"New and changed risks (run {then} → run {latest.record})",
            [
                f"{r['risk_id']}: {r['level_a'] or 'none'} → {r['level_b'] or 'gone'} "
                f"({r['change']})"
                + (
                    f"; factors added: {r['factors_added']}"
                    if r["factors_added"]
                    else ""
                )
                + (f"; removed: {r['factors_removed']}" if r["factors_removed"] else "")
                for r in changed
            ],
        )
    )
    inc = incidents(conn)
    if last is not None:
        inc = inc[inc["occurred_on"] > last]
    sections.append(
        (
            "Incidents since" + (f" {last.isoformat()}" if last else " the first run"),
            [
                f"{r['occurred_on']} {r['threat']} ({r['subject']}): {r['severity']}"
                + (" (near miss)" if r["near_miss"] else "")
                for r in inc.to_dict("records")
            ],
        )
    )
    due_now = due(conn, on, within=30)
    expiring = due_now[due_now["kind"].isin(["acceptance expires", "decision expires"])]
    sections.append(
        (
            "Decisions expiring within 30 days",
            [
                f"{r['item']}: {r['kind']} {r['due']} ({r['detail']})"
                for r in expiring.to_dict("records")
            ],
        )
    )
    critical = sorted(
        {
            s
            for (s,) in conn.execute(
                sa.select(db.risks.c.subject).where(
                    db.risks.c.record == latest.record, db.risks.c.critical.is_(True)
                )
            ).all()
        }
    )
    lines: list[str] = []
    for subject in critical:
        hist = history(conn, subject)
        for (inst, scale), rows in hist.groupby(["instrument", "scale"], sort=True):
            values = rows.dropna(subset=["value"])
            if len(values) < 2:
                continue
            first, last_row = values.iloc[0], values.iloc[-1]
            verdicts = [v for v in values["verdict"].tolist() if isinstance(v, str)]
            lines.append(
                f"{subject} {inst} {scale}: {first['value']:g} ({first['administered']}) → "
                f"{last_row['value']:g} ({last_row['administered']})"
                + (f"; last change: {verdicts[-1]}" if verdicts else "")
            )
    sections.append(("Trajectory of each critical subject", lines))
    return {"since": last, "sections": sections}
