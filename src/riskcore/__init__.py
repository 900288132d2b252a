"""riskcore: risk-management planning for mental-health practice.

Data flows one way::

    case -> assess -> Assessment -> identify -> RiskRegister -> graph -> plan -> report

riskcore is decision support, not diagnosis: every figure it shows can be traced
to its inputs, its assumptions and their sources.

The public API is re-exported here; heavy dependencies (numpy, scipy, pandas,
matplotlib, jinja2) are imported only by the functions that need them.

>>> import riskcore
>>> riskcore.hookimpl.project_name
'riskcore'
"""

from typing import TYPE_CHECKING, Any

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
from riskcore.plugins import PluginManager, get_plugin_manager
from riskcore.responses import arm
from riskcore.workflow import PlanReport, build_plan

if TYPE_CHECKING:
    from riskcore.planner import plan
    from riskcore.report.data import ReportData, load_report

# Only names that differ from a submodule's can be lazy attributes: importing
# riskcore.simulate would rebind riskcore.simulate to the module. Use
# ``from riskcore.simulate import simulate``.
_LAZY = {
    "plan": "riskcore.planner",
    "ReportData": "riskcore.report.data",
    "load_report": "riskcore.report.data",
}


def __getattr__(name: str) -> Any:
    # the planner needs numpy and scipy: import it on first use only
    # (the SPEC 1 lazy-loading pattern), so `import riskcore` stays light.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'riskcore' has no attribute {name!r}")


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
