"""A mitigation graph as GraphML, node-link JSON, Graphviz DOT or Mermaid."""

# ruff: noqa: N803, N806  (networkx convention: a graph is ``G``)
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx


def _scalar_attrs(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool))}


def to_graphml(G: nx.DiGraph, path: str | Path) -> None:
    """Write *G* as GraphML (yEd, Gephi, Cytoscape).

    Parameters
    ----------
    G : networkx.DiGraph
        A mitigation graph.
    path : str or Path
        The file to write.

    Examples
    --------
    >>> import tempfile, os
    >>> G = nx.DiGraph()
    >>> G.add_node("a", kind="mitigation", cost=1.0)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     to_graphml(G, os.path.join(d, "g.graphml"))
    ...     nx.read_graphml(os.path.join(d, "g.graphml")).nodes["a"]["kind"]
    'mitigation'

    Notes
    -----
    Only scalar attributes are written; graph-level attributes that are not
    scalars are dropped.
    """
    H = nx.DiGraph(**_scalar_attrs(G.graph))
    H.add_nodes_from((n, _scalar_attrs(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((u, v, _scalar_attrs(d)) for u, v, d in G.edges(data=True))
    nx.write_graphml(H, str(path))


def to_node_link(G: nx.DiGraph, *, indent: int | None = None) -> str:
    """*G* as node-link JSON (d3.js), via :func:`networkx.node_link_data`.

    Parameters
    ----------
    G : networkx.DiGraph
        A mitigation graph.
    indent : int, optional
        Passed to :func:`json.dumps`.

    Returns
    -------
    str
        JSON with ``nodes`` and ``edges`` arrays; read it back with
        ``networkx.node_link_graph(json.loads(text), edges="edges")``.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge("peer", "supervision", relation="requires")
    >>> data = json.loads(to_node_link(G))
    >>> data["edges"]
    [{'relation': 'requires', 'source': 'peer', 'target': 'supervision'}]
    """
    data = nx.node_link_data(G, edges="edges")
    data["graph"] = _scalar_attrs(data.get("graph", {}))
    return json.dumps(data, indent=indent, sort_keys=True, default=str)


def _dot_id(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


_DOT_SHAPE = {
    "mitigation": "box",
    "threat": "ellipse",
    "response": "hexagon",
    "risk": "diamond",
}


_DOT_STYLE = {
    "requires": "solid",
    "reduces": "bold",
    "recovers": "dashed",
    "materialises": "dotted",
}


def to_dot(G: nx.DiGraph) -> str:
    """*G* as Graphviz DOT text (no pydot or pygraphviz needed).

    Parameters
    ----------
    G : networkx.DiGraph
        A mitigation graph.

    Returns
    -------
    str
        A ``digraph``; node shapes by kind, edge labels by relation and
        effectiveness.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node("supervision", kind="mitigation")
    >>> G.add_node("burnout", kind="threat")
    >>> G.add_edge("supervision", "burnout", relation="reduces", effectiveness=0.3)
    >>> print(to_dot(G))
    digraph "mitigations" {
      rankdir=LR;
      "supervision" [shape=box, label="supervision"];
      "burnout" [shape=ellipse, label="burnout"];
      "supervision" -> "burnout" [style=bold, label="reduces 0.3"];
    }
    """
    name = str(G.graph.get("catalog", "mitigations"))
    if name == "catalog":
        name = "mitigations"
    lines = [f"digraph {_dot_id(name)} {{", "  rankdir=LR;"]
    for n, d in G.nodes(data=True):
        shape = _DOT_SHAPE.get(d.get("kind", ""), "plaintext")
        lines.append(f"  {_dot_id(n)} [shape={shape}, label={_dot_id(n)}];")
    for u, v, d in G.edges(data=True):
        rel = str(d.get("relation", ""))
        label = rel if "effectiveness" not in d else f"{rel} {d['effectiveness']:g}"
        style = _DOT_STYLE.get(rel, "solid")
        lines.append(
            f"  {_dot_id(u)} -> {_dot_id(v)} [style={style}, label={_dot_id(label)}];"
        )
    lines.append("}")
    return "\n".join(lines)


def _mermaid_id(s: str, ids: dict[str, str]) -> str:
    if s not in ids:
        ids[s] = f"n{len(ids)}"
    return ids[s]


_MERMAID_SHAPE = {
    "mitigation": ('["', '"]'),
    "threat": ('(["', '"])'),
    "response": ('{{"', '"}}'),
    "risk": ('{"', '"}'),
}


_MERMAID_ARROW = {
    "requires": "-->",
    "reduces": "==>",
    "recovers": "-.->",
    "materialises": "-->",
}


def to_mermaid(G: nx.DiGraph) -> str:
    """*G* as a Mermaid flowchart (renders in GitHub and GitLab Markdown).

    Parameters
    ----------
    G : networkx.DiGraph
        A mitigation graph.

    Returns
    -------
    str
        A ``flowchart LR`` block; mitigations as boxes, threats as stadiums,
        responses as hexagons; ``==>`` for reduces, ``-.->`` for recovers.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node("supervision", kind="mitigation")
    >>> G.add_node("burnout", kind="threat")
    >>> G.add_edge("supervision", "burnout", relation="reduces", effectiveness=0.3)
    >>> print(to_mermaid(G))
    flowchart LR
      n0["supervision"]
      n1(["burnout"])
      n0 ==>|"reduces 0.3"| n1
    """
    ids: dict[str, str] = {}
    lines = ["flowchart LR"]
    for n, d in G.nodes(data=True):
        left, right = _MERMAID_SHAPE.get(d.get("kind", ""), ('["', '"]'))
        label = str(n).replace('"', "#quot;")
        lines.append(f"  {_mermaid_id(n, ids)}{left}{label}{right}")
    for u, v, d in G.edges(data=True):
        rel = str(d.get("relation", ""))
        label = rel if "effectiveness" not in d else f"{rel} {d['effectiveness']:g}"
        arrow = _MERMAID_ARROW.get(rel, "-->")
        lines.append(
            f'  {_mermaid_id(u, ids)} {arrow}|"{label}"| {_mermaid_id(v, ids)}'
        )
    return "\n".join(lines)
