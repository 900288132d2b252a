"""The built-in plugins' scoring at scale: each plugin's ``riskcore_assess``
over every subject of a case, this tree against an old one (issue #16).

``riskcore.assess(case)`` calls every plugin once per subject, in the plugin
manager's worker thread, with a read-only view of the case. This script
measures those calls alone: it loads a case file, makes the view and its index
(:func:`riskcore.plugins.readonly_case`, then one lookup), and takes the CPU
time (``time.process_time``) of each plugin's ``riskcore_assess`` called on
every subject, three times; the median per plugin and the median of the sums
are printed. Each tree runs in its own interpreter, old and new alternated,
so both see the same machine load::

    git archive <commit> src plugins examples | tar -x -C /tmp/old
    /work/venv/bin/python benchmarks/bench_plugin_scoring.py --old /tmp/old \\
        --case /tmp/prof/case-100000.json [--rounds 3] [--max-input-mib 300]

Each interpreter also prints a digest of every plugin's results (the scores'
fields, in order), which must be the same for both trees.
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
import gc, hashlib, json, statistics, sys, time
import attrs
from riskcore import io
io.MAX_INPUT_BYTES = int(sys.argv[2]) * 1024 * 1024
from riskcore.interop import load_case_file
from riskcore.model import Score
from riskcore.plugins import get_plugin_manager, readonly_case

gc.disable()  # as assess leaves it (riskcore.io.collector_paused)
case = load_case_file(sys.argv[1])
view = readonly_case(case)
view.history(case.practice.id)  # the index, built once
subjects = view.subjects()
names = [a.name for a in attrs.fields(Score)]
times, digests = {}, {}
for name, function, argnames, *_ in get_plugin_manager()._plan("riskcore_assess"):
    if tuple(argnames) != ("subject", "case"):
        continue
    runs = []
    for _ in range(3):
        t = time.process_time()
        got = [function(s, view) for s in subjects]
        runs.append(time.process_time() - t)
    times[name] = runs
    h = hashlib.sha256()
    for result in got:
        for s in result or ():
            h.update(repr([getattr(s, n) for n in names]).encode())
    digests[name] = h.hexdigest()[:12]
    del got
totals = [sum(r[i] for r in times.values()) for i in range(3)]
print(json.dumps({"total": statistics.median(totals),
                  "plugins": {k: statistics.median(v) for k, v in times.items()},
                  "digests": digests}))
"""


def _paths(tree: Path) -> str:
    plugins = sorted(str(p) for p in (tree / "plugins").glob("*/src"))
    extra = sorted(str(p) for p in (tree / "examples").glob("*/src"))
    return os.pathsep.join([str(tree / "src"), *plugins, *extra])


def _run(tree: Path, case: str, mib: int) -> dict[str, object]:
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
            plugins = got["plugins"]
            assert isinstance(plugins, dict)
            each = ", ".join(f"{k} {v:.2f}" for k, v in plugins.items())
            print(
                f"round {i + 1} {label}: {got['total']:.2f} s ({each}); "
                f"digests {got['digests']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
