"""The assess stage's own work at scale, the plugins' calls replayed: this tree
against an old one (issue #16).

``riskcore.assess(case)`` is the plugins' calls (in the manager's worker) and
the main thread's work around them: the read-only arguments of each call, the
checks of every result, the instruments scored per subject, the responses no
plugin scored. This script measures the second part alone. It loads a case
file, runs ``assess`` once with the real plugins, then replays their results
(``PluginManager.run_guarded`` answers from a memory of that first run) and
takes the CPU time (``time.process_time``) of five more ``assess`` calls; the
median, minimum and maximum are printed, then the CPU time of the first read
of ``Assessment.complete``. Each tree runs in its own interpreter, old and new
alternated, so both see the same machine load::

    git archive <commit> src plugins | tar -x -C /tmp/old
    /work/venv/bin/python benchmarks/bench_assess_checks.py --old /tmp/old \\
        --case /tmp/prof/case-100000.json [--rounds 3] [--max-input-mib 300]

The replayed assessments are checked equal to the first one (scores and
failures), so a change that alters the result fails here too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_MEASURE = r"""
import gc, json, statistics, sys, time
from riskcore import io
io.MAX_INPUT_BYTES = int(sys.argv[2]) * 1024 * 1024
import riskcore
from riskcore.interop import load_case_file
from riskcore.plugins import get_plugin_manager

case = load_case_file(sys.argv[1])
pm = get_plugin_manager()
real = pm.run_guarded
memory = {}

def replayed(hook, batches):
    batches = list(batches)
    if hook not in memory:
        memory[hook] = real(hook, batches)
    return memory[hook]

pm.run_guarded = replayed
first = riskcore.assess(case, pm=pm)
times = []
for _ in range(5):
    gc.disable()  # as assess leaves it: the replays' garbage is acyclic
    t = time.process_time()
    a = riskcore.assess(case, pm=pm)
    times.append(time.process_time() - t)
    assert a.scores == first.scores and a.failures == first.failures
t = time.process_time()
a.complete
complete = time.process_time() - t
print(json.dumps({"median": statistics.median(times), "min": min(times),
                  "max": max(times), "complete": complete}))
"""


def _paths(tree: Path) -> str:
    plugins = sorted(str(p) for p in (tree / "plugins").glob("*/src"))
    return os.pathsep.join([str(tree / "src"), *plugins])


def _run(tree: Path, case: str, mib: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": _paths(tree)}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, case, str(mib)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=Path, required=True, help="an old tree (git archive)")
    ap.add_argument("--case", required=True, help="a case file")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--max-input-mib", type=int, default=300)
    args = ap.parse_args()
    for i in range(args.rounds):
        for label, tree in (("old", args.old), ("new", ROOT)):
            got = _run(tree, args.case, args.max_input_mib)
            print(
                f"round {i + 1} {label}: median {got['median']:.3f} s "
                f"(min {got['min']:.3f}, max {got['max']:.3f}); "
                f"first Assessment.complete {got['complete']:.3f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
