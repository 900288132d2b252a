"""A refactoring's cost: the object path and the planner, this tree against an old one.

Measures, in separate interpreters run alternately (old, new, old, new, ...)
so both see the same machine load, the best per-call time of

* ``assess`` on the client and the professional case of
  ``benchmarks/bench_assess.py`` (all five assessors);
* the planner on a 600-mitigation problem of ``benchmarks/bench_planner.py``:
  a heuristic budget plan, an 8-point frontier and a tolerance plan;

and prints new / old ratios of the best times (the minimum is the figure least
moved by other jobs). The old tree comes from git; its plugins are put first on
``sys.path`` so that old core and old plugins run together::

    git archive <commit> src plugins | tar -x -C /tmp/old
    /work/venv/bin/python benchmarks/bench_against.py --old /tmp/old [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

_MEASURE = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import bench_assess as ba
import bench_planner as bp
from riskcore.assess import assess
from riskcore.planner import pareto_frontier, solve
from riskcore.plugins import PluginManager

def best(fn, reps, inner=1):
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        out.append((time.perf_counter() - t) / inner)
    return min(out)

res = {}
pm = PluginManager(allow=ba.ASSESSORS)
for label, (case, _) in ba.build_cases().items():
    assess(case, pm=pm)
    res[f"assess, {label} case (us)"] = best(lambda: assess(case, pm=pm), 30, 25) * 1e6
p = bp.make_problem(n=600, t=150, seed=bp.SEED)
total = sum(m.cost for m in p.mitigations)
solve(p, budget=total * 0.1, method="heuristic")
res["planner, heuristic budget plan (ms)"] = best(
    lambda: solve(p, budget=total * 0.1, method="heuristic"), 5) * 1e3
res["planner, 8-point frontier (ms)"] = best(
    lambda: pareto_frontier(p, points=8, method="heuristic"), 3) * 1e3
res["planner, tolerance plan (ms)"] = best(
    lambda: solve(p, tolerance=0.5, method="heuristic"), 3) * 1e3
print(json.dumps(res))
"""


def _run(pythonpath: list[Path]) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, pythonpath)))
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(HERE)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="an old tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    old = [args.old / "src", *sorted(args.old.glob("plugins/*/src"))]
    new = [ROOT / "src", *sorted(ROOT.glob("plugins/*/src"))]
    best: dict[str, dict[str, float]] = {"old": {}, "new": {}}
    for _ in range(args.rounds):
        for label, path in (("old", old), ("new", new)):
            for k, v in _run(path).items():
                best[label][k] = min(v, best[label].get(k, v))
    lines = [
        "| measure | old | new | new / old |",
        "|---|---:|---:|---:|",
        *(
            f"| {k} | {best['old'][k]:.1f} | {best['new'][k]:.1f} | "
            f"{best['new'][k] / best['old'][k]:.2f} |"
            for k in best["new"]
        ),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
