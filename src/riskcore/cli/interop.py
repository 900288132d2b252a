"""``riskcore import`` and ``riskcore export``: the interop sub-commands.

* ``riskcore import fhir|redcap|csv INPUT -o case.yaml`` reads
  QuestionnaireResponses, a REDCap raw export (with ``--dictionary``) or a CSV
  table into a case file (``--base`` adds them to an existing case);
* ``riskcore export fhir CASE -o bundle.json`` runs the main job and writes the
  plan as a FHIR R4 Bundle.

An input that cannot be imported as it is (any error issue: an unmappable
item, an answer of the wrong type, a bad date...) is refused: one line naming
the file and the location, exit status 2, and no output file is written.
``--keep-going`` writes the case anyway, with each bad answer entered as
invalid (so its instrument is scored as incomplete), and lists the issues on
stderr.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from riskcore.errors import InteropError

if TYPE_CHECKING:
    from riskcore.io import Format

__all__ = ["EXIT_REFUSED", "add_parsers"]

EXIT_REFUSED = 2
"""Exit status of ``riskcore import`` / ``export`` when the input is refused."""


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``import`` and ``export`` to the ``riskcore`` command's sub-parsers."""
    from riskcore.cli.common import _date, _float_in, _int_in

    p = sub.add_parser(
        "import",
        parents=[common],
        help="read FHIR, REDCap or CSV data into a case file",
        description=(
            "Read FHIR R4 QuestionnaireResponses (Bundle, .ndjson or a folder), a "
            "REDCap raw export with its data dictionary, or a long or wide CSV "
            "table, and write a case file. Any problem is refused with its file "
            "and location (exit 2), unless --keep-going."
        ),
    )
    p.add_argument("format", choices=["fhir", "redcap", "csv"])
    p.add_argument("input", help="input file (or folder, for fhir)")
    p.add_argument(
        "-o", "--output", required=True, help="case file to write (.yaml, .json)"
    )
    p.add_argument("--mapping", help="mapping file: which form is which instrument")
    p.add_argument("--dictionary", help="REDCap data dictionary (CSV), for redcap")
    p.add_argument("--base", help="add the responses to this case file")
    p.add_argument("--case-id", default="imported", help="id of a new case")
    p.add_argument("--practice", default="practice", help="practice id of a new case")
    p.add_argument(
        "--delimiter",
        default=",",
        help="CSV delimiter (default ','; ';' for some locales)",
    )
    p.add_argument(
        "--keep-ids",
        action="store_true",
        help="keep REDCap record ids as subject ids (default: pseudonymise them)",
    )
    p.add_argument(
        "--keep-going",
        action="store_true",
        help="write the case despite issues (bad answers entered as invalid)",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export",
        parents=[common],
        help="write a plan as a FHIR R4 Bundle",
        description=(
            "Run the main job on CASE (a case file or a FHIR Bundle) and write a "
            "FHIR R4 collection Bundle: RiskAssessments, score Observations, Flags, "
            "a CarePlan, Tasks and DetectedIssues."
        ),
    )
    p.add_argument("format", choices=["fhir"])
    p.add_argument("case", help="case file (.yaml, .json) or FHIR Bundle")
    p.add_argument("-o", "--output", required=True, help="Bundle file to write (.json)")
    p.add_argument("--budget", type=_float_in(0, 1e12), help="money budget")
    p.add_argument("--seed", type=_int_in(0, 2**32 - 1), default=0)
    p.add_argument("--trials", type=_int_in(0, 1_000_000), default=0)
    p.add_argument("--today", type=_date, help="the report's date, YYYY-MM-DD")
    p.add_argument(
        "--show-identifying",
        action="store_true",
        help="add names as Reference.display (off by default)",
    )
    p.set_defaults(func=cmd_export)


def _refused(exc: InteropError) -> int:
    from riskcore.cli.common import _one_line

    print(f"riskcore: error: {_one_line(str(exc))}", file=sys.stderr)
    return EXIT_REFUSED


def cmd_import(args: argparse.Namespace) -> int:
    """Import FHIR, REDCap or CSV data into a case file."""
    from riskcore.cli.common import _plugin_manager, _write_or_print, check_output
    from riskcore.errors import LoadError
    from riskcore.interop import load_mapping, read_csv, read_fhir, read_redcap
    from riskcore.io import dumps, load_case

    inputs = [args.input, *(x for x in (args.dictionary, args.base, args.mapping) if x)]
    check_output(args.output, *inputs)
    fmt: Format = "yaml" if args.output.lower().endswith((".yaml", ".yml")) else "json"
    try:
        mapping = load_mapping(args.mapping) if args.mapping else None
        base = load_case(args.base) if args.base else None
        pm = _plugin_manager(args)
        if args.format == "fhir":
            result = read_fhir(args.input, mapping=mapping, pm=pm)
        elif args.format == "redcap":
            if not args.dictionary:
                raise InteropError(
                    ["--dictionary: the REDCap data dictionary is required"],
                    source=args.input,
                )
            result = read_redcap(
                args.input,
                args.dictionary,
                mapping=mapping,
                pm=pm,
                keep_ids=args.keep_ids,
                delimiter=args.delimiter,
            )
        else:
            result = read_csv(
                args.input, mapping=mapping, pm=pm, delimiter=args.delimiter
            )
        if not args.keep_going:
            result.raise_errors(args.input)
        if not result.responses:
            raise InteropError(["no responses found"], source=args.input)
        case = result.to_case(base=base, case_id=args.case_id, practice=args.practice)
    except InteropError as exc:
        return _refused(exc)
    except LoadError as exc:
        return _refused(InteropError(exc.problems, source=exc.source))
    for issue in result.issues:
        print(f"riskcore: {issue.severity.value}: {issue}", file=sys.stderr)
    _write_or_print(dumps(case, fmt, indent=2), args.output)
    print(
        f"riskcore: {len(result.responses)} responses, {len(result.clients)} clients, "
        f"{len(result.professionals)} professionals, {len(result.errors)} errors",
        file=sys.stderr,
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Plan for a case and write the plan as a FHIR R4 Bundle."""
    from riskcore.cli.common import (
        _plugin_manager,
        _progress,
        _write_or_print,
        check_output,
        report_date,
    )
    from riskcore.errors import LoadError
    from riskcore.interop import to_fhir_bundle
    from riskcore.io import load_case
    from riskcore.workflow import build_plan

    check_output(args.output, args.case)
    try:
        case = load_case(args.case)
    except InteropError as exc:
        return _refused(exc)
    except LoadError as exc:
        return _refused(InteropError(exc.problems, source=exc.source))
    args.quiet = True
    report = build_plan(
        case,
        budget=args.budget,
        seed=args.seed,
        n=args.trials,
        strict=args.strict,
        pm=_plugin_manager(args),
        progress=_progress(args),
        today=report_date(args.today),
    )
    bundle = to_fhir_bundle(report, identifying=args.show_identifying)
    _write_or_print(json.dumps(bundle, ensure_ascii=False, indent=2), args.output)
    return 0
