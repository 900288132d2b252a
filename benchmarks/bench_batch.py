"""The cohort path (``riskcore.batch``): throughput, a numpy baseline, streaming memory, Dask.

All figures come from one run and are reported as ratios against baselines
measured in the same run (the machine is shared):

1. **batch vs object path, per core**: ``riskcore.batch.run`` on a client
   table (PHQ-9, GAD-7, aggression screen, PCL-5, ACE; random valid answers,
   int8) against the object path on the head of the same table
   (``run(..., force_object=True)``: one case, ``assess`` then ``identify``,
   its own best case). One process, BLAS threads 1. A second table with 2 % of
   cells unanswered shows the cost of the rows that go to the object path.
2. **batch vs hand-written numpy** for the same formulas (sums and
   subscales, bands, critical flags, the aggression rule, the factors, the
   odds-scale combination, the matrix level and the critical floor), written
   here once as a baseline (its levels are checked equal to riskcore's).
3. **peak memory streaming a Parquet file** (``riskcore.batch.stream.run_file``,
   chunks of 100,000 rows) in a fresh process, against the same process that
   only imports what it needs.
4. **Dask, 2 workers vs 1**: ``run_dask`` over the same Parquet file on a
   ``distributed.LocalCluster`` with one and with two worker processes (one
   thread each).

Run on demand, not in the test-suite::

    OPENBLAS_NUM_THREADS=1 /work/venv/bin/python benchmarks/bench_batch.py --big-stream 10000000
    /work/venv/bin/python benchmarks/bench_batch.py --rows 100000 --stream-rows 200000 --no-write
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import riskcore.batch
from riskcore.catalog import default_catalog
from riskcore.model.risk import RiskMatrix
from riskcore.plugins import PluginManager

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ("phq9", "gad7", "aggression-screen", "pcl5", "ace")


def make_table(n: int, seed: int = 0, gaps: float = 0.0) -> pd.DataFrame:
    pm = PluginManager(block=["lone-working"])
    specs = {
        s.id: s for o in pm.call_each("riskcore_instruments") for s in o.result or ()
    }
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {"subject": [f"s-{i}" for i in range(n)]}
    for inst in CLIENT:
        for it in specs[inst].items:
            col = rng.integers(it.minimum, it.maximum + 1, n).astype(np.int8)
            if gaps:
                f = col.astype(np.float32)
                f[rng.random(n) < gaps] = np.nan
                cols[f"{inst}.{it.id}"] = f
            else:
                cols[f"{inst}.{it.id}"] = col
    return pd.DataFrame(cols)


def write_parquet(
    path: Path, rows: int, seed: int, gaps: float = 0.0, row_group: int = 100_000
) -> None:
    """A cohort Parquet file, written in pieces (bounded memory for 10M rows),
    in row groups of *row_group* rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    piece = 500_000
    for start in range(0, rows, piece):
        df = make_table(min(piece, rows - start), seed=seed + start, gaps=gaps)
        df["subject"] = [f"s-{start + i}" for i in range(len(df))]
        table = pa.Table.from_pandas(df, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=row_group)
    assert writer is not None
    writer.close()


def best_of(fn: Callable[[], Any], repeats: int) -> list[float]:
    fn()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


# ------------------------------------------------------------ numpy baseline


def make_numpy_baseline(pm: PluginManager) -> Callable[[pd.DataFrame], dict[str, Any]]:
    """The same formulas, hand-written for this table (complete answers): a
    baseline, deliberately a second copy (never used by riskcore)."""
    specs = {
        s.id: s for o in pm.call_each("riskcore_instruments") for s in o.result or ()
    }
    cat = default_catalog()
    matrix = RiskMatrix.default()
    threats = [t for t in cat.threats if t.scope.value == "client"]
    from riskcore.model.distributions import mean_of

    lik_up = np.array([b.upper for b in matrix.likelihood_bands])
    imp_up = np.array([b.upper for b in matrix.impact_bands])
    rank = {lv.name: i for i, lv in enumerate(matrix.levels)}
    grid = np.array([[rank[x] for x in row] for row in matrix.grid])
    floor = rank[matrix.critical_floor]
    plans = {}
    for inst in CLIENT:
        spec = specs[inst]
        plan = spec._plan
        member = np.zeros((len(plan.ids), len(plan.scales)), dtype=np.float32)
        for s, sp in enumerate(plan.scales):
            member[list(sp.index), s] = 1
        cuts = [np.array(sp.cuts) for sp in plan.scales]
        plans[inst] = (member, cuts, list(spec.items))

    def run(df: pd.DataFrame) -> dict[str, Any]:
        out: dict[str, Any] = {}
        n = len(df)
        for inst in CLIENT:
            member, cuts, items = plans[inst]
            a = df[[f"{inst}.{i.id}" for i in items]].to_numpy()
            lo = np.array([i.minimum for i in items])
            hi = np.array([i.maximum for i in items])
            if (a.min(axis=0) < lo).any() or (a.max(axis=0) > hi).any():
                raise ValueError("out of range")
            sums = a.astype(np.float32) @ member
            out[inst] = a
            out[inst + ".total"] = sums[:, 0]
            out[inst + ".band"] = np.searchsorted(cuts[0], sums[:, 0], side="right")
            for s in range(1, sums.shape[1]):
                out[f"{inst}.{s}.band"] = np.searchsorted(
                    cuts[s], sums[:, s], side="right"
                )
        phq, agg = out["phq9"], out["aggression-screen"]
        item9 = phq[:, 8] >= 1
        threats_made = agg[:, 2] >= 1
        high = threats_made | ((agg == 1).sum(axis=1) >= 3)
        elevated = ~high & (out["aggression-screen.total"] >= 1)
        ors = {
            "client-self-harm": np.where(item9, 3.0, 1.0)
            * np.where(out["phq9.total"] >= 15, 1.5, 1.0),
            "in-session-aggression": np.where(high, 3.0, np.where(elevated, 1.5, 1.0)),
        }
        crit = {"self-harm": item9, "aggression": high}
        for t in threats:
            p0 = mean_of(t.base_likelihood)
            k = ors.get(t.id, np.ones(n))
            p = p0 * k / (1.0 - p0 + p0 * k)
            i = np.searchsorted(lik_up, p, side="left")
            j = int(np.searchsorted(imp_up, mean_of(t.impact.value), side="left"))
            level = grid[i, j]
            c = crit.get(t.category)
            if c is not None:
                level = np.where(c, np.maximum(level, floor), level)
            out[f"risk.{t.id}.level"] = level
        return out

    return run


# ------------------------------------------------------------ memory


_PEAK = """
def peak_mib():  # VmHWM: this process's own peak (ru_maxrss counts the parent's at fork)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

_STREAM = (
    _PEAK
    + """
import sys, time
from riskcore.batch.stream import run_file
import pyarrow.parquet, pandas
from riskcore.plugins import PluginManager
pm = PluginManager(block=["lone-working"])
t = time.perf_counter()
s = run_file(sys.argv[1], sys.argv[2], pm=pm, chunk_rows=int(sys.argv[3]))
dt = time.perf_counter() - t
print(peak_mib(), dt, s.written, s.object_rows)
"""
)

_IMPORTS = (
    _PEAK
    + """
from riskcore.batch.stream import run_file
import riskcore.batch.engine, pyarrow.parquet, pandas
from riskcore.plugins import PluginManager
from riskcore.catalog import default_catalog
pm = PluginManager(block=["lone-working"]); default_catalog()
print(peak_mib())
"""
)


def stream_memory(
    path: Path, out: Path, chunk_rows: int
) -> tuple[float, float, float, int]:
    """(peak MiB streaming, peak MiB imports only, seconds, object rows)."""
    got = subprocess.run(
        [sys.executable, "-c", _STREAM, str(path), str(out), str(chunk_rows)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    base = subprocess.run(
        [sys.executable, "-c", _IMPORTS], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(got[0]), float(base[0]), float(got[1]), int(got[3])


# ------------------------------------------------------------ dask


def dask_ratio(
    path: Path, partitions: int, repeats: int, read: str = "row-groups"
) -> dict[str, Any] | None:
    """1 worker vs 2 on the same file, as fair as a shared 2-core machine allows.

    *read* ``"row-groups"`` (the default) gives one partition per row group of
    the file (``split_row_groups=True``; the file is written with *partitions*
    row groups), so each worker reads its own partitions;
    ``"repartition"`` reads the file as Dask's default blocks and then
    ``repartition(npartitions=partitions)``, which reads the whole file in one
    task and ships the pieces between worker processes.

    Both clusters are started first and warmed (one untimed run each: worker
    processes up, plugins loaded, the file in the page cache); then the timed
    runs alternate 1 worker, 2 workers, *repeats* times, so that load from
    other jobs hits both alike. Min and median of each, and the load average
    before and after.
    """
    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster
    except ImportError:
        return None
    import statistics

    from riskcore.batch.dask import run_dask

    pm = PluginManager(block=["lone-working"])
    load_before = os.getloadavg()
    clusters = {
        w: LocalCluster(
            n_workers=w, processes=True, threads_per_worker=1, dashboard_address=None
        )
        for w in (1, 2)
    }
    clients = {w: Client(c, set_as_default=False) for w, c in clusters.items()}
    try:

        def go(w: int) -> float:
            if read == "row-groups":
                ddf = dd.read_parquet(path, split_row_groups=True)
            else:
                ddf = dd.read_parquet(path).repartition(npartitions=partitions)
            job = run_dask(ddf, pm=pm).map_partitions(len)
            t0 = time.perf_counter()
            clients[w].compute(job).result()
            return time.perf_counter() - t0

        for w in (1, 2):
            go(w)  # warm
        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(repeats):
            for w in (1, 2):
                times[w].append(go(w))
    finally:
        for c in clients.values():
            c.close()
        for cl in clusters.values():
            cl.close()
    load_after = os.getloadavg()
    return {
        "min": (min(times[1]), min(times[2])),
        "median": (statistics.median(times[1]), statistics.median(times[2])),
        "repeats": repeats,
        "partitions": partitions,
        "read": read,
        "load": (load_before, load_after),
    }


# ------------------------------------------------------------ main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--rows", type=int, default=200_000, help="rows of the in-memory table"
    )
    ap.add_argument(
        "--object-rows", type=int, default=2_000, help="rows for the object path"
    )
    ap.add_argument(
        "--stream-rows", type=int, default=1_000_000, help="rows of the Parquet file"
    )
    ap.add_argument(
        "--dask-rows", type=int, default=1_000_000, help="rows for the Dask comparison"
    )
    ap.add_argument("--dask-partitions", type=int, default=8)
    ap.add_argument(
        "--dask-read",
        choices=("row-groups", "repartition"),
        default="row-groups",
        help="one partition per row group (each worker reads its own), or one "
        "read repartitioned (pieces shipped between workers)",
    )
    ap.add_argument("--dask-repeats", type=int, default=5)
    ap.add_argument(
        "--big-stream", type=int, default=0, help="also stream a file of this many rows"
    )
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    pm = PluginManager(block=["lone-working"])
    cat = default_catalog()
    table = make_table(args.rows)
    gappy = make_table(args.rows, seed=1, gaps=0.02)
    head = table.head(args.object_rows)
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text)
        lines.append(text)

    t_batch = best_of(
        lambda: riskcore.batch.run(table, pm=pm, catalog=cat), args.repeats
    )
    gap_result = riskcore.batch.run(gappy, pm=pm, catalog=cat)
    t_gappy = best_of(lambda: riskcore.batch.run(gappy, pm=pm, catalog=cat), 1)
    t_object = best_of(
        lambda: riskcore.batch.run(head, pm=pm, catalog=cat, force_object=True), 1
    )
    rate_batch = args.rows / min(t_batch)
    rate_gappy = args.rows / min(t_gappy)
    rate_object = args.object_rows / min(t_object)

    baseline = make_numpy_baseline(pm)
    got = riskcore.batch.run(table, pm=pm, catalog=cat).frame
    ref = baseline(table)
    for t in [c for c in got.columns if c.startswith("risk.") and c.endswith(".level")]:
        assert (got[t].cat.codes.to_numpy() == ref[t]).all(), (
            f"baseline disagrees on {t}"
        )
    # riskcore.batch and the baseline alternate, so that load from other jobs
    # on the shared machine hits both alike; ratios of the fastest and medians.
    t_batch, t_numpy = [], []
    for _ in range(max(args.repeats, 7)):
        t_batch += best_of(lambda: riskcore.batch.run(table, pm=pm, catalog=cat), 1)
        t_numpy += best_of(lambda: baseline(table), 1)

    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "cohort.parquet"
        write_parquet(src, args.stream_rows, seed=2)
        peak, base, t_stream, stream_object = stream_memory(
            src, Path(d) / "out.parquet", 100_000
        )
        big = None
        if args.big_stream:
            bsrc = Path(d) / "big.parquet"
            write_parquet(bsrc, args.big_stream, seed=4)
            big = stream_memory(bsrc, Path(d) / "big-out.parquet", 100_000)
            bsrc.unlink()
            (Path(d) / "big-out.parquet").unlink()
        dsrc = Path(d) / "dask.parquet"
        write_parquet(
            dsrc,
            args.dask_rows,
            seed=3,
            row_group=-(-args.dask_rows // args.dask_partitions),
        )
        dask_t = dask_ratio(
            dsrc,
            partitions=args.dask_partitions,
            repeats=args.dask_repeats,
            read=args.dask_read,
        )

    say("# Cohort path benchmark (`riskcore.batch`)")
    say()
    say("Reproduce with:")
    say()
    say("```")
    say(
        "OPENBLAS_NUM_THREADS=1 python benchmarks/bench_batch.py "
        + " ".join(sys.argv[1:])
    )
    say("```")
    say()
    say(
        f"Machine: {platform.machine()}, {os.cpu_count()} logical cores (shared with other "
        f"jobs), Python {platform.python_version()}, numpy {np.__version__}, pandas "
        f"{pd.__version__}; OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}; every figure from one run (best of "
        f"{args.repeats})."
    )
    say()
    say(
        f"Client table: {', '.join(CLIENT)} (51 items, int8 answers), {args.rows:,} rows; all "
        "built-in plugins but the example lone-working plugin."
    )
    say()
    say("| path | rows/s (one core) | vs object path |")
    say("|---|---|---|")
    say(
        f"| object path (`assess` + `identify`, {args.object_rows:,} rows) | {rate_object:,.0f} | 1× |"
    )
    say(
        f"| `riskcore.batch.run`, complete answers | {rate_batch:,.0f} | **{rate_batch / rate_object:,.0f}×** |"
    )
    say(
        f"| `riskcore.batch.run`, 2 % of cells unanswered ({gap_result.object_rows / args.rows:.1%} "
        f"of rows by the object path) | {rate_gappy:,.0f} | {rate_gappy / rate_object:,.0f}× |"
    )
    say()
    say(
        f"Hand-written numpy for the same formulas (levels checked equal): "
        f"{min(t_numpy) * 1e3:,.0f} ms for {args.rows:,} rows; `riskcore.batch.run` "
        f"{min(t_batch) * 1e3:,.0f} ms: **{min(t_batch) / min(t_numpy):.2f}×** the baseline "
        f"(fastest of {len(t_batch)} alternating runs each; medians "
        f"{statistics.median(t_numpy) * 1e3:,.0f} and {statistics.median(t_batch) * 1e3:,.0f} ms: "
        f"{statistics.median(t_batch) / statistics.median(t_numpy):.2f}×; goal: within 3×). "
        "riskcore.batch also checks every subject id (a valid identifier, no repeat) and "
        "builds the output frame (ordered categoricals, string columns); the baseline "
        "does neither."
    )
    say()
    say(
        f"Streaming {args.stream_rows:,} rows from Parquet (complete answers, "
        f"chunks of 100,000; `run_file`, Parquet out): peak RSS **{peak:,.0f} MiB**; the same process "
        f"importing only what it needs: {base:,.0f} MiB; {args.stream_rows / t_stream:,.0f} "
        f"rows/s ({stream_object:,} rows by the object path)."
    )
    if big is not None:
        say()
        say(
            f"Streaming {args.big_stream:,} rows the same way: peak RSS **{big[0]:,.0f} MiB** "
            f"(imports only: {big[1]:,.0f} MiB); {args.big_stream / big[2]:,.0f} rows/s."
        )
    say()
    if dask_t is None:
        say("Dask: not installed (pip install riskcore[dask]); not measured.")
    else:
        one, two = dask_t["min"]
        one_m, two_m = dask_t["median"]
        (b1, b5, _), (a1, a5, _) = dask_t["load"]
        say(
            f"Dask, {args.dask_rows:,} rows from Parquet in {dask_t['partitions']} "
            f"partitions ("
            + (
                "one per row group, each read by the worker that computes it"
                if dask_t["read"] == "row-groups"
                else "one read, repartitioned"
            )
            + "), `run_dask(...).map_partitions(len)`; both clusters warmed, "
            f"then {dask_t['repeats']} alternating runs each: 1 worker {one:.2f} s "
            f"(median {one_m:.2f} s), 2 workers {two:.2f} s (median {two_m:.2f} s): "
            f"**{one / two:.2f}×** from the fastest runs, {one_m / two_m:.2f}× from the "
            f"medians (goal 1.6×). Load average (1 min, 5 min) {b1:.2f}, {b5:.2f} before "
            f"and {a1:.2f}, {a5:.2f} after: the 2 cores are shared with other jobs, so "
            "2 workers cannot have both cores to themselves."
        )
    say()
    say(
        "Goals (issue #16): ≥ 50× the object path per core; within 3× of hand-written numpy; "
        "10,000,000 rows from Parquet under 2 GiB peak; Dask 2 workers ≥ 1.6× one."
    )
    if not args.no_write:
        text = "\n".join(lines) + "\n"
        (ROOT / "benchmarks" / "results" / "batch.md").write_text(text)
        docs = ROOT / "docs" / "benchmarks.md"
        body = docs.read_text()
        block = "<!-- batch:begin -->\n" + "\n".join(lines[2:]) + "\n<!-- batch:end -->"
        section = "## Cohort path (`riskcore.batch`)\n\n" + block
        if "<!-- batch:begin -->" in body:
            body = re.sub(
                r"## Cohort path \(`riskcore.batch`\)\n\n<!-- batch:begin -->.*?<!-- batch:end -->",
                lambda _m: section,
                body,
                flags=re.S,
            )
        else:
            body = body.rstrip("\n") + "\n\n" + section + "\n"
        docs.write_text(body)
        print(
            "wrote benchmarks/results/batch.md and docs/benchmarks.md", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
