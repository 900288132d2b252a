"""Start-up cost: `import riskcore` against the stack it is built on.

Each command runs in a fresh process, round-robin, 2 rounds of 15 repeats; the
medians of the second round are reported with min and max. The baseline (attrs,
cattrs, pluggy, networkx: the "core stack" of perf-anchors.md §6) is measured in
the same run, so the ratio is the figure to read.

    python benchmarks/bench_import.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": "pass",
    "core stack (attrs, cattrs, pluggy, networkx)": "import attrs, cattrs, pluggy, networkx",
    "import riskcore": "import riskcore",
    "import riskcore.cli": "import riskcore.cli",
}


def timed(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    results: dict[str, list[float]] = {}
    for _ in range(2):  # the first round warms the .pyc caches
        results = {name: [] for name in COMMANDS}
        for _ in range(15):
            for name, code in COMMANDS.items():
                results[name].append(timed(code))
    print("| command | median | min – max |")
    print("|---|---|---|")
    for name, xs in results.items():
        print(
            f"| {name} | {statistics.median(xs) * 1e3:.0f} ms "
            f"| {min(xs) * 1e3:.0f} – {max(xs) * 1e3:.0f} ms |"
        )
    core = statistics.median(results["core stack (attrs, cattrs, pluggy, networkx)"])
    ours = statistics.median(results["import riskcore"])
    print(
        f"\nimport riskcore / core stack: {ours / core:.2f}x (suggested goal <= 1.2x)"
    )


if __name__ == "__main__":
    main()
