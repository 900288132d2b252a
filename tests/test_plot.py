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
from riskcore.plain import parameter  # noqa: E402


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
    assert len([t for t in ax3.texts if t.get_gid() != "count"]) == len(moved)


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
    # largest swing on top, in words (issue 20: not the parameter id)
    assert top.replace("\n", " ") == parameter(sim.sensitivity[0].parameter)
    assert "base_likelihood" not in top


def test_tornado_names_parameters_in_words_and_cuts_no_bar(report):
    """Issue 20: readable names (threat names from the catalog) and an x axis
    that holds every bar and the mean line with room to spare."""
    sim = report.simulation
    names = {t.id: t.name for t in report.catalog.threats}
    ax = plot.tornado(sim, names=names)
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert all(":" not in lab.split(": ", 1)[0] for lab in labels)
    assert any(lab.startswith("Secondary traumatic stress (t-0") for lab in labels)
    lo, hi = ax.get_xlim()
    for bar in ax.patches:
        assert lo < bar.get_x()
        assert bar.get_x() + bar.get_width() < hi
    assert lo < sim.point_total < hi
    assert "at the means" in ax.get_xlabel()


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


def test_heatmap_counts_every_cell_and_hides_no_risk(report):
    """Issue 20: each cell says how many risks it holds before → after, every
    residual dot has a place of its own, and the legend tells inherent from
    residual."""
    from collections import Counter

    ax = report.plot_heatmap()
    reg, inh = report.register, {r.id: r.inherent for r in report.inherent.risks}
    bands = reg.matrix
    li = {b.name: k for k, b in enumerate(bands.likelihood_bands)}
    im = {b.name: k for k, b in enumerate(bands.impact_bands)}
    after = Counter(
        (im[r.residual.impact_band], li[r.residual.likelihood_band]) for r in reg.risks
    )
    before = Counter(
        (im[inh[r.id].impact_band], li[inh[r.id].likelihood_band]) for r in reg.risks
    )
    counts = {t.get_text() for t in ax.texts if t.get_gid() == "count"}
    for cell in set(after) | set(before):
        a, b = before.get(cell, 0), after.get(cell, 0)
        assert (f"{a} → {b}" if a != b else f"{b}") in counts
    dots = [tuple(p) for p in ax.collections[0].get_offsets()]
    assert len(set(dots)) == len(dots) == len(reg.risks)  # none hides another
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "residual (after the plan)",
        "critical",
        "inherent (before), if it moved",
    ]


def test_dag_arrows_stop_at_the_labels_and_run_level(report):
    """Issue 20: arrows are clipped at the label boxes and a dependent sits on
    its prerequisite's row, so no arrow crosses a label."""
    graph = build_graph(report.catalog, report.register)
    ax = plot.mitigation_dag(graph, list(report.result.selected))
    arrows = _arrows(ax)
    assert arrows
    for a in arrows:
        assert a.patchA is not None
        assert a.patchB is not None
    row = {t.get_text(): t.get_position()[1] for t in ax.texts}
    for u, v, rel in graph.edges(data="relation"):
        if rel == "requires" and u in row and v in row:
            assert row[u] == row[v], (u, v)


def test_rci_never_judges_an_incomplete_score_and_shows_the_range():
    """Issue 20: a prorated score whose critical item is missing is drawn as
    "incomplete: not judged", never as an improvement; with the spec, the axis
    is the full range and the severity bands are behind the points."""
    from riskcore_safety.instruments import PHQ9

    rel = PHQ9.reliability_for("total")

    def score(v, complete=True):
        return Score(
            subject="c-04",
            subject_kind=SubjectKind.CLIENT,
            instrument="phq9",
            value=v,
            minimum=0,
            maximum=27,
            missing_reason=None if complete else "item 9 missing; prorated",
        )

    ax = plot.rci_trajectory([score(19), score(4, complete=False)], rel, spec=PHQ9)
    labels = [c.get_label() for c in ax.collections]
    assert "reliably improved" not in labels
    assert labels == ["incomplete: not judged", "baseline"]
    assert ax.get_ylim() == (0.0, 27.0)
    band_labels = {t.get_text().strip() for t in ax.texts}
    assert {"minimal", "severe"} <= band_labels
    # without the spec, the scores' own range
    ax2 = plot.rci_trajectory([score(19), score(12)], rel)
    assert ax2.get_ylim() == (0.0, 27.0)
