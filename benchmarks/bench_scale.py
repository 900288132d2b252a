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
* **plan**: ``riskcore plan CASE.json -o OUT.json --trials 0 -q --allow-incomplete`` (load,
  assess, identify, plan with its 8-point Pareto frontier, responses, duties,
  streamed JSON report; the Monte Carlo step is measured by
  ``bench_simulate.py``, so it is skipped here).

The growth ratio (time at 10x clients over time at 1x) is the figure to read;
linear is 10x. Run::

    python benchmarks/bench_scale.py                 # 100, 1,000, 10,000; writes results
    python benchmarks/bench_scale.py --sizes 100 1000 --no-write
    python benchmarks/bench_scale.py --sizes 100000  # if you have a few minutes

``--baseline DIR`` also runs the chosen *--steps* with the code of another
source tree (``git archive main src | tar -x -C /tmp/old``; ``DIR`` is
``/tmp/old/src``, put first on ``PYTHONPATH`` of the child), each right after
the new code's figure, and reports the ratio (old time / new time) measured
in the same run::

    python benchmarks/bench_scale.py --sizes 1000 10000 --steps plan \
        --baseline /tmp/old/src
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
        from riskcore import io, load_case

        io.MAX_INPUT_BYTES = max(io.MAX_INPUT_BYTES, os.path.getsize(case) + 1)
        load_case(case)
    else:
        from riskcore.cli import main

        argv = (
            ["assess", case, "-o", out]
            if step == "assess"
            else ["plan", case, "-o", out, "--trials", "0", "-q", "--allow-incomplete"]
        )
        size = os.path.getsize(case)
        if size > 64 << 20:  # over the default bound (a 100,000-client case)
            argv += ["--max-input-mib", str((size >> 20) + 1)]
        status = main(argv)
        # 3: done and written, but incomplete (a generated practice has
        # unanswered items) or infeasible: a finished run all the same.
        if status not in (0, 3):
            raise SystemExit(status)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak": _peak()}))


def _peak() -> int:
    """This process's peak resident memory in bytes: ``VmHWM`` where Linux
    gives it. (``ru_maxrss`` survives ``exec``: a child started by this
    benchmark after it generated a large practice reported the parent's
    peak, 744 MiB for every step at 10,000 clients.)"""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:  # not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def measure(
    step: str, case: Path, out: Path, src: str | None = None
) -> dict[str, float]:
    env = None
    if src is not None:
        env = {**os.environ, "PYTHONPATH": src}
    got = subprocess.run(
        [sys.executable, __file__, "--child", step, str(case), str(out)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
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
    ap.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    ap.add_argument("--baseline", metavar="DIR", help="old code's src folder")
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    from riskcore import load_case
    from riskcore.io import dump
    from riskcore.testing.practice import generate_practice

    template = load_case(EXAMPLE)
    steps = [s for s in STEPS if s in args.steps]
    rows: dict[int, dict[str, dict[str, float]]] = {}
    old: dict[int, dict[str, dict[str, float]]] = {}
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
            rows[n], old[n] = {}, {}
            for step in steps:
                src = files["yaml"] if step == "load YAML" else files["json"]
                runs = [("new", rows[n], None)]
                if args.baseline:
                    runs.append(("old", old[n], args.baseline))
                for tag, into, code in runs:
                    into[step] = measure(step, src, Path(tmp) / "out.json", code)
                    r = into[step]
                    print(
                        f"{n:>7,} clients  {step:<9} {tag}  {r['seconds']:8.2f} s  "
                        f"{_mib(r['peak'])}",
                        file=sys.stderr,
                        flush=True,
                    )
    lines = [
        "# Scale benchmark",
        "",
        "Command: `python benchmarks/bench_scale.py --sizes "
        + " ".join(str(n) for n in args.sizes)
        + ("" if steps == list(STEPS) else " --steps " + " ".join(steps))
        + (f" --baseline {args.baseline}" if args.baseline else "")
        + f"` (2 shared cores, load average {os.getloadavg()[0]:.1f} at the end). "
        "Generated practices (copies of the example's clients, seed "
        f"{args.seed}); each figure is one fresh process: wall-clock time and "
        "peak resident memory.",
        "",
        "| clients | " + " | ".join(steps) + " |",
        "|---|" + "---|" * len(steps),
    ]
    for n, r in rows.items():
        cells = [f"{r[s]['seconds']:.2f} s, {_mib(r[s]['peak'])}" for s in steps]
        lines.append(f"| {n:,} | " + " | ".join(cells) + " |")
    if args.baseline:
        lines += [
            "",
            f"The same steps with the code in `{args.baseline}`, each run right "
            "after the new code's (ratio: old time / new time):",
            "",
            "| clients | " + " | ".join(steps) + " |",
            "|---|" + "---|" * len(steps),
        ]
        for n, r in old.items():
            cells = [
                f"{r[s]['seconds']:.2f} s, {_mib(r[s]['peak'])} "
                f"({r[s]['seconds'] / rows[n][s]['seconds']:.1f}x)"
                for s in steps
            ]
            lines.append(f"| {n:,} | " + " | ".join(cells) + " |")
    sizes = list(rows)
    if len(sizes) > 1:
        lines += ["", "Growth (time at the larger size / time at the smaller):", ""]
        for a, b in itertools.pairwise(sizes):
            ratios = ", ".join(
                f"{s} {rows[b][s]['seconds'] / rows[a][s]['seconds']:.1f}x"
                for s in steps
            )
            lines.append(f"- {a:,} -> {b:,} clients ({b / a:g}x): {ratios}")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        OUT.write_text(text)
        print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
