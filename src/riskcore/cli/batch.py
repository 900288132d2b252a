"""``riskcore batch``: a cohort file to a file of scores, factors and risk levels.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["add_parsers", "cmd_batch"]


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``batch`` sub-command to *sub* (``riskcore.cli`` calls this)."""
    p = sub.add_parser(
        "batch",
        parents=[common],
        help="score a cohort file (Parquet or CSV) to risk levels, in chunks",
        description=(
            "Read INPUT (.parquet or .csv; one row per subject, or per "
            "administration with --administered-column; columns "
            "<instrument>.<item>) in chunks, and write each row's scores, bands, "
            "flags, factors and risk levels to OUTPUT (.parquet or .csv), the same "
            "figures as `riskcore assess` and the register. OUTPUT is written under "
            "a temporary name and renamed at the end. A bad row stops the run "
            "with its row number (from 1) and column, unless --lenient."
        ),
    )
    p.add_argument("input", help="the cohort file (.parquet or .csv)")
    p.add_argument(
        "-o", "--output", required=True, help="the output file (.parquet or .csv)"
    )
    p.add_argument(
        "--kind",
        choices=["client", "professional"],
        default="client",
        help="what every row is (default: client)",
    )
    p.add_argument(
        "--id-column",
        default="subject",
        help="column of subject ids (default: subject; without it rows are row-<n>)",
    )
    p.add_argument(
        "--administered-column",
        metavar="COLUMN",
        help=(
            "column of administration dates (YYYY-MM-DD): one row per "
            "administration, each subject's rows together in the file; each row "
            "gets its own scores and its subject's risks as of it"
        ),
    )
    p.add_argument(
        "--lenient",
        action="store_true",
        help="write bad rows to the rejects file instead of stopping",
    )
    p.add_argument(
        "--rejects",
        metavar="FILE",
        help="rejects file (CSV) for --lenient (default: <OUTPUT stem>.rejects.csv)",
    )
    p.add_argument(
        "--chunk-rows",
        type=int,
        default=100_000,
        metavar="N",
        help="rows per chunk, the memory bound (default: 100000)",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a progress line on stderr (default: when stderr is a terminal)",
    )
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    """Run :func:`riskcore.batch.stream.run_file` and say what it did."""
    from riskcore.batch.stream import rejects_file, run_file
    from riskcore.cli.common import _plugin_manager, _writing, check_output

    check_output(args.output, args.input)
    if args.rejects is not None:
        check_output(args.rejects, args.input, args.output)
    with _writing(args.output):
        s = run_file(
            args.input,
            args.output,
            kind=args.kind,
            id_column=args.id_column,
            pm=_plugin_manager(args),
            lenient=args.lenient,
            rejects=args.rejects,
            strict=args.strict,
            chunk_rows=args.chunk_rows,
            progress=args.progress,
            administered_column=args.administered_column,
        )
    print(
        f"wrote {args.output}: {s.written:,} rows "
        f"({s.written - s.object_rows:,} vectorised, {s.object_rows:,} by the object path)",
        file=sys.stderr,
    )
    if s.vectorised:
        print(f"vectorised plugins: {', '.join(s.vectorised)}", file=sys.stderr)
    if s.object_plugins:
        print(
            f"plugins without a batch hook (object path): {', '.join(s.object_plugins)}",
            file=sys.stderr,
        )
    for f in s.failures:
        print(f"incomplete: {f}", file=sys.stderr)
    if s.ignored_columns:
        shown = ", ".join(s.ignored_columns[:5])
        more = (
            f" and {len(s.ignored_columns) - 5} more"
            if len(s.ignored_columns) > 5
            else ""
        )
        print(f"ignored columns (no instrument item): {shown}{more}", file=sys.stderr)
    if args.lenient:
        rejects = rejects_file(args.output, args.rejects)
        print(f"rejected {s.rejected:,} rows: see {rejects}", file=sys.stderr)
    return 0
