"""Threshold flags on bands (``Band(..., flag=...)``), on both scoring paths."""

from __future__ import annotations

import math

import pytest

from riskcore.errors import FieldError
from riskcore.instruments import Band, CriticalItem, InstrumentSpec, uniform_items
from riskcore.model import Flag, FlagLevel, InstrumentResponse, SubjectKind
from riskcore.testing import paths_disagree

HIGH = Flag(code="demo.high", level=FlagLevel.WARNING, message="4 or more")
CRIT = CriticalItem(
    item="1", threshold=3, code="demo.item1", unanswered_code="demo.item1-unanswered"
)


def spec(**kw: object) -> InstrumentSpec:
    args: dict[str, object] = {
        "id": "demo",
        "name": "Demo",
        "items": uniform_items(3, 0, 3),
        "max_missing": 1,
        "bands": [
            Band(label="low", lower=0, upper=4),
            Band(label="high", lower=4, flag=HIGH),
        ],
        "critical": [CRIT],
    }
    args.update(kw)
    return InstrumentSpec(**args)  # type: ignore[arg-type]


def flags(s: InstrumentSpec, items: dict[str, int | None]) -> list[str]:
    r = s.score(InstrumentResponse(instrument="demo", subject="c-01", items=items))
    return [f.code for f in r.flags]


def test_band_flag_raised_after_critical_flags_on_first_score():
    s = spec()
    assert flags(s, {"1": 0, "2": 1, "3": 2}) == []
    assert flags(s, {"1": 3, "2": 1, "3": 0}) == ["demo.item1", "demo.high"]
    r = s.score(
        InstrumentResponse(
            instrument="demo", subject="c-01", items={"1": 2, "2": 2, "3": 0}
        )
    )
    [total] = r.to_scores(SubjectKind.CLIENT)
    assert [f.code for f in total.flags] == ["demo.high"]
    assert s.flag_codes == (
        "demo.item1",
        "demo.item1-unanswered",
        "demo.item1-invalid",
        "demo.high",
    )


def test_incomplete_scale_raises_no_band_flag():
    s = spec()
    assert flags(s, {"1": None, "2": None, "3": 3}) == ["demo.item1-unanswered"]


def test_paths_agree_with_band_flags():
    rows = [
        [0, 0, 0],
        [3, 3, 3],
        [2, 2, 0],
        [1, 1, 1],
        [math.nan, 3, 3],
        [math.nan, math.nan, 3],
    ]
    assert paths_disagree(spec(), rows) == []
    # complete integer rows take the columnar fast path
    assert paths_disagree(spec(), rows[:4]) == []


def test_band_flag_codes_are_unique():
    with pytest.raises(FieldError, match="used twice"):
        spec(
            bands=[
                Band(label="low", lower=0, upper=4),
                Band(label="high", lower=4, flag=Flag(code="demo.item1")),
            ]
        )


def test_band_flag_must_be_a_flag():
    with pytest.raises(TypeError):
        Band(label="high", lower=4, flag="demo.high")  # type: ignore[arg-type]
