"""Uncertain parameters: a number may be given as a distribution instead of a point.

Every numeric parameter documented as "number or distribution" (a threat's base
likelihood, a mitigation's effectiveness, an impact...) accepts either a plain
number or one of the classes here. In files they are written as a mapping with a
``dist`` tag::

    effectiveness: {dist: pert, low: 0.3, mode: 0.5, high: 0.7}

The model only stores and validates them; sampling lives in
:mod:`riskcore.simulate` so that this module needs no numpy.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from typing import ClassVar, TypeAlias

import attrs
from attrs import frozen

from riskcore.errors import FieldError

__all__ = [
    "PERT",
    "Beta",
    "Distribution",
    "LogNormal",
    "Param",
    "Triangular",
    "Uniform",
    "mean_of",
]


def _finite(name: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise FieldError(name, x, "is not a finite number")
    return float(x)


def _ordered(inst: object, low: float, mode: float, high: float) -> None:
    _finite("low", low)
    _finite("mode", mode)
    _finite("high", high)
    if not low <= mode <= high:
        raise FieldError(
            "mode", mode, f"is not between low ({low:g}) and high ({high:g})"
        )
    if low == high:
        raise FieldError("high", high, f"equals low ({low:g}); use a plain number")


@frozen(kw_only=True)
class PERT:
    """Beta-PERT on [low, high] with the given mode (shape ``gamma``, 4 by default).

    >>> PERT(low=0.1, mode=0.2, high=0.6).mean()
    0.25
    >>> PERT(low=0.3, mode=0.2, high=0.6)
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: mode: 0.2 is not between low (0.3) and high (0.6)
    """

    TAG: ClassVar[str] = "pert"
    low: float
    mode: float
    high: float
    gamma: float = 4.0

    def __attrs_post_init__(self) -> None:
        _ordered(self, self.low, self.mode, self.high)
        if _finite("gamma", self.gamma) <= 0:
            raise FieldError("gamma", self.gamma, "is not > 0")

    def support(self) -> tuple[float, float]:
        """The closed interval the distribution lives on."""
        return (self.low, self.high)

    def mean(self) -> float:
        """Analytic mean ``(low + gamma*mode + high) / (gamma + 2)``."""
        return (self.low + self.gamma * self.mode + self.high) / (self.gamma + 2)


@frozen(kw_only=True)
class Triangular:
    """Triangular distribution on [low, high] with the given mode.

    >>> Triangular(low=0, mode=3, high=6).mean()
    3.0
    """

    TAG: ClassVar[str] = "triangular"
    low: float
    mode: float
    high: float

    def __attrs_post_init__(self) -> None:
        _ordered(self, self.low, self.mode, self.high)

    def support(self) -> tuple[float, float]:
        """The closed interval the distribution lives on."""
        return (self.low, self.high)

    def mean(self) -> float:
        """Analytic mean ``(low + mode + high) / 3``."""
        return (self.low + self.mode + self.high) / 3


@frozen(kw_only=True)
class Uniform:
    """Uniform distribution on [low, high].

    >>> Uniform(low=0.2, high=0.4).mean()
    0.30000000000000004
    """

    TAG: ClassVar[str] = "uniform"
    low: float
    high: float

    def __attrs_post_init__(self) -> None:
        _finite("low", self.low)
        if _finite("high", self.high) <= self.low:
            raise FieldError("high", self.high, f"is not > low ({self.low:g})")

    def support(self) -> tuple[float, float]:
        """The closed interval the distribution lives on."""
        return (self.low, self.high)

    def mean(self) -> float:
        """Analytic mean."""
        return (self.low + self.high) / 2


@frozen(kw_only=True)
class Beta:
    """Beta(alpha, beta) scaled to [low, high] (default [0, 1]).

    >>> Beta(alpha=2, beta=8).mean()
    0.2
    """

    TAG: ClassVar[str] = "beta"
    alpha: float
    beta: float
    low: float = 0.0
    high: float = 1.0

    def __attrs_post_init__(self) -> None:
        if _finite("alpha", self.alpha) <= 0:
            raise FieldError("alpha", self.alpha, "is not > 0")
        if _finite("beta", self.beta) <= 0:
            raise FieldError("beta", self.beta, "is not > 0")
        _finite("low", self.low)
        if _finite("high", self.high) <= self.low:
            raise FieldError("high", self.high, f"is not > low ({self.low:g})")

    def support(self) -> tuple[float, float]:
        """The closed interval the distribution lives on."""
        return (self.low, self.high)

    def mean(self) -> float:
        """Analytic mean."""
        return self.low + (self.high - self.low) * self.alpha / (self.alpha + self.beta)


_Z95 = 1.6448536269514722  # standard normal 95th percentile


@frozen(kw_only=True)
class LogNormal:
    """Log-normal given by its 90 % interval: 5th percentile *low*, 95th *high*.

    This is how FAIR-style tools elicit magnitudes ("90 % sure it is between
    2 and 40 hours").

    >>> d = LogNormal(low=1.0, high=100.0)
    >>> round(d.median(), 6)
    10.0
    """

    TAG: ClassVar[str] = "lognormal"
    low: float
    high: float

    def __attrs_post_init__(self) -> None:
        if _finite("low", self.low) <= 0:
            raise FieldError("low", self.low, "is not > 0")
        if _finite("high", self.high) <= self.low:
            raise FieldError("high", self.high, f"is not > low ({self.low:g})")

    @property
    def mu(self) -> float:
        """Mean of the underlying normal."""
        return (math.log(self.low) + math.log(self.high)) / 2

    @property
    def sigma(self) -> float:
        """Standard deviation of the underlying normal."""
        return (math.log(self.high) - math.log(self.low)) / (2 * _Z95)

    def support(self) -> tuple[float, float]:
        """(0, inf): a log-normal cannot be used for a probability."""
        return (0.0, math.inf)

    def median(self) -> float:
        """exp(mu)."""
        return math.exp(self.mu)

    def mean(self) -> float:
        """exp(mu + sigma^2 / 2)."""
        return math.exp(self.mu + self.sigma**2 / 2)


Distribution: TypeAlias = PERT | Triangular | Uniform | Beta | LogNormal
"""Any of the supported distributions."""

Param: TypeAlias = float | Distribution
"""A parameter: a point value or a distribution."""

DISTRIBUTIONS: dict[str, type[Distribution]] = {
    cls.TAG: cls for cls in (PERT, Triangular, Uniform, Beta, LogNormal)
}


def mean_of(p: Param) -> float:
    """The point value of a parameter: itself, or its distribution's mean.

    >>> mean_of(0.3)
    0.3
    >>> mean_of(Uniform(low=0, high=1))
    0.5
    """
    if isinstance(p, (int, float)):
        return float(p)
    return p.mean()


def is_distribution(value: object) -> bool:
    """True for instances of the distribution classes."""
    return attrs.has(type(value)) and getattr(type(value), "TAG", None) in DISTRIBUTIONS
