"""Jurisdiction obligations: the hook, fault isolation and the record types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from riskcore import hookimpl
from riskcore.errors import FieldError, PluginError
from riskcore.model import Assessment, Case, Client, Observation, Practice, Source
from riskcore.model.obligations import ChecklistItem, Obligation, ObligationStatus
from riskcore.obligations import evaluate_obligations as evaluate
from riskcore.plugins import PluginManager

CO_ELEMENTS = ["serious", "imminent", "physical", "identifiable-target"]


def _case(
    jurisdiction: str | None = "US-CO", qualifiers: list[str] = CO_ELEMENTS
) -> Case:
    return Case(
        id="k",
        practice=Practice(id="p", jurisdiction=jurisdiction),
        clients=[Client(id="c-1")],
        observations=[
            Observation(
                subject="c-1", code="threat-communicated", qualifiers=qualifiers
            )
        ],
    )


def _obligation(**kw: object) -> Obligation:
    base: dict[str, object] = {
        "id": "x.duty",
        "jurisdiction": "XX",
        "name": "Duty",
        "subject": "c-1",
        "citation": Source(citation="Act"),
        "effective": dt.date(2020, 1, 1),
        "checklist": [ChecklistItem(id="document", title="Document")],
    }
    base.update(kw)
    return Obligation(**base)  # type: ignore[arg-type]


class Good:
    @hookimpl
    def riskcore_obligations(self, case: Case) -> Iterator[Obligation]:
        yield _obligation(subject=case.clients[0].id)


class Crashes:
    @hookimpl
    def riskcore_obligations(self, case: Case, assessment: Assessment) -> None:
        raise RuntimeError("statute table missing")


class Invalid:
    @hookimpl
    def riskcore_obligations(self) -> object:
        return ["not an obligation"]


class NotIterable:
    @hookimpl
    def riskcore_obligations(self) -> object:
        return 42


class Single:
    @hookimpl
    def riskcore_obligations(self) -> Obligation:
        return _obligation()


class RaisesWhileIterated:
    @hookimpl
    def riskcore_obligations(self) -> Iterator[Obligation]:
        yield _obligation()
        raise ValueError("half-way")


def test_collects_in_plugin_name_order() -> None:
    pm = PluginManager(autoload=False, plugins=[("z", Single()), ("a", Good())])
    # The toy plugins answer for "XX": they cover it, so nothing is missing.
    r = evaluate(_case(jurisdiction="XX"), Assessment(case_id="k"), pm)
    assert r.complete
    assert [o.subject for o in r.obligations] == ["c-1", "c-1"]


@pytest.mark.parametrize(
    ("plugin", "error"),
    [
        (Crashes(), "RuntimeError"),
        (Invalid(), "InvalidResult"),
        (NotIterable(), "InvalidResult"),
        (RaisesWhileIterated(), "ValueError"),
    ],
)
def test_a_failing_plugin_is_reported_not_dropped(plugin: object, error: str) -> None:
    pm = PluginManager(autoload=False, plugins=[("bad", plugin), ("good", Good())])
    r = evaluate(_case(), Assessment(case_id="k"), pm)
    assert not r.complete
    assert [(f.plugin, f.hook, f.error_type) for f in r.failures] == [
        ("bad", "riskcore_obligations", error)
    ]
    assert len(r.obligations) == 1  # the good plugin still answered


def test_strict_raises() -> None:
    pm = PluginManager(autoload=False, plugins=[("bad", Crashes())])
    with pytest.raises(
        PluginError, match="bad: riskcore_obligations failed with RuntimeError"
    ):
        evaluate(_case(), Assessment(case_id="k"), pm, strict=True)
    pm = PluginManager(autoload=False, plugins=[("bad", Invalid())])
    with pytest.raises(PluginError, match="InvalidResult"):
        evaluate(_case(), Assessment(case_id="k"), pm, strict=True)


def test_load_failures_make_the_result_incomplete() -> None:
    class Typo:
        @hookimpl(optionalhook=False)
        def riskcore_obligation(self) -> None:  # misspelt hook
            return None

    pm = PluginManager(autoload=False)
    with pytest.raises(PluginError):
        pm.register(Typo(), name="typo")
    pm._fail("typo", "PluginError: unknown hook", "riskcore-typo", "1.0", "typo.hooks")
    r = evaluate(_case(), Assessment(case_id="k"), pm)
    assert [(f.plugin, f.error_type, f.distribution) for f in r.failures] == [
        ("typo", "LoadFailure", "riskcore-typo")
    ]


def test_default_plugin_manager(monkeypatch: pytest.MonkeyPatch) -> None:
    import riskcore.obligations as mod

    pm = PluginManager(autoload=False, plugins=[("good", Good())])
    monkeypatch.setattr(mod, "get_plugin_manager", lambda: pm)
    assert len(evaluate(_case(), Assessment(case_id="k")).obligations) == 1


def test_obligation_validation() -> None:
    with pytest.raises(FieldError, match="checklist"):
        _obligation(checklist=[])
    with pytest.raises(FieldError, match="repeats"):
        _obligation(
            checklist=[
                ChecklistItem(id="a", title="A"),
                ChecklistItem(id="a", title="B"),
            ]
        )
    with pytest.raises(FieldError, match="any_of"):
        _obligation(checklist=[ChecklistItem(id="a", title="A", any_of=["zz"])])
    with pytest.raises(FieldError, match="missing"):
        _obligation(missing=["imminent"])
    with pytest.raises(FieldError, match="effective"):
        _obligation(effective="2020-01-01")
    o = _obligation(status=ObligationStatus.REVIEW, missing=["imminent"])
    assert o.missing == ("imminent",)


def test_hookspec_is_documented() -> None:
    from riskcore import hookspecs

    doc = hookspecs.riskcore_obligations.__doc__ or ""
    for needle in (
        ":param case:",
        ":param assessment:",
        ":return:",
        "Example::",
        ".. versionadded:: 0.1",
    ):
        assert needle in doc
    assert "riskcore_obligations" in hookspecs.__all__
