"""Bayesian updates of base likelihoods from the practice's incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from riskcore.errors import StoreError
from riskcore.model.distributions import mean_of
from riskcore.store.learning import beta_binomial, gamma_poisson


def test_beta_binomial_is_the_conjugate_update() -> None:
    u = beta_binomial(0.2, 10, events=3, trials=5)
    assert u.prior == pytest.approx((2.0, 8.0))
    assert u.posterior == pytest.approx((5.0, 10.0))
    assert u.posterior_mean == pytest.approx(5 / 15)
    assert u.low < u.posterior_mean < u.high
    with pytest.raises(StoreError, match="events 6: more than the 5 subject-horizons"):
        beta_binomial(0.2, 10, events=6, trials=5)


def test_gamma_poisson_is_the_conjugate_update() -> None:
    import math

    u = gamma_poisson(0.5, 2.0, strength=4, events=7, exposure=6)
    rate0 = -math.log(0.5) / 2.0
    assert u.prior == pytest.approx((rate0 * 4, 4.0))
    assert u.posterior == pytest.approx((rate0 * 4 + 7, 10.0))
    assert u.posterior_mean == pytest.approx((rate0 * 4 + 7) / 10)


def test_no_incidents_pull_a_default_down_and_incidents_push_it_up(
    store: Any, report1: Any
) -> None:
    store.record(report1)
    on = dt.date(2026, 12, 3)
    threat = "client-self-harm"
    clients = len(report1.case.clients)
    before = store.learn(on=on).set_index("threat").loc[threat]
    p0 = mean_of(
        next(t for t in report1.catalog.threats if t.id == threat).base_likelihood
    )
    assert before["prior_mean"] == pytest.approx(p0)
    assert before["events"] == 0
    assert before["exposure"] == pytest.approx(
        clients * (on - dt.date(2026, 10, 5)).days / 365
    )
    assert before["posterior_mean"] < p0
    first = store.incident(
        threat=threat, subject="c-04", on=dt.date(2026, 11, 1), severity="minor"
    )
    store.incident(threat=threat, subject="c-04", on=dt.date(2026, 11, 1), severity="major",
                   corrects=first)  # fmt: skip
    store.incident(threat=threat, subject="c-01", on=dt.date(2026, 11, 2), severity="minor",
                   near_miss=True)  # fmt: skip
    after = store.learn(on=on).set_index("threat").loc[threat]
    assert after["events"] == 1  # the correction counts once, the near miss not at all
    expect = beta_binomial(p0, 10.0, 1, before["exposure"])
    assert after["posterior_mean"] == pytest.approx(expect.posterior_mean)
    assert after["posterior_mean"] > before["posterior_mean"]
    rate = store.learn(on=on, model="gamma-poisson").set_index("threat").loc[threat]
    assert rate["unit"] == "person-years"
    with pytest.raises(
        StoreError, match="model 'poisson': not beta-binomial or gamma-poisson"
    ):
        store.learn(model="poisson")
