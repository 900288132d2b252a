"""What a set of mitigations requires, and what requires it: closures and their cost."""

# ruff: noqa: N803  (networkx convention: a graph is ``G``)
from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from riskcore.errors import GraphError
from riskcore.graph.build import requirement_graph


def _as_list(nodes: str | Iterable[str]) -> list[str]:
    return [nodes] if isinstance(nodes, str) else list(nodes)


def _check_nodes(G: nx.DiGraph, nodes: list[str]) -> None:
    for n in nodes:
        if n not in G:
            raise GraphError(f"{n!r} is not in the graph")


def closure(G: nx.DiGraph, nodes: str | Iterable[str]) -> set[str]:
    """Every item that must be in place for *nodes*, including *nodes*.

    Parameters
    ----------
    G : networkx.DiGraph
        A validated mitigation graph.
    nodes : str or iterable of str
        Mitigation or response ids.

    Returns
    -------
    set of str
        *nodes* and, transitively, everything they require.

    Raises
    ------
    GraphError
        If a node is not in the graph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> nx.add_path(G, ["peer", "supervision", "policy"], relation="requires")
    >>> sorted(closure(G, "peer"))
    ['peer', 'policy', 'supervision']

    Notes
    -----
    One iterative depth-first traversal from all *nodes* at once, following
    only ``requires`` edges: each item is visited once however many sources
    reach it (a union of :func:`networkx.descendants` per source revisits
    shared prerequisites).

    See Also
    --------
    prerequisites, closure_cost, dependents
    """
    start = _as_list(nodes)
    _check_nodes(G, start)
    seen = set(start)
    stack = list(start)
    adj = G._adj
    while stack:
        u = stack.pop()
        for v, data in adj[u].items():
            if v not in seen and data.get("relation") == "requires":
                seen.add(v)
                stack.append(v)
    return seen


def prerequisites(G: nx.DiGraph, nodes: str | Iterable[str]) -> set[str]:
    """Everything that must be in place *before* *nodes* (their strict closure).

    Parameters
    ----------
    G : networkx.DiGraph
        A validated mitigation graph.
    nodes : str or iterable of str
        Mitigation or response ids.

    Returns
    -------
    set of str
        The closure of *nodes* without *nodes* themselves.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> nx.add_path(G, ["peer", "supervision", "policy"], relation="requires")
    >>> sorted(prerequisites(G, "peer"))
    ['policy', 'supervision']

    See Also
    --------
    closure
    """
    start = _as_list(nodes)
    return closure(G, start) - set(start)


def dependents(G: nx.DiGraph, nodes: str | Iterable[str]) -> set[str]:
    """Every item that requires any of *nodes*, transitively (not *nodes*).

    Parameters
    ----------
    G : networkx.DiGraph
        A validated mitigation graph.
    nodes : str or iterable of str
        Mitigation ids.

    Returns
    -------
    set of str
        The items that could not stay in a plan without *nodes*.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> nx.add_path(G, ["peer", "supervision", "policy"], relation="requires")
    >>> sorted(dependents(G, "policy"))
    ['peer', 'supervision']

    Notes
    -----
    One multi-source traversal against the ``requires`` edges.
    """
    start = _as_list(nodes)
    _check_nodes(G, start)
    seen = set(start)
    stack = list(start)
    pred = G._pred
    while stack:
        v = stack.pop()
        for u, data in pred[v].items():
            if u not in seen and data.get("relation") == "requires":
                seen.add(u)
                stack.append(u)
    return seen - set(start)


def closure_cost(G: nx.DiGraph, nodes: str | Iterable[str]) -> tuple[float, float]:
    """The money and hours of *nodes* together with their closure.

    Parameters
    ----------
    G : networkx.DiGraph
        A validated mitigation graph.
    nodes : str or iterable of str
        Mitigation or response ids.

    Returns
    -------
    (cost, hours) : tuple of float
        Each item counted once, however many of *nodes* require it.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node("peer", kind="mitigation", cost=50.0, hours=2.0)
    >>> G.add_node("supervision", kind="mitigation", cost=100.0, hours=10.0)
    >>> G.add_edge("peer", "supervision", relation="requires")
    >>> closure_cost(G, "peer")
    (150.0, 12.0)

    See Also
    --------
    closure
    """
    items = closure(G, nodes)
    cost = sum(G.nodes[n].get("cost", 0.0) for n in items)
    hours = sum(G.nodes[n].get("hours", 0.0) for n in items)
    return float(cost), float(hours)


def _mitigation_subgraph(G: nx.DiGraph, nodes: Iterable[str] | None) -> nx.DiGraph:
    req = requirement_graph(G)
    if nodes is None:
        keep = {n for n, k in G.nodes(data="kind") if k == "mitigation"}
    else:
        keep = {n for n in closure(G, nodes) if G.nodes[n].get("kind") == "mitigation"}
    return req.subgraph(keep)
