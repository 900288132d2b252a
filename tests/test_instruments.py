"""The instrument engine: spec validation, object path, columnar path, RCI."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from riskcore.errors import FieldError, InstrumentError
from riskcore.instruments import (
    Band,
    CriticalItem,
    InstrumentSpec,
    Item,
    Loinc,
    Reliability,
    Scale,
    Transform,
    rci_threshold,
    reliable_change,
    reliable_change_array,
    score,
    score_items,
    uniform_items,
)
from riskcore.model import FlagLevel, InstrumentResponse, SubjectKind

NAN = float("nan")

PHQ9 = InstrumentSpec(
    id="phq9",
    name="PHQ-9",
    items=uniform_items(9, 0, 3),
    max_missing=2,
    bands=[
        Band(label="minimal", lower=0, upper=5),
        Band(label="mild", lower=5, upper=10),
        Band(label="moderate", lower=10, upper=15),
        Band(label="moderately severe", lower=15, upper=20),
        Band(label="severe", lower=20),
    ],
    critical=[
        CriticalItem(
            item="9",
            threshold=1,
            code="phq9.item9-positive",
            message="PHQ-9 item 9 endorsed",
            escalation="same-day safety assessment",
            unanswered_code="phq9.item9-unanswered",
            invalid_code="phq9.item9-invalid",
        )
    ],
    loinc=Loinc(panel="44249-1", total="44261-6", items={"9": "44260-8"}),
    reliability=[Reliability(sd=5.0, r=0.84, source="illustrative", illustrative=True)],
    citation="Kroenke, Spitzer & Williams (2001)",
)

PCL5 = InstrumentSpec(
    id="pcl5",
    name="PCL-5",
    items=uniform_items(20, 0, 4),
    subscales={
        "cluster-b": ["1", "2", "3", "4", "5"],
        "cluster-c": ["6", "7"],
        "cluster-d": [str(i) for i in range(8, 15)],
        "cluster-e": [str(i) for i in range(15, 21)],
    },
    bands=[
        Band(label="below-cutoff", lower=0, upper=33),
        Band(label="probable-ptsd", lower=33),
    ],
    reliability=[
        Reliability(sd=12.40, r=0.91, kind="alpha", source="PMC7443209 Table 3"),
        Reliability(sd=12.40, r=0.82, source="Blevins et al. 2015, Study 1"),
    ],
)

# Copenhagen Burnout Inventory: codes 0..4 -> 100/75/50/25/0, mean per scale, item 13
# reversed, no total; personal needs >= 3 of 6 answered, work >= 4 of 7.
CBI = InstrumentSpec(
    id="cbi",
    name="Copenhagen Burnout Inventory",
    items=uniform_items(19, 0, 4),
    total=False,
    method="mean",
    transform=Transform(intercept=100, slope=-25),
    reverse=["13"],
    subscales=[
        Scale(name="personal", items=[str(i) for i in range(1, 7)], max_missing=3),
        Scale(name="work", items=[str(i) for i in range(7, 14)], max_missing=3),
        Scale(name="client", items=[str(i) for i in range(14, 20)], max_missing=3),
    ],
    bands={
        "work": [Band(label="not-high", upper=50), Band(label="high", lower=50)],
    },
)

PSS10 = InstrumentSpec(
    id="pss10",
    name="PSS-10",
    items=uniform_items(10, 0, 4),
    reverse=["4", "5", "7", "8"],
    subscales={
        "helplessness": ["1", "2", "3", "6", "9", "10"],
        "self-efficacy": ["4", "5", "7", "8"],
    },
    bands=[
        Band(label="low", lower=0, upper=14),
        Band(label="moderate", lower=14, upper=27),
        Band(label="high", lower=27, upper=41),
    ],
)

WHO5 = InstrumentSpec(
    id="who5",
    name="WHO-5",
    items=uniform_items(5, 0, 5),
    higher_is_worse=False,
    subscales=[Scale(name="percentage", items=["1", "2", "3", "4", "5"], factor=4)],
)


def resp(
    spec: InstrumentSpec, items: dict[int | str, int | float | None]
) -> InstrumentResponse:
    return InstrumentResponse(instrument=spec.id, subject="c-01", items=items)


def all_items(
    spec: InstrumentSpec, code: int | None
) -> dict[int | str, int | float | None]:
    return dict.fromkeys(spec.item_ids, code)


# ------------------------------------------------------------------ object path


def test_all_minimum_and_all_maximum() -> None:
    lo = PCL5.score(resp(PCL5, all_items(PCL5, 0)))
    hi = PCL5.score(resp(PCL5, all_items(PCL5, 4)))
    assert lo.values == {
        "total": 0,
        "cluster-b": 0,
        "cluster-c": 0,
        "cluster-d": 0,
        "cluster-e": 0,
    }
    assert hi.values == {
        "total": 80,
        "cluster-b": 20,
        "cluster-c": 8,
        "cluster-d": 28,
        "cluster-e": 24,
    }
    assert (lo.band, hi.band) == ("below-cutoff", "probable-ptsd")
    assert lo.complete
    assert hi.complete
    assert lo.answered == 20
    assert lo.instrument == "pcl5"


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "moderately severe"), (19, "moderately severe"),
     (20, "severe"), (27, "severe")],
)  # fmt: skip
def test_band_edges_from_both_sides(total: int, band: str) -> None:
    items = dict.fromkeys(PHQ9.item_ids, 0)
    rest = total
    for k in PHQ9.item_ids:
        items[k] = min(3, rest)
        rest -= items[k]
    result = PHQ9.score(resp(PHQ9, items))  # type: ignore[arg-type]
    assert result.total == total
    assert result.band == band
    arr = np.array([[items[k] for k in PHQ9.item_ids]])
    assert PHQ9.score_array(arr).band_labels().tolist() == [band]


def test_band_of_half_open() -> None:
    assert PHQ9.band_of("total", 9.999) == "mild"
    assert PHQ9.band_of("total", 10.0) == "moderate"
    assert PHQ9.band_of("total", None) is None
    assert WHO5.band_of("total", 3) is None


def test_reverse_keying_pss10_all_zero_is_16() -> None:
    r = PSS10.score(resp(PSS10, all_items(PSS10, 0)))
    assert r.total == 16
    assert r.values["self-efficacy"] == 16
    assert r.values["helplessness"] == 0
    assert r.band == "moderate"


def test_transform_and_mean_cbi() -> None:
    items = all_items(CBI, 0)  # "always" = 100, but item 13 reversed -> 0
    r = CBI.score(resp(CBI, items))
    assert r.total is None  # no total scale
    assert r.values["personal"] == 100
    assert r.values["work"] == pytest.approx(600 / 7)
    assert r.values["client"] == 100
    assert r.bands["work"] == "high"
    assert CBI.scale_names == ("personal", "work", "client")
    assert CBI.scale("work").minimum == 0
    assert CBI.scale("work").maximum == 100


def test_cbi_prorating_limit_per_scale() -> None:
    items = all_items(CBI, 2)
    for k in ("1", "2", "3"):
        items[k] = None
    r = CBI.score(resp(CBI, items))
    assert r.values["personal"] == 50
    assert r.missing["personal"] is None
    items["4"] = None  # one more: fewer than 3 answered
    r = CBI.score(resp(CBI, items))
    assert r.values["personal"] is None
    assert r.missing["personal"] == "4 of 6 items unanswered; at most 3 may be missing"
    assert r.values["work"] == 50  # other scales unaffected
    assert not r.complete


def test_factor_who5_percentage() -> None:
    r = WHO5.score(resp(WHO5, {1: 5, 2: 5, 3: 2, 4: 0, 5: 1}))
    assert r.values == {"total": 13, "percentage": 52}
    assert WHO5.scale("percentage").maximum == 100


def test_prorating_limit_phq9() -> None:
    items = all_items(PHQ9, 2)
    items["1"] = items["2"] = None
    r = PHQ9.score(resp(PHQ9, items))
    assert r.total == 18  # mean 2 x 9
    assert r.complete
    items["3"] = None
    r = PHQ9.score(resp(PHQ9, items))
    assert r.total is None
    assert r.band is None
    assert r.missing["total"] == "3 of 9 items unanswered; at most 2 may be missing"


def test_prorated_value_not_rounded() -> None:
    items = all_items(PHQ9, 1)
    items["1"] = 2
    items["2"] = None
    r = PHQ9.score(resp(PHQ9, items))
    assert r.total == pytest.approx(9 / 8 * 9)


def test_strict_default_one_missing_is_incomplete() -> None:
    items = all_items(PCL5, 4)
    items["7"] = None
    r = PCL5.score(resp(PCL5, items))
    assert r.total is None
    assert r.values["cluster-c"] is None
    assert r.values["cluster-b"] == 20
    assert r.missing["total"] == "1 of 20 items unanswered; no missing items allowed"


def test_critical_item_positive_even_with_low_total() -> None:
    items = all_items(PHQ9, 0)
    items["9"] = 1
    r = PHQ9.score(resp(PHQ9, items))
    assert r.total == 1
    assert r.band == "minimal"
    assert [f.code for f in r.flags] == ["phq9.item9-positive"]
    assert r.critical
    assert r.flags[0].escalation == "same-day safety assessment"


def test_critical_item_unanswered_is_flagged_not_read_as_no() -> None:
    items = all_items(PHQ9, 0)
    items["9"] = None
    r = PHQ9.score(resp(PHQ9, items))
    assert r.total == 0  # prorated
    assert [f.code for f in r.flags] == ["phq9.item9-unanswered"]
    assert r.flags[0].level is FlagLevel.CRITICAL
    r = PHQ9.score(resp(PHQ9, all_items(PHQ9, 0)))
    assert r.flags == ()
    assert not r.critical


def test_to_scores() -> None:
    items = all_items(PHQ9, 3)
    r = PHQ9.score(resp(PHQ9, items))
    (s,) = r.to_scores(SubjectKind.CLIENT, plugin="safety")
    assert (s.value, s.minimum, s.maximum, s.band, s.plugin) == (
        27,
        0,
        27,
        "severe",
        "safety",
    )
    assert s.critical
    rows = PCL5.score(resp(PCL5, {**all_items(PCL5, 1), "6": None})).to_scores(
        SubjectKind.CLIENT, subject="p-01"
    )
    assert [x.scale for x in rows] == [
        "total",
        "cluster-b",
        "cluster-c",
        "cluster-d",
        "cluster-e",
    ]
    assert rows[0].value is None
    assert rows[0].missing_reason
    assert rows[2].value is None
    assert not rows[2].complete
    assert rows[1].value == 5
    assert rows[1].subject == "p-01"


@pytest.mark.parametrize(
    ("items", "item", "problem"),
    [
        ({"1": 5}, "1", "5 is not in [0, 3]"),
        ({"2": -1}, "2", "-1 is not in [0, 3]"),
        ({"3": 1.5}, "3", "1.5 is not an integer answer code"),
        ({"10": 1}, "10", "not an item of this instrument"),
    ],
)
def test_bad_answer_invalidates_its_item_not_the_response(
    items: dict[str, float], item: str, problem: str
) -> None:
    """Issue 14: a bad answer used to raise and lose the whole instrument; now
    the item is invalid, named with the problem; issue 20: with the value as
    ``riskcore.errors.shown`` allows (a small number is shown)."""
    full = {**all_items(PHQ9, 1), **items}
    r = PHQ9.score(InstrumentResponse(instrument="phq9", subject="c-07", items=full))
    assert r.invalid == {item: problem}
    assert not r.complete
    assert f"item {item}: {problem}" in str(r.missing["total"])
    # The rest is scored under the missing-data rule (PHQ-9: 2 may be missing).
    assert r.total == pytest.approx(9.0)
    assert [f.code for f in r.flags] == ["phq9.item9-positive"]


def test_an_invalid_answer_that_could_identify_is_not_shown() -> None:
    """Issue 20: the value is shown only as ``shown`` allows: a date of birth
    written as digits stays redacted."""
    r = score_items(PHQ9, {"1": 19800102}, subject="c-07")
    assert r.invalid == {"1": "<redacted: a number of 8 digits> is not in [0, 3]"}
    assert "19800102" not in str(r.missing["total"])


def test_bad_input_raw_mapping() -> None:
    r = score_items(PHQ9, {"1": NAN}, subject="c-07")
    assert r.invalid == {"1": "nan is not a finite number"}
    r = score_items(PHQ9, {"1": "2"}, subject="c-07")
    assert r.invalid == {"1": "not a number (a string)"}
    r = score_items(PHQ9, {"1": True}, subject="c-07")
    assert r.invalid == {"1": "not a number (a boolean)"}
    assert score_items(PHQ9, {"1": 2.0}, subject="c-07").missing["total"]
    assert not score_items(PHQ9, {"1": 2.0}, subject="c-07").invalid


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ({"9": 4}, "item 9: 4 is not in [0, 3]"),
        ({"1": -1}, "item 1: -1 is not in [0, 3]"),
        ({"3": 1.5}, "item 3: 1.5 is not an integer answer code"),
    ],
)
def test_fused_path_gives_the_object_paths_invalid_item(
    bad: dict[str, float], fragment: str
) -> None:
    # Every item answered, so the compiled fast path is tried first; a bad
    # answer sends it to score_items, which marks the item invalid.
    items = {**all_items(PHQ9, 1), **bad}
    got = PHQ9.to_scores(resp(PHQ9, items), SubjectKind.CLIENT)
    want = PHQ9.score(resp(PHQ9, items)).to_scores(SubjectKind.CLIENT)
    assert got == want
    assert not got[0].complete
    assert fragment in str(got[0].missing_reason)


def test_fused_path_unknown_or_extra_item() -> None:
    swapped = {**all_items(PHQ9, 1), "10": 1}
    del swapped["9"]
    [s] = PHQ9.to_scores(resp(PHQ9, swapped), SubjectKind.CLIENT)
    assert "item 10: not an item of this instrument" in str(s.missing_reason)
    assert [f.code for f in s.flags] == ["phq9.item9-unanswered"]
    [s] = PHQ9.to_scores(
        resp(PHQ9, {**all_items(PHQ9, 1), "10": 1}), SubjectKind.CLIENT
    )
    assert not s.complete
    assert s.value == 9
    assert [f.code for f in s.flags] == ["phq9.item9-positive"]
    with pytest.raises(InstrumentError, match=r"is for instrument 'gad7'"):
        PHQ9.to_scores(
            InstrumentResponse(instrument="gad7", subject="c-01", items={}),
            SubjectKind.CLIENT,
        )


def test_fused_path_scores_equal_the_object_paths() -> None:
    cases = [
        (PHQ9, all_items(PHQ9, 3)),  # critical item and top band
        (PHQ9, {**all_items(PHQ9, 0), "9": None}),  # unanswered critical item
        (PHQ9, {**all_items(PHQ9, 2), "4": 2.0}),  # integral float: the loop
        (PCL5, all_items(PCL5, 2)),
        (CBI, {str(i): i % 5 for i in range(1, 20)}),  # transform, mean, reverse
        (PSS10, {str(i): (i * 3) % 5 for i in range(1, 11)}),
        (WHO5, all_items(WHO5, 5)),  # factor
    ]
    for spec, items in cases:
        r = resp(spec, items)
        expected = spec.score(r).to_scores(
            SubjectKind.CLIENT, subject="t-09", plugin="explicit"
        )
        got = spec.to_scores(r, SubjectKind.CLIENT, subject="t-09", plugin="explicit")
        assert got == expected, spec.id
        assert {s.plugin for s in got} == {"explicit"}
        assert {s.subject for s in got} == {"t-09"}
    (s,) = PHQ9.to_scores(resp(PHQ9, all_items(PHQ9, 3)), SubjectKind.CLIENT)
    assert (s.value, s.band, [f.code for f in s.flags], s.plugin) == (
        27.0,
        "severe",
        ["phq9.item9-positive"],
        None,
    )
    with pytest.raises(FieldError, match="subject"):
        PHQ9.to_scores(
            resp(PHQ9, all_items(PHQ9, 1)), SubjectKind.CLIENT, subject="not an id"
        )


def test_wrong_instrument() -> None:
    with pytest.raises(
        InstrumentError,
        match=r"^phq9: respondent c-01: the response is for instrument 'gad7'$",
    ):
        score(PHQ9, InstrumentResponse(instrument="gad7", subject="c-01", items={}))


def test_no_answer_at_all_is_incomplete_even_when_prorating() -> None:
    r = PHQ9.score(resp(PHQ9, {}))
    assert r.total is None
    assert r.answered == 0
    assert r.flags[0].code == "phq9.item9-unanswered"


# ------------------------------------------------------------------ spec validation


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"items": []}, "items: .* is empty"),
        (
            {"items": [*uniform_items(2, 0, 1), Item(id="1", maximum=1)]},
            "is listed twice",
        ),
        ({"reverse": ["9"]}, "reverse: '9' is not an item"),
        ({"subscales": {"a": ["1", "9"]}}, r"subscales.a: '9' is not an item"),
        ({"subscales": {"total": ["1"]}}, "is defined twice"),
        ({"total": False}, "nothing to score"),
        ({"max_missing": 2}, r"max_missing \(total\): 2 must be below"),
        ({"max_missing": -1}, "is negative"),
        ({"method": "median"}, "is not 'sum' or 'mean'"),
        ({"bands": {"nope": [Band(label="x")]}}, "bands: 'nope' is not a scale"),
        (
            {"bands": [Band(label="a", lower=1)]},
            r"bands.total\[0\].lower: 1 leaves 0 unbanded",
        ),
        ({"bands": [Band(label="a", upper=2)]}, r"leaves 2 unbanded"),
        (
            {"bands": [Band(label="a", upper=1), Band(label="b", lower=2)]},
            "does not continue",
        ),
        (
            {"bands": [Band(label="a", upper=1), Band(label="a", lower=1)]},
            "duplicate labels",
        ),
        ({"bands": ["a"]}, "is not a Band"),
        (
            {"critical": [CriticalItem(item="9", threshold=1, code="x")]},
            "critical.item: '9'",
        ),
        (
            {"critical": [CriticalItem(item="1", threshold=0, code="x")]},
            r"is not in \(0, 1\]",
        ),
        (
            {
                "critical": [
                    CriticalItem(item="1", threshold=1, code="x", unanswered_code="x")
                ]
            },
            "is used twice",
        ),
        (
            {"reliability": [Reliability(sd=1, r=0.5, source="s", scale="sub")]},
            "reliability.scale",
        ),
        ({"loinc": Loinc(items={"7": "1-1"})}, "loinc.items: '7'"),
        ({"loinc": "44249-1"}, "is not a Loinc"),
        ({"transform": (1, 2)}, "is not a Transform"),
        ({"subscales": {"a": Scale(name="b", items=["1"])}}, "does not match its key"),
        ({"critical": ["x"]}, r"critical\[0\]: 'x' is not a CriticalItem"),
    ],
)
def test_spec_validation(kwargs: dict[str, object], match: str) -> None:
    base: dict[str, object] = {"id": "t", "name": "T", "items": uniform_items(2, 0, 1)}
    with pytest.raises(FieldError, match=match):
        InstrumentSpec(**{**base, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: Item(id="1", minimum=2, maximum=2), "is not above minimum"),
        (lambda: Item(id="1", minimum=0.5, maximum=2), "is not an integer"),
        (lambda: Item(id="1", maximum=2, loinc="abc"), "is not a LOINC code"),
        (lambda: Transform(slope=0), "must not be 0"),
        (lambda: Transform(slope=math.inf), "is not a finite number"),
        (lambda: Transform(slope="a"), "could not convert|is not a number"),
        (lambda: Scale(name="a", items=[]), "is empty"),
        (lambda: Scale(name="a", items=["1", "1"]), "has duplicates"),
        (lambda: Scale(name="a", items=["1"], factor=0), "is not positive"),
        (lambda: Scale(name="a", items=["1"], higher_is_worse=1), "is not a boolean"),
        (lambda: Band(label=""), "is not a label"),
        (lambda: Band(label="a", lower=2, upper=1), "is not above lower"),
        (lambda: Band(label="a", lower=True), "is not a number"),
        (lambda: Reliability(sd=0, r=0.5, source="s"), "sd: 0 is not positive"),
        (lambda: Reliability(sd=1, r=1.0, source="s"), r"is not in \[0, 1\)"),
        (lambda: Reliability(sd=1, r=0.5, source=" "), "cite where r comes from"),
        (
            lambda: Reliability(sd=1, r=0.5, source="s", illustrative="no"),
            "is not a boolean",
        ),
        (
            lambda: CriticalItem(item="1", threshold=1, code="c", level="critical"),
            "is not a FlagLevel",
        ),
        (lambda: Loinc(items=["1"]), "is not a mapping"),
        (lambda: Loinc(items={"1": "x"}), r"items.1: 'x' is not a LOINC"),
    ],
)
def test_part_validation(factory: object, match: str) -> None:
    with pytest.raises((FieldError, ValueError), match=match):
        factory()  # type: ignore[operator]


def test_introspection() -> None:
    assert PHQ9.flag_codes == (
        "phq9.item9-positive",
        "phq9.item9-unanswered",
        "phq9.item9-invalid",
    )
    assert PCL5.scale_names[0] == "total"
    with pytest.raises(KeyError, match="no scale 'x'"):
        PCL5.scale("x")
    with pytest.raises(KeyError, match="no reliability declared for scale 'cluster-b'"):
        PCL5.reliability_for("cluster-b")
    assert CriticalItem(item="1", threshold=1, code="c").unanswered_flag is None
    # mixed ranges with prorating: bounds are conservative
    mixed = InstrumentSpec(
        id="m",
        name="M",
        items=[Item(id="a", maximum=2), Item(id="b", minimum=1, maximum=5)],
        subscales=[Scale(name="avg", items=["a", "b"], method="mean", max_missing=1)],
        max_missing=1,
    )
    assert (mixed.scale("total").minimum, mixed.scale("total").maximum) == (0, 10)
    assert (mixed.scale("avg").minimum, mixed.scale("avg").maximum) == (0, 5)
    r = score_items(mixed, {"a": None, "b": 5}, subject="x")
    assert r.values == {"total": 10, "avg": 5}


# ------------------------------------------------------------------ columnar path


def test_columnar_int_fast_path_matches_object() -> None:
    rng = np.random.default_rng(1)
    arr = rng.integers(0, 5, (200, 10), dtype=np.int8)
    out = PSS10.score_array(arr)
    for i in range(200):
        obj = PSS10.score(
            resp(PSS10, dict(zip(PSS10.item_ids, arr[i].tolist(), strict=True)))
        )
        for name in PSS10.scale_names:
            assert out.values[name][i] == obj.values[name]
        assert out.band_labels()[i] == obj.band
    assert out.valid.all()
    assert (out.answered == 10).all()
    assert out.errors() == []


def test_columnar_column_major_int8_matches_row_major() -> None:
    rng = np.random.default_rng(2)
    for spec in (PCL5, PSS10, CBI, WHO5):
        arr = rng.integers(
            0, 5 if spec is not WHO5 else 6, (300, len(spec.item_ids)), dtype=np.int8
        )
        row = spec.score_array(arr)
        col = spec.score_array(np.asfortranarray(arr))
        for name in spec.scale_names:
            assert np.array_equal(row.values[name], col.values[name])
            assert np.array_equal(row.band_codes[name], col.band_codes[name])
    big = np.full((3, 20), 4, dtype=np.int8, order="F")  # fits int8: 80 <= 127
    assert PCL5.score_array(big).total.tolist() == [80, 80, 80]
    wide = InstrumentSpec(id="w", name="W", items=uniform_items(40, 0, 4))  # 160 > 127
    assert wide.score_array(
        np.full((2, 40), 4, dtype=np.int8, order="F")
    ).total.tolist() == [160, 160]


def test_columnar_transform_fast_path() -> None:
    arr = np.zeros((2, 19), dtype=np.int64)
    arr[1] = 4
    out = CBI.score_array(arr)
    assert out.values["personal"].tolist() == [100, 0]
    assert out.values["work"].tolist() == [600 / 7, 100 / 7]
    assert out.band_labels("work").tolist() == ["high", "not-high"]
    assert out.band_codes["personal"].tolist() == [-1, -1]


def test_columnar_missing_and_flags() -> None:
    rows = np.array(
        [
            [0, 0, 0, 0, 0, 0, 0, 0, 1],  # total 1, item 9 positive
            [2, 2, 2, 2, 2, 2, 2, NAN, NAN],  # prorated 18, item 9 unanswered
            [NAN, NAN, NAN, 2, 2, 2, 2, 2, 0],  # 3 missing -> incomplete
        ]
    )
    out = PHQ9.score_array(rows)
    assert out.total[:2].tolist() == [1, 18]
    assert math.isnan(out.total[2])
    assert out.complete["total"].tolist() == [True, True, False]
    assert out.band_labels().tolist() == ["minimal", "moderately severe", None]
    assert out.flags["phq9.item9-positive"].tolist() == [True, False, False]
    assert out.flags["phq9.item9-unanswered"].tolist() == [False, True, False]
    assert out.answered.tolist() == [9, 7, 6]


def test_columnar_int_out_of_range_takes_general_path() -> None:
    arr = np.array([[0, 1, 9] + [0] * 6, [1] * 9], dtype=np.int16)
    with pytest.raises(
        InstrumentError, match=r"^phq9: row 0: item 3: 9.0 is not in \[0, 3\]$"
    ):
        PHQ9.score_array(arr)
    out = PHQ9.score_array(arr, lenient=True)
    assert out.valid.tolist() == [False, True]
    assert out.total[0] == pytest.approx(9 / 8)  # item 3 counted as unanswered
    assert out.complete["total"].tolist() == [False, True]
    assert out.total[1] == 9
    assert out.errors() == [(0, "3")]
    assert out.flags["phq9.item9-positive"].tolist() == [False, True]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (1.5, "1.5 is not an integer answer code"),
        (math.inf, "inf is not a finite number"),
        (-1, "-1.0 is not in"),
    ],
)
def test_columnar_strict_names_first_bad_row_and_item(
    value: float, reason: str
) -> None:
    rows = np.ones((4, 9))
    rows[2, 4] = value
    rows[3, 0] = 7
    with pytest.raises(InstrumentError, match=rf"^phq9: row 2: item 5: {reason}"):
        PHQ9.score_array(rows)


def test_columnar_lenient_does_not_poison_others() -> None:
    rows = np.ones((3, 9))
    rows[1, 8] = 4
    out = PHQ9.score_array(rows, lenient=True)
    assert out.total.tolist() == [9, 9, 9]  # row 1: 8 items prorated
    assert out.complete["total"].tolist() == [True, False, True]
    assert out.band_codes["total"].tolist() == [1, 1, 1]
    assert out.flags["phq9.item9-positive"].tolist() == [True, False, True]
    # An invalid critical item is read as the worst plausible answer (issue 14).
    assert out.flags["phq9.item9-invalid"].tolist() == [False, True, False]


def test_columnar_shape_and_dtype_errors() -> None:
    with pytest.raises(
        InstrumentError, match="expected a 2-D array with 9 item columns"
    ):
        PHQ9.score_array(np.ones((2, 8)))
    with pytest.raises(InstrumentError, match="expected a 2-D array"):
        PHQ9.score_array(np.ones(9))
    with pytest.raises(
        InstrumentError, match=r"^phq9: row 0: item 1: a str is not a number$"
    ):
        PHQ9.score_array(np.array([["a"] * 9]))
    assert PHQ9.score_array(np.zeros((0, 9), dtype=np.int8)).n == 0


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(np.array([[True] * 9]), id="bool-array"),
        pytest.param([[1, 1, True, 1, 1, 1, 1, 1, 1]], id="bool-among-ints"),
        pytest.param([[1.0, 1.0, True, 1.0, 1, 1, 1, 1, None]], id="bool-among-floats"),
        pytest.param(
            np.array([[1, 1, np.True_] + [1] * 6], dtype=object), id="np-bool"
        ),
    ],
)
def test_columnar_rejects_bool_like_the_object_path(data: object) -> None:
    """Finding 3 (issue 13): ``True`` was scored as the code 1 by the columnar
    path, while the object path rejects a bool answer."""
    with pytest.raises(
        InstrumentError, match=r"^phq9: row 0: item \d: True is not a number$"
    ):
        PHQ9.score_array(data)
    r = InstrumentResponse(instrument="phq9", subject="c-1", items={"3": True})
    assert PHQ9.score(r).invalid == {"3": "not a number (a boolean)"}
    out = PHQ9.score_array(data, lenient=True)
    assert out.valid.tolist() == [False]
    assert not out.complete["total"][0]


def test_columnar_rejects_bool_and_text_dataframe_columns() -> None:
    import pandas as pd

    ok = {str(i): [1, 2] for i in range(1, 10)}
    bools = pd.DataFrame({**ok, "4": [True, False]})
    with pytest.raises(
        InstrumentError, match=r"^phq9: row 0: item 4: True is not a number$"
    ):
        PHQ9.score_array(bools)
    text = pd.DataFrame({**ok, "2": [1, "2"]})
    with pytest.raises(
        InstrumentError, match=r"^phq9: row 1: item 2: a str is not a number$"
    ):
        PHQ9.score_array(text)
    nullable = pd.DataFrame(
        {**ok, "9": pd.array([1, None], dtype="Int64")}
    )  # pd.NA is unanswered, as before
    out = PHQ9.score_array(nullable)
    assert out.flags["phq9.item9-unanswered"].tolist() == [False, True]


def test_columnar_reverse_keying_with_missing() -> None:
    rows = np.array([[0, 0, 0, NAN, 0, 0, 0, 0, 0, 0]])
    spec = InstrumentSpec(
        id="pss",
        name="PSS",
        items=uniform_items(10, 0, 4),
        reverse=["4", "5", "7", "8"],
        max_missing=1,
    )
    out = spec.score_array(rows)
    obj = score_items(
        spec,
        dict(zip(spec.item_ids, [0, 0, 0, None, 0, 0, 0, 0, 0, 0], strict=True)),
        subject="x",
    )
    assert out.total[0] == obj.total == pytest.approx(12 / 9 * 10)


def test_columnar_mixed_ranges_and_large_scale() -> None:
    spec = InstrumentSpec(
        id="big",
        name="Big",
        items=[Item(id="a", maximum=10_000_000), Item(id="b", minimum=1, maximum=3)],
    )
    out = spec.score_array(np.array([[10_000_000, 3], [1, 1]], dtype=np.int64))
    assert out.total.tolist() == [10_000_003, 2]
    with pytest.raises(InstrumentError, match=r"item b: 0\.0 is not in"):
        spec.score_array(np.array([[1, 0]], dtype=np.int64))


def test_dataframe_input_and_output() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({str(i): [1, 2] for i in range(1, 10)}, index=["a", "b"])
    df["respondent"] = ["c-01", "c-02"]  # extra columns are ignored
    out = PHQ9.score_array(df)
    frame = out.to_frame()
    assert frame.index.tolist() == ["a", "b"]
    assert frame["total"].tolist() == [9, 18]
    assert frame["total.band"].tolist() == ["mild", "moderately severe"]
    assert frame["phq9.item9-positive"].tolist() == [True, True]
    nullable = pd.DataFrame(
        {i: pd.array([1, None], dtype="Int64") for i in range(1, 10)}
    )
    out = PHQ9.score_array(nullable)
    assert out.total[0] == 9
    assert math.isnan(out.total[1])
    with pytest.raises(InstrumentError, match="the DataFrame has no column for item 9"):
        PHQ9.score_array(df.drop(columns="9"))
    with pytest.raises(
        InstrumentError, match=r"^phq9: row 0: item 1: a str is not a number$"
    ):
        PHQ9.score_array(df.assign(**{"1": ["x", "y"]}))
    assert (
        "cluster-b.band"
        not in PCL5.score_array(np.zeros((1, 20), dtype=np.int8)).to_frame()
    )


# ------------------------------------------------------------------ RCI


def test_rci_worked_numbers_pcl5() -> None:
    alpha, retest = PCL5.reliability
    assert round(rci_threshold(alpha), 1) == 10.3
    assert round(rci_threshold(retest), 1) == 14.6
    ch = PCL5.reliable_change(50, 35)
    assert ch.s_diff == pytest.approx(12.40 * math.sqrt(2) * math.sqrt(0.09))
    assert ch.verdict == "reliably improved"
    assert ch.reliable
    assert (ch.sd, ch.r, ch.kind, ch.source) == (
        12.40,
        0.91,
        "alpha",
        "PMC7443209 Table 3",
    )
    assert PCL5.reliable_change(35, 50).verdict == "reliably worse"
    assert PCL5.reliable_change(50, 41).verdict == "no reliable change"


def test_rci_illustrative_phq9() -> None:
    ch = PHQ9.reliable_change(20, 10)
    assert round(ch.threshold, 1) == 5.5
    assert ch.illustrative
    assert ch.verdict == "reliably improved"


def test_rci_boundary_and_direction() -> None:
    rel = Reliability(sd=10, r=0.5, source="s")
    s_diff = 10 * math.sqrt(2) * math.sqrt(0.5)  # = 10
    at = reliable_change(0, 1.96 * s_diff, rel)
    assert at.rc == pytest.approx(1.96)
    assert (
        reliable_change(0, 19.6, rel).verdict == "no reliable change"
    )  # |RC| == 1.96 is not > 1.96
    assert reliable_change(0, 19.7, rel).verdict == "reliably worse"
    assert (
        reliable_change(0, 19.7, rel, higher_is_worse=False).verdict
        == "reliably improved"
    )
    assert (
        reliable_change(19.7, 0, rel, higher_is_worse=False).verdict == "reliably worse"
    )
    who = InstrumentSpec(
        id="w",
        name="W",
        items=uniform_items(5, 0, 5),
        higher_is_worse=False,
        reliability=[
            Reliability(sd=5, r=0.8, source="illustrative", illustrative=True)
        ],
    )
    ch = who.reliable_change(5, 20)
    assert ch.verdict == "reliably improved"
    assert ch.illustrative
    with pytest.raises(InstrumentError, match="after score nan is not a finite number"):
        reliable_change(1, NAN, rel)


def test_rci_array() -> None:
    rel = PCL5.reliability[1]
    rc, d = reliable_change_array(
        [50, 50, 30, NAN], [30, 40, 50, 40], rel, higher_is_worse=False
    )
    assert d.tolist() == [-1, 0, 1, 0]
    assert math.isnan(rc[3])


def test_import_riskcore_does_not_import_numpy() -> None:
    code = "import sys, riskcore, riskcore.instruments; print('numpy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_spec_pickles_and_hashes() -> None:
    import pickle

    PCL5.score_array(np.zeros((1, 20), dtype=np.int8))  # fill the columnar cache
    PCL5.to_scores(
        resp(PCL5, all_items(PCL5, 1)), SubjectKind.CLIENT
    )  # and the fast plan
    for spec in (PCL5, CBI, PHQ9):
        copy = pickle.loads(pickle.dumps(spec))
        assert copy == spec
        assert hash(copy) == hash(spec)
    one = InstrumentSpec(
        id="o", name="O", items=uniform_items(2, 0, 3), subscales={"a": ["2"]}
    )
    one.to_scores(resp(one, {"1": 1, "2": 3}), SubjectKind.CLIENT)
    copy = pickle.loads(pickle.dumps(one))
    assert score_items(copy, {"1": 1, "2": 3}, subject="x").values == {
        "total": 4,
        "a": 3,
    }
    scores = copy.to_scores(resp(one, {"1": 1, "2": 3}), SubjectKind.CLIENT)
    assert [s.value for s in scores] == [4, 3]


def test_flags_survive_an_incomplete_total() -> None:
    items = all_items(PHQ9, 1)
    items["1"] = items["2"] = items["9"] = None
    (s,) = PHQ9.score(resp(PHQ9, items)).to_scores(SubjectKind.CLIENT)
    assert s.value is None
    assert s.missing_reason == "3 of 9 items unanswered; at most 2 may be missing"
    assert [f.code for f in s.flags] == ["phq9.item9-unanswered"]
    assert s.critical


def test_fast_path_source_binds_data_by_name() -> None:
    # The generated function's source holds identifiers and integers only:
    # ids, labels and flags of the spec are bound as constants, never pasted in.
    from riskcore.instruments.scoring import _FastPlan

    spec = InstrumentSpec(
        id="odd-instrument",
        name="Odd",
        items=[
            Item(id="q-alpha", minimum=1, maximum=5),
            Item(id="q-beta", minimum=0, maximum=3),
        ],
        reverse=["q-alpha"],
        bands=[Band(label="label-low", upper=4), Band(label="label-high", lower=4)],
    )
    source = _FastPlan(spec).source
    for text in ("odd-instrument", "q-alpha", "q-beta", "label-low", "'", '"subject"'):
        assert text not in source.replace('checked_id("subject"', "")
    assert "(6 - a0)" in source  # reverse keying of a 1..5 item
    r = resp(spec, {"q-alpha": 5, "q-beta": 3})
    assert [(s.value, s.band) for s in spec.to_scores(r, SubjectKind.CLIENT)] == [
        (4.0, "label-high")
    ]


def test_scale_bounds_hold_the_values_the_engine_computes() -> None:
    # Found by Hypothesis: with intercept -1/3 the items' transformed maxima add
    # up to 3.333333333333333, but the engine's -1/3 * 2 + 1 * 4 is
    # 3.3333333333333335. The bounds now come from the engine's own formula, so
    # building the Score cannot fail by a rounding step.
    spec = InstrumentSpec(
        id="rand",
        name="Random",
        items=[*uniform_items(3, 0, 1), Item(id="4", minimum=2, maximum=3)],
        reverse=["1", "2", "3", "4"],
        total=False,
        subscales={"p0": ["1", "2"], "p1": ["3", "4"]},
        transform=Transform(intercept=-1.0 / 3.0, slope=1.0),
    )
    items = {"1": 0, "2": 0, "3": 0, "4": 2}
    expected = score_items(spec, items, subject="c-01")
    assert expected.values["p1"] == 3.3333333333333335
    assert spec.scale("p1").maximum == 3.3333333333333335
    got = spec.to_scores(resp(spec, items), SubjectKind.CLIENT)
    assert got == expected.to_scores(SubjectKind.CLIENT)
    assert got[1].value == got[1].maximum


def test_mixed_range_prorated_bounds_are_the_engines_extremes() -> None:
    # Items of different ranges with prorating used to get n x the widest item
    # bound: 4 x (1 - 1/3) = 2.666666666666667 as the minimum, while three
    # answered items of 1 prorate to (-1/3 * 3 + 3) / 3 * 4 = 2.6666666666666665,
    # below it, and the Score could not be built. The bounds are now the
    # engine's own extremes over every count the missing-data rule allows.
    spec = InstrumentSpec(
        id="mixed",
        name="Mixed",
        items=[
            Item(id="1", minimum=1, maximum=6),
            Item(id="2", minimum=1, maximum=2),
            Item(id="3", minimum=1, maximum=6),
            Item(id="4", minimum=1, maximum=4),
        ],
        max_missing=3,
        transform=Transform(intercept=-1.0 / 3.0, slope=1.0),
    )
    items = {"1": 1, "2": 1, "3": 1, "4": None}
    [s] = spec.to_scores(resp(spec, items), SubjectKind.CLIENT)
    assert s.value == 2.6666666666666665 == s.minimum
    # the maximum is reached by one answered item at 6, prorated: not 4 x 6
    assert spec.scale("total").maximum == (-1.0 / 3.0 + 6) / 1 * 4


def test_paths_disagree_catches_a_wrong_fast_path() -> None:
    # The conformance check is only worth having if it fails on a broken
    # fast path: swap in one that gets the value, the scales or the flags wrong.
    import attrs

    from riskcore.model import Score
    from riskcore.testing import paths_disagree

    spec = attrs.evolve(PHQ9)  # a private copy, with its own cache
    row = [1.0] * 9
    assert paths_disagree(spec, [row]) == []
    good = spec._cache["fast"].scores

    class Broken:
        def __init__(self, change: dict[str, object], extra: bool = False) -> None:
            self.change, self.extra = change, extra

        def scores(self, *args: object) -> list[Score]:
            out = [attrs.evolve(s, **self.change) for s in good(*args)]
            return [*out, out[0]] if self.extra else out

    for broken, fragment in [
        (Broken({"value": 8.0}), "row 0, total: fused 8.0"),
        (Broken({"flags": ()}), "fused flags differ"),
        (Broken({}, extra=True), "fused scales"),
    ]:
        spec._cache["fast"] = broken
        problems = paths_disagree(spec, [row])
        assert any(fragment in p for p in problems), (fragment, problems)


def test_columnar_object_cells_numbers_and_extremes() -> None:
    cells = np.array(
        [[np.int64(1), np.float64(2.0), 1, 1, 1, 1, 1, np.float64("nan"), 0]],
        dtype=object,
    )
    out = PHQ9.score_array(cells)  # numpy numbers are numbers; NaN is unanswered
    assert out.total.tolist() == [9.0]  # 8 answered, prorated: 8 / 8 * 9
    assert out.answered.tolist() == [8]
    with pytest.raises(
        InstrumentError, match=r"^phq9: row 0: item 1: inf is not a finite number$"
    ):
        PHQ9.score_array([[10**400, 1, 1, 1, 1, 1, 1, 1, 1]])  # beyond float range
    with pytest.raises(InstrumentError, match=r"item 1: -inf is not a finite number$"):
        PHQ9.score_array([[-(10**400), 1, 1, 1, 1, 1, 1, 1, 1]])
    from decimal import Decimal

    with pytest.raises(InstrumentError, match=r"item 2: a Decimal is not a number$"):
        PHQ9.score_array([[1, Decimal(1), 1, 1, 1, 1, 1, 1, 1]])


def test_reach_complete_unbanded_and_lower_is_worse() -> None:
    who5 = InstrumentSpec(
        id="who5",
        name="WHO-5",
        items=uniform_items(5, 0, 5),
        bands=[Band(label="poor", lower=0, upper=13), Band(label="not-poor", lower=13)],
        higher_is_worse=False,
    )
    full = who5.reach({str(i): 3 for i in range(1, 6)})
    assert full.complete
    assert (full.low, full.high, full.bands, full.worst) == (
        15,
        15,
        ("not-poor",),
        "not-poor",
    )
    part = who5.reach({"1": 3, "2": 3, "3": 3, "4": 3, "5": None})
    assert not part.complete
    assert (part.bands, part.worst) == (("poor", "not-poor"), "poor")  # lower is worse
    unbanded = InstrumentSpec(id="u", name="U", items=uniform_items(2, 0, 3))
    r = unbanded.reach({"1": None, "2": None})
    assert (r.low, r.high, r.bands, r.worst) == (0, 6, (), None)
    # An invalid answer counts as unanswered: the reach spans every answer.
    r = unbanded.reach({"1": 9, "2": 1})
    assert (r.low, r.high, r.unanswered) == (1, 4, 1)
