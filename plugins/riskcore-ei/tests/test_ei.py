"""Tests of riskcore-ei, derived from the published WLEIS scoring rules."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

import riskcore
from riskcore.instruments import InstrumentSpec, score_items
from riskcore.model import (
    Case,
    Client,
    InstrumentResponse,
    Practice,
    Professional,
    Score,
)
from riskcore.testing import assert_light_import, assert_paths_agree, factor_risks
from riskcore_ei import hooks
from riskcore_ei.instruments import NOT_MEASURED, SPECS, WLEIS

SUBSCALES = {
    "sea": range(1, 5),
    "oea": range(5, 9),
    "uoe": range(9, 13),
    "roe": range(13, 17),
}


def case_with(*responses: InstrumentResponse) -> Case:
    return Case(
        id="k",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1")],
        clients=[Client(id="c-1", clinician="t-1")],
        responses=responses,
    )


def resp(values: dict[str, int | None]) -> InstrumentResponse:
    return InstrumentResponse(instrument="wleis", subject="t-1", items=values)


def scored(values: dict[str, int | None]) -> dict[tuple[str, str], Score]:
    case = case_with(resp(values))
    return {
        (s.instrument, s.scale): s
        for s in hooks.riskcore_assess(case.subject("t-1"), case) or []
    }


def same(value: int | None) -> dict[str, int | None]:
    return {str(i): value for i in range(1, 17)}


def factors(values: dict[str, int | None]) -> dict[str, float]:
    case = case_with(resp(values))
    subj = case.subject("t-1")
    got = (
        hooks.riskcore_risk_factors(subj, hooks.riskcore_assess(subj, case) or [], case)
        or []
    )
    return {f.threat: f.odds_ratio for f in got}


@pytest.mark.parametrize("value", [1, 7])
def test_all_minimum_and_maximum(value: int) -> None:
    s = scored(same(value))
    assert s[("wleis", "total")].value == value
    assert all(s[("wleis", k)].value == value for k in SUBSCALES)


@pytest.mark.parametrize(("name", "positions"), list(SUBSCALES.items()))
def test_each_subscale_is_the_mean_of_its_items(name: str, positions: range) -> None:
    values = same(1)
    for i, p in enumerate(positions):
        values[str(p)] = 4 + i  # 4, 5, 6, 7 -> mean 5.5
    s = scored(values)
    assert s[("wleis", name)].value == 5.5
    assert all(s[("wleis", o)].value == 1 for o in SUBSCALES if o != name)
    assert s[("wleis", "total")].value == pytest.approx((22 + 12) / 16)


def test_no_reverse_items() -> None:
    assert WLEIS.reverse == ()


def test_strict_missing() -> None:
    values = same(5)
    values["16"] = None
    s = scored(values)
    assert s[("wleis", "total")].value is None
    assert s[("wleis", "roe")].value is None
    assert s[("wleis", "sea")].value == 5
    assert s[("ei-domains", "self-management")].value is None
    assert s[("ei-domains", "self-awareness")].value == 5


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"1": 0}, "item 1: 0 is not in [1, 7]"),
        ({"2": 8}, "item 2: 8"),
        ({"3": 4.5}, "item 3: 4.5"),
        ({"4": math.nan}, "item 4: nan"),
        ({"17": 4}, "item 17"),
    ],
)
def test_bad_input(values: dict[str, Any], fragment: str) -> None:
    # Issue 14: a bad answer invalidates its item, not the response.
    r = score_items(WLEIS, values, subject="t-9")
    assert set(r.invalid) == set(values)
    assert not r.complete
    assert fragment.split(":")[0].removeprefix("item ") in r.invalid


# ------------------------------------------------------------------ domains


def test_domain_map_is_inferred_and_relationship_management_not_measured() -> None:
    values = {
        **{str(i): 2 for i in range(1, 5)},
        **{str(i): 3 for i in range(5, 9)},
        **{str(i): 5 for i in range(9, 13)},
        **{str(i): 7 for i in range(13, 17)},
    }
    s = scored(values)
    assert s[("ei-domains", "self-awareness")].value == 2  # SEA
    assert s[("ei-domains", "self-management")].value == 6  # mean(ROE 7, UOE 5)
    assert s[("ei-domains", "social-awareness")].value == 3  # OEA
    rm = s[("ei-domains", "relationship-management")]
    assert rm.value is None
    assert rm.missing_reason == NOT_MEASURED
    assert rm.band is None


@pytest.mark.parametrize(("value", "band"), [(3, "low"), (4, "not-low")])
def test_low_domain_edge(value: int, band: str) -> None:
    assert scored(same(value))[("ei-domains", "self-awareness")].band == band


def test_low_domains_raise_burnout_and_boundary_erosion_strongest_only() -> None:
    assert factors(same(3)) == {"burnout": 1.4, "boundary-erosion": 1.5}
    assert factors(same(4)) == {}
    only_oea_low = same(6)
    for i in range(5, 9):
        only_oea_low[str(i)] = 2
    assert factors(only_oea_low) == {"boundary-erosion": 1.2}


def test_incomplete_wleis_that_could_be_low_fails_closed() -> None:
    """Issue 13, finding 3: an incomplete WLEIS left its domains without a
    value and added no factor, though they could still be low."""
    values = same(4)
    values["13"] = None  # ROE (self-management with UOE): 4,4,4 + 1..7
    got = factors(values)
    # self-management = mean(UOE 4, ROE 3.25..5) could be 3.625 < 4: low
    assert got == {"burnout": 1.4, "boundary-erosion": 1.5}
    case = case_with(resp(values))
    subj = case.subject("t-1")
    [f, _] = (
        hooks.riskcore_risk_factors(subj, hooks.riskcore_assess(subj, case) or [], case)
        or []
    )
    assert f.reason == (
        "self-management could be low (WLEIS, riskcore's inferred domain map) with "
        "1 unanswered item (possible from 3.625; fail closed)"
    )
    high = same(6)
    high["13"] = None  # 6,6,6 + 1..7 -> ROE >= 4.75: cannot be low
    assert factors(high) == {}


def test_not_measured_domain_raises_nothing() -> None:
    got = factors(same(7))
    assert got == {}


def test_never_touches_clients() -> None:
    case = case_with()
    assert hooks.riskcore_risk_factors(case.subject("c-1"), [], case) is None


# ------------------------------------------------------------------ plugin


def test_discovered_through_entry_point() -> None:
    rec = riskcore.PluginManager().record("ei")
    assert rec is not None
    assert rec.status.value == "active"
    assert rec.distribution == "riskcore-ei"


def test_end_to_end_assess() -> None:
    a = riskcore.assess(
        case_with(resp(same(5))), pm=riskcore.PluginManager(allow=["ei"])
    )
    assert not a.failures
    # relationship management is shown as not measured: no data is missing, so
    # the assessment stays complete and nothing is guessed
    assert a.complete
    (rm,) = [s for s in a.scores if s.scale == "relationship-management"]
    assert (rm.measured, rm.value, rm.missing_reason) == (
        False,
        None,
        "not measured by WLEIS",
    )
    assert {s.instrument for s in a.scores} == {"wleis", "ei-domains"}


def test_latest_administration_counts() -> None:
    low = InstrumentResponse(
        instrument="wleis",
        subject="t-1",
        items=same(2),
        administered=dt.date(2026, 5, 1),
    )
    high = InstrumentResponse(
        instrument="wleis",
        subject="t-1",
        items=same(6),
        administered=dt.date(2026, 1, 1),
    )
    case = case_with(low, high)  # file order is not date order
    subj = case.subject("t-1")
    scores = hooks.riskcore_assess(subj, case) or []
    totals = [s.value for s in scores if (s.instrument, s.scale) == ("wleis", "total")]
    assert totals == [6, 2]  # oldest first
    got = hooks.riskcore_risk_factors(subj, scores, case) or []
    assert {f.threat: f.odds_ratio for f in got} == {
        "burnout": 1.4,
        "boundary-erosion": 1.5,
    }


# --------------------------------------------- object and columnar paths agree


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_object_and_columnar_paths_agree(spec: InstrumentSpec) -> None:
    assert_paths_agree(spec, examples=25)


def test_hook_module_is_cheap_to_import() -> None:
    assert_light_import("riskcore_ei.hooks")


def test_identify_accepts_every_factor_with_the_default_catalog() -> None:
    case = case_with(resp(same(2)))
    moved_risks = factor_risks(case, "ei")
    assert {(r.threat, r.subject) for r in moved_risks} == {
        ("burnout", "t-1"),
        ("boundary-erosion", "t-1"),
    }
