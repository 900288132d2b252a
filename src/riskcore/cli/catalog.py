"""``riskcore catalog``, ``graph`` and ``schema``: the catalog, the mitigation
graph of a case, and the JSON Schemas of riskcore's files.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from riskcore.cli.common import (
    OutputError,
    _plugin_manager,
    _write_or_print,
    _writing,
    check_output,
)

__all__ = ["add_parsers", "cmd_catalog", "cmd_graph", "cmd_schema"]


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``catalog``, ``graph`` and ``schema`` to the sub-parsers."""
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
