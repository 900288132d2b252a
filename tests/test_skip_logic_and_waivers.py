"""Skip logic in InstrumentSpec, honoured by every path and the kit; kit waivers
and a verdict that does not depend on the example count (issue #20).

The K10 below follows /work/shared/guide/instruments.md §9c: ten items coded
1-5 (the Australian coding, total 10-50); items 3 and 6 are not asked when
the item before (2 or 5) was "none of the time" (code 1) and then score 1
(Andrews & Slade 2001, Aust N Z J Public Health 25:494; the ALSWH K10 note);
any other missing item is an error (max_missing=0). ABS bands.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from riskcore import hookimpl
from riskcore.errors import FieldError
from riskcore.instruments import (
    Band,
    InstrumentSpec,
    Skip,
    apply_skips,
    score_items,
    uniform_items,
)
from riskcore.model import AssessorInfo, InstrumentResponse, SubjectKind
from riskcore.testing import check_assessor

K10 = InstrumentSpec(
    id="k10",
    name="Kessler Psychological Distress Scale (K10)",
    items=uniform_items(10, 1, 5),
    bands=[
        Band(label="low", upper=16),
        Band(label="moderate", lower=16, upper=22),
        Band(label="high", lower=22, upper=30),
        Band(label="very-high", lower=30),
    ],
    skips=[
        Skip(item="3", gate="2", when=[1], score=1),
        Skip(item="6", gate="5", when=[1], score=1),
    ],
    citation="Kessler et al. (2002), Psychol Med 32:959; Andrews & Slade (2001)",
    licence="free to use; WHO (2003) notice with item text; item text not bundled",
)


def _items(**over: int | None) -> dict[str, int | None]:
    items: dict[str, int | None] = {str(i): 2 for i in range(1, 11)}
    for k, v in over.items():
        items[k.removeprefix("i")] = v
    return {k: v for k, v in items.items() if v is not None}


def test_a_correct_skip_scores_the_skipped_item() -> None:
    items = _items(i2=1, i3=None, i5=1, i6=None)  # both gates "none of the time"
    r = score_items(K10, items, subject="c-1")
    assert r.complete
    assert r.values["total"] == 2 * 6 + 1 + 1 + 1 + 1  # 3 and 6 score 1
    assert r.bands["total"] == "moderate"  # 16: ABS 16-21


def test_a_missing_item_whose_gate_says_ask_is_missing() -> None:
    r = score_items(K10, _items(i2=3, i3=None), subject="c-1")
    assert not r.complete
    assert r.values["total"] is None


def test_an_answer_given_anyway_is_scored_as_given() -> None:
    r = score_items(K10, _items(i2=1, i3=4), subject="c-1")
    assert r.values["total"] == 2 * 8 + 1 + 4


def test_an_unanswered_gate_fills_nothing() -> None:
    assert apply_skips(K10, {"3": None}) == {"3": None}
    r = score_items(K10, _items(i2=None, i3=None), subject="c-1")
    assert not r.complete


def test_the_response_object_path_honours_skips() -> None:
    resp = InstrumentResponse(
        instrument="k10", subject="c-1", items=_items(i2=1, i3=None)
    )
    [score] = K10.to_scores(resp, SubjectKind.CLIENT)
    assert score.complete
    assert score.value == 2 * 8 + 1 + 1


def test_the_columnar_path_honours_skips_as_the_object_path_does() -> None:
    rows = [
        [2, 1, math.nan, 2, 1, math.nan, 2, 2, 2, 2],  # both skips
        [2, 3, math.nan, 2, 2, 2, 2, 2, 2, 2],  # item 3 missing, gate says ask
        [2, 1, 5, 2, 2, 2, 2, 2, 2, 2],  # answered anyway
    ]
    out = K10.score_array(np.array(rows, dtype=float), lenient=True)
    assert out.total[0] == 2 * 6 + 4
    assert out.complete["total"].tolist() == [True, False, True]
    assert out.total[2] == 2 * 8 + 1 + 5
    obj = [
        score_items(
            K10,
            {str(j + 1): None if math.isnan(v) else int(v) for j, v in enumerate(r)},
            subject="c-1",
        ).values["total"]
        for r in rows
    ]
    assert obj[0] == out.total[0]
    assert obj[2] == out.total[2]
    assert obj[1] is None
    # object arrays too
    objs = np.array([[2, 1, None, 2, 2, 2, 2, 2, 2, 2]], dtype=object)
    assert K10.score_array(objs).total[0] == 2 * 8 + 1 + 1


@pytest.mark.parametrize(
    ("skip", "problem"),
    [
        (Skip(item="11", gate="2", when=[1], score=1), "skips[0].item"),
        (Skip(item="3", gate="2", when=[0], score=1), "skips[0].when"),
        (Skip(item="3", gate="2", when=[1], score=9), "skips[0].score"),
    ],
)
def test_a_bad_skip_is_refused(skip: Skip, problem: str) -> None:
    with pytest.raises(
        FieldError, match=problem.replace("[", r"\[").replace("]", r"\]")
    ):
        InstrumentSpec(id="x", name="X", items=uniform_items(10, 1, 5), skips=[skip])
    with pytest.raises(FieldError, match="gate"):
        Skip(item="3", gate="3", when=[1], score=1)


class _K10Plugin:
    """Scores the K10 through the engine (skips honoured)."""

    @hookimpl
    def riskcore_assessor_info(self):
        return AssessorInfo(
            name="k10-demo",
            summary="K10 through the engine",
            instruments=["k10"],
            subject_kinds=[SubjectKind.CLIENT],
        )

    @hookimpl
    def riskcore_instruments(self):
        return [K10]

    @hookimpl
    def riskcore_assess(self, subject, case):
        out = []
        for r in case.history(subject.id, ["k10"]):
            out += K10.to_scores(r, subject.KIND)
        return out


class _NoSkips(_K10Plugin):
    """Scores the K10 with a spec that forgot the skips."""

    @hookimpl
    def riskcore_assess(self, subject, case):
        import attrs

        plain = attrs.evolve(K10, skips=())
        out = []
        for r in case.history(subject.id, ["k10"]):
            out += plain.to_scores(r, subject.KIND)
        return out


def test_the_kit_accepts_a_correct_skip() -> None:
    report = check_assessor(_K10Plugin(), examples=5)
    assert report.ok, str(report)


def test_the_kit_finds_an_ignored_skip_at_every_example_count() -> None:
    """The skip check is not a generated example: the same verdict for every
    example count."""
    verdicts = set()
    for examples in (1, 3, 12):
        report = check_assessor(_NoSkips(), examples=examples)
        found = report.by_check("missing-data")
        assert [f.message for f in found if "correct skip" in f.message]
        verdicts.add((report.ok, tuple(f.message for f in report.findings)))
    assert len(verdicts) == 1
    [(ok, messages)] = verdicts
    assert not ok
    assert any("item 3 is not asked when item 2 is 1" in m for m in messages)
    assert any("item 6 is not asked when item 5 is 1" in m for m in messages)


def test_a_waived_check_is_reported_with_its_reason() -> None:
    report = check_assessor(
        _NoSkips(),
        examples=2,
        waive={"missing-data": "the study scores K10 without the skip rule"},
    )
    assert report.ok
    assert {f.check for f in report.waived} == {"missing-data"}
    text = str(report)
    assert (
        "waived [missing-data] (2 findings waived): the study scores K10 without "
        "the skip rule"
    ) in text
    with pytest.raises(ValueError, match="is not a check"):
        check_assessor(_K10Plugin(), examples=1, waive={"missing": "x"})
    with pytest.raises(ValueError, match="give the reason"):
        check_assessor(_K10Plugin(), examples=1, waive={"missing-data": " "})


def test_rule_based_does_what_the_docs_say() -> None:
    """A rule_based id the plugin does not list is a finding; one with a spec
    is checked through the spec, with a note."""
    report = check_assessor(
        _K10Plugin(), examples=1, rule_based={"k10": "Kessler 2002", "cssrs": "x"}
    )
    [finding] = report.by_check("instruments")
    assert "rule_based names 'cssrs'" in finding.message
    assert any(
        "'k10' is in rule_based but has an InstrumentSpec" in n for n in report.notes
    )
