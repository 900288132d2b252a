"""Learning a threat's base likelihood from the practice's own incidents.

Conjugate Bayesian updates with the catalog default as the prior, of a stated
strength (how many observations the default is worth):

* **beta–binomial** (a probability per horizon): prior
  ``Beta(a0 = p0·n0, b0 = (1 − p0)·n0)``; after ``k`` incidents in ``n``
  subject-horizons of exposure the posterior is ``Beta(a0 + k, b0 + n − k)``
  with mean ``(a0 + k) / (n0 + n)`` (Gelman et al., *Bayesian Data Analysis*,
  3rd ed., 2013, §2.4);
* **gamma–Poisson** (a rate per person-year): prior
  ``Gamma(shape α0 = λ0·s0, rate β0 = s0)`` where ``λ0 = −ln(1 − p0) / t`` is
  the rate implied by the probability ``p0`` over a horizon of ``t`` years and
  ``s0`` the prior's strength in person-years; after ``k`` incidents in ``E``
  person-years the posterior is ``Gamma(α0 + k, β0 + E)`` with mean
  ``(α0 + k) / (β0 + E)`` (ibid., §2.6).

The numbers are shown prior → posterior with the exposure and the count, so a
reader sees how far the practice's records moved the default. Near misses are
not counted as incidents.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math

from attrs import frozen

from riskcore.errors import StoreError

__all__ = ["Update", "beta_binomial", "gamma_poisson"]


@frozen(kw_only=True)
class Update:
    """A conjugate update: prior and posterior parameters, means and 90 % intervals."""

    model: str
    prior: tuple[float, float]
    posterior: tuple[float, float]
    prior_mean: float
    posterior_mean: float
    low: float
    """5th percentile of the posterior."""
    high: float
    """95th percentile of the posterior."""
    events: int
    exposure: float
    unit: str


def _check(prior_mean: float, strength: float, events: int, exposure: float) -> None:
    if not (math.isfinite(strength) and strength > 0):
        raise StoreError(f"prior strength {strength!r}: is not a positive number")
    if not (math.isfinite(exposure) and exposure >= 0):
        raise StoreError(f"exposure {exposure!r}: is not a non-negative number")
    if events < 0:
        raise StoreError(f"events {events!r}: is negative")
    if not 0 < prior_mean < 1:
        raise StoreError(f"prior probability {prior_mean!r}: is not in (0, 1)")


def beta_binomial(p0: float, strength: float, events: int, trials: float) -> Update:
    """Beta–binomial update of a probability per horizon.

    Examples
    --------
    >>> u = beta_binomial(0.1, 10, events=3, trials=10)
    >>> u.prior, u.posterior, round(u.posterior_mean, 3)
    ((1.0, 9.0), (4.0, 16.0), 0.2)
    """
    _check(p0, strength, events, trials)
    if events > trials:
        raise StoreError(
            f"events {events}: more than the {trials:g} subject-horizons of exposure "
            "(use the rate model, gamma–Poisson)"
        )
    from scipy import stats

    a0, b0 = p0 * strength, (1 - p0) * strength
    a, b = a0 + events, b0 + trials - events
    low, high = (float(x) for x in stats.beta.ppf([0.05, 0.95], a, b))
    return Update(
        model="beta-binomial",
        prior=(a0, b0),
        posterior=(a, b),
        prior_mean=p0,
        posterior_mean=a / (a + b),
        low=low,
        high=high,
        events=events,
        exposure=trials,
        unit="subject-horizons",
    )


def gamma_poisson(
    p0: float, horizon_years: float, strength: float, events: int, exposure: float
) -> Update:
    """Gamma–Poisson update of a rate per person-year; the prior from ``p0`` per horizon.

    Examples
    --------
    >>> u = gamma_poisson(0.2, 1.0, strength=5, events=4, exposure=10)
    >>> round(u.prior_mean, 4), round(u.posterior_mean, 4)
    (0.2231, 0.341)
    """
    _check(p0, strength, events, exposure)
    from scipy import stats

    rate0 = -math.log1p(-p0) / horizon_years
    shape0, inv0 = rate0 * strength, strength
    shape, inv = shape0 + events, inv0 + exposure
    low, high = (float(x) for x in stats.gamma.ppf([0.05, 0.95], shape, scale=1 / inv))
    return Update(
        model="gamma-poisson",
        prior=(shape0, inv0),
        posterior=(shape, inv),
        prior_mean=rate0,
        posterior_mean=shape / inv,
        low=low,
        high=high,
        events=events,
        exposure=exposure,
        unit="person-years",
    )
