"""simulate(): reproducible, vectorised Monte Carlo over the risk calculus."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
import warnings
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from riskcore import calculus
from riskcore.errors import FieldError
from riskcore.identify import identify
from riskcore.model import (
    PERT,
    Assessment,
    Beta,
    Case,
    Catalog,
    Effect,
    EffectTarget,
    LogNormal,
    Mitigation,
    Param,
    Plan,
    PlanItem,
    Practice,
    Severity,
    SubjectKind,
    Threat,
    Triangular,
    Uniform,
)
from riskcore.model.risk import Band, Modifier, RiskMatrix, RiskRegister
from riskcore.plugins import PluginManager
from riskcore.simulate import ppf, simulate

HARM = attrs.evolve(
    RiskMatrix.default(),
    impact_scale="harm-units",
    impact_bands=[
        Band(name=n, upper=u)
        for n, u in [("a", 1e3), ("b", 1e4), ("c", 1e5), ("d", 1e6), ("e", 1e300)]
    ],
)


def _threat(i: int | str, p: Param, impact: Param, scale: str = "harm-units") -> Threat:
    return Threat(
        id=f"t{i}",
        name="x",
        category="c",
        scope=SubjectKind.PRACTICE,
        base_likelihood=p,
        impact=Severity(value=impact, scale=scale),
    )


def _register(
    threats: list[Threat],
    mitigations: tuple[Mitigation, ...] = (),
    chosen: tuple[str, ...] = (),
    matrix: RiskMatrix = HARM,
    **kw: Any,
) -> RiskRegister:
    cat = Catalog(threats=threats, mitigations=mitigations)
    return identify(
        Assessment(case_id="c"),
        cat,
        Case(id="c", practice=Practice(id="p")),
        pm=PluginManager(autoload=False),
        matrix=matrix,
        mitigations=chosen,
        **kw,
    )


def _many(nr: int, seed: int = 0) -> RiskRegister:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(nr):
        lo = rng.uniform(0.01, 0.1)
        mo = lo + rng.uniform(0.01, 0.2)
        hi = min(1.0, mo + rng.uniform(0.05, 0.5))
        ilo = rng.uniform(1e3, 1e4)
        imo = ilo * rng.uniform(1.5, 5)
        out.append(
            _threat(
                i, PERT(low=lo, mode=mo, high=hi), PERT(low=ilo, mode=imo, high=imo * 4)
            )
        )
    return _register(out)


FAIR = _register(
    [
        _threat(
            "fair",
            PERT(low=0.05, mode=0.2, high=1.0),
            PERT(low=1e5, mode=5e5, high=5e6),
        )
    ]
)
"""pyfair's two-node model, LEF PERT(0.5, 2, 10) x LM PERT(10k, 50k, 500k),
rescaled so LEF is a probability: (LEF/10) x (LM*10) has the same distribution."""
FAIR_MEAN = (0.5 + 4 * 2 + 10) / 6 * (1e4 + 4 * 5e4 + 5e5) / 6


def test_import_riskcore_does_not_load_numpy() -> None:
    code = "import sys, riskcore, riskcore.simulate, riskcore.identify; print('numpy' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_reproducible_and_independent_of_chunks_and_threads(method: str) -> None:
    reg = _many(7)
    a = simulate(reg, n=4096, seed=11, method=method, chunk=3)
    b = simulate(reg, n=4096, seed=11, method=method, chunk=3, workers=2)
    c = simulate(reg, n=4096, seed=12, method=method)
    assert a == b
    # another chunk size only changes the summation order of the total
    d = simulate(reg, n=4096, seed=11, method=method, chunk=2, workers=1)
    assert d.risks == a.risks
    assert d.total.mean == pytest.approx(a.total.mean, rel=1e-12)
    assert [v for _, v in d.total.percentiles] == pytest.approx(
        [v for _, v in a.total.percentiles], rel=1e-12
    )
    assert a.total.mean != c.total.mean
    assert a.method_version == calculus.METHOD_VERSION
    assert (a.seed, a.n, a.method, a.credit) == (11, 4096, method, "strict")


def test_global_seed_is_never_used() -> None:
    np.random.seed(1)
    state = np.random.get_state()[1].copy()  # type: ignore[index]
    r1 = simulate(FAIR, n=1000, seed=3)
    np.random.seed(2)
    r2 = simulate(FAIR, n=1000, seed=3)
    assert r1 == r2
    np.random.seed(1)
    assert (np.random.get_state()[1] == state).all()  # type: ignore[index]


def test_seed_none_is_recorded() -> None:
    r = simulate(FAIR, n=1000)
    assert r.seed > 0
    assert simulate(FAIR, n=1000, seed=r.seed) == r


@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_mean_matches_analytic(method: str) -> None:
    r = simulate(FAIR, n=1 << 16, seed=5, method=method)
    # 5 standard errors of a random run
    se = r.total.std / np.sqrt(r.n)
    assert abs(r.total.mean - FAIR_MEAN) < 5 * se
    assert r.risk("tfair:p").mean == pytest.approx(r.total.mean, rel=1e-12)
    assert r.total.percentile(5) < r.total.percentile(50) < r.total.percentile(95)
    with pytest.raises(KeyError):
        r.total.percentile(42)
    with pytest.raises(KeyError):
        r.risk("nope")


def test_lhs_is_more_accurate_than_random() -> None:
    errs = {
        m: [
            abs(simulate(FAIR, n=2000, seed=s, method=m).total.mean / FAIR_MEAN - 1)
            for s in range(12)
        ]
        for m in ("lhs", "random")
    }
    assert np.mean(errs["lhs"]) < np.mean(errs["random"])


def test_constants_give_the_point_figure() -> None:
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
    reg = _register(
        [_threat(0, 0.2, 1000.0)],
        mit,
        ("m1", "m2"),
        modifiers=[Modifier(threat="t0", probability=0.5, reason="lone")],
    )
    r = simulate(reg, n=100, seed=0)
    assert r.total.mean == pytest.approx(reg.expected_harm())
    assert r.total.mean == pytest.approx(0.2 * 0.5 * 0.5 * 800)
    assert r.total.std == pytest.approx(0.0, abs=1e-9)
    assert r.sensitivity == ()
    assert r.point_total == pytest.approx(40.0)


def test_every_role_sampled_matches_point_formula_in_expectation() -> None:
    # independent parameters: E[loss] = odds-free product of means (no factors here)
    mit = (
        Mitigation(
            id="m1",
            name="m",
            category="x",
            reduces=[Effect(threat="t0", effectiveness=Uniform(low=0.2, high=0.6))],
            resources=["r"],
        ),
        Mitigation(
            id="m2",
            name="m",
            category="x",
            resources=["r"],
            reduces=[
                Effect(
                    threat="t0", effectiveness=Triangular(low=0.0, mode=0.1, high=0.3)
                )
            ],
        ),
        Mitigation(
            id="m3",
            name="m",
            category="x",
            reduces=[
                Effect(
                    threat="t0",
                    effectiveness=Beta(alpha=2, beta=5),
                    on=EffectTarget.IMPACT,
                )
            ],
        ),
    )
    mods = [
        Modifier(
            threat="t0", probability=PERT(low=0.2, mode=0.5, high=0.9), reason="lone"
        )
    ]
    reg = _register(
        [_threat(0, PERT(low=0.1, mode=0.2, high=0.5), LogNormal(low=100, high=1000))],
        mit,
        ("m1", "m2", "m3"),
        modifiers=mods,
    )
    strict = simulate(reg, n=1 << 15, seed=2, method="sobol")
    every = simulate(reg, n=1 << 15, seed=2, method="sobol", credit="all")
    mean_p = (
        PERT(low=0.1, mode=0.2, high=0.5).mean()
        * PERT(low=0.2, mode=0.5, high=0.9).mean()
    )
    mean_i = LogNormal(low=100, high=1000).mean() * (1 - 2 / 7)
    assert strict.total.mean == pytest.approx(mean_p * 0.6 * mean_i, rel=0.02)
    assert every.total.mean == pytest.approx(
        mean_p * 0.6 * (1 - 0.4 / 3) * mean_i, rel=0.02
    )
    assert every.total.mean < strict.total.mean
    names = [s.parameter for s in strict.sensitivity]
    assert "t0:p:impact" in names
    assert "t0:p:mitigation[m2]" not in names
    assert "t0:p:mitigation[m2]" in [s.parameter for s in every.sensitivity]


def test_odds_factors_in_simulation() -> None:
    from riskcore.model.risk import AppliedFactor

    reg = _register([_threat(0, 0.1, 10.0)])
    risk = attrs.evolve(
        reg.risks[0],
        factors=[
            AppliedFactor(odds_ratio=4.5, reason="x"),
            AppliedFactor(odds_ratio=0.1, reason="y", credited=False),
        ],
    )
    reg = attrs.evolve(reg, risks=[risk])
    assert simulate(reg, n=10, seed=0).total.mean == pytest.approx(10 / 3)
    reg2 = attrs.evolve(
        reg, risks=[attrs.evolve(risk, base_likelihood=Uniform(low=0.05, high=0.15))]
    )
    r = simulate(reg2, n=1 << 14, seed=0)
    xs = np.linspace(0.05, 0.15, 100001)
    assert r.total.mean == pytest.approx(
        10 * np.mean(xs * 4.5 / (1 - xs + xs * 4.5)), rel=1e-3
    )


def test_sensitivity_by_hand() -> None:
    reg = _register(
        [
            _threat(0, Uniform(low=0.1, high=0.3), 100.0),
            _threat(1, 0.5, Uniform(low=10, high=20)),
        ]
    )
    r = simulate(reg, n=1000, seed=0)
    t0 = 0.2 * 100 + 0.5 * 15
    assert r.point_total == pytest.approx(t0)
    top, second = r.sensitivity
    assert top.parameter == "t0:p:base_likelihood"
    assert top.risk == "t0:p"
    assert (top.low_input, top.high_input) == pytest.approx((0.12, 0.28))
    assert (top.low, top.high) == pytest.approx((t0 - 8, t0 + 8))
    assert top.swing == pytest.approx(16)
    assert second.parameter == "t1:p:impact"
    assert second.swing == pytest.approx(0.5 * 8)


def test_exceedance_curve() -> None:
    r = simulate(_many(5), n=20_000, seed=1)
    losses = [x for x, _ in r.exceedance]
    probs = [p for _, p in r.exceedance]
    assert losses == sorted(losses)
    assert all(0 <= p <= 1 for p in probs)
    assert probs == sorted(probs, reverse=True)
    assert probs[-1] <= 2 / r.n
    # P(total > p95) is about 5 %
    p95 = r.total.percentile(95)
    near = min(r.exceedance, key=lambda xp: abs(xp[0] - p95))
    assert near[1] == pytest.approx(0.05, abs=0.01)


@pytest.mark.parametrize(
    "dist",
    [
        PERT(low=10, mode=50, high=500),
        PERT(low=0, mode=0, high=1),
        PERT(low=0, mode=1, high=1, gamma=2),
        Beta(alpha=2, beta=8),
        Beta(alpha=0.5, beta=0.7, low=1, high=3),
        Beta(alpha=0.93, beta=3.8, low=1e4, high=5e5),  # tabulated from exact nodes
        Beta(alpha=2, beta=0.3),
        Beta(alpha=5, beta=0.05),  # the table would miss: exact betaincinv
        Triangular(low=0, mode=3, high=6),
        Uniform(low=0.2, high=0.4),
        LogNormal(low=1, high=100),
    ],
)
def test_inverse_cdfs_against_scipy(dist: Any) -> None:
    u = np.concatenate([np.linspace(1e-7, 1 - 1e-7, 20001), [0.0, 1e-12, 1 - 1e-12]])
    got = ppf(dist, u.copy())
    if isinstance(dist, PERT):
        r = dist.high - dist.low
        a = 1 + dist.gamma * (dist.mode - dist.low) / r
        b = 1 + dist.gamma * (dist.high - dist.mode) / r
        ref = stats.beta(a, b, loc=dist.low, scale=r)
    elif isinstance(dist, Beta):
        ref = stats.beta(
            dist.alpha, dist.beta, loc=dist.low, scale=dist.high - dist.low
        )
    elif isinstance(dist, Triangular):
        ref = stats.triang(
            (dist.mode - dist.low) / (dist.high - dist.low),
            loc=dist.low,
            scale=dist.high - dist.low,
        )
    elif isinstance(dist, Uniform):
        ref = stats.uniform(dist.low, dist.high - dist.low)
    else:
        ref = stats.lognorm(dist.sigma, scale=np.exp(dist.mu))
    want = ref.ppf(u)
    lo, hi = dist.support()
    scale = (hi - lo) if np.isfinite(hi) else want[-2]
    assert np.max(np.abs(got - want)[:-1]) < 1e-4 * scale
    assert np.all(np.diff(got[:-3]) >= -1e-12)


def test_a_shape_below_one_is_tabulated_only_where_the_table_is_accurate() -> None:
    from riskcore.sampling import _beta_table

    # a table from exact nodes where interpolation is accurate (fast) ...
    assert len(_beta_table(0.93, 3.8)) == 5
    assert len(_beta_table(2.0, 0.3)) == 5
    # ... and none where it would miss by more than 5e-5 in the tail
    assert _beta_table(5.0, 0.05) == ()


def test_plan_credits_its_mitigations() -> None:
    mit = (
        Mitigation(
            id="m1",
            name="m",
            category="x",
            reduces=[Effect(threat="t0", effectiveness=0.5)],
        ),
    )
    cat = Catalog(threats=[_threat(0, 0.2, 10.0)], mitigations=mit)
    reg = _register(list(cat.threats), mit)
    plan = Plan(case_id="c", items=[PlanItem(mitigation="m1")])
    assert simulate(reg, plan, catalog=cat, n=10, seed=0).total.mean == pytest.approx(
        1.0
    )
    assert simulate(reg, n=10, seed=0).total.mean == pytest.approx(2.0)
    with pytest.raises(FieldError, match="catalog"):
        simulate(reg, plan, n=10)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"n": 1}, "n"),
        ({"n": True}, "n"),
        ({"method": "mcmc"}, "method"),
        ({"credit": "some"}, "credit"),
        ({"percentiles": [50, 101]}, r"percentiles\[1\]"),
        ({"seed": -1}, "seed"),
        ({"chunk": 0}, "chunk"),
        ({"workers": 0}, "workers"),
    ],
)
def test_bad_arguments(kw: dict[str, Any], field: str) -> None:
    with pytest.raises(FieldError, match=f"^{field}"):
        simulate(FAIR, **{"n": 10, **kw})


def test_bad_distribution_input() -> None:
    with pytest.raises(FieldError, match=r"^mode"):
        PERT(low=0.5, mode=0.2, high=0.6)
    with pytest.raises(FieldError, match=r"^effectiveness"):
        Effect(threat="t0", effectiveness=1.2)


def test_overflow_never_passes_silently() -> None:
    with pytest.raises(
        FieldError, match=r"^t0:p\.impact\.value: .* has no finite mean"
    ):
        _register([_threat(0, 0.5, LogNormal(low=1e-300, high=1e300))])


def test_chunked_memory_is_bounded() -> None:
    reg = _many(60)
    simulate(reg, n=500, seed=0)  # warm caches
    tracemalloc.start()
    simulate(reg, n=20_000, seed=0, chunk=4, workers=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    full = 60 * 20_000 * 8
    assert peak < full / 2


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from(["lhs", "random", "sobol"]))
def test_same_seed_same_result(seed: int, method: str) -> None:
    assert simulate(FAIR, n=256, seed=seed, method=method) == simulate(
        FAIR, n=256, seed=seed, method=method
    )


# ------------------------------------------------------------- outside reference


def pyfair_beta(low: float, mode: float, high: float, gamma: float = 4.0) -> Beta:
    """pyfair's "BetaPERT": shapes matched to the PERT mean and sd = range/(gamma+2).

    This is not the classic PERT (alpha = 1 + gamma (mode-low)/range) that
    riskcore's :class:`PERT` implements: same mean, different shape.
    """
    mean = (low + gamma * mode + high) / (gamma + 2)
    sd = (high - low) / (gamma + 2)
    a = (mean - low) / (high - low) * ((mean - low) * (high - mean) / sd**2 - 1)
    return Beta(alpha=a, beta=a * (high - mean) / (mean - low), low=low, high=high)


def test_pyfair_parameterisation_differs_from_classic_pert() -> None:
    classic = PERT(low=1e4, mode=5e4, high=5e5)
    theirs = pyfair_beta(1e4, 5e4, 5e5)
    assert theirs.mean() == pytest.approx(classic.mean())
    assert (theirs.alpha, theirs.beta) != pytest.approx((4 / 3, 1 + 4 * 45 / 49))


def test_cross_check_against_pyfair() -> None:
    pyfair = pytest.importorskip("pyfair")
    n = 200_000
    model = pyfair.FairModel(name="x", n_simulations=n, random_seed=7)
    model.input_data("Loss Event Frequency", low=0.5, mode=2, high=10)
    model.input_data("Loss Magnitude", low=10_000, mode=50_000, high=500_000)
    model.calculate_all()
    theirs = np.asarray(model.export_results()["Risk"], dtype=float)
    lef, lm = pyfair_beta(0.5, 2, 10), pyfair_beta(1e4, 5e4, 5e5)
    # LEF/10 is a probability; (LEF/10) x (10 LM) has the distribution of LEF x LM
    reg = _register(
        [
            _threat(
                "fair",
                attrs.evolve(lef, low=0.05, high=1.0),
                attrs.evolve(lm, low=1e5, high=5e6),
            )
        ]
    )
    for method in ("lhs", "random"):
        ours = simulate(reg, n=n, seed=7, method=method, percentiles=(5, 50, 95))
        # sampling error of pyfair's mean is ~0.2 %; allow 1 %
        assert ours.total.mean == pytest.approx(theirs.mean(), rel=0.01)
        assert ours.total.mean == pytest.approx(FAIR_MEAN, rel=0.005)
        for q in (5, 50, 95):
            # quantile standard errors here are 0.3-0.6 %; allow 2 %
            assert ours.total.percentile(q) == pytest.approx(
                np.quantile(theirs, q / 100), rel=0.02
            )


def test_result_round_trips_through_io() -> None:
    from riskcore import io
    from riskcore.simulate import SimulationResult

    r = simulate(_many(3), n=2000, seed=4)
    assert io.loads(io.dumps(r), SimulationResult) == r


# ------------------------------------------------- portfolio designs (issue 15.2)


def _uniforms(engine: Any, d: int, n: int) -> np.ndarray:
    out = np.empty((n, d))
    col = np.empty(n)
    for j in range(d):
        engine.column(j, col)
        out[:, j] = col
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 1000, 4096])
def test_sobol_columns_are_exactly_scipys_engine(n: int) -> None:
    from scipy.stats import qmc

    from riskcore.simulate import _Sobol

    got = _uniforms(_Sobol(6, np.random.default_rng(3)), 6, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy's "n should be a power of 2"
        want = qmc.Sobol(d=6, scramble=True, rng=np.random.default_rng(3)).random(n)
    assert np.array_equal(got, want)


def _correlation(r: Any) -> float:
    """Mean pairwise correlation of the risks' losses, from variances only:
    Var(total) = sum Var_i + rho * sum_{i != j} sd_i sd_j."""
    v = [x.std**2 for x in r.risks]
    s = sum(x.std for x in r.risks)
    return float((r.total.std**2 - sum(v)) / (s**2 - sum(v)))


@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_parameters_of_different_risks_are_independent(method: str) -> None:
    # ten identical independent risks, one uncertain parameter each: the same
    # dimension of per-risk Sobol' engines was correlated (issue 15, part 2)
    reg = _register([_threat(i, Uniform(low=0.1, high=0.3), 100.0) for i in range(10)])
    n = 1 << 14
    for seed in (1, 2, 3):
        r = simulate(reg, n=n, seed=seed, method=method)
        assert abs(_correlation(r)) < 4 / np.sqrt(n)


@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_portfolio_percentiles_agree_with_random_at_ten_times_the_trials(
    method: str,
) -> None:
    reg = _many(10)
    qs = (50, 95, 99)
    ref = simulate(reg, n=10 << 14, seed=100, method="random", percentiles=qs)
    for seed in (1, 2, 3):
        r = simulate(reg, n=1 << 14, seed=seed, method=method, percentiles=qs)
        # Monte Carlo error of a random run at 2^14 trials: sd ~0.5 %, p99 ~0.8 %
        assert r.total.std == pytest.approx(ref.total.std, rel=0.02)
        assert r.total.percentile(50) == pytest.approx(
            ref.total.percentile(50), rel=0.015
        )
        assert r.total.percentile(95) == pytest.approx(
            ref.total.percentile(95), rel=0.015
        )
        assert r.total.percentile(99) == pytest.approx(
            ref.total.percentile(99), rel=0.025
        )


def test_sobol_dimension_limit_is_enforced() -> None:
    from riskcore.simulate import SOBOL_MAX_DIM

    reg = _register(
        [
            _threat(i, Uniform(low=0.1, high=0.3), Uniform(low=1, high=2))
            for i in range(3)
        ]
    )
    import riskcore.simulate as sim

    old = sim.SOBOL_MAX_DIM
    try:
        sim.SOBOL_MAX_DIM = 5
        with pytest.raises(
            FieldError, match=r"^method: .*at most 5 uncertain parameters .* has 6"
        ):
            simulate(reg, n=16, seed=0, method="sobol")
        assert simulate(reg, n=16, seed=0, method="lhs").n == 16
    finally:
        sim.SOBOL_MAX_DIM = old
    assert SOBOL_MAX_DIM == 21201
