"""Tests of riskcore-wellbeing, derived from the published scoring rules."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import riskcore
from riskcore.instruments import InstrumentSpec, score_items, valid_answers
from riskcore.model import (
    Case,
    Client,
    InstrumentResponse,
    Practice,
    Professional,
    Score,
    SubjectKind,
)
from riskcore.testing import assert_light_import, assert_paths_agree, factor_risks
from riskcore_wellbeing import hooks
from riskcore_wellbeing.instruments import (
    CBI,
    PROQOL5,
    PSS10,
    SPECS,
    WHO5,
    WHO5_DEPRESSION_FLAG,
    who5_low_item,
)

CS = (3, 6, 12, 16, 18, 20, 22, 24, 27, 30)
BO = (1, 4, 8, 10, 15, 17, 19, 21, 26, 29)
STS = (2, 5, 7, 9, 11, 13, 14, 23, 25, 28)
BO_REVERSED = (1, 4, 15, 17, 29)


def run(spec: InstrumentSpec, values: dict[str, int | None]) -> dict[str, Score]:
    """The scores of *values* as riskcore_assess computes them (spec.to_scores)."""
    r = InstrumentResponse(instrument=spec.id, subject="t-1", items=values)
    return {s.scale: s for s in spec.to_scores(r, SubjectKind.PROFESSIONAL)}


def same(n: int, value: int | None) -> dict[str, int | None]:
    return {str(i): value for i in range(1, n + 1)}


# ---------------------------------------------------------------- ProQOL 5


def test_proqol_all_one_and_reverse_keying() -> None:
    s = run(PROQOL5, same(30, 1))
    assert s["compassion-satisfaction"].value == 10
    assert s["burnout"].value == 30  # 5 reversed items score 5: 25 + 5
    assert s["secondary-traumatic-stress"].value == 10
    assert "total" not in s


def test_proqol_all_five() -> None:
    s = run(PROQOL5, same(30, 5))
    assert s["compassion-satisfaction"].value == 50
    assert s["burnout"].value == 30  # 5 reversed items score 1: 5 + 25
    assert s["secondary-traumatic-stress"].value == 50


def test_proqol_burnout_minimum_and_maximum() -> None:
    low = same(30, 3)
    high = same(30, 3)
    for i in BO:
        low[str(i)] = 5 if i in BO_REVERSED else 1
        high[str(i)] = 1 if i in BO_REVERSED else 5
    assert run(PROQOL5, low)["burnout"].value == 10
    assert run(PROQOL5, high)["burnout"].value == 50


@pytest.mark.parametrize(
    ("scale", "items"),
    [("compassion-satisfaction", CS), ("secondary-traumatic-stress", STS)],
)
@pytest.mark.parametrize(
    ("raw", "band"), [(22, "low"), (23, "moderate"), (41, "moderate"), (42, "high")]
)
def test_proqol_band_edges(
    scale: str, items: tuple[int, ...], raw: int, band: str
) -> None:
    values = same(30, 1)
    for i in BO_REVERSED:
        values[str(i)] = 5  # keep burnout at its minimum
    extra = raw - 10
    for j, i in enumerate(items):
        values[str(i)] = 1 + min(4, max(0, extra - 4 * j))
    s = run(PROQOL5, values)[scale]
    assert (s.value, s.band) == (raw, band)


def test_proqol_is_strict() -> None:
    values = same(30, 3)
    values["3"] = None
    s = run(PROQOL5, values)
    assert s["compassion-satisfaction"].value is None
    assert s["burnout"].value == 30


def test_proqol_bad_input() -> None:
    r = score_items(PROQOL5, {"1": 0}, subject="t-1")
    assert set(r.invalid) == set({"1": 0})
    assert not r.complete
    r = score_items(PROQOL5, {"31": 3}, subject="t-1")
    assert set(r.invalid) == set({"31": 3})
    assert not r.complete


# --------------------------------------------------------------------- CBI


def test_cbi_codes_to_points_and_reverse_item_13() -> None:
    s = run(CBI, same(19, 0))  # "Always" everywhere
    assert s["personal"].value == 100
    assert s["work"].value == pytest.approx(600 / 7)  # item 13 reversed: 0 points
    assert s["client"].value == 100
    s = run(CBI, same(19, 4))  # "Never" everywhere
    assert (s["personal"].value, s["client"].value) == (0, 0)
    assert s["work"].value == pytest.approx(100 / 7)


@pytest.mark.parametrize(
    ("code", "points"), [(0, 100), (1, 75), (2, 50), (3, 25), (4, 0)]
)
def test_cbi_each_response_point(code: int, points: int) -> None:
    assert run(CBI, same(19, code))["personal"].value == points


@pytest.mark.parametrize(
    ("code", "band"), [(1, "50-or-more"), (2, "50-or-more"), (3, "below-50")]
)
def test_cbi_band_edge(code: int, band: str) -> None:
    assert run(CBI, same(19, code))["client"].band == band


def test_cbi_band_edge_just_below_50() -> None:
    values = same(19, 2)
    values["1"] = 3  # personal: (5 x 50 + 25) / 6 = 45.8
    s = run(CBI, values)["personal"]
    assert s.value == pytest.approx(275 / 6)
    assert s.band == "below-50"


def test_cbi_personal_needs_three_answers() -> None:
    values = same(19, 2)
    for i in (1, 2, 3):
        values[str(i)] = None
    assert run(CBI, values)["personal"].value == 50  # 3 answered: mean of those
    values["4"] = None
    assert run(CBI, values)["personal"].value is None  # 2 answered: non-responder


def test_cbi_work_needs_four_answers() -> None:
    values = same(19, 2)
    for i in (7, 8, 9):
        values[str(i)] = None
    assert run(CBI, values)["work"].complete
    values["10"] = None
    assert run(CBI, values)["work"].value is None


def test_cbi_client_scale_is_strict_rule_unconfirmed() -> None:
    values = same(19, 2)
    values["14"] = None
    s = run(CBI, values)
    assert s["client"].value is None
    assert s["personal"].value == 50


def test_cbi_bad_input() -> None:
    r = score_items(CBI, {"5": 5}, subject="t-1")
    assert set(r.invalid) == set({"5": 5})
    assert not r.complete


# ------------------------------------------------------------------ PSS-10


def test_pss_all_zero_scores_16() -> None:
    s = run(PSS10, same(10, 0))
    assert s["total"].value == 16
    assert (s["helplessness"].value, s["self-efficacy"].value) == (0, 16)
    assert s["total"].band is None  # the common bands are not Cohen's


def test_pss_all_four_scores_24() -> None:
    s = run(PSS10, same(10, 4))
    assert (s["total"].value, s["helplessness"].value, s["self-efficacy"].value) == (
        24,
        24,
        0,
    )


def test_pss_minimum_and_maximum() -> None:
    low = {str(i): (4 if i in (4, 5, 7, 8) else 0) for i in range(1, 11)}
    high = {str(i): (0 if i in (4, 5, 7, 8) else 4) for i in range(1, 11)}
    assert run(PSS10, low)["total"].value == 0
    assert run(PSS10, high)["total"].value == 40


def test_pss_is_strict() -> None:
    values = same(10, 2)
    values["10"] = None
    assert run(PSS10, values)["total"].value is None


# ------------------------------------------------------------------- WHO-5


@pytest.mark.parametrize(
    ("raw", "band"),
    [(0, "poor-wellbeing"), (12, "poor-wellbeing"), (13, "not-poor"), (25, "not-poor")],
)
def test_who5_raw_percentage_and_cut(raw: int, band: str) -> None:
    values = {str(i): 0 for i in range(1, 6)}
    for j in range(raw):
        values[str(j % 5 + 1)] = (values[str(j % 5 + 1)] or 0) + 1
    s = run(WHO5, values)
    assert (s["total"].value, s["total"].band) == (raw, band)
    assert s["percentage"].value == raw * 4


@pytest.mark.parametrize(
    ("values", "flagged"),
    [
        ({"1": 5, "2": 5, "3": 5, "4": 5, "5": 1}, True),  # raw 21, one item 1
        ({"1": 0, "2": 5, "3": 5, "4": 5, "5": 5}, True),  # raw 20, one item 0
        ({"1": 2, "2": 2, "3": 2, "4": 3, "5": 3}, True),  # raw 12: below 13
        ({"1": 2, "2": 2, "3": 3, "4": 3, "5": 3}, False),  # raw 13, items >= 2
        ({"1": 1, "2": 5, "3": 5, "4": 5, "5": None}, True),  # incomplete, item 1
    ],
)
def test_who5_any_item_0_or_1_flags_depression_assessment(
    values: dict[str, int | None], flagged: bool
) -> None:
    """Issue 13, finding 3: the WHO-5 rule is "raw score below 13 OR any item
    answered 0 or 1"; the item half was missing. Both halves raise one flag."""
    case = case_with(resp("who5", values))
    s = {x.scale: x for x in hooks.riskcore_assess(case.subject("t-1"), case) or []}
    got = [f for f in s["total"].flags if f.code == "who5.assess-for-depression"]
    assert got == ([WHO5_DEPRESSION_FLAG] if flagged else [])
    assert s["percentage"].flags == ()  # on the first score only
    assert "0 or 1" in WHO5_DEPRESSION_FLAG.message
    assert "below 13" in WHO5_DEPRESSION_FLAG.message


def test_who5_is_strict() -> None:
    s = run(WHO5, {"1": 5, "2": 5, "3": 5, "4": 5, "5": None})
    assert s["total"].value is None
    assert s["percentage"].value is None


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"1": 6}, "item 1: 6"),
        ({"2": 1.5}, "item 2: 1.5"),
        ({"3": math.nan}, "item 3: nan"),
        ({"6": 1}, "item 6"),
    ],
)
def test_who5_bad_input(values: dict[str, Any], fragment: str) -> None:
    # Issue 14: a bad answer invalidates its item, not the response.
    r = score_items(WHO5, values, subject="t-1")
    assert set(r.invalid) == set(values)
    assert not r.complete
    assert fragment.split(":")[0].removeprefix("item ") in r.invalid


# ----------------------------------------------------------------- factors


def case_with(*responses: InstrumentResponse) -> Case:
    return Case(
        id="k",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1")],
        responses=responses,
    )


def factors(*responses: InstrumentResponse) -> dict[str, float]:
    case = case_with(*responses)
    subj = case.subject("t-1")
    got = (
        hooks.riskcore_risk_factors(subj, hooks.riskcore_assess(subj, case) or [], case)
        or []
    )
    return {f.threat: f.odds_ratio for f in got}


def resp(instrument: str, values: dict[str, int | None]) -> InstrumentResponse:
    return InstrumentResponse(instrument=instrument, subject="t-1", items=values)


def test_high_burnout_and_sts_raise_their_threats_strongest_rule_only() -> None:
    proqol = same(30, 5)
    for i in BO_REVERSED:
        proqol[str(i)] = 1  # burnout 50 (high), STS 50 (high)
    got = factors(
        resp("proqol5", proqol), resp("cbi", same(19, 0)), resp("who5", same(5, 0))
    )
    assert got == {"burnout": 2.0, "secondary-traumatic-stress": 2.0}


def test_healthy_answers_raise_nothing() -> None:
    proqol = same(30, 3)
    for i in STS:
        proqol[str(i)] = 1
    for i in BO:
        proqol[str(i)] = 5 if i in BO_REVERSED else 1
    for i in CS:
        proqol[str(i)] = 5
    assert (
        factors(
            resp("proqol5", proqol), resp("cbi", same(19, 4)), resp("who5", same(5, 5))
        )
        == {}
    )


@pytest.mark.parametrize(
    ("instrument", "values", "expected"),
    [
        # ProQOL burnout: 9 answered at 3 (reverse-keyed ones too) + 1 missing
        # -> 28..32 on a 10-50 scale: moderate only (STS 30: moderate, complete)
        (
            "proqol5",
            {**same(30, 3), "8": None},
            {"burnout": 1.3, "secondary-traumatic-stress": 1.3},
        ),
        # CBI client scale (strict): 5 answered "never" (0 points) + 1 missing
        # -> mean 0..16.7: below 50, no factor
        ("cbi", {**same(19, 4), "19": None}, {}),
        # CBI client scale: answered "often" (75) + 1 missing -> 62.5..79.2
        (
            "cbi",
            {**same(19, 4), **{str(i): 1 for i in range(14, 19)}, "19": None},
            {"burnout": 1.5},
        ),
        # WHO-5: 4 items at 3 (12) + 1 missing -> 12..17: could be below 13
        ("who5", {**same(5, 3), "5": None}, {"burnout": 1.3}),
        ("who5", {**same(5, 4), "5": None}, {}),  # 16..21: cannot
    ],
)
def test_incomplete_scale_that_could_reach_a_band_fails_closed(
    instrument: str, values: dict[str, int | None], expected: dict[str, float]
) -> None:
    """Issue 13, finding 3: an incomplete instrument whose possible range
    crosses a cut-off added no factor; it adds the band's factor now."""
    assert factors(resp(instrument, values)) == expected
    case = case_with(resp(instrument, values))
    subj = case.subject("t-1")
    got = hooks.riskcore_risk_factors(
        subj, hooks.riskcore_assess(subj, case) or [], case
    )
    for f in got or []:
        if f.threat == "burnout":
            assert f.reason.endswith("fail closed)")
            assert "could reach band" in f.reason


def test_incomplete_proqol_that_could_be_high_gets_the_high_factor() -> None:
    proqol = same(30, 5)
    for i in BO_REVERSED:
        proqol[str(i)] = 1  # burnout 50, STS 50, both high
    proqol["8"] = None  # burnout: 45..50 -> high whatever item 8 is
    case = case_with(resp("proqol5", proqol))
    subj = case.subject("t-1")
    got = hooks.riskcore_risk_factors(
        subj, hooks.riskcore_assess(subj, case) or [], case
    )
    [f] = [f for f in got or [] if f.threat == "burnout"]
    assert f.odds_ratio == 2.0
    assert f.reason == (
        "proqol5 burnout could reach band 'high' with 1 unanswered item "
        "(possible 46 to 50; fail closed)"
    )


def test_latest_administration_counts() -> None:
    poor = attrs.evolve(resp("who5", same(5, 0)), administered=dt.date(2026, 5, 1))
    good = attrs.evolve(resp("who5", same(5, 5)), administered=dt.date(2026, 1, 1))
    assert factors(poor, good) == {"burnout": 1.3}  # file order is not date order
    assert factors(good, attrs.evolve(poor, administered=None)) == {}


# ------------------------------------------------------------------ plugin


def test_discovered_through_entry_point() -> None:
    rec = riskcore.PluginManager().record("wellbeing")
    assert rec is not None
    assert rec.status.value == "active"
    assert rec.distribution == "riskcore-wellbeing"


def test_end_to_end_assess() -> None:
    case = case_with(
        resp("proqol5", same(30, 3)),
        resp("cbi", same(19, 2)),
        resp("pss10", same(10, 2)),
        resp("who5", same(5, 3)),
    )
    a = riskcore.assess(case, pm=riskcore.PluginManager(allow=["wellbeing"]))
    assert a.complete, a.incomplete_reasons
    got = {(s.instrument, s.scale) for s in a.scores}
    assert ("who5", "percentage") in got
    assert ("cbi", "client") in got


def test_never_touches_clients() -> None:
    """Fairness: this plugin returns no factor for clients at all."""
    case = Case(id="k", practice=Practice(id="p"), clients=[Client(id="c-1")])
    assert hooks.riskcore_risk_factors(case.subject("c-1"), [], case) is None


# --------------------------------------------- object and columnar paths agree


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_object_and_columnar_paths_agree(spec: InstrumentSpec) -> None:
    assert_paths_agree(spec, examples=25)


def test_hook_module_is_cheap_to_import() -> None:
    assert_light_import("riskcore_wellbeing.hooks")


def test_identify_accepts_every_factor_with_the_default_catalog() -> None:
    proqol = same(30, 5)
    for i in BO_REVERSED:
        proqol[str(i)] = 1
    case = case_with(resp("proqol5", proqol), resp("cbi", same(19, 0)))
    moved_risks = factor_risks(case, "wellbeing")
    assert {(r.threat, r.subject) for r in moved_risks} == {
        ("burnout", "t-1"),
        ("secondary-traumatic-stress", "t-1"),
    }


# ------------------------------------------- the WHO-5 item rule's flagged score

_WHO5_ANSWER = st.one_of(
    st.integers(0, 5), st.none(), st.sampled_from([6, -1, 2.0, 1.5, "x", True])
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["1", "2", "3", "4", "5"]), _WHO5_ANSWER),
    st.sampled_from([None, "wellbeing"]),
)
def test_the_who5_item_rule_flags_as_attrs_evolve_would(
    items: dict[str, Any], plugin: str | None
) -> None:
    # The flagged first score is built by Score.derived: the same score as the
    # plain attrs.evolve on random answers (missing, invalid, prorated, low).
    r = InstrumentResponse(instrument="who5", subject="t-1", items=items)
    scores = WHO5.to_scores(r, SubjectKind.PROFESSIONAL, plugin=plugin)
    valid = valid_answers(WHO5, r.items)[0]
    got = hooks._who5_item_rule(list(scores), valid)
    first = scores[0]
    if WHO5_DEPRESSION_FLAG in first.flags or not who5_low_item(valid):
        assert got == scores
    else:
        expected = attrs.evolve(first, flags=(*first.flags, WHO5_DEPRESSION_FLAG))
        assert got == [expected, *scores[1:]]
        assert type(got[0]) is Score
        assert got[0].flags.count(WHO5_DEPRESSION_FLAG) == 1
    # every field of Score is copied (a new field must be added to the rule)
    assert [a.name for a in attrs.fields(Score)] == [
        "subject",
        "subject_kind",
        "instrument",
        "scale",
        "value",
        "minimum",
        "maximum",
        "band",
        "flags",
        "missing_reason",
        "plugin",
        "measured",
    ]


def test_the_who5_item_rule_keeps_an_incomplete_score_incomplete() -> None:
    # An unanswered item: the total is prorated or missing, never made complete.
    items = {"1": 0, "2": 5, "3": None, "4": 5, "5": 5}
    r = InstrumentResponse(instrument="who5", subject="t-1", items=items)
    scores = WHO5.to_scores(r, SubjectKind.PROFESSIONAL, plugin="wellbeing")
    got = hooks._who5_item_rule(scores, valid_answers(WHO5, r.items)[0])
    assert WHO5_DEPRESSION_FLAG in got[0].flags
    assert got[0].complete == scores[0].complete
    assert got[0].missing_reason == scores[0].missing_reason
