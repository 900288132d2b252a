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
"""

# ruff: noqa: N803, N806  (networkx convention: a graph is ``G``)
from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
from attrs import field, frozen

from riskcore._deprecated import renamed
from riskcore.errors import GraphError
from riskcore.model.catalog import Catalog, EffectTarget
from riskcore.model.distributions import mean_of

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

KINDS = frozenset({"mitigation", "threat", "response", "risk"})
"""The node kinds of a mitigation graph."""

_ALLOWED = {
    ("mitigation", "mitigation"): "requires",
    ("mitigation", "threat"): "reduces",
    ("response", "threat"): "recovers",
    ("response", "mitigation"): "requires",
    ("threat", "risk"): "materialises",
}


def build_graph(
    catalog: Catalog, register: Any = None, *, validate: bool = True
) -> nx.DiGraph:
    """Build the mitigation graph of a catalog (and optionally a risk register).

    Parameters
    ----------
    catalog : Catalog
        Threats, mitigations and responses.
    register : RiskRegister, optional
        If given, one node of kind ``"risk"`` per risk (attributes ``threat``,
        ``critical``; for a :class:`~riskcore.model.risk.Risk` its inherent
        ``likelihood``, ``impact`` and ``expected_harm``, its strict
        ``residual_harm``, ``level`` and ``target``; for other objects numeric
        ``likelihood``, ``impact``, ``tolerance``), linked ``threat -> risk``
        with relation ``"materialises"``.
        Any object with an iterable ``risks`` attribute (or an iterable of
        risks) whose items have ``id`` and ``threat`` is accepted.
    validate : bool, default True
        Run :func:`validate_graph` before returning.

    Returns
    -------
    G : networkx.DiGraph
        The graph; ``G.graph["catalog"]`` is the catalog name.

    Raises
    ------
    GraphError
        If an id is used by two kinds of item, or (with *validate*) if
        :func:`validate_graph` rejects the graph.

    Examples
    --------
    >>> from riskcore.model import Catalog, Mitigation, Threat, Effect, Severity
    >>> t = Threat(id="burnout", name="Burnout", category="wellbeing",
    ...            scope="professional", base_likelihood=0.4, impact=Severity(value=3))
    >>> sup = Mitigation(id="supervision", name="Supervision", category="support",
    ...                  cost=100, reduces=[Effect(threat="burnout", effectiveness=0.3)])
    >>> peer = Mitigation(id="peer-support", name="Peer support", category="support",
    ...                   requires=["supervision"],
    ...                   reduces=[Effect(threat="burnout", effectiveness=0.2)])
    >>> G = build_graph(Catalog(threats=[t], mitigations=[sup, peer]))
    >>> sorted(G.edges(data="relation"))
    [('peer-support', 'burnout', 'reduces'), ('peer-support', 'supervision', 'requires'), ('supervision', 'burnout', 'reduces')]
    >>> G.nodes["supervision"]["kind"]
    'mitigation'

    See Also
    --------
    validate_graph
    """
    G = nx.DiGraph(catalog=catalog.name)
    kinds: dict[str, str] = {}

    def add(node: str, kind: str, **attrs: Any) -> None:
        if node in kinds:
            raise GraphError(
                f"{node!r} is both a {kinds[node]} and a {kind}: ids must be unique across kinds"
            )
        kinds[node] = kind
        G.add_node(node, kind=kind, **attrs)

    for t in catalog.threats:
        add(
            t.id,
            "threat",
            name=t.name,
            category=t.category,
            likelihood=mean_of(t.base_likelihood),
            impact=mean_of(t.impact.value),
        )
    for m in catalog.mitigations:
        add(
            m.id,
            "mitigation",
            name=m.name,
            category=m.category,
            cost=float(m.cost),
            hours=float(m.hours),
            duration_days=float(m.duration_days),
            resources=tuple(m.resources),
        )
    for r in catalog.responses:
        add(r.id, "response", name=r.name, owner=r.owner)
    for m in catalog.mitigations:
        for req in m.requires:
            G.add_edge(m.id, req, relation="requires")
        for e in m.reduces:
            _add_effect(G, m.id, e.threat, mean_of(e.effectiveness), e.on, "reduces")
    for r in catalog.responses:
        for req in r.requires:
            G.add_edge(r.id, req, relation="requires")
        for e in r.recovers:
            _add_effect(G, r.id, e.threat, mean_of(e.effectiveness), e.on, "recovers")
    if register is not None:
        risks = getattr(register, "risks", register)
        for risk in risks:
            rid = str(risk.id)
            attrs: dict[str, Any] = {"threat": str(risk.threat)}
            for name in ("likelihood", "impact", "tolerance"):
                value = getattr(risk, name, None)
                if isinstance(value, (int, float)):
                    attrs[name] = float(value)
            inherent = getattr(risk, "inherent", None)
            if inherent is not None:  # a riskcore.model.risk.Risk
                attrs["likelihood"] = float(inherent.likelihood)
                attrs["impact"] = float(inherent.impact)
                attrs["expected_harm"] = float(inherent.expected_harm)
                attrs["residual_harm"] = float(risk.residual.expected_harm)
                attrs["level"] = str(risk.level)
                attrs["target"] = str(risk.target)
            if getattr(risk, "critical", None) is not None:
                attrs["critical"] = bool(risk.critical)
            add(rid, "risk", **attrs)
            G.add_edge(str(risk.threat), rid, relation="materialises")
    if validate:
        validate_graph(G)
    return G


def _add_effect(
    G: nx.DiGraph, src: str, threat: str, eff: float, on: EffectTarget, relation: str
) -> None:
    # Two effects of one item on one threat (likelihood and impact) merge into
    # one edge with both figures; the ``effectiveness`` attribute is the
    # combined fraction removed from expected harm.
    key = "likelihood" if on is EffectTarget.LIKELIHOOD else "impact"
    if G.has_edge(src, threat):
        data = G.edges[src, threat]
        data[key] = 1.0 - (1.0 - data.get(key, 0.0)) * (1.0 - eff)
    else:
        G.add_edge(src, threat, relation=relation, **{key: eff})
        data = G.edges[src, threat]
    data["effectiveness"] = 1.0 - (1.0 - data.get("likelihood", 0.0)) * (
        1.0 - data.get("impact", 0.0)
    )
    data["on"] = "+".join(k for k in ("likelihood", "impact") if k in data)


def validate_graph(G: nx.DiGraph) -> None:
    """Check a mitigation graph: kinds, references, figures and cycles.

    Parameters
    ----------
    G : networkx.DiGraph
        A graph from :func:`build_graph`, possibly edited.

    Raises
    ------
    GraphError
        Naming the item: a node without a known ``kind`` (a dangling
        reference), a self reference, an edge between kinds that cannot be
        linked, a negative cost, an effectiveness outside [0, 1], or a
        requirement cycle, printed whole as ``a -> b -> c -> a``.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_nodes_from("abc", kind="mitigation")
    >>> nx.add_path(G, ["a", "b", "c", "a"], relation="requires")
    >>> validate_graph(G)
    Traceback (most recent call last):
    ...
    riskcore.errors.GraphError: requirement cycle: a -> b -> c -> a
    >>> G.add_edge("x", "a", relation="requires")
    >>> validate_graph(G)
    Traceback (most recent call last):
    ...
    riskcore.errors.GraphError: 'x' (requires a) is not a known item (dangling reference)

    Notes
    -----
    Acyclicity is checked first with :func:`networkx.is_directed_acyclic_graph`
    (linear time). Only when a cycle exists is it located, inside a strongly
    connected component with :func:`networkx.find_cycle`: ``find_cycle`` on a
    large *acyclic* graph restarts a traversal from every root and is far
    slower than the check.

    See Also
    --------
    build_graph
    """
    for node, kind in G.nodes(data="kind"):
        if kind not in KINDS:
            refs = ", ".join(sorted(str(v) for v in G.successors(node)))
            by = ", ".join(sorted(str(u) for u in G.predecessors(node)))
            where = f"requires {refs}" if refs else f"referenced by {by}"
            raise GraphError(
                f"{node!r} ({where}) is not a known item (dangling reference)"
            )
        if kind == "mitigation":
            for attr in ("cost", "hours", "duration_days"):
                value = G.nodes[node].get(attr, 0.0)
                if not value >= 0.0:
                    raise GraphError(f"{node!r}: {attr} {value!r} is negative")
    for u, v, data in G.edges(data=True):
        if u == v:
            raise GraphError(f"{u!r} requires itself (self reference)")
        pair = (G.nodes[u]["kind"], G.nodes[v]["kind"])
        if pair not in _ALLOWED:
            raise GraphError(f"{u!r} -> {v!r}: a {pair[0]} cannot refer to a {pair[1]}")
        for attr in ("effectiveness", "likelihood", "impact"):
            if attr in data and not 0.0 <= data[attr] <= 1.0:
                raise GraphError(
                    f"{u!r} -> {v!r}: {attr} {data[attr]!r} is not in [0, 1]"
                )
    req = requirement_graph(G)
    if not nx.is_directed_acyclic_graph(req):
        for comp in nx.strongly_connected_components(req):
            if len(comp) > 1:
                cycle = nx.find_cycle(req.subgraph(comp))
                names = [str(u) for u, _ in cycle] + [str(cycle[0][0])]
                raise GraphError("requirement cycle: " + " -> ".join(names))


def requirement_graph(G: nx.DiGraph) -> nx.DiGraph:
    """The subgraph view of ``requires`` edges (dependent -> prerequisite).

    Parameters
    ----------
    G : networkx.DiGraph
        A mitigation graph.

    Returns
    -------
    networkx.DiGraph
        A read-only view with every node of *G* and only its ``requires`` edges.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", relation="requires")
    >>> G.add_edge("a", "t", relation="reduces")
    >>> list(requirement_graph(G).edges)
    [('a', 'b')]
    """
    return nx.subgraph_view(
        G, filter_edge=lambda u, v: G.edges[u, v].get("relation") == "requires"
    )


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


def phases(G: nx.DiGraph, nodes: Iterable[str] | None = None) -> list[list[str]]:
    """Group mitigations into phases: each phase needs only earlier ones.

    Parameters
    ----------
    G : networkx.DiGraph
        A validated mitigation graph.
    nodes : iterable of str, optional
        The mitigations of a plan (their closure is used); all mitigations if
        omitted.

    Returns
    -------
    list of list of str
        Phase 0 first; ids sorted within a phase.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_nodes_from(["policy", "supervision", "peer", "training"], kind="mitigation")
    >>> nx.add_path(G, ["peer", "supervision", "policy"], relation="requires")
    >>> phases(G)
    [['policy', 'training'], ['supervision'], ['peer']]

    Notes
    -----
    The topological generations ([Kahn1962]_) of the reversed requirement graph, via
    :func:`networkx.topological_generations`: phase *k* holds the items whose
    longest chain of prerequisites has *k* links.

    References
    ----------
    .. [Kahn1962] A. B. Kahn, "Topological sorting of large networks",
       Communications of the ACM 5(11), 558–562, 1962.

    See Also
    --------
    schedule
    """
    sub = _mitigation_subgraph(G, nodes)
    return [sorted(gen) for gen in nx.topological_generations(sub.reverse(copy=False))]


def _mitigation_subgraph(G: nx.DiGraph, nodes: Iterable[str] | None) -> nx.DiGraph:
    req = requirement_graph(G)
    if nodes is None:
        keep = {n for n, k in G.nodes(data="kind") if k == "mitigation"}
    else:
        keep = {n for n in closure(G, nodes) if G.nodes[n].get("kind") == "mitigation"}
    return req.subgraph(keep)


@frozen(kw_only=True)
class Schedule:
    """The earliest schedule of a set of mitigations.

    ``start`` and ``finish`` are in days from day 0; ``critical_path`` is a
    longest chain of prerequisites, first to last, whose durations add up to
    ``makespan``.
    """

    start: Mapping[str, float] = field()
    finish: Mapping[str, float] = field()
    makespan: float = field()
    critical_path: tuple[str, ...] = field()


def schedule(
    G: nx.DiGraph,
    nodes: Iterable[str] | None = None,
    durations: Mapping[str, float] | None = None,
) -> Schedule:
    """The earliest start of each mitigation, and the critical path.

    Parameters
    ----------
    G : networkx.DiGraph
        A validated mitigation graph.
    nodes : iterable of str, optional
        The mitigations of a plan (their closure is scheduled); all if omitted.
    durations : mapping of str to float, optional
        Days each mitigation takes; defaults to the ``duration_days``
        attribute (0 if absent).

    Returns
    -------
    Schedule
        Earliest start and finish per mitigation, the makespan and a critical
        path.

    Raises
    ------
    GraphError
        If a duration is negative.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node("policy", kind="mitigation", duration_days=5.0)
    >>> G.add_node("training", kind="mitigation", duration_days=10.0)
    >>> G.add_node("deescalation", kind="mitigation", duration_days=2.0)
    >>> G.add_edge("deescalation", "policy", relation="requires")
    >>> G.add_edge("deescalation", "training", relation="requires")
    >>> s = schedule(G)
    >>> s.start["deescalation"], s.makespan, s.critical_path
    (10.0, 12.0, ('training', 'deescalation'))

    Notes
    -----
    The critical path method ([Kelley1959]_): one pass in topological order sets each
    start to the latest finish among its prerequisites; the critical path is
    traced back from the item that finishes last.

    References
    ----------
    .. [Kelley1959] J. E. Kelley and M. R. Walker, "Critical-path planning and
       scheduling", Proc. Eastern Joint Computer Conference, 160–173, 1959.

    See Also
    --------
    phases
    """
    sub = _mitigation_subgraph(G, nodes)
    dur: dict[str, float] = {}
    for n in sub:
        d = float(
            durations[n]
            if durations is not None and n in durations
            else G.nodes[n].get("duration_days", 0.0)
        )
        if not d >= 0.0:
            raise GraphError(f"{n!r}: duration {d!r} is negative")
        dur[n] = d
    start: dict[str, float] = {}
    finish: dict[str, float] = {}
    via: dict[str, str | None] = {}
    for n in reversed(list(nx.lexicographical_topological_sort(sub))):
        best, arg = 0.0, None
        for p in sorted(sub.successors(n)):
            if finish[p] > best:
                best, arg = finish[p], p
        start[n], finish[n], via[n] = best, best + dur[n], arg
    if not finish:
        return Schedule(start={}, finish={}, makespan=0.0, critical_path=())
    last = max(sorted(finish), key=lambda n: finish[n])
    path: list[str] = []
    cur: str | None = last
    while cur is not None:
        path.append(cur)
        cur = via[cur]
    return Schedule(
        start=start,
        finish=finish,
        makespan=finish[last],
        critical_path=tuple(reversed(path)),
    )


@frozen(kw_only=True)
class Coverage:
    """Which threats a set of mitigations covers, and how well.

    ``single_points`` maps each threat reduced by exactly one mitigation to
    that mitigation (a single point of failure); ``uncovered`` lists threats no
    mitigation reduces; ``redundant`` lists mitigations that add nothing: no
    effect of their own and not required by any mitigation or response that
    has one; ``dominated`` maps a mitigation to one that reduces every threat
    it reduces at least as much, for no more cost and hours with closures.
    """

    layers: Mapping[str, tuple[str, ...]] = field()
    single_points: Mapping[str, str] = field()
    uncovered: tuple[str, ...] = field()
    redundant: tuple[str, ...] = field()
    dominated: Mapping[str, str] = field()


def coverage(G: nx.DiGraph, nodes: Iterable[str] | None = None) -> Coverage:
    """Single points of failure, uncovered threats and mitigations that add nothing.

    Parameters
    ----------
    G : networkx.DiGraph
        A validated mitigation graph.
    nodes : iterable of str, optional
        The mitigations in place (their closure is counted); all if omitted.

    Returns
    -------
    Coverage

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_nodes_from(["burnout", "aggression", "rupture"], kind="threat")
    >>> G.add_nodes_from(["supervision", "peer", "policy", "poster"], kind="mitigation")
    >>> G.add_edge("supervision", "burnout", relation="reduces", effectiveness=0.3)
    >>> G.add_edge("peer", "burnout", relation="reduces", effectiveness=0.2)
    >>> G.add_edge("policy", "aggression", relation="reduces", effectiveness=0.4)
    >>> c = coverage(G)
    >>> dict(c.single_points), c.uncovered, c.redundant
    ({'aggression': 'policy'}, ('rupture',), ('poster',))
    >>> dict(c.dominated)
    {'peer': 'supervision'}

    Notes
    -----
    A threat with one layer is the bow-tie notion of a single barrier: if it
    fails, nothing else stands between the threat and harm. Domination is
    checked pairwise between mitigations that share a threat.
    """
    if nodes is None:
        active = {n for n, k in G.nodes(data="kind") if k == "mitigation"}
    else:
        active = {
            n for n in closure(G, nodes) if G.nodes[n].get("kind") == "mitigation"
        }
    threats = sorted(n for n, k in G.nodes(data="kind") if k == "threat")
    layers: dict[str, list[str]] = {t: [] for t in threats}
    effects: dict[str, dict[str, float]] = {}
    for m in sorted(active):
        eff = {
            t: float(d.get("effectiveness", 0.0))
            for t, d in G._adj[m].items()
            if d.get("relation") == "reduces" and d.get("effectiveness", 0.0) > 0.0
        }
        effects[m] = eff
        for t in eff:
            layers[t].append(m)
    useful = {m for m, e in effects.items() if e}
    useful |= {n for n, k in G.nodes(data="kind") if k == "response"}
    needed = closure(G, sorted(useful)) if useful else set()
    redundant = tuple(sorted(m for m in active if m not in needed))
    cost = {m: closure_cost(G, m) for m in sorted(useful & active)}
    dominated: dict[str, str] = {}
    for m in sorted(useful & active):
        candidates: set[str] | None = None
        for t in effects[m]:
            c = set(layers[t]) - {m}
            candidates = c if candidates is None else candidates & c
        for d in sorted(candidates or ()):
            if (
                all(effects[d].get(t, 0.0) >= e for t, e in effects[m].items())
                and cost[d][0] <= cost[m][0]
                and cost[d][1] <= cost[m][1]
                and m not in closure(G, d)
                and not (effects[d] == effects[m] and cost[d] == cost[m] and d > m)
            ):
                dominated[m] = d
                break
    return Coverage(
        layers={t: tuple(v) for t, v in layers.items()},
        single_points={t: v[0] for t, v in layers.items() if len(v) == 1},
        uncovered=tuple(t for t, v in layers.items() if not v),
        redundant=redundant,
        dominated=dominated,
    )


def residual_harm(G: nx.DiGraph, nodes: Iterable[str]) -> float:
    """Expected residual harm of the threats in *G* with *nodes* in place.

    Σ over threats of the strict residual likelihood × impact that
    :func:`riskcore.calculus.credit` (the one crediting rule) gives for the
    mitigations and responses in the closure of *nodes* that reduce it:
    layers that share a prerequisite or a ``resources`` entry are one
    common-cause group, of which only the best is credited. The default
    residual of :func:`what_if`; the register refines it per subject.

    Parameters
    ----------
    G : networkx.DiGraph
        A validated mitigation graph with ``likelihood`` and ``impact`` on
        threat nodes.
    nodes : iterable of str
        Mitigations and responses in place.

    Returns
    -------
    float

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node("burnout", kind="threat", likelihood=0.5, impact=2.0)
    >>> G.add_node("supervision", kind="mitigation", resources=("supervisor",))
    >>> G.add_node("peer-group", kind="mitigation", resources=("supervisor",))
    >>> G.add_edge("supervision", "burnout", relation="reduces", likelihood=0.5)
    >>> G.add_edge("peer-group", "burnout", relation="reduces", likelihood=0.2)
    >>> residual_harm(G, []), residual_harm(G, ["supervision"])
    (1.0, 0.5)

    The peer group relies on the same supervisor: no extra credit.

    >>> residual_harm(G, ["supervision", "peer-group"])
    0.5

    .. versionchanged:: 0.2
       Renamed from ``expected_harm``, which is the one-risk formula
       :func:`riskcore.calculus.expected_harm`; the old name warns until 0.3.
    """
    from riskcore import calculus

    active = closure(G, list(nodes))
    deps: dict[str, frozenset[str]] = {}
    for u in sorted(active):
        kind = G.nodes[u].get("kind")
        need = {
            v
            for v in closure(G, u)
            if G.nodes[v].get("kind") == "mitigation" and (v != u or kind != "response")
        }
        deps[u] = calculus.dependency_keys(
            u,
            need,
            G.nodes[u].get("resources", ()) if kind == "mitigation" else (),
            kind="response" if kind == "response" else "mitigation",
        )
    total = 0.0
    for t, kind in G.nodes(data="kind"):
        if kind != "threat":
            continue
        data = G.nodes[t]
        layers = []
        for u, d in sorted(G._pred[t].items()):
            if u not in active or d.get("relation") not in ("reduces", "recovers"):
                continue
            sides = [s for s in ("likelihood", "impact") if s in d]
            if not sides:  # an edge built by hand with one combined figure
                sides_eff = [("likelihood", float(d.get("effectiveness", 0.0)))]
            else:
                sides_eff = [(s, float(d[s])) for s in sides]
            for side, e in sides_eff:
                layers.append(
                    calculus.LayerInput(
                        id=u,
                        on=side,  # type: ignore[arg-type]
                        effectiveness=e,
                        depends_on=deps[u],
                        kind=str(G.nodes[u].get("kind", "mitigation")),
                    )
                )
        got = calculus.credit(
            float(data.get("likelihood", 0.0)),
            float(data.get("impact", 0.0)),
            layers,
            risk=t,
        )
        total += got.harm
    return total


@frozen(kw_only=True)
class WhatIf:
    """The change in residual risk when mitigations are removed or added.

    ``removed`` includes the dependents that had to go with the removed
    mitigations; ``added`` includes the prerequisites that came with the added
    ones. ``delta`` is ``after - before`` (negative is better).
    """

    before: float = field()
    after: float = field()
    delta: float = field()
    removed: tuple[str, ...] = field()
    added: tuple[str, ...] = field()
    plan: tuple[str, ...] = field()


expected_harm = renamed(residual_harm, "riskcore.graph.expected_harm")


def what_if(
    G: nx.DiGraph,
    plan: Collection[str],
    *,
    remove: str | Iterable[str] = (),
    add: str | Iterable[str] = (),
    residual: Callable[[frozenset[str]], float] | None = None,
) -> WhatIf:
    """See how residual risk changes if mitigations are removed or added.

    Parameters
    ----------
    G : networkx.DiGraph
        A validated mitigation graph.
    plan : collection of str
        The mitigations in place (closed under requires by this function).
    remove, add : str or iterable of str
        Mitigations to take out (with everything that requires them) and to
        put in (with everything they require).
    residual : callable, optional
        ``residual(frozenset_of_ids) -> float``; by default
        :func:`residual_harm` on *G*. Pass the risk calculus here to score a
        register.

    Returns
    -------
    WhatIf

    Raises
    ------
    GraphError
        If an id is not in the graph.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node("burnout", kind="threat", likelihood=0.5, impact=2.0)
    >>> G.add_nodes_from(["supervision", "peer"], kind="mitigation")
    >>> G.add_edge("supervision", "burnout", relation="reduces", effectiveness=0.5)
    >>> G.add_edge("peer", "burnout", relation="reduces", effectiveness=0.5)
    >>> G.add_edge("peer", "supervision", relation="requires")
    >>> w = what_if(G, ["peer"], remove="supervision")

    Peer support requires supervision, so the two are one common-cause group
    and only one of them is credited (:func:`riskcore.calculus.credit`):

    >>> w.before, w.after, w.removed
    (0.5, 1.0, ('peer', 'supervision'))
    """
    score = residual if residual is not None else (lambda s: residual_harm(G, s))
    current = closure(G, list(plan)) if plan else set()
    drop_start = _as_list(remove)
    drop: set[str] = set()
    if drop_start:
        drop = (dependents(G, drop_start) | set(drop_start)) & current
    add_start = _as_list(add)
    gain = closure(G, add_start) if add_start else set()
    after_set = (current - drop) | gain
    # Adding something back may need what was removed: the additions win.
    after_set = closure(G, sorted(after_set)) if after_set else set()
    drop = current - after_set
    before = float(score(frozenset(current)))
    after = float(score(frozenset(after_set)))
    return WhatIf(
        before=before,
        after=after,
        delta=after - before,
        removed=tuple(sorted(drop)),
        added=tuple(sorted(after_set - current)),
        plan=tuple(sorted(after_set)),
    )


# ------------------------------------------------------------------ export


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
