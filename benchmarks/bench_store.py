"""The practice register (riskcore.store) on SQLite: recording and querying.

1. Recording the example practice's run (``Store.record``: rows built from the
   report, hashed, chained, one locked transaction) against writing the same
   rows with hand-written ``sqlite3.executemany`` in one transaction, on a file
   with the same settings (WAL, synchronous NORMAL). Goal: <= 2x.
2. A register of 1,000 subjects x 5 years of monthly check-ins (60 runs, 5
   instruments each: 300,000 responses and 300,000 scores, 180,000 risks):
   ``Store.due`` and ``Store.history`` with the shipped indexes. Goal: each
   under 100 ms. The SQLite query plans of both are shown.

Medians of repeated runs, measured in one run of this script:

    python benchmarks/bench_store.py [--subjects 1000] [--months 60]
        [--clock wall|cpu] [--record-only]

(``--clock cpu`` times section 1 by this process's CPU time: on a loaded shared
machine, wall times spread by several times and the ratios with them.)

and the Markdown it prints is ``benchmarks/results/store.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

import riskcore
from riskcore.plugins import get_plugin_manager
from riskcore.store import chain, open_store
from riskcore.store import schema as db
from riskcore.store.rows import reliabilities, run_rows

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"
INSTRUMENTS = ("phq9", "gad7", "pcl5", "cssrs-screener", "wemwbs")
THREATS = ("client-self-harm", "emotional-outburst", "cultural-rupture")


CLOCK = [time.perf_counter]
"""What a single run is timed with: wall time, or ``--clock cpu``, this process's
CPU time (``time.process_time``), which other processes' load on a shared
machine does not lengthen."""


def median_ms(fn: Any, repeat: int) -> tuple[float, float, float]:
    xs = []
    for _ in range(repeat):
        t = CLOCK[0]()
        fn()
        xs.append((CLOCK[0]() - t) * 1e3)
    return statistics.median(xs), min(xs), max(xs)


def bench_record(folder: Path, repeat: int) -> tuple[str, float]:
    case = riskcore.load_case(EXAMPLE)
    report = riskcore.build_plan(case, n=0, seed=1)
    pm = get_plugin_manager()
    store = open_store(str(folder / "record.db"))
    raw_path = folder / "raw.db"
    open_store(str(raw_path)).close()  # the same schema, migrated
    assessed_on = case.assessed_on or report.generated
    rel = reliabilities(pm)

    def built() -> dict[Any, list[dict[str, Any]]]:
        """The rows of the run with their row hashes, as Store.record writes them."""
        out = run_rows(report, rel, assessed_on, identifying=False)
        for table, items in out.items():
            for row in items:
                row["record"] = 0
            for row, h in zip(items, chain.row_hashes(table.name, items), strict=True):
                row["row_hash"] = h
        return out

    rows = built()
    con = sqlite3.connect(raw_path, isolation_level=None)
    con.execute("PRAGMA synchronous = NORMAL")
    seq = [0]

    def raw(rows: dict[Any, list[dict[str, Any]]] = rows) -> None:
        seq[0] += 1
        con.execute("BEGIN IMMEDIATE")
        digest = hashlib.sha256(f"d{seq[0]}".encode()).hexdigest()
        con.execute(
            "INSERT INTO ledger (seq, kind, recorded_at, corrects, counts, digest, prev_hash, hash) "
            "VALUES (?, 'run', ?, NULL, ?, ?, ?, ?)",
            (
                seq[0],
                dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
                json.dumps({t.name: len(v) for t, v in rows.items() if v}),
                digest,
                hashlib.sha256(f"p{seq[0]}".encode()).hexdigest(),
                hashlib.sha256(f"h{seq[0]}".encode()).hexdigest(),
            ),
        )
        for table, items in rows.items():
            if not items:
                continue
            cols = [c for c in items[0] if c not in ("record", "row_hash")]
            sql = (
                f"INSERT INTO {table.name} (record, row_hash, {', '.join(cols)}) "
                f"VALUES (?, ?, {', '.join('?' for _ in cols)})"
            )
            con.executemany(
                sql,
                [
                    (
                        seq[0],
                        r["row_hash"],
                        *(
                            v.isoformat() if isinstance(v, dt.date) else v
                            for v in (r[c] for c in cols)
                        ),
                    )
                    for r in items
                ],
            )
        con.execute("COMMIT")

    def raw_built() -> None:
        raw(built())

    n_rows = sum(len(v) for v in rows.values())
    base_xs: list[float] = []
    built_xs: list[float] = []
    ours_xs: list[float] = []
    for _ in range(repeat):  # interleaved, so the machine's load hits all alike
        base_xs.append(median_ms(raw, 1)[0])
        built_xs.append(median_ms(raw_built, 1)[0])
        ours_xs.append(median_ms(lambda: store.record(report, pm=pm), 1)[0])
    base = statistics.median(base_xs), min(base_xs), max(base_xs)
    both = statistics.median(built_xs), min(built_xs), max(built_xs)
    ours = statistics.median(ours_xs), min(ours_xs), max(ours_xs)
    store.close()
    con.close()
    ratio = ours[0] / base[0]
    ratio_built = ours[0] / both[0]
    lines = [
        "## 1. Recording the example practice's run",
        "",
        f"{n_rows} rows (subjects, responses, scores, risks, armed responses, duties, run) per record; "
        f"median of {repeat} records each, the three writers interleaved.",
        "",
        "| writer | median | min – max |",
        "|---|---|---|",
        f"| hand-written `sqlite3.executemany` of the prepared rows (hashes included), one transaction | {base[0]:.1f} ms | {base[1]:.1f} – {base[2]:.1f} ms |",
        f"| the same, building the rows from the report and hashing them first (riskcore's row builders and `chain.row_hashes`) | {both[0]:.1f} ms | {both[1]:.1f} – {both[2]:.1f} ms |",
        f"| `Store.record` (build, hash, deterioration check, chain, one locked transaction) | {ours[0]:.1f} ms | {ours[1]:.1f} – {ours[2]:.1f} ms |",
        "",
        f"**Store.record / executemany of prepared rows: {ratio:.2f}x** (the issue's goal: <= 2x).",
        "",
        f"Store.record / (build + hash + executemany): {ratio_built:.2f}x.",
        "",
        f"Ratios of the fastest of each (less sensitive to the load of a shared machine): "
        f"{ours[1] / base[1]:.2f}x and {ours[1] / both[1]:.2f}x.",
        "",
    ]
    return "\n".join(lines), ratio


def build_big(path: Path, subjects: int, months: int) -> Any:
    rng = random.Random(17)
    store = open_store(str(path), today=dt.date(2031, 1, 1))
    matrix = json.dumps(
        {"name": "default-5x5", "levels": ["low", "medium", "high", "very-high"],
         "impact_bands": ["negligible", "minor", "moderate", "major", "catastrophic"],
         "critical_review_days": 7, "horizon_days": 365},
        sort_keys=True, separators=(",", ":"),
    )  # fmt: skip
    start = dt.date(2026, 1, 5)
    levels = ["low", "medium", "high", "very-high"]
    for m in range(months):
        day = start + dt.timedelta(days=30 * m)

        def rows(conn: sa.Connection, day: dt.date = day) -> Any:
            ids = [f"c-{i:04d}" for i in range(subjects)]
            out: dict[sa.Table, list[dict[str, Any]]] = {
                db.runs: [{
                    "case_id": "bench", "assessed_on": day, "method_version": "riskcore-calculus/2",
                    "plan_method": "riskcore.planner/bench", "seed": 0, "riskcore_version": "bench",
                    "complete": True, "matrix": matrix, "plan": "{}",
                }],
                db.subjects: [{"subject": s, "kind": "client", "clinician": None} for s in ids],
                db.responses: [], db.scores: [], db.risks: [],
            }  # fmt: skip
            for s in ids:
                for inst in INSTRUMENTS:
                    out[db.responses].append(
                        {
                            "subject": s,
                            "instrument": inst,
                            "administered": day,
                            "items": "{}",
                        }
                    )
                    out[db.scores].append({
                        "subject": s, "instrument": inst, "scale": "total",
                        "value": float(rng.randint(0, 27)), "band": None, "administered": day,
                        "flags": "[]", "rel_sd": 5.0, "rel_r": 0.84, "rel_source": "bench",
                        "higher_is_worse": True,
                    })  # fmt: skip
                for threat in THREATS:
                    lv = rng.choice(levels)
                    out[db.risks].append({
                        "risk_id": f"{threat}:{s}", "threat": threat, "subject": s,
                        "inherent_level": lv, "level": lv, "planned_level": lv,
                        "critical": lv == "very-high",
                        "review_days": {"low": 365.0, "medium": 180.0, "high": 30.0, "very-high": 7.0}[lv],
                        "likelihood": 0.1, "impact": 3.0, "factors": "[]",
                    })  # fmt: skip
            return out

        store._append("run", rows)
    return store


def captured(store: Any, call: Any) -> list[tuple[str, Any]]:
    """The SELECT statements *call* sends, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def grab(
        conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any
    ) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", grab)
    call()
    event.remove(store.engine, "before_cursor_execute", grab)
    return seen


def sql_only(path: Path, statements: list[tuple[str, Any]]) -> Any:
    """The same SELECTs through plain sqlite3, fetching every row: the SQL's share."""
    con = sqlite3.connect(path)

    def run() -> None:
        for statement, params in statements:
            con.execute(statement, params).fetchall()

    return run, con


def plans(store: Any, call: Any) -> list[str]:
    seen: list[tuple[str, Any]] = []

    def grab(
        conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any
    ) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", grab)
    call()
    event.remove(store.engine, "before_cursor_execute", grab)
    out = []
    raw = store.engine.raw_connection()
    try:
        for statement, params in seen:
            rows = (
                raw.cursor()
                .execute("EXPLAIN QUERY PLAN " + statement, params)
                .fetchall()
            )
            first = " ".join(statement.split())[:110]
            out.append(f"-- {first}...")
            out.extend(f"   {r[-1]}" for r in rows)
    finally:
        raw.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=1000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="time section 1 by wall clock (default) or by this process's CPU time",
    )
    parser.add_argument(
        "--record-only", action="store_true", help="section 1 only (recording)"
    )
    args = parser.parse_args()
    if args.clock == "cpu":
        CLOCK[0] = time.process_time
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        part1, _ = bench_record(folder, args.repeat)
        if args.record_only:
            print(
                f"# Benchmark: recording a run (riskcore.store, SQLite; {args.clock} clock)"
            )
            print()
            print(part1)
            return
        CLOCK[0] = time.perf_counter
        t = time.perf_counter()
        store = build_big(folder / "big.db", args.subjects, args.months)
        built = time.perf_counter() - t
        with store.engine.connect() as conn:
            counts = {
                tb.name: conn.execute(
                    sa.select(sa.func.count()).select_from(tb)
                ).scalar_one()
                for tb in (db.responses, db.scores, db.risks)
            }
        on = dt.date(2026, 1, 5) + dt.timedelta(days=30 * args.months)
        who = f"c-{args.subjects // 2:04d}"
        store.due(on)  # warm the page cache once, as a practice's second query would be
        due_sql, con1 = sql_only(
            folder / "big.db", captured(store, lambda: store.due(on))
        )
        hist_sql, con2 = sql_only(
            folder / "big.db", captured(store, lambda: store.history(who))
        )
        due_xs: list[float] = []
        hist_xs: list[float] = []
        due_sql_xs: list[float] = []
        hist_sql_xs: list[float] = []
        for _ in range(9):  # interleaved with their SQL alone, so load hits both alike
            due_xs.append(median_ms(lambda: store.due(on), 1)[0])
            due_sql_xs.append(median_ms(due_sql, 1)[0])
            hist_xs.append(median_ms(lambda: store.history(who), 1)[0])
            hist_sql_xs.append(median_ms(hist_sql, 1)[0])
        con1.close()
        con2.close()
        due = statistics.median(due_xs), min(due_xs), max(due_xs)
        history = statistics.median(hist_xs), min(hist_xs), max(hist_xs)
        due_s = statistics.median(due_sql_xs)
        hist_s = statistics.median(hist_sql_xs)
        n_due = len(store.due(on))
        n_hist = len(store.history(who))
        plan_lines = [
            *plans(store, lambda: store.due(on)),
            "",
            *plans(store, lambda: store.history(who)),
        ]
        store.close()
    print("# Benchmark: the practice register (riskcore.store, SQLite)")
    print()
    print(
        "`python benchmarks/bench_store.py` — one run; ratios are the figures to read."
    )
    print()
    print(part1)
    print("## 2. A register of 1,000 subjects × 5 years of monthly check-ins")
    print()
    print(
        f"{args.subjects} subjects × {args.months} months × {len(INSTRUMENTS)} instruments: "
        f"{counts['responses']:,} responses, {counts['scores']:,} scores, {counts['risks']:,} risks "
        f"(built in {built:.0f} s through the store's own append, hashes and chain included)."
    )
    print()
    print(
        "| question | rows returned | median | min – max | its SQL alone (sqlite3, same run) | goal |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| `due(on)` | {n_due} | {due[0]:.1f} ms | {due[1]:.1f} – {due[2]:.1f} ms "
        f"| {due_s:.1f} ms | < 100 ms |"
    )
    print(
        f"| `history(subject)` | {n_hist} | {history[0]:.1f} ms | {history[1]:.1f} – {history[2]:.1f} ms "
        f"| {hist_s:.1f} ms | < 100 ms |"
    )
    print()
    print(
        "### Query plans (SQLite `EXPLAIN QUERY PLAN`, shipped indexes of migration 0002)"
    )
    print()
    print("```text")
    print("\n".join(plan_lines))
    print("```")


if __name__ == "__main__":
    main()
