"""riskcore.evaluate: hand-computed examples and known properties."""

from __future__ import annotations

import math

import numpy as np
import pytest

from riskcore.evaluate import (
    Confusion,
    Estimate,
    EvaluationError,
    band_ranks,
    brier_score,
    calibration,
    confusion,
    evaluate,
    npv,
    ppv,
    roc_auc,
    sensitivity,
    specificity,
)

# 10 people: scores and whether the outcome happened.
SCORES = [2, 4, 5, 7, 8, 9, 11, 12, 14, 15]
OUTCOME = [0, 0, 1, 0, 0, 1, 1, 0, 1, 1]
# At cut-off 10: positives screened 11, 12, 14, 15 -> tp=3 (11, 14, 15), fp=1 (12);
# negatives 2, 4, 7, 8 below -> tn=4; positives 5, 9 missed -> fn=2.


def test_confusion_counts_by_hand() -> None:
    assert confusion(SCORES, OUTCOME, cutoff=10) == Confusion(tp=3, fp=1, tn=4, fn=2)


def test_cutoff_statistics_by_hand() -> None:
    kw = {"cutoff": 10, "n_resamples": 0}
    assert sensitivity(SCORES, OUTCOME, **kw).value == pytest.approx(3 / 5)
    assert specificity(SCORES, OUTCOME, **kw).value == pytest.approx(4 / 5)
    assert ppv(SCORES, OUTCOME, **kw).value == pytest.approx(3 / 4)
    assert npv(SCORES, OUTCOME, **kw).value == pytest.approx(4 / 6)


def test_auc_by_hand_counts_pairs() -> None:
    # positives 5, 9, 11, 14, 15 against negatives 2, 4, 7, 8, 12:
    # 5 beats 2; 9, 11 beat 4 each; 14, 15 beat all 5 -> 2 + 4 + 4 + 5 + 5 = 20 of 25
    assert roc_auc(SCORES, OUTCOME, n_resamples=0).value == pytest.approx(20 / 25)


def test_auc_of_a_perfect_score_is_one_and_reversed_is_zero() -> None:
    y = [0] * 20 + [1] * 20
    s = list(range(40))
    assert roc_auc(s, y, n_resamples=0).value == 1.0
    assert roc_auc(s, y, higher_is_worse=False, n_resamples=0).value == 0.0


def test_auc_of_a_random_score_is_about_one_half() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=4000)
    s = rng.normal(size=4000)
    est = roc_auc(s, y, n_resamples=200, seed=3)
    assert est.value == pytest.approx(0.5, abs=0.03)
    assert est.low < 0.5 < est.high


def test_ci_contains_the_point_estimate_and_is_reproducible() -> None:
    a = roc_auc(SCORES, OUTCOME, n_resamples=500, seed=7)
    b = roc_auc(SCORES, OUTCOME, n_resamples=500, seed=7)
    assert a == b
    assert a.low <= a.value <= a.high
    assert a.n_resamples == 500
    assert "AUC 0.800 (95% CI" in str(a)
    # x5 the sample, so that no resample is left without a predicted positive
    # (PPV is then 0/0 and its interval undefined: NaN, see test below).
    for f in (sensitivity, specificity, ppv, npv):
        e = f(SCORES * 5, OUTCOME * 5, cutoff=10, n_resamples=300, seed=1)
        assert e.low <= e.value <= e.high


def test_bca_method_is_available() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=200)
    s = y + rng.normal(size=200)
    e = roc_auc(s, y, n_resamples=300, method="BCa")
    assert e.method == "BCa"
    assert e.low <= e.value <= e.high


def test_lower_is_worse_flips_the_cutoff() -> None:
    # WHO-5 style: low scores are the concern.
    c = confusion([90, 20, 30, 80], [0, 1, 1, 0], cutoff=50, higher_is_worse=False)
    assert c == Confusion(tp=2, fp=0, tn=2, fn=0)
    assert (
        sensitivity(
            [90, 20, 30, 80],
            [0, 1, 1, 0],
            cutoff=50,
            higher_is_worse=False,
            n_resamples=0,
        ).value
        == 1.0
    )


def test_undefined_ratio_is_nan_not_zero() -> None:
    c = Confusion(tp=0, fp=0, tn=5, fn=5)
    assert math.isnan(c.ppv)
    e = ppv([1, 2, 3, 4], [0, 1, 0, 1], cutoff=10, n_resamples=50)
    assert math.isnan(e.value)


def test_brier_score_by_hand_and_bounds() -> None:
    p = [0.9, 0.1, 0.8, 0.3]
    y = [1, 0, 1, 0]
    # (0.01 + 0.01 + 0.04 + 0.09) / 4
    assert brier_score(p, y, n_resamples=0).value == pytest.approx(0.0375)
    assert brier_score([1, 0], [1, 0], n_resamples=0).value == 0.0
    e = brier_score(p * 10, y * 10, n_resamples=200)
    assert e.low <= e.value <= e.high
    with pytest.raises(EvaluationError, match=r"\[0, 1\]"):
        brier_score([1.5, 0], [1, 0])


def test_calibration_of_calibrated_probabilities() -> None:
    rng = np.random.default_rng(5)
    p = rng.uniform(0.02, 0.98, size=3000)
    y = (rng.uniform(size=3000) < p).astype(int)
    cal = calibration(p, y, bins=5, n_resamples=60, seed=2)
    assert cal.slope.value == pytest.approx(1.0, abs=0.15)
    assert cal.intercept.value == pytest.approx(0.0, abs=0.15)
    assert cal.slope.low <= cal.slope.value <= cal.slope.high
    for b in cal.bins:
        assert b.lower <= b.predicted <= b.upper
        assert b.observed == pytest.approx(b.predicted, abs=0.06)
    assert sum(b.n for b in cal.bins) == 3000


def test_calibration_slope_below_one_for_overconfident_predictions() -> None:
    rng = np.random.default_rng(6)
    true_p = rng.uniform(0.2, 0.8, size=3000)
    y = (rng.uniform(size=3000) < true_p).astype(int)
    logit = np.log(true_p / (1 - true_p))
    overconfident = 1 / (1 + np.exp(-3 * logit))
    cal = calibration(overconfident, y, n_resamples=0)
    assert cal.slope.value == pytest.approx(1 / 3, abs=0.1)
    assert math.isnan(cal.slope.low)


def test_calibration_quantile_bins_and_bad_strategy() -> None:
    p = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9]
    y = [0, 0, 1, 0, 1, 0, 1, 1]
    cal = calibration(p, y, bins=2, strategy="quantile", n_resamples=0)
    assert [b.n for b in cal.bins] == [4, 4]
    assert [b.observed for b in cal.bins] == [0.25, 0.75]
    with pytest.raises(EvaluationError, match="strategy"):
        calibration(p, y, strategy="kmeans")


def test_band_ranks_and_evaluating_bands() -> None:
    order = ["minimal", "mild", "moderate", "severe"]
    bands = ["minimal", "severe", "mild", "moderate", "severe", None]
    ranks = band_ranks(bands, order)
    assert ranks[:5] == [0.0, 3.0, 1.0, 2.0, 3.0]
    assert math.isnan(ranks[5])
    ev = evaluate(
        ranks[:5], [0, 1, 0, 1, 1], cutoff=order.index("moderate"), n_resamples=100
    )
    assert ev.confusion == Confusion(tp=3, fp=0, tn=2, fn=0)
    assert ev.auc.value == 1.0


def test_evaluate_summary_with_probabilities() -> None:
    ev = evaluate(
        [0.9, 0.1, 0.8, 0.3, 0.6, 0.2],
        [1, 0, 1, 0, 0, 1],
        cutoff=0.5,
        probabilities=True,
        n_resamples=100,
    )
    assert ev.n == 6
    assert ev.positives == 3
    assert ev.brier is not None
    text = str(ev)
    assert "sensitivity" in text
    assert "Brier score" in text
    assert isinstance(ev.auc, Estimate)


@pytest.mark.parametrize(
    ("scores", "outcomes", "match"),
    [
        ([1, 2], [0, 1, 1], "equal length"),
        ([1, float("nan")], [0, 1], "NaN"),
        ([1, 2], [0, 2], "0/1"),
        ([1, 2], [1, 1], "both positives and negatives"),
    ],
)
def test_bad_input_is_an_error(
    scores: list[float], outcomes: list[int], match: str
) -> None:
    with pytest.raises(EvaluationError, match=match):
        roc_auc(scores, outcomes)
