"""Tests of the mitigation graph (riskcore.graph)."""

# ruff: noqa: N803, N806  (networkx convention: a graph is ``G``)

from __future__ import annotations

import json
import random
import sys
import types
from pathlib import Path

import networkx as nx
import pytest

from riskcore import graph as rg
from riskcore.errors import FieldError, GraphError
from riskcore.model import (
    Catalog,
    Effect,
    EffectTarget,
    Mitigation,
    Response,
    Severity,
    Threat,
)


def _threat(tid: str, p: float = 0.5, impact: float = 2.0) -> Threat:
    return Threat(
        id=tid,
        name=tid,
        category="wellbeing",
        scope="practice",
        base_likelihood=p,
        impact=Severity(value=impact, scale="harm-units"),
    )


def _mit(
    mid: str, *, requires: tuple[str, ...] = (), cost: float = 1.0, **eff: float
) -> Mitigation:
    return Mitigation(
        id=mid,
        name=mid,
        category="support",
        cost=cost,
        hours=cost / 10,
        duration_days=cost,
        requires=requires,
        reduces=[
            Effect(threat=t.replace("_", "-"), effectiveness=e) for t, e in eff.items()
        ],
    )


@pytest.fixture
def catalog() -> Catalog:
    return Catalog(
        name="test",
        threats=[
            _threat("burnout"),
            _threat("aggression", 0.2, 4.0),
            _threat("rupture"),
        ],
        mitigations=[
            _mit("policy", cost=5.0),
            _mit("training", cost=10.0, aggression=0.3),
            _mit("supervision", requires=("policy",), cost=20.0, burnout=0.3),
            _mit("peer", requires=("supervision",), cost=3.0, burnout=0.2),
            _mit(
                "deescalation",
                requires=("training", "policy"),
                cost=2.0,
                aggression=0.4,
            ),
        ],
        responses=[
            Response(
                id="crisis-line",
                name="Crisis line",
                requires=("training",),
                recovers=[
                    Effect(
                        threat="aggression", effectiveness=0.5, on=EffectTarget.IMPACT
                    )
                ],
            )
        ],
    )


def test_build_kinds_and_edges(catalog: Catalog) -> None:
    G = rg.build_graph(catalog)
    assert G.nodes["peer"]["kind"] == "mitigation"
    assert G.nodes["burnout"]["kind"] == "threat"
    assert G.nodes["crisis-line"]["kind"] == "response"
    assert G.edges["peer", "supervision"]["relation"] == "requires"
    assert G.edges["supervision", "burnout"]["effectiveness"] == pytest.approx(0.3)
    assert G.edges["crisis-line", "aggression"]["relation"] == "recovers"
    assert G.edges["crisis-line", "aggression"]["on"] == "impact"
    assert G.edges["crisis-line", "training"]["relation"] == "requires"


def test_two_effects_on_one_threat_merge() -> None:
    m = Mitigation(
        id="m",
        name="m",
        category="c",
        reduces=[
            Effect(threat="t", effectiveness=0.5),
            Effect(threat="t", effectiveness=0.5, on=EffectTarget.IMPACT),
        ],
    )
    G = rg.build_graph(Catalog(threats=[_threat("t")], mitigations=[m]))
    d = G.edges["m", "t"]
    assert d["effectiveness"] == pytest.approx(0.75)
    assert d["on"] == "likelihood+impact"


def test_register_adds_risk_nodes(catalog: Catalog) -> None:
    risk = types.SimpleNamespace(
        id="client-1/aggression",
        threat="aggression",
        likelihood=0.3,
        impact=4.0,
        tolerance=0.5,
        critical=True,
    )
    G = rg.build_graph(catalog, types.SimpleNamespace(risks=[risk]))
    assert G.nodes["client-1/aggression"]["kind"] == "risk"
    assert G.nodes["client-1/aggression"]["critical"] is True
    assert G.edges["aggression", "client-1/aggression"]["relation"] == "materialises"


def test_id_collision_across_kinds() -> None:
    cat = Catalog(threats=[_threat("x")], mitigations=[_mit("x")])
    with pytest.raises(GraphError, match="'x' is both a threat and a mitigation"):
        rg.build_graph(cat)


def test_cycle_is_printed_whole() -> None:
    G = nx.DiGraph()
    G.add_nodes_from(["a", "b", "c", "d"], kind="mitigation")
    nx.add_path(G, ["d", "a", "b", "c", "a"], relation="requires")
    with pytest.raises(GraphError) as err:
        rg.validate_graph(G)
    msg = str(err.value)
    assert msg.startswith("requirement cycle: ")
    names = msg.removeprefix("requirement cycle: ").split(" -> ")
    assert names[0] == names[-1]
    assert sorted(names[:-1]) == ["a", "b", "c"]


def test_catalog_rejects_self_and_dangling_references() -> None:
    with pytest.raises(FieldError, match="is the mitigation itself"):
        _mit("a", requires=("a",))
    with pytest.raises(FieldError, match="requires"):
        Catalog(mitigations=[_mit("a", requires=("ghost",))])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda G: G.add_edge("a", "a", relation="requires"), "'a' requires itself"),
        (lambda G: G.add_edge("a", "ghost", relation="requires"), "'ghost'.*dangling"),
        (
            lambda G: G.add_edge("t", "a", relation="requires"),
            "a threat cannot refer to a mitigation",
        ),
        (
            lambda G: G.add_edge("a", "t", relation="reduces", effectiveness=1.5),
            r"effectiveness 1.5 is not in \[0, 1\]",
        ),
        (lambda G: G.nodes["a"].update(cost=-1.0), "'a': cost -1.0 is negative"),
    ],
)
def test_validate_names_the_item(edit: object, message: str) -> None:
    G = nx.DiGraph()
    G.add_node("a", kind="mitigation")
    G.add_node("t", kind="threat")
    edit(G)  # type: ignore[operator]
    with pytest.raises(GraphError, match=message):
        rg.validate_graph(G)


def test_closure_prerequisites_dependents(catalog: Catalog) -> None:
    G = rg.build_graph(catalog)
    assert rg.closure(G, "peer") == {"peer", "supervision", "policy"}
    assert rg.closure(G, ["peer", "deescalation"]) == {
        "peer",
        "supervision",
        "policy",
        "deescalation",
        "training",
    }
    assert rg.prerequisites(G, "deescalation") == {"training", "policy"}
    assert rg.dependents(G, "policy") == {"supervision", "peer", "deescalation"}
    assert rg.closure(G, "crisis-line") == {"crisis-line", "training"}
    assert rg.closure_cost(G, ["peer", "deescalation"]) == (40.0, pytest.approx(4.0))
    with pytest.raises(GraphError, match="'nope' is not in the graph"):
        rg.closure(G, "nope")


def test_closure_matches_descendants_on_random_dag() -> None:
    rng = random.Random(3)
    G = nx.DiGraph()
    n = 300
    G.add_nodes_from(range(n), kind="mitigation")
    for i in range(n):
        for j in rng.sample(range(i + 1, n), min(2, n - i - 1)):
            G.add_edge(i, j, relation="requires")
    srcs = [0, 5, 17]
    expect = set(srcs).union(*(nx.descendants(G, s) for s in srcs))
    assert rg.closure(G, srcs) == expect


def test_phases_and_schedule(catalog: Catalog) -> None:
    G = rg.build_graph(catalog)
    assert rg.phases(G) == [
        ["policy", "training"],
        ["deescalation", "supervision"],
        ["peer"],
    ]
    assert rg.phases(G, ["deescalation"]) == [["policy", "training"], ["deescalation"]]
    s = rg.schedule(G)
    assert s.start["supervision"] == 5.0
    assert s.start["peer"] == 25.0
    assert s.makespan == 28.0
    assert s.critical_path == ("policy", "supervision", "peer")
    s2 = rg.schedule(G, ["deescalation"], durations={"policy": 50.0})
    assert s2.critical_path == ("policy", "deescalation")
    assert s2.makespan == 52.0
    assert rg.schedule(G, []).makespan == 0.0
    with pytest.raises(GraphError, match="negative"):
        rg.schedule(G, durations={"policy": -1.0})


def test_coverage(catalog: Catalog) -> None:
    G = rg.build_graph(catalog)
    c = rg.coverage(G)
    assert c.uncovered == ("rupture",)
    assert c.single_points == {}
    assert c.layers["burnout"] == ("peer", "supervision")
    # policy has no effect but is required by effective mitigations
    assert c.redundant == ()
    c2 = rg.coverage(G, ["peer"])
    assert c2.single_points == {}
    assert set(c2.uncovered) == {"aggression", "rupture"}
    c3 = rg.coverage(G, ["supervision"])
    assert c3.single_points == {"burnout": "supervision"}


def test_coverage_dominated_and_redundant() -> None:
    cat = Catalog(
        threats=[_threat("t"), _threat("u")],
        mitigations=[
            _mit("big", cost=1.0, t=0.5, u=0.5),
            _mit("small", cost=2.0, t=0.3),
            _mit("twin-a", cost=1.0, u=0.1),
            _mit("twin-b", cost=1.0, u=0.1),
            _mit("idle", cost=1.0),
        ],
    )
    c = rg.coverage(rg.build_graph(cat))
    assert c.dominated["small"] == "big"
    assert c.redundant == ("idle",)
    assert c.dominated["twin-a"] == "big"
    # of two identical mitigations exactly one is reported as dominated by the other
    twins = Catalog(
        threats=[_threat("u")], mitigations=[_mit("a", u=0.1), _mit("b", u=0.1)]
    )
    assert dict(rg.coverage(rg.build_graph(twins)).dominated) == {"b": "a"}


def test_expected_harm_and_what_if(catalog: Catalog) -> None:
    G = rg.build_graph(catalog)
    base = rg.residual_harm(G, [])
    assert base == pytest.approx(0.5 * 2 + 0.2 * 4 + 0.5 * 2)
    w = rg.what_if(G, ["peer", "deescalation"], remove="policy")
    assert set(w.removed) == {"policy", "supervision", "peer", "deescalation"}
    assert w.plan == ("training",)
    assert w.delta > 0
    w2 = rg.what_if(G, [], add="peer")
    assert w2.added == ("peer", "policy", "supervision")
    # peer requires supervision: one common-cause group, only supervision's 0.3
    assert w2.after == pytest.approx(base - 1.0 * 0.3)
    # removal and re-adding: additions win, closure is kept
    w3 = rg.what_if(G, ["peer"], remove="policy", add="supervision")
    assert w3.plan == ("policy", "supervision")
    assert w3.removed == ("peer",)
    seen: list[frozenset[str]] = []

    def residual(s: frozenset[str]) -> float:
        seen.append(s)
        return float(len(s))

    w4 = rg.what_if(G, ["training"], add=["crisis-line"], residual=residual)
    assert (w4.before, w4.after) == (1.0, 2.0)
    assert seen[-1] == frozenset({"training", "crisis-line"})


def test_exports(catalog: Catalog, tmp_path: Path) -> None:
    G = rg.build_graph(catalog)
    G.graph["nested"] = {"not": "scalar"}
    path = tmp_path / "g.graphml"
    rg.to_graphml(G, path)
    H = nx.read_graphml(path)
    assert H.nodes["peer"]["kind"] == "mitigation"
    assert float(H.edges["supervision", "burnout"]["effectiveness"]) == pytest.approx(
        0.3
    )
    data = json.loads(rg.to_node_link(G, indent=2))
    back = nx.node_link_graph(data, edges="edges")
    assert set(back.edges) == set(G.edges)
    assert "nested" not in data["graph"]
    dot = rg.to_dot(G)
    assert dot.startswith('digraph "test" {')
    assert '"peer" -> "supervision" [style=solid, label="requires"];' in dot
    assert '"crisis-line" [shape=hexagon' in dot
    mer = rg.to_mermaid(G)
    assert mer.splitlines()[0] == "flowchart LR"
    assert "-.->" in mer
    assert "==>" in mer


def test_dot_quotes_and_unknown_kinds() -> None:
    G = nx.DiGraph()
    G.add_edge('say "hi"', "b", relation="other")
    dot = rg.to_dot(G)
    assert '"say \\"hi\\""' in dot
    assert 'digraph "mitigations"' in dot
    assert "#quot;" in rg.to_mermaid(G)


def test_large_acyclic_validation_is_fast_path() -> None:
    # 2,000 nodes: find_cycle on an acyclic graph this size would take seconds;
    # validate_graph must not call it. No timing: we check it does not.
    rng = random.Random(0)
    G = nx.DiGraph()
    n = 2000
    G.add_nodes_from((str(i) for i in range(n)), kind="mitigation")
    for i in range(n - 1):
        for j in rng.sample(range(i + 1, n), min(2, n - i - 1)):
            G.add_edge(str(i), str(j), relation="requires")
    calls: list[int] = []
    real = nx.find_cycle
    mod = sys.modules[__name__]
    assert mod is not None

    def spy(*a: object, **k: object) -> object:
        calls.append(1)
        return real(*a, **k)

    try:
        nx.find_cycle = spy
        rg.validate_graph(G)
    finally:
        nx.find_cycle = real
    assert calls == []


def test_build_graph_names_a_catalog_cycle() -> None:
    cat = Catalog(
        threats=[_threat("t")],
        mitigations=[
            _mit("policy", requires=("training",)),
            _mit("training", requires=("supervision",)),
            _mit("supervision", requires=("policy",)),
            _mit("peer", requires=("policy",), t=0.2),
        ],
    )
    with pytest.raises(GraphError) as err:
        rg.build_graph(cat)
    names = str(err.value).removeprefix("requirement cycle: ").split(" -> ")
    assert len(names) == 4
    assert names[0] == names[-1]
    assert set(names) == {"policy", "training", "supervision"}
    G = rg.build_graph(cat, validate=False)
    assert G.number_of_nodes() == 5


def test_register_from_identify(tmp_path: Path) -> None:
    from riskcore.identify import identify
    from riskcore.model import Assessment, Case, Practice, Professional, SubjectKind
    from riskcore.plugins import PluginManager

    cat = Catalog(
        threats=[
            Threat(
                id="burnout",
                name="Burnout",
                category="wellbeing",
                scope=SubjectKind.PROFESSIONAL,
                base_likelihood=0.2,
                impact=Severity(value=3),
            )
        ],
        mitigations=[_mit("supervision", burnout=0.4)],
    )
    case = Case(
        id="c", practice=Practice(id="p"), professionals=[Professional(id="t-1")]
    )
    reg = identify(Assessment(case_id="c"), cat, case, pm=PluginManager(autoload=False))
    G = rg.build_graph(cat, reg)
    node = G.nodes["burnout:t-1"]
    assert node["kind"] == "risk"
    assert node["likelihood"] == pytest.approx(0.2)
    assert node["impact"] == pytest.approx(3.0)
    assert node["level"] == "high"
    assert G.edges["burnout", "burnout:t-1"]["relation"] == "materialises"
    rg.to_graphml(G, tmp_path / "r.graphml")
    assert "burnout:t-1" in rg.to_mermaid(G)


def test_the_old_name_of_residual_harm_warns_and_gives_the_same_figure(
    catalog: Catalog,
) -> None:
    """graph.expected_harm was renamed residual_harm (calculus.expected_harm is
    the one-risk p x I): the old name still works for one release, warning."""
    G = rg.build_graph(catalog)
    with pytest.warns(DeprecationWarning, match="use residual_harm"):
        old = rg.expected_harm(G, [])
    assert old == rg.residual_harm(G, [])
