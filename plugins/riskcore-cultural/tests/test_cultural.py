"""Tests of riskcore-cultural, from the rules stated in its README."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import riskcore
from riskcore.errors import InstrumentError
from riskcore.model import (
    Case,
    Client,
    InstrumentResponse,
    Practice,
    Professional,
    ProtectedAttributes,
    RiskFactor,
    Score,
)
from riskcore.testing import assert_light_import, factor_risks, guarded_view
from riskcore.testing.strategies import protected_attributes
from riskcore_cultural import hooks
from riskcore_cultural.instruments import check_chs_items, shares_language

GUARDED = {
    "in-session-aggression",
    "staff-physical-harm",
    "third-party-violence",
    "emotional-outburst",
    "client-self-harm",
}


def make_case(
    *,
    client_langs: tuple[str, ...] = ("en",),
    clinician_langs: tuple[str, ...] = ("en",),
    hours: float | None = 10.0,
    responses: tuple[InstrumentResponse, ...] = (),
    protected: ProtectedAttributes | None = None,
) -> Case:
    prot = protected or ProtectedAttributes(languages=client_langs)
    return Case(
        id="k",
        practice=Practice(id="p"),
        professionals=[
            Professional(
                id="t-1", languages=clinician_langs, cultural_training_hours=hours
            )
        ],
        clients=[Client(id="c-1", clinician="t-1", protected=prot)],
        responses=responses,
    )


def scores(case: Case, subject: str) -> dict[str, Score]:
    got = hooks.riskcore_assess(case.subject(subject), case) or []
    return {f"{s.instrument}.{s.scale}": s for s in got}


def factors(case: Case, subject: str = "c-1") -> list[RiskFactor]:
    subj = case.subject(subject)
    return (
        hooks.riskcore_risk_factors(subj, list(scores(case, subject).values()), case)
        or []
    )


# ------------------------------------------------------------------ language


def test_shared_language_scores_one_without_flag() -> None:
    s = scores(make_case(client_langs=("es", "en-GB"), clinician_langs=("EN",)), "c-1")
    fit = s["language-fit.concordance"]
    assert fit.value == 1.0
    assert fit.flags == ()


def test_no_shared_language_raises_interpreter_flag_and_rupture_factors() -> None:
    case = make_case(client_langs=("fa",), clinician_langs=("en",))
    fit = scores(case, "c-1")["language-fit.concordance"]
    assert fit.value == 0.0
    assert [f.code for f in fit.flags] == ["interpreter.needed"]
    threats = sorted((f.threat, f.odds_ratio) for f in factors(case))
    assert ("cultural-rupture", 2.0) in threats
    assert ("dropout-after-rupture", 1.5) in threats


def test_unrecorded_languages_are_incomplete_not_concordant() -> None:
    fit = scores(make_case(client_langs=()), "c-1")["language-fit.concordance"]
    assert fit.value is None
    assert fit.missing_reason
    assert shares_language([], ["en"]) is None


def test_client_without_clinician_has_no_language_score() -> None:
    case = Case(id="k", practice=Practice(id="p"), clients=[Client(id="c-1")])
    assert "language-fit.concordance" not in scores(case, "c-1")


# -------------------------------------------------------------- preparation


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(0.0, 1.3), (1.0, None), (39.9, None), (40.0, 0.8), (120.0, 0.8)],
)
def test_preparation_factor_edges(hours: float, expected: float | None) -> None:
    case = make_case(hours=hours)
    assert scores(case, "t-1")["cultural-preparation.hours"].value == hours
    prep = [f for f in factors(case) if f.score == "cultural-preparation.hours"]
    assert [f.odds_ratio for f in prep] == ([] if expected is None else [expected])


def test_unrecorded_preparation_is_incomplete() -> None:
    s = scores(make_case(hours=None), "t-1")["cultural-preparation.hours"]
    assert s.value is None
    assert s.missing_reason
    assert not [
        f for f in factors(make_case(hours=None)) if "preparation" in (f.score or "")
    ]


# ---------------------------------------------------------------------- CFI


def test_cfi_presence_only_never_scored() -> None:
    cfi = InstrumentResponse(
        instrument="cfi", subject="c-1", answers={"1": "free text"}
    )
    with_cfi = scores(make_case(responses=(cfi,)), "c-1")["cfi.recorded"]
    without = scores(make_case(), "c-1")["cfi.recorded"]
    assert (with_cfi.value, without.value) == (1.0, 0.0)
    assert "cfi.total" not in scores(make_case(responses=(cfi,)), "c-1")
    protective = [
        f for f in factors(make_case(responses=(cfi,))) if f.score == "cfi.recorded"
    ]
    assert [f.odds_ratio for f in protective] == [0.85]


# ---------------------------------------------------------------------- CHS


def test_chs_answers_stored_not_scored() -> None:
    chs = InstrumentResponse(
        instrument="chs",
        subject="c-1",
        about="t-1",
        items={str(i): 3 for i in range(1, 13)},
    )
    s = scores(make_case(responses=(chs,)), "c-1")
    assert s["chs.answered"].value == 12
    assert s["chs.answered"].band == "stored-not-scored"
    assert "chs.total" not in s
    assert not [
        f for f in factors(make_case(responses=(chs,))) if "chs" in (f.score or "")
    ]


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        ({"1": 0}, "item 1"),
        ({"2": 6}, "item 2"),
        ({"3": 2.5}, "item 3"),
        ({"4": float("nan")}, "item 4"),
        ({"5": float("inf")}, "item 5"),
        ({"13": 3}, "unknown item '13'"),
    ],
)
def test_chs_bad_input_names_instrument_respondent_item(
    items: dict[str, float], fragment: str
) -> None:
    with pytest.raises(InstrumentError) as err:
        check_chs_items(items, "c-9")
    assert "chs" in str(err.value)
    assert "c-9" in str(err.value)
    assert fragment in str(err.value)


# ------------------------------------------------------------------ plugin


def test_discovered_through_entry_point() -> None:
    pm = riskcore.PluginManager()
    rec = pm.record("cultural")
    assert rec is not None
    assert rec.status.value == "active"
    assert rec.distribution == "riskcore-cultural"


def test_end_to_end_assess() -> None:
    cfi = InstrumentResponse(instrument="cfi", subject="c-1", answers={"1": "x"})
    case = make_case(client_langs=("fa",), responses=(cfi,))
    pm = riskcore.PluginManager(allow=["cultural"])
    a = riskcore.assess(case, pm=pm)
    assert a.complete, a.incomplete_reasons
    got = {(s.subject, s.instrument, s.scale) for s in a.scores}
    assert ("c-1", "language-fit", "concordance") in got
    assert ("t-1", "cultural-preparation", "hours") in got
    assert all(s.plugin == "cultural" for s in a.scores)


def test_factors_only_touch_cultural_threats() -> None:
    case = make_case(client_langs=("fa",), hours=0.0)
    assert {f.threat for f in factors(case)} <= set(hooks.THREATS)
    assert not {f.threat for f in factors(case)} & GUARDED


# ---------------------------------------------------------------- fairness

_protected = protected_attributes()


SCREENS = {"phq9", "gad7", "cssrs-screener", "aggression-screen", "pcl5", "ace"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=_protected, b=_protected)
def test_protected_attributes_never_move_guarded_scores_or_factors(
    a: ProtectedAttributes, b: ProtectedAttributes
) -> None:
    responses = (
        InstrumentResponse(instrument="cfi", subject="c-1", answers={"1": "x"}),
    )
    base = make_case(protected=a, responses=responses)
    other = attrs.evolve(base, clients=[attrs.evolve(base.clients[0], protected=b)])
    assert guarded_view(base, SCREENS) == guarded_view(other, SCREENS)


def test_hook_module_is_cheap_to_import() -> None:
    assert_light_import("riskcore_cultural.hooks")


def test_identify_accepts_every_factor_with_the_default_catalog() -> None:
    cfi = InstrumentResponse(instrument="cfi", subject="c-1", answers={"1": "x"})
    case = make_case(client_langs=("fa",), hours=0.0, responses=(cfi,))
    moved_risks = factor_risks(case, "cultural")
    assert {(r.threat, r.subject) for r in moved_risks} == {
        ("cultural-rupture", "c-1"),
        ("dropout-after-rupture", "c-1"),
    }
    assert all(r.category in {"cultural", "engagement"} for r in moved_risks)
