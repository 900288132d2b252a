"""Tests of riskcore-safety, derived from the published scoring rules."""

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
    RiskFactor,
    Score,
)
from riskcore.testing import (
    assert_light_import,
    assert_paths_agree,
    factor_risks,
    guarded_view,
)
from riskcore.testing.strategies import protected_attributes
from riskcore_safety import hooks
from riskcore_safety.instruments import (
    AGGRESSION,
    AGGRESSION_HIGH_FLAG,
    AGGRESSION_ITEMS,
    CSSRS_LOOKBACK_DAYS,
    GAD7,
    PHQ9,
    SPECS,
    triage_cssrs,
)


def case_with(
    *responses: InstrumentResponse, protected: ProtectedAttributes | None = None
) -> Case:
    return Case(
        id="k",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1", languages=["en"])],
        clients=[
            Client(
                id="c-1", clinician="t-1", protected=protected or ProtectedAttributes()
            )
        ],
        responses=responses,
    )


def resp(instrument: str, items: dict[str, float | None]) -> InstrumentResponse:
    return InstrumentResponse(instrument=instrument, subject="c-1", items=items)


def assess_one(instrument: str, items: dict[str, float | None]) -> list[Score]:
    case = case_with(resp(instrument, items))
    return hooks.riskcore_assess(case.subject("c-1"), case) or []


def codes(s: Score) -> list[str]:
    return [f.code for f in s.flags]


def factors_for(*responses: InstrumentResponse) -> list[tuple[str, float]]:
    """Factors on the client and on their clinician, as (threat, odds ratio)."""
    case = case_with(*responses)
    got = []
    for sid in ("c-1", "t-1"):
        subj = case.subject(sid)
        scores = hooks.riskcore_assess(subj, case) or []
        for f in hooks.riskcore_risk_factors(subj, scores, case) or []:
            assert f.subject == sid
            got.append((f.threat, f.odds_ratio))
    return sorted(got)


def phq(values: list[int | None]) -> dict[str, float | None]:
    return {str(i + 1): v for i, v in enumerate(values)}


# -------------------------------------------------------------------- PHQ-9


def test_phq9_all_minimum() -> None:
    [s] = assess_one("phq9", phq([0] * 9))
    assert (s.value, s.band, codes(s)) == (0.0, "minimal", [])


def test_phq9_all_maximum() -> None:
    [s] = assess_one("phq9", phq([3] * 9))
    assert (s.value, s.band) == (27.0, "severe")
    assert codes(s) == ["phq9.item9-positive"]
    assert s.critical


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately-severe"),
        (19, "moderately-severe"),
        (20, "severe"),
    ],
)
def test_phq9_band_edges(total: int, band: str) -> None:
    values = [0] * 9
    for i in range(total):  # fill items 1..8 first so item 9 stays 0
        values[i % 8] += 1
    assert sum(values) == total
    [s] = assess_one("phq9", phq(values))
    assert (s.value, s.band) == (total, band)
    assert not s.critical


def test_phq9_item9_is_critical_whatever_the_total() -> None:
    [s] = assess_one("phq9", phq([0] * 8 + [1]))
    assert s.value == 1
    assert s.band == "minimal"
    assert codes(s) == ["phq9.item9-positive"]
    assert s.flags[0].level is FlagLevel.CRITICAL
    assert ("client-self-harm", 3.0) in factors_for(resp("phq9", phq([0] * 8 + [1])))


def test_phq9_item9_unanswered_is_flagged_never_no() -> None:
    [s] = assess_one("phq9", phq([2] * 8 + [None]))
    assert codes(s) == ["phq9.item9-unanswered"]
    assert s.critical
    assert s.value == 18.0  # prorated: mean 2 x 9
    assert ("client-self-harm", 1.5) in factors_for(resp("phq9", phq([2] * 8 + [None])))


def test_phq9_prorates_two_missing() -> None:
    [s] = assess_one("phq9", phq([1, 2, None, 3, None, 1, 2, 3, 0]))
    assert s.complete
    assert s.value == pytest.approx(12 / 7 * 9)


def test_phq9_three_missing_is_incomplete() -> None:
    [s] = assess_one("phq9", phq([1, 2, None, 3, None, None, 2, 3, 0]))
    assert s.value is None
    assert s.band is None
    assert "3 of 9" in (s.missing_reason or "")


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        ({"1": 4}, "item 1: 4 is not in [0, 3]"),
        ({"2": -1}, "item 2: -1 is not in"),
        ({"3": 1.5}, "item 3: 1.5 is not an integer"),
        ({"4": math.nan}, "item 4: nan is not a finite number"),
        ({"10": 1}, "item 10: not an item"),
    ],
)
def test_phq9_bad_input_invalidates_the_item(
    items: dict[str, float], fragment: str
) -> None:
    full = {**{str(i): 1 for i in range(1, 10)}, **items}
    r = score_items(PHQ9, full, subject="c-9")
    assert not r.complete
    assert fragment in str(r.missing["total"])
    assert [f.code for f in r.flags] == ["phq9.item9-positive"]


def test_bad_input_through_the_hook_marks_the_score_incomplete() -> None:
    [s] = assess_one("phq9", {**{str(i): 1 for i in range(1, 10)}, "1": 7})
    assert s.value == 9  # 8 items, prorated (at most 2 may be missing)
    assert not s.complete
    assert "item 1: 7 is not in [0, 3]" in str(s.missing_reason)


@pytest.mark.parametrize("bad", [7, 1.5, -1, "1x"])
def test_invalid_item9_is_the_worst_plausible_answer(bad: object) -> None:
    """Issue 14: an invalid item 9 is read as endorsed and flagged, x3.0."""
    items = {**{str(i): 0 for i in range(1, 9)}, "9": bad}
    [s] = assess_one("phq9", items)
    assert [f.code for f in s.flags] == ["phq9.item9-invalid"]
    assert s.critical
    got = factors_for(resp("phq9", items))
    assert ("client-self-harm", 3.0) in got


# -------------------------------------------------------------------- GAD-7


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands(total: int, band: str) -> None:
    values = [0] * 7
    for i in range(total):
        values[i % 7] += 1
    [s] = assess_one("gad7", {str(i + 1): v for i, v in enumerate(values)})
    assert (s.value, s.band) == (total, band)


def test_gad7_is_strict() -> None:
    [s] = assess_one("gad7", {str(i): 3 for i in range(1, 7)})
    assert s.value is None
    assert s.missing_reason


def test_gad7_bad_input() -> None:
    r = score_items(GAD7, {"8": 1}, subject="c-9")
    assert r.invalid == {"8": "not an item of this instrument"}
    assert not r.complete


# ------------------------------------------------------------------- C-SSRS

NO = {"1": 0, "2": 0, "6": 0}


@pytest.mark.parametrize(
    ("items", "level", "flags"),
    [
        (NO, "none", []),
        ({**NO, "1": 1}, "low", ["cssrs.low-risk"]),
        ({"1": 1, "2": 1, "3": 0, "4": 0, "5": 0, "6": 0}, "low", ["cssrs.low-risk"]),
        (
            {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0},
            "moderate",
            ["cssrs.moderate-risk"],
        ),
        ({"1": 0, "2": 0, "6": 1, "6b": 0}, "moderate", ["cssrs.moderate-risk"]),
        ({"1": 1, "2": 1, "3": 0, "4": 1, "5": 0, "6": 0}, "high", ["cssrs.high-risk"]),
        ({"1": 1, "2": 1, "3": 1, "4": 0, "5": 1, "6": 0}, "high", ["cssrs.high-risk"]),
        ({"1": 0, "2": 0, "6": 1, "6b": 1}, "high", ["cssrs.high-risk"]),
    ],
)
def test_cssrs_triage(
    items: dict[str, float | None], level: str, flags: list[str]
) -> None:
    [s] = assess_one("cssrs-screener", items)
    assert s.complete
    assert (s.band, codes(s)) == (level, flags)
    assert s.scale == "risk-level"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ({"1": 0, "6": 0}, ["cssrs.incomplete"]),  # Q2 missing
        (
            {"1": 0, "2": 1, "3": 0, "4": 0, "6": 0},
            ["cssrs.low-risk", "cssrs.incomplete"],
        ),
        ({"1": 0, "2": 0, "3": 0, "6": 0}, ["cssrs.incomplete"]),  # skipped Q3 answered
        ({"1": 0, "2": 0, "4": 1, "6": 0}, ["cssrs.high-risk", "cssrs.incomplete"]),
        (
            {"1": 0, "2": 0, "6": 0, "6b": 0},
            ["cssrs.incomplete"],
        ),  # skipped 6b answered
        (
            {"1": 0, "2": 0, "6": 1},
            ["cssrs.high-risk", "cssrs.6b-unanswered", "cssrs.incomplete"],
        ),  # Q6b missing: treated as within 3 months (issue 13)
        ({}, ["cssrs.incomplete"]),
    ],
)
def test_cssrs_incomplete_is_critical_never_no_risk(
    items: dict[str, float | None], expected: list[str]
) -> None:
    [s] = assess_one("cssrs-screener", items)
    assert s.value is None
    assert s.missing_reason
    assert codes(s) == expected
    assert s.critical
    assert ("client-self-harm", 1.0) not in factors_for(resp("cssrs-screener", items))
    assert any(
        t == "client-self-harm" and o >= 2.0
        for t, o in factors_for(resp("cssrs-screener", items))
    )


def agg(**present: int | None) -> dict[str, float | None]:
    return {k: present.get(k.replace("-", "_"), 0) for k in AGGRESSION_ITEMS}


def self_harm(
    *responses: InstrumentResponse, on: dt.date | None = None
) -> list[RiskFactor]:
    case = attrs.evolve(case_with(*responses), assessed_on=on)
    subj = case.subject("c-1")
    scores = hooks.riskcore_assess(subj, case) or []
    return [
        f
        for f in hooks.riskcore_risk_factors(subj, scores, case) or []
        if f.threat == "client-self-harm"
    ]


def test_cssrs_q6_yes_with_6b_missing_is_high_and_flagged() -> None:
    """Issue 13, finding 3: Q6 (behaviour) yes with Q6b missing scored
    moderate; the worst plausible answer (within 3 months) now counts."""
    items = {"1": 0, "2": 0, "6": 1}
    t = triage_cssrs(items, "c-1")
    assert t.level == "high"
    assert [f.code for f in t.flags] == [
        "cssrs.high-risk",
        "cssrs.6b-unanswered",
        "cssrs.incomplete",
    ]
    six_b = t.flags[1]
    assert six_b.critical
    assert "6b" in six_b.message
    assert "treated as within the past 3 months" in six_b.message
    [f] = self_harm(resp("cssrs-screener", items))
    assert f.odds_ratio == 4.0
    assert "Q6b unanswered" in f.reason
    assert "fail closed" in f.reason
    # Q6b answered no still reads as behaviour more than 3 months ago
    assert triage_cssrs({"1": 0, "2": 0, "6": 1, "6b": 0}, "c-1").level == "moderate"


@pytest.mark.parametrize(
    ("items", "missing"),
    [
        ({"1": 0, "2": 0}, "6"),  # behaviour never asked
        ({"1": 1, "2": 1, "3": 0, "6": 0}, "4, 5"),  # intent and plan never asked
        ({"1": 0, "6": 0}, "2"),  # Q2 missing: Q4/Q5 may be due
    ],
)
def test_cssrs_incomplete_counts_its_worst_plausible_answers(
    items: dict[str, float | None], missing: str
) -> None:
    """Issue 13: unanswered critical questions count as the worst plausible
    answer for likelihood (was x2.0 whatever was missing)."""
    assert triage_cssrs(items, "c-1").plausible == "high"
    [f] = self_harm(resp("cssrs-screener", items))
    assert f.odds_ratio == 4.0
    assert f"question(s) {missing} unanswered" in f.reason
    # a missing Q1 cannot make it high: still at least moderate
    [f] = self_harm(resp("cssrs-screener", {"2": 0, "6": 0}))
    assert f.odds_ratio == 2.0


def test_phq9_item9_unanswered_counts_as_much_as_positive() -> None:
    """Issue 13, finding 3: item 9 unanswered got x1.5 against x3.0 for a
    positive answer; the worst plausible answer now counts, still flagged."""
    [pos] = self_harm(resp("phq9", phq([0] * 8 + [1])))
    [unanswered] = self_harm(resp("phq9", phq([0] * 8 + [None])))
    assert unanswered.odds_ratio >= pos.odds_ratio == hooks.PHQ9_ITEM9_ODDS_RATIO
    assert "unanswered" in unanswered.reason
    assert "fail closed" in unanswered.reason
    [s] = assess_one("phq9", phq([0] * 8 + [None]))
    assert codes(s) == ["phq9.item9-unanswered"]
    for f in (pos, unanswered):
        assert f.source is not None
        assert "Simon" in f.source.citation
        assert "illustrative" in f.source.citation
        assert "64(12), 1195-1202" in f.source.citation


def _cssrs(day: dt.date | None, **answers: int) -> InstrumentResponse:
    items = {
        "1": 0,
        "2": 0,
        "6": 0,
        **{k.replace("q", ""): v for k, v in answers.items()},
    }
    return attrs.evolve(resp("cssrs-screener", items), administered=day)


def test_recent_cssrs_behaviour_persists_after_a_later_negative_screen() -> None:
    """Issue 13, finding 3: a negative screen erased a two-week-old attempt."""
    today = dt.date(2026, 6, 15)
    attempt = _cssrs(dt.date(2026, 6, 1), q6=1, q6b=1)
    negative = _cssrs(dt.date(2026, 6, 10))
    [f] = self_harm(attempt, negative, on=today)
    assert f.odds_ratio == 4.0
    assert "14 day(s) before the assessment" in f.reason
    assert "suicidal behaviour" in f.reason
    assert "90 days" in f.reason
    # Q6b unanswered on the earlier screen persists too (worst plausible answer)
    [f] = self_harm(_cssrs(dt.date(2026, 6, 1), q6=1), negative, on=today)
    assert f.odds_ratio == 4.0
    # the window is CSSRS_LOOKBACK_DAYS (90) days: day 90 in, day 91 out
    edge = today - dt.timedelta(days=CSSRS_LOOKBACK_DAYS)
    assert [
        f.odds_ratio for f in self_harm(_cssrs(edge, q6=1, q6b=1), negative, on=today)
    ] == [4.0]
    old = _cssrs(edge - dt.timedelta(days=1), q6=1, q6b=1)
    assert self_harm(old, negative, on=today) == []
    # behaviour more than 3 months before the screen (Q6b no) does not persist
    assert self_harm(_cssrs(dt.date(2026, 6, 1), q6=1, q6b=0), negative, on=today) == []


def test_undated_or_unanchored_cssrs_behaviour_persists() -> None:
    negative = _cssrs(dt.date(2026, 6, 10))
    # an undated screen cannot be shown to be old: kept (fail closed)
    [f] = self_harm(_cssrs(None, q6=1, q6b=1), negative, on=dt.date(2026, 6, 15))
    assert f.odds_ratio == 4.0
    assert "undated" in f.reason
    # no assessed_on: the window ends at the latest screen
    [f] = self_harm(_cssrs(dt.date(2026, 5, 1), q6=1, q6b=1), negative)
    assert "40 day(s)" in f.reason
    assert self_harm(_cssrs(dt.date(2026, 1, 1), q6=1, q6b=1), negative) == []


def test_incomplete_phq9_that_could_reach_15_fails_closed() -> None:
    """Issue 13, finding 3: an incomplete screen whose answered items could
    still cross the cut-off added no factor."""
    could = phq([3, 3, 3, None, None, None, 0, 0, 0])  # 9 + up to 9 -> 18
    [f] = self_harm(resp("phq9", could))
    assert f.odds_ratio == 1.5
    assert f.reason == (
        "phq9 total could reach band 'moderately-severe' with 3 unanswered items "
        "(possible 9 to 18; fail closed)"
    )
    assert self_harm(resp("phq9", phq([1, 1, 1, None, None, None, 0, 0, 0]))) == []


@pytest.mark.parametrize(
    ("items", "odds_ratio"),
    [
        (agg(intoxication=1, weapon_access=1, recent_escalation=None), 3.0),
        (agg(threats_made=None), 3.0),  # the critical item unanswered
        (agg(intoxication=None), 1.5),  # could reach 1 at most: elevated
    ],
)
def test_incomplete_aggression_screen_that_could_be_high_fails_closed(
    items: dict[str, float | None], odds_ratio: float
) -> None:
    got = [
        o
        for t, o in factors_for(resp("aggression-screen", items))
        if t == "in-session-aggression"
    ]
    assert got == [odds_ratio]
    staff = [
        o
        for t, o in factors_for(resp("aggression-screen", items))
        if t == "staff-physical-harm"
    ]
    assert staff == [2.5 if odds_ratio == 3.0 else 1.3]


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        ({**NO, "1": 2}, "question 1 invalid (2 is not in [0, 1])"),
        ({**NO, "7": 1}, "question 7 is not a question of the screener"),
        ({**NO, "2": 0.5}, "question 2 invalid (0.5 is not an integer answer code)"),
        ({**NO, "6": "yes"}, "question 6 invalid (not a number (a string))"),
    ],
)
def test_cssrs_bad_input_invalidates_the_question(
    items: dict[str, object], fragment: str
) -> None:
    """Issue 14: an invalid or unknown question used to raise and lose the
    screener; now it is incomplete, critical, and read at its worst."""
    t = triage_cssrs(items, "c-9")
    assert not t.complete
    assert any(p.startswith(fragment) for p in t.problems)
    assert "cssrs.item-invalid" in [f.code for f in t.flags]
    assert all(f.critical for f in t.flags if f.code.endswith("invalid"))
    got = factors_for(resp("cssrs-screener", items))
    assert any(t == "client-self-harm" and o >= 2.0 for t, o in got)


def test_cssrs_invalid_q6_is_read_as_yes() -> None:
    t = triage_cssrs({**NO, "6": 7}, "c-9")
    assert t.plausible == "high"
    assert ("client-self-harm", 4.0) in factors_for(
        resp("cssrs-screener", {**NO, "6": 7})
    )


# -------------------------------------------------------- aggression screen


@pytest.mark.parametrize(
    ("items", "value", "band", "high"),
    [
        (agg(), 0, "none", False),
        (agg(intoxication=1), 1, "elevated", False),
        (agg(intoxication=1, weapon_access=1), 2, "elevated", False),
        (agg(intoxication=1, weapon_access=1, recent_escalation=1), 3, "high", True),
        (agg(threats_made=1), 1, "high", True),
        (dict.fromkeys(AGGRESSION_ITEMS, 1), 5, "high", True),
    ],
)
def test_aggression_screen(
    items: dict[str, float | None], value: int, band: str, high: bool
) -> None:
    [s] = assess_one("aggression-screen", items)
    assert (s.value, s.band) == (value, band)
    assert codes(s).count("aggression.high") == int(high)  # raised once at most
    assert s.critical is high


def test_aggression_high_raises_both_threats() -> None:
    got = factors_for(resp("aggression-screen", agg(threats_made=1)))
    assert ("in-session-aggression", 3.0) in got
    assert ("staff-physical-harm", 2.5) in got


def test_the_clinicians_factor_follows_the_clients_latest_screen() -> None:
    # the same day twice: the one recorded last is the latest, as in assess
    march = dt.date(2026, 3, 1)

    def screen(day: dt.date | None, **present: int) -> InstrumentResponse:
        return attrs.evolve(resp("aggression-screen", agg(**present)), administered=day)

    high, none = {"threats_made": 1}, {}
    for responses, expected in [
        ((screen(march, **high), screen(march, **none)), []),
        (
            (screen(march, **none), screen(march, **high)),
            [("staff-physical-harm", 2.5)],
        ),
        ((screen(march, **high), screen(None, **none)), [("staff-physical-harm", 2.5)]),
    ]:
        got = [f for f in factors_for(*responses) if f[0] == "staff-physical-harm"]
        assert got == expected


def test_aggression_incomplete_still_flags_known_high_and_fails_closed() -> None:
    [s] = assess_one("aggression-screen", agg(threats_made=1, intoxication=None))
    assert (s.value, s.band) == (None, "high")
    assert s.missing_reason
    assert codes(s) == ["aggression.high"]
    assert s.flags[0].message.startswith("Aggression screen: threats made")
    [s] = assess_one(
        "aggression-screen",
        agg(
            intoxication=1,
            weapon_access=1,
            recent_escalation=1,
            history_of_violence=None,
        ),
    )
    assert (s.value, s.band) == (None, "high")
    assert s.missing_reason
    assert s.flags == (AGGRESSION_HIGH_FLAG,)  # 3 present: added by riskcore's rule
    [s] = assess_one(
        "aggression-screen", agg(intoxication=1, weapon_access=1, threats_made=None)
    )
    assert (s.value, s.band, s.flags) == (None, None, ())  # 2 present: not high
    got = factors_for(resp("aggression-screen", agg(intoxication=None)))
    assert ("in-session-aggression", 1.5) in got


def test_aggression_bad_input() -> None:
    r = score_items(AGGRESSION, {"weapon-access": 2}, subject="c-9")
    assert r.invalid == {"weapon-access": "2 is not in [0, 1]"}
    r = score_items(AGGRESSION, {"knife": 1}, subject="c-9")
    assert r.invalid == {"knife": "not an item of this instrument"}


def test_aggression_invalid_threats_item_is_high() -> None:
    items = {**agg(), "threats-made": 3}
    [s] = assess_one("aggression-screen", items)
    assert s.band == "high"
    assert s.critical
    assert ("in-session-aggression", 3.0) in factors_for(
        resp("aggression-screen", items)
    )


def test_aggression_spec_says_not_validated() -> None:
    assert "NOT a validated instrument" in AGGRESSION.name


# ------------------------------------------------------------------ plugin


def test_factors_only_on_declared_threats() -> None:
    got = factors_for(
        resp("phq9", phq([3] * 9)),
        resp(
            "cssrs-screener", {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1, "6": 1, "6b": 1}
        ),
        resp("aggression-screen", dict.fromkeys(AGGRESSION_ITEMS, 1)),
    )
    assert {t for t, _ in got} == set(hooks.THREATS)


def test_discovered_through_entry_point() -> None:
    rec = riskcore.PluginManager().record("safety")
    assert rec is not None
    assert rec.status.value == "active"
    assert rec.distribution == "riskcore-safety"
    assert "riskcore_assess" in rec.hooks


def test_end_to_end_assess() -> None:
    case = case_with(
        resp("phq9", phq([0] * 8 + [1])),
        resp("gad7", {str(i): 1 for i in range(1, 8)}),
        resp("cssrs-screener", {"1": 1, "2": 0, "6": 0}),
        resp("aggression-screen", agg()),
    )
    a = riskcore.assess(case, pm=riskcore.PluginManager(allow=["safety"]))
    assert a.complete, a.incomplete_reasons
    assert {s.instrument for s in a.scores} == {
        "phq9",
        "gad7",
        "cssrs-screener",
        "aggression-screen",
    }
    assert [f.code for _, f in a.critical_flags] == ["phq9.item9-positive"]


def test_scores_oldest_first_and_the_latest_administration_counts() -> None:
    # file order is not date order; undated counts as oldest; same-day ones keep
    # their file order; another plugin's instrument is left alone
    def dated(day: dt.date | None, answer: int) -> InstrumentResponse:
        return InstrumentResponse(
            instrument="phq9", subject="c-1", administered=day, items=phq([answer] * 9)
        )

    march = dt.date(2026, 3, 1)
    case = case_with(
        dated(march, 1),
        dated(march, 0),
        InstrumentResponse(instrument="ace", subject="c-1", items={"1": 1}),
        dated(None, 2),
        dated(dt.date(2026, 1, 1), 3),
    )
    scores = hooks.riskcore_assess(case.subject("c-1"), case) or []
    assert [(s.instrument, s.value) for s in scores] == [
        ("phq9", 18),
        ("phq9", 27),
        ("phq9", 9),
        ("phq9", 0),
    ]
    # the latest PHQ-9 (all 0) raises nothing, though earlier ones endorsed item 9
    assert hooks.riskcore_risk_factors(case.subject("c-1"), scores, case) == []


# ---------------------------------------------------------------- fairness

_protected = protected_attributes()
_answers = st.fixed_dictionaries(
    {
        "phq": st.lists(
            st.one_of(st.none(), st.integers(0, 3)), min_size=9, max_size=9
        ),
        "agg": st.lists(
            st.one_of(st.none(), st.integers(0, 1)), min_size=5, max_size=5
        ),
        "cssrs": st.dictionaries(
            st.sampled_from(["1", "2", "3", "4", "5", "6", "6b"]), st.integers(0, 1)
        ),
    }
)


SCREENS = {"phq9", "gad7", "cssrs-screener", "aggression-screen", "pcl5", "ace"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=_protected, b=_protected, answers=_answers)
def test_protected_attributes_never_move_guarded_scores_or_factors(
    a: ProtectedAttributes, b: ProtectedAttributes, answers: dict[str, Any]
) -> None:
    responses = (
        resp("phq9", phq(answers["phq"])),
        resp(
            "aggression-screen",
            dict(zip(AGGRESSION_ITEMS, answers["agg"], strict=True)),
        ),
        resp("cssrs-screener", answers["cssrs"]),
    )
    base = case_with(*responses, protected=a)
    other = attrs.evolve(base, clients=[attrs.evolve(base.clients[0], protected=b)])
    assert guarded_view(base, SCREENS) == guarded_view(other, SCREENS)


# --------------------------------------------- object and columnar paths agree


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_object_and_columnar_paths_agree(spec: InstrumentSpec) -> None:
    assert_paths_agree(spec, examples=25)


def test_staff_harm_is_the_clinicians_risk_strongest_client_counts_once() -> None:
    case = Case(
        id="k",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1"), Professional(id="t-2")],
        clients=[
            Client(id="c-1", clinician="t-1"),
            Client(id="c-2", clinician="t-1"),
            Client(id="c-3", clinician="t-2"),
        ],
        responses=[
            InstrumentResponse(
                instrument="aggression-screen", subject="c-1", items=agg(intoxication=1)
            ),
            InstrumentResponse(
                instrument="aggression-screen", subject="c-2", items=agg(threats_made=1)
            ),
            InstrumentResponse(
                instrument="aggression-screen", subject="c-3", items=agg()
            ),
        ],
    )
    t1 = hooks.riskcore_risk_factors(case.subject("t-1"), [], case) or []
    assert [(f.threat, f.subject, f.odds_ratio) for f in t1] == [
        ("staff-physical-harm", "t-1", 2.5)
    ]
    assert hooks.riskcore_risk_factors(case.subject("t-2"), [], case) == []


def test_identify_accepts_every_factor_with_the_default_catalog() -> None:
    case = case_with(
        resp("phq9", phq([3] * 9)),
        resp(
            "cssrs-screener", {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1, "6": 1, "6b": 1}
        ),
        resp("aggression-screen", dict.fromkeys(AGGRESSION_ITEMS, 1)),
    )
    moved_risks = factor_risks(case, "safety")
    moved = {(r.threat, r.subject) for r in moved_risks}
    assert moved == {
        ("client-self-harm", "c-1"),
        ("in-session-aggression", "c-1"),
        ("staff-physical-harm", "t-1"),
    }


def test_hook_module_is_cheap_to_import() -> None:
    assert_light_import("riskcore_safety.hooks")
