"""riskcore: risk-management planning for mental-health practice.

Data flows one way::

    case -> assess -> Assessment -> identify -> RiskRegister -> graph -> plan -> report

riskcore is decision support, not diagnosis: every figure it shows can be traced
to its inputs, its assumptions and their sources.

The public API is re-exported here, lazily: ``import riskcore`` imports none
of its submodules, and each name is imported on first use; heavy dependencies
(numpy, scipy, pandas, matplotlib, jinja2, networkx) are imported only by the
functions that need them.

>>> import riskcore
>>> riskcore.hookimpl.project_name
'riskcore'
"""

import sys
import types
from typing import TYPE_CHECKING, Any

# Lazy loading (PEP 562, as Scientific Python's SPEC 1 describes): `import
# riskcore` imports no submodule; each public name is imported from its module
# on first use, so the command line and plugins start fast, and heavy
# dependencies (numpy, scipy, networkx, jinja2) load only when a function that
# needs them runs.
_LAZY: dict[str, str] = {
    "__version__": "riskcore._version",
    "AssessmentError": "riskcore.errors",
    "CatalogError": "riskcore.errors",
    "FieldError": "riskcore.errors",
    "GraphError": "riskcore.errors",
    "InstrumentError": "riskcore.errors",
    "LoadError": "riskcore.errors",
    "PlanError": "riskcore.errors",
    "PluginError": "riskcore.errors",
    "RiskcoreError": "riskcore.errors",
    "InstrumentSpec": "riskcore.instruments",
    "PlanReport": "riskcore.workflow",
    "build_plan": "riskcore.workflow",
    "PluginManager": "riskcore.plugins",
    "get_plugin_manager": "riskcore.plugins",
    "apply_controls": "riskcore.identify",
    "identify": "riskcore.identify",
    "arm": "riskcore.responses",
    "assess": "riskcore.assess",
    "default_catalog": "riskcore.catalog",
    "dump": "riskcore.io",
    "dumps": "riskcore.io",
    "load": "riskcore.io",
    "load_case": "riskcore.io",
    "load_catalog": "riskcore.io",
    "load_plan": "riskcore.io",
    "loads": "riskcore.io",
    "evaluate_obligations": "riskcore.obligations",
    "hookimpl": "riskcore.hookspecs",
    "plan": "riskcore.planner",
    "set_options": "riskcore.display",
    "ReportData": "riskcore.report.data",
    "load_report": "riskcore.report.data",
}
_SUBMODULES = frozenset(
    {
        "assess",
        "calculus",
        "catalog",
        "cli",
        "display",
        "errors",
        "evaluate",
        "events",
        "evidence",
        "frames",
        "graph",
        "hookresults",
        "hookspecs",
        "identify",
        "instruments",
        "interop",
        "io",
        "model",
        "obligations",
        "palette",
        "planner",
        "plot",
        "plugins",
        "report",
        "responses",
        "scaffold",
        "schema",
        "simulate",
        "store",
        "testing",
        "workflow",
    }
)
# Public functions named like the module that defines them: importing the
# module (``from riskcore.assess import assessor_infos``) must not rebind
# ``riskcore.assess`` to the module, as the import system would.
_SHADOWED = frozenset(name for name in _LAZY if name in _SUBMODULES)


def __getattr__(name: str) -> Any:
    import importlib

    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        if name not in _SHADOWED:
            globals()[name] = value  # looked up once
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"riskcore.{name}")
    raise AttributeError(f"module 'riskcore' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return  # riskcore.assess stays the function (see _SHADOWED)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


if TYPE_CHECKING:
    from riskcore import instruments
    from riskcore._version import __version__
    from riskcore.assess import assess
    from riskcore.catalog import default_catalog
    from riskcore.display import set_options
    from riskcore.errors import (
        AssessmentError,
        CatalogError,
        FieldError,
        GraphError,
        InstrumentError,
        LoadError,
        PlanError,
        PluginError,
        RiskcoreError,
    )
    from riskcore.hookspecs import hookimpl
    from riskcore.identify import apply_controls, identify
    from riskcore.instruments import InstrumentSpec
    from riskcore.io import dump, dumps, load, load_case, load_catalog, load_plan, loads
    from riskcore.obligations import evaluate_obligations
    from riskcore.planner import plan
    from riskcore.plugins import PluginManager, get_plugin_manager
    from riskcore.report.data import ReportData, load_report
    from riskcore.responses import arm
    from riskcore.workflow import PlanReport, build_plan

__all__ = [
    "AssessmentError",
    "CatalogError",
    "FieldError",
    "GraphError",
    "InstrumentError",
    "InstrumentSpec",
    "LoadError",
    "PlanError",
    "PlanReport",
    "PluginError",
    "PluginManager",
    "ReportData",
    "RiskcoreError",
    "__version__",
    "apply_controls",
    "arm",
    "assess",
    "build_plan",
    "default_catalog",
    "dump",
    "dumps",
    "evaluate_obligations",
    "get_plugin_manager",
    "hookimpl",
    "identify",
    "instruments",
    "load",
    "load_case",
    "load_catalog",
    "load_plan",
    "load_report",
    "loads",
    "plan",
    "set_options",
]
