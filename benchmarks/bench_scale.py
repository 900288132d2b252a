"""Scale: `riskcore assess` and `riskcore plan` from 100 to 10,000 clients (issue #16).

Cases are generated from the example practice's clients
(:func:`riskcore.testing.practice.generate_practice`: the same instruments,
seeded random valid answers) and written as JSON and YAML. Each measurement
runs in a fresh process (``--child``), which reports its wall-clock time and
its peak resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``):

* **load YAML** / **load JSON**: ``riskcore.load_case`` of the file (the YAML
  loader is libyaml's parser under riskcore's strict composer when available);
* **assess**: ``riskcore assess CASE.json -o OUT.json`` (load, assess, streamed
  JSON output);
* **plan**: ``riskcore plan CASE.json -o OUT.json --trials 0 -q`` (load,
  assess, identify, plan with its 8-point Pareto frontier, responses, duties,
  streamed JSON report; the Monte Carlo step is measured by
  ``bench_simulate.py``, so it is skipped here).

The growth ratio (time at 10x clients over time at 1x) is the figure to read;
linear is 10x. Run::

    python benchmarks/bench_scale.py                 # 100, 1,000, 10,000; writes results
    python benchmarks/bench_scale.py --sizes 100 1000 --no-write
    python benchmarks/bench_scale.py --sizes 100000  # if you have a few minutes
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"
OUT = ROOT / "benchmarks" / "results" / "scale.md"
STEPS = ("load YAML", "load JSON", "assess", "plan")


def child(step: str, case: str, out: str) -> None:
    start = time.perf_counter()
    if step in ("load YAML", "load JSON"):
        from riskcore import load_case

        load_case(case)
    else:
        from riskcore.cli import main

        argv = (
            ["assess", case, "-o", out]
            if step == "assess"
            else ["plan", case, "-o", out, "--trials", "0", "-q"]
        )
        status = main(argv)
        # 3: done and written, but incomplete (a generated practice has
        # unanswered items) or infeasible: a finished run all the same.
        if status not in (0, 3):
            raise SystemExit(status)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak": peak}))


def measure(step: str, case: Path, out: Path) -> dict[str, float]:
    got = subprocess.run(
        [sys.executable, __file__, "--child", step, str(case), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(got.stdout.strip().splitlines()[-1]))


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB" if n < 2**30 else f"{n / 2**30:.2f} GiB"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--child", nargs=3, metavar=("STEP", "CASE", "OUT"))
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    from riskcore import load_case
    from riskcore.io import dump
    from riskcore.testing.practice import generate_practice

    template = load_case(EXAMPLE)
    rows: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            case = generate_practice(template, n, seed=args.seed)
            files = {
                "json": Path(tmp) / f"case-{n}.json",
                "yaml": Path(tmp) / f"case-{n}.yaml",
            }
            dump(case, files["json"])
            dump(case, files["yaml"])
            del case
            rows[n] = {}
            for step in STEPS:
                src = files["yaml"] if step == "load YAML" else files["json"]
                rows[n][step] = measure(step, src, Path(tmp) / "out.json")
                r = rows[n][step]
                print(
                    f"{n:>7,} clients  {step:<9}  {r['seconds']:8.2f} s  {_mib(r['peak'])}",
                    file=sys.stderr,
                    flush=True,
                )
    lines = [
        "# Scale benchmark",
        "",
        "Command: `python benchmarks/bench_scale.py --sizes "
        + " ".join(str(n) for n in args.sizes)
        + f"` (2 shared cores, load average {os.getloadavg()[0]:.1f} at the end). "
        "Generated practices (copies of the example's clients, seed "
        f"{args.seed}); each figure is one fresh process: wall-clock time and "
        "peak resident memory.",
        "",
        "| clients | " + " | ".join(STEPS) + " |",
        "|---|" + "---|" * len(STEPS),
    ]
    for n, r in rows.items():
        cells = [f"{r[s]['seconds']:.2f} s, {_mib(r[s]['peak'])}" for s in STEPS]
        lines.append(f"| {n:,} | " + " | ".join(cells) + " |")
    sizes = list(rows)
    if len(sizes) > 1:
        lines += ["", "Growth (time at the larger size / time at the smaller):", ""]
        for a, b in itertools.pairwise(sizes):
            ratios = ", ".join(
                f"{s} {rows[b][s]['seconds'] / rows[a][s]['seconds']:.1f}x"
                for s in STEPS
            )
            lines.append(f"- {a:,} -> {b:,} clients ({b / a:g}x): {ratios}")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        OUT.write_text(text)
        print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
