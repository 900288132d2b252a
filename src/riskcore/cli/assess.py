"""``riskcore assess`` and ``riskcore explain``: the assessment of a case, and
why a risk has its level.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from riskcore.cli.common import (
    EXIT_CODES_HELP,
    EXIT_OK,
    _done,
    _failure_line,
    _plugin_manager,
    _writing,
    check_output,
    keep_until_exit,
    report_date,
    suggest,
)

__all__ = ["add_parsers", "cmd_assess", "cmd_explain", "score_table"]


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``assess`` and ``explain`` to the ``riskcore`` command's sub-parsers."""
    from riskcore.cli.parser import done_options

    p = sub.add_parser(
        "assess",
        parents=[common, done_options()],
        help="assess a case file: a score table per subject",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("case", help="case file (.yaml, .yml or .json)")
    p.add_argument("-o", "--output", help="write the assessment as JSON to this file")
    p.set_defaults(func=cmd_assess)

    p = sub.add_parser(
        "explain",
        parents=[common],
        help="why a risk has its level (factors, layers credited, sources)",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("case", help="case file (.yaml, .yml or .json)")
    p.add_argument("risk", help="risk id, e.g. client-self-harm:c-04")
    p.set_defaults(func=cmd_explain)


def score_table(assessment: Any, subject: str) -> list[str]:
    """The lines of one subject's score table: instrument, scale, value, band, flags.

    A score that is missing says so (``missing``), with its reason below it.
    """
    rows = [("INSTRUMENT", "SCALE", "VALUE", "BAND", "FLAGS")]
    notes: list[str] = []
    for s in assessment.for_subject(subject):
        if not s.measured:
            value = "not measured"
        elif s.value is None:
            value = "missing"
        else:
            value = format(s.value, ".4g")
            if s.maximum is not None:
                value += f" / {s.maximum:.4g}"
        if not s.complete and s.value is not None:
            value += " (partial)"
        flags = ", ".join(
            f.code + (" (CRITICAL)" if f.critical else "") for f in s.flags
        )
        rows.append((s.instrument, s.scale, value, s.band or "-", flags or "-"))
        if not s.complete and s.missing_reason:
            notes.append(f"{s.instrument}.{s.scale}: {s.missing_reason}")
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  "
        + "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True))
        + "  "
        + r[4]
        for r in rows
    ]
    return [line.rstrip() for line in lines] + [f"  ! {n}" for n in notes]


def cmd_assess(args: argparse.Namespace) -> int:
    """Assess a case file and print a score table per subject (or write JSON)."""
    from riskcore import assess
    from riskcore.interop import load_case_file
    from riskcore.io import dump

    check_output(args.output, args.case)
    case = load_case_file(args.case)
    assessment = assess(case, pm=_plugin_manager(args), strict=args.strict)
    keep_until_exit(case, assessment)
    if args.output:
        with _writing(args.output):
            dump(assessment, args.output, format="json")  # streamed, atomic
        print(f"wrote {args.output}", file=sys.stderr)
        return _done(args, assessment.complete)
    print(
        f"case {case.id}: {len(case.subjects())} subjects, {len(assessment.scores)} scores"
    )
    crit = assessment.critical_flags
    if crit:
        print("critical flags (act first):")
        for score, flag in crit:
            print(f"  {score.subject}: {flag.code} - {flag.message}")
    failed: dict[str | None, list[str]] = {}
    for f in assessment.failures:
        failed.setdefault(f.subject, []).append(_failure_line(f))
    for subject in case.subjects():
        sid = subject.id
        if not assessment.for_subject(sid) and sid not in failed:
            continue
        print(f"\n{sid}")
        if assessment.for_subject(sid):
            for line in score_table(assessment, sid):
                print(line)
        for line in failed.pop(sid, []):
            print(f"  FAILED {line}")
    for lines in failed.values():  # plugins that failed to load
        for line in lines:
            print(f"FAILED {line}")
    if not assessment.complete:
        print(
            f"\nINCOMPLETE assessment (no evidence of safety): "
            f"{len(assessment.incomplete_reasons)} reason(s) above"
        )
    return _done(args, assessment.complete)


def cmd_explain(args: argparse.Namespace) -> int:
    """Why a risk has its level: the lines of :meth:`riskcore.model.Risk.explain`."""
    from riskcore.errors import FieldError
    from riskcore.interop import load_case_file
    from riskcore.workflow import build_plan

    case = load_case_file(args.case)
    report = build_plan(
        case,
        n=0,
        strict=args.strict,
        pm=_plugin_manager(args),
        today=report_date(None),
    )
    ids = [r.id for r in report.register.risks]
    if args.risk not in ids:
        raise FieldError(
            "risk",
            args.risk,
            f"is not a risk of case {case.id}{suggest(args.risk, ids)}",
        )
    for line in report.register.risk(args.risk).explain():
        print(line)
    return EXIT_OK
