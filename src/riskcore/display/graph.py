"""Views of the mitigation graph, and :class:`GraphView` for a notebook.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from riskcore.display.options import _html_enabled
from riskcore.display.tables import (
    Cell,
    _box,
    _lines,
    _num,
    _table,
)

if TYPE_CHECKING:
    import networkx as nx


__all__ = ["GraphView", "graph_html", "graph_text"]


def _graph_summary(G: nx.DiGraph) -> str:  # noqa: N803
    kinds = Counter(k for _, k in G.nodes(data="kind"))
    rel = Counter(r for _, _, r in G.edges(data="relation"))
    nodes = ", ".join(f"{n} {k}s" for k, n in sorted(kinds.items())) or "no nodes"
    edges = ", ".join(f"{n} {r}" for r, n in sorted(rel.items())) or "no edges"
    return f"{nodes}; {edges}"


def _graph_phases(G: nx.DiGraph) -> list[list[str]]:  # noqa: N803
    from riskcore.graph import phases

    return phases(G)


def graph_text(G: nx.DiGraph) -> str:  # noqa: N803
    """Short text view of a mitigation graph: node and edge counts, phases.

    Examples
    --------
    >>> import networkx as nx
    >>> graph_text(nx.DiGraph())
    '<mitigation graph: no nodes; no edges>'
    """
    head = f"<mitigation graph: {_graph_summary(G)}>"
    lines = [
        f"phase {k + 1}: {', '.join(ids)}" for k, ids in enumerate(_graph_phases(G))
    ]
    return _lines(head, lines) if lines else head


def graph_html(G: nx.DiGraph) -> str | None:  # noqa: N803
    """HTML view of a mitigation graph: mitigations by phase with cost and effects.

    Parameters
    ----------
    G : networkx.DiGraph
        A graph from :func:`riskcore.graph.build_graph`.

    Returns
    -------
    str or None
        ``None`` in text mode or for more than ``max_items`` nodes.

    Examples
    --------
    >>> import networkx as nx
    >>> "no nodes" in graph_html(nx.DiGraph())
    True
    """
    if not _html_enabled(G.number_of_nodes()):
        return None
    rows: list[list[Cell]] = []
    for k, ids in enumerate(_graph_phases(G)):
        for m in ids:
            data = G.nodes[m]
            needs = sorted(
                v for _, v, r in G.out_edges(m, data="relation") if r == "requires"
            )
            reduces = sorted(
                v for _, v, r in G.out_edges(m, data="relation") if r == "reduces"
            )
            rows.append(
                [
                    str(k + 1),
                    m,
                    _num(data.get("cost"), ",.0f"),
                    _num(data.get("duration_days"), "g"),
                    ", ".join(needs),
                    ", ".join(reduces),
                ]
            )
    parts = (
        [_table(["phase", "mitigation", "cost", "days", "requires", "reduces"], rows)]
        if rows
        else []
    )
    return _box("Mitigation graph", _graph_summary(G), *parts)


class GraphView:
    """A mitigation graph that displays itself in a notebook.

    Parameters
    ----------
    G : networkx.DiGraph
        A graph from :func:`riskcore.graph.build_graph`.

    Examples
    --------
    >>> import networkx as nx
    >>> GraphView(nx.DiGraph())
    <mitigation graph: no nodes; no edges>
    """

    def __init__(self, G: nx.DiGraph) -> None:  # noqa: N803
        self.graph = G

    def __repr__(self) -> str:
        return graph_text(self.graph)

    def _repr_html_(self) -> str | None:
        return graph_html(self.graph)
