"""Plots run on the example case with the Agg backend and draw what they should."""

from __future__ import annotations

import builtins

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

import riskcore  # noqa: E402
from riskcore import plot  # noqa: E402
from riskcore.graph import build_graph  # noqa: E402
from riskcore.instruments import Reliability, rci_threshold  # noqa: E402
from riskcore.model import Score, SubjectKind  # noqa: E402
from riskcore.model.risk import RiskRegister  # noqa: E402


@pytest.fixture(scope="module")
def report():
    case = riskcore.load_case("examples/longmont-practice.yaml")
    return riskcore.build_plan(case, n=300, seed=1)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _arrows(ax):
    return [p for p in ax.patches if isinstance(p, FancyArrowPatch)]


def test_heatmap_one_arrow_per_risk_that_moved(report):
    inherent = {r.id: r.inherent for r in report.inherent.risks}
    moved = [
        r
        for r in report.register.risks
        if (inherent[r.id].likelihood_band, inherent[r.id].impact_band)
        != (r.residual.likelihood_band, r.residual.impact_band)
    ]
    assert moved  # the plan moves some risks
    ax = report.plot_heatmap()
    assert len(_arrows(ax)) == len(moved)
    cells = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(cells) == 25
    points = ax.collections[0].get_offsets()
    assert len(points) == len(report.register.risks)
    assert len(ax.collections[1].get_offsets()) == len(report.register.critical())
    # the same through the register, with its own inherent figures and labels
    _, ax2 = plt.subplots()
    assert report.register.plot_heatmap(ax=ax2) is ax2
    ax3 = plot.heatmap(report.register, report.inherent, labels=True)
    assert len(ax3.texts) == len(moved)


def test_heatmap_of_an_unmitigated_register_has_no_arrows():
    ax = plot.heatmap(RiskRegister(case_id="x", method_version="x"))
    assert _arrows(ax) == []


def test_mitigation_dag_by_phase(report):
    graph = build_graph(report.catalog)
    ax = plot.mitigation_dag(graph, report.result.selected)
    drawn = {t.get_text() for t in ax.texts}
    assert drawn == set(report.result.selected)
    requires = [
        (u, v)
        for u, v, rel in graph.edges(data="relation")
        if rel == "requires" and u in drawn and v in drawn
    ]
    assert len(_arrows(ax)) == len(requires)
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        f"phase {k + 1}" for k in range(len(report.result.phases))
    ]
    x = {t.get_text(): t.get_position()[0] for t in ax.texts}
    for u, v in requires:  # a prerequisite sits in an earlier phase
        assert x[v] < x[u]
    everything = plot.mitigation_dag(graph)
    assert len(everything.texts) == len(report.catalog.mitigations)


def test_frontier(report):
    ax = report.result.plot_frontier()
    line, chosen = ax.lines[:2]
    assert len(line.get_xdata()) == len(report.result.frontier)
    assert list(chosen.get_xdata()) == [report.result.cost]
    ax2 = plot.frontier(list(report.result.frontier))
    assert len(ax2.lines) == 1


def test_exceedance(report):
    sim = report.simulation
    ax = sim.plot_exceedance()
    assert len(ax.lines[0].get_xdata()) == len(sim.exceedance)
    assert len(ax.lines) == 1 + len(sim.total.percentiles)
    assert ax.get_yscale() == "log"
    assert plot.exceedance(sim, log=False).get_yscale() == "linear"


def test_tornado_one_bar_per_entry(report):
    sim = report.simulation
    ax = sim.plot_tornado()
    assert len(ax.patches) == min(10, len(sim.sensitivity))
    assert len(plot.tornado(sim, top=3).patches) == 3
    top = ax.get_yticklabels()[-1].get_text()
    assert top == sim.sensitivity[0].parameter  # largest swing on top


def test_rci_trajectory():
    rel = Reliability(sd=5.0, r=0.84, source="illustrative", illustrative=True)
    thr = rci_threshold(rel)
    missing = Score(
        subject="c-01",
        subject_kind=SubjectKind.CLIENT,
        instrument="phq9",
        value=None,
        missing_reason="item 9 unanswered",
    )
    ax = plot.rci_trajectory(
        [20, 18, missing, 20 - thr - 1, 20 + thr + 1],
        rel,
        label="PHQ-9",
        when=["w1", "w2", "w3", "w4", "w5"],
    )
    labels = [c.get_label() for c in ax.collections]
    assert labels == [
        "baseline",
        "no reliable change",
        "reliably improved",
        "reliably worse",
    ]
    assert "illustrative" in ax.get_title()
    ys = ax.lines[0].get_ydata()
    assert ys[2] != ys[2]  # a gap (NaN), never a low point
    with pytest.raises(ValueError, match="when has 2 values"):
        plot.rci_trajectory([1, 2, 3], rel, when=[1, 2])
    empty = plot.rci_trajectory([None], rel, label="x")
    assert empty.get_ylabel() == "x"
    assert len(empty.collections) == 0


def test_missing_matplotlib_gives_a_hint(monkeypatch):
    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ImportError, match=r'pip install "riskcore\[plot\]"'):
        plot.frontier([])
