"""The object path's fast paths keep the guarantees of the validated ones.

Engine scores are built by the one fast constructor, ``Score.fast``, without
re-running the identifier validators, with the plugin name the caller passes
(never read from the surroundings), copied (not re-validated) when ``assess``
stamps them with another; assessor infos and provenance are cached per manager; responses are
indexed per case. Each test checks a result equals the slow path's or that a
check still fires.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import math

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import AssessmentError, PluginManager, assess, hookimpl
from riskcore.errors import FieldError
from riskcore.instruments import (
    Band,
    CriticalItem,
    InstrumentResult,
    InstrumentSpec,
    score_items,
    uniform_items,
)
from riskcore.model import (
    Assessment,
    AssessorInfo,
    Case,
    Client,
    InstrumentResponse,
    Practice,
    Professional,
    Score,
    SubjectKind,
)
from riskcore.model import case as case_module

SPEC = InstrumentSpec(
    id="fast",
    name="Fast-path test instrument",
    items=uniform_items(4, 0, 3),
    subscales={"a": ["1", "2"], "b": ["3", "4"]},
    max_missing=1,
    bands=[Band(label="low", lower=0, upper=6), Band(label="high", lower=6)],
    critical=[CriticalItem(item="4", threshold=2, code="fast.item4")],
)


def _validated(s: Score) -> Score:
    return Score(**{f.name: getattr(s, f.name) for f in attrs.fields(Score)})


@pytest.mark.parametrize(
    "items",
    [
        {"1": 3, "2": 3, "3": 1, "4": 2},  # banded high, critical flag
        {"1": 0, "2": None, "3": 0, "4": 0},  # prorated
        {"1": None, "2": None, "3": 1, "4": None},  # incomplete scales
    ],
)
def test_engine_scores_equal_validated_construction(items):
    """to_scores gives exactly what the validated constructor gives."""
    got = score_items(SPEC, items, subject="c-1").to_scores(SubjectKind.CLIENT)

    assert [s.scale for s in got] == ["total", "a", "b"]
    for s in got:
        assert type(s) is Score
        assert s == _validated(s)
        assert s.plugin is None  # outside a hook call
        assert s.measured
        assert s.value is None or type(s.value) is float
    assert got[1].flags == got[2].flags == ()


def _result(**change) -> InstrumentResult:
    good = score_items(SPEC, {"1": 1, "2": 1, "3": 1, "4": 1}, subject="c-1")
    return attrs.evolve(good, **change)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"values": {"total": 99.0, "a": 2.0, "b": 2.0}}, "above maximum"),
        ({"values": {"total": -1.0, "a": 2.0, "b": 2.0}}, "below minimum"),
        ({"values": {"total": math.nan, "a": 2.0, "b": 2.0}}, "NaN"),
        ({"values": {"total": "4", "a": 2.0, "b": 2.0}}, "not a number"),
        ({"values": {"total": True, "a": 2.0, "b": 2.0}}, "not a number"),
        ({"values": {"total": None, "a": 2.0, "b": 2.0}}, "missing_reason"),
        ({"subject": "two words"}, "not a valid identifier"),
        (
            {
                "values": {"total": None, "a": 2.0, "b": 2.0},
                "missing": {"total": "x" * 501, "a": None, "b": None},
            },
            "missing_reason",
        ),
    ],
)
def test_trusted_path_still_validates(change, match):
    """A hand-built InstrumentResult cannot smuggle an invalid score through."""
    with pytest.raises(FieldError, match=match):
        _result(**change).to_scores(SubjectKind.CLIENT)


def test_subject_override_is_checked():
    r = _result()
    assert {s.subject for s in r.to_scores(SubjectKind.CLIENT, subject="t-1")} == {
        "t-1"
    }
    with pytest.raises(FieldError, match="subject"):
        r.to_scores(SubjectKind.CLIENT, subject="not valid")


def test_int_values_are_converted():
    s = _result(values={"total": 4, "a": 2, "b": 2}).to_scores(SubjectKind.CLIENT)
    assert [type(x.value) for x in s] == [float, float, float]


def test_stamped_equals_evolve():
    (s, *_) = _result().to_scores(SubjectKind.CLIENT)
    assert s._stamped("x") == attrs.evolve(s, plugin="x")
    assert s.plugin is None  # the original is untouched

    @attrs.frozen(kw_only=True)
    class Special(Score):
        pass

    special = Special(
        subject="c-1", subject_kind=SubjectKind.CLIENT, instrument="fast", value=1
    )
    stamped = special._stamped("x")
    assert type(stamped) is Special
    assert stamped.plugin == "x"


def test_built_scores_are_plain_frozen_scores():
    """The builder's twin class never shows: a real, frozen, picklable Score."""
    import pickle

    from riskcore.model.assessment import _build, _checked

    args = ("c-1", SubjectKind.CLIENT, "fast", "total", 2, 0.0, 9.0, None, (), None)
    for make in (_build, _checked):
        s = make(Score, *args, "p", True)
        assert type(s) is Score
        assert s == Score(
            subject="c-1",
            subject_kind=SubjectKind.CLIENT,
            instrument="fast",
            value=2.0,
            minimum=0,
            maximum=9,
            plugin="p",
        )
        assert type(s.value) is float
        assert hash(s) == hash(_validated(s))
        assert pickle.loads(pickle.dumps(s)) == s
        assert attrs.evolve(s, band="x").band == "x"
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            s.value = 3.0  # type: ignore[misc]


def test_checked_runs_the_checks_on_a_subclass():
    from riskcore.model.assessment import _checked

    @attrs.frozen(kw_only=True)
    class Special(Score):
        pass

    args = ("c-1", SubjectKind.CLIENT, "fast", "total")
    ok = _checked(Special, *args, 1, 0, 3, None, (), None, None, True)
    assert type(ok) is Special
    assert ok.value == 1.0
    with pytest.raises(FieldError, match="above maximum"):
        _checked(Special, *args, 4, 0, 3, None, (), None, None, True)


_MAYBE_NUMBER = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 5),
)


@settings(max_examples=300, deadline=None)
@given(
    value=_MAYBE_NUMBER,
    minimum=_MAYBE_NUMBER.filter(lambda x: x is None or x == x),
    maximum=_MAYBE_NUMBER.filter(lambda x: x is None or x == x),
    missing_reason=st.sampled_from([None, "unanswered"]),
    measured=st.booleans(),
)
def test_checked_rejects_exactly_what_init_rejects(
    value, minimum, maximum, missing_reason, measured
):
    """_checked skips __attrs_post_init__ only where it would have passed."""
    from riskcore.model.assessment import _checked

    kw = {
        "subject": "c-1",
        "subject_kind": SubjectKind.CLIENT,
        "instrument": "fast",
        "scale": "total",
        "value": value,
        "minimum": minimum,
        "maximum": maximum,
        "missing_reason": missing_reason,
        "measured": measured,
    }
    try:
        expected: Score | str = Score(**kw)
    except FieldError as exc:
        expected = str(exc)
    try:
        got: Score | str = _checked(
            Score,
            "c-1",
            SubjectKind.CLIENT,
            "fast",
            "total",
            value,
            minimum,
            maximum,
            None,
            (),
            missing_reason,
            None,
            measured,
        )
    except FieldError as exc:
        got = str(exc)
    assert got == expected


def _case() -> Case:
    return Case(
        id="fast-case",
        practice=Practice(id="p"),
        clients=[Client(id="c-1"), Client(id="c-2")],
        responses=[
            InstrumentResponse(
                instrument="fast", subject="c-1", items={"1": 1, "2": 1, "3": 1, "4": 3}
            ),
            InstrumentResponse(
                instrument="fast", subject="c-2", items={"1": 0, "2": 0, "3": 0, "4": 0}
            ),
        ],
    )


SHARED = Score(
    subject="c-2", subject_kind=SubjectKind.CLIENT, instrument="extra", value=1
)


class Engine:
    """Scores through the engine inside the hook, plus a shared constant score."""

    @hookimpl
    def riskcore_assessor_info(self):
        return AssessorInfo(name="engine", instruments=["fast"])

    @hookimpl
    def riskcore_assess(self, subject, case):
        out = [
            s
            for r in case.responses_for(subject.id)
            for s in SPEC.score(r).to_scores(subject.KIND)
        ]
        if subject.id == "c-2":
            out.append(SHARED)
        return out


class Lazy:
    """Returns a generator: the engine runs after the hook call has returned."""

    @hookimpl
    def riskcore_assess(self, subject, case):
        return (
            s
            for r in case.responses_for(subject.id)
            for s in SPEC.score(r).to_scores(subject.KIND)
        )


def test_assess_stamps_every_score_with_its_plugin():
    case = _case()
    pm = PluginManager(
        autoload=False, builtins=False, plugins=[("engine", Engine()), ("lazy", Lazy())]
    )

    a = assess(case, pm=pm)

    assert not a.failures
    assert {(s.plugin, s.subject) for s in a.scores} == {
        ("engine", "c-1"),
        ("engine", "c-2"),
        ("lazy", "c-1"),
        ("lazy", "c-2"),
    }
    assert SHARED.plugin is None  # copied, never mutated
    for s in a.scores:
        assert s == _validated(s)
    # The stamp is scoped to the hook call.
    assert SPEC.score(case.responses[0]).to_scores(SubjectKind.CLIENT)[0].plugin is None


def test_stamp_is_reset_after_a_crash():
    class Crash:
        @hookimpl
        def riskcore_assess(self, subject):
            raise RuntimeError("boom")

    pm = PluginManager(autoload=False, builtins=False, plugins=[("crash", Crash())])
    a = assess(_case(), pm=pm)
    assert a.failures
    assert (
        SPEC.score(_case().responses[0]).to_scores(SubjectKind.CLIENT)[0].plugin is None
    )


def test_infos_and_provenance_follow_registration():
    class Other:
        @hookimpl
        def riskcore_assessor_info(self):
            return AssessorInfo(name="other", instruments=["other"])

    pm = PluginManager(autoload=False, builtins=False, plugins=[("engine", Engine())])
    case = _case()
    first = assess(case, pm=pm)
    assert [(p.name, p.instruments) for p in first.provenance] == [
        ("engine", ("fast",))
    ]
    assert assess(case, pm=pm).provenance == first.provenance

    pm.register(Other(), name="other")
    assert [(p.name, p.instruments) for p in assess(case, pm=pm).provenance] == [
        ("engine", ("fast",)),
        ("other", ("other",)),
    ]
    pm.unregister("other")
    assert assess(case, pm=pm).provenance == first.provenance


def test_responses_for_index():
    case = _case()
    assert case.responses_for("c-1") == (case.responses[0],)
    assert case.responses_for("c-2") == (case.responses[1],)
    assert case.responses_for("p") == ()
    # An equal but distinct case has its own index.
    twin = _case()
    assert twin.responses_for("c-1")[0] is twin.responses[0]
    key = id(case)
    assert key in case_module._RESPONSES_BY_SUBJECT
    del case
    gc.collect()
    assert key not in case_module._RESPONSES_BY_SUBJECT


def test_history_is_oldest_first_and_indexed_with_responses_for():
    day = dt.date(2026, 3, 1)

    def r(subject: str, instrument: str, when: dt.date | None) -> InstrumentResponse:
        return InstrumentResponse(
            instrument=instrument, subject=subject, items={}, administered=when
        )

    responses = [
        r("c-1", "fast", day),
        r("c-1", "other", None),
        r("c-2", "fast", dt.date(2020, 1, 1)),
        r("c-1", "fast", dt.date(2026, 1, 1)),
        r("c-1", "fast", None),
        r("c-1", "fast", day),
    ]
    case = attrs.evolve(_case(), responses=responses)

    def at(found: tuple[InstrumentResponse, ...]) -> list[int]:
        return [next(i for i, x in enumerate(case.responses) if x is y) for y in found]

    got = case.history("c-1")
    assert at(got) == [1, 4, 3, 0, 5]  # same day: file order
    assert at(case.history("c-1", {"fast"})) == [4, 3, 0, 5]
    assert case.history("c-1", ()) == ()
    assert case.history("c-2") == (responses[2],)
    assert case.history("p") == ()
    assert at(case.responses_for("c-1")) == [0, 1, 3, 4, 5]
    # any container of instrument ids, an unhashable tuple too; when every
    # response is kept, the subject's own tuple
    for ask in (("fast",), frozenset({"fast"}), ["fast"], {"fast": 1}):
        assert at(case.history("c-1", ask)) == [4, 3, 0, 5]
        assert case.history("c-1", ask) == case.history("c-1", ask)
    assert at(case.history("c-1", ("other", "fast"))) == [1, 4, 3, 0, 5]
    assert case.history("c-1", (["fast"],)) == ()
    assert case.history("c-2", ("other",)) == ()
    assert case.history("c-1", ("other", "fast")) is case.history("c-1")


DERIVED = {
    "subject": "c-01",
    "subject_kind": SubjectKind.CLIENT,
    "instrument": "pcl5",
    "scale": "provisional-ptsd",
    "value": 1,
    "minimum": 0,
    "maximum": 1,
}


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"value": None, "missing_reason": "items unanswered"},
        {"band": "high"},
        {"value": None, "missing_reason": "not measured", "measured": False},
        {"value": 0.5, "maximum": None},
    ],
)
def test_derived_equals_validated_construction(change):
    kw = {**DERIVED, **change}
    assert Score.derived(**kw) == Score(**kw)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"subject": "two words"}, "subject"),
        ({"instrument": "bad id!"}, "instrument"),
        ({"scale": ""}, "scale"),
        ({"value": math.nan}, "NaN"),
        ({"value": 2}, "above maximum"),
        ({"value": -1}, "below minimum"),
        ({"value": "1"}, "not a number"),
        ({"value": True}, "not a number"),
        ({"value": None}, "missing_reason"),
        ({"value": None, "missing_reason": "x" * 501}, "missing_reason"),
        ({"measured": False}, "measured is false"),
        ({"flags": ["not a flag"]}, "flags"),
    ],
)
def test_derived_still_validates(change, match):
    with pytest.raises(FieldError, match=match):
        Score.derived(**{**DERIVED, **change})
    # a valid id seen before does not let an invalid one through later
    Score.derived(**DERIVED)
    with pytest.raises(FieldError, match=match):
        Score.derived(**{**DERIVED, **change})


def test_derived_takes_the_plugin_explicitly_never_from_the_call():
    """No ambient context (issue #19): inside a hook call a score says the
    plugin it was given, and assess stamps the registered name on the rest."""

    class Deriver:
        @hookimpl
        def riskcore_assess(self, subject):
            return [
                Score.derived(**{**DERIVED, "subject": subject.id}),
                Score.derived(
                    **{**DERIVED, "subject": subject.id, "scale": "b"},
                    plugin="deriver",
                ),
            ]

    pm = PluginManager(autoload=False, builtins=False, plugins=[("deriver", Deriver())])
    [o] = pm.call_each("riskcore_assess", subject=Client(id="c-01"))
    assert [s.plugin for s in o.result] == [None, "deriver"]
    assert Score.derived(**DERIVED).plugin is None
    a = assess(_case(), pm=pm)
    assert {s.plugin for s in a.scores} == {"deriver"}


def test_fast_is_the_one_constructor_of_every_path():
    """Score.fast is the generated checked builder that the engine, its
    generated fast path and derived all call."""
    from riskcore.instruments import fast as fast_module
    from riskcore.instruments import scoring
    from riskcore.model import assessment

    assert Score.fast.__func__ is assessment._checked
    assert scoring._checked is assessment._checked
    assert fast_module._checked is assessment._checked
    s = Score.fast(
        "c-1", SubjectKind.CLIENT, "fast", "total", 2, 0, 9, None, (), None, "p", True
    )
    assert s == _validated(s)
    assert s.plugin == "p"


def test_score_items_result_equals_keyword_construction():
    r = score_items(SPEC, {"1": 1, "2": None, "3": 2}, subject="c-01")
    again = InstrumentResult(
        spec=SPEC,
        subject=r.subject,
        values=r.values,
        bands=r.bands,
        missing=r.missing,
        flags=r.flags,
        answered=r.answered,
    )
    assert r == again
    assert r.spec is SPEC
    assert type(r.flags) is tuple


# ------------------------------------------- assess's own loop vs call_each
#
# assess calls the implementations itself (untimed, no HookOutcome) unless
# tracing is on or call_each was replaced; both ways must give the same
# assessment.


@attrs.frozen(kw_only=True)
class _SubScore(Score):
    pass


def _toy(subject, value=1, instrument="toy", **kw):
    return Score(
        subject=subject.id,
        subject_kind=subject.KIND,
        instrument=instrument,
        value=value,
        **kw,
    )


class Stamped:
    """Engine scores given the plugin's name: taken in assess's own loop."""

    @hookimpl
    def riskcore_assess(self, subject, case):
        return [
            s
            for r in case.responses_for(subject.id)
            for s in SPEC.score(r).to_scores(subject.KIND, plugin="a-stamped")
        ]


class Unstamped:
    """Takes (case, subject), in that order; its scores need the stamp."""

    @hookimpl
    def riskcore_assess(self, case, subject):
        return [_toy(subject, instrument="extra")] if case.id else None


class Subclassed:
    """Only the subject; a Score subclass and a tuple."""

    @hookimpl
    def riskcore_assess(self, subject):
        return (
            _SubScore(
                subject=subject.id, subject_kind=subject.KIND, instrument="sub", value=2
            ),
        )


class Nothing:
    @hookimpl
    def riskcore_assess(self):
        return None


class Lying:
    """A valid score (stamped, so assess's loop takes it in), then one about
    another subject: the whole result is dropped."""

    @hookimpl
    def riskcore_assess(self, subject):
        if subject.id != "c-1":
            return []
        valid = Score.derived(
            subject=subject.id,
            subject_kind=subject.KIND,
            instrument="fast",
            value=1,
            plugin="e-lying",
        )
        assert valid.plugin == "e-lying"
        return [valid, _toy(Client(id="c-2"))]


class Raising:
    @hookimpl
    def riskcore_assess(self, subject):
        if subject.id == "c-2":
            raise ValueError("boom")
        return []


class Weird:
    @hookimpl
    def riskcore_assess(self, subject):
        return {"p": 42, "t-1": "scores"}.get(subject.id, [object()])


def _everything() -> list[tuple[str, object]]:
    return [
        ("a-stamped", Stamped()),
        ("b-unstamped", Unstamped()),
        ("c-subclassed", Subclassed()),
        ("d-nothing", Nothing()),
        ("e-lying", Lying()),
        ("f-raising", Raising()),
        ("g-weird", Weird()),
        ("h-lazy", Lazy()),
    ]


def _wide_case() -> Case:
    base = _case()
    return attrs.evolve(base, professionals=[Professional(id="t-1")])


def test_own_loop_and_call_each_give_the_same_assessment(caplog):
    case = _wide_case()
    direct = PluginManager(autoload=False, builtins=False, plugins=_everything())
    traced = PluginManager(
        autoload=False, builtins=False, trace=True, plugins=_everything()
    )
    assert direct._direct_plan("riskcore_assess") is not None
    assert traced._direct_plan("riskcore_assess") is None

    a = assess(case, pm=direct)
    with caplog.at_level(logging.INFO, logger="riskcore.plugins"):
        b = assess(case, pm=traced)

    assert a == b
    assert a.failures == b.failures  # details too (they are not in eq's repr)
    assert [f.detail for f in a.failures] == [f.detail for f in b.failures]
    # one trace line per plugin per subject, no data
    lines = [r.getMessage() for r in caplog.records if "trace:" in r.getMessage()]
    assert len(lines) == len(_everything()) * len(case.subjects())
    assert "trace: riskcore_assess -> f-raising" in caplog.text
    assert "boom" not in caplog.text

    by = {(s.plugin, s.subject, s.instrument) for s in a.scores}
    assert ("b-unstamped", "c-1", "extra") in by  # stamped by assess
    assert ("c-subclassed", "p", "sub") in by  # subclass, from a tuple
    assert ("h-lazy", "c-2", "fast") in by  # a generator
    assert not [s for s in a.scores if s.plugin in ("e-lying", "g-weird")]
    assert {type(s) for s in a.scores if s.plugin == "c-subclassed"} == {_SubScore}
    assert {s.plugin for s in a.scores} == {
        "a-stamped",
        "b-unstamped",
        "c-subclassed",
        "h-lazy",
    }
    assert SHARED.plugin is None
    problems = {(f.plugin, f.subject, f.error_type, f.detail) for f in a.failures}
    assert problems == {
        ("e-lying", "c-1", "InvalidResult", "returned a score about another subject"),
        # the message is shown as errors.shown allows ("boom" is code-shaped)
        ("f-raising", "c-2", "ValueError", "raised ValueError: 'boom'"),
        (
            "g-weird",
            "p",
            "InvalidResult",
            "returned int, expected an iterable of Score",
        ),
        (
            "g-weird",
            "t-1",
            "InvalidResult",
            "returned str, expected an iterable of Score",
        ),
        ("g-weird", "c-1", "InvalidResult", "returned a object, expected Score"),
        ("g-weird", "c-2", "InvalidResult", "returned a object, expected Score"),
    }


def test_a_dropped_result_does_not_count_as_scoring_its_instrument():
    """e-lying's first score is about c-1's 'fast' response, but the result is
    dropped: with no other scorer, that response is unscored."""
    case = _case()
    pm = PluginManager(autoload=False, builtins=False, plugins=[("e-lying", Lying())])
    a = assess(case, pm=pm)
    assert [(f.subject, f.error_type) for f in a.failures] == [
        ("c-1", "InvalidResult"),
        ("c-1", "UnscoredInstrument"),
        ("c-2", "UnscoredInstrument"),
    ]
    assert a.scores == ()


def test_recorder_and_subclasses_see_every_call():
    """A replaced call_each (HookRecorder, a subclass) still sees each call."""
    from riskcore.testing import HookRecorder

    class Counting(PluginManager):
        def call_each(self, hook, /, **kwargs):
            self.seen.append(hook)
            return super().call_each(hook, **kwargs)

    case = _case()
    counting = Counting(autoload=False, builtins=False, plugins=_everything())
    counting.seen = []
    recorded = PluginManager(autoload=False, builtins=False, plugins=_everything())
    rec = HookRecorder(recorded)
    plain = assess(
        case, pm=PluginManager(autoload=False, builtins=False, plugins=_everything())
    )

    assert assess(case, pm=counting) == plain
    assert counting.seen.count("riskcore_assess") == len(case.subjects())
    assert assess(case, pm=recorded) == plain
    calls = [
        (c.kwargs["subject"].id, c.plugin) for c in rec.getcalls("riskcore_assess")
    ]
    assert calls == [(s.id, name) for s in case.subjects() for name, _ in _everything()]
    rec.close()
    assert recorded._direct_plan("riskcore_assess") is not None


def test_plan_says_which_functions_take_the_hook_arguments_in_order():
    pm = PluginManager(autoload=False, builtins=False, plugins=_everything())
    plan = {
        name: (argnames, full)
        for name, _, argnames, _, full in pm._plan("riskcore_assess")
    }
    assert plan["a-stamped"] == (("subject", "case"), True)
    assert plan["b-unstamped"] == (("case", "subject"), False)
    assert plan["c-subclassed"] == (("subject",), False)
    assert plan["d-nothing"] == ((), False)
    pick = {name: p for name, _, _, p, _ in pm._plan("riskcore_assess")}
    kw = {"subject": 1, "case": 2}
    assert pick["b-unstamped"](kw) == (2, 1)
    assert pick["c-subclassed"](kw) == (1,)
    assert pick["d-nothing"](kw) == ()


def test_plugins_interrupt_is_its_failure():
    """A KeyboardInterrupt *raised by a plugin* is that plugin's failure (issue
    #14; a real Ctrl-C is tested in test_plugin_faults)."""

    class Interrupted:
        @hookimpl
        def riskcore_assess(self, subject):
            raise KeyboardInterrupt

    pm = PluginManager(
        autoload=False, builtins=False, plugins=[("stop", Interrupted())]
    )
    a = assess(_case(), pm=pm)
    assert not a.complete
    # its failure, and (issue 20) the instrument it left unscored names it
    assert {(f.plugin, f.error_type) for f in a.failures if f.plugin != "(none)"} <= {
        ("stop", "KeyboardInterrupt"),
        ("stop", "UnscoredInstrument"),
    }
    assert ("stop", "KeyboardInterrupt") in {
        (f.plugin, f.error_type) for f in a.failures
    }


def test_strict_chains_the_plugins_exception():
    pm = PluginManager(
        autoload=False, builtins=False, plugins=[("f-raising", Raising())]
    )
    with pytest.raises(
        AssessmentError, match="f-raising: riskcore_assess on subject c-2"
    ) as info:
        assess(_case(), pm=pm, strict=True)
    assert isinstance(info.value.__cause__, ValueError)
    pm = PluginManager(autoload=False, builtins=False, plugins=[("e-lying", Lying())])
    with pytest.raises(AssessmentError, match="InvalidResult") as info:
        assess(_case(), pm=pm, strict=True)
    assert info.value.__cause__ is None


def test_records_and_failures_are_cached_until_a_plugin_changes():
    class A:
        @hookimpl
        def riskcore_catalog(self):
            return None

    pm = PluginManager(autoload=False, builtins=False, plugins=[("a", A())])
    first = pm.records()
    first.clear()  # a copy: the caller may change it
    assert [r.name for r in pm.records()] == ["a"]
    failures = pm.failures
    assert pm.failures is failures == ()
    sorted_before = pm.sorted_records()
    assert pm.sorted_records() is sorted_before
    pm.register(A(), name="b")
    assert [r.name for r in pm.records()] == ["a", "b"]
    pm._fail("c", "ImportError: no", "riskcore-c", "1.0", "c")
    assert [r.name for r in pm.failures] == ["c"]
    pm.unregister("c")
    assert pm.failures == ()
    assert [r.name for r in pm.records()] == ["a", "b"]


def test_trusted_assessment_equals_constructed():
    a = assess(
        _case(),
        pm=PluginManager(
            autoload=False, builtins=False, plugins=[("engine", Engine())]
        ),
    )
    again = Assessment(
        case_id=a.case_id,
        scores=list(a.scores),
        failures=list(a.failures),
        provenance=list(a.provenance),
        riskcore_version=a.riskcore_version,
    )
    assert a == again
    assert type(a.scores) is type(a.failures) is type(a.provenance) is tuple


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.sampled_from([name for name, _ in _everything()]))))
def test_unscored_failures_are_exactly_the_responses_no_kept_score_covers(picked):
    """Whatever mix of plugins (good, lying, raising, weird, lazy) scores a
    case, an "UnscoredInstrument" failure is recorded for each (subject,
    instrument) answered and not covered by a kept score, and for no other:
    the instruments scored per subject, taken once each subject's row is
    done, give what the definition gives."""
    plugins = [p for p in _everything() if any(p[0] in s for s in picked)]
    case = attrs.evolve(
        _wide_case(),
        responses=[
            *_case().responses,
            InstrumentResponse(instrument="extra", subject="c-2", items={}),
            InstrumentResponse(instrument="sub", subject="t-1", items={}),
            InstrumentResponse(instrument="fast", subject="p", items={}),
        ],
    )
    a = assess(case, pm=PluginManager(autoload=False, builtins=False, plugins=plugins))
    kept = {(s.subject, s.instrument) for s in a.scores}
    answered = {(r.subject, r.instrument) for r in case.responses}
    unscored = [
        (f.subject, f.instrument)
        for f in a.failures
        if f.error_type == "UnscoredInstrument"
    ]
    assert sorted(unscored) == sorted(answered - kept)  # once each


def test_plugin_views_copy_each_call_and_view_each_case_once():
    from types import MappingProxyType

    from riskcore._plugin_views import _plugin_view, _plugin_views

    one, two = _case(), _wide_case()
    calls = [
        {"subject": "a", "case": one},
        MappingProxyType({"case": two, "subject": 1, "other": one}),
        {},
        {"case": one, "x": [1]},
    ]
    got = _plugin_views(calls)
    plain = [{k: _plugin_view(v) for k, v in kw.items()} for kw in calls]
    assert got == plain
    for g, p in zip(got, plain, strict=True):
        assert type(g) is dict
        assert list(g) == list(p)  # the same order
        assert all(g[k] is p[k] for k in p)  # the same objects
    assert got[0]["case"] is got[3]["case"] is _plugin_view(one) is not one
    assert calls[0]["case"] is one  # the callers' mappings are left alone


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([None, 1.0]),
            st.sampled_from([None, "why"]),
            st.booleans(),
        )
    ),
    st.booleans(),
)
def test_complete_is_remembered_and_equals_every_score_complete(parts, failed):
    scores = [
        Score(
            subject="c-1",
            subject_kind=SubjectKind.CLIENT,
            instrument="x",
            scale=f"s{i}",
            value=value if measured else None,
            missing_reason=why if value is not None and measured else "why",
            measured=measured,
        )
        for i, (value, why, measured) in enumerate(parts)
    ]
    failures = []
    if failed:
        failures = assess(
            _case(), pm=PluginManager(autoload=False, builtins=False)
        ).failures
    for a in (
        Assessment(case_id="x", scores=scores, failures=failures),
        Assessment._trusted("x", tuple(scores), tuple(failures), (), ""),
    ):
        expected = not failures and all(s.complete for s in scores)
        assert a.complete is expected
        assert a.complete is expected  # remembered: the same answer
        assert attrs.evolve(a, failures=()).complete is all(s.complete for s in scores)
