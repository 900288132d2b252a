"""The ``riskcore`` command.

Every sub-command only calls riskcore's public API. Bad input prints one line,
``riskcore: error: <file>: <path>: <problem>``, and exits with status 2, as
usage errors do. Outputs are written atomically.

Exit statuses (also in ``riskcore --help``):

* 0: done, and the assessment is complete;
* 2: bad input (a usage error, a bad case or catalog file, an output that
  cannot be written);
* 3: done, but the assessment is incomplete (an instrument failed or was not
  scored, answers are missing) or no plan meets the request: the output is
  written and says why; ``--allow-incomplete`` makes this 0;
* 70: an internal error (a bug);
* 130: interrupted.

A mistyped sub-command or option suggests the closest ones
(``riskcore: error: unknown command 'plna' (did you mean 'plan'?)``).

Outputs are checked before any work is done and never end in a traceback:

* an output (``-o``) that resolves to an input file (also through ``../`` or
  a symbolic link) is refused;
* an output in a missing folder, a directory given as output, a read-only file
  system or a permission problem is one line, ``riskcore: error: <path>: ...``,
  status 2, and no file (not even a temporary one) is left behind;
* numeric options are range-checked (``--trials -1`` is a usage error).

An unexpected internal error prints one line naming its type only (its text
may quote the case) and exits with status 70; set ``RISKCORE_TRACEBACK=1`` to
see the traceback.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import difflib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from riskcore import __version__

__all__ = [
    "EXIT_INCOMPLETE",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_TRIALS",
    "main",
]

Command = Callable[[argparse.Namespace], int]

MAX_TRIALS = 1_000_000
"""The most Monte Carlo trials ``riskcore plan --trials`` accepts."""

EXIT_OK = 0
EXIT_INPUT = 2
"""Bad input: a case, catalog or option riskcore cannot use (as argparse's usage errors)."""
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
"""The work is done but the assessment is incomplete or the plan infeasible."""
EXIT_INTERNAL = 70  # EX_SOFTWARE

EXIT_CODES_HELP = """\
exit status:
  0   done; the assessment is complete (and a plan meets the request)
  2   bad input: a usage error, a bad case or catalog file, an output that
      cannot be written (one line on stderr, nothing written)
  3   done, but the assessment is incomplete or no plan meets the request;
      the output is written and says why (--allow-incomplete: exit 0 for an
      incomplete assessment; never for an infeasible plan)
  70  internal error (a bug; RISKCORE_TRACEBACK=1 shows the traceback)
"""


class OutputError(Exception):
    """An output that must not or cannot be written (exit status 2)."""


# ------------------------------------------------------------------ options


def suggest(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of *choices*, or ``""``.

    >>> suggest("plna", ["plugins", "plan", "assess"])
    " (did you mean 'plan'?)"
    >>> suggest("--budjet", ["--budget", "--hours"])
    " (did you mean '--budget'?)"
    >>> suggest("zzz", ["plan"])
    ''
    """
    close = difflib.get_close_matches(word, list(choices), n=2, cutoff=0.7)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)$")


class _Parser(argparse.ArgumentParser):
    """argparse, with close-match suggestions for mistyped choices and options."""

    def error(self, message: str) -> NoReturn:
        hit = _INVALID_CHOICE.search(message)
        if hit:
            word = hit.group(1)
            choices = re.findall(r"'([^']*)'", hit.group(2))
            what = message.split(":", 1)[0].removeprefix("argument ")
            noun = "command" if what == "COMMAND" else f"{what} choice"
            message = (
                f"unknown {noun} {word!r}{suggest(word, choices)}; "
                f"choose from {', '.join(choices)}"
            )
        elif message.startswith("unrecognized arguments: "):
            words = message.removeprefix("unrecognized arguments: ").split()
            options = sorted(self._all_options(self._command))
            hints = [
                f"{w!r}{suggest(w.split('=', 1)[0], options)}"
                for w in words
                if w.startswith("-")
            ]
            if hints:
                message = "unrecognized option " + ", ".join(hints)
        super().error(message)

    _command: str | None = None
    """The sub-command being parsed, once known: suggestions come from its
    options only (``plan --budjet`` suggests ``--budget``, not another
    command's ``--subject``)."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        ns, extras = super().parse_known_args(args, namespace)
        self._command = getattr(ns, "command", None)
        return ns, extras

    def _all_options(self, command: str | None = None) -> set[str]:
        out: set[str] = set()
        for action in self._actions:
            out.update(action.option_strings)
            if isinstance(action, argparse._SubParsersAction):
                for name, parser in action.choices.items():
                    if isinstance(parser, _Parser) and command in (None, name):
                        out |= parser._all_options()
        return out


def _int_in(lo: int, hi: int) -> Callable[[str], int]:
    """An argparse type: an integer in [lo, hi].

    >>> _int_in(0, 10)("3")
    3
    >>> _int_in(0, 10)("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '-1' is not an integer in [0, 10]
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = lo - 1
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"{text[:20]!r} is not an integer in [{lo}, {hi}]"
            )
        return value

    parse.__name__ = "integer"
    return parse


def _float_in(lo: float, hi: float) -> Callable[[str], float]:
    """An argparse type: a finite number in [lo, hi] (``nan`` and ``inf`` refused).

    >>> _float_in(0, 1e6)("nan")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 'nan' is not a number in [0, 1000000]
    """

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and lo <= value <= hi):
            raise argparse.ArgumentTypeError(
                f"{text[:20]!r} is not a number in [{_plain(lo)}, {_plain(hi)}]"
            )
        return value

    parse.__name__ = "number"
    return parse


def _date(text: str) -> dt.date:
    """An argparse type: a real date written ``YYYY-MM-DD``.

    >>> _date("2026-10-05")
    datetime.date(2026, 10, 5)
    >>> _date("2026-02-30")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '2026-02-30' is not a date as YYYY-MM-DD
    """
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"{text[:20]!r} is not a date as YYYY-MM-DD"
        raise argparse.ArgumentTypeError(msg) from None


def report_date(
    today: dt.date | None, environ: Mapping[str, str] = os.environ
) -> dt.date | None:
    """The date a report says it was generated: the one rule of the CLI.

    ``--today`` if given; else ``SOURCE_DATE_EPOCH`` (seconds since 1970, the
    reproducible-builds convention), as a UTC date; else ``None`` (today, UTC,
    :func:`riskcore.build_plan` decides). With either, the same case, catalog,
    plugins and seed give a byte-identical JSON report (docs/guarantees.md,
    "Determinism").

    >>> report_date(None, {"SOURCE_DATE_EPOCH": "1790000000"})
    datetime.date(2026, 9, 21)
    >>> report_date(dt.date(2026, 1, 2), {"SOURCE_DATE_EPOCH": "0"})
    datetime.date(2026, 1, 2)
    >>> report_date(None, {"SOURCE_DATE_EPOCH": "soon"})
    Traceback (most recent call last):
    ...
    riskcore.errors.RiskcoreError: SOURCE_DATE_EPOCH: expected whole seconds since 1970-01-01 (0 to 253402300799)
    """
    if today is not None:
        return today
    raw = environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw == "":
        return None
    try:
        seconds = int(raw)
        if not 0 <= seconds <= 253402300799:  # up to 9999-12-31
            raise ValueError
    except ValueError:
        from riskcore.errors import RiskcoreError

        msg = "SOURCE_DATE_EPOCH: expected whole seconds since 1970-01-01 (0 to 253402300799)"
        raise RiskcoreError(msg) from None
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date()


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


# ------------------------------------------------------------------ outputs


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except (OSError, RuntimeError):  # a symlink loop: not the same as an input
        return False


def check_output(output: str | None, *inputs: str) -> None:
    """Refuse an output that is an input, or that cannot be written; before any work.

    Raises :class:`OutputError` naming the path. Writing can still fail later
    (a full disk); :func:`_write_output` reports that the same way.

    >>> check_output("case.yaml", "./sub/../case.yaml")
    Traceback (most recent call last):
    ...
    riskcore.cli.OutputError: case.yaml: refusing to write over the input file ./sub/../case.yaml
    """
    if output is None:
        return
    out = Path(output)
    for inp in inputs:
        if _same_file(out, Path(inp)):
            raise OutputError(f"{output}: refusing to write over the input file {inp}")
    if out.is_dir():
        raise OutputError(f"{output}: is a directory, not a file")
    folder = out.parent
    if not folder.is_dir():
        raise OutputError(f"{output}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{output}: the folder {folder} is not writable")
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputError(f"{output}: the file is not writable")


@contextlib.contextmanager
def _writing(output: str) -> Iterator[None]:
    # Any OS error while writing is one line naming the path, status 2.
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"{output}: cannot write ({reason})") from None


def _write_or_print(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from riskcore.io import write_atomic

    with _writing(output):
        write_atomic(output, text if text.endswith("\n") else text + "\n")
    print(f"wrote {output}", file=sys.stderr)


def _plugin_manager(args: argparse.Namespace) -> Any:
    from riskcore.plugins import PluginManager

    return PluginManager(
        autoload=False if args.no_plugins else None,
        block=args.block or (),
        trace=True if args.trace else None,
        strict=args.strict,
    )


# ------------------------------------------------------------------ commands


def cmd_plugins(args: argparse.Namespace) -> int:
    """List every plugin: name, distribution, version, hooks, status and why."""
    pm = _plugin_manager(args)
    records = pm.records()
    if args.json:
        from riskcore.io import unstructure

        _write_or_print(json.dumps(unstructure(records), indent=2), None)
        return 0
    if not records:
        print("no plugins found (entry-point group 'riskcore')")
        return 0
    from riskcore.assess import assessor_infos

    infos = assessor_infos(pm)
    rows = [("NAME", "DISTRIBUTION", "VERSION", "STATUS", "INSTRUMENTS", "HOOKS")]
    for r in records:
        hooks = ", ".join(h.removeprefix("riskcore_") for h in r.hooks) or "-"
        dist = r.distribution or ("(built-in)" if r.builtin else "-")
        info = infos.get(r.name)
        instruments = ", ".join(info.instruments) if info and info.instruments else "-"
        rows.append(
            (r.name, dist, r.version or "-", r.status.value, instruments, hooks)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False))
        print(f"{cells}  {row[5]}")
    for r in pm.failures:
        print(f"\n{r.name} failed: {r.error}")
        print(f"  (set RISKCORE_DISABLE_PLUGINS={r.name} to skip it)")
    return 0


def _done(args: argparse.Namespace, complete: bool, feasible: bool = True) -> int:
    """The exit status of work that finished: 3 when the assessment is
    incomplete (unless ``--allow-incomplete``) or no plan meets the request
    (always); never 0 with a partial result."""
    if not feasible:
        return EXIT_INCOMPLETE
    if complete or getattr(args, "allow_incomplete", False):
        return EXIT_OK
    return EXIT_INCOMPLETE


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


def _failure_line(f: Any) -> str:
    """A failure as the console shows it: what failed, and its detail.

    The detail was redacted when it was recorded
    (:func:`riskcore.plugins.failure_detail`), so it is safe to print.
    """
    line = str(f.summary())
    if f.detail and f.error_type != "UnscoredInstrument":
        line += f": {f.detail}"
    return line


def _progress(args: argparse.Namespace) -> Callable[[str], None]:
    quiet = getattr(args, "quiet", False)

    def say(message: str) -> None:
        if not quiet:
            print(f"riskcore: {message}...", file=sys.stderr, flush=True)

    return say


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


def cmd_catalog(args: argparse.Namespace) -> int:
    """Show the default catalog, or validate a catalog file."""
    from riskcore.catalog import default_catalog, unlabelled_numbers
    from riskcore.errors import CatalogError, RiskcoreError
    from riskcore.graph import build_graph, validate_graph
    from riskcore.io import dumps, load_catalog

    if args.action == "validate":
        # Without FILE: the merged default catalog (every plugin's contribution).
        name = args.file or "the default catalog"
        cat = (
            load_catalog(args.file)
            if args.file
            else default_catalog(_plugin_manager(args))
        )
        try:
            validate_graph(build_graph(cat))
        except RiskcoreError as exc:  # name the file, as load errors do
            raise type(exc)(f"{name}: {exc}") from None
        unlabelled = unlabelled_numbers(cat)
        if unlabelled:
            raise CatalogError(
                f"{name}: {len(unlabelled)} number(s) have neither a source "
                "(listed in `sourced`, with a note saying which figure and how it "
                "was converted) nor the illustrative label: " + ", ".join(unlabelled)
            )
        print(
            f"{name}: valid ({len(cat.threats)} threats, "
            f"{len(cat.mitigations)} mitigations, {len(cat.responses)} responses; "
            "every number sourced or labelled illustrative)"
        )
        return 0
    cat = (
        load_catalog(args.file) if args.file else default_catalog(_plugin_manager(args))
    )
    if args.format in {"yaml", "json"}:
        _write_or_print(dumps(cat, args.format, indent=2), None)
        return 0
    for title, items in (
        ("THREATS", cat.threats),
        ("MITIGATIONS", cat.mitigations),
        ("RESPONSES", cat.responses),
    ):
        print(title)
        for item in items:
            print(f"  {item.id:32} {item.name}")
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    """Export the mitigation graph of a case (DOT, Mermaid, GraphML, JSON)."""
    from riskcore import assess
    from riskcore.catalog import default_catalog
    from riskcore.graph import build_graph, to_dot, to_graphml, to_mermaid, to_node_link
    from riskcore.identify import identify
    from riskcore.interop import load_case_file

    if args.format == "graphml" and not args.output:
        raise OutputError("riskcore graph --format graphml needs -o FILE")
    check_output(args.output, args.case)
    pm = _plugin_manager(args)
    case = load_case_file(args.case)
    catalog = default_catalog(pm)
    register = identify(assess(case, pm=pm), catalog, case, pm=pm)
    graph = build_graph(catalog, register)
    if args.format == "graphml":
        import tempfile

        from riskcore.io import write_atomic

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "graph.graphml"
            to_graphml(graph, path)
            with _writing(args.output):
                write_atomic(args.output, path.read_bytes())
        print(f"wrote {args.output}", file=sys.stderr)
        return 0
    text = {"dot": to_dot, "mermaid": to_mermaid, "json": to_node_link}[args.format](
        graph
    )
    _write_or_print(text, args.output)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of case (default), catalog, plan or JSON report files."""
    from riskcore import schema
    from riskcore.report.data import report_schema

    make = {
        "case": schema.case_schema,
        "catalog": schema.catalog_schema,
        "plan": schema.plan_schema,
        "report": report_schema,
    }[args.kind]
    check_output(args.output)
    _write_or_print(json.dumps(make(), indent=2), args.output)
    return 0


def cmd_new_plugin(args: argparse.Namespace) -> int:
    """Scaffold an assessor plugin distribution, ``riskcore-NAME``, in DIR."""
    from riskcore.scaffold import new_plugin

    root = new_plugin(args.name, args.dir)
    print(f"created {root}")
    print("next steps:")
    print(f"  cd {root}")
    print('  pip install -e ".[testing]"')
    print("  pytest")
    print("then replace the sample instrument and factors with your own.")
    return 0


# ------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and for tests)."""
    parser = _Parser(
        prog="riskcore",
        description=(
            "Risk-management planning for mental-health practice. "
            "Decision support, not diagnosis."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"riskcore {__version__}"
    )
    common = _Parser(add_help=False)
    common.add_argument(
        "--no-plugins",
        action="store_true",
        help="do not load entry-point plugins (RISKCORE_DISABLE_PLUGIN_AUTOLOAD=1)",
    )
    common.add_argument(
        "--block",
        action="append",
        metavar="NAME",
        help="never load plugin NAME (repeatable; RISKCORE_DISABLE_PLUGINS=a,b)",
    )
    common.add_argument(
        "--trace",
        action="store_true",
        help="log every hook call to stderr (RISKCORE_TRACE_PLUGINS=1)",
    )
    common.add_argument(
        "--strict",
        action="store_true",
        help="fail on any plugin or assessor failure instead of recording it",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    p = sub.add_parser(
        "plugins", parents=[common], help="list plugins and their status"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_plugins)

    done = _Parser(add_help=False)
    done.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="exit 0 even when the assessment is incomplete (default: exit 3)",
    )
    p = sub.add_parser(
        "assess",
        parents=[common, done],
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

    p = sub.add_parser(
        "plan",
        parents=[common, done],
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

    p = sub.add_parser("catalog", parents=[common], help="show or validate a catalog")
    p.add_argument("action", choices=["show", "validate"])
    p.add_argument(
        "file", nargs="?", help="catalog file (default: the built-in catalog)"
    )
    p.add_argument("--format", choices=["text", "yaml", "json"], default="text")
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser("graph", parents=[common], help="export the mitigation graph")
    p.add_argument("case", help="case file")
    p.add_argument(
        "--format", choices=["dot", "mermaid", "graphml", "json"], default="mermaid"
    )
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser("schema", help="print the JSON Schema of riskcore files")
    p.add_argument(
        "kind",
        nargs="?",
        default="case",
        choices=["case", "catalog", "plan", "report"],
    )
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser(
        "new-plugin",
        help="scaffold an assessor plugin distribution",
        description=(
            "Write riskcore-NAME: a pyproject with the riskcore entry point, a sample "
            "instrument, an assessor, factors, tests using riskcore.testing, a README, "
            "a CHANGELOG and a LICENSE. An existing directory is never overwritten."
        ),
    )
    p.add_argument("name", help="plugin name: lower case and hyphens, e.g. home-visit")
    p.add_argument(
        "--dir", default=".", help="parent directory (default: the current one)"
    )
    p.set_defaults(func=cmd_new_plugin)

    from riskcore.cli.store import add_parsers as add_store_parsers  # the register

    add_store_parsers(sub, common)
    from riskcore.cli.interop import add_parsers as add_interop_parsers

    add_interop_parsers(sub, common)  # riskcore import / export (issue #18)
    from riskcore.cli.batch import add_parsers as add_batch_parsers

    add_batch_parsers(sub, common)  # riskcore batch (issue #16)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``riskcore`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # Imported after parsing: `riskcore --help` and usage errors stay fast
    # (no attrs, no logging), see docs/benchmarks.md.
    from riskcore.errors import RiskcoreError, showing_values

    if getattr(args, "trace", False):
        import logging

        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("riskcore: %(message)s"))
        logger = logging.getLogger("riskcore.plugins")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    show = showing_values() if getattr(args, "show_identifying", False) else None
    try:
        with show or contextlib.nullcontext():
            status: int = args.func(args)
    except RiskcoreError as exc:
        print(f"riskcore: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except OutputError as exc:
        print(f"riskcore: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover
        print("riskcore: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `riskcore ... | head`: the reader left; not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        reason = exc.strerror or type(exc).__name__
        print(f"riskcore: error: {_one_line(where + reason)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        if os.environ.get("RISKCORE_TRACEBACK") == "1":
            raise
        # The text of an unexpected error may quote the case: name its type only.
        print(
            f"riskcore: internal error: {type(exc).__name__} (a bug: please report "
            "it; set RISKCORE_TRACEBACK=1 to see the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return status


def _one_line(text: str) -> str:
    r"""Messages are one line: a newline in a path or a message is shown escaped.

    >>> _one_line("a\nb")
    'a\\nb'
    """
    return text.replace("\r", "\\r").replace("\n", "\\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
