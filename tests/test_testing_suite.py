"""riskcore.testing.suite: the tests every plugin's suite has, each able to fail."""

from __future__ import annotations

import types
from typing import Any

import pytest

from riskcore import hookimpl
from riskcore.instruments import InstrumentSpec, uniform_items
from riskcore.model import (
    AssessorInfo,
    Case,
    Client,
    InstrumentResponse,
    Practice,
    RiskFactor,
    SubjectKind,
)
from riskcore.plugins import PluginManager, PluginStatus
from riskcore.testing import (
    ConformanceError,
    assert_active,
    assert_light_import,
    assert_paths_agree,
    factor_risks,
    suite,
)

TOY = InstrumentSpec(id="toy", name="Toy", items=uniform_items(3, 0, 2))


def test_an_installed_plugin_is_active() -> None:
    record = assert_active("safety")
    assert record.status is PluginStatus.ACTIVE
    assert "riskcore_assess" in record.hooks


def test_a_plugin_that_failed_to_load_is_not_active(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a failed plugin has a record: `record is not None` would pass
    failed = types.SimpleNamespace(
        status=PluginStatus.FAILED, error="ImportError: no module named x"
    )
    pm = types.SimpleNamespace(record=lambda name: failed)
    monkeypatch.setattr(suite, "PluginManager", lambda **kw: pm)
    with pytest.raises(ConformanceError, match="'x' is failed, not active: Import"):
        assert_active("x")


def test_a_light_module_passes_and_a_heavy_one_is_named() -> None:
    assert_light_import("riskcore_safety.hooks")
    with pytest.raises(ConformanceError, match="imports numpy: import it inside"):
        assert_light_import("numpy.linalg", heavy=["numpy", "nope"])


def test_a_module_that_cannot_be_imported_is_a_failure() -> None:
    with pytest.raises(
        ConformanceError, match=r"importing no_such_mod failed: .*No.*Error"
    ):
        assert_light_import("no_such_mod")


def test_paths_that_disagree_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    assert_paths_agree(TOY, examples=5)
    real = InstrumentSpec.score_array

    def skewed(self: InstrumentSpec, data: Any, *, lenient: bool = False) -> Any:
        res = real(self, data, lenient=lenient)
        res.values["total"] = np.asarray(res.values["total"]) + 1
        return res

    monkeypatch.setattr(InstrumentSpec, "score_array", skewed)
    with pytest.raises(ConformanceError, match=r"paths of .toy. disagree on .*total"):
        assert_paths_agree(TOY, examples=5)


class Toy:
    """Scores TOY for clients; a high total moves client-self-harm."""

    subject_of_factor: str | None = None

    @hookimpl
    def riskcore_assessor_info(self) -> AssessorInfo:
        return AssessorInfo(
            name="toy",
            summary="toy",
            instruments=["toy"],
            threats=["client-self-harm"],
            subject_kinds=[SubjectKind.CLIENT],
        )

    @hookimpl
    def riskcore_instruments(self) -> Any:
        return [TOY]

    @hookimpl
    def riskcore_assess(self, subject: Any, case: Case) -> Any:
        return [
            s
            for r in case.responses_for(subject.id)
            for s in TOY.to_scores(r, subject.KIND)
        ]

    @hookimpl
    def riskcore_risk_factors(self, subject: Any, scores: Any) -> Any:
        return [
            RiskFactor(
                threat="client-self-harm",
                subject=self.subject_of_factor or subject.id,
                odds_ratio=2.0,
                reason="toy high",
            )
            for s in scores
            if s.instrument == "toy" and (s.value or 0) >= 5
        ]


def _with(monkeypatch: pytest.MonkeyPatch, plugin: object) -> Case:
    pm = PluginManager(autoload=False)
    pm.register(plugin, name="toy")
    monkeypatch.setattr(suite, "PluginManager", lambda **kw: pm)
    answers = {"1": 2, "2": 2, "3": 2}
    return Case(
        id="k",
        practice=Practice(id="p"),
        clients=[Client(id="c-1"), Client(id="c-2")],
        responses=[
            InstrumentResponse(instrument="toy", subject="c-1", items=answers),
            InstrumentResponse(instrument="toy", subject="c-2", items={"1": 0}),
        ],
    )


def test_factor_risks_are_the_risks_a_plugin_factor_moved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = _with(monkeypatch, Toy())
    moved = {(r.threat, r.subject) for r in factor_risks(case, "toy")}
    assert moved == {("client-self-harm", "c-1")}


def test_factor_risks_fail_when_the_register_refuses_a_factor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = Toy()
    bad.subject_of_factor = "c-9"  # a factor about another subject
    case = _with(monkeypatch, bad)
    with pytest.raises(ConformanceError, match="register refused what plugin 'toy'"):
        factor_risks(case, "toy")
