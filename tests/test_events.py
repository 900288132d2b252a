"""simulate_events(): realised harm (occurrence x severity), nested parameter band."""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import pytest

from riskcore import io
from riskcore.errors import FieldError
from riskcore.events import (
    Bernoulli,
    Costs,
    Discrete,
    EventModel,
    EventResult,
    NegativeBinomial,
    Poisson,
    simulate_events,
)
from riskcore.model import PERT, Effect, EffectTarget, Mitigation, Uniform
from riskcore.simulate import simulate
from tests.test_simulate import _register, _threat, pyfair_beta


def _one(p: Any = 0.01, impact: Any = 1000.0, **kw: Any) -> Any:
    return _register([_threat(0, p, impact)], **kw)


def test_a_rare_catastrophe_shows_in_realised_harm_not_in_expected_harm() -> None:
    # the example: a 1 % chance of a loss of 1,000
    reg = _one()
    exp = simulate(reg, n=100_000, seed=1, percentiles=(99.9,))
    real = simulate_events(reg, n=100_000, seed=3, percentiles=(50, 99.5, 99.9))
    assert exp.total.percentile(99.9) == pytest.approx(10.0)
    assert real.total.percentile(99.9) == 1000.0
    assert real.total.percentile(99.5) == 1000.0
    assert real.total.percentile(50) == 0.0
    se = math.sqrt(0.01 * 0.99 / 100_000)
    assert abs(real.p_any - 0.01) < 4 * se
    assert real.expected_events == real.p_any  # Bernoulli: at most one event
    assert real.total.mean == pytest.approx(1000 * real.p_any)
    assert real.expected.mean == pytest.approx(10.0)  # the expected-harm view
    assert real.point_total == pytest.approx(10.0)
    assert real.unit == "harm-units"
    assert real.risk("t0:p").unit == "harm-units"
    assert max(x for x, _ in real.exceedance) == 1000.0
    with pytest.raises(KeyError):
        real.risk("nope")


def test_realised_mean_equals_expected_harm_mean_for_bernoulli() -> None:
    reg = _register(
        [
            _threat(0, PERT(low=0.05, mode=0.1, high=0.4), 100.0),
            _threat(1, Uniform(low=0.2, high=0.3), PERT(low=10, mode=20, high=80)),
        ]
    )
    exp = simulate(reg, n=1 << 16, seed=0)
    real = simulate_events(reg, n=200_000, outer=200, seed=0)
    se = real.total.std / math.sqrt(real.n)
    assert abs(real.total.mean - exp.total.mean) < 4 * se
    # impact is drawn per event, so it is not a parameter of the band
    assert [s.parameter for s in real.sensitivity] == [
        "t0:p:base_likelihood",
        "t1:p:base_likelihood",
    ]
    assert real.point_total == pytest.approx(exp.point_total)
    assert real.expected.std > 0
    for (x, lo, hi), (x2, _p) in zip(real.band, real.exceedance, strict=True):
        assert x == x2
        assert 0 <= lo <= hi <= 1
    # where each parameter set has enough trials to see it (P >= 5 %), the
    # realised LEC lies inside the band of LECs over parameter sets
    inside = [
        lo <= p <= hi
        for (_, lo, hi), (_, p) in zip(real.band, real.exceedance, strict=True)
        if p >= 0.05
    ]
    assert len(inside) > 5
    assert all(inside)


def test_poisson_with_a_rate_per_year() -> None:
    reg = _one(p=0.5, impact=10.0)
    ev = {"t0": EventModel(occurrence=Poisson(rate=3.0))}
    r = simulate_events(reg, events=ev, n=100_000, seed=2)
    assert r.expected_events == pytest.approx(3.0, rel=0.02)
    assert r.p_any == pytest.approx(1 - math.exp(-3.0), abs=0.005)
    assert r.total.mean == pytest.approx(30.0, rel=0.02)
    assert r.point_total == pytest.approx(30.0)
    assert r.total.std == pytest.approx(10 * math.sqrt(3.0), rel=0.03)
    # half the horizon, half the events
    half = simulate_events(
        attrs.evolve(reg, horizon_days=182.5), events=ev, n=100_000, seed=2
    )
    assert half.expected_events == pytest.approx(1.5, rel=0.02)
    assert any("182.5-day period" in s for s in half.plain_words())


def test_poisson_counts_are_independent_poisson_counts_per_trial() -> None:
    # each parameter set's events are one Poisson(inner x mu) total spread
    # uniformly over its trials: every trial's count must be Poisson(mu), and
    # neighbouring trials independent
    from scipy import stats

    from riskcore.events import _event_trials

    mu = np.array([0.5, 3.0])
    inner = 100_000
    trial = _event_trials(Poisson(), mu, mu, np.random.default_rng(0), inner)
    counts = np.bincount(trial, minlength=2 * inner).reshape(2, inner)
    for row, m in zip(counts, mu, strict=True):
        freq = np.bincount(row, minlength=12)[:12] / inner
        pmf = stats.poisson(m).pmf(np.arange(12))
        assert np.all(np.abs(freq - pmf) <= 5 * np.sqrt(pmf * (1 - pmf) / inner))
        assert abs(np.corrcoef(row[:-1], row[1:])[0, 1]) < 0.02
    # severity 1 a time: the realised total's percentiles are Poisson(3)'s
    r = simulate_events(
        _one(p=0.5, impact=1.0),
        events={"t0": EventModel(occurrence=Poisson(rate=3.0))},
        n=100_000,
        seed=3,
        percentiles=(50, 90, 99),
    )
    assert r.total.percentiles == ((50.0, 3.0), (90.0, 5.0), (99.0, 8.0))


def test_rate_is_scaled_by_preventive_layers_and_severity_by_recovery() -> None:
    mit = (
        Mitigation(
            id="m1",
            name="m",
            category="x",
            reduces=[Effect(threat="t0", effectiveness=0.5)],
        ),
        Mitigation(
            id="m2",
            name="m",
            category="x",
            reduces=[Effect(threat="t0", effectiveness=0.2, on=EffectTarget.IMPACT)],
        ),
    )
    reg = _register([_threat(0, 0.5, 10.0)], mit, ("m1", "m2"))
    ev = {"t0": EventModel(occurrence=Poisson(rate=4.0))}
    r = simulate_events(reg, events=ev, n=100_000, seed=5)
    assert r.expected_events == pytest.approx(2.0, rel=0.02)
    assert r.total.mean == pytest.approx(2.0 * 8.0, rel=0.02)
    assert r.point_total == pytest.approx(16.0)
    b = simulate_events(reg, n=100_000, seed=5)  # Bernoulli: p = 0.25, severity 8
    assert b.p_any == pytest.approx(0.25, abs=0.005)
    assert set(np.unique([v for _, v in b.total.percentiles])) <= {0.0, 8.0}


@pytest.mark.parametrize("occ", [Poisson(), NegativeBinomial(dispersion=0.5)])
def test_derived_rates_keep_the_likelihood_as_p_at_least_one(occ: Any) -> None:
    reg = _one(p=0.3, impact=1.0)
    r = simulate_events(
        reg, events={"t0": EventModel(occurrence=occ)}, n=200_000, seed=1
    )
    assert r.p_any == pytest.approx(0.3, abs=0.005)
    if isinstance(occ, Poisson):
        mu = -math.log(0.7)
        var = mu
    else:
        k = 0.5
        mu = k * (0.7 ** (-1 / k) - 1)
        var = mu + mu * mu / k  # over-dispersed
    assert r.expected_events == pytest.approx(mu, rel=0.02)
    assert r.point_total == pytest.approx(mu)
    assert r.total.std**2 == pytest.approx(var, rel=0.05)


def test_certain_event_has_no_derived_rate() -> None:
    reg = _one(p=1.0, impact=1.0)
    with pytest.raises(
        FieldError, match=r"^t0:p\.likelihood: .*give the occurrence a rate"
    ):
        simulate_events(
            reg, events={"t0": EventModel(occurrence=Poisson())}, n=100, outer=10
        )
    assert simulate_events(reg, n=100, outer=10, seed=0).p_any == 1.0


def test_discrete_severity_and_costs_in_money() -> None:
    reg = _register([_threat(0, 0.4, 3.0), _threat(1, 0.2, 2.0)])
    scale = Discrete(values=[100, 1000, 20_000], probabilities=[0.7, 0.25, 0.05])
    costs = Costs(currency="GBP", per_event={"t0": scale, "c": 500.0})
    r = simulate_events(reg, costs=costs, n=200_000, seed=4)
    assert r.unit == "GBP"
    assert {x.unit for x in r.risks} == {"GBP"}
    assert r.point_total == pytest.approx(0.4 * scale.mean() + 0.2 * 500)
    assert r.risk("t0:p").mean == pytest.approx(0.4 * scale.mean(), rel=0.03)
    assert r.risk("t1:p").mean == pytest.approx(100.0, rel=0.03)
    assert all("GBP" in s for s in r.plain_words()[1:3])
    missing = Costs(currency="EUR", per_event={"t0": 1.0})
    with pytest.raises(
        FieldError, match=r"^costs\.per_event\.t1: .*would cost nothing in EUR"
    ):
        simulate_events(reg, costs=missing, n=100, outer=10)


def test_event_model_severity_replaces_the_impact() -> None:
    reg = _one(p=0.5, impact=3.0)
    sev = PERT(low=10, mode=20, high=60)
    r = simulate_events(reg, events={"c": EventModel(severity=sev)}, n=100_000, seed=0)
    assert r.total.mean == pytest.approx(0.5 * sev.mean(), rel=0.02)
    assert r.risk("t0:p").percentile(99) > 40


def test_reproducible_and_every_design_works() -> None:
    reg = _register(
        [_threat(i, PERT(low=0.05, mode=0.1, high=0.3), 10.0 + i) for i in range(4)]
    )
    ev = {"t1": EventModel(occurrence=Poisson(rate=Uniform(low=0.5, high=2.0)))}
    res = {}
    for m in ("lhs", "sobol", "random"):
        a = simulate_events(reg, events=ev, n=4096, outer=64, seed=9, method=m)
        assert a == simulate_events(
            reg, events=ev, n=4096, outer=64, seed=9, method=m, chunk=1
        )
        res[m] = a
    assert res["lhs"] != res["random"]
    assert "t1:p:event_rate" in [s.parameter for s in res["lhs"].sensitivity]
    assert "t1:p:base_likelihood" not in [s.parameter for s in res["lhs"].sensitivity]
    assert io.loads(io.dumps(res["sobol"]), EventResult) == res["sobol"]


def test_plain_words() -> None:
    reg = _one(p=PERT(low=0.05, mode=0.1, high=0.3), impact=1000.0)
    r = simulate_events(reg, n=100_000, seed=1)
    words = r.plain_words()
    assert words[0].startswith("Chance of at least one event in a year: ")
    assert any(
        s.startswith("A 1 in 20 year could bring 1,000 harm units or more")
        for s in words
    )
    assert any("1 in 100 year" in s for s in words)
    assert "Parameter uncertainty alone" in words[-1]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"outer": 0}, "outer"),
        ({"n": 1001}, "n"),
        ({"band": (50, 10)}, "band"),
        ({"method": "mcmc"}, "method"),
        ({"chunk": 0}, "chunk"),
        ({"events": {"t0": "poisson"}}, r"events\.t0"),
    ],
)
def test_bad_arguments(kw: dict[str, Any], field: str) -> None:
    with pytest.raises(FieldError, match=f"^{field}"):
        simulate_events(_one(), **{"n": 1000, "outer": 10, **kw})


def test_bad_models() -> None:
    with pytest.raises(FieldError, match=r"^rate"):
        Poisson(rate=-1.0)
    with pytest.raises(FieldError, match=r"^dispersion"):
        NegativeBinomial(dispersion=math.inf)
    with pytest.raises(FieldError, match=r"^values\[0\]"):
        Discrete(values=[-1.0], probabilities=[1.0])
    with pytest.raises(FieldError, match=r"^probabilities\[0\]"):
        Discrete(values=[1.0, 2.0], probabilities=[1.5, -0.5])
    with pytest.raises(FieldError, match=r"^probabilities"):
        Discrete(values=[1.0], probabilities=[0.5, 0.5])
    with pytest.raises(FieldError, match=r"^currency"):
        Costs(currency=" ", per_event={})
    with pytest.raises(FieldError, match=r"^per_event\.x"):
        Costs(currency="GBP", per_event={"x": "a lot"})  # type: ignore[dict-item]
    with pytest.raises(FieldError, match=r"^severity"):
        EventModel(severity=-2.0)
    assert EventModel().occurrence == Bernoulli()


def test_mixed_impact_scales_cannot_be_added() -> None:
    from riskcore.model import Severity

    reg = _register([_threat(0, 0.1, 3.0), _threat(1, 0.1, 2.0)])
    odd = attrs.evolve(reg.risks[1], impact=Severity(value=2.0, scale="severity-5"))
    reg = attrs.evolve(reg, risks=[reg.risks[0], odd])
    with pytest.raises(FieldError, match=r"^register\.risks\.impact\.scale"):
        simulate_events(reg, n=100, outer=10)


def test_cross_check_realised_loss_against_pyfair() -> None:
    """pyfair's Risk is LEF x LM per trial (an expected loss given the draws);
    the realised loss of the same model counts N ~ Poisson(LEF) events with
    i.i.d. LM severities. Same mean; the reference percentiles are built from
    pyfair's own LEF and LM samples at equal N."""
    pyfair = pytest.importorskip("pyfair")
    n = 200_000
    model = pyfair.FairModel(name="x", n_simulations=n, random_seed=7)
    model.input_data("Loss Event Frequency", low=0.5, mode=2, high=10)
    model.input_data("Loss Magnitude", low=10_000, mode=50_000, high=500_000)
    model.calculate_all()
    out = model.export_results()
    lef = np.asarray(out["Loss Event Frequency"], dtype=float)
    lm = np.asarray(out["Loss Magnitude"], dtype=float)
    theirs = np.asarray(out["Risk"], dtype=float)
    rng = np.random.default_rng(7)
    counts = rng.poisson(lef)
    ref = np.bincount(
        np.repeat(np.arange(n), counts),
        weights=rng.choice(lm, counts.sum()),
        minlength=n,
    )
    reg = _one(
        p=0.5, impact=1.0
    )  # likelihood and impact unused: rate and severity given
    ev = {
        "t0": EventModel(
            occurrence=Poisson(rate=pyfair_beta(0.5, 2, 10)),
            severity=pyfair_beta(1e4, 5e4, 5e5),
        )
    }
    ours = simulate_events(
        reg, events=ev, n=n, outer=1000, seed=7, percentiles=(50, 90, 95, 99)
    )
    se = ref.std() / math.sqrt(n)  # ~0.4 % of the mean
    assert abs(ours.total.mean - theirs.mean()) < 4 * se
    assert abs(ours.total.mean - ref.mean()) < 4 * se
    for q in (50, 90, 95, 99):
        # quantile standard errors here are 0.3-1 %; allow 3 %
        assert ours.total.percentile(q) == pytest.approx(
            np.quantile(ref, q / 100), rel=0.03
        )
    # the two readings differ: averaging over several events per year makes
    # the realised P99 about 15 % below pyfair's LEF x LM here
    assert ours.total.percentile(99) < 0.9 * np.quantile(theirs, 0.99)


def test_plot_exceedance_draws_the_lec_and_its_band() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    r = simulate_events(
        _one(p=PERT(low=0.05, mode=0.1, high=0.3)), n=2000, outer=20, seed=0
    )
    ax = r.plot_exceedance()
    assert ax.get_xlabel() == "harm over the horizon (harm-units)"
    assert len(ax.collections) == 1  # the band


def test_report_uncertainty_section_says_realised_harm_in_plain_words() -> None:
    from pathlib import Path

    import riskcore
    from riskcore.report import render

    root = Path(__file__).resolve().parents[1]
    case = riskcore.load_case(root / "examples" / "longmont-practice.yaml")
    rep = riskcore.build_plan(case, n=2_000, seed=1)
    assert rep.events is not None
    assert rep.events.n == 2_000
    assert rep.events.expected.mean == pytest.approx(
        rep.simulation.total.mean, rel=0.02
    )  # type: ignore[union-attr]
    md = render(rep, "md")
    section = md[md.index("## Uncertainty") : md.index("## Provenance")]
    assert "What could actually happen (realised harm):" in section
    assert "- A 1 in 20 year could bring " in section
    assert "harm units (severity-5 scale)" in section
    html = render(rep, "html")
    assert "A 1 in 20 year could bring " in html
