"""``riskcore plan``: the main job, from a case file to the report.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from riskcore.cli.common import (
    EXIT_CODES_HELP,
    MAX_TRIALS,
    _date,
    _done,
    _failure_line,
    _float_in,
    _int_in,
    _plugin_manager,
    _progress,
    _writing,
    check_output,
    keep_until_exit,
    report_date,
)

__all__ = ["add_parsers", "cmd_plan"]


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``plan`` to the ``riskcore`` command's sub-parsers."""
    from riskcore.cli.parser import done_options

    p = sub.add_parser(
        "plan",
        parents=[common, done_options()],
        help="plan for a case: the main job",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Assess the case, identify risks, choose and order mitigations, arm "
            "responses and check legal duties; write the report (.html, .md or .json "
            "by suffix) or print Markdown."
        ),
    )
    p.add_argument("case", help="case file (.yaml, .yml or .json)")
    p.add_argument("-o", "--output", help="report file: .html, .md or .json")
    p.add_argument(
        "--budget",
        type=_float_in(0, 1e12),
        help="money budget, 0 to 1e12 (default: the case's budget)",
    )
    p.add_argument(
        "--hours", type=_float_in(0, 1e7), help="staff-hours budget, 0 to 1e7"
    )
    p.add_argument(
        "--seed",
        type=_int_in(0, 2**32 - 1),
        default=0,
        help="Monte Carlo seed, 0 to 2**32-1 (default 0)",
    )
    p.add_argument(
        "--trials",
        type=_int_in(0, MAX_TRIALS),
        default=20_000,
        help=f"Monte Carlo trials, 0 (skip) to {MAX_TRIALS:,} (default 20,000)",
    )
    p.add_argument(
        "--show-identifying",
        action="store_true",
        help=(
            "show names next to pseudonymous ids, and values in error messages "
            "(off by default)"
        ),
    )
    p.add_argument(
        "--today",
        type=_date,
        help=(
            "the report's date, YYYY-MM-DD (default: SOURCE_DATE_EPOCH if set, "
            "else today, UTC); for byte-identical reports"
        ),
    )
    p.add_argument(
        "--db",
        help="add a 'since the last review' section from this register "
        "(riskcore.store; a SQLite file or a postgresql:// URL)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=cmd_plan)


def cmd_plan(args: argparse.Namespace) -> int:
    """Assess, identify, plan and arm responses; print or write the report."""
    from riskcore.interop import load_case_file
    from riskcore.report import format_for, stream, write
    from riskcore.workflow import build_plan

    check_output(args.output, args.case)
    if args.output:
        format_for(args.output)  # fail on a bad suffix before any work
    case = load_case_file(args.case)
    report = build_plan(
        case,
        budget=args.budget,
        hours=args.hours,
        seed=args.seed,
        n=args.trials,
        strict=args.strict,
        pm=_plugin_manager(args),
        progress=_progress(args),
        today=report_date(args.today),
    )
    keep_until_exit(case, report)
    since = None
    if args.db:  # the register's "since the last review" section
        from riskcore.store import open_store

        with open_store(args.db, today=report.generated) as store:
            since = store.since_last_review()
    if args.output:
        with _writing(args.output):
            write(
                report,
                args.output,
                identifying=args.show_identifying,
                since_review=since,
            )
        print(f"riskcore: wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.writelines(
            stream(
                report,
                "markdown",
                identifying=args.show_identifying,
                since_review=since,
            )
        )
    s = report.result
    print(
        f"riskcore: {len(report.register.risks)} risks, "
        f"{sum(r.critical for r in report.register.risks)} critical, "
        f"{len(s.selected)} mitigations ({s.status}), {len(report.armed)} responses armed"
        + ("" if report.complete else "; INCOMPLETE assessment: see the report"),
        file=sys.stderr,
    )
    from riskcore.display import plan_mode_lines

    for line in plan_mode_lines(s):
        print(f"riskcore: {line}", file=sys.stderr)
    for f in report.assessment.failures:
        print(f"riskcore: FAILED {_failure_line(f)}", file=sys.stderr)
    return _done(args, report.complete, s.feasible)
