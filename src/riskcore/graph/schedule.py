"""When mitigations can be in place: phases, the schedule, and coverage."""

# ruff: noqa: N803  (networkx convention: a graph is ``G``)
from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
from attrs import field, frozen

from riskcore.errors import GraphError
from riskcore.graph.closure import _mitigation_subgraph, closure, closure_cost


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
