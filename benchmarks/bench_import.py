"""Start-up cost: `import riskcore` and `riskcore --help` against the stack they are built on.

Each command runs in a fresh process, round-robin, 2 rounds of 15 repeats; the
medians of the second round are reported with min and max. The baselines are
measured in the same run, so the ratios are the figures to read:

* ``import riskcore`` against ``import attrs, cattrs, pluggy`` (goal of issue
  #16: at most 1.5x);
* ``riskcore --help`` (the installed console script) against ``python -c
  pass`` (goal: under 150 ms; the interpreter's own start-up is part of it).

Run::

    python benchmarks/bench_import.py            # prints and writes
    python benchmarks/bench_import.py --no-write
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "results" / "import.md"
STACK = "import attrs, cattrs, pluggy"


def commands() -> dict[str, list[str]]:
    script = shutil.which("riskcore", path=str(Path(sys.executable).parent))
    cli = [script] if script else [sys.executable, "-m", "riskcore"]
    py = sys.executable
    return {
        "python -c pass": [py, "-c", "pass"],
        "attrs + cattrs + pluggy": [py, "-c", STACK],
        "core stack + networkx": [py, "-c", STACK + ", networkx"],
        "import riskcore": [py, "-c", "import riskcore"],
        "import riskcore.cli": [py, "-c", "import riskcore.cli"],
        "riskcore --help": [*cli, "--help"],
        "import riskcore; riskcore.assess (first use)": [
            py,
            "-c",
            "import riskcore; riskcore.assess",
        ],
    }


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    cmds = commands()
    results: dict[str, list[float]] = {}
    for _ in range(2):  # the first round warms the .pyc caches
        results = {name: [] for name in cmds}
        for _ in range(args.repeats):
            for name, cmd in cmds.items():
                results[name].append(timed(cmd))
    med = {k: statistics.median(v) for k, v in results.items()}
    lines = [
        "# Import benchmark",
        "",
        f"Command: `python benchmarks/bench_import.py` (2 shared cores, load average "
        f"{os.getloadavg()[0]:.1f}); medians of {args.repeats} fresh processes, "
        "round-robin, after a warm-up round.",
        "",
        "| command | median | min – max |",
        "|---|---|---|",
    ]
    for name, xs in results.items():
        lines.append(
            f"| {name} | {med[name] * 1e3:.0f} ms "
            f"| {min(xs) * 1e3:.0f} – {max(xs) * 1e3:.0f} ms |"
        )
    ratio = med["import riskcore"] / med["attrs + cattrs + pluggy"]
    help_ms = med["riskcore --help"] * 1e3
    over = (med["riskcore --help"] - med["python -c pass"]) * 1e3
    lines += [
        "",
        f"- `import riskcore` / `import attrs, cattrs, pluggy`: **{ratio:.2f}x** "
        "(goal of issue #16: at most 1.5x).",
        f"- `riskcore --help`: **{help_ms:.0f} ms**, of which {over:.0f} ms over "
        "`python -c pass` (goal: under 150 ms).",
        "- `import riskcore` imports no submodule (PEP 562 lazy names); each public "
        "name imports its module on first use (`tests/test_docs.py` checks that "
        "no numpy, scipy, jinja2, networkx, pandas, yaml or cattrs is loaded).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        OUT.write_text(text)
        print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
