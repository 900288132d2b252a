"""Report writing in `riskcore plan` on a generated practice (issue #16).

Each measurement is a fresh process (``--child``) that loads a generated
practice (JSON), builds its plan (``build_plan(n=0)``: no Monte Carlo, as
``bench_scale.py``'s ``plan`` step) and writes the report with
:func:`riskcore.report.write`, *repeats* times; it reports the CPU time
(``time.process_time``: steadier than wall-clock time on a shared machine) of
the load, the plan and the fastest write, their sum ("plan in process") and
the process's peak resident memory. ``--format md`` or ``html`` writes that
report instead of the JSON one (results in ``results/report-md.md`` or
``results/report-html.md``).
With ``--baseline DIR`` (``git archive main src plugins | tar -x -C /tmp/old``;
``DIR`` is the old tree's root, whose ``src`` and ``plugins/*/src`` go first on
the child's ``PYTHONPATH``) the old code runs right after the new, *rounds*
times, alternated, and the ratio old / new of the medians is reported. The
files both write are compared byte for byte. Run::

    python benchmarks/bench_report.py --sizes 3000 --baseline /tmp/old
    python benchmarks/bench_report.py --sizes 300 --rounds 1 --no-write
    python benchmarks/bench_report.py --sizes 1000 3000 --format md --baseline /tmp/old
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"
RESULTS = ROOT / "benchmarks" / "results"
PARTS = ("load", "plan", "write", "total")
"""CPU seconds of each part; the child also reports its peak memory."""


def child(case: str, out: str, repeats: int) -> None:
    from riskcore.interop import load_case_file
    from riskcore.report import write
    from riskcore.workflow import build_plan

    start = time.process_time()
    loaded = load_case_file(case)
    loaded_at = time.process_time()
    report = build_plan(loaded, n=0, seed=1)
    planned_at = time.process_time()
    writes = []
    for _ in range(repeats):
        t = time.process_time()
        write(report, out)
        writes.append(time.process_time() - t)
    load, plan, best = loaded_at - start, planned_at - loaded_at, min(writes)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    total = load + plan + best
    print(
        json.dumps(
            {"load": load, "plan": plan, "write": best, "total": total, "peak": peak}
        )
    )


def measure(
    case: Path, out: Path, repeats: int, tree: str | None = None
) -> dict[str, float]:
    env = None
    if tree is not None:
        paths = [str(Path(tree) / "src")]
        paths += sorted(str(p) for p in Path(tree).glob("plugins/*/src"))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    got = subprocess.run(
        [sys.executable, __file__, "--child", str(case), str(out), str(repeats)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return dict(json.loads(got.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[3_000])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=2, help="writes per process")
    ap.add_argument("--baseline", metavar="DIR", help="old code's tree")
    ap.add_argument("--format", choices=("json", "md", "html"), default="json")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--child", nargs=3, metavar=("CASE", "OUT", "REPEATS"))
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    from riskcore import load_case
    from riskcore.io import dump
    from riskcore.testing.practice import generate_practice

    template = load_case(EXAMPLE)
    lines = [
        "# Report writing benchmark",
        "",
        "Command: `python benchmarks/bench_report.py --sizes "
        + " ".join(str(n) for n in args.sizes)
        + f" --rounds {args.rounds} --repeats {args.repeats}"
        + (f" --format {args.format}" if args.format != "json" else "")
        + (f" --baseline {args.baseline}" if args.baseline else "")
        + "`. CPU seconds in one process per figure (median of the rounds; "
        "the write is the fastest of the repeats), new and old alternated.",
        "",
        "| clients | code | " + " | ".join(PARTS) + " | peak memory |",
        "|---|---|" + "---|" * (len(PARTS) + 1),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            case = Path(tmp) / f"case-{n}.json"
            dump(generate_practice(template, n, seed=1), case)
            runs: dict[str, list[dict[str, float]]] = {"new": [], "old": []}
            for _ in range(args.rounds):
                for tag in ("new", "old") if args.baseline else ("new",):
                    tree = args.baseline if tag == "old" else None
                    out = Path(tmp) / f"{tag}.{args.format}"
                    runs[tag].append(measure(case, out, args.repeats, tree))
                    print(n, tag, runs[tag][-1], file=sys.stderr, flush=True)
            med = {
                tag: {p: statistics.median(r[p] for r in rs) for p in (*PARTS, "peak")}
                for tag, rs in runs.items()
                if rs
            }
            for tag, m in med.items():
                cells = [f"{m[p]:.2f} s" for p in PARTS]
                cells.append(f"{m['peak'] / 2**20:,.0f} MiB")
                lines.append(f"| {n:,} | {tag} | " + " | ".join(cells) + " |")
            if "old" in med:
                ratios = [
                    f"{med['old'][p] / med['new'][p]:.2f}x" for p in (*PARTS, "peak")
                ]
                lines.append(f"| {n:,} | old / new | " + " | ".join(ratios) + " |")
                same = filecmp.cmp(
                    Path(tmp) / f"new.{args.format}",
                    Path(tmp) / f"old.{args.format}",
                    shallow=False,
                )
                lines.append(f"| {n:,} | same bytes | {same} |" + " |" * 4)
    lines += ["", f"Load average at the end: {os.getloadavg()[0]:.1f} (2 cores)."]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        out = RESULTS / (
            "report.md" if args.format == "json" else f"report-{args.format}.md"
        )
        out.write_text(text)
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
