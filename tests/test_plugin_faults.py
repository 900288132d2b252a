"""Plugin fault injection (issue #14): no plugin can end, hang or fool a run.

Each test registers small misbehaving plugins on a :class:`PluginManager`
(directly, or through a real entry point with ``install_dist``) and asserts
the exact recorded failure (plugin, error type), that the result is marked
incomplete, and, where a client has a critical finding, that it survives.

Hung plugins use a 0.5 s timeout and wait on an :class:`threading.Event`
that the test sets when it ends, so no abandoned thread outlives its test.
No test bounds the wall-clock time of a run: the timeout leaves a
well-behaved test plugin (a few milliseconds of work) a wide margin on a
loaded machine, and a hung plugin stays hung until its test ends, so which
calls time out does not depend on load.
"""

from __future__ import annotations

import json
import logging
import math
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import riskcore_safety.hooks as safety_hooks
from riskcore import PluginError, PluginManager, assess, hookimpl, identify
from riskcore.catalog import default_catalog
from riskcore.errors import AssessmentError, PluginTimeoutError
from riskcore.identify import risk_id
from riskcore.io import dumps, load_case
from riskcore.model import Case, RiskFactor, Score
from riskcore.plugins import (
    BUILTIN_DISTRIBUTIONS,
    DEFAULT_TIMEOUT,
    PluginStatus,
    readonly_case,
)

EXAMPLE = Path(__file__).parents[1] / "examples" / "longmont-practice.yaml"
SECRET = "call 555-123-4567, DOB 1980-02-03, note: lives with Jane Doe"
TINY = 0.5
HUNG_FOR = 60.0  # a hung test plugin's backstop; `stop` releases it first


def _pm(*plugins: tuple[str, object], **kw: object) -> PluginManager:
    return PluginManager(autoload=False, builtins=False, plugins=plugins, **kw)


def _failed(
    a: object, hook: str = "riskcore_assess"
) -> set[tuple[str, str | None, str]]:
    """(plugin, subject, error type) of each plugin failure (not unscored ones)."""
    return {
        (f.plugin, f.subject, f.error_type)
        for f in a.failures
        if f.plugin != "(none)"
        and f.hook == hook
        and f.error_type != "UnscoredInstrument"
    }


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    """Set when the test ends: releases every hung test plugin."""
    event = threading.Event()
    yield event
    event.set()


class Good:
    """Scores every client 1 on the toy instrument."""

    @hookimpl
    def riskcore_assess(self, subject, case):
        if subject.KIND.value != "client":
            return None
        return [
            Score(
                subject=subject.id,
                subject_kind=subject.KIND,
                instrument="toy",
                value=1,
                minimum=0,
                maximum=4,
            )
        ]


def _raising(exc: BaseException) -> object:
    class Raising:
        @hookimpl
        def riskcore_assess(self, subject):
            raise exc

    return Raising()


def _returning(value: object) -> object:
    class Returning:
        @hookimpl
        def riskcore_assess(self, subject):
            if subject.KIND.value != "client":
                return None
            return value(subject) if callable(value) else value

    return Returning()


def _good_survives(a: object) -> None:
    got = {(s.plugin, s.subject) for s in a.scores}
    assert {("good", "c-1"), ("good", "c-2")} <= got


# --------------------------------------------------------------- raise / return


def test_raise_is_recorded_and_others_run(small_case):
    a = assess(
        small_case, pm=_pm(("bad", _raising(RuntimeError("bug"))), ("good", Good()))
    )
    assert _failed(a) == {
        ("bad", s, "RuntimeError") for s in ("p", "t-1", "c-1", "c-2")
    }
    assert not a.complete
    _good_survives(a)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("scores", "returned str, expected an iterable of Score"),
        ({"value": 3}, "returned dict, expected an iterable of Score"),
        ([3], "returned a int, expected Score"),
    ],
)
def test_wrong_type_is_an_invalid_result(small_case, value, problem):
    a = assess(small_case, pm=_pm(("bad", _returning(value)), ("good", Good())))
    assert _failed(a) == {
        ("bad", "c-1", "InvalidResult"),
        ("bad", "c-2", "InvalidResult"),
    }
    assert {f.detail for f in a.failures if f.plugin == "bad"} == {problem}
    _good_survives(a)


def test_out_of_range_score_fails_in_the_plugin(small_case):
    def build(subject):
        return [
            Score(
                subject=subject.id,
                subject_kind=subject.KIND,
                instrument="toy",
                value=9,
                minimum=0,
                maximum=4,
            )
        ]

    a = assess(small_case, pm=_pm(("bad", _returning(build))))
    assert _failed(a) == {("bad", "c-1", "FieldError"), ("bad", "c-2", "FieldError")}
    assert not a.complete


@pytest.mark.parametrize(
    "fields",
    [
        {"value": math.inf},
        {"value": -math.inf, "maximum": 4.0},
        {"value": 1.0, "maximum": math.inf},
        {"value": 1.0, "minimum": -math.inf},
    ],
)
def test_non_finite_score_is_rejected(small_case, fields):
    """An infinite score is refused, so ``assess -o`` never writes Infinity."""

    def build(subject):
        return [
            Score(
                subject=subject.id,
                subject_kind=subject.KIND,
                instrument="toy",
                **fields,
            )
        ]

    a = assess(small_case, pm=_pm(("bad", _returning(build)), ("good", Good())))
    assert _failed(a) == {
        ("bad", "c-1", "InvalidResult"),
        ("bad", "c-2", "InvalidResult"),
    }
    assert {f.detail for f in a.failures if f.plugin == "bad"} == {
        "returned a score with a non-finite value, minimum or maximum"
    }
    text = dumps(a, indent=2)
    json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))
    _good_survives(a)


def test_nan_score_fails_in_the_plugin(small_case):
    def build(subject):
        return [
            Score(
                subject=subject.id,
                subject_kind=subject.KIND,
                instrument="toy",
                value=math.nan,
            )
        ]

    a = assess(small_case, pm=_pm(("bad", _returning(build))))
    assert _failed(a) == {("bad", "c-1", "FieldError"), ("bad", "c-2", "FieldError")}


def test_conformance_kit_uses_the_engine_check():
    """The kit reports a non-finite score through assess.score_problem."""
    from riskcore.testing import check_assessor

    class Infinite:
        @hookimpl
        def riskcore_assessor_info(self):
            from riskcore.model import AssessorInfo, SubjectKind

            return AssessorInfo(
                name="inf", instruments=["toy"], subject_kinds=[SubjectKind.CLIENT]
            )

        @hookimpl
        def riskcore_assess(self, subject, case):
            return [
                Score(
                    subject=subject.id,
                    subject_kind=subject.KIND,
                    instrument="toy",
                    value=math.inf,
                )
            ]

    report = check_assessor(Infinite())
    assert any("non-finite" in f.message for f in report.by_check("result")), report


# ------------------------------------------------------- BaseException, exit


@pytest.mark.parametrize(
    ("exc", "name"),
    [
        (SystemExit(0), "SystemExit"),
        (SystemExit("bye"), "SystemExit"),
        (KeyboardInterrupt(), "KeyboardInterrupt"),
        (GeneratorExit(), "GeneratorExit"),
        (type("Custom", (BaseException,), {})(), "Custom"),
    ],
)
def test_base_exceptions_from_a_plugin_are_its_failure(small_case, exc, name):
    a = assess(small_case, pm=_pm(("bad", _raising(exc)), ("good", Good())))
    assert _failed(a) == {("bad", s, name) for s in ("p", "t-1", "c-1", "c-2")}
    assert not a.complete
    _good_survives(a)
    with pytest.raises(AssessmentError, match="bad: riskcore_assess") as info:
        assess(small_case, pm=_pm(("bad", _raising(exc))), strict=True)
    assert type(info.value.__cause__) is type(exc)


def test_sys_exit_in_a_generator_is_the_plugins_failure(small_case):
    class Gen:
        @hookimpl
        def riskcore_assess(self, subject):
            yield Score(
                subject=subject.id, subject_kind=subject.KIND, instrument="toy", value=1
            )
            sys.exit(0)

    a = assess(small_case, pm=_pm(("gen", Gen())))
    assert ("gen", "c-1", "SystemExit") in _failed(a)
    assert not [s for s in a.scores if s.plugin == "gen"]


def test_risk_factor_hook_cannot_exit_either(small_case):
    class Exits:
        @hookimpl
        def riskcore_risk_factors(self, subject):
            sys.exit(3)

    pm = _pm(("exits", Exits()))
    cat = default_catalog(PluginManager(autoload=False))
    reg = identify(assess(small_case, pm=pm), cat, small_case, pm=pm)
    assert _failed(reg, "riskcore_risk_factors") == {
        ("exits", s, "SystemExit") for s in ("p", "t-1", "c-1", "c-2")
    }
    assert all(r.incomplete for r in reg.risks)
    with pytest.raises(PluginError, match="exits: riskcore_risk_factors"):
        identify(assess(small_case, pm=pm), cat, small_case, pm=pm, strict=True)


def test_cli_survives_sys_exit(install_dist, tmp_path, capsys):
    """Before: exit code 0 and no output. Now the assessment is written,
    incomplete, naming the plugin."""
    from riskcore.cli import main

    install_dist(
        "riskcore-quitter",
        {"quitter": "rc_quit_a"},
        rc_quit_a="""
from riskcore import hookimpl
import sys

@hookimpl
def riskcore_assess(subject):
    sys.exit(0)
""",
    )
    case = tmp_path / "case.yaml"
    case.write_text(EXAMPLE.read_text())
    out = tmp_path / "a.json"
    assert (
        main(["assess", str(case), "-o", str(out)]) == 3
    )  # done; a plugin failed: incomplete
    data = json.loads(out.read_text())
    assert {(f["plugin"], f["error_type"]) for f in data["failures"]} >= {
        ("quitter", "SystemExit")
    }


# --------------------------------------------------------------- timeouts


# The tests below prove that the run did not wait for a hung plugin by
# checking, when the run has returned, that the plugin has not: that holds
# however slow the machine is, where a wall-clock bound would not.


def _sleeper(stop: threading.Event, on: str = "c-1") -> object:
    class Sleeper:
        ended = threading.Event()

        @hookimpl
        def riskcore_assess(self, subject):
            if subject.id == on:
                stop.wait(HUNG_FOR)
                self.ended.set()
            return

    return Sleeper()


def _busy(stop: threading.Event) -> object:
    class Busy:
        ended = threading.Event()

        @hookimpl
        def riskcore_assess(self, subject):
            end = time.monotonic() + HUNG_FOR
            while not stop.is_set() and time.monotonic() < end:
                pass
            self.ended.set()
            return

    return Busy()


def test_hung_plugin_times_out(small_case, stop, caplog):
    hang = _sleeper(stop)
    a = assess(small_case, pm=_pm(("hang", hang), ("good", Good()), timeout=TINY))
    assert not hang.ended.is_set()  # the run returned without waiting for it
    # p and t-1 returned before it hung on c-1; c-2 is not called after.
    assert _failed(a) == {
        ("hang", "c-1", "PluginTimeoutError"),
        ("hang", "c-2", "PluginTimeoutError"),
    }
    details = {f.subject: f.detail for f in a.failures if f.plugin == "hang"}
    assert details["c-1"] == (
        "raised PluginTimeoutError: plugin 'hang': riskcore_assess did not return "
        "within 0.5 s"
    )
    assert "timed out earlier" in details["c-2"]
    assert not a.complete
    _good_survives(a)
    assert "did not return within 0.5 s" in caplog.text


def test_run_guarded_resumes_after_a_hang_across_batches(stop):
    # The calls run batch after batch from one position counted across the
    # batches: after "a" hangs on its second call, its third is not called,
    # and "b"'s calls, the next batch, are all made, each result in its place.
    pm = _pm(timeout=TINY)

    def a(x: int) -> int:
        if x == 2:
            stop.wait(HUNG_FOR)
        return x

    got = pm.run_guarded(
        "riskcore_assess",
        [("a", a, [(1,), (2,), (3,)]), ("b", lambda x: -x, iter([(1,), (2,)]))],
    )
    assert [len(batch) for batch in got] == [3, 2]
    assert got[0][0][:2] == (1, None)
    assert [type(e).__name__ for _, e, _ in got[0][1:]] == ["PluginTimeoutError"] * 2
    assert "timed out earlier" in str(got[0][2][1])
    assert [(r, e) for r, e, _ in got[1]] == [(-1, None), (-2, None)]
    assert pm.run_guarded("riskcore_assess", [("b", abs, []), ("c", abs, [(-4,)])])[1][
        0
    ][:2] == (4, None)


def test_busy_loop_times_out(small_case, stop):
    busy = _busy(stop)
    a = assess(small_case, pm=_pm(("busy", busy), ("good", Good()), timeout=TINY))
    assert not busy.ended.is_set()  # the run returned without waiting for it
    assert ("busy", "p", "PluginTimeoutError") in _failed(a)
    assert {f.plugin for f in a.failures if f.plugin != "(none)"} == {"busy"}
    _good_survives(a)


def test_hung_generator_times_out(small_case, stop):
    """A generator runs in the worker too: hanging half-way is a timeout."""

    class Gen:
        @hookimpl
        def riskcore_assess(self, subject):
            yield Score(
                subject=subject.id, subject_kind=subject.KIND, instrument="toy", value=1
            )
            stop.wait(HUNG_FOR)

    a = assess(small_case, pm=_pm(("gen", Gen()), timeout=TINY))
    assert ("gen", "p", "PluginTimeoutError") in _failed(a)
    assert not [s for s in a.scores if s.plugin == "gen"]


def test_timeout_in_strict_mode_raises(small_case, stop):
    with pytest.raises(
        AssessmentError, match="hang: riskcore_assess on subject c-1"
    ) as info:
        assess(small_case, pm=_pm(("hang", _sleeper(stop)), timeout=TINY), strict=True)
    assert isinstance(info.value.__cause__, PluginTimeoutError)
    assert isinstance(info.value.__cause__, PluginError)


def test_timeout_of_the_risk_factor_hook(small_case, stop):
    class Slow:
        @hookimpl
        def riskcore_risk_factors(self, subject):
            stop.wait(HUNG_FOR)

    pm = _pm(("slow", Slow()), timeout=TINY)
    cat = default_catalog(PluginManager(autoload=False))
    reg = identify(assess(small_case, pm=pm), cat, small_case, pm=pm)
    failed = _failed(reg, "riskcore_risk_factors")
    assert failed == {
        ("slow", s, "PluginTimeoutError") for s in ("p", "t-1", "c-1", "c-2")
    }


def test_timeout_setting(monkeypatch):
    monkeypatch.delenv("RISKCORE_PLUGIN_TIMEOUT", raising=False)
    assert _pm().timeout == DEFAULT_TIMEOUT == 30.0
    monkeypatch.setenv("RISKCORE_PLUGIN_TIMEOUT", "0.25")
    assert _pm().timeout == 0.25
    assert _pm(timeout=2).timeout == 2.0  # the argument wins
    for bad in ("0", "-1", "nan", "soon"):
        monkeypatch.setenv("RISKCORE_PLUGIN_TIMEOUT", bad)
        with pytest.raises(PluginError, match="RISKCORE_PLUGIN_TIMEOUT"):
            _pm()
    monkeypatch.delenv("RISKCORE_PLUGIN_TIMEOUT")
    with pytest.raises(PluginError, match="positive number of seconds"):
        _pm(timeout=0)


def test_env_timeout_is_honoured(small_case, stop, monkeypatch):
    monkeypatch.setenv("RISKCORE_PLUGIN_TIMEOUT", str(TINY))
    a = assess(small_case, pm=_pm(("hang", _sleeper(stop))))
    assert ("hang", "c-1", "PluginTimeoutError") in _failed(a)


def test_timeout_does_not_change_a_result(small_case):
    """A plugin that returns in time gives the same scores with any timeout."""
    results = [
        assess(small_case, pm=_pm(("good", Good()), timeout=t))
        for t in (TINY, 30, math.inf)
    ]
    assert results[0] == results[1] == results[2]
    assert results[0].complete
    assert len(results[0].scores) == 2


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="POSIX only")
def test_real_ctrl_c_still_stops_the_run(small_case, stop, monkeypatch):
    """SIGINT delivered to the main thread while it waits for a plugin ends
    the run with KeyboardInterrupt (the plugin's own are recorded instead)."""
    monkeypatch.setattr(signal, "SIGINT", signal.SIGINT)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    main = threading.main_thread().ident
    assert threading.get_ident() == main
    timer = threading.Timer(0.1, signal.pthread_kill, (main, signal.SIGINT))
    hang = _sleeper(stop)
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            assess(small_case, pm=_pm(("hang", hang), timeout=HUNG_FOR))
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, old)
    # The interrupt ended the run, not the plugin returning nor its timeout
    # (a timeout is recorded, not raised, so it could not satisfy raises()).
    assert not hang.ended.is_set()


# ---------------------------------------------------- loading, names, shadowing


def test_import_and_syntax_errors_at_load(install_dist, small_case):
    install_dist(
        "riskcore-broken",
        {"broken": "rc_fault_imp"},
        rc_fault_imp="import riskcore_does_not_exist\n",
    )
    install_dist(
        "riskcore-syntax",
        {"syntax": "rc_fault_syn"},
        rc_fault_syn="def riskcore_assess(subject:\n",
    )
    pm = PluginManager()
    assert {(r.name, r.status) for r in pm.failures} == {
        ("broken", PluginStatus.FAILED),
        ("syntax", PluginStatus.FAILED),
    }
    a = assess(small_case, pm=pm)
    assert {
        (f.plugin, f.hook, f.error_type) for f in a.failures if f.hook == "load"
    } == {
        ("broken", "load", "ModuleNotFoundError"),
        ("syntax", "load", "SyntaxError"),
    }
    assert not a.complete


def test_registered_twice(install_dist):
    """Two distributions claiming one name: which is meant is unknown, so
    neither is loaded and both are listed; registering an object under a taken
    name raises."""
    install_dist("riskcore-toy", {"toy": "rc_twice_a"}, rc_twice_a="x = 1\n")
    install_dist("riskcore-toy2", {"toy": "rc_twice_b"}, rc_twice_b="x = 2\n")
    pm = PluginManager()
    assert pm.pluggy.get_plugin("toy") is None
    assert pm.record("toy").status is PluginStatus.FAILED
    assert sorted((r.name, r.distribution) for r in pm.failures) == [
        ("toy", "riskcore-toy"),
        ("toy", "riskcore-toy2"),
    ]
    assert all(
        "already used by another distribution (riskcore-toy, riskcore-toy2)"
        in (r.error or "")
        for r in pm.failures
    )
    pm.register(Good(), name="good")
    with pytest.raises(PluginError, match="ValueError"):
        pm.register(Good(), name="good")


_FAKE_SAFETY = """
from riskcore import hookimpl

@hookimpl
def riskcore_assess(subject):
    return None
"""


def test_builtin_names_are_one_documented_set():
    names = {
        p.name.removeprefix("riskcore-")
        for p in (Path(__file__).parents[1] / "plugins").iterdir()
        if p.is_dir()
    }
    assert set(BUILTIN_DISTRIBUTIONS) == names
    assert all(v == f"riskcore-{k}" for k, v in BUILTIN_DISTRIBUTIONS.items())


def test_shadowing_a_builtin_is_refused(install_dist, small_case):
    install_dist("evil-safety", {"safety": "rc_shadow_a"}, rc_shadow_a=_FAKE_SAFETY)
    pm = PluginManager()
    rec = pm.record("safety")
    assert rec.status is PluginStatus.FAILED
    assert rec.distribution == "evil-safety"
    assert "belongs to riskcore's built-in plugin riskcore-safety" in (rec.error or "")
    assert "RISKCORE_OVERRIDE_PLUGINS=safety" in (rec.error or "")
    assert pm.pluggy.get_plugin("safety") is None
    a = assess(small_case, pm=pm)
    assert ("safety", "load") in {(f.plugin, f.hook) for f in a.failures}
    assert not a.complete
    with pytest.raises(PluginError, match="belongs to riskcore's built-in"):
        PluginManager(strict=True)


def test_shadow_never_replaces_the_genuine_builtin(install_dist):
    """Whatever the order on sys.path, the built-in's own distribution keeps
    its name and the look-alike is listed as failed."""
    install_dist("aaa-safety", {"safety": "rc_shadow_b"}, rc_shadow_b=_FAKE_SAFETY)
    install_dist("riskcore-safety", {"safety": "rc_shadow_c"}, rc_shadow_c=_FAKE_SAFETY)
    pm = PluginManager()
    rec = pm.record("safety")
    assert (rec.status, rec.distribution) == (PluginStatus.ACTIVE, "riskcore-safety")
    assert [(r.name, r.distribution) for r in pm.failures] == [("safety", "aaa-safety")]


def test_shadow_allowed_when_named(install_dist, monkeypatch):
    install_dist("riskcore-safety", {"safety": "rc_shadow_d"}, rc_shadow_d=_FAKE_SAFETY)
    install_dist("my-safety", {"safety": "rc_shadow_e"}, rc_shadow_e=_FAKE_SAFETY)
    monkeypatch.setenv("RISKCORE_OVERRIDE_PLUGINS", "safety")
    pm = PluginManager()
    rec = pm.record("safety")
    assert (rec.status, rec.distribution) == (PluginStatus.ACTIVE, "my-safety")
    assert pm.failures == ()
    monkeypatch.delenv("RISKCORE_OVERRIDE_PLUGINS")
    assert (
        PluginManager(override=["safety"]).record("safety").distribution == "my-safety"
    )


# --------------------------------------------- critical risks, views, mutation


@pytest.fixture(scope="module")
def example() -> Case:
    return load_case(EXAMPLE)


def _critical_run(example: Case, *extra: tuple[str, object]):
    pm = _pm(("safety", safety_hooks), *extra)
    cat = default_catalog(
        PluginManager(autoload=False, plugins=[("safety", safety_hooks)])
    )
    a = assess(example, pm=pm)
    return a, identify(a, cat, example, pm=pm)


def test_protective_factor_cannot_lower_a_critical_risk(example):
    class Lowering:
        @hookimpl
        def riskcore_risk_factors(self, subject):
            if subject.id == "c-04":
                return [
                    RiskFactor(
                        threat="client-self-harm",
                        subject="c-04",
                        odds_ratio=1e-6,
                        reason="imputed as fine",
                    )
                ]
            return None

    _, before = _critical_run(example)
    _, reg = _critical_run(example, ("lowering", Lowering()))
    risk = reg.risk(risk_id("client-self-harm", "c-04"))
    order = [lv.name for lv in reg.matrix.levels]
    assert risk.critical
    assert risk.critical_reasons
    assert order.index(risk.level) >= order.index(reg.matrix.critical_floor)
    assert order.index(risk.inherent_level) >= order.index(reg.matrix.critical_floor)
    assert risk.level == before.risk(risk.id).level
    assert ("lowering", pytest.approx(1e-6)) in risk.plugin_effects()


def test_a_score_without_the_flag_cannot_remove_it(example):
    class Imputer:
        """Returns c-04's PHQ-9 as if item 9 were 0: no critical flag."""

        @hookimpl
        def riskcore_assess(self, subject):
            if subject.id != "c-04":
                return None
            return [
                Score(
                    subject="c-04",
                    subject_kind=subject.KIND,
                    instrument="phq9",
                    value=3,
                    minimum=0,
                    maximum=27,
                    band="minimal",
                )
            ]

    a, reg = _critical_run(example, ("imputer", Imputer()))
    assert ("c-04", "phq9.item9-positive") in {
        (s.subject, f.code) for s, f in a.critical_flags
    }
    assert reg.risk(risk_id("client-self-harm", "c-04")).critical


def test_mutating_the_case_is_refused_and_named(example):
    """A plugin that sorts first and edits c-04's answers in place gets a
    TypeError (its failure); others see, and the case keeps, the answers."""

    class Mutator:
        @hookimpl
        def riskcore_assess(self, subject, case):
            for r in case.responses_for(subject.id):
                if "9" in r.items:
                    r.items["9"] = 0
            return

    before = [dict(r.items) for r in example.responses]
    a, reg = _critical_run(example, ("a-mutator", Mutator()))
    assert ("a-mutator", "c-04", "TypeError") in _failed(a)
    assert not a.complete
    assert [dict(r.items) for r in example.responses] == before
    assert reg.risk(risk_id("client-self-harm", "c-04")).critical


def test_readonly_view_is_made_once(example):
    view = readonly_case(example)
    assert readonly_case(example) is view
    assert readonly_case(view) is view
    assert view == example
    with pytest.raises(TypeError):
        view.responses[0].answers["x"] = "y"


def test_report_shows_plugin_effects_on_critical_risks(example):
    from riskcore.report import render
    from riskcore.workflow import build_plan

    class Lowering:
        @hookimpl
        def riskcore_risk_factors(self, subject):
            if subject.id == "c-04":
                return [
                    RiskFactor(
                        threat="client-self-harm",
                        subject="c-04",
                        odds_ratio=0.5,
                        reason="protective",
                    )
                ]
            return None

    pm = PluginManager(
        autoload=False, plugins=[("safety", safety_hooks), ("lowering", Lowering())]
    )
    report = build_plan(example, pm=pm, n=20, seed=1)
    md = render(report, "markdown")
    assert "Plugin effects on critical risks" in md
    assert "| client-self-harm:c-04 | lowering | 0.5 |" in md
    html = render(report, "html")
    assert "<td>client-self-harm:c-04</td><td>lowering</td><td>0.5</td>" in html


# --------------------------------------------------------- confidentiality


class _Leaky:
    @hookimpl
    def riskcore_assess(self, subject):
        raise ValueError(SECRET)

    @hookimpl
    def riskcore_risk_factors(self, subject):
        raise ValueError(SECRET)


def test_failure_text_is_redacted_everywhere(small_case, caplog):
    caplog.set_level(logging.DEBUG)
    pm = _pm(("leaky", _Leaky()), trace=True)
    a = assess(small_case, pm=pm)
    cat = default_catalog(PluginManager(autoload=False))
    reg = identify(a, cat, small_case, pm=pm)
    failures = [*a.failures, *reg.failures]
    assert {
        f.detail
        for f in failures
        if f.plugin == "leaky" and f.error_type != "UnscoredInstrument"
    } == {f"raised ValueError: <redacted: a string of {len(SECRET)} characters>"}
    texts = [
        dumps(a, indent=2),
        dumps(reg, indent=2),
        caplog.text,
        repr(a),
        repr(reg),
        *map(repr, failures),
        *(f.summary() for f in failures),
    ]
    for text in texts:
        assert SECRET not in text
        assert "555-123-4567" not in text


def test_failure_text_kept_with_the_opt_in(small_case):
    from riskcore.errors import showing_values

    with showing_values():
        a = assess(small_case, pm=_pm(("leaky", _Leaky())))
    assert f"raised ValueError: {SECRET!r}" in {f.detail for f in a.failures}


_LEAKY_SOURCE = f"""
from riskcore import hookimpl

@hookimpl
def riskcore_assess(subject):
    raise ValueError({SECRET!r})

@hookimpl
def riskcore_risk_factors(subject):
    raise ValueError({SECRET!r})
"""


@pytest.mark.parametrize("suffix", [".json", ".md", ".html"])
def test_cli_outputs_never_carry_the_failure_text(
    install_dist, tmp_path, capsys, caplog, suffix
):
    from riskcore.cli import main

    caplog.set_level(logging.DEBUG)
    install_dist("riskcore-leaky", {"leaky": "rc_leaky_a"}, rc_leaky_a=_LEAKY_SOURCE)
    case = tmp_path / "case.yaml"
    case.write_text(EXAMPLE.read_text())
    a_out = tmp_path / "a.json"
    r_out = tmp_path / f"report{suffix}"
    assert main(["assess", str(case), "-o", str(a_out), "--trace"]) == 3
    assert main(["plan", str(case), "-o", str(r_out), "--trials", "20"]) == 3
    captured = capsys.readouterr()
    for text in (
        a_out.read_text(),
        r_out.read_text(),
        captured.out,
        captured.err,
        caplog.text,
    ):
        assert "555-123-4567" not in text
        assert "1980-02-03" not in text
        assert "Jane Doe" not in text
    assert "leaky" in a_out.read_text()


class _TwoInstruments:
    """Scores "toy" and "k10"; raises on a K10 answer of 7 (issue 20)."""

    @hookimpl
    def riskcore_assess(self, subject, case):
        out = []
        for r in case.history(subject.id):
            if r.items.get("1") == 7:
                raise ValueError("k10 item 1 out of range")
            out.append(
                Score(
                    subject=subject.id,
                    subject_kind=subject.KIND,
                    instrument=r.instrument,
                    value=float(r.items["1"]),
                )
            )
        return out


def test_one_bad_instrument_leaves_the_subjects_others_scored() -> None:
    """Issue 20: the plugin failed on c-1's K10 (it raised for the whole
    subject); it is called again one instrument at a time, so c-1's toy score
    is kept, the failure is recorded, and the unscored K10 says the plugin
    failed instead of "no active plugin scores it"."""
    from riskcore.model import Client, InstrumentResponse, Practice

    case = Case(
        id="two",
        practice=Practice(id="p"),
        clients=[Client(id="c-1")],
        responses=[
            InstrumentResponse(instrument="toy", subject="c-1", items={"1": 2}),
            InstrumentResponse(instrument="k10", subject="c-1", items={"1": 7}),
        ],
        synthetic=True,
    )
    a = assess(case, pm=_pm(("two", _TwoInstruments())))
    assert [(s.instrument, s.value) for s in a.scores] == [("toy", 2.0)]
    assert not a.complete
    assert _failed(a) == {("two", "c-1", "ValueError")}
    reasons = a.incomplete_reasons
    assert (
        "c-1: instrument 'k10' was not scored: plugin two failed on this subject"
        in reasons
    )
    assert not any("no active plugin" in why for why in reasons)
