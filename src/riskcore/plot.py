"""Plots of riskcore results with matplotlib, each returning its Axes.

matplotlib is an optional extra (``pip install "riskcore[plot]"``), imported
inside each function. Every function takes an optional ``ax`` to draw into
(a new figure otherwise) and returns the :class:`matplotlib.axes.Axes`, so the
plot can be restyled. Levels use the colours of the HTML report.

* :func:`heatmap` — the risk matrix with one arrow per risk whose cell moved
  from inherent to residual;
* :func:`mitigation_dag` — the mitigation graph drawn by phase;
* :func:`frontier` — the cost–residual Pareto frontier and the chosen plan;
* :func:`exceedance` — the loss-exceedance curve of a Monte Carlo run;
* :func:`tornado` — one bar per uncertain parameter, largest swing on top;
* :func:`rci_trajectory` — a client's scores over check-ins against the
  Reliable Change Index band.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from riskcore.instruments import Reliability
>>> rel = Reliability(sd=5.0, r=0.84, source="illustrative", illustrative=True)
>>> ax = rci_trajectory([18, 15, 11, 7], rel, label="PHQ-9")
>>> ax.get_ylabel()
'PHQ-9'

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from riskcore.palette import PALETTE as _PALETTE
from riskcore.palette import level_colours as _colours

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.axes import Axes

    from riskcore.instruments.spec import Reliability
    from riskcore.model.assessment import Score
    from riskcore.model.risk import RiskMatrix, RiskPoint, RiskRegister
    from riskcore.planner import FrontierPoint, PlanResult
    from riskcore.simulate import SimulationResult

__all__ = [
    "exceedance",
    "frontier",
    "heatmap",
    "mitigation_dag",
    "rci_trajectory",
    "tornado",
]

_HINT = 'matplotlib is needed for riskcore.plot: pip install "riskcore[plot]"'


def _axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(_HINT) from exc
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=figsize)
    return new


def _arrow(
    ax: Axes, start: tuple[float, float], end: tuple[float, float], **kw: Any
) -> None:
    from matplotlib.patches import FancyArrowPatch

    style: dict[str, Any] = {
        "arrowstyle": "-|>",
        "mutation_scale": 10,
        "color": "#222",
        "lw": 0.8,
    }
    style.update(kw)
    ax.add_patch(FancyArrowPatch(start, end, **style))


# ------------------------------------------------------------------ heat map


def _position(matrix: RiskMatrix, p: RiskPoint) -> tuple[float, float]:
    """Where a point sits in the grid: band index plus its place within the band."""

    def place(bands: Sequence[Any], name: str, value: float) -> float:
        i = next(k for k, b in enumerate(bands) if b.name == name)
        lo = bands[i - 1].upper if i > 0 else 0.0
        hi = bands[i].upper
        frac = (value - lo) / (hi - lo) if hi > lo else 0.5
        return i + 0.1 + 0.8 * min(max(frac, 0.0), 1.0)

    x = place(matrix.impact_bands, p.impact_band, p.impact)
    y = place(matrix.likelihood_bands, p.likelihood_band, p.likelihood)
    return x, y


def heatmap(
    register: Any,
    inherent: RiskRegister | None = None,
    *,
    ax: Axes | None = None,
    labels: bool = False,
) -> Axes:
    """The risk matrix with each risk's inherent → residual move.

    Cells are coloured by level. Each risk is a dot at its residual position
    (inside its cell by its likelihood and impact); each risk whose cell
    changed gets exactly one arrow from its inherent position. Critical risks
    are ringed.

    Parameters
    ----------
    register : RiskRegister or PlanReport
        The residual register (a :class:`~riskcore.workflow.PlanReport` gives
        its ``register`` and ``inherent``).
    inherent : RiskRegister, optional
        The register before mitigation (default: *register*'s own inherent
        figures).
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    labels : bool, default False
        Annotate each moved risk with its id.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from riskcore.model.risk import RiskRegister
    >>> ax = heatmap(RiskRegister(case_id="demo", method_version="x"))
    >>> len(ax.patches)  # 5 x 5 cells, no arrows
    25
    """
    from matplotlib.patches import Rectangle

    if hasattr(register, "register") and hasattr(register, "inherent"):
        register, inherent = register.register, register.inherent
    ax = _axes(ax)
    matrix = register.matrix
    colour = _colours([lv.name for lv in matrix.levels])
    nl, ni = len(matrix.likelihood_bands), len(matrix.impact_bands)
    for i in range(nl):
        for j in range(ni):
            ax.add_patch(
                Rectangle(
                    (j, i),
                    1,
                    1,
                    facecolor=colour[matrix.grid[i][j]],
                    alpha=0.55,
                    edgecolor="white",
                    lw=2,
                )
            )
    before = {r.id: r.inherent for r in (inherent or register).risks}
    xs, ys, crit_x, crit_y = [], [], [], []
    for r in register.risks:
        ih = before.get(r.id, r.inherent)
        end = _position(matrix, r.residual)
        xs.append(end[0])
        ys.append(end[1])
        if r.critical:
            crit_x.append(end[0])
            crit_y.append(end[1])
        if (ih.likelihood_band, ih.impact_band) != (
            r.residual.likelihood_band,
            r.residual.impact_band,
        ):
            start = _position(matrix, ih)
            _arrow(ax, start, end, alpha=0.6)
            if labels:
                ax.annotate(r.id, start, fontsize=6, alpha=0.8)
    ax.scatter(xs, ys, s=12, color="#222", zorder=3, label="residual")
    if crit_x:
        ax.scatter(
            crit_x,
            crit_y,
            s=80,
            facecolors="none",
            edgecolors=_PALETTE[4],
            lw=1.5,
            zorder=4,
            label="critical",
        )
    ax.set_xlim(0, ni)
    ax.set_ylim(0, nl)
    ax.set_xticks([j + 0.5 for j in range(ni)], [b.name for b in matrix.impact_bands])
    ax.set_yticks(
        [i + 0.5 for i in range(nl)], [b.name for b in matrix.likelihood_bands]
    )
    ax.set_xlabel("impact")
    ax.set_ylabel("likelihood")
    ax.set_title(f"Risk matrix: inherent → residual ({len(register.risks)} risks)")
    ax.set_aspect("equal")
    return ax


# ------------------------------------------------------------------ DAG


def mitigation_dag(
    G: nx.DiGraph,  # noqa: N803
    nodes: Sequence[str] | None = None,
    *,
    ax: Axes | None = None,
) -> Axes:
    """The mitigations drawn by phase, with an arrow per requirement.

    Phase 1 (no prerequisites) is on the left; an arrow goes from each
    prerequisite to the mitigation that requires it.

    Parameters
    ----------
    G : networkx.DiGraph
        A graph from :func:`riskcore.graph.build_graph`.
    nodes : sequence of str, optional
        The mitigations of a plan (their closure is drawn); all if omitted.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
        One text label per mitigation drawn.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_nodes_from(["policy", "supervision"], kind="mitigation")
    >>> G.add_edge("supervision", "policy", relation="requires")
    >>> ax = mitigation_dag(G)
    >>> sorted(t.get_text() for t in ax.texts)
    ['policy', 'supervision']
    """
    from riskcore.graph import phases

    groups = phases(G, nodes)
    tall = max((len(ids) for ids in groups), default=1)
    ax = _axes(ax, figsize=(2.8 * max(len(groups), 1) + 1, 0.45 * tall + 1.5))
    pos: dict[str, tuple[float, float]] = {}
    for k, ids in enumerate(groups):
        for row, m in enumerate(ids):
            pos[m] = (float(k), -float(row))
    for m, (x, y) in pos.items():
        ax.text(
            x,
            y,
            m,
            ha="center",
            va="center",
            fontsize=7,
            bbox={"boxstyle": "round", "fc": "#e3f2fd", "ec": "#1565c0"},
        )
    for u, v, rel in G.edges(data="relation"):
        if rel == "requires" and u in pos and v in pos:
            _arrow(ax, pos[v], pos[u], color="#1565c0", shrinkA=18, shrinkB=18)
    depth = tall
    ax.set_xlim(-0.6, max(len(groups) - 0.4, 0.6))
    ax.set_ylim(-depth + 0.4, 0.6)
    ax.set_xticks(range(len(groups)), [f"phase {k + 1}" for k in range(len(groups))])
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title("Mitigations by phase (arrow: prerequisite → dependent)")
    return ax


# ------------------------------------------------------------------ frontier


def frontier(
    result: PlanResult | Sequence[FrontierPoint],
    *,
    ax: Axes | None = None,
) -> Axes:
    """The cost–residual Pareto frontier, with the chosen plan marked.

    Parameters
    ----------
    result : PlanResult or sequence of FrontierPoint
        The planner's result (plan with ``frontier > 0``), or its points.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
        The frontier is the first line (one vertex per point, cost ascending).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from riskcore.planner import FrontierPoint
    >>> pts = [FrontierPoint(cost=c, hours=0, residual=r, selected=())
    ...        for c, r in [(0, 10), (500, 6), (1000, 5)]]
    >>> len(frontier(pts).lines[0].get_xdata())
    3
    """
    ax = _axes(ax)
    points = result if isinstance(result, Sequence) else result.frontier
    pts = sorted(points, key=lambda p: (p.cost, p.residual))
    ax.plot(
        [p.cost for p in pts],
        [p.residual for p in pts],
        "o-",
        drawstyle="steps-post",
        color=_PALETTE[5],
        label="Pareto frontier",
    )
    if not isinstance(result, Sequence):
        ax.plot(
            [result.cost],
            [result.residual],
            "*",
            ms=14,
            color=_PALETTE[3],
            label="chosen plan",
        )
    ax.set_xlabel("cost")
    ax.set_ylabel("residual expected harm")
    ax.set_title("Cost–residual frontier")
    ax.legend()
    return ax


# ------------------------------------------------------------------ Monte Carlo


def exceedance(
    sim: SimulationResult,
    *,
    ax: Axes | None = None,
    log: bool = True,
) -> Axes:
    """The loss-exceedance curve: P(total harm > x) against x.

    Parameters
    ----------
    sim : SimulationResult
        The result of :func:`riskcore.simulate`.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    log : bool, default True
        Logarithmic probability axis.

    Returns
    -------
    matplotlib.axes.Axes
        The curve is the first line; dashed vertical lines mark the total's
        percentiles.
    """
    ax = _axes(ax)
    xs = [x for x, _ in sim.exceedance]
    ps = [p for _, p in sim.exceedance]
    ax.plot(xs, ps, drawstyle="steps-post", color=_PALETTE[3], label="P(loss > x)")
    for q, v in sim.total.percentiles:
        ax.axvline(v, ls="--", lw=0.8, color=_PALETTE[5])
        ax.annotate(f"p{q:g}", (v, 1.0), fontsize=7, rotation=90, va="top")
    if log and any(p > 0 for p in ps):
        ax.set_yscale("log")
    ax.set_xlabel("total expected harm")
    ax.set_ylabel("probability of exceeding")
    ax.set_title(f"Loss exceedance ({sim.n:,} trials, {sim.method})")
    return ax


def tornado(
    sim: SimulationResult,
    *,
    top: int = 10,
    ax: Axes | None = None,
) -> Axes:
    """A tornado chart: one bar per uncertain parameter, largest swing on top.

    Each bar spans the total expected harm with the parameter at its 10th and
    90th percentile (the others at their means); the vertical line is the
    total with every parameter at its mean.

    Parameters
    ----------
    sim : SimulationResult
        The result of :func:`riskcore.simulate`.
    top : int, default 10
        Number of parameters shown.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
        Exactly one bar (``ax.patches``) per parameter shown.
    """
    ax = _axes(ax)
    rows = list(sim.sensitivity[:top])[::-1]
    for y, s in enumerate(rows):
        lo, hi = min(s.low, s.high), max(s.low, s.high)
        up = s.high >= s.low  # the parameter's high value raises harm
        ax.barh(
            y, hi - lo, left=lo, color=_PALETTE[3] if up else _PALETTE[0], alpha=0.8
        )
    ax.axvline(sim.point_total, color="#222", lw=1)
    ax.set_yticks(range(len(rows)), [s.parameter for s in rows], fontsize=7)
    ax.set_xlabel("total expected harm (parameter at p10 … p90)")
    ax.set_title("Sensitivity (tornado)")
    return ax


# ------------------------------------------------------------------ RCI


def rci_trajectory(
    scores: Sequence[float | Score | None],
    reliability: Reliability,
    *,
    when: Sequence[Any] | None = None,
    higher_is_worse: bool = True,
    label: str = "score",
    ax: Axes | None = None,
) -> Axes:
    """A client's scores over check-ins against the Reliable Change band.

    The first complete score is the baseline; the shaded band is baseline ±
    the smallest reliable change (``1.96 · SD · √2 · √(1 − r)``). Each later
    check-in is coloured by its verdict against the baseline: reliably
    improved (green), no reliable change (grey) or reliably worse (red).
    Missing scores (``None`` or an incomplete :class:`Score`) leave a gap,
    never a low point.

    Parameters
    ----------
    scores : sequence of float, None or Score
        The check-ins, in time order.
    reliability : Reliability
        The scale's published SD and reliability (shown in the title).
    when : sequence, optional
        x values (dates or check-in labels); default 1, 2, 3, …
    higher_is_worse : bool, default True
        Direction of the scale.
    label : str
        y-axis label (the instrument and scale).
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
        One marker collection per verdict present, after the line.
    """
    from riskcore.instruments.rci import rci_threshold, reliable_change

    ax = _axes(ax)
    values: list[float | None] = [
        s if s is None or isinstance(s, (int, float)) else s.value for s in scores
    ]
    xs = list(when) if when is not None else list(range(1, len(values) + 1))
    if len(xs) != len(values):
        raise ValueError(f"when has {len(xs)} values for {len(values)} scores")
    ys = [math.nan if v is None else float(v) for v in values]
    ax.plot(xs, ys, "-", color="#888", lw=1, label=label)
    present = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
    if not present:
        ax.set_ylabel(label)
        return ax
    x0, base = present[0]
    thr = rci_threshold(reliability)
    ax.axhspan(
        base - thr, base + thr, color="#bbb", alpha=0.3, label="no reliable change"
    )
    colours = {
        "baseline": "#222",
        "reliably improved": _PALETTE[0],
        "no reliable change": "#888",
        "reliably worse": _PALETTE[3],
    }
    groups: dict[str, list[tuple[Any, float]]] = {"baseline": [(x0, float(base))]}
    for x, v in present[1:]:
        verdict: str = reliable_change(
            base, float(v), reliability, higher_is_worse=higher_is_worse
        ).verdict
        groups.setdefault(verdict, []).append((x, float(v)))
    for verdict, pts in groups.items():
        ax.scatter(
            [p[0] for p in pts],
            [p[1] for p in pts],
            color=colours[verdict],
            zorder=3,
            label=verdict,
        )
    src = " (illustrative)" if reliability.illustrative else ""
    ax.set_title(
        f"Reliable change: ±{thr:.1f} points (SD {reliability.sd:g}, "
        f"r {reliability.r:g}{src})",
        fontsize=9,
    )
    ax.set_ylabel(label)
    ax.set_xlabel("check-in")
    ax.legend(fontsize=7)
    return ax
