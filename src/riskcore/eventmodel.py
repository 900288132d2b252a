"""The event model: how a risk's events happen and what each one costs.

Occurrence over the horizon (:class:`Bernoulli`, :class:`Poisson`,
:class:`NegativeBinomial`), severity per event (a distribution or a
:class:`Discrete` scale), both per threat in an :class:`EventModel`, and a
practice's :class:`Costs`. :func:`riskcore.events.simulate_events` draws them;
every name here is re-exported by :mod:`riskcore.events`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeAlias

from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import to_tuple
from riskcore.model.distributions import (
    PERT,
    Beta,
    LogNormal,
    Param,
    Triangular,
    Uniform,
    mean_of,
)

__all__ = [
    "Bernoulli",
    "Costs",
    "Discrete",
    "EventModel",
    "NegativeBinomial",
    "Occurrence",
    "Poisson",
    "SeverityParam",
]


_DISTS = (PERT, Beta, LogNormal, Triangular, Uniform)


def _nonneg_param(name: str, x: object) -> None:
    if isinstance(x, bool) or not isinstance(x, (int, float, *_DISTS)):
        raise FieldError(name, x, "is not a number or distribution >= 0")
    lo = float(x) if isinstance(x, (int, float)) else x.support()[0]
    if not math.isfinite(mean_of(x)) or lo < 0:
        raise FieldError(name, x, "is not a number or distribution >= 0")


@frozen(kw_only=True)
class Bernoulli:
    """At most one event over the horizon, with the risk's likelihood.

    >>> Bernoulli()
    Bernoulli()
    """


@frozen(kw_only=True)
class Poisson:
    """Recurrent events: a Poisson count over the horizon.

    ``rate`` is events per year (a number or distribution); the risk's credited
    odds ratios (read as rate ratios), modifiers and preventive layers multiply
    it. Without ``rate`` the mean count is ``-ln(1 - p)``, so that
    P(at least one) equals the risk's likelihood *p*.

    >>> Poisson(rate=2.0).rate
    2.0
    """

    rate: Param | None = None

    def __attrs_post_init__(self) -> None:
        if self.rate is not None:
            _nonneg_param("rate", self.rate)


@frozen(kw_only=True)
class NegativeBinomial:
    """Over-dispersed recurrent events (variance ``μ + μ²/dispersion``).

    ``rate`` as for :class:`Poisson`; without it the mean ``μ`` is chosen so
    that P(at least one) equals the likelihood: ``μ = k((1 - p)^(-1/k) - 1)``.

    >>> NegativeBinomial(dispersion=0)
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: dispersion: 0 is not a finite number > 0
    """

    dispersion: float
    rate: Param | None = None

    def __attrs_post_init__(self) -> None:
        k: object = self.dispersion
        if (
            isinstance(k, bool)
            or not isinstance(k, (int, float))
            or not (k > 0 and math.isfinite(k))
        ):
            raise FieldError("dispersion", k, "is not a finite number > 0")
        if self.rate is not None:
            _nonneg_param("rate", self.rate)


Occurrence: TypeAlias = Bernoulli | Poisson | NegativeBinomial


@frozen(kw_only=True)
class Discrete:
    """A discrete severity scale: each event costs ``values[i]`` with ``probabilities[i]``.

    >>> Discrete(values=[1, 3, 5], probabilities=[0.7, 0.2, 0.1]).mean()
    1.8
    >>> Discrete(values=[1, 3], probabilities=[0.7, 0.2])
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: probabilities: <redacted: a list of 2 items> do not sum to 1
    """

    values: tuple[float, ...] = field(converter=to_tuple)
    probabilities: tuple[float, ...] = field(converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        if not self.values or len(self.values) != len(self.probabilities):
            raise FieldError(
                "probabilities",
                self.probabilities,
                "must have one entry per value (and at least one)",
            )
        for i, v in enumerate(self.values):
            if isinstance(v, bool) or not math.isfinite(v) or v < 0:
                raise FieldError(f"values[{i}]", v, "is not a finite number >= 0")
        for i, q in enumerate(self.probabilities):
            if isinstance(q, bool) or not 0 <= q <= 1:
                raise FieldError(f"probabilities[{i}]", q, "is not in [0, 1]")
        if abs(math.fsum(self.probabilities) - 1) > 1e-9:
            raise FieldError("probabilities", self.probabilities, "do not sum to 1")

    def mean(self) -> float:
        """Expected severity."""
        return math.fsum(
            v * q for v, q in zip(self.values, self.probabilities, strict=True)
        )


SeverityParam: TypeAlias = Param | Discrete


@frozen(kw_only=True)
class EventModel:
    """How one threat's events happen and what each costs (in harm units).

    ``severity`` ``None`` uses the risk's impact (its distribution, drawn per event).

    >>> EventModel(occurrence=Poisson(rate=0.5))
    EventModel(occurrence=Poisson(rate=0.5), severity=None)
    """

    occurrence: Occurrence = field(factory=Bernoulli)
    severity: SeverityParam | None = None

    def __attrs_post_init__(self) -> None:
        if self.severity is not None and not isinstance(self.severity, Discrete):
            _nonneg_param("severity", self.severity)


def _sorted_dict(m: Mapping[str, SeverityParam]) -> dict[str, SeverityParam]:
    return dict(sorted(dict(m).items()))


@frozen(kw_only=True)
class Costs:
    """A practice's costs per event, in one currency.

    ``per_event`` maps a risk id, threat id or threat category (first match
    in that order) to the cost of one event (a number, distribution or
    :class:`Discrete`). In a money run every risk needs a cost: a risk
    without one would look free, so :func:`simulate_events` refuses.

    >>> Costs(currency="GBP", per_event={"burnout": 12_000.0}).currency
    'GBP'
    """

    currency: str
    per_event: Mapping[str, SeverityParam] = field(converter=_sorted_dict)

    def __attrs_post_init__(self) -> None:
        if not self.currency or not self.currency.strip():
            raise FieldError("currency", self.currency, "is empty")
        for k, v in self.per_event.items():
            if not isinstance(v, Discrete):
                _nonneg_param(f"per_event.{k}", v)
