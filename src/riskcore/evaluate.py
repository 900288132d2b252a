"""Validate an assessor's scores against labelled outcomes.

For researchers checking how well a score (or a band) predicts an outcome in
their own data: sensitivity, specificity, PPV and NPV at a cut-off, ROC AUC,
Brier score and calibration, each with a bootstrap confidence interval.

* The AUC is the Mann-Whitney U statistic of the positives against the
  negatives divided by the number of pairs (``scipy.stats.mannwhitneyu``): the
  probability that a random positive scores above a random negative, ties
  counting one half.
* Confidence intervals are from ``scipy.stats.bootstrap`` with a seeded
  ``numpy.random.Generator`` (same seed, same interval). Resampling is
  *stratified*: positives and negatives are resampled separately, so every
  resample has both classes and the observed prevalence. The default method is
  the percentile interval; ``method="BCa"`` is available.
* A case is *positive* when its score is at or above the cut-off
  (``higher_is_worse=True``, the default) or at or below it (``False``).

numpy and scipy are imported when a function is called, not with riskcore.

Validation on a sample says how the score behaved in that sample; it is not a
licence to use the score for decisions about individuals.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from riskcore.errors import EvaluationError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

__all__ = [
    "Calibration",
    "CalibrationBin",
    "Confusion",
    "Estimate",
    "Evaluation",
    "EvaluationError",
    "band_ranks",
    "brier_score",
    "calibration",
    "confusion",
    "evaluate",
    "npv",
    "ppv",
    "roc_auc",
    "sensitivity",
    "specificity",
]


@frozen(kw_only=True)
class Estimate:
    """A point estimate with its bootstrap confidence interval.

    ``low`` and ``high`` are NaN when the interval is undefined (a statistic that
    is 0/0 in some resamples, such as PPV with very few predicted positives).

    >>> e = Estimate(name="AUC", value=0.8125, low=0.6, high=0.95)
    >>> str(e)
    'AUC 0.812 (95% CI 0.600 to 0.950)'
    """

    name: str
    value: float
    low: float
    high: float
    confidence: float = 0.95
    n_resamples: int = 0
    method: str = "percentile"

    def __str__(self) -> str:
        pct = f"{self.confidence * 100:g}%"
        return (
            f"{self.name} {self.value:.3f} ({pct} CI {self.low:.3f} to {self.high:.3f})"
        )


@frozen(kw_only=True)
class Confusion:
    """Counts at a cut-off: true/false positives and negatives.

    >>> c = Confusion(tp=8, fp=2, tn=18, fn=2)
    >>> c.sensitivity, c.specificity, c.ppv, c.npv
    (0.8, 0.9, 0.8, 0.9)
    """

    tp: int
    fp: int
    tn: int
    fn: int

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / (a + b) if a + b else math.nan

    @property
    def sensitivity(self) -> float:
        """TP / (TP + FN): the share of positives the cut-off catches."""
        return self._ratio(self.tp, self.fn)

    @property
    def specificity(self) -> float:
        """TN / (TN + FP): the share of negatives left alone."""
        return self._ratio(self.tn, self.fp)

    @property
    def ppv(self) -> float:
        """TP / (TP + FP): how often a positive screen is a true positive."""
        return self._ratio(self.tp, self.fp)

    @property
    def npv(self) -> float:
        """TN / (TN + FN): how often a negative screen is a true negative."""
        return self._ratio(self.tn, self.fn)


@frozen(kw_only=True)
class CalibrationBin:
    """One bin of a calibration table: mean predicted vs observed rate."""

    lower: float
    upper: float
    n: int
    predicted: float
    observed: float


@frozen(kw_only=True)
class Calibration:
    """Binned calibration and the logistic calibration intercept and slope.

    A well-calibrated probability has ``slope`` near 1 and ``intercept`` near 0
    (Cox 1958; Van Calster et al. 2019, BMC Medicine 17:230). A slope below 1
    means predictions are too extreme.
    """

    bins: tuple[CalibrationBin, ...]
    intercept: Estimate
    slope: Estimate


@frozen(kw_only=True)
class Evaluation:
    """Everything :func:`evaluate` computes; ``str()`` is a short table."""

    n: int
    positives: int
    cutoff: float
    confusion: Confusion
    sensitivity: Estimate
    specificity: Estimate
    ppv: Estimate
    npv: Estimate
    auc: Estimate
    brier: Estimate | None = None
    extra: Mapping[str, Estimate] = field(factory=dict)

    def __str__(self) -> str:
        lines = [
            f"n={self.n}, positives={self.positives}, cut-off >= {self.cutoff:g}",
            str(self.sensitivity),
            str(self.specificity),
            str(self.ppv),
            str(self.npv),
            str(self.auc),
        ]
        if self.brier is not None:
            lines.append(str(self.brier))
        return "\n".join(lines)


# ------------------------------------------------------------------ plumbing


def _split(
    scores: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    *,
    higher_is_worse: bool = True,
) -> tuple[FloatArray, FloatArray]:
    """Scores of the positives and of the negatives (sign-flipped if lower is worse)."""
    import numpy as np

    s = np.asarray(scores, dtype=float)
    y = np.asarray(outcomes)
    if s.ndim != 1 or y.ndim != 1 or len(s) != len(y):
        msg = (
            f"scores and outcomes must be 1-D and of equal length "
            f"(got {s.shape} and {y.shape})"
        )
        raise EvaluationError(msg)
    if not np.all(np.isfinite(s)):
        msg = "scores contain NaN or infinity: drop incomplete scores first"
        raise EvaluationError(msg)
    if not np.all((y == 0) | (y == 1)):
        msg = "outcomes must be 0/1 or booleans"
        raise EvaluationError(msg)
    y = y.astype(bool)
    if not y.any() or y.all():
        msg = "outcomes must contain both positives and negatives"
        raise EvaluationError(msg)
    if not higher_is_worse:
        s = -s
    return s[y], s[~y]


def _bootstrap(
    name: str,
    samples: tuple[FloatArray, FloatArray],
    statistic: Callable[..., Any],
    *,
    confidence: float,
    n_resamples: int,
    seed: int | None,
    method: str,
    vectorized: bool = True,
) -> Estimate:
    import numpy as np
    from scipy import stats

    value = float(statistic(*samples, axis=-1) if vectorized else statistic(*samples))
    if n_resamples <= 0:
        return Estimate(
            name=name,
            value=value,
            low=math.nan,
            high=math.nan,
            confidence=confidence,
            n_resamples=0,
            method=method,
        )
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        res = stats.bootstrap(
            samples,
            statistic,
            vectorized=vectorized,
            paired=False,
            n_resamples=n_resamples,
            confidence_level=confidence,
            method=method,
            rng=np.random.default_rng(seed),
        )
    ci = res.confidence_interval
    return Estimate(
        name=name,
        value=value,
        low=float(ci.low),
        high=float(ci.high),
        confidence=confidence,
        n_resamples=n_resamples,
        method=method,
    )


def _ratio(a: Any, b: Any) -> Any:
    import numpy as np

    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(a, dtype=float) / np.asarray(a + b, dtype=float)


# ------------------------------------------------------------------ statistics


def confusion(
    scores: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    *,
    cutoff: float,
    higher_is_worse: bool = True,
) -> Confusion:
    """The confusion counts when a score at or beyond *cutoff* is read as positive.

    >>> confusion([1, 5, 7, 9, 2, 6], [0, 0, 1, 1, 0, 1], cutoff=6)
    Confusion(tp=3, fp=0, tn=3, fn=0)
    >>> confusion([1, 5, 7], [1, 0, 0], cutoff=2, higher_is_worse=False)
    Confusion(tp=1, fp=0, tn=2, fn=0)
    """
    import numpy as np

    c = cutoff if higher_is_worse else -cutoff
    pos, neg = _split(scores, outcomes, higher_is_worse=higher_is_worse)
    tp = int(np.sum(pos >= c))
    fp = int(np.sum(neg >= c))
    return Confusion(tp=tp, fp=fp, tn=len(neg) - fp, fn=len(pos) - tp)


_Common = dict[str, Any]


def _cut_stat(kind: str, cutoff: float) -> Callable[..., Any]:
    import numpy as np

    def stat(pos: Any, neg: Any, axis: int = -1) -> Any:
        tp = np.sum(pos >= cutoff, axis=axis)
        fn = np.sum(pos < cutoff, axis=axis)
        fp = np.sum(neg >= cutoff, axis=axis)
        tn = np.sum(neg < cutoff, axis=axis)
        if kind == "sensitivity":
            return _ratio(tp, fn)
        if kind == "specificity":
            return _ratio(tn, fp)
        if kind == "ppv":
            return _ratio(tp, fp)
        return _ratio(tn, fn)

    return stat


def _at_cutoff(
    kind: str,
    name: str,
    scores: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    cutoff: float,
    higher_is_worse: bool,
    confidence: float,
    n_resamples: int,
    seed: int | None,
    method: str,
) -> Estimate:
    pos, neg = _split(scores, outcomes, higher_is_worse=higher_is_worse)
    c = cutoff if higher_is_worse else -cutoff
    return _bootstrap(
        name,
        (pos, neg),
        _cut_stat(kind, c),
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
        method=method,
    )


def sensitivity(
    scores: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    *,
    cutoff: float,
    higher_is_worse: bool = True,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int | None = 0,
    method: str = "percentile",
) -> Estimate:
    """Sensitivity (true-positive rate) at *cutoff*, with a bootstrap CI.

    Parameters
    ----------
    scores:
        One score per person (complete scores only).
    outcomes:
        1 (or ``True``) when the outcome happened, else 0.
    cutoff:
        A score at or above it (at or below it if ``higher_is_worse`` is false)
        is a positive screen.
    higher_is_worse:
        Direction of the score.
    confidence, n_resamples, seed, method:
        Passed to ``scipy.stats.bootstrap`` (``seed`` seeds a
        ``numpy.random.Generator``; ``n_resamples=0`` skips the interval).

    Returns
    -------
    Estimate

    Examples
    --------
    >>> s = sensitivity([1, 5, 7, 9, 2, 6, 3, 8], [0, 0, 1, 1, 0, 1, 1, 0], cutoff=6)
    >>> s.value
    0.75
    >>> s.low <= s.value <= s.high
    True
    """
    return _at_cutoff(
        "sensitivity",
        "sensitivity",
        scores,
        outcomes,
        cutoff,
        higher_is_worse,
        confidence,
        n_resamples,
        seed,
        method,
    )


def specificity(
    scores: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    *,
    cutoff: float,
    higher_is_worse: bool = True,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int | None = 0,
    method: str = "percentile",
) -> Estimate:
    """Specificity (true-negative rate) at *cutoff*; see :func:`sensitivity`.

    >>> specificity([1, 5, 7, 9, 2, 6, 3, 8], [0, 0, 1, 1, 0, 1, 1, 0], cutoff=6).value
    0.75
    """
    return _at_cutoff(
        "specificity",
        "specificity",
        scores,
        outcomes,
        cutoff,
        higher_is_worse,
        confidence,
        n_resamples,
        seed,
        method,
    )


def ppv(
    scores: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    *,
    cutoff: float,
    higher_is_worse: bool = True,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int | None = 0,
    method: str = "percentile",
) -> Estimate:
    """Positive predictive value at *cutoff*; see :func:`sensitivity`.

    PPV depends on prevalence: it holds for populations like the sample.

    >>> ppv([1, 5, 7, 9, 2, 6, 3, 8], [0, 0, 1, 1, 0, 1, 1, 0], cutoff=6).value
    0.75
    """
    return _at_cutoff(
        "ppv",
        "PPV",
        scores,
        outcomes,
        cutoff,
        higher_is_worse,
        confidence,
        n_resamples,
        seed,
        method,
    )


def npv(
    scores: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    *,
    cutoff: float,
    higher_is_worse: bool = True,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int | None = 0,
    method: str = "percentile",
) -> Estimate:
    """Negative predictive value at *cutoff*; see :func:`sensitivity`.

    >>> npv([1, 5, 7, 9, 2, 6, 3, 8], [0, 0, 1, 1, 0, 1, 1, 0], cutoff=6).value
    0.75
    """
    return _at_cutoff(
        "npv",
        "NPV",
        scores,
        outcomes,
        cutoff,
        higher_is_worse,
        confidence,
        n_resamples,
        seed,
        method,
    )


def _auc_stat(pos: Any, neg: Any, axis: int = -1) -> Any:
    from scipy import stats

    u = stats.mannwhitneyu(pos, neg, axis=axis, method="asymptotic").statistic
    return u / (pos.shape[axis] * neg.shape[axis])


def roc_auc(
    scores: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    *,
    higher_is_worse: bool = True,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int | None = 0,
    method: str = "percentile",
) -> Estimate:
    """Area under the ROC curve, from the Mann-Whitney U statistic.

    ``AUC = U / (n_pos * n_neg)``: the probability that a random positive
    scores higher than a random negative (ties count one half).

    >>> roc_auc([1, 2, 3, 4], [0, 0, 1, 1], n_resamples=0).value
    1.0
    >>> roc_auc([1, 2, 3, 4], [1, 1, 0, 0], n_resamples=0).value
    0.0
    >>> roc_auc([1, 1, 1, 1], [0, 1, 0, 1], n_resamples=0).value
    0.5
    """
    pos, neg = _split(scores, outcomes, higher_is_worse=higher_is_worse)
    return _bootstrap(
        "AUC",
        (pos, neg),
        _auc_stat,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
        method=method,
    )


def _check_probabilities(predicted: Any) -> None:
    import numpy as np

    p = np.asarray(predicted, dtype=float)
    if np.any((p < 0) | (p > 1)):
        msg = "predicted probabilities must be in [0, 1]"
        raise EvaluationError(msg)


def _brier_stat(pos: Any, neg: Any, axis: int = -1) -> Any:
    import numpy as np

    n = pos.shape[axis] + neg.shape[axis]
    return (np.sum((1.0 - pos) ** 2, axis=axis) + np.sum(neg**2, axis=axis)) / n


def brier_score(
    predicted: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int | None = 0,
    method: str = "percentile",
) -> Estimate:
    """Brier score: the mean squared difference between probability and outcome.

    0 is perfect; always predicting the prevalence ``p`` scores ``p * (1 - p)``.

    >>> brier_score([0.9, 0.1, 0.8, 0.3], [1, 0, 1, 0], n_resamples=0).value
    0.0375
    """
    _check_probabilities(predicted)
    pos, neg = _split(predicted, outcomes)
    est = _bootstrap(
        "Brier score",
        (pos, neg),
        _brier_stat,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
        method=method,
    )
    return Estimate(
        name=est.name,
        value=round(est.value, 12),
        low=est.low,
        high=est.high,
        confidence=est.confidence,
        n_resamples=est.n_resamples,
        method=est.method,
    )


def _logistic_fit(pos: Any, neg: Any) -> tuple[float, float]:
    """Intercept and slope of ``logit P(y=1) = a + b * logit(p)`` (maximum likelihood)."""
    import numpy as np
    from scipy import optimize, special

    eps = 1e-9
    x = special.logit(np.clip(np.concatenate([pos, neg]), eps, 1 - eps))
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])

    def nll(beta: Any) -> float:
        z = beta[0] + beta[1] * x
        # log(1 + e^z) - y z, computed stably
        return float(np.sum(np.logaddexp(0.0, z) - y * z))

    def grad(beta: Any) -> Any:
        r = special.expit(beta[0] + beta[1] * x) - y
        return np.array([np.sum(r), np.sum(r * x)])

    res = optimize.minimize(nll, np.array([0.0, 1.0]), jac=grad, method="BFGS")
    return float(res.x[0]), float(res.x[1])


def calibration(
    predicted: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    *,
    bins: int = 10,
    strategy: str = "uniform",
    confidence: float = 0.95,
    n_resamples: int = 500,
    seed: int | None = 0,
    method: str = "percentile",
) -> Calibration:
    """Calibration of predicted probabilities against outcomes.

    Parameters
    ----------
    predicted:
        Predicted probabilities in [0, 1] (e.g. a risk's likelihood over the
        horizon).
    outcomes:
        1 when the outcome happened within the horizon, else 0.
    bins, strategy:
        Number of bins, ``"uniform"`` (equal width on [0, 1]) or ``"quantile"``
        (equal counts, via ``scipy.stats.binned_statistic`` edges); empty bins
        are left out.
    confidence, n_resamples, seed, method:
        For the bootstrap intervals of the calibration intercept and slope
        (logistic recalibration fitted with ``scipy.optimize.minimize``).

    Examples
    --------
    >>> cal = calibration([0.1, 0.2, 0.8, 0.9, 0.3, 0.7], [0, 0, 1, 1, 1, 0],
    ...                   bins=2, n_resamples=0)
    >>> [(b.n, round(b.predicted, 2), b.observed) for b in cal.bins]
    [(3, 0.2, 0.3333333333333333), (3, 0.8, 0.6666666666666666)]
    """
    import numpy as np
    from scipy import stats

    _check_probabilities(predicted)
    pos, neg = _split(predicted, outcomes)
    p = np.concatenate([pos, neg])
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, bins + 1)
    elif strategy == "quantile":
        edges = np.unique(np.quantile(p, np.linspace(0.0, 1.0, bins + 1)))
    else:
        msg = f"strategy must be 'uniform' or 'quantile', not {strategy!r}"
        raise EvaluationError(msg)
    count = stats.binned_statistic(p, y, statistic="count", bins=edges)
    mean_p = stats.binned_statistic(p, p, statistic="mean", bins=edges)
    mean_y = stats.binned_statistic(p, y, statistic="mean", bins=edges)
    table = tuple(
        CalibrationBin(
            lower=float(edges[i]),
            upper=float(edges[i + 1]),
            n=int(count.statistic[i]),
            predicted=float(mean_p.statistic[i]),
            observed=float(mean_y.statistic[i]),
        )
        for i in range(len(edges) - 1)
        if count.statistic[i] > 0
    )
    common: _Common = {
        "confidence": confidence,
        "n_resamples": n_resamples,
        "seed": seed,
        "method": method,
        "vectorized": False,
    }
    intercept = _bootstrap(
        "calibration intercept",
        (pos, neg),
        lambda a, b: _logistic_fit(a, b)[0],
        **common,
    )
    slope = _bootstrap(
        "calibration slope", (pos, neg), lambda a, b: _logistic_fit(a, b)[1], **common
    )
    return Calibration(bins=table, intercept=intercept, slope=slope)


def band_ranks(bands: Sequence[str | None], order: Sequence[str]) -> list[float]:
    """Band labels as ordinal ranks (0 for ``order[0]``), to evaluate bands.

    ``None`` (an incomplete score) becomes NaN: drop those cases first; they are
    not low scores.

    >>> band_ranks(["mild", "severe", "minimal"], ["minimal", "mild", "moderate", "severe"])
    [1.0, 3.0, 0.0]
    >>> band_ranks(["unknown"], ["low", "high"])
    Traceback (most recent call last):
    ...
    riskcore.errors.EvaluationError: band 'unknown' is not in the order given (low, high)
    """
    rank = {b: float(i) for i, b in enumerate(order)}
    out = []
    for b in bands:
        if b is None:
            out.append(math.nan)
        elif b in rank:
            out.append(rank[b])
        else:
            msg = f"band {b!r} is not in the order given ({', '.join(order)})"
            raise EvaluationError(msg)
    return out


def evaluate(
    scores: Sequence[float] | Any,
    outcomes: Sequence[bool | int] | Any,
    *,
    cutoff: float,
    higher_is_worse: bool = True,
    probabilities: bool = False,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int | None = 0,
    method: str = "percentile",
) -> Evaluation:
    """Every cut-off statistic, the AUC and (for probabilities) the Brier score.

    >>> ev = evaluate([1, 5, 7, 9, 2, 6, 3, 8], [0, 0, 1, 1, 0, 1, 1, 0],
    ...               cutoff=6, n_resamples=200)
    >>> ev.confusion, ev.auc.value
    (Confusion(tp=3, fp=1, tn=3, fn=1), 0.75)
    """
    kw: _Common = {
        "higher_is_worse": higher_is_worse,
        "confidence": confidence,
        "n_resamples": n_resamples,
        "seed": seed,
        "method": method,
    }
    conf = confusion(scores, outcomes, cutoff=cutoff, higher_is_worse=higher_is_worse)
    brier = None
    if probabilities:
        brier = brier_score(
            scores,
            outcomes,
            confidence=confidence,
            n_resamples=n_resamples,
            seed=seed,
            method=method,
        )
    return Evaluation(
        n=conf.tp + conf.fp + conf.tn + conf.fn,
        positives=conf.tp + conf.fn,
        cutoff=cutoff,
        confusion=conf,
        sensitivity=sensitivity(scores, outcomes, cutoff=cutoff, **kw),
        specificity=specificity(scores, outcomes, cutoff=cutoff, **kw),
        ppv=ppv(scores, outcomes, cutoff=cutoff, **kw),
        npv=npv(scores, outcomes, cutoff=cutoff, **kw),
        auc=roc_auc(scores, outcomes, **kw),
        brier=brier,
    )
