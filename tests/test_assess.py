"""assess(): per-plugin fault isolation, fail closed, strict mode."""

from __future__ import annotations

import pytest

from riskcore import AssessmentError, PluginManager, assess, hookimpl
from riskcore.model import InstrumentResponse, Score, SubjectKind
from tests import toyplugin


def test_end_to_end_through_installed_entry_point(install_dist, small_case):
    """A toy assessor installed as a distribution scores the case."""
    install_dist(
        "riskcore-toy", {"toy": "rc_toy_1"}, version="0.3.0", rc_toy_1=toyplugin.TOY
    )

    a = assess(small_case, pm=PluginManager())

    assert a.complete
    assert [(s.subject, s.value, s.plugin) for s in a.scores] == [
        ("c-1", 2.0, "toy"),
        ("c-2", 0.0, "toy"),
    ]
    (prov,) = [p for p in a.provenance if p.name == "toy"]
    assert (prov.name, prov.distribution, prov.version, prov.instruments) == (
        "toy",
        "riskcore-toy",
        "0.3.0",
        ("toy",),
    )


def test_crashing_plugin_does_not_abort_others(install_dist, small_case):
    """One crashing assessor is recorded; the other still scores; incomplete."""
    install_dist("riskcore-toy", {"toy": "rc_toy_2"}, rc_toy_2=toyplugin.TOY)
    install_dist(
        "riskcore-crash",
        {"crash": "rc_crash_2"},
        version="9.9",
        rc_crash_2=toyplugin.CRASHER,
    )

    a = assess(small_case, pm=PluginManager())

    assert not a.complete
    assert len(a.scores) == 2
    assert {(f.plugin, f.version, f.error_type) for f in a.failures} == {
        ("crash", "9.9", "RuntimeError")
    }
    assert len(a.failures) == len(small_case.subjects())
    # The plugin's message (which names a person) stays out of the summary and repr.
    assert all("Jane" not in r for r in a.incomplete_reasons)
    assert "Jane" not in repr(a)


def test_invalid_result_is_discarded(install_dist, small_case):
    """Scores about another subject are rejected as InvalidResult."""
    install_dist("riskcore-liar", {"liar": "rc_liar_3"}, rc_liar_3=toyplugin.LIAR)

    a = assess(small_case, pm=PluginManager(autoload=True))

    assert a.scores == ()
    assert {f.error_type for f in a.failures} >= {"InvalidResult", "UnscoredInstrument"}


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (42, "returned int"),
        ("scores", "returned str"),
        ([object()], "returned a object"),
    ],
)
def test_non_score_results(small_case, result, expected):
    """Anything but an iterable of Score is an InvalidResult with a reason."""

    class Bad:
        @hookimpl
        def riskcore_assess(self):
            return result

    a = assess(
        small_case,
        pm=PluginManager(autoload=False, builtins=False, plugins=[("bad", Bad())]),
    )

    details = {f.detail for f in a.failures if f.plugin == "bad"}
    assert any(expected in d for d in details)


def test_generator_that_raises_midway(small_case):
    """A generator failing half-way yields no partial scores."""

    class Half:
        @hookimpl
        def riskcore_assess(self, subject):
            yield Score(
                subject=subject.id, subject_kind=subject.KIND, instrument="toy", value=1
            )
            raise RuntimeError("half")

    a = assess(
        small_case,
        pm=PluginManager(autoload=False, builtins=False, plugins=[("half", Half())]),
    )

    assert not [s for s in a.scores if s.plugin == "half"]
    assert any("raised RuntimeError" in f.detail for f in a.failures)


def test_missing_assessor_marks_incomplete(small_case):
    """Responses that no plugin scores make the assessment incomplete."""
    a = assess(small_case, pm=PluginManager(autoload=False))

    assert not a.complete
    assert {(f.subject, f.error_type) for f in a.failures} == {
        ("c-1", "UnscoredInstrument"),
        ("c-2", "UnscoredInstrument"),
    }


def test_plugin_load_failure_marks_incomplete(install_dist, small_case):
    """A plugin that failed to load is a missing assessor: incomplete."""
    install_dist("riskcore-toy", {"toy": "rc_toy_4"}, rc_toy_4=toyplugin.TOY)
    install_dist(
        "riskcore-broken",
        {"broken": "rc_broken_4"},
        rc_broken_4=toyplugin.BROKEN_IMPORT,
    )

    a = assess(small_case, pm=PluginManager())

    assert not a.complete
    assert [(f.plugin, f.hook, f.error_type) for f in a.failures] == [
        ("broken", "load", "ModuleNotFoundError")
    ]


def test_strict_raises(install_dist, small_case):
    """strict=True raises AssessmentError naming plugin, hook and subject."""
    install_dist(
        "riskcore-crash", {"crash": "rc_crash_5"}, rc_crash_5=toyplugin.CRASHER
    )

    with pytest.raises(
        AssessmentError,
        match=r"crash \(riskcore-crash 0.1.0\): riskcore_assess on subject p",
    ):
        assess(small_case, pm=PluginManager(), strict=True)


def test_incomplete_score_is_never_complete(small_case):
    """A score with value None is incomplete and listed with its reason."""

    class Partial:
        @hookimpl
        def riskcore_assess(self, subject):
            if subject.KIND is SubjectKind.CLIENT:
                return [
                    Score(
                        subject=subject.id,
                        subject_kind=subject.KIND,
                        instrument="toy",
                        missing_reason="3 items missing (at most 2 allowed)",
                    )
                ]
            return None

    a = assess(
        small_case,
        pm=PluginManager(
            autoload=False, builtins=False, plugins=[("partial", Partial())]
        ),
    )

    assert not a.complete
    assert (
        "toy.total for c-1: 3 items missing (at most 2 allowed)" in a.incomplete_reasons
    )
    assert a.for_subject("c-1")[0].complete is False


def test_critical_flags_listed(small_case):
    """critical_flags pairs each critical flag with its score."""
    from riskcore.model import Flag, FlagLevel

    class Crit:
        @hookimpl
        def riskcore_assess(self, subject):
            if subject.id != "c-1":
                return None
            return [
                Score(
                    subject="c-1",
                    subject_kind=SubjectKind.CLIENT,
                    instrument="toy",
                    value=1,
                    flags=[
                        Flag(code="toy.critical", level=FlagLevel.CRITICAL, message="x")
                    ],
                )
            ]

    small = small_case
    a = assess(
        small,
        pm=PluginManager(autoload=False, builtins=False, plugins=[("crit", Crit())]),
    )

    assert [(s.subject, f.code) for s, f in a.critical_flags] == [
        ("c-1", "toy.critical")
    ]
    assert a.scores[0].critical


def test_unknown_instrument_response_needs_a_scorer():
    """Sanity: the response model keeps unanswered items as None."""
    r = InstrumentResponse(instrument="toy", subject="c-1", items={"1": None})
    assert r.answered == 0
