"""Scoring throughput: riskcore's columnar path vs tuned numpy vs idiomatic pandas.

A PCL-5-like instrument: 20 items coded 0..4, total 0..80, four subscale sums
(items 1-5, 6-7, 8-14, 15-20) and five bands cut at 20/33/45/60. The data are
``rng.integers(0, 5, (N, 20), int8)`` with N = 1,000,000. Every variant does the
same work: range validation, total, 4 subscales, band of the total. All are
measured in the same run (timeit-style repeats, median and min-max), so the
ratios are meaningful even on a shared machine where absolute times drift.

Also timed: the object path (one ``InstrumentResponse`` -> ``InstrumentResult``)
per respondent.

Run on demand, not in the test-suite::

    /work/venv/bin/python benchmarks/bench_scoring.py            # prints and writes
    /work/venv/bin/python benchmarks/bench_scoring.py --n 200000 # smaller, faster
"""

from __future__ import annotations

import os

# Single-threaded BLAS for every variant: on a shared 2-core machine OpenBLAS
# worker threads spin-wait and the matmul timings vary 5x between repeats. Set
# the variable yourself to measure with threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from riskcore.instruments import Band, InstrumentSpec, uniform_items
from riskcore.model import InstrumentResponse

SUBSCALES = {
    "cluster-b": [str(i) for i in range(1, 6)],
    "cluster-c": ["6", "7"],
    "cluster-d": [str(i) for i in range(8, 15)],
    "cluster-e": [str(i) for i in range(15, 21)],
}
CUTS = (20, 33, 45, 60)
LABELS = ("b0", "b1", "b2", "b3", "b4")

SPEC = InstrumentSpec(
    id="pcl5-like",
    name="PCL-5-like benchmark instrument",
    items=uniform_items(20, 0, 4),
    subscales=SUBSCALES,
    bands=[
        Band(label=LABELS[0], lower=0, upper=CUTS[0]),
        *(Band(label=LABELS[i], lower=CUTS[i - 1], upper=CUTS[i]) for i in range(1, 4)),
        Band(label=LABELS[4], lower=CUTS[3]),
    ],
)


# ---------------------------------------------------------------- baselines


def make_tuned_numpy() -> Callable[[Any], Any]:
    """Hand-written tuned numpy: min/max check, one float32 matmul, LUT band."""
    member = np.zeros((20, 5), dtype=np.float32)
    member[:, 0] = 1
    for s, items in enumerate(SUBSCALES.values(), start=1):
        member[[int(i) - 1 for i in items], s] = 1
    lut = np.searchsorted(np.array(CUTS), np.arange(81), side="right").astype(np.int8)

    def run(a: Any) -> Any:
        if a.min() < 0 or a.max() > 4:
            raise ValueError("out of range")
        sums = a.astype(np.float32) @ member
        band = lut[sums[:, 0].astype(np.intp)]
        return sums, band

    return run


def pandas_idiomatic(df: Any) -> Any:
    """Idiomatic pandas doing the same work."""
    if ((df < 0) | (df > 4)).any().any():
        raise ValueError("out of range")
    out = pd.DataFrame({"total": df.sum(axis=1)})
    for name, cols in SUBSCALES.items():
        out[name] = df[cols].sum(axis=1)
    out["band"] = pd.cut(
        out["total"], bins=[-np.inf, *CUTS, np.inf], right=False, labels=list(LABELS)
    )
    return out


# ---------------------------------------------------------------- timing


def measure(fn: Callable[[], Any], repeats: int) -> list[float]:
    fn()  # warm-up (plan cache, BLAS threads, page faults)
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--objects", type=int, default=20_000)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "scoring.md"
    )
    args = parser.parse_args()

    rng = np.random.default_rng(20261127)
    a = rng.integers(0, 5, (args.n, 20), dtype=np.int8)
    df = pd.DataFrame(a, columns=SPEC.item_ids)
    tuned = make_tuned_numpy()

    # same answers from all three
    res = SPEC.score_array(a)
    sums, band = tuned(a)
    pdo = pandas_idiomatic(df)
    assert np.array_equal(res.total, sums[:, 0].astype(np.float64))
    assert np.array_equal(res.band_codes["total"], band)
    assert np.array_equal(
        res.values["cluster-d"], pdo["cluster-d"].to_numpy(np.float64)
    )
    assert np.array_equal(res.band_codes["total"], pdo["band"].cat.codes.to_numpy())

    rows: dict[str, list[float]] = {}
    rows["tuned numpy baseline (min/max, float32 matmul, LUT band)"] = measure(
        lambda: tuned(a), args.repeats
    )
    rows["riskcore columnar `score_array(ndarray)`"] = measure(
        lambda: SPEC.score_array(a), args.repeats
    )
    af = np.asfortranarray(a)
    rows["riskcore columnar `score_array(ndarray, column-major)`"] = measure(
        lambda: SPEC.score_array(af), args.repeats
    )
    rows["riskcore columnar `score_array(DataFrame)`"] = measure(
        lambda: SPEC.score_array(df), args.repeats
    )
    rows["idiomatic pandas (check, sums, `pd.cut`)"] = measure(
        lambda: pandas_idiomatic(df), args.repeats
    )

    # object path: per respondent
    responses = [
        InstrumentResponse(
            instrument=SPEC.id,
            subject=f"c-{i}",
            items=dict(zip(SPEC.item_ids, r, strict=True)),
        )
        for i, r in enumerate(a[: args.objects].tolist())
    ]
    score = SPEC.score
    obj = measure(lambda: [score(r) for r in responses], 5)
    obj_per = [t / len(responses) for t in obj]

    base = statistics.median(
        rows["tuned numpy baseline (min/max, float32 matmul, LUT band)"]
    )
    pandas_t = statistics.median(rows["idiomatic pandas (check, sums, `pd.cut`)"])
    lines = [
        "# Scoring benchmark",
        "",
        "PCL-5-like instrument: 20 items 0..4, range validation, total, 4 subscales, "
        f"band of the total (5 bands). N = {args.n:,} respondents, int8 row-major array; "
        "all variants measured in the same run, "
        f"{args.repeats} repeats after one warm-up.",
        "",
        "Reproduce with:",
        "",
        "```",
        "/work/venv/bin/python benchmarks/bench_scoring.py"
        + ("" if args.n == 1_000_000 else f" --n {args.n}"),
        "```",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} logical cores (shared with "
        f"other jobs), Python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}; OPENBLAS_NUM_THREADS="
        f"{os.environ.get('OPENBLAS_NUM_THREADS')}.",
        "",
        "| variant | median | min – max | vs tuned numpy | pandas / variant |",
        "|---|---|---|---|---|",
    ]
    for name, ts in rows.items():
        med = statistics.median(ts)
        lines.append(
            f"| {name} | {fmt(med)} | {fmt(min(ts))} – {fmt(max(ts))} "
            f"| {med / base:.2f}× | {pandas_t / med:.1f}× |"
        )
    om = statistics.median(obj_per)
    lines += [
        "",
        f"Object path (`spec.score(InstrumentResponse)` -> `InstrumentResult`, "
        f"{len(responses):,} respondents, 5 repeats): median **{fmt(om)} per respondent** "
        f"(min {fmt(min(obj_per))}, max {fmt(max(obj_per))}), i.e. "
        f"{om * args.n:.1f} s per million; the columnar path is "
        f"{om * args.n / statistics.median(rows['riskcore columnar `score_array(ndarray)`']):.0f}× "
        "faster.",
        "",
        "Goals: columnar within 2× of the tuned numpy baseline, at least 3× faster "
        "than idiomatic pandas.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
