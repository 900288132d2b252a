"""Writing the output of `riskcore assess` / `riskcore plan` alone (issue #16).

The object is made once: the command runs in a child process with
:func:`riskcore.io.dump` and :func:`riskcore.report.write` replaced by a
pickler (``--make``). Then each measurement is a fresh process (``--child``)
that unpickles it and writes it the way the command does; it reports the CPU
time (user + system, ``resource.getrusage``) of the write only. With
``--baseline DIR`` (``git archive main src plugins examples | tar -x -C
/tmp/old``; ``DIR`` is the old tree's root) the old code writes right after
the new one, *rounds* times, alternated, and the files both write are compared
byte for byte (and with ``--reference FILE``, with that file). The wall time
of each write is reported too: it includes the wait for the disk (the final
``fsync`` before the rename), which CPU time does not see. Run::

    python benchmarks/bench_write.py assess /tmp/prof/case-100000.json \\
        --args=--max-input-mib=300 --baseline /tmp/old
    python benchmarks/bench_write.py plan /tmp/prof/case-10000.json \\
        --args=--trials=0 --args=-q --args=--allow-incomplete --baseline /tmp/old
"""

from __future__ import annotations

import argparse
import filecmp
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _path_for(tree: Path) -> str:
    parts = [tree / "src", *sorted((tree / "plugins").glob("*/src"))]
    return os.pathsep.join(map(str, parts))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _make(pkl: str, argv: list[str]) -> None:
    """Run the command with its writer replaced by a pickler."""
    import riskcore.io
    import riskcore.report
    from riskcore.cli import main

    def grab(obj: object, path: object, **kw: object) -> None:
        with open(pkl, "wb") as fh:
            pickle.dump((obj, kw), fh, protocol=5)

    riskcore.io.dump = grab  # type: ignore[assignment]
    riskcore.report.write = grab  # type: ignore[assignment]
    sys.setrecursionlimit(100_000)
    main(argv)


def _child(command: str, pkl: str, out: str) -> None:
    """Unpickle, write as the command does, print the write's CPU and wall seconds."""
    import gc

    import riskcore.io
    import riskcore.report

    with open(pkl, "rb") as fh:
        obj, kw = pickle.load(fh)
    gc.collect()
    start, wall = _cpu(), time.perf_counter()
    if command == "assess":
        riskcore.io.dump(obj, out, **kw)
    else:
        riskcore.report.write(obj, out, **kw)
    print(f"{_cpu() - start:.3f} {time.perf_counter() - wall:.3f}")


def _run(tree: Path, *args: str) -> list[str]:
    env = dict(os.environ, PYTHONPATH=_path_for(tree))
    done = subprocess.run(
        [sys.executable, __file__, *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.split()


def main() -> None:
    ap = argparse.ArgumentParser(description="The write of assess / plan alone.")
    ap.add_argument("command", choices=["assess", "plan"])
    ap.add_argument("case")
    ap.add_argument("--args", action="append", default=[], help="one CLI argument")
    ap.add_argument("--baseline", type=Path, help="an old tree's root")
    ap.add_argument("--reference", type=Path, help="a file the output must equal")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--child", nargs=3, metavar=("COMMAND", "PICKLE", "OUT"))
    ap.add_argument("--make", nargs=1, metavar="PICKLE")
    ns = ap.parse_args()
    if ns.child:
        _child(*ns.child)
        return
    if ns.make:
        _make(ns.make[0], [ns.command, ns.case, "-o", "unused.json", *ns.args])
        return
    with tempfile.TemporaryDirectory() as tmp:
        pkl = str(Path(tmp) / "object.pickle")
        env = dict(os.environ, PYTHONPATH=_path_for(ROOT))
        subprocess.run(
            [sys.executable, __file__, ns.command, ns.case, "--make", pkl]
            + [f"--args={a}" for a in ns.args],
            env=env,
            check=True,
            capture_output=True,
        )
        trees = {"new": ROOT} | ({"old": ns.baseline} if ns.baseline else {})
        times: dict[str, list[float]] = {name: [] for name in trees}
        walls: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(ns.rounds):
            for name, tree in trees.items():
                out = str(Path(tmp) / f"{name}.json")
                cpu, wall = _run(tree, ns.command, "-", "--child", ns.command, pkl, out)
                times[name].append(float(cpu))
                walls[name].append(float(wall))
        for name, ts in times.items():
            listed = ", ".join(f"{t:.2f}" for t in ts)
            print(f"{name} write: {statistics.median(ts):.2f} s CPU ({listed})")
            listed = ", ".join(f"{t:.2f}" for t in walls[name])
            print(
                f"{name} write: {statistics.median(walls[name]):.2f} s wall ({listed})"
            )
        if ns.baseline:
            same = filecmp.cmp(
                Path(tmp) / "new.json", Path(tmp) / "old.json", shallow=False
            )
            print(f"old and new files identical: {same}")
        if ns.reference:
            same = filecmp.cmp(Path(tmp) / "new.json", ns.reference, shallow=False)
            print(f"new file identical to {ns.reference}: {same}")


if __name__ == "__main__":
    main()
