"""Render ``docs/_static/realised-lec.png``: expected vs realised harm on the example practice.

Run by hand when the simulation changes (the picture is committed, so the
docs build stays fast)::

    python docs/_ext/realised_lec.py

Offline and deterministic: the synthetic example case, seed 1, the Agg backend.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import riskcore

    root = Path(__file__).resolve().parents[2]
    case = riskcore.load_case(root / "examples" / "longmont-practice.yaml")
    report = riskcore.build_plan(case, n=100_000, seed=1)
    exp, real = report.simulation, report.events
    assert exp is not None
    assert real is not None
    fig, ax = plt.subplots(figsize=(7, 4.2))
    real.plot_exceedance(ax=ax)
    ax.step(
        [x for x, _ in exp.exceedance],
        [p for _, p in exp.exceedance],
        where="post",
        color="black",
        linestyle="--",
        label="expected harm (parameter uncertainty only)",
    )
    ax.set_xlim(left=0)
    ax.set_ylim(1e-4, 1.5)
    ax.set_title("Longmont example practice, residual risk, one year")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    out = root / "docs" / "_static" / "realised-lec.png"
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out


if __name__ == "__main__":
    sys.stdout.write(f"{main()}\n")
