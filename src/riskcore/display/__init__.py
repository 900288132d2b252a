"""Notebook views: compact HTML tables and text summaries of riskcore results.

Every result a notebook user meets — :class:`~riskcore.model.Assessment`,
:class:`~riskcore.model.risk.RiskRegister`, :class:`~riskcore.planner.Solution`,
:class:`~riskcore.workflow.PlanReport`,
:class:`~riskcore.simulate.SimulationResult` and the mitigation graph — renders
as a small table with levels coloured (the palette of the HTML report) and
critical items first. The views follow the patterns of the scientific Python
libraries:

* the HTML is dependency-free (no pandas, no templates) and self-contained;
* a view returns ``None`` for a huge object, so IPython falls back to ``repr``;
* :func:`set_options` switches every view to plain text, as xarray's
  ``display_style`` does;
* nothing identifying is ever shown: subjects appear by their pseudonymous id,
  never by name, and notes, free-text answers, protected attributes and
  assessor error details are left out.

The classes call these functions from their ``_repr_html_`` and ``__repr__``;
they can also be called directly.

Examples
--------
>>> from riskcore.display import set_options, get_options
>>> get_options()["display"]
'html'
>>> with set_options(display="text"):
...     get_options()["display"]
'text'
>>> get_options()["display"]
'html'

.. versionadded:: 0.1
"""

from __future__ import annotations

from riskcore.display.assessment import assessment_html, assessment_text
from riskcore.display.graph import GraphView, graph_html, graph_text
from riskcore.display.options import get_options, set_options
from riskcore.display.plan import plan_mode_lines, plan_result_html, plan_result_text
from riskcore.display.register import register_html, register_text
from riskcore.display.report import plan_report_html, plan_report_text
from riskcore.display.simulation import simulation_html, simulation_text
from riskcore.display.tables import FLAG_COLOURS, STATUS_COLOURS, Cell

__all__ = [
    "FLAG_COLOURS",
    "STATUS_COLOURS",
    "Cell",
    "GraphView",
    "assessment_html",
    "assessment_text",
    "get_options",
    "graph_html",
    "graph_text",
    "plan_mode_lines",
    "plan_report_html",
    "plan_report_text",
    "plan_result_html",
    "plan_result_text",
    "register_html",
    "register_text",
    "set_options",
    "simulation_html",
    "simulation_text",
]
