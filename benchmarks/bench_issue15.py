"""Benchmarks of issue 15: realised-loss simulation, portfolio QMC, deterministic planner.

Run once, briefly (a few minutes on two shared cores)::

    /work/venv/bin/python benchmarks/bench_issue15.py [--exact-seconds 60] \
        [--out benchmarks/results/issue15.md]

1. Realised harm (``riskcore.events.simulate_events``), 100 FAIR-style risks x
   100,000 trials: Poisson counts with LEF (events per year) as the rate and LM
   as the severity per event, both pyfair's variance-matched BetaPERT; against
   today's expected-harm ``simulate`` on the same 100 risks (LEF/10 as the
   probability, 10 LM as the impact) and pyfair (100 FairModels + a
   FairMetaModel) at equal N. Ratios are from this one run.
2. Trials needed for the portfolio P95 within 0.5 % (90th percentile of the
   relative error over 16 seeds) on a 10-risk portfolio (expected harm), for
   lhs, sobol and random, against a 2^22-trial random reference.
3. Planner, 2,000 mitigations (``benchmarks/bench_planner.py``'s instance):
   the default plan's time, whether three runs are byte-identical, and its gap
   to the best bound of an exact run with a time limit.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_planner import make_problem
from bench_simulate import params, pyfair_run, pyfair_shapes, register
from riskcore import io
from riskcore.events import EventModel, Poisson, simulate_events
from riskcore.model import Beta
from riskcore.planner import solve
from riskcore.simulate import simulate


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def fmt(s: float) -> str:
    return f"{s * 1e3:.0f} ms" if s < 1 else f"{s:.2f} s"


def event_models(ps: list[Any]) -> dict[str, EventModel]:
    out = {}
    for i, (lef, lm) in enumerate(ps):
        a, b = pyfair_shapes(*lef)
        c, d = pyfair_shapes(*lm)
        out[f"t{i}"] = EventModel(
            occurrence=Poisson(rate=Beta(alpha=a, beta=b, low=lef[0], high=lef[2])),
            severity=Beta(alpha=c, beta=d, low=lm[0], high=lm[2]),
        )
    return out


def planner_section(row: Callable[..., None], exact_seconds: float) -> None:
    """3. Planner (h2 owns this section): default plan time, determinism, gap."""
    p = make_problem()
    budget = 0.1 * sum(mm.cost for mm in p.mitigations)
    solve(make_problem(30, 10, 1), budget=100.0)  # warm-up: lazy imports
    digests, times, cpu = [], [], []
    res = None
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        res = solve(p, budget=budget)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        import attrs

        digests.append(
            hashlib.sha256(
                (
                    io.dumps(attrs.evolve(res, seconds=0.0))
                    + io.dumps(res.to_plan("b", seed=1))
                ).encode()
            ).hexdigest()[:12]
        )
    assert res is not None
    row(
        "planner 2,000 mitigations, default solve (median of 3)",
        fmt(statistics.median(times)),
        f"CPU {fmt(statistics.median(cpu))}; method {res.method}, residual "
        f"{res.residual:.3f}, LP bound {res.bound:.3f}, gap {res.gap:.2%}",
    )
    row(
        "planner: three runs byte-identical (result and plan)",
        "yes" if len(set(digests)) == 1 else "NO",
        ", ".join(digests),
    )
    if exact_seconds > 0:
        t = time.perf_counter()
        rx = solve(
            p, budget=budget, method="exact", time_limit=exact_seconds, explain=0
        )
        t_x = time.perf_counter() - t
        best = max(rx.bound, res.bound)
        row(
            f"planner: exact OA-MILP, {exact_seconds:.0f} s safety net",
            fmt(t_x),
            f"status {rx.status}, residual {rx.residual:.3f}, bound {rx.bound:.3f}, "
            f"time limited: {', '.join(rx.time_limited) or 'no'}",
        )
        row(
            "planner: default plan above the best bound found",
            f"{(res.residual - best) / res.residual:.2%}",
            "target <= 1 %",
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="benchmarks/results/issue15.md")
    ap.add_argument("--exact-seconds", type=float, default=60.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument(
        "--planner-only",
        action="store_true",
        help="run only part 3 (the planner); writes benchmarks/results/issue15-planner.md",
    )
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    rows: list[tuple[str, str, str]] = []

    def row(name: str, value: str, note: str = "") -> None:
        rows.append((name, value, note))
        print(f"{name:<72} {value:>12}  {note}", flush=True)

    if args.planner_only:
        planner_section(row, args.exact_seconds)
        out = Path("benchmarks/results/issue15-planner.md")
        out.write_text(
            "# Issue 15 benchmark, part 3 only: the planner\n\n"
            "Command (shared 2-core machine, other jobs running):\n\n"
            "    python benchmarks/bench_issue15.py --planner-only "
            f"--exact-seconds {args.exact_seconds:g}\n\n"
            f"Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f} "
            "at the end.\n\n| figure | value | note |\n|---|---|---|\n"
            + "".join(f"| {a} | {b} | {c} |\n" for a, b, c in rows)
        )
        print(f"wrote {out}")
        return
    # ------------------------------------------------ 1. realised vs expected
    n = 100_000
    hundred = params(100)
    reg = register(hundred)
    ev = event_models(hundred)
    simulate(reg, n=1000, seed=0)  # build the inverse-CDF tables
    simulate_events(reg, events=ev, n=1000, outer=10, seed=0)
    rep = args.repeats
    t_exp, _ = timed(lambda: simulate(reg, n=n, seed=1, method="random"), rep)
    t_exp_l, _ = timed(lambda: simulate(reg, n=n, seed=1, method="lhs"), rep)
    t_real, r = timed(lambda: simulate_events(reg, events=ev, n=n, seed=1), rep)
    row("100 risks x 100k: expected-harm simulate, random", fmt(t_exp))
    row("100 risks x 100k: expected-harm simulate, lhs", fmt(t_exp_l))
    row(
        "100 risks x 100k: realised-harm simulate_events (Poisson x BetaPERT, lhs outer)",
        fmt(t_real),
        f"{r.expected_events:.0f} events per trial on average",
    )
    row(
        "ratio realised (Poisson) / expected-harm (random)",
        f"{t_real / t_exp:.2f}",
        "target <= 1.5; draws 2.6 severities per risk and trial vs 1 impact",
    )
    t_bern, rb = timed(lambda: simulate_events(reg, n=n, seed=1), rep)
    row(
        "100 risks x 100k: realised harm, Bernoulli (LEF/10 x 10 LM, the expected-harm model)",
        fmt(t_bern),
        f"{rb.expected_events:.1f} events per trial on average",
    )
    row(
        "ratio realised (Bernoulli) / expected-harm (random)",
        f"{t_bern / t_exp:.2f}",
        "target <= 1.5",
    )
    try:
        import pyfair  # noqa: F401

        t_pf, risk = timed(lambda: pyfair_run(hundred, n, 1), 1)
        row("100 risks x 100k: pyfair 100 FairModels + FairMetaModel", fmt(t_pf))
        row(
            "throughput realised riskcore / pyfair",
            f"{t_pf / t_real:.1f}x",
            "target >= 3",
        )
        row(
            "mean total: riskcore realised / pyfair LEF x LM",
            f"{r.total.mean / float(np.mean(risk)):.4f}",
            "same model, same mean expected",
        )
    except ImportError:  # pragma: no cover - depends on the environment
        row("pyfair", "not installed", "pyfair rows skipped")

    # ------------------------------------------------ 2. portfolio QMC
    ten = register(params(10, seed=3))
    ref = simulate(ten, n=1 << 22, seed=12345, method="random", percentiles=(95,))
    p95 = ref.total.percentile(95)
    row("10-risk portfolio: reference P95 (random, 2^22 trials)", f"{p95:,.0f}")
    need: dict[str, int] = {}
    for method in ("random", "lhs", "sobol"):
        need[method] = -1
        for k in range(9, 19):
            m = 1 << k
            errs = [
                abs(
                    simulate(
                        ten, n=m, seed=s, method=method, percentiles=(95,)
                    ).total.percentile(95)
                    / p95
                    - 1
                )
                for s in range(16)
            ]
            e90 = float(np.quantile(errs, 0.9))
            print(f"  {method}: N = {m:>7,}  P90 |rel err| = {e90:.3%}", flush=True)
            if e90 <= 0.005:
                need[method] = m
                break
        row(
            f"trials for portfolio P95 within 0.5 % (P90 over 16 seeds): {method}",
            f"{need[method]:,}" if need[method] > 0 else "> 262,144",
        )
    for method in ("lhs", "sobol"):
        if need[method] > 0 and need["random"] > 0:
            row(
                f"random / {method} trials",
                f"{need['random'] / need[method]:.1f}x",
                "target >= 4",
            )

    # ------------------------------------------------ 3. planner
    planner_section(row, args.exact_seconds)

    lines = [
        "# Issue 15 benchmark: realised harm, portfolio QMC, deterministic planner\n",
        "Command (run once on the shared 2-core machine, other jobs running):\n",
        f"    /work/venv/bin/python benchmarks/bench_issue15.py --exact-seconds {args.exact_seconds:g}\n",
        f"Python {sys.version.split()[0]}, numpy {np.__version__}; times are medians of "
        f"{rep} runs (pyfair: 1), ratios from this run.\n",
        "| figure | value | note |",
        "|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
