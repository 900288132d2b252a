"""The ``riskcore`` command's argument parser: the root, the common options,
and each command group's sub-commands (declared next to their commands).

``riskcore --help`` builds this and nothing else, so every command module
imports only the standard library at import time (docs/benchmarks.md).

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any, NoReturn

from riskcore import __version__
from riskcore.cli.common import EXIT_CODES_HELP, suggest

__all__ = ["build_parser", "common_options", "done_options"]

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


def common_options() -> argparse.ArgumentParser:
    """The options every command that loads plugins takes (a parent parser)."""
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
    common.add_argument(
        "--max-input-mib",
        type=_positive_int,
        metavar="N",
        help="read case files of up to N MiB (default 64; a 100,000-client "
        "practice is about 220 MiB of JSON)",
    )
    return common


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


_positive_int.__name__ = (
    "positive integer"  # argparse: "invalid positive integer value"
)


def done_options() -> argparse.ArgumentParser:
    """``--allow-incomplete``, for the commands whose status says whether the
    assessment is complete (``assess``, ``plan``)."""
    done = _Parser(add_help=False)
    done.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="exit 0 even when the assessment is incomplete (default: exit 3)",
    )
    return done


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and for tests).

    Each command group adds its sub-commands through its module's
    ``add_parsers(sub, common)``, in the order ``riskcore --help`` lists them.

    >>> build_parser().parse_args(["plan", "case.yaml", "--seed", "7"]).seed
    7
    """
    from riskcore.cli import assess, batch, catalog, interop, plan, plugins, store

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
    common = common_options()
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    plugins.add_plugins_parser(sub, common)
    assess.add_parsers(sub, common)
    plan.add_parsers(sub, common)
    catalog.add_parsers(sub, common)
    plugins.add_new_plugin_parser(sub)
    store.add_parsers(sub, common)  # the register
    interop.add_parsers(sub, common)  # riskcore import / export (issue #18)
    batch.add_parsers(sub, common)  # riskcore batch (issue #16)
    return parser
