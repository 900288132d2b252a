"""Building the register: `identify` and `apply_controls` in `plan` (issue #16).

``riskcore plan`` builds the register twice: ``identify`` (every risk, no
control) and, after the planner, ``apply_controls`` with the plan's
mitigations and armed responses. This times both, in process, on a generated
practice (:func:`riskcore.testing.practice.generate_practice`, seed 1): each
child process loads the case, assesses it, plans it once (to get the plan's
controls, as ``build_plan`` does), then runs ``identify`` and
``apply_controls`` *--repeats* times and reports the fastest CPU time
(``time.process_time``) of each, so other processes on the machine count
less than in wall-clock time.

``--baseline DIR`` runs the same child with the code of another source tree
(``git archive main src | tar -x -C /tmp/old``; ``DIR`` is ``/tmp/old/src``,
first on the child's ``PYTHONPATH``), alternating old and new *--rounds*
times, and reports old ÷ new measured in the same run::

    python benchmarks/bench_register.py --clients 3000 --baseline /tmp/old/src
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"
OUT = ROOT / "benchmarks" / "results" / "register.md"


def child(case_path: str, repeats: int) -> None:
    import riskcore
    from riskcore import load_case
    from riskcore.assess import assess
    from riskcore.catalog import default_catalog
    from riskcore.identify import apply_controls, identify
    from riskcore.planner import plan
    from riskcore.responses import arm, most_urgent_first, required_responses

    case = load_case(case_path)
    assessment = assess(case)
    catalog = default_catalog()
    inherent = identify(assessment, catalog, case)
    levels = {(r.threat, r.subject): r.level for r in inherent.risks}
    order = [lv.name for lv in inherent.matrix.levels]
    triggered = arm(catalog, assessment, case, levels=levels, order=order)
    armed = most_urgent_first(
        (*triggered, *required_responses(inherent, catalog, triggered)), catalog
    )
    kwargs: dict[str, object] = {"frontier": 0, "armed": armed}
    if case.budget is None:
        kwargs["tolerance"] = True
    else:
        kwargs["budget"] = case.budget
    selected = plan(inherent, catalog, **kwargs).selected  # type: ignore[arg-type]
    best = {"identify": float("inf"), "apply_controls": float("inf")}
    for _ in range(repeats):
        t0 = time.process_time()
        again = identify(assessment, catalog, case)
        t1 = time.process_time()
        apply_controls(again, catalog, mitigations=selected, responses=armed)
        t2 = time.process_time()
        best["identify"] = min(best["identify"], t1 - t0)
        best["apply_controls"] = min(best["apply_controls"], t2 - t1)
    print(json.dumps({**best, "risks": len(inherent.risks), "code": riskcore.__file__}))


def measure(case: Path, repeats: int, src: str | None) -> dict[str, float]:
    env = None if src is None else {**os.environ, "PYTHONPATH": src}
    got = subprocess.run(
        [sys.executable, __file__, "--child", str(case), str(repeats)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return dict(json.loads(got.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=3_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--baseline", metavar="DIR", help="old code's src folder")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--child", nargs=2, metavar=("CASE", "REPEATS"))
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    from riskcore import load_case
    from riskcore.io import dump
    from riskcore.testing.practice import generate_practice

    runs: dict[str, list[dict[str, float]]] = {"new": [], "old": []}
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case.json"
        dump(generate_practice(load_case(EXAMPLE), args.clients, seed=1), case)
        for _ in range(args.rounds):
            for tag, src in (("old", args.baseline), ("new", None)):
                if tag == "old" and not src:
                    continue
                r = measure(case, args.repeats, src)
                runs[tag].append(r)
                print(
                    f"{tag}: identify {r['identify']:.3f} s, apply_controls "
                    f"{r['apply_controls']:.3f} s ({r['risks']:,} risks)",
                    file=sys.stderr,
                    flush=True,
                )

    def best(tag: str, part: str) -> float:
        return min(r[part] for r in runs[tag])

    parts = ("identify", "apply_controls")
    lines = [
        "# Building the register: identify and apply_controls",
        "",
        f"Command: `python benchmarks/bench_register.py --clients {args.clients} "
        f"--repeats {args.repeats} --rounds {args.rounds}"
        + (f" --baseline {args.baseline}" if args.baseline else "")
        + f"` (2 shared cores, load average {os.getloadavg()[0]:.1f} at the end). "
        f"A generated practice of {args.clients:,} clients "
        f"({runs['new'][0]['risks']:,} risks); the fastest CPU time of each "
        "step over every round, in process.",
        "",
        "| step | new | " + ("old | old ÷ new |" if runs["old"] else ""),
        "|---|---|" + ("---|---|" if runs["old"] else ""),
    ]
    for part in (*parts, "both"):
        new = (
            sum(best("new", p) for p in parts) if part == "both" else best("new", part)
        )
        row = f"| {part} | {new:.3f} s |"
        if runs["old"]:
            old = (
                sum(best("old", p) for p in parts)
                if part == "both"
                else best("old", part)
            )
            row += f" {old:.3f} s | {old / new:.1f}× |"
        lines.append(row)
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
