"""The register's commands: record, decide, incident, review, due, history, diff,
incidents, runs, forget and audit verify.

Every command takes ``--db`` (a SQLite file or a PostgreSQL URL; default
``RISKCORE_DB``, else ``riskcore.db``). This module imports neither SQLAlchemy
nor pandas until a command runs, so ``riskcore --help`` stays light. Bad input
is one line naming the value, status 1, and nothing is written.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from riskcore.cli.common import (
    _date,
    _float_in,
    _int_in,
    _plugin_manager,
    _progress,
    _write_or_print,
    check_output,
    report_date,
)
from riskcore.store.vocab import DECISIONS, REVIEW_OUTCOMES

if TYPE_CHECKING:
    import pandas as pd

    from riskcore.store import Store

__all__ = ["add_parsers"]


def _open(args: argparse.Namespace) -> Store:
    try:
        from riskcore.store import open_store
    except ImportError as exc:  # pragma: no cover - the extra is in requirements-dev
        from riskcore.errors import StoreError

        raise StoreError(
            f"the register needs the store extra ({exc.name} is missing): "
            "pip install 'riskcore[store]'"
        ) from None

    return open_store(args.db, today=report_date(getattr(args, "today", None)))


def _show(frame: pd.DataFrame, args: argparse.Namespace, empty: str) -> None:
    fmt = getattr(args, "format", "text")
    if fmt == "csv":
        text = frame.to_csv(index=False)
    elif fmt == "json":
        text = frame.to_json(orient="records", date_format="iso", indent=2)
    elif frame.empty:
        text = empty
    else:
        text = frame.fillna("").to_string(index=False)
    _write_or_print(text, getattr(args, "output", None))


def cmd_record(args: argparse.Namespace) -> int:
    """Plan for a case and record the run in the register."""
    from riskcore import load_case
    from riskcore.workflow import build_plan

    case = load_case(args.case)
    pm = _plugin_manager(args)
    report = build_plan(
        case,
        seed=args.seed,
        n=0,
        strict=args.strict,
        pm=pm,
        progress=_progress(args),
        today=report_date(args.today),
    )
    with _open(args) as store:
        run = store.record(report, identifying=args.identifying, pm=pm)
    print(
        f"riskcore: recorded run {run}: {len(report.register.risks)} risks, "
        f"{len(report.armed)} responses armed, "
        f"{len(report.obligations.obligations)} legal duties"
        + ("" if report.complete else "; INCOMPLETE assessment"),
        file=sys.stderr,
    )
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    """Record a treatment decision on a risk."""
    with _open(args) as store:
        rec = store.decide(
            args.risk,
            args.decision,
            by=args.by,
            on=args.on,
            justification=args.justification,
            expires=args.expires,
            next_review=args.next_review,
            corrects=args.corrects,
        )
    print(f"riskcore: recorded decision {rec}", file=sys.stderr)
    return 0


def cmd_incident(args: argparse.Namespace) -> int:
    """Record an incident or a near miss."""
    with _open(args) as store:
        rec = store.incident(
            threat=args.threat,
            subject=args.subject,
            on=args.on,
            severity=args.severity,
            near_miss=args.near_miss,
            actions=args.actions,
            corrects=args.corrects,
        )
    print(f"riskcore: recorded incident {rec}", file=sys.stderr)
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Record a review of a risk or a legal duty."""
    with _open(args) as store:
        rec = store.review(
            args.target,
            by=args.by,
            on=args.on,
            outcome=args.outcome,
            note=args.note,
            corrects=args.corrects,
        )
    print(f"riskcore: recorded review {rec}", file=sys.stderr)
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    """What is due or overdue, most urgent first."""
    check_output(args.output)
    with _open(args) as store:
        frame = store.due(args.on, within=args.within)
    _show(frame, args, "nothing due")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """A subject's scores with the Reliable Change Index, and risk levels over time."""
    check_output(args.output)
    with _open(args) as store:
        scores = store.history(args.subject)
        if args.format != "text":
            _show(scores, args, "")
            return 0
        levels = store.levels(args.subject)
    print(f"scores of {args.subject} (RCI against the previous administration):")
    _show(scores, args, "  no scores")
    print(f"\nrisk levels of {args.subject}:")
    _show(levels, args, "  no risks")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    """Which risks changed level between two runs, and the factors that changed."""
    check_output(args.output)
    with _open(args) as store:
        frame = store.diff(args.run_a, args.run_b)
    _show(frame, args, "no risk changed level")
    return 0


def cmd_incidents(args: argparse.Namespace) -> int:
    """Every incident and near miss."""
    check_output(args.output)
    with _open(args) as store:
        frame = store.incidents()
    _show(frame, args, "no incidents recorded")
    return 0


def cmd_learn(args: argparse.Namespace) -> int:
    """Each threat's base likelihood: catalog prior -> posterior from the incidents."""
    check_output(args.output)
    with _open(args) as store:
        frame = store.learn(model=args.model, strength=args.strength, on=args.on)
    _show(frame, args, "no exposure recorded yet")
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    """Every recorded run."""
    check_output(args.output)
    with _open(args) as store:
        frame = store.runs()
    _show(frame, args, "no runs recorded")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    """Erase a subject's identifying fields (the audit chain records that it happened)."""
    with _open(args) as store:
        n = store.forget(args.subject)
    print(
        f"riskcore: erased {n} identifying value(s) of {args.subject}", file=sys.stderr
    )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Verify the hash chain and every row; name each problem."""
    with _open(args) as store:
        report = store.verify(args.witness)
    if report.ok:
        print(
            f"audit: {report.records} records, {report.rows} rows: chain intact, "
            "no row edited, deleted or re-ordered"
        )
        print(f"audit: head {report.head} (keep it; pass it as --witness later)")
        return 0
    for problem in report.problems:
        print(f"audit: {problem}")
    print(
        f"audit: FAILED: {len(report.problems)} problem(s) in {report.records} records",
        file=sys.stderr,
    )
    return 1


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the register's sub-commands to the ``riskcore`` parser.

    One builder per group, sharing the parent parsers of
    :func:`_parent_options`: recording, the questions asked of the register,
    and its upkeep.
    """
    db, out, corr = _parent_options()
    _add_recording(sub, common, db, corr)
    _add_questions(sub, db, out)
    _add_upkeep(sub, db)


def _parent_options() -> tuple[
    argparse.ArgumentParser, argparse.ArgumentParser, argparse.ArgumentParser
]:
    """The register's shared options: ``--db``/``--today``, the output format
    and file, and ``--corrects``."""
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument(
        "--db",
        help="the register: a SQLite file or a postgresql:// URL "
        "(default: RISKCORE_DB, else riskcore.db)",
    )
    db.add_argument(
        "--today",
        type=_date,
        help="today's date, YYYY-MM-DD, for the checks on future dates "
        "(default: SOURCE_DATE_EPOCH if set, else today, UTC)",
    )
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--format", choices=["text", "csv", "json"], default="text")
    out.add_argument("-o", "--output", help="write to this file instead of stdout")
    corr = argparse.ArgumentParser(add_help=False)
    corr.add_argument(
        "--corrects",
        type=_int_in(1, 2**31 - 1),
        metavar="RECORD",
        help="this record corrects record RECORD (nothing is edited in place)",
    )
    return db, out, corr


def _add_recording(
    sub: Any,
    common: argparse.ArgumentParser,
    db: argparse.ArgumentParser,
    corr: argparse.ArgumentParser,
) -> None:
    """``record``, ``decide``, ``incident`` and ``review``: what the register keeps."""
    p = sub.add_parser(
        "record",
        parents=[common, db],
        help="plan for a case and record the run in the register",
    )
    p.add_argument("case", help="case file (.yaml, .yml or .json)")
    p.add_argument("--seed", type=_int_in(0, 2**32 - 1), default=0)
    p.add_argument(
        "--identifying",
        action="store_true",
        help="also store names and protected attributes (the practice's opt-in; "
        "`riskcore forget` erases them)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=cmd_record)

    p = sub.add_parser(
        "decide", parents=[db, corr], help="record a treatment decision on a risk"
    )
    p.add_argument("risk", help="risk id, THREAT:SUBJECT (see `riskcore due`)")
    p.add_argument("decision", choices=DECISIONS)
    p.add_argument("--by", required=True, help="who decided (a pseudonymous id)")
    p.add_argument("--on", type=_date, required=True, help="decision date, YYYY-MM-DD")
    p.add_argument("--justification", required=True)
    p.add_argument("--expires", type=_date, help="when an acceptance lapses")
    p.add_argument("--next-review", type=_date, help="when to review the decision")
    p.set_defaults(func=cmd_decide)

    p = sub.add_parser(
        "incident", parents=[db, corr], help="record an incident or a near miss"
    )
    p.add_argument("--threat", required=True, help="threat id (catalog)")
    p.add_argument("--subject", required=True, help="pseudonymous subject id")
    p.add_argument("--on", type=_date, required=True, help="date, YYYY-MM-DD")
    p.add_argument(
        "--severity", required=True, help="an impact band of the matrix (e.g. minor)"
    )
    p.add_argument("--near-miss", action="store_true")
    p.add_argument("--actions", default="", help="actions taken")
    p.set_defaults(func=cmd_incident)

    p = sub.add_parser(
        "review", parents=[db, corr], help="record a review of a risk or a legal duty"
    )
    p.add_argument("target", help="THREAT:SUBJECT, or DUTY@SUBJECT for a legal duty")
    p.add_argument("--by", required=True)
    p.add_argument("--on", type=_date, required=True)
    p.add_argument("--outcome", required=True, choices=REVIEW_OUTCOMES)
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_review)


def _add_questions(
    sub: Any, db: argparse.ArgumentParser, out: argparse.ArgumentParser
) -> None:
    """``due``, ``history``, ``diff``, ``incidents``, ``learn`` and ``runs``."""
    p = sub.add_parser(
        "due", parents=[db, out], help="reviews, acceptances, check-ins and duties due"
    )
    p.add_argument("--on", type=_date, help="the date to look from (default: today)")
    p.add_argument(
        "--within",
        type=_int_in(0, 3650),
        default=30,
        help="also list what falls due within this many days (default 30)",
    )
    p.set_defaults(func=cmd_due)

    p = sub.add_parser(
        "history", parents=[db, out], help="a subject's scores and levels over time"
    )
    p.add_argument("subject")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser(
        "diff", parents=[db, out], help="risks that changed level between two runs"
    )
    p.add_argument("run_a", type=_int_in(1, 2**31 - 1))
    p.add_argument("run_b", type=_int_in(1, 2**31 - 1))
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("incidents", parents=[db, out], help="list incidents")
    p.set_defaults(func=cmd_incidents)

    p = sub.add_parser(
        "learn",
        parents=[db, out],
        help="update base likelihoods from the practice's incidents (prior -> posterior)",
    )
    p.add_argument(
        "--model", choices=["beta-binomial", "gamma-poisson"], default="beta-binomial"
    )
    p.add_argument(
        "--strength",
        type=_float_in(1e-6, 1e6),
        default=10.0,
        help="what the catalog default is worth, in subject-horizons "
        "(beta-binomial) or person-years (gamma-poisson); default 10",
    )
    p.add_argument("--on", type=_date, help="exposure up to this date (default today)")
    p.set_defaults(func=cmd_learn)

    p = sub.add_parser("runs", parents=[db, out], help="list recorded runs")
    p.set_defaults(func=cmd_runs)


def _add_upkeep(sub: Any, db: argparse.ArgumentParser) -> None:
    """``forget`` and ``audit verify``: erasure and the audit trail."""
    p = sub.add_parser(
        "forget", parents=[db], help="erase a subject's identifying fields"
    )
    p.add_argument("subject")
    p.set_defaults(func=cmd_forget)

    p = sub.add_parser("audit", parents=[db], help="verify the register's audit trail")
    p.add_argument("action", choices=["verify"])
    p.add_argument(
        "--witness",
        metavar="HASH",
        help="a head printed by an earlier verify: fail if it is no longer in the chain",
    )
    p.set_defaults(func=cmd_audit)
