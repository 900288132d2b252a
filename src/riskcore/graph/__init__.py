"""The mitigation graph: one networkx model of what requires and reduces what.

Nodes are catalog ids; the ``kind`` attribute says what each one is
(``"mitigation"``, ``"threat"``, ``"response"``). Edges carry a ``relation``:

========================  =============  =========================================
edge                      relation       attributes
========================  =============  =========================================
mitigation -> mitigation  ``requires``
mitigation -> threat      ``reduces``    ``effectiveness`` (mean), ``on``
response -> threat        ``recovers``   ``effectiveness`` (mean), ``on``
response -> mitigation    ``requires``
========================  =============  =========================================

Mitigation nodes carry ``cost``, ``hours`` and ``duration_days``; threat nodes
carry ``likelihood`` and ``impact`` (point values), so the graph alone is enough
for :func:`residual_harm` and the what-if queries.

Every query validates nothing by itself: :func:`build_graph` validates once
(:func:`validate_graph`), and a graph edited by hand should be validated again.

.. versionadded:: 0.1

.. versionchanged:: 0.2
   A package, one idea per module: :mod:`~riskcore.graph.build`,
   :mod:`~riskcore.graph.closure`, :mod:`~riskcore.graph.schedule`,
   :mod:`~riskcore.graph.harm` and :mod:`~riskcore.graph.export`; every name is
   still importable from ``riskcore.graph``.
"""

from __future__ import annotations

from riskcore.graph.build import KINDS, build_graph, requirement_graph, validate_graph
from riskcore.graph.closure import closure, closure_cost, dependents, prerequisites
from riskcore.graph.export import to_dot, to_graphml, to_mermaid, to_node_link
from riskcore.graph.harm import WhatIf, expected_harm, residual_harm, what_if
from riskcore.graph.schedule import Coverage, Schedule, coverage, phases, schedule

__all__ = [
    "KINDS",
    "Coverage",
    "Schedule",
    "WhatIf",
    "build_graph",
    "closure",
    "closure_cost",
    "coverage",
    "dependents",
    "expected_harm",
    "phases",
    "prerequisites",
    "requirement_graph",
    "residual_harm",
    "schedule",
    "to_dot",
    "to_graphml",
    "to_mermaid",
    "to_node_link",
    "validate_graph",
    "what_if",
]
