"""riskcore: risk-management planning for mental-health practice.

Data flows one way::

    case -> assess -> Assessment -> identify -> RiskRegister -> graph -> plan -> report

riskcore is decision support, not diagnosis: every figure it shows can be traced
to its inputs, its assumptions and their sources.

>>> import riskcore
>>> riskcore.hookimpl.project_name
'riskcore'
"""

from riskcore.assess import assess
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
from riskcore.io import dump, dumps, load, load_case, load_catalog, load_plan, loads
from riskcore.plugins import PluginManager, get_plugin_manager

__version__ = "0.1.0"

__all__ = [
    "AssessmentError",
    "CatalogError",
    "FieldError",
    "GraphError",
    "InstrumentError",
    "LoadError",
    "PlanError",
    "PluginError",
    "PluginManager",
    "RiskcoreError",
    "__version__",
    "assess",
    "dump",
    "dumps",
    "get_plugin_manager",
    "hookimpl",
    "load",
    "load_case",
    "load_catalog",
    "load_plan",
    "loads",
]
