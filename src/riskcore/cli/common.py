"""What every ``riskcore`` command shares: exit statuses, option types, outputs.

One owner each: the exit statuses (:data:`EXIT_OK` ... :data:`EXIT_INTERNAL`),
the report's date (:func:`report_date`), refusing an output before any work
(:func:`check_output`), atomic writing, and the plugin manager the common
options describe. The command modules (``riskcore.cli.plan``,
``riskcore.cli.store``, ...) import them from here.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import difflib
import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "EXIT_CODES_HELP",
    "EXIT_INCOMPLETE",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_TRIALS",
    "Command",
    "OutputError",
    "check_output",
    "keep_until_exit",
    "report_date",
    "suggest",
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
    riskcore.cli.common.OutputError: case.yaml: refusing to write over the input file ./sub/../case.yaml
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


def _done(args: argparse.Namespace, complete: bool, feasible: bool = True) -> int:
    """The exit status of work that finished: 3 when the assessment is
    incomplete (unless ``--allow-incomplete``) or no plan meets the request
    (always); never 0 with a partial result."""
    if not feasible:
        return EXIT_INCOMPLETE
    if complete or getattr(args, "allow_incomplete", False):
        return EXIT_OK
    return EXIT_INCOMPLETE


_KEPT: list[object] | None = None
"""What :func:`keep_until_exit` keeps: a list while :func:`riskcore.cli.console`
runs the command, else ``None``."""


def keep_until_exit(*results: object) -> None:
    """Keep a command's large results (a case, its assessment, a plan) alive
    until the process ends, when the command runs as the ``riskcore`` program.

    Freeing millions of objects one by one just before the process exits
    costs time and frees nothing the system would not take back at once: at
    100,000 clients, about 0.6 s of ``riskcore assess`` (issue #16).
    :func:`riskcore.cli.console` ends the process without freeing what was
    kept here, as mypy's command does. Through :func:`riskcore.cli.main` (a
    test, a program calling it) this does nothing: the results are freed as
    usual when the command returns.

    >>> keep_until_exit(object()); _KEPT is None
    True
    """
    if _KEPT is not None:
        _KEPT.extend(results)


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


def _one_line(text: str) -> str:
    r"""Messages are one line: a newline in a path or a message is shown escaped.

    >>> _one_line("a\nb")
    'a\\nb'
    """
    return text.replace("\r", "\\r").replace("\n", "\\n")
