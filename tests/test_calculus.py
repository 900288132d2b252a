"""The formulas of riskcore.calculus and the risk matrix, checked by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskcore import calculus
from riskcore.errors import FieldError
from riskcore.model.risk import DEFAULT_MATRIX, Band, Level, RiskMatrix

probs = st.floats(0.0, 1.0, allow_nan=False)
effs = st.lists(st.floats(0.0, 1.0, allow_nan=False), max_size=6)


def test_method_version_is_recorded() -> None:
    assert calculus.METHOD_VERSION == "riskcore-calculus/2"


# ---------------------------------------------------------------- worked example
# docs/risk.md, "Worked example": base 0.10, ORs 3 and 1.5, enabling 0.5,
# layers 0.6 and 0.5 (independent) and 0.3 (shares a resource with the 0.6
# layer), impact 4 with a response of effectiveness 0.25.


def test_worked_example_by_hand() -> None:
    p = calculus.combine_odds(0.10, [3.0, 1.5])
    assert p == pytest.approx(1 / 3)  # odds 1/9 * 4.5 = 0.5
    p_inh = p * 0.5
    assert p_inh == pytest.approx(1 / 6)
    groups = calculus.common_cause_groups(
        {"alarm": {"r:phone"}, "check-in": {"r:phone"}, "training": {"training"}}
    )
    assert groups == [("alarm", "check-in"), ("training",)]
    credited = calculus.strict_credit(
        {"alarm": 0.6, "check-in": 0.3, "training": 0.5}, groups
    )
    assert credited == {"alarm", "training"}
    strict = calculus.protect(p_inh, [0.6, 0.5])
    every = calculus.protect(p_inh, [0.6, 0.5, 0.3])
    assert strict == pytest.approx(1 / 30)  # 1/6 * 0.4 * 0.5
    assert every == pytest.approx(0.023333333)  # 1/30 * 0.7
    impact = calculus.reduce_impact(4.0, [0.25])
    assert impact == 3.0
    assert calculus.expected_harm(strict, impact) == pytest.approx(0.1)
    assert DEFAULT_MATRIX.point(p_inh, 4.0).level == "high"  # possible x major
    assert DEFAULT_MATRIX.point(strict, 3.0).level == "medium"  # unlikely x moderate


def test_lopa_textbook_example() -> None:
    # CCPS-style LOPA: IEF 0.1/yr (control loop failure), enabling condition
    # 0.5, probability of ignition 0.5, IPLs: alarm + operator (PFD 0.1),
    # relief valve (PFD 0.01). MEF = 0.1*0.5*0.5*0.1*0.01 = 2.5e-5 /yr.
    assert calculus.lopa_frequency(
        0.1, [0.1, 0.01], enabling=[0.5], modifiers=[0.5]
    ) == pytest.approx(2.5e-5)
    # the same IPLs as effectiveness: e = 1 - PFD
    assert calculus.protect(0.1 * 0.5 * 0.5, [0.9, 0.99]) == pytest.approx(2.5e-5)
    with pytest.raises(FieldError, match="initiating"):
        calculus.lopa_frequency(-1.0)
    with pytest.raises(FieldError, match=r"pfds\[0\]"):
        calculus.lopa_frequency(1.0, [1.5])


def test_odds_edges() -> None:
    assert calculus.combine_odds(0.0, [10.0]) == 0.0
    assert calculus.combine_odds(1.0, [0.1]) == 1.0
    assert calculus.combine_odds(0.5, [1.0]) == 0.5
    assert calculus.combine_odds(0.5, [0.5]) == pytest.approx(1 / 3)
    with pytest.raises(FieldError, match=r"r1\.factors\[1\]\.odds_ratio"):
        calculus.combine_odds(0.5, [2.0, 0.0], risk="r1")
    with pytest.raises(FieldError, match="odds_ratio"):
        calculus.combine_odds(0.5, [math.inf])


@pytest.mark.parametrize("bad", [-0.1, 1.2, math.nan, math.inf, True, "0.3"])
def test_bad_probability_names_risk_and_field(bad: object) -> None:
    with pytest.raises(FieldError) as ei:
        calculus.check_probability(bad, risk="burnout:t-1", field="inherent.likelihood")  # type: ignore[arg-type]
    assert str(ei.value).startswith("burnout:t-1.inherent.likelihood:")


@pytest.mark.parametrize("bad", [1.2, -0.01, math.nan, None])
def test_bad_effectiveness(bad: object) -> None:
    with pytest.raises(FieldError, match=r"^r\.layers\[0\]\.effectiveness"):
        calculus.protect(0.5, [bad], risk="r")  # type: ignore[list-item]
    with pytest.raises(FieldError, match=r"^r\.recovery\[0\]\.effectiveness"):
        calculus.reduce_impact(3.0, [bad], risk="r")  # type: ignore[list-item]


def test_bad_impact() -> None:
    with pytest.raises(FieldError, match=r"^r\.impact"):
        calculus.reduce_impact(math.nan, [], risk="r")


def test_common_cause_transitive_union() -> None:
    # a~b share x, b~c share y: one group of three
    groups = calculus.common_cause_groups(
        {"a": ["x"], "b": ["x", "y"], "c": ["y"], "d": []}
    )
    assert groups == [("a", "b", "c"), ("d",)]
    assert calculus.strict_credit({"a": 0.5, "b": 0.5, "c": 0.1, "d": 0.0}, groups) == {
        "a",
        "d",
    }
    assert calculus.strict_credit({}, [()]) == frozenset()


# ---------------------------------------------------------------- properties


@given(probs, effs, st.floats(0.0, 1.0, allow_nan=False))
def test_adding_a_layer_never_raises_residual(
    p: float, es: list[float], e: float
) -> None:
    before = calculus.protect(p, es)
    after = calculus.protect(p, [*es, e])
    assert after <= before <= p


@given(probs, st.lists(st.floats(1e-3, 1e3), max_size=4))
def test_odds_stay_probabilities_and_are_monotone(p: float, ors: list[float]) -> None:
    q = calculus.combine_odds(p, ors)
    assert 0.0 <= q <= 1.0
    k = math.prod(ors)
    if k >= 1:
        assert q >= p - 1e-12
    else:
        assert q <= p + 1e-12


@given(st.floats(0.0, 5.0), effs)
def test_residual_impact_never_above_inherent(i: float, es: list[float]) -> None:
    assert 0 <= calculus.reduce_impact(i, es) <= i


# ---------------------------------------------------------------- matrix


def test_default_matrix_bands_and_reviews() -> None:
    m = RiskMatrix.default()
    assert m.likelihood_bands[0].name == "rare"
    assert m.point(0.01, 1.5).level == "low"  # boundaries are inclusive
    assert m.point(0.011, 1.5).likelihood_band == "unlikely"
    assert m.point(1.0, 5.0).level == "very-high"
    assert m.get("very-high").review_days == 7
    assert m.get("low").review_days == 365
    assert m.at_least("very-high", "high") == "very-high"
    assert m.rank("medium") == 1


@pytest.mark.parametrize(
    ("p", "i", "path"),
    [
        (math.nan, 3.0, "r.likelihood"),
        (0.2, math.nan, "r.impact"),
        (1.5, 3.0, "r.likelihood"),
        (0.2, -1.0, "r.impact"),
    ],
)
def test_nan_never_reaches_a_level(p: float, i: float, path: str) -> None:
    with pytest.raises(FieldError) as ei:
        DEFAULT_MATRIX.level(p, i, risk="r")
    assert str(ei.value).startswith(path)


def _matrix(**kw: object) -> RiskMatrix:
    base: dict[str, object] = {
        "likelihood_bands": [Band(name="lo", upper=0.5), Band(name="hi", upper=1.0)],
        "impact_bands": [Band(name="small", upper=2), Band(name="big", upper=5)],
        "levels": [Level(name="ok", review_days=90), Level(name="bad", review_days=7)],
        "grid": [["ok", "ok"], ["ok", "bad"]],
        "tolerance": "ok",
        "critical_floor": "bad",
    }
    base.update(kw)
    return RiskMatrix(**base)  # type: ignore[arg-type]


def test_custom_matrix() -> None:
    m = _matrix()
    assert m.level(0.9, 4).name == "bad"
    assert m.point(0.9, 7.0).impact_band == "big"  # above the last band: last band


@pytest.mark.parametrize(
    ("kw", "path"),
    [
        (
            {
                "likelihood_bands": [
                    Band(name="a", upper=0.5),
                    Band(name="b", upper=0.4),
                ]
            },
            r"likelihood_bands\[1\]",
        ),
        (
            {
                "likelihood_bands": [
                    Band(name="a", upper=0.5),
                    Band(name="b", upper=0.9),
                ]
            },
            r"likelihood_bands\[-1\]",
        ),
        ({"impact_bands": []}, "impact_bands"),
        ({"grid": [["ok", "ok"]]}, "grid"),
        ({"grid": [["ok"], ["ok"]]}, r"grid\[0\]"),
        ({"grid": [["ok", "ok"], ["ok", "worse"]]}, r"grid\[1\]\[1\]"),
        ({"tolerance": "nope"}, "tolerance"),
        ({"levels": []}, "levels"),
    ],
)
def test_bad_matrix(kw: dict[str, object], path: str) -> None:
    with pytest.raises(FieldError, match=f"^{path}"):
        _matrix(**kw)


def test_unknown_level() -> None:
    with pytest.raises(FieldError, match="level"):
        DEFAULT_MATRIX.rank("extreme")
