"""The object path: ``riskcore.assess`` with all five assessor plugins, per subject.

Two realistic single-subject cases are built from the Longmont example
(``examples/longmont-practice.yaml``):

* **client**: client ``c-05`` with PHQ-9, GAD-7, C-SSRS screener, aggression
  screen, PCL-5, ACE and CHS, and their clinician ``t-02`` (no instruments of
  their own, needed for the language-fit score);
* **professional**: therapist ``t-02`` with ProQOL 5, CBI, PSS-10, WHO-5 and
  WLEIS.

``assess(case, pm=pm)`` is timed on each with every plugin active and the
manager built once. The whole call is the per-subject figure: it also pays for
the practice subject (and, in the client case, the clinician), which every case
has, so it is an upper bound on the subject's own cost.

The time is broken down by timing each stage in isolation, round-robin in the
same run (so the ratios hold on a shared machine):

* **direct**: every plugin's ``riskcore_assess`` called directly (no manager)
  for every subject; ``assess`` minus direct is the **dispatch and
  bookkeeping** of ``assess`` (calling each plugin with fault isolation,
  checking and stamping scores, the unscored-instrument check, provenance, the
  ``Assessment``); ``call_each`` (the public per-plugin call, with a
  ``HookOutcome`` per call) is timed for reference;
* **engine**: ``spec.to_scores(response, kind)`` for every engine-scored
  response (the fused path: scoring and ``Score`` objects); **engine Score
  objects** builds the same scores with ``Score.fast`` alone, so engine
  minus it is the scoring itself;
* **plugin logic**: direct minus engine (the C-SSRS triage, language fit,
  the scores plugins derive with ``Score.derived``, ordering responses).

Reference rows: the same scores built with the validated ``Score(...)``
constructor, a native pluggy call of the hook (all implementations, one call),
and a validated 6-field frozen attrs instance (the ~3 µs anchor). A second table
attributes a cProfile run (builtins charged to their caller) to pluggy, attrs,
scoring, plugins and ``assess``; profiling inflates small calls, so read it for
shares only.

Run on demand, not in the test-suite::

    /work/venv/bin/python benchmarks/bench_assess.py            # prints and writes
    /work/venv/bin/python benchmarks/bench_assess.py --repeats 5 --no-write
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pluggy

import riskcore
from riskcore import assess
from riskcore.instruments import InstrumentSpec
from riskcore.io import load_case
from riskcore.model import Case, InstrumentResponse, Score, Subject
from riskcore.plugins import PluginManager

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"
OUT = ROOT / "benchmarks" / "results" / "assess.md"
ASSESSORS = ("cultural", "ei", "safety", "trauma", "wellbeing")
CLIENT, CLINICIAN = "c-05", "t-02"
TARGET_US = 60.0
ANCHOR_NOMINAL = 3.0e-6


def build_cases() -> dict[str, tuple[Case, Case]]:
    """The client and the professional case, from the Longmont example.

    Each comes with its *rest*: the same case without the subject and its
    responses (the practice, and for the client their clinician). ``assess`` on
    the case minus ``assess`` on the rest is the per-subject figure.
    """
    full = load_case(EXAMPLE)
    client, pro = full.subject(CLIENT), full.subject(CLINICIAN)

    def answers(subject: str, instrument: str) -> InstrumentResponse:
        return next(
            r
            for r in full.responses
            if r.subject == subject and r.instrument == instrument
        )

    mine = [
        answers(CLIENT, i) for i in ("phq9", "gad7", "cssrs-screener", "pcl5", "chs")
    ]
    # c-05 has no aggression screen or ACE in the example: borrow c-02's screen
    # (one factor, "elevated") and add an ACE with two adverse experiences.
    mine.append(attrs.evolve(answers("c-02", "aggression-screen"), subject=CLIENT))
    mine.append(
        InstrumentResponse(
            instrument="ace",
            subject=CLIENT,
            administered=mine[0].administered,
            items={str(i): int(i in (2, 5)) for i in range(1, 11)},
        )
    )
    staff = [
        answers(CLINICIAN, i) for i in ("proqol5", "cbi", "pss10", "who5", "wleis")
    ]
    return {
        "client": (
            Case(
                id="bench-client",
                practice=full.practice,
                professionals=[pro],
                clients=[client],
                responses=mine,
            ),
            Case(id="bench-client-rest", practice=full.practice, professionals=[pro]),
        ),
        "professional": (
            Case(
                id="bench-professional",
                practice=full.practice,
                professionals=[pro],
                responses=staff,
            ),
            Case(id="bench-professional-rest", practice=full.practice),
        ),
    }


def specs() -> dict[str, InstrumentSpec]:
    out: dict[str, InstrumentSpec] = {}
    for name in ASSESSORS:
        hooks = importlib.import_module(f"riskcore_{name}.hooks")
        for spec in getattr(hooks, "riskcore_instruments", tuple)():
            out[spec.id] = spec
    return out


@attrs.frozen
class _Validated6:
    a: str = attrs.field(validator=attrs.validators.instance_of(str))
    b: int = attrs.field(
        validator=[attrs.validators.instance_of(int), attrs.validators.ge(0)]
    )
    c: float = attrs.field(validator=attrs.validators.instance_of(float))
    d: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    e: str | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(str))
    )
    f: int = attrs.field(validator=attrs.validators.in_(range(10)))


def stages(case: Case, rest: Case, pm: PluginManager) -> dict[str, Callable[[], Any]]:
    subjects: list[Subject] = list(case.subjects())
    fns = [
        importlib.import_module(f"riskcore_{n}.hooks").riskcore_assess
        for n in ASSESSORS
    ]
    by_id = specs()
    engine = [
        (by_id[r.instrument], r, case.subject(r.subject).KIND)
        for r in case.responses
        if r.instrument in by_id
    ]
    result = assess(case, pm=pm)
    assert result.failures == (), result.failures
    assert {s.plugin for s in result.scores} <= set(ASSESSORS)
    kwargs = [
        {f.name: getattr(s, f.name) for f in attrs.fields(Score)} for s in result.scores
    ]
    hook = pm.pluggy.hook.riskcore_assess
    call_each = pm.call_each

    def run_assess() -> object:
        return assess(case, pm=pm)

    def run_rest() -> object:
        return assess(rest, pm=pm)

    def run_call_each() -> object:
        return [
            list(call_each("riskcore_assess", subject=s, case=case)) for s in subjects
        ]

    def run_direct() -> object:
        return [f(s, case) for s in subjects for f in fns]

    engine_scores = [s for spec, r, kind in engine for s in _fused(spec, r, kind)]
    trusted_args = [
        (
            s.subject,
            s.subject_kind,
            s.instrument,
            s.scale,
            s.value,
            s.minimum,
            s.maximum,
            s.band,
            s.flags,
            s.missing_reason,
            s.plugin,
            True,
        )
        for s in engine_scores
    ]
    # Score.fast, the one fast constructor (a tree before issue #19's: the
    # classmethod _trusted, which took every field but ``measured``)
    fast = getattr(Score, "fast", None)
    if fast is None:  # pragma: no cover - an older tree, for A/B runs

        def fast(*a: Any) -> Score:
            return Score._trusted(*a[:-1])  # type: ignore[attr-defined,no-any-return]

    def run_engine() -> object:
        return [_fused(spec, r, kind) for spec, r, kind in engine]

    def run_engine_scores() -> object:
        return [fast(*a) for a in trusted_args]

    def run_validated_scores() -> object:
        return [Score(**kw) for kw in kwargs]

    def run_pluggy() -> object:
        return [hook(subject=s, case=case) for s in subjects]

    def run_attrs_anchor() -> object:
        return _Validated6(a="x", b=1, c=1.0, d=True, e=None, f=3)

    return {
        "assess": run_assess,
        "assess, case without the subject": run_rest,
        "call_each": run_call_each,
        "direct": run_direct,
        "engine (spec.to_scores)": run_engine,
        "engine Score objects (Score.fast)": run_engine_scores,
        "validated Score(...) x n": run_validated_scores,
        "native pluggy hook call": run_pluggy,
        "anchor: validated attrs 6 fields": run_attrs_anchor,
    }


def _fused(spec: InstrumentSpec, r: InstrumentResponse, kind: Any) -> list[Score]:
    """``spec.to_scores`` (or, on a tree from before it existed, its equivalent)."""
    if hasattr(spec, "to_scores"):
        return spec.to_scores(r, kind)
    return spec.score(r).to_scores(kind)  # pragma: no cover - baseline trees


def measure(
    fns: dict[str, Callable[[], Any]], repeats: int, seconds: float
) -> dict[str, list[float]]:
    """Round-robin: every stage once per repeat, auto-ranged, GC left on."""
    numbers: dict[str, int] = {}
    for name, fn in fns.items():
        fn()
        n, t = 1, 0.0
        while True:
            start = time.perf_counter()
            for _ in range(n):
                fn()
            t = time.perf_counter() - start
            if t >= seconds:
                break
            n *= 2
        numbers[name] = n
    out: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            n = numbers[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            out[name].append((time.perf_counter() - start) / n)
    return out


CATEGORIES = (
    ("pluggy / call_each", ("/pluggy/", "riskcore/plugins.py")),
    ("case lookups (responses_for, history)", ("riskcore/model/case.py",)),
    (
        "attrs: construction, validation, evolve",
        ("<attrs generated", "/attr/", "riskcore/model/"),
    ),
    ("engine scoring", ("riskcore/instruments/", "<riskcore fast path")),
    ("plugin logic", ("/plugins/riskcore-",)),
    ("assess bookkeeping", ("riskcore/assess.py",)),
)


def _category(func: tuple[str, int, str]) -> str | None:
    filename, _, name = func
    if name == "to_scores" and filename.endswith("scoring.py"):
        return CATEGORIES[2][0]  # InstrumentResult.to_scores: builds Score objects
    for label, needles in CATEGORIES:
        if any(n in filename for n in needles):
            return label
    return None


def profile_shares(fn: Callable[[], Any], calls: int) -> dict[str, float]:
    """cProfile self time per category; builtins are charged to their callers."""
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        fn()
    prof.disable()
    stats: Any = pstats.Stats(prof).stats
    out: dict[str, float] = {}
    for func, (_, _, tt, _, callers) in stats.items():
        cat = _category(func)
        if cat is not None:
            out[cat] = out.get(cat, 0.0) + tt
            continue
        for caller, (_, _, ctt, _) in callers.items():
            ccat = _category(caller) or "other"
            out[ccat] = out.get(ccat, 0.0) + ctt
    total = sum(out.values())
    return {k: v / total for k, v in sorted(out.items(), key=lambda kv: -kv[1])}


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument(
        "--seconds", type=float, default=0.05, help="per stage per repeat"
    )
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT, help="default: %(default)s")
    args = parser.parse_args()

    # Exactly the five assessors (other installed plugins are not loaded).
    pm = PluginManager(allow=ASSESSORS)
    active = {r.name for r in pm.records() if r.status.value == "active"}
    missing = set(ASSESSORS) - active
    if missing:
        sys.exit(f"assessor plugins not active: {sorted(missing)}")
    impls = sorted(
        i.plugin_name for i in pm.pluggy.hook.riskcore_assess.get_hookimpls()
    )
    assert impls == sorted(ASSESSORS), impls
    cases = build_cases()

    lines = [
        "# Object-path benchmark: `riskcore.assess` per subject",
        "",
        "All five assessor plugins (cultural, ei, safety, trauma, wellbeing) active and "
        "no other (`PluginManager(allow=...)`), built once. Stages are timed in isolation, round-robin in the "
        f"same run: {args.repeats} repeats, each auto-ranged to at least "
        f"{args.seconds:g} s, GC on; median and min – max per call.",
        "",
        "Reproduce with:",
        "",
        "```",
        "/work/venv/bin/python benchmarks/bench_assess.py",
        "```",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} logical cores (shared with "
        f"other jobs), Python {platform.python_version()}, riskcore "
        f"{riskcore.__version__} (from `{Path(riskcore.__file__).parent}`), pluggy "
        f"{pluggy.__version__}, attrs "
        f"{attrs.__version__}. Target: assess ≤ {TARGET_US:g} µs per subject.",
        "",
    ]
    for label, (case, rest) in cases.items():
        fns = stages(case, rest, pm)
        times = measure(fns, args.repeats, args.seconds)
        med = {k: statistics.median(v) for k, v in times.items()}
        n_scores = len(assess(case, pm=pm).scores)
        total = med["assess"]
        # Per subject: the case minus the same case without the subject, paired
        # per repeat (both ran in the same round).
        own = [
            a - b
            for a, b in zip(
                times["assess"], times["assess, case without the subject"], strict=True
            )
        ]
        per_subject = statistics.median(own)
        engine_scoring = (
            med["engine (spec.to_scores)"] - med["engine Score objects (Score.fast)"]
        )
        derived = {
            "dispatch and bookkeeping (assess minus direct calls)": total
            - med["direct"],
            "engine scoring (spec.to_scores minus its Score objects)": engine_scoring,
            "engine Score objects (Score.fast)": med[
                "engine Score objects (Score.fast)"
            ],
            "plugin logic (triage, derived scores, ordering)": med["direct"]
            - med["engine (spec.to_scores)"],
        }
        subject = CLIENT if label == "client" else CLINICIAN
        instruments = ", ".join(r.instrument for r in case.responses)
        verdict = "meets" if per_subject * 1e6 <= TARGET_US else "misses"
        # The anchor is ~3.0 µs on an unloaded machine of this kind (perf
        # anchors, section 2): scale by it to compare runs under different load.
        load = med["anchor: validated attrs 6 fields"] / ANCHOR_NOMINAL
        lines += [
            f"## {label} ({subject}: {instruments})",
            "",
            f"{len(case.subjects())} subjects in the case (practice, "
            + ("clinician, client" if label == "client" else "professional")
            + f"); {n_scores} scores. `assess` {us(total)} median for the whole case; "
            f"**{us(per_subject)} for the subject** ({us(min(own))} – {us(max(own))}; "
            "the case minus the same case without the subject, paired per repeat): "
            f"{verdict} the {TARGET_US:g} µs target. The attrs anchor ran "
            f"{load:.2f}× its nominal {ANCHOR_NOMINAL * 1e6:.1f} µs, so on an "
            f"unloaded machine the subject would take about {us(per_subject / load)}.",
            "",
            "| stage | median | min – max | vs assess |",
            "|---|---|---|---|",
        ]
        for name, v in times.items():
            lines.append(
                f"| {name} | {us(med[name])} | {us(min(v))} – {us(max(v))} | "
                f"{med[name] / total:.2f}× |"
            )
        lines += [
            "",
            "| share of `assess` (from the stage medians) | time | share |",
            "|---|---|---|",
        ]
        for name, t in derived.items():
            lines.append(f"| {name} | {us(t)} | {t / total:.0%} |")
        shares = profile_shares(fns["assess"], 2000)
        lines += [
            "",
            "| share of `assess` (cProfile self time, builtins to caller) | share |",
            "|---|---|",
        ]
        for name, share in shares.items():
            lines.append(f"| {name} | {share:.0%} |")
        lines.append("")

    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
