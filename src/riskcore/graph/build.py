"""Building a mitigation graph from a catalog (and a register), and validating it."""

# ruff: noqa: N803, N806  (networkx convention: a graph is ``G``)
from __future__ import annotations

from typing import Any

import networkx as nx

from riskcore.errors import GraphError
from riskcore.model.catalog import Catalog, EffectTarget
from riskcore.model.distributions import mean_of

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
