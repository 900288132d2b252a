"""Tests of riskcore-trauma, derived from the published scoring rules."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import riskcore
from riskcore.instruments import InstrumentSpec, score_items
from riskcore.model import (
    Case,
    Client,
    FlagLevel,
    InstrumentResponse,
    Practice,
    Professional,
    ProtectedAttributes,
    Score,
)
from riskcore.testing import (
    assert_light_import,
    assert_paths_agree,
    factor_risks,
    guarded_view,
)
from riskcore.testing.strategies import protected_attributes
from riskcore_trauma import hooks
from riskcore_trauma.instruments import ACE, PCL5, SPECS, pcl5_provisional_ptsd


def items(values: list[int | None]) -> dict[str, int | None]:
    return {str(i + 1): v for i, v in enumerate(values)}


def case_with(
    *responses: InstrumentResponse, protected: ProtectedAttributes | None = None
) -> Case:
    clients = [Client(id=f"c-{i}", clinician="t-1") for i in range(1, 5)]
    clients[0] = attrs.evolve(clients[0], protected=protected or ProtectedAttributes())
    return Case(
        id="k",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1")],
        clients=clients,
        responses=responses,
    )


def resp(
    instrument: str, values: dict[str, int | None], subject: str = "c-1"
) -> InstrumentResponse:
    return InstrumentResponse(instrument=instrument, subject=subject, items=values)


def scored(instrument: str, values: dict[str, int | None]) -> dict[str, Score]:
    case = case_with(resp(instrument, values))
    return {s.scale: s for s in hooks.riskcore_assess(case.subject("c-1"), case) or []}


def codes(s: Score) -> list[str]:
    return [f.code for f in s.flags]


# -------------------------------------------------------------------- PCL-5


def test_pcl5_all_minimum() -> None:
    s = scored("pcl5", items([0] * 20))
    assert (s["total"].value, s["total"].band, codes(s["total"])) == (
        0,
        "below-cutoff",
        [],
    )
    assert {
        k: s[k].value for k in ("cluster-b", "cluster-c", "cluster-d", "cluster-e")
    } == {
        "cluster-b": 0,
        "cluster-c": 0,
        "cluster-d": 0,
        "cluster-e": 0,
    }
    assert s["provisional-ptsd"].value == 0
    assert s["meets-cutoff-31"].value == 0


def test_pcl5_all_maximum() -> None:
    s = scored("pcl5", items([4] * 20))
    assert (s["total"].value, s["total"].band) == (80, "probable-ptsd")
    assert codes(s["total"]) == ["pcl5.probable-ptsd"]
    assert s["total"].flags[0].level is FlagLevel.WARNING
    assert [
        s[k].value for k in ("cluster-b", "cluster-c", "cluster-d", "cluster-e")
    ] == [
        20,
        8,
        28,
        24,
    ]
    assert s["provisional-ptsd"].value == 1


@pytest.mark.parametrize(
    ("cluster", "positions"),
    [
        ("cluster-b", range(1, 6)),
        ("cluster-c", (6, 7)),
        ("cluster-d", range(8, 15)),
        ("cluster-e", range(15, 21)),
    ],
)
def test_pcl5_each_cluster(cluster: str, positions: range | tuple[int, ...]) -> None:
    values = [0] * 20
    for p in positions:
        values[p - 1] = 3
    s = scored("pcl5", items(values))
    assert s[cluster].value == 3 * len(positions)
    assert s["total"].value == 3 * len(positions)
    others = {"cluster-b", "cluster-c", "cluster-d", "cluster-e"} - {cluster}
    assert all(s[o].value == 0 for o in others)


def _total(n: int) -> list[int]:
    values = [0] * 20
    for i in range(n):
        values[i % 20] += 1
    return values


@pytest.mark.parametrize(
    ("total", "band", "cut31", "flag"),
    [
        (30, "below-cutoff", 0, False),
        (31, "below-cutoff", 1, False),
        (32, "below-cutoff", 1, False),
        (33, "probable-ptsd", 1, True),
    ],
)
def test_pcl5_cut_points(total: int, band: str, cut31: int, flag: bool) -> None:
    s = scored("pcl5", items(_total(total)))
    assert (s["total"].value, s["total"].band) == (total, band)
    assert s["meets-cutoff-31"].value == cut31
    assert ("pcl5.probable-ptsd" in codes(s["total"])) is flag


def test_pcl5_provisional_rule_met_with_total_12() -> None:
    values = [0] * 20
    for p in (1, 6, 8, 9, 15, 16):
        values[p - 1] = 2
    s = scored("pcl5", items(values))
    assert s["total"].value == 12
    assert s["provisional-ptsd"].value == 1
    assert codes(s["total"]) == []


def test_pcl5_high_total_failing_cluster_c() -> None:
    values = [4] * 20
    values[5] = values[6] = 1  # items 6 and 7 below "Moderately"
    s = scored("pcl5", items(values))
    assert s["total"].value == 74
    assert s["provisional-ptsd"].value == 0
    assert "pcl5.probable-ptsd" in codes(s["total"])


@pytest.mark.parametrize(
    ("cluster_items", "needed"),
    [((1, 2), 1), ((6, 7), 1), ((8, 9, 10), 2), ((15, 16, 17), 2)],
)
def test_pcl5_provisional_rule_minimum_per_cluster(
    cluster_items: tuple[int, ...], needed: int
) -> None:
    base = {1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2}
    for p in cluster_items:
        base.pop(p, None)
    full = {str(i): 0 for i in range(1, 21)}
    for p, v in base.items():
        full[str(p)] = v
    # one short of the minimum in that cluster
    for p in cluster_items[: needed - 1]:
        full[str(p)] = 2
    assert pcl5_provisional_ptsd(full) is False
    full[str(cluster_items[needed - 1])] = 2
    assert pcl5_provisional_ptsd(full) is True
    full[str(cluster_items[needed - 1])] = 1  # "A little bit" does not count
    assert pcl5_provisional_ptsd(full) is False


def test_pcl5_strict_missing() -> None:
    values: list[int | None] = [4] * 20
    values[3] = None
    s = scored("pcl5", items(values))
    assert s["total"].value is None
    assert s["cluster-b"].value is None
    assert s["cluster-e"].value == 24  # a cluster with no missing item still scores
    assert s["provisional-ptsd"].value is None
    assert s["meets-cutoff-31"].value is None
    assert codes(s["total"]) == []


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"1": 5}, "item 1: 5 is not in [0, 4]"),
        ({"2": -1}, "item 2"),
        ({"3": 2.5}, "item 3: 2.5"),
        ({"4": math.nan}, "item 4: nan"),
        ({"21": 0}, "item 21"),
    ],
)
def test_pcl5_bad_input(values: dict[str, Any], fragment: str) -> None:
    # Issue 14: a bad answer invalidates its item, not the response.
    r = score_items(PCL5, values, subject="c-9")
    assert set(r.invalid) == set(values)
    assert not r.complete
    assert fragment.split(":")[0].removeprefix("item ") in r.invalid


# ---------------------------------------------------------------------- ACE


@pytest.mark.parametrize(
    ("n", "band", "flag"),
    [
        (0, "none", False),
        (1, "1-3", False),
        (3, "1-3", False),
        (4, "4-or-more", True),
        (10, "4-or-more", True),
    ],
)
def test_ace_count_bands_and_info_flag(n: int, band: str, flag: bool) -> None:
    s = scored("ace", items([1] * n + [0] * (10 - n)))["total"]
    assert (s.value, s.band) == (n, band)
    assert ("ace.4-or-more" in codes(s)) is flag
    if flag:
        assert s.flags[0].level is FlagLevel.INFO
        assert "cut point" in s.flags[0].message
        assert not s.critical


def test_ace_missing_is_incomplete() -> None:
    s = scored("ace", items([1] * 9 + [None]))["total"]
    assert s.value is None
    assert s.missing_reason


def test_ace_bad_input() -> None:
    r = score_items(ACE, {"1": 2}, subject="c-9")
    assert set(r.invalid) == set({"1": 2})
    assert not r.complete
    r = score_items(ACE, {"11": 1}, subject="c-9")
    assert set(r.invalid) == set({"11": 1})
    assert not r.complete


# ------------------------------------------------------------------ factors


@pytest.mark.parametrize(
    ("positive", "odds"), [(0, None), (1, 1.2), (2, 1.2), (3, 1.5)]
)
def test_caseload_trauma_load_on_secondary_traumatic_stress(
    positive: int, odds: float | None
) -> None:
    responses = [
        resp("pcl5", items([4] * 20 if i <= positive else [0] * 20), subject=f"c-{i}")
        for i in range(1, 5)
    ]
    case = case_with(*responses)
    got = hooks.riskcore_risk_factors(case.subject("t-1"), [], case) or []
    assert [f.odds_ratio for f in got] == ([] if odds is None else [odds])
    assert {f.threat for f in got} <= set(hooks.THREATS)
    assert hooks.riskcore_risk_factors(case.subject("c-1"), [], case) is None


def test_incomplete_pcl5_that_could_reach_33_fails_closed() -> None:
    """Issue 13, finding 3: an incomplete PCL-5 whose answered items could
    still cross the probable-PTSD cut-off (33) added no factor."""
    could = items([2] * 15 + [None] * 5)  # 30 answered + up to 20 -> 30..50
    cannot = items([0] * 15 + [None] * 5)  # 0 + up to 20: below 33 whatever
    case = case_with(resp("pcl5", could), resp("pcl5", cannot, subject="c-2"))
    [f] = hooks.riskcore_risk_factors(case.subject("t-1"), [], case) or []
    assert (f.threat, f.odds_ratio) == ("secondary-traumatic-stress", 1.2)
    assert f.reason == (
        "1 client(s) on the caseload screen positive for probable PTSD (PCL-5 >= 33), "
        "counting 1 whose incomplete PCL-5 could still reach 33: pcl5 total could "
        "reach band 'probable-ptsd' with 5 unanswered items (possible 30 to 50; "
        "fail closed)"
    )
    assert "c-1" not in f.reason  # counts, not who
    # the incomplete PCL-5 still has no value and no band (nothing invented)
    total = scored("pcl5", could)["total"]
    assert (total.value, total.band) == (None, None)
    # with two complete positives it makes three: x1.5
    full = [resp("pcl5", items([4] * 20), subject=f"c-{i}") for i in (3, 4)]
    case = case_with(resp("pcl5", could), *full)
    [f] = hooks.riskcore_risk_factors(case.subject("t-1"), [], case) or []
    assert f.odds_ratio == 1.5
    case = case_with(resp("pcl5", cannot))
    assert hooks.riskcore_risk_factors(case.subject("t-1"), [], case) == []


# ------------------------------------------------------------------ plugin


def test_discovered_through_entry_point() -> None:
    rec = riskcore.PluginManager().record("trauma")
    assert rec is not None
    assert rec.status.value == "active"
    assert rec.distribution == "riskcore-trauma"


def test_end_to_end_assess() -> None:
    case = case_with(
        resp("pcl5", items([2] * 20)), resp("ace", items([1] * 4 + [0] * 6))
    )
    a = riskcore.assess(case, pm=riskcore.PluginManager(allow=["trauma"]))
    assert a.complete, a.incomplete_reasons
    by = {(s.instrument, s.scale): s for s in a.scores}
    assert by[("pcl5", "total")].value == 40
    assert by[("ace", "total")].band == "4-or-more"
    assert a.critical_flags == ()


def test_scores_oldest_first_across_instruments() -> None:
    ace = attrs.evolve(resp("ace", items([1] * 10)), administered=dt.date(2026, 2, 1))
    pcl5 = attrs.evolve(resp("pcl5", items([1] * 20)), administered=dt.date(2026, 1, 1))
    other = resp("phq9", items([0] * 9))  # another plugin's instrument
    case = case_with(ace, other, pcl5)
    got = hooks.riskcore_assess(case.subject("c-1"), case) or []
    assert [s.instrument for s in got] == ["pcl5"] * 7 + ["ace"]
    assert [s.scale for s in got[:5]] == [
        "total",
        "cluster-b",
        "cluster-c",
        "cluster-d",
        "cluster-e",
    ]
    assert (got[0].value, got[-1].value) == (20, 10)


# ---------------------------------------------------------------- fairness

_protected = protected_attributes()


SCREENS = {"phq9", "gad7", "cssrs-screener", "aggression-screen", "pcl5", "ace"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    a=_protected,
    b=_protected,
    pcl=st.lists(st.integers(0, 4), min_size=20, max_size=20),
    ace=st.lists(st.integers(0, 1), min_size=10, max_size=10),
)
def test_protected_attributes_never_move_guarded_scores_or_factors(
    a: ProtectedAttributes, b: ProtectedAttributes, pcl: list[int], ace: list[int]
) -> None:
    base = case_with(
        resp("pcl5", items(list(pcl))), resp("ace", items(list(ace))), protected=a
    )
    clients = list(base.clients)
    clients[0] = attrs.evolve(clients[0], protected=b)
    other = attrs.evolve(base, clients=clients)
    assert guarded_view(base, SCREENS) == guarded_view(other, SCREENS)


# --------------------------------------------- object and columnar paths agree


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_object_and_columnar_paths_agree(spec: InstrumentSpec) -> None:
    assert_paths_agree(spec, examples=25)


def test_hook_module_is_cheap_to_import() -> None:
    assert_light_import("riskcore_trauma.hooks")


def test_identify_accepts_every_factor_with_the_default_catalog() -> None:
    case = case_with(
        *(resp("pcl5", items([4] * 20), subject=f"c-{i}") for i in range(1, 5))
    )
    moved_risks = factor_risks(case, "trauma")
    assert {(r.threat, r.subject) for r in moved_risks} == {
        ("secondary-traumatic-stress", "t-1")
    }
