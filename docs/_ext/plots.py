"""Sphinx extension: render the plots of the example case at build time.

The images of ``docs/notebooks.md`` are generated here, into
``docs/_generated/`` (ignored by git), when the builder starts, so they always
show what the current code draws and are never committed by hand. Offline and
deterministic: the synthetic example case, a fixed seed, the Agg backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

OUT = "_generated"
"""Folder under ``docs/`` the images are written to."""

PLOTS = ("heatmap", "mitigation_dag", "frontier", "exceedance", "tornado", "rci")


def render(out: Path) -> list[Path]:
    """Draw every plot of ``docs/notebooks.md`` into *out*; return the files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import riskcore
    from riskcore import plot
    from riskcore.graph import build_graph
    from riskcore.instruments import Reliability
    from riskcore.model import Score, SubjectKind

    root = Path(__file__).resolve().parents[2]
    case = riskcore.load_case(root / "examples" / "longmont-practice.yaml")
    report = riskcore.build_plan(case, n=2_000, seed=1)
    assert report.simulation is not None
    rel = Reliability(sd=5.0, r=0.84, source="illustrative", illustrative=True)
    phq9 = next(
        spec
        for o in riskcore.get_plugin_manager().call_each("riskcore_instruments")
        if o.ok
        for spec in o.result or ()
        if spec.id == "phq9"
    )
    names = {t.id: t.name for t in report.catalog.threats}
    names.update({m.id: m.name for m in report.catalog.mitigations})

    def score(value: float, complete: bool = True) -> Score:
        # the fourth check-in is prorated with item 9 missing: never judged
        return Score(
            subject="c-04",
            subject_kind=SubjectKind.CLIENT,
            instrument="phq9",
            value=value,
            minimum=0,
            maximum=27,
            missing_reason=None if complete else "item 9 unanswered; prorated",
        )

    draw = {
        "heatmap": lambda ax: report.plot_heatmap(ax=ax),
        "mitigation_dag": lambda ax: plot.mitigation_dag(
            build_graph(report.catalog), report.result.selected, ax=ax
        ),
        "frontier": lambda ax: report.result.plot_frontier(ax=ax),
        "exceedance": lambda ax: report.simulation.plot_exceedance(ax=ax),
        "tornado": lambda ax: plot.tornado(
            report.simulation, top=8, names=names, ax=ax
        ),
        "rci": lambda ax: plot.rci_trajectory(
            [score(19), score(17), None, score(6, complete=False), score(12), score(8)],
            rel,
            label="PHQ-9 total",
            spec=phq9,
            ax=ax,
        ),
    }
    sizes = {"mitigation_dag": (9, 5), "tornado": (8, 4.5), "heatmap": (6.4, 6.4)}
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name in PLOTS:
        fig, ax = plt.subplots(figsize=sizes.get(name, (6.4, 4)))
        draw[name](ax)
        fig.tight_layout()
        path = out / f"{name}.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        files.append(path)
    return files


def _builder_inited(app: Any) -> None:
    render(Path(app.srcdir) / OUT)


def setup(app: Any) -> dict[str, Any]:
    """Register the hook that renders the images before any page is read."""
    app.connect("builder-inited", _builder_inited)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
