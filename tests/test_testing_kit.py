"""riskcore.testing: the conformance kit finds each kind of problem, in words."""

from __future__ import annotations

import importlib
import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import hookimpl
from riskcore.errors import InstrumentError
from riskcore.instruments import Band, InstrumentSpec, uniform_items
from riskcore.model import (
    AssessorInfo,
    Case,
    Catalog,
    Client,
    InstrumentResponse,
    Practice,
    RiskFactor,
    Score,
    SubjectKind,
)
from riskcore.plugins import PluginManager
from riskcore.testing import (
    CHECKS,
    ConformanceError,
    ConformanceReport,
    Finding,
    HookRecorder,
    RegisterPlugin,
    assert_conforms,
    check_assessor,
)
from riskcore.testing import strategies as rs

pytest_plugins = ["riskcore.testing", "pytester"]

ROOT = Path(__file__).resolve().parents[1]

SPEC = InstrumentSpec(
    id="toy-scale",
    name="Toy scale",
    items=uniform_items(3, 0, 2),
    reverse=["3"],
    max_missing=1,
    bands=[Band(label="low", lower=0, upper=3), Band(label="high", lower=3)],
    citation="Toy, A. (2026). A toy scale.",
    licence="MIT",
)


class Good:
    """A conforming assessor: toy-scale for clients, a factor on self-harm."""

    @hookimpl
    def riskcore_assessor_info(self) -> AssessorInfo:
        return AssessorInfo(
            name="toy",
            summary="a toy scale",
            instruments=[SPEC.id],
            threats=["client-self-harm"],
            subject_kinds=[SubjectKind.CLIENT],
        )

    @hookimpl
    def riskcore_instruments(self) -> Any:
        return [SPEC]

    @hookimpl
    def riskcore_assess(self, subject: Any, case: Case) -> Any:
        if subject.KIND is not SubjectKind.CLIENT:
            return None
        return [
            s
            for r in case.responses_for(subject.id)
            if r.instrument == SPEC.id
            for s in SPEC.score(r).to_scores(subject.KIND)
        ]

    @hookimpl
    def riskcore_risk_factors(self, subject: Any, scores: Any) -> Any:
        return [
            RiskFactor(
                threat="client-self-harm",
                subject=subject.id,
                odds_ratio=2.0,
                reason="toy scale high",
                score="toy-scale.total",
            )
            for s in scores
            if s.instrument == SPEC.id and s.band == "high"
        ]


def check(plugin: object, **kw: Any) -> ConformanceReport:
    kw.setdefault("examples", 12)
    return check_assessor(plugin, **kw)


def only(report: ConformanceReport, check: str) -> str:
    """The message of the single finding, which must be of *check*."""
    assert [f.check for f in report.findings] == [check], str(report)
    return report.findings[0].message


# ------------------------------------------------------------------ passing


def test_a_conforming_plugin_passes() -> None:
    report = assert_conforms(Good(), examples=20)
    assert report.ok
    assert report.plugin == "toy"
    assert report.examples == 20
    assert report.instruments == ("toy-scale",)
    assert "conforms (20 generated examples)" in str(report)


def test_installed_plugins_report_their_distribution() -> None:
    import riskcore_wellbeing.hooks

    report = check(riskcore_wellbeing.hooks, examples=3)
    assert report.ok, str(report)
    assert report.distribution == "riskcore-wellbeing"
    assert "(riskcore-wellbeing 0.1.0)" in str(report)


def test_the_lone_working_example_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "examples/riskcore-lone-working/src"))
    for mod in [m for m in sys.modules if m.startswith("riskcore_lone_working")]:
        monkeypatch.delitem(sys.modules, mod)
    hooks = importlib.import_module("riskcore_lone_working.hooks")
    assert_conforms(hooks, name="lone-working", examples=20)


def test_rule_based_instruments_are_noted_not_generated() -> None:
    class RuleBased(Good):
        @hookimpl
        def riskcore_assessor_info(self) -> AssessorInfo:
            return attrs.evolve(
                super().riskcore_assessor_info(), instruments=[SPEC.id, "rules"]
            )

    report = check(RuleBased(), rule_based={"rules": "Rule, B. (2020); MIT"})
    assert report.ok, str(report)
    assert "'rules' is rule-based" in str(report)
    empty = check(RuleBased(), rule_based={"rules": " "})
    assert "rule_based['rules'] is empty" in only(empty, "instruments")


# ------------------------------------------------------------------ hookimpls


def test_undecorated_hook_is_found() -> None:
    class Undecorated(Good):
        def riskcore_risk_factors(self, subject: Any, scores: Any) -> Any:
            return None

    msg = only(check(Undecorated()), "hookimpls")
    assert msg == (
        "riskcore_risk_factors is not decorated with @riskcore.hookimpl, so riskcore "
        "never calls it: add the decorator"
    )


def test_bad_arguments_stop_the_check() -> None:
    class BadArgs(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, patient: Any) -> Any:
            return None

    report = check(BadArgs())
    assert "patient" in only(report, "hookimpls")
    assert report.info is None


def test_wrappers_and_missing_assess_are_found() -> None:
    class Wrapper:
        @hookimpl
        def riskcore_assessor_info(self) -> AssessorInfo:
            return Good().riskcore_assessor_info()

        @hookimpl(wrapper=True)
        def riskcore_risk_factors(self) -> Iterator[Any]:
            return (yield)

    report = check(Wrapper())
    msgs = [f.message for f in report.by_check("hookimpls")]
    assert any("is a hook wrapper" in m for m in msgs)
    assert any("does not implement riskcore_assess" in m for m in msgs)


# ------------------------------------------------------------------ metadata


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        (None, "riskcore_assessor_info is not implemented"),
        ("raise", "riskcore_assessor_info raised RuntimeError (boom)"),
        ("text", "riskcore_assessor_info returned a str: return a"),
    ],
)
def test_assessor_info_must_be_an_assessor_info(info: Any, expected: str) -> None:
    class Bad(Good):
        pass

    if info is None:
        Bad.riskcore_assessor_info = None  # type: ignore[assignment,method-assign]
    else:

        def describe(self: Any) -> Any:
            if info == "raise":
                raise RuntimeError("boom")
            return "toy"

        Bad.riskcore_assessor_info = hookimpl(describe)  # type: ignore[method-assign]
    assert expected in only(check(Bad(), name="toy"), "metadata")


def test_incomplete_metadata_is_listed() -> None:
    class Sparse(Good):
        @hookimpl
        def riskcore_assessor_info(self) -> AssessorInfo:
            return AssessorInfo(name="sparse", instruments=[SPEC.id])

    report = check(Sparse(), name="toy")
    msgs = [f.message for f in report.by_check("metadata")]
    assert msgs == [
        "AssessorInfo.name is 'sparse' but the plugin is registered as 'toy': use "
        "your entry-point name, so that your factors can find your scores by "
        "plugin name",
        "AssessorInfo.summary is empty: say in one line what the assessor scores "
        "(it is shown by `riskcore plugins`)",
        "AssessorInfo.subject_kinds is empty: list the SubjectKinds you assess",
        "riskcore_risk_factors is implemented but AssessorInfo.threats is empty: "
        "list every threat id your factors may move",
    ]


def test_unknown_threat_and_broken_catalog() -> None:
    class Unknown(Good):
        @hookimpl
        def riskcore_assessor_info(self) -> AssessorInfo:
            return attrs.evolve(
                super().riskcore_assessor_info(),
                threats=["client-self-harm", "self-harm"],
            )

    msg = only(check(Unknown()), "metadata")
    assert msg.startswith("AssessorInfo.threats names 'self-harm', which is not a")

    class BrokenCatalog(Good):
        @hookimpl
        def riskcore_catalog(self) -> Catalog:
            raise ValueError("bad yaml")

    report = check(BrokenCatalog(), examples=2)
    assert "the catalog could not be built" in report.by_check("metadata")[0].message


# ------------------------------------------------------------------ instruments


def test_instrument_problems_are_listed() -> None:
    bare = InstrumentSpec(id="bare", name="Bare", items=uniform_items(2, 0, 1))

    class BadSpecs(Good):
        @hookimpl
        def riskcore_instruments(self) -> Any:
            return [bare, "not a spec"]

    msgs = [f.message for f in check(BadSpecs()).by_check("instruments")]
    assert msgs == [
        "riskcore_instruments returned a str: return only "
        "riskcore.instruments.InstrumentSpec objects",
        "riskcore_instruments declares 'bare' but AssessorInfo.instruments does "
        "not list it: add 'bare' to instruments=",
        "the InstrumentSpec 'bare' has no citation: cite the primary source "
        "(authors, year, journal, DOI)",
        "the InstrumentSpec 'bare' has no licence note: say what may be shipped "
        "(e.g. 'public domain; item text not bundled')",
        "AssessorInfo.instruments lists 'toy-scale' but riskcore_instruments "
        "declares no InstrumentSpec for it: declare one with its citation and "
        "licence, or, for an instrument scored by rules, pass "
        "rule_based={'toy-scale': '<citation; licence>'} to check_assessor",
    ]


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ("raise", "riskcore_instruments raised KeyError"),
        (
            5,
            "riskcore_instruments returned int, expected an iterable of "
            "InstrumentSpec: return a list of InstrumentSpec",
        ),
    ],
)
def test_instruments_hook_must_return_specs(result: Any, expected: str) -> None:
    class Bad(Good):
        @hookimpl
        def riskcore_instruments(self) -> Any:
            if result == "raise":
                raise KeyError("x")
            return result

    report = check(Bad())
    assert report.by_check("instruments")[0].message.startswith(expected)


# ------------------------------------------------------------------ behaviour


def test_score_about_another_subject() -> None:
    class Other(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            scores = super().riskcore_assess(subject, case)
            return [attrs.evolve(s, subject="x") for s in scores or []]

    msg = check(Other()).by_check("subject")[0].message
    assert msg == (
        "riskcore_assess returned a score about another subject while assessing "
        "client 'c-1': return only scores about the subject you were given"
    )


def test_wrong_kind_and_wrong_types() -> None:
    class Kinds(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            scores = super().riskcore_assess(subject, case) or []
            return [
                attrs.evolve(s, subject_kind=SubjectKind.PRACTICE) for s in scores
            ] + ["a string"]

    report = check(Kinds())
    assert "set subject_kind=subject.KIND" in report.by_check("subject")[0].message
    assert "returned a str, expected Score while assessing practice 'p'" in (
        report.by_check("result")[0].message
    )

    class NotIterable(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            return 3

    assert "riskcore_assess returned int, expected an iterable of Score while" in (
        check(NotIterable()).by_check("result")[0].message
    )


def test_crash_on_valid_input() -> None:
    class Crash(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            if case.responses_for(subject.id):
                raise ZeroDivisionError("oops")
            return None

    report = check(Crash())
    msg = report.by_check("crash")[0].message
    assert msg.startswith(
        "riskcore_assess raised ZeroDivisionError (oops) while assessing client 'c-1'"
    )
    assert msg.endswith("valid answers must be scored, not rejected")
    assert report.findings[0].count > 1
    assert "times)" in str(report.findings[0])


def test_out_of_range_and_unscored() -> None:
    class Wide(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            scores = super().riskcore_assess(subject, case) or []
            return [
                attrs.evolve(s, value=(s.value or 0) + 100, maximum=None)
                for s in scores
            ]

    msg = check(Wide()).by_check("range")[0].message
    assert "outside the range [0, 6] its InstrumentSpec declares" in msg

    class Unscored(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            return []

    msg = only(check(Unscored()), "unscored")
    assert msg.startswith(
        "riskcore_assess returned no score for the valid 'toy-scale' response of "
        "client 'c-1'"
    )


def test_nondeterminism() -> None:
    counter = itertools.count()

    class Drift(Good):
        @hookimpl
        def riskcore_risk_factors(self, subject: Any, scores: Any) -> Any:
            return [
                RiskFactor(
                    threat="client-self-harm",
                    subject=subject.id,
                    odds_ratio=1 + next(counter) % 7,
                    reason="drift",
                )
            ]

    report = check(Drift())
    assert report.by_check("determinism")[0].message.startswith(
        "the same case gave different results on a second call"
    )


def test_wrong_direction_is_not_monotone() -> None:
    class Backwards(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            scores = super().riskcore_assess(subject, case) or []
            return [
                attrs.evolve(s, value=6 - s.value, band=None)
                if s.value is not None
                else s
                for s in scores
            ]

    msg = check(Backwards(), examples=30).by_check("monotone")[0].message
    assert msg.startswith("riskcore_assess is not monotone on toy-scale.total")


def test_missing_items_must_not_read_as_low() -> None:
    class ZeroFill(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            if subject.KIND is not SubjectKind.CLIENT:
                return None
            out = []
            for r in case.responses_for(subject.id):
                filled = dict.fromkeys(SPEC.item_ids, 0) | {
                    k: v for k, v in r.items.items() if v is not None
                }
                out += SPEC.score(attrs.evolve(r, items=filled)).to_scores(subject.KIND)
            return out

    report = check(ZeroFill(), examples=30)
    assert "never a low number" in report.by_check("missing-data")[0].message

    class Strict(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            for r in case.responses_for(subject.id):
                if None in r.items.values() or len(r.items) < 3:
                    raise InstrumentError("missing")
            return super().riskcore_assess(subject, case)

    report = check(Strict(), examples=30)
    assert "unanswered items are not an error" in (
        report.by_check("missing-data")[0].message
    )


def test_invalid_answers_must_be_rejected_with_riskcore_errors() -> None:
    class Clamp(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            if subject.KIND is not SubjectKind.CLIENT:
                return None
            out = []
            for r in case.responses_for(subject.id):
                items = {
                    k: max(0, min(2, int(v or 0)))
                    for k, v in r.items.items()
                    if k in SPEC.item_ids
                }
                out += SPEC.score(attrs.evolve(r, items=items)).to_scores(subject.KIND)
            return out

    report = check(Clamp(), examples=30)
    msg = report.by_check("invalid-input")[0].message
    assert "needs a missing_reason naming the item" in msg

    class Strict(Good):
        """The old contract: raise on an invalid answer (issue 14: it loses
        the critical flags with the response)."""

        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            for r in case.responses_for(subject.id):
                if SPEC.score(r).invalid:
                    raise InstrumentError("toy-scale: an invalid answer")
            return super().riskcore_assess(subject, case)

    msg = check(Strict(), examples=30).by_check("invalid-input")[0].message
    assert "raising loses them" in msg


def test_factor_problems() -> None:
    class Factors(Good):
        @hookimpl
        def riskcore_risk_factors(self, subject: Any, scores: Any) -> Any:
            return [
                RiskFactor(
                    threat="burnout", subject=subject.id, odds_ratio=2, reason="r"
                ),
                RiskFactor(
                    threat="client-self-harm", subject="x", odds_ratio=2, reason="r"
                ),
                "not a factor",
            ]

    report = check(Factors())
    threats = [f.message for f in report.by_check("threats")]
    # production rejects a factor on a threat of another scope: so does the kit
    assert threats[0].startswith(
        "riskcore_risk_factors returned a factor on threat 'burnout', which has "
        "no risk for a practice, for practice 'p'"
    )
    assert (
        "on threat 'burnout', which AssessorInfo.threats does not declare"
        in (threats[1])
    )
    assert "a factor about another subject for practice 'p'" in (
        report.by_check("subject")[0].message
    )
    assert "returned a str, expected RiskFactor for practice 'p'" in (
        report.by_check("result")[0].message
    )


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ("raise", "riskcore_risk_factors raised ValueError (no)"),
        (
            7,
            "riskcore_risk_factors returned int, expected an iterable of "
            "RiskFactor for practice 'p'",
        ),
    ],
)
def test_factor_hook_failures(result: Any, expected: str) -> None:
    class Bad(Good):
        @hookimpl
        def riskcore_risk_factors(self, subject: Any, scores: Any) -> Any:
            if result == "raise":
                raise ValueError("no")
            return result

    assert check(Bad()).findings[0].message.startswith(expected)


def test_protected_attributes_must_not_move_guarded_factors() -> None:
    class Biased(Good):
        @hookimpl
        def riskcore_risk_factors(self, subject: Any, scores: Any) -> Any:
            if isinstance(subject, Client) and subject.protected.religion:
                return [
                    RiskFactor(
                        threat="client-self-harm",
                        subject=subject.id,
                        odds_ratio=1.5,
                        reason="religion",
                    )
                ]
            return []

    msg = only(check(Biased(), examples=30), "fairness")
    assert msg.startswith("riskcore_risk_factors moved client-self-harm for subject")
    assert msg.endswith(
        "when only protected attributes changed (culture, ethnicity, religion, "
        "languages, gender): factors on aggression and self-harm threats must "
        "never depend on them"
    )


def test_protected_attributes_must_not_move_cited_scores() -> None:
    class BiasedScore(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            if subject.KIND is not SubjectKind.CLIENT:
                return None
            bump = 1.0 if subject.protected.gender else 0.0
            return [
                Score(
                    subject=subject.id,
                    subject_kind=subject.KIND,
                    instrument="signal",
                    value=bump,
                    minimum=0,
                    maximum=1,
                ),
                *(super().riskcore_assess(subject, case) or []),
            ]

        @hookimpl
        def riskcore_risk_factors(self, subject: Any, scores: Any) -> Any:
            if not isinstance(subject, Client):
                return []
            return [
                RiskFactor(
                    threat="client-self-harm",
                    subject=subject.id,
                    odds_ratio=1.5,
                    reason="always",
                    score="signal.total",
                )
            ]

    msgs = [f.message for f in check(BiasedScore(), examples=30).findings]
    assert any(m.startswith("riskcore_assess changed signal.total") for m in msgs)


def test_columnar_disagreement_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    real = InstrumentSpec.score_array

    def skewed(self: InstrumentSpec, data: Any, *, lenient: bool = False) -> Any:
        res = real(self, data, lenient=lenient)
        res.values["total"] = np.asarray(res.values["total"]) + 1
        return res

    monkeypatch.setattr(InstrumentSpec, "score_array", skewed)
    msg = only(check(Good(), examples=2), "columnar")
    assert "object and columnar paths of 'toy-scale' disagree" in msg


def test_assert_conforms_raises_with_every_finding() -> None:
    class Other(Good):
        @hookimpl
        def riskcore_assess(self, subject: Any, case: Case) -> Any:
            return [
                attrs.evolve(s, subject="x")
                for s in super().riskcore_assess(subject, case) or []
            ]

    with pytest.raises(ConformanceError) as info:
        assert_conforms(Other(), examples=5)
    text = str(info.value)
    assert text.startswith("riskcore plugin 'toy' does not conform: 2 problems\n")
    assert "\n  - [subject] riskcore_assess returned a score about another" in text


def test_findings_are_in_check_order() -> None:
    f = Finding(check="fairness", message="m", count=1)
    assert str(f) == "[fairness] m"
    assert CHECKS.index("hookimpls") < CHECKS.index("fairness")


# ------------------------------------------------------------------ fixtures


def test_register_plugin_unregisters_on_teardown(
    plugin_manager: PluginManager,
    register_plugin: RegisterPlugin,
    hook_recorder: HookRecorder,
) -> None:
    import riskcore

    assert plugin_manager.autoload is False
    name = register_plugin(Good(), "toy")
    assert plugin_manager.record(name) is not None
    case = Case(
        id="c",
        practice=Practice(id="p"),
        clients=[Client(id="c-1")],
        responses=[
            InstrumentResponse(instrument=SPEC.id, subject="c-1", items={"1": 9})
        ],
    )
    assessment = riskcore.assess(case, pm=plugin_manager)
    assert not assessment.complete
    calls = hook_recorder.getcalls("riskcore_assess")
    assert [(c.plugin, c.kwargs["subject"].id) for c in calls] == [
        ("toy", "p"),
        ("toy", "c-1"),
    ]
    # Issue 14: the invalid answer is an invalid item, not a plugin error.
    assert hook_recorder.errors() == []
    assert any("item 1: 9 is not in" in r for r in assessment.incomplete_reasons)
    assert len(hook_recorder.getcalls()) >= 3
    hook_recorder.clear()
    assert hook_recorder.getcalls() == []


def test_fixture_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from riskcore import hookimpl

        pytest_plugins = ["riskcore.testing"]

        class P:
            @hookimpl
            def riskcore_assess(self, subject):
                return None

        def test_one(plugin_manager, register_plugin, hook_recorder):
            register_plugin(P(), "p")
            assert plugin_manager.record("p") is not None
            pytest_state["pm"] = plugin_manager
            pytest_state["rec"] = hook_recorder

        def test_two():
            pm = pytest_state["pm"]
            assert pm.record("p") is None
            assert "call_each" not in vars(pm)

        pytest_state = {}
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


# ------------------------------------------------------------------ strategies


@settings(max_examples=40, deadline=None)
@given(rs.responses(SPEC))
def test_valid_responses_score_completely(r: InstrumentResponse) -> None:
    assert SPEC.score(r).complete


@settings(max_examples=40, deadline=None)
@given(rs.responses_with_missing(SPEC, min_missing=2))
def test_responses_with_missing_have_gaps(r: InstrumentResponse) -> None:
    assert r.answered <= 1
    assert not SPEC.score(r).complete


@settings(max_examples=60, deadline=None)
@given(rs.invalid_responses(SPEC, subject="t-1"))
def test_invalid_responses_are_rejected(r: InstrumentResponse) -> None:
    assert r.subject == "t-1"
    result = SPEC.score(r)
    assert result.invalid
    assert not result.complete


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(list(SubjectKind)).flatmap(rs.subjects))
def test_subjects_of_every_kind(subject: Any) -> None:
    assert subject.id in {"p", "t-1", "c-1"}


def test_import_riskcore_stays_light() -> None:
    code = (
        "import sys, riskcore, riskcore.evaluate, riskcore.scaffold; "
        "bad = [m for m in ('pytest', 'hypothesis', 'riskcore.testing', 'numpy', "
        "'scipy') if m in sys.modules]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
