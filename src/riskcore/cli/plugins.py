"""``riskcore plugins`` and ``riskcore new-plugin``: the plugins riskcore
found, and a new assessor plugin's skeleton.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from riskcore.cli.common import _plugin_manager, _write_or_print

__all__ = [
    "add_new_plugin_parser",
    "add_plugins_parser",
    "cmd_new_plugin",
    "cmd_plugins",
]


def add_plugins_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``plugins`` to the ``riskcore`` command's sub-parsers."""
    p = sub.add_parser(
        "plugins", parents=[common], help="list plugins and their status"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_plugins)


def add_new_plugin_parser(sub: Any) -> None:
    """Add ``new-plugin`` to the ``riskcore`` command's sub-parsers."""
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
