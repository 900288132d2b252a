"""A graph's residual harm with some mitigations in place, and what-if queries.

Every figure comes from :func:`riskcore.calculus.credit`, the one crediting rule.
"""

# ruff: noqa: N803  (networkx convention: a graph is ``G``)
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

import networkx as nx
from attrs import field, frozen

from riskcore._deprecated import renamed
from riskcore.graph.closure import _as_list, closure, dependents


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
