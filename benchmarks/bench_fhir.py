"""FHIR import: 100,000 QuestionnaireResponses (NDJSON) into responses.

riskcore's importer (:func:`riskcore.interop.iter_fhir`: parse each line,
match the instrument and items, check answer types, build an
``InstrumentResponse``) against validating the same lines with the
``fhir.resources`` (R4, 6.4) ``QuestionnaireResponse`` model, which does no
mapping at all. Both read the same file, line by line, in the same run; the
ratio is what the issue asks for (at least 5×).

Memory: the importer streams. Its peak traced allocation (tracemalloc, results
not kept) is measured on a file of N/10 lines and one of N lines: the two peaks
should be about equal, independent of file size beyond one line.

Run on demand, not in the test-suite::

    python benchmarks/bench_fhir.py              # 100,000 responses; prints and writes
    python benchmarks/bench_fhir.py --n 20000 --no-write
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "fhir.md"


def write_ndjson(path: Path, n: int, seed: int = 1) -> None:
    """*n* PHQ-9 QuestionnaireResponses, one per line (pseudonymous subjects)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            qr = {
                "resourceType": "QuestionnaireResponse",
                "id": f"qr-{i}",
                "status": "completed",
                "questionnaire": "http://loinc.org/q/44249-1",
                "subject": {"reference": f"Patient/{i % 5000}"},
                "authored": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T09:30:00Z",
                "item": [
                    {"linkId": str(k), "answer": [{"valueInteger": rng.randint(0, 3)}]}
                    for k in range(1, 10)
                ],
            }
            fh.write(json.dumps(qr, separators=(",", ":")) + "\n")


def run_riskcore(path: Path) -> int:
    from riskcore.interop import FhirReader, iter_fhir
    from riskcore.model import InstrumentResponse

    reader = FhirReader(key=b"bench")
    return sum(
        isinstance(x, InstrumentResponse) for x in iter_fhir(path, reader=reader)
    )


def run_fhir_resources(path: Path) -> int:
    from fhir.resources.questionnaireresponse import QuestionnaireResponse

    n = 0
    with path.open("rb") as fh:
        for line in fh:
            QuestionnaireResponse.parse_raw(line)
            n += 1
    return n


def peak(path: Path) -> int:
    run_riskcore(path)  # warm: plugin discovery, imports
    tracemalloc.start()
    run_riskcore(path)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.ndjson"
        small = Path(tmp) / "small.ndjson"
        write_ndjson(big, args.n)
        write_ndjson(small, args.n // 10)
        run_riskcore(small)  # warm both paths before timing
        run_fhir_resources(small)
        t0 = time.perf_counter()
        got = run_riskcore(big)
        t1 = time.perf_counter()
        validated = run_fhir_resources(big)
        t2 = time.perf_counter()
        assert got == validated == args.n, (got, validated)
        ours, theirs = t1 - t0, t2 - t1
        p_small, p_big = peak(small), peak(big)
        size = big.stat().st_size
    lines = [
        "# FHIR import benchmark",
        "",
        f"Command: `python benchmarks/bench_fhir.py --n {args.n}`; Python "
        f"{platform.python_version()}, one run (ratios only are meaningful on a "
        "shared machine).",
        "",
        f"{args.n:,} PHQ-9 QuestionnaireResponses, NDJSON, {size / 1e6:.1f} MB.",
        "",
        "| path | seconds | per resource | ratio |",
        "|---|---:|---:|---:|",
        f"| riskcore `iter_fhir` (parse, match, check, build responses) | {ours:.2f} | "
        f"{ours / args.n * 1e6:.1f} µs | 1.0 |",
        f"| `fhir.resources` QuestionnaireResponse.parse_raw (validation only) | "
        f"{theirs:.2f} | {theirs / args.n * 1e6:.1f} µs | {theirs / ours:.1f}× slower |",
        "",
        "Streaming: peak traced memory of the importer (results not kept), "
        f"{args.n // 10:,} lines: {p_small / 1024:.0f} KiB; {args.n:,} lines: "
        f"{p_big / 1024:.0f} KiB (ratio {p_big / p_small:.2f}; a file ten times "
        "larger needs no more memory).",
        "",
    ]
    text = "\n".join(lines)
    sys.stdout.write(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
