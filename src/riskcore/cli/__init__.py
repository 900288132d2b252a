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

The package holds one module per command group (``riskcore.cli.plan``,
``riskcore.cli.assess``, ``riskcore.cli.catalog``, ``riskcore.cli.plugins``,
``riskcore.cli.store``, ``riskcore.cli.interop``, ``riskcore.cli.batch``),
the parser (``riskcore.cli.parser``) and what they share
(``riskcore.cli.common``); this module is the entry point, :func:`main`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import NoReturn

# Re-exported: the names riskcore.cli has always had (tests, docs and the
# command modules of other branches import them from here).
from riskcore.cli.common import EXIT_CODES_HELP as EXIT_CODES_HELP
from riskcore.cli.common import EXIT_INCOMPLETE as EXIT_INCOMPLETE
from riskcore.cli.common import EXIT_INPUT as EXIT_INPUT
from riskcore.cli.common import EXIT_INTERNAL as EXIT_INTERNAL
from riskcore.cli.common import EXIT_OK as EXIT_OK
from riskcore.cli.common import EXIT_USAGE as EXIT_USAGE
from riskcore.cli.common import MAX_TRIALS as MAX_TRIALS
from riskcore.cli.common import Command as Command
from riskcore.cli.common import OutputError as OutputError
from riskcore.cli.common import _date as _date
from riskcore.cli.common import _done as _done
from riskcore.cli.common import _failure_line as _failure_line
from riskcore.cli.common import _float_in as _float_in
from riskcore.cli.common import _int_in as _int_in
from riskcore.cli.common import _one_line as _one_line
from riskcore.cli.common import _plugin_manager as _plugin_manager
from riskcore.cli.common import _progress as _progress
from riskcore.cli.common import _write_or_print as _write_or_print
from riskcore.cli.common import _writing as _writing
from riskcore.cli.common import check_output as check_output
from riskcore.cli.common import report_date as report_date
from riskcore.cli.common import suggest as suggest
from riskcore.cli.parser import build_parser as build_parser

__all__ = [
    "EXIT_INCOMPLETE",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_TRIALS",
    "build_parser",
    "console",
    "main",
]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``riskcore`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # Imported after parsing: `riskcore --help` and usage errors stay fast
    # (no attrs, no logging), see docs/benchmarks.md.
    from riskcore.errors import RiskcoreError

    try:
        with _settings(args):
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


@contextlib.contextmanager
def _settings(args: object) -> Iterator[None]:
    """The process-wide settings of one command, undone when it returns, so
    that :func:`main` called again in the same process (by a test, a
    notebook, a host program) starts from the defaults: ``--trace`` (a
    handler on ``riskcore.plugins``), ``--max-input-mib`` and
    ``--show-identifying``."""
    from riskcore.errors import showing_values

    with contextlib.ExitStack() as stack:
        if getattr(args, "trace", False):
            import logging

            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("riskcore: %(message)s"))
            logger = logging.getLogger("riskcore.plugins")
            stack.callback(logger.setLevel, logger.level)
            stack.callback(logger.removeHandler, handler)
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
        mib = getattr(args, "max_input_mib", None)
        if mib is not None:  # this command's bound
            from riskcore import io

            stack.callback(setattr, io, "MAX_INPUT_BYTES", io.MAX_INPUT_BYTES)
            io.MAX_INPUT_BYTES = mib * 1024 * 1024
        if getattr(args, "show_identifying", False):
            stack.enter_context(showing_values())
        yield


def console() -> NoReturn:
    """The ``riskcore`` program (its console script and ``python -m riskcore``):
    :func:`main` on the command line's arguments, then the end of the process.

    When the command kept large results for the end
    (:func:`~riskcore.cli.common.keep_until_exit`: ``assess`` and ``plan``
    do), the process ends without freeing them one by one: the exit handlers
    run (:mod:`atexit`: logging's, a plugin's own), the standard streams are
    flushed, and :func:`os._exit` hands the memory back to the system at
    once. It exits as any program does when nothing was kept, and when a
    thread that is not a daemon is still running (the interpreter would wait
    for it). The exit status is :func:`main`'s either way.
    """
    import threading

    from riskcore.cli import common

    common._KEPT = []
    status = main()
    kept = bool(common._KEPT)
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if kept and all(t.daemon for t in others):
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    console()
