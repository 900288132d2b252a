"""Loading a large JSON case: ``load_case_file``, this tree against an old one.

Measures, in separate interpreters run alternately (old, new, old, new, ...)
so both see the same machine load, the CPU time (user and system, from
``resource.getrusage``) of :func:`riskcore.interop.load_case_file` on one case,
and the peak memory of the process; prints medians and ranges. CPU time, not
wall time: on a shared machine the wall time says how busy the others are.
The old tree comes from git; its plugins are put on ``sys.path`` too::

    git archive <commit> src plugins | tar -x -C /tmp/old
    /work/venv/bin/python benchmarks/bench_load.py --old /tmp/old \\
        --case /tmp/prof/case-100000.json --max-input-mib 300 [--runs 5]

The case is one that ``benchmarks/bench_scale.py`` writes (a generated
practice); the two trees' cases are compared (``==``) in the first round.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

_MEASURE = r"""
import json, pickle, resource, sys
from riskcore import io
from riskcore.interop import load_case_file
if sys.argv[2] != "-":
    io.MAX_INPUT_BYTES = int(sys.argv[2]) * 1024 * 1024
before = resource.getrusage(resource.RUSAGE_SELF)
case = load_case_file(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF)
if sys.argv[3] != "-":
    with open(sys.argv[3], "wb") as fh:
        pickle.dump(case, fh, protocol=pickle.HIGHEST_PROTOCOL)
print(json.dumps({
    "user": after.ru_utime - before.ru_utime,
    "sys": after.ru_stime - before.ru_stime,
    "peak MiB": after.ru_maxrss / 1024,
}))
"""


def _run(
    pythonpath: list[Path], case: Path, mib: int | None, keep: Path | None
) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, pythonpath)))
    argv = [str(case), str(mib) if mib else "-", str(keep) if keep else "-"]
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    got = dict(json.loads(out.strip().splitlines()[-1]))
    got["cpu"] = got["user"] + got["sys"]
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="an old tree")
    parser.add_argument("--case", type=Path, required=True, help="a JSON case")
    parser.add_argument("--max-input-mib", type=int, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    trees = {
        "old": [args.old / "src", *sorted(args.old.glob("plugins/*/src"))],
        "new": [ROOT / "src", *sorted(ROOT.glob("plugins/*/src"))],
    }
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            for label, path in trees.items():
                keep = Path(tmp, f"{label}.pickle") if i == 0 else None
                runs[label].append(_run(path, args.case, args.max_input_mib, keep))
                print(label, json.dumps(runs[label][-1]), file=sys.stderr)
        # Unpickled by the new tree's classes: equal cases, field by field.
        old_case = pickle.loads(Path(tmp, "old.pickle").read_bytes())
        same = old_case == pickle.loads(Path(tmp, "new.pickle").read_bytes())
    print(f"load_case_file({args.case.name}), {args.runs} runs each, alternated")
    print("| figure | old: median (range) | new: median (range) |")
    print("|---|---|---|")
    for key in ("cpu", "user", "sys", "peak MiB"):
        cells = []
        for label in ("old", "new"):
            xs = [r[key] for r in runs[label]]
            cells.append(f"{statistics.median(xs):.2f} ({min(xs):.2f} – {max(xs):.2f})")
        print(f"| {key} | {cells[0]} | {cells[1]} |")
    print(f"the two cases equal: {same}")


if __name__ == "__main__":
    main()
