"""Cross-check riskcore.simulate against pyfair on the two-node Open FAIR model.

Kept beside the test (``tests/test_simulate.py::test_cross_check_against_pyfair``),
which is skipped where pyfair is not installed, so the evidence is on record::

    /work/venv/bin/python benchmarks/crosscheck_pyfair.py >> benchmarks/results/simulate.md

Risk = LEF x LM, LEF ~ BetaPERT(0.5, 2, 10), LM ~ BetaPERT(10k, 50k, 500k) in
pyfair's parameterisation, N = 200,000, 5 seeds each; reports the median over
seeds of the mean and the 5th/50th/95th percentiles and the Monte Carlo
standard error of the mean.
"""

from __future__ import annotations

import statistics
import sys
import warnings

import numpy as np

sys.path.insert(0, "benchmarks")
from bench_simulate import params, pyfair_run, register
from riskcore.simulate import simulate


def main() -> None:
    warnings.simplefilter("ignore")
    n, seeds = 200_000, range(5)
    one = params(1)
    reg = register(one)
    qs = (5, 50, 95)
    rows: dict[str, list[list[float]]] = {
        "pyfair": [],
        "riskcore lhs": [],
        "riskcore random": [],
    }
    for s in seeds:
        x = pyfair_run(one, n, s)
        rows["pyfair"].append(
            [float(x.mean()), *np.quantile(x, [q / 100 for q in qs]).tolist()]
        )
        for m in ("lhs", "random"):
            r = simulate(reg, n=n, seed=s, method=m, percentiles=qs)
            rows[f"riskcore {m}"].append(
                [r.total.mean, *(r.total.percentile(q) for q in qs)]
            )
    med = {
        k: [statistics.median(c) for c in zip(*v, strict=True)] for k, v in rows.items()
    }
    se = float(np.std(pyfair_run(one, n, 99)) / np.sqrt(n))
    print("\n## Cross-check against pyfair (`benchmarks/crosscheck_pyfair.py`)\n")
    print(
        f"N = {n:,}, median of {len(seeds)} seeds; Monte Carlo standard error of the mean = {se:,.0f} "
        f"({se / med['pyfair'][0]:.2%}).\n"
    )
    print("| run | mean | p5 | p50 | p95 |\n|---|---|---|---|---|")
    for k, v in med.items():
        print(f"| {k} | " + " | ".join(f"{x:,.0f}" for x in v) + " |")
    for k in ("riskcore lhs", "riskcore random"):
        rel = [a / b - 1 for a, b in zip(med[k], med["pyfair"], strict=True)]
        print(
            f"| {k} vs pyfair (rel.) | " + " | ".join(f"{x:+.2%}" for x in rel) + " |"
        )


if __name__ == "__main__":
    main()
