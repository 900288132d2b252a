"""The planner alone on a generated practice: this tree against an old one (issue #16).

The practice (:func:`riskcore.testing.practice.generate_practice`, *--clients*
copies of the example's clients) is assessed, its risks identified and its
responses armed once, in this process; the planner's inputs are pickled. Each
measurement is then a fresh interpreter that loads them, imports scipy, and
times ``riskcore.planner.plan`` with the case's budget and an 8-point frontier
(what ``riskcore plan`` asks): wall-clock and CPU seconds, and a digest of the
result (``riskcore.dumps``). Old and new run alternately, so both see the same
machine load; the ratio of CPU medians is the figure to read, and the digests
must be equal (the same plan, byte for byte; from 2,048 risks the frontier
points' ``gap``, a solver bound no report shows, may differ in its last
digits, so a second digest leaves it out)::

    git archive main src plugins | tar -x -C /tmp/old
    python benchmarks/bench_planner_scale.py --old /tmp/old --clients 3000 \\
        [--rounds 3] [--write benchmarks/results/planner-scale.md]
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

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import hashlib, json, pickle, sys, time
import scipy.optimize  # noqa: F401  (imported before the clock starts)
import riskcore
from riskcore.planner import plan
inherent, catalog, kw = pickle.load(open(sys.argv[1], "rb"))
t, c = time.perf_counter(), time.process_time()
r = plan(inherent, catalog, **kw)
wall, cpu = time.perf_counter() - t, time.process_time() - c
text = riskcore.dumps(r)
doc = json.loads(text)
for point in doc.get("frontier", ()):
    point.pop("gap", None)  # the solver's bound at each point: not in any report
print(json.dumps({"wall": wall, "cpu": cpu, "method": r.method,
    "digest": hashlib.sha256(text.encode()).hexdigest()[:16],
    "figures": hashlib.sha256(json.dumps(doc).encode()).hexdigest()[:16]}))
"""


def prepare(clients: int, path: Path) -> int:
    """Pickle the planner's inputs for a practice of *clients*; returns its risks."""
    from riskcore import assess, default_catalog, load_case
    from riskcore.identify import identify
    from riskcore.plugins import get_plugin_manager
    from riskcore.responses import arm, most_urgent_first, required_responses
    from riskcore.testing.practice import generate_practice

    case = generate_practice(
        load_case(ROOT / "examples" / "longmont-practice.yaml"), clients, seed=1
    )
    pm = get_plugin_manager()
    assessment = assess(case, pm=pm)
    catalog = default_catalog(pm)
    inherent = identify(assessment, catalog, case, pm=pm)
    levels = {(r.threat, r.subject): r.level for r in inherent.risks}
    order = [lv.name for lv in inherent.matrix.levels]
    triggered = arm(catalog, assessment, case, levels=levels, order=order)
    armed = most_urgent_first(
        (*triggered, *required_responses(inherent, catalog, triggered)), catalog
    )
    kw: dict[str, object] = {"frontier": 8, "armed": armed}
    if case.budget is None:
        kw["tolerance"] = True
    else:
        kw["budget"] = case.budget
    with path.open("wb") as f:
        pickle.dump((inherent, catalog, kw), f)
    return len(inherent.risks)


def _run(inputs: Path, old: Path | None) -> dict[str, object]:
    env = dict(os.environ)
    if old is not None:
        paths = [old / "src", *sorted((old / "plugins").glob("*/src"))]
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths)
    else:
        env.pop("PYTHONPATH", None)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(inputs)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=Path, required=True, help="an old tree")
    ap.add_argument("--clients", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--write", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "inputs.pickle"
        n_risks = prepare(args.clients, inputs)
        runs: dict[str, list[dict[str, object]]] = {"old": [], "new": []}
        for _ in range(args.rounds):
            runs["old"].append(_run(inputs, args.old))
            runs["new"].append(_run(inputs, None))
    med = {
        k: {f: statistics.median(float(str(r[f])) for r in v) for f in ("wall", "cpu")}
        for k, v in runs.items()
    }
    digests = {str(r["digest"]) for v in runs.values() for r in v}
    figures = {str(r["figures"]) for v in runs.values() for r in v}
    lines = [
        "# The planner on a generated practice, old against new (issue #16)",
        "",
        f"Command: `python benchmarks/bench_planner_scale.py --old {args.old} "
        f"--clients {args.clients} --rounds {args.rounds}`",
        "",
        f"{args.clients:,} clients, {n_risks:,} risks; `riskcore.planner.plan` with "
        "the case's budget and an 8-point frontier; old and new alternated, "
        "medians of the rounds.",
        "",
        "| tree | wall (s) | CPU (s) | method |",
        "|---|---:|---:|---|",
    ]
    for k in ("old", "new"):
        lines.append(
            f"| {k} | {med[k]['wall']:.2f} | {med[k]['cpu']:.2f} | {runs[k][0]['method']} |"
        )
    lines += [
        "",
        f"- new / old, CPU: {med['new']['cpu'] / med['old']['cpu']:.2f}x; "
        f"wall: {med['new']['wall'] / med['old']['wall']:.2f}x",
        f"- results byte-identical: {'yes' if len(digests) == 1 else 'NO'} "
        f"({', '.join(sorted(digests))})",
        f"- the same, without the frontier points' `gap` (the solver's bound in "
        f"the last digits; no report shows it): {'yes' if len(figures) == 1 else 'NO'} "
        f"({', '.join(sorted(figures))})",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        args.write.write_text(text)


if __name__ == "__main__":
    main()
