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
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from riskcore.palette import PALETTE as _PALETTE
from riskcore.palette import level_colours as _colours

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.axes import Axes

    from riskcore.instruments.spec import InstrumentSpec, Reliability
    from riskcore.model.assessment import Score
    from riskcore.model.risk import RiskMatrix, RiskPoint, RiskRegister
    from riskcore.planner import FrontierPoint, Solution
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


def _spread(
    points: Sequence[tuple[int, int]], band: tuple[float, float] = (0.1, 0.9)
) -> list[tuple[float, float]]:
    """A place for each point in its cell, so that none hides another.

    The points of one cell are laid out on a small grid inside it, between
    the heights *band* (fractions of the cell), in the order given:
    deterministic (no random jitter), every point visible.

    >>> _spread([(0, 0), (0, 0), (1, 2)])
    [(0.366667, 0.5), (0.633333, 0.5), (1.5, 2.5)]
    """
    lo, hi = band
    by_cell: dict[tuple[int, int], list[int]] = {}
    for k, cell in enumerate(points):
        by_cell.setdefault(cell, []).append(k)
    out: list[tuple[float, float]] = [(0.0, 0.0)] * len(points)
    for (j, i), ks in by_cell.items():
        cols = math.ceil(math.sqrt(len(ks)))
        rows = math.ceil(len(ks) / cols)
        for n, k in enumerate(ks):
            c, r = n % cols, n // cols
            x = j + 0.1 + 0.8 * (c + 1) / (cols + 1)
            y = i + lo + (hi - lo) * (rows - r) / (rows + 1)
            out[k] = (round(x, 6), round(y, 6))
    return out


def heatmap(
    register: Any,
    inherent: RiskRegister | None = None,
    *,
    ax: Axes | None = None,
    labels: bool = False,
) -> Axes:
    """The risk matrix: how many risks are in each cell before and after.

    Cells are coloured by level and say how many risks they hold, inherent →
    residual (``7 → 3``). Each risk is a dot at its residual cell, laid out so
    that no dot hides another; each risk whose cell changed gets exactly one
    arrow from its inherent place (a hollow marker). Critical risks are
    ringed. The legend tells inherent, residual and critical apart.

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
        ``ax.collections``: residual dots (one per risk), critical rings, then
        the inherent places of the risks that moved.

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
    ax = _axes(ax, figsize=(7, 6))
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
    li = {b.name: k for k, b in enumerate(matrix.likelihood_bands)}
    im = {b.name: k for k, b in enumerate(matrix.impact_bands)}

    def cell(p: RiskPoint) -> tuple[int, int]:
        return im[p.impact_band], li[p.likelihood_band]

    risks = list(register.risks)
    starts = [cell(before.get(r.id, r.inherent)) for r in risks]
    ends = [cell(r.residual) for r in risks]
    # residual dots in the lower part of each cell, the inherent places of
    # the risks that moved in a strip at its top: none hides another
    end_xy = _spread(ends, (0.12, 0.78))
    moved = [k for k in range(len(risks)) if starts[k] != ends[k]]
    start_xy = dict(
        zip(moved, _spread([starts[k] for k in moved], (0.8, 0.95)), strict=True)
    )
    for k in moved:
        _arrow(ax, start_xy[k], end_xy[k], alpha=0.45, lw=0.7)
        if labels:
            ax.annotate(risks[k].id, start_xy[k], fontsize=6, alpha=0.8)
    ax.scatter(
        [p[0] for p in end_xy],
        [p[1] for p in end_xy],
        s=14,
        color="#222",
        zorder=3,
        label="residual (after the plan)",
    )
    crit = [end_xy[k] for k, r in enumerate(risks) if r.critical]
    ax.scatter(
        [p[0] for p in crit],
        [p[1] for p in crit],
        s=90,
        facecolors="none",
        edgecolors=_PALETTE[4],
        lw=1.5,
        zorder=4,
        label="critical",
    )
    ax.scatter(
        [start_xy[k][0] for k in moved],
        [start_xy[k][1] for k in moved],
        s=14,
        facecolors="white",
        edgecolors="#222",
        lw=0.8,
        zorder=3,
        label="inherent (before), if it moved",
    )
    n_before: dict[tuple[int, int], int] = {}
    n_after: dict[tuple[int, int], int] = {}
    for c in starts:
        n_before[c] = n_before.get(c, 0) + 1
    for c in ends:
        n_after[c] = n_after.get(c, 0) + 1
    for c in sorted(set(n_before) | set(n_after)):
        a, b = n_before.get(c, 0), n_after.get(c, 0)
        ax.text(
            c[0] + 0.96,
            c[1] + 0.04,
            f"{a} → {b}" if a != b else f"{b}",
            ha="right",
            va="bottom",
            fontsize=7,
            color="#222",
            gid="count",
        )
    ax.set_xlim(0, ni)
    ax.set_ylim(0, nl)
    ax.set_xticks([j + 0.5 for j in range(ni)], [b.name for b in matrix.impact_bands])
    ax.set_yticks(
        [i + 0.5 for i in range(nl)], [b.name for b in matrix.likelihood_bands]
    )
    ax.set_xlabel("impact")
    ax.set_ylabel("likelihood")
    ax.set_title(
        f"Risk matrix: {len(risks)} risks, inherent → residual\n"
        "(number per cell: before → after)",
        fontsize=10,
    )
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=3,
        fontsize=7,
        frameon=False,
    )
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
    from matplotlib.patches import FancyArrowPatch

    from riskcore.graph import phases

    groups = phases(G, nodes)
    edges = [
        (u, v) for u, v, rel in G.edges(data="relation") if rel == "requires" and u != v
    ]
    order = _layer_order(groups, edges)
    tall = max((len(ids) for ids in order), default=1)
    ax = _axes(ax, figsize=(3.2 * max(len(order), 1) + 1, 0.45 * tall + 1.5))
    pos: dict[str, tuple[float, float]] = {}
    for k, ids in enumerate(order):
        for row, m in enumerate(ids):
            pos[m] = (float(k), -float(row))
    label = {}
    for m, (x, y) in pos.items():
        label[m] = ax.text(
            x,
            y,
            m,
            ha="center",
            va="center",
            fontsize=7,
            zorder=3,
            bbox={"boxstyle": "round", "fc": "#e3f2fd", "ec": "#1565c0"},
        )
    for u, v in edges:  # v requires u: the arrow goes prerequisite -> dependent
        if u in pos and v in pos:
            span = pos[u][0] - pos[v][0]
            ax.add_patch(
                FancyArrowPatch(
                    pos[v],
                    pos[u],
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color="#1565c0",
                    lw=0.8,
                    zorder=2,
                    # clipped at the label boxes, so no arrow runs over its own
                    # labels; a long arrow bends to pass between the rows
                    patchA=label[v].get_bbox_patch(),
                    patchB=label[u].get_bbox_patch(),
                    connectionstyle=f"arc3,rad={0.15 if span > 1 else 0.0}",
                )
            )
    ax.set_xlim(-0.6, max(len(order) - 0.4, 0.6))
    ax.set_ylim(-tall + 0.4, 0.6)
    ax.set_xticks(range(len(order)), [f"phase {k + 1}" for k in range(len(order))])
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title("Mitigations by phase (arrow: prerequisite → dependent)")
    return ax


def _layer_order(
    groups: Sequence[Sequence[str]], edges: Sequence[tuple[str, str]]
) -> list[list[str]]:
    """Each phase's mitigations in an order that keeps arrows short and level.

    A mitigation sits at the mean row of its prerequisites (and a
    prerequisite near the mean row of what requires it), sweeping left to
    right then right to left (the barycentre heuristic); ties by name, so the
    layout is deterministic.

    >>> _layer_order([["a", "b", "c"], ["x"]], [("x", "c")])
    [['c', 'a', 'b'], ['x']]
    """
    order = [sorted(g) for g in groups]
    needs: dict[str, list[str]] = {}
    needed_by: dict[str, list[str]] = {}
    for dependent, prerequisite in edges:
        needs.setdefault(dependent, []).append(prerequisite)
        needed_by.setdefault(prerequisite, []).append(dependent)

    def sweep(k: int, neighbours: dict[str, list[str]], rows: dict[str, int]) -> None:
        def key(m: str) -> tuple[float, str]:
            near = [rows[n] for n in neighbours.get(m, ()) if n in rows]
            return (sum(near) / len(near) if near else math.inf, m)

        order[k] = sorted(order[k], key=key)

    for _ in range(2):
        for k in range(len(order) - 2, -1, -1):  # prerequisites near dependents
            later = {m: r for g in order[k + 1 :] for r, m in enumerate(g)}
            sweep(k, needed_by, later)
        for k in range(1, len(order)):  # dependents next to prerequisites
            earlier = {m: r for g in order[:k] for r, m in enumerate(g)}
            sweep(k, needs, earlier)
    return order


# ------------------------------------------------------------------ frontier


def frontier(
    result: Solution | Sequence[FrontierPoint],
    *,
    ax: Axes | None = None,
) -> Axes:
    """The cost–residual Pareto frontier, with the chosen plan marked.

    Parameters
    ----------
    result : Solution or sequence of FrontierPoint
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
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A tornado chart: one bar per uncertain parameter, largest swing on top.

    Each bar spans the total expected harm with the parameter at its 10th and
    90th percentile (the others at their means); the vertical line is the
    total with every parameter at its mean. Parameters are named in words
    (:func:`riskcore.plain.parameter`); the axis leaves room around every bar
    and says where it starts, so no bar is cut.

    Parameters
    ----------
    sim : SimulationResult
        The result of :func:`riskcore.simulate`.
    top : int, default 10
        Number of parameters shown.
    names : mapping, optional
        Threat and control ids to their names (e.g. from the catalog:
        ``{t.id: t.name for t in catalog.threats}``).
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
        Exactly one bar (``ax.patches``) per parameter shown.
    """
    import textwrap

    from riskcore.plain import number, parameter

    rows = list(sim.sensitivity[:top])[::-1]
    ax = _axes(ax, figsize=(8, 0.45 * max(len(rows), 1) + 1.6))
    for y, s in enumerate(rows):
        lo, hi = min(s.low, s.high), max(s.low, s.high)
        up = s.high >= s.low  # the parameter's high value raises harm
        ax.barh(
            y, hi - lo, left=lo, color=_PALETTE[3] if up else _PALETTE[0], alpha=0.8
        )
    ax.axvline(sim.point_total, color="#222", lw=1, label="every parameter at its mean")
    words = [
        "\n".join(textwrap.wrap(parameter(s.parameter, names, names), 38)) for s in rows
    ]
    ax.set_yticks(range(len(rows)), words, fontsize=7)
    ends = [v for s in rows for v in (s.low, s.high)] + [sim.point_total]
    if ends:
        lo, hi = min(ends), max(ends)
        pad = (hi - lo) * 0.08 or abs(hi) * 0.01 or 1.0
        ax.set_xlim(lo - pad, hi + pad)
    ax.set_xlabel(
        "total expected harm (severity-weighted), parameter at its p10 … p90; "
        f"at the means: {number(sim.point_total)}",
        fontsize=8,
    )
    ax.set_title("Sensitivity (tornado): what moves the total most")
    ax.legend(fontsize=7, loc="lower right")
    return ax


# ------------------------------------------------------------------ RCI


def rci_trajectory(
    scores: Sequence[float | Score | None],
    reliability: Reliability,
    *,
    when: Sequence[Any] | None = None,
    higher_is_worse: bool = True,
    label: str = "score",
    spec: InstrumentSpec | None = None,
    scale: str = "total",
    ax: Axes | None = None,
) -> Axes:
    """A client's scores over check-ins against the Reliable Change band.

    The first complete score is the baseline; the shaded band is baseline ±
    the smallest reliable change (``1.96 · SD · √2 · √(1 − r)``). Each later
    check-in is coloured by its verdict against the baseline: reliably
    improved (green), no reliable change (grey) or reliably worse (red).

    An incomplete :class:`~riskcore.model.Score` (a prorated total, or one
    whose critical item is missing) is never judged: it is drawn as a hollow
    marker, "incomplete: not judged", and is neither the baseline nor joined
    to the line, so a prorated score never shows as an improvement. ``None``
    leaves a gap, never a low point.

    With *spec*, the y axis is the scale's full range and its severity bands
    are shaded behind the points, labelled; without it, the range of the
    scores' ``minimum`` and ``maximum`` when they are :class:`Score` objects.

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
    spec : InstrumentSpec, optional
        The instrument: its range and severity bands as background.
    scale : str, default "total"
        The scale of *spec* the scores are on.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
        One marker collection per verdict present, after the line.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from riskcore.instruments import Reliability
    >>> rel = Reliability(sd=5.0, r=0.84, source="illustrative", illustrative=True)
    >>> ax = rci_trajectory([18, None, 7], rel, label="PHQ-9")
    >>> [c.get_label() for c in ax.collections]
    ['baseline', 'reliably improved']
    """
    from riskcore.instruments.rci import rci_threshold, reliable_change

    ax = _axes(ax, figsize=(7, 4))
    xs = list(when) if when is not None else list(range(1, len(scores) + 1))
    if len(xs) != len(scores):
        raise ValueError(f"when has {len(xs)} values for {len(scores)} scores")
    values: list[float | None] = []
    unjudged: list[tuple[Any, float]] = []
    bounds: list[float] = []
    for x, s in zip(xs, scores, strict=True):
        if s is None or isinstance(s, (int, float)):
            values.append(None if s is None else float(s))
            continue
        bounds += [b for b in (s.minimum, s.maximum) if b is not None]
        if s.value is not None and not s.complete:
            unjudged.append((x, float(s.value)))
            values.append(None)
        else:
            values.append(s.value)
    if spec is not None:
        _bands_behind(ax, spec, scale)
    elif bounds:
        ax.set_ylim(min(bounds), max(bounds))
    ys = [math.nan if v is None else v for v in values]
    ax.plot(xs, ys, "-", color="#888", lw=1, label=label)
    if unjudged:
        ax.scatter(
            [p[0] for p in unjudged],
            [p[1] for p in unjudged],
            facecolors="white",
            edgecolors="#555",
            zorder=3,
            label="incomplete: not judged",
        )
    present = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
    ax.set_ylabel(label)
    ax.set_xlabel("check-in")
    if not present:
        if unjudged:
            ax.legend(fontsize=7)
        return ax
    x0, base = present[0]
    thr = rci_threshold(reliability)
    ax.axhspan(
        base - thr,
        base + thr,
        facecolor="none",
        edgecolor="#1565c0",
        hatch="///",
        lw=0.6,
        alpha=0.5,
        label=f"baseline ± {thr:.1f}: no reliable change",
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
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def _bands_behind(ax: Axes, spec: InstrumentSpec, scale: str) -> None:
    """The scale's full range as the y axis, its severity bands shaded."""
    plan = spec.scale(scale)
    lo, hi = plan.minimum, plan.maximum
    bands = spec.bands.get(scale, ())
    # pale, from green (least severe) to red (most severe)
    tint = _colours([f"b{k}" for k in range(len(bands))])
    for k, b in enumerate(bands):
        b_lo = lo if b.lower is None else max(lo, b.lower)
        b_hi = hi if b.upper is None else min(hi, b.upper)
        ax.axhspan(b_lo, b_hi, color=tint[f"b{k}"], alpha=0.18, zorder=0, lw=0)
        ax.axhline(b_lo, color="white", lw=1, zorder=0)
        ax.text(
            1.0,
            (b_lo + b_hi) / 2,
            f" {b.label}",
            transform=ax.get_yaxis_transform(),
            va="center",
            ha="right",
            fontsize=7,
            color="#555",
        )
    ax.set_ylim(lo, hi)
