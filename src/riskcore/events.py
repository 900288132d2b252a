"""Realised harm: simulate events, not only expected harm.

:func:`riskcore.simulate.simulate` gives, per trial, the *expected* harm
``p × I`` for one draw of the uncertain parameters: its loss-exceedance curve
(LEC) shows parameter uncertainty, not what can happen. A 1 % chance of a
catastrophic loss L gives an expected harm of 0.01 L in every trial, so
P(loss > 0.1 L) = 0 there. :func:`simulate_events` draws what happens:

* **occurrence** per risk over the register's horizon (``horizon_days``):
  :class:`Bernoulli` (at most one event; P(at least one) = the risk's
  likelihood from :mod:`riskcore.calculus`), :class:`Poisson` or
  :class:`NegativeBinomial` (recurrent events; either with an explicit
  ``rate`` in events per year, scaled by the risk's factors, modifiers and
  preventive layers, or derived from the likelihood so that P(at least one)
  is the likelihood);
* **severity** per event: the risk's impact distribution (in the matrix's
  harm units), an explicit :class:`EventModel` ``severity`` (any distribution
  of :mod:`riskcore.model.distributions` or a :class:`Discrete` scale), or a
  cost in money from :class:`Costs`; recovery layers scale each event;
* two nested levels: ``outer`` parameter sets (likelihoods, rates,
  effectiveness; the sampling design of ``method``), each with
  ``n / outer`` event trials, so the result has the LEC of realised harm
  *and* a band of LECs over parameter sets.

The unit (``"harm-units"``/the matrix scale, or the currency of
:class:`Costs`) is named on the result and every per-risk summary.

numpy and scipy are imported inside the functions.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from attrs import define, field, frozen

from riskcore import calculus
from riskcore.errors import FieldError
from riskcore.eventmodel import (
    Bernoulli,
    Costs,
    Discrete,
    EventModel,
    NegativeBinomial,
    Occurrence,
    Poisson,
    SeverityParam,
)
from riskcore.model._fields import to_tuple
from riskcore.model.catalog import Catalog
from riskcore.model.distributions import mean_of
from riskcore.model.plan import Plan
from riskcore.model.risk import RiskRegister
from riskcore.plain import number
from riskcore.sampling import _ppf_into, _Work
from riskcore.simulate import (
    Summary,
    Swing,
    _compile,
    _credit,
    _exceedance,
    _fill_parts,
    _point_parts,
    _prepare,
    _rank,
    _Run,
    _Spec,
    _summary,
    _tornado,
    _uncertain,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "Bernoulli",
    "Costs",
    "Discrete",
    "EventModel",
    "EventResult",
    "NegativeBinomial",
    "Poisson",
    "RiskEvents",
    "simulate_events",
]


@frozen(kw_only=True)
class RiskEvents(Summary):
    """Realised harm of one risk over the horizon, in ``unit``."""

    risk: str
    unit: str
    p_any: float
    """P(at least one event over the horizon)."""
    expected_events: float
    """Mean number of events over the horizon."""


@frozen(kw_only=True)
class EventResult:
    """What :func:`simulate_events` returns; frozen, with everything needed to reproduce it."""

    method_version: str
    seed: int
    n: int
    outer: int
    """Parameter sets (the outer level); each has ``n // outer`` event trials."""
    method: str
    credit: str
    unit: str
    """Unit of every harm figure: the matrix's impact scale or a currency."""
    horizon_days: float
    risks: tuple[RiskEvents, ...] = field(converter=to_tuple)
    total: Summary
    """Realised total harm over the horizon."""
    p_any: float
    """P(at least one event of any risk)."""
    expected_events: float
    exceedance: tuple[tuple[float, float], ...] = field(converter=to_tuple)
    """LEC of realised total harm: (loss, P(total > loss)), loss ascending."""
    band: tuple[tuple[float, float, float], ...] = field(converter=to_tuple)
    """(loss, low, high): the ``band_percentiles`` of P(total > loss) over parameter sets."""
    band_percentiles: tuple[float, float]
    expected: Summary
    """Parameter uncertainty alone: expected harm given each parameter set."""
    sensitivity: tuple[Swing, ...] = field(converter=to_tuple)
    """Parameters ranked by their swing of mean realised harm (P10 to P90)."""
    point_total: float
    """Mean realised harm with every parameter at its mean."""
    incomplete_reasons: tuple[str, ...] = field(converter=to_tuple)
    """The register's incomplete reasons: the figures may understate the harm."""

    def risk(self, id: str) -> RiskEvents:
        """The realised-harm summary of risk *id* (``KeyError`` if absent)."""
        for r in self.risks:
            if r.risk == id:
                return r
        raise KeyError(id)

    def plain_words(self) -> tuple[str, ...]:
        """The result in sentences for a report ("a 1 in 20 year could bring ...").

        Examples
        --------
        >>> r = EventResult(method_version="v", seed=1, n=100, outer=10, method="lhs",
        ...     credit="strict", unit="GBP", horizon_days=365.0, risks=(),
        ...     total=Summary(mean=10.0, std=1.0, percentiles=((50, 0.0), (95, 120.0))),
        ...     p_any=0.3, expected_events=0.4, exceedance=(), band=(),
        ...     band_percentiles=(5.0, 95.0),
        ...     expected=Summary(mean=10.0, std=2.0, percentiles=((5, 7.0), (95, 14.0))),
        ...     sensitivity=(), point_total=10.0, incomplete_reasons=())
        >>> for line in r.plain_words(): print(line)
        Chance of at least one event in a year: 30 % (0.4 events expected).
        Average realised harm: 10 GBP a year.
        A 1 in 20 year could bring 120 GBP or more.
        Parameter uncertainty alone (5th to 95th percentile) moves the expected harm between 7 and 14 GBP.
        """
        per = _period(self.horizon_days)
        u = _unit_words(self.unit)
        out = [
            f"Chance of at least one event in {_article(per)} {per}: "
            f"{_pct(self.p_any)} ({number(self.expected_events)} events expected).",
            f"Average realised harm: {number(self.total.mean)} {u} a {per}.",
        ]
        for q, v in self.total.percentiles:
            if q < 90 or q >= 100:
                continue
            k = 100 / (100 - q)
            if abs(k - round(k)) > 1e-9:
                continue
            out.append(
                f"A 1 in {round(k)} {per} could bring {number(v)} {u} or more."
                if v > 0
                else f"Even a 1 in {round(k)} {per} brings no event."
            )
        lo = [v for q, v in self.expected.percentiles if q == 5]
        hi = [v for q, v in self.expected.percentiles if q == 95]
        if lo and hi:
            out.append(
                f"Parameter uncertainty alone (5th to 95th percentile) moves the "
                f"expected harm between {number(lo[0])} and {number(hi[0])} {u}."
            )
        if self.incomplete_reasons:
            out.append(
                "The assessment is incomplete, so these figures may understate the harm."
            )
        return tuple(out)

    def plot_exceedance(self, *, ax: Any = None) -> Any:
        """Realised LEC with its band over parameter sets; returns the Axes (needs matplotlib)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        xs = [x for x, _ in self.exceedance]
        ax.step(
            xs, [p for _, p in self.exceedance], where="post", label="realised harm"
        )
        bx = [b[0] for b in self.band]
        lo, hi = self.band_percentiles
        ax.fill_between(
            bx,
            [b[1] for b in self.band],
            [b[2] for b in self.band],
            step="post",
            alpha=0.25,
            label=f"P{lo:g}-P{hi:g} over parameter sets",
        )
        ax.set_xlabel(f"harm over the horizon ({self.unit})")
        ax.set_ylabel("P(harm > x)")
        ax.set_yscale("log")
        return ax


def _unit_words(unit: str) -> str:
    from riskcore.model.catalog import SCALES

    if unit == "harm-units":
        return "harm units"
    if unit in SCALES:
        return f"harm units ({unit} scale)"
    return unit


def _period(days: float) -> str:
    return "year" if days == 365 else f"{days:g}-day period"


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou8" else "a"


def _pct(p: float) -> str:
    """A probability in a sentence, as a percentage people read.

    >>> _pct(0.000012), _pct(0.25), _pct(0.997)
    ('0.0012 %', '25 %', 'more than 99 %')
    """
    v = 100 * p
    if 99.5 <= v < 100:
        return "more than 99 %"
    if 0 < v < 1:
        return f"{number(v, digits=2)} %"
    return f"{v:.0f} %"


# ------------------------------------------------------------------ simulation


@frozen
class _Ev:
    """One risk compiled for the event view."""

    spec: _Spec  # the outer parameters (with the explicit rate as a multiplier)
    occurrence: Occurrence
    severity: SeverityParam
    base: bool  # the likelihood drives occurrence (no explicit rate)

    @property
    def dims(self) -> int:
        return len(_uncertain(self.spec, base=self.base, impact=False))


def _lookup(
    table: Mapping[str, Any], risk: Any
) -> Any:  # risk id, then threat id, then category
    for key in (risk.id, risk.threat, risk.category):
        if key in table:
            return table[key]
    return None


def _mean_events(occ: Occurrence, x: Any, years: float) -> Any:
    """Mean count given *x*: the likelihood (``base``) or the rate multiplier λ/rate."""
    import numpy as np

    if isinstance(occ, Bernoulli):
        return x
    if occ.rate is not None:
        return x * years
    if isinstance(occ, Poisson):
        return -np.log1p(-np.minimum(x, 1.0))
    k = occ.dispersion
    return k * (np.power(1.0 - np.minimum(x, 1.0), -1.0 / k) - 1.0)


def _sev_mean(sev: SeverityParam) -> float:
    return sev.mean() if isinstance(sev, Discrete) else mean_of(sev)


class _EventBuf:
    """Buffers for one run's event draws, grown as needed and reused across risks.

    A fresh array per risk would be filled page by page by the kernel; reusing
    these keeps the severity draws (the bulk of the work) in warm memory.
    """

    def __init__(self) -> None:
        self.work: _Work | None = None
        self.sev: NDArray[np.float64] | None = None

    def get(self, m: int) -> tuple[_Work, NDArray[np.float64]]:
        """A work area and an output array of exactly *m* entries (views)."""
        import numpy as np

        if self.work is None or self.sev is None or self.work.n < m:
            cap = max(m, 2 * (self.work.n if self.work is not None else 0))
            self.work, self.sev = _Work(cap), np.empty(cap)
        return self.work.head(m), self.sev[:m]


def _draw_severity(
    sev: SeverityParam, gen: np.random.Generator, m: int, buf: _EventBuf
) -> NDArray[np.float64]:
    """*m* severities of *sev* (a view into *buf*: valid until the next call)."""
    import numpy as np

    w, out = buf.get(m)
    if isinstance(sev, (int, float)):
        out.fill(float(sev))
        return out
    u = w.u
    gen.random(out=u)
    if isinstance(sev, Discrete):
        cum = np.cumsum(sev.probabilities)
        cum[-1] = 1.0
        idx = np.searchsorted(cum, u, side="right")
        np.minimum(idx, len(cum) - 1, out=idx)
        np.take(np.asarray(sev.values, dtype=float), idx, out=out)
        return out
    _ppf_into(sev, u, out, w)  # u is scratch: no copy
    return out


def _event_trials(
    occ: Occurrence,
    p_o: NDArray[np.float64],
    mu: NDArray[np.float64],
    egen: np.random.Generator,
    inner: int,
) -> NDArray[np.intp]:
    """The trial of every event (an event per entry; a trial may repeat).

    Bernoulli: a trial has an event with its parameter set's likelihood.
    Poisson: each parameter set's total over its *inner* trials is one
    Poisson(inner x mu) draw, and each of those events falls in one of the
    set's trials uniformly at random; this gives the trials independent
    Poisson(mu) counts (Poisson splitting) with one draw per event instead of
    a Poisson draw per trial. Negative binomial: a gamma-mixed rate per trial,
    then a Poisson count per trial.
    """
    import numpy as np

    outer = p_o.shape[0]
    n = outer * inner
    if isinstance(occ, Poisson):
        per_set = egen.poisson(mu * inner)
        trial = egen.integers(0, inner, size=int(per_set.sum()), dtype=np.intp)
        trial += np.repeat(np.arange(0, n, inner, dtype=np.intp), per_set)
        return trial
    if isinstance(occ, Bernoulli):
        return np.flatnonzero(egen.random(n) < np.repeat(p_o, inner))
    k = occ.dispersion
    lam = egen.gamma(k, np.repeat(mu, inner) / k)
    return np.repeat(np.arange(n, dtype=np.intp), egen.poisson(lam))


def _risk_losses(
    ev: _Ev,
    gen: np.random.Generator,
    egen: np.random.Generator,
    method: str,
    sobol: Any,
    outer: int,
    inner: int,
    years: float,
    loss: NDArray[np.float64],
    w: _Work,
    buf: _EventBuf,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Realised loss per trial into *loss*; returns (counts, expected loss per parameter set)."""
    import numpy as np

    n = outer * inner
    p_o = np.empty(outer)
    i_o = np.empty(outer)
    cp, ci, i_used = _fill_parts(
        p_o, i_o, ev.spec, gen, method, w, sobol, base=ev.base, impact=False
    )
    p_o *= cp
    if not i_used:
        i_o.fill(1.0)
    i_o *= ci
    if ev.base:
        np.clip(p_o, 0.0, 1.0, out=p_o)
        if not isinstance(ev.occurrence, Bernoulli) and (p_o >= 1.0).any():
            raise FieldError(
                f"{ev.spec.risk}.likelihood",
                1.0,
                "gives no finite event rate; give the occurrence a rate",
            )
    mu = np.asarray(_mean_events(ev.occurrence, p_o, years), dtype=float)
    trial = _event_trials(ev.occurrence, p_o, mu, egen, inner)
    sev = _draw_severity(ev.severity, egen, trial.shape[0], buf)
    if i_used or ci != 1.0:  # recovery layers scale each event
        sev *= i_o[trial // inner]
    loss[:] = np.bincount(trial, weights=sev, minlength=n)
    counts = np.bincount(trial, minlength=n)
    return counts, mu * i_o * _sev_mean(ev.severity)


def _compile_events(
    register: RiskRegister,
    specs: Sequence[_Spec],
    events: Mapping[str, EventModel],
    costs: Costs | None,
) -> list[_Ev]:
    out = []
    for risk, spec in zip(register.risks, specs, strict=True):
        model = _lookup(events, risk) or EventModel()
        if not isinstance(model, EventModel):
            raise FieldError(f"events.{risk.threat}", model, "is not an EventModel")
        sev: SeverityParam | None = model.severity
        if costs is not None:
            sev = _lookup(costs.per_event, risk)
            if sev is None:
                raise FieldError(
                    f"costs.per_event.{risk.threat}",
                    None,
                    f"is missing: risk {risk.id!r} (category {risk.category!r}) "
                    f"would cost nothing in {costs.currency}",
                )
        if sev is None:
            sev = risk.impact.value
        occ = model.occurrence
        rate = None if isinstance(occ, Bernoulli) else occ.rate
        base = rate is None
        if rate is not None:
            spec = attrs.evolve(
                spec, mults=((f"{spec.risk}:event_rate", "mod", rate), *spec.mults)
            )
        out.append(_Ev(spec=spec, occurrence=occ, severity=sev, base=base))
    return out


def simulate_events(
    register: RiskRegister,
    plan: Plan | None = None,
    *,
    catalog: Catalog | None = None,
    events: Mapping[str, EventModel] | None = None,
    costs: Costs | None = None,
    n: int = 100_000,
    outer: int = 100,
    seed: int | None = None,
    method: str = "lhs",
    credit: str = "strict",
    percentiles: Sequence[float] = (50, 90, 95, 99),
    band: tuple[float, float] = (5.0, 95.0),
    exceedance_points: int = 60,
    top: int = 20,
    chunk: int | None = None,
) -> EventResult:
    """Simulate what happens over the register's horizon: events and their harm.

    Parameters
    ----------
    register, plan, catalog, seed, method, credit, exceedance_points, top:
        As for :func:`riskcore.simulate.simulate`; ``method`` is the design of
        the outer level (parameter sets), events are drawn at random.
    events:
        :class:`EventModel` per risk id, threat id or category (first match);
        default :class:`Bernoulli` occurrence with the risk's impact as severity.
    costs:
        Money per event; then every figure is in ``costs.currency``.
    n:
        Trials in all (a multiple of *outer*).
    outer:
        Parameter sets; each gets ``n // outer`` event trials.
    percentiles:
        Percentiles of realised harm to report.
    band:
        Percentiles over parameter sets of the exceedance band.
    chunk:
        Risks per chunk (memory), default about 2 million values.

    Returns
    -------
    EventResult

    Examples
    --------
    A 1 % chance of a loss of 1,000 a year: the expected harm is 10 in every
    trial, the realised harm is 1,000 in about 1 % of years.

    >>> from riskcore.model import Case, Catalog, Practice, Severity, Threat
    >>> from riskcore.model import SubjectKind, Assessment
    >>> from riskcore.model.risk import Band, RiskMatrix
    >>> from riskcore.plugins import PluginManager
    >>> from riskcore.identify import identify
    >>> import attrs
    >>> m = attrs.evolve(RiskMatrix.default(), impact_scale="harm-units",
    ...     impact_bands=[Band(name="a", upper=1e2), Band(name="b", upper=1e3),
    ...     Band(name="c", upper=1e4), Band(name="d", upper=1e5), Band(name="e", upper=1e300)])
    >>> cat = Catalog(threats=[Threat(id="fire", name="Fire", category="premises",
    ...     scope=SubjectKind.PRACTICE, base_likelihood=0.01,
    ...     impact=Severity(value=1000, scale="harm-units"))])
    >>> case = Case(id="c", practice=Practice(id="p"))
    >>> reg = identify(Assessment(case_id="c"), cat, case,
    ...     pm=PluginManager(autoload=False), matrix=m)
    >>> r = simulate_events(reg, n=100_000, seed=4, percentiles=(95, 99.5))
    >>> r.unit, round(r.total.mean), round(r.p_any, 3), r.total.percentile(99.5)
    ('harm-units', 10, 0.01, 1000.0)
    """
    evmap = dict(events or {})
    lo_b, hi_b = _check_shape(n, outer, band)
    register = _credit(register, plan, catalog)
    evs = _compile_events(
        register, [_compile(r, credit) for r in register.risks], evmap, costs
    )
    run = _prepare(
        register,
        None,
        None,
        n,
        seed,
        method,
        credit,
        percentiles,
        [e.dims for e in evs],
    )
    reg = run.register
    unit = _unit(reg, costs)
    inner = n // outer
    years = reg.horizon_days / 365.0  # a year is 365 days, as the horizon default
    qs = run.qs
    size = chunk if chunk is not None else max(1, 2_000_000 // n)
    if not _is_count(size) or size < 1:
        raise FieldError("chunk", chunk, "is not an integer >= 1")
    tot = _simulate_risks(evs, run, method, outer, inner, years, unit, size)
    lec, band_rows = _exceedance_band(
        tot.total, outer, inner, exceedance_points, lo_b, hi_b
    )
    tot.expected.sort()
    swings, t0 = _sensitivity(evs, years)
    return EventResult(
        method_version=calculus.METHOD_VERSION,
        seed=run.seed,
        n=n,
        outer=outer,
        method=method,
        credit=credit,
        unit=unit,
        horizon_days=reg.horizon_days,
        risks=tot.summaries,
        total=_summary(tot.total, qs),
        p_any=float(tot.any_event.mean()),
        expected_events=float(tot.n_events.mean()),
        exceedance=lec,
        band=band_rows,
        band_percentiles=(lo_b, hi_b),
        expected=_summary(tot.expected, (5.0, 50.0, 95.0)),
        sensitivity=swings[:top],
        point_total=t0,
        incomplete_reasons=_incomplete(reg),
    )


def _check_shape(n: int, outer: int, band: tuple[float, float]) -> tuple[float, float]:
    """Check the trial counts and the band; return the band as floats."""
    if not _is_count(outer) or outer < 1:
        raise FieldError("outer", outer, "is not an integer >= 1")
    if not _is_count(n) or n < 2 or n % outer or n // outer < 2:
        raise FieldError(
            "n", n, f"is not a multiple of outer ({outer}) with at least 2 trials each"
        )
    lo_b, hi_b = (float(b) for b in band)
    if not 0 <= lo_b < hi_b <= 100:
        raise FieldError("band", band, "is not (low, high) with 0 <= low < high <= 100")
    return lo_b, hi_b


def _unit(reg: RiskRegister, costs: Costs | None) -> str:
    """The unit every figure is in: the currency, else the one impact scale."""
    unit = costs.currency if costs is not None else reg.matrix.impact_scale
    if costs is None:
        scales = {r.impact.scale for r in reg.risks}
        if len(scales) > 1:
            raise FieldError(
                "register.risks.impact.scale",
                sorted(scales),
                "mixes scales; harm on different scales cannot be added (give costs)",
            )
        if scales:
            unit = scales.pop()
    return unit


@define
class _Totals:
    """What the trials of every risk add up to (mutable: the sums accumulate)."""

    total: NDArray[np.float64]  # realised harm per trial
    any_event: NDArray[np.bool_]  # whether any risk had an event, per trial
    n_events: NDArray[np.int64]  # events per trial
    expected: NDArray[np.float64]  # expected harm per parameter set
    summaries: list[RiskEvents]


def _simulate_risks(
    evs: Sequence[_Ev],
    run: _Run,
    method: str,
    outer: int,
    inner: int,
    years: float,
    unit: str,
    size: int,
) -> _Totals:
    """Every risk's realised harm per trial, *size* risks at a time, summed."""
    import numpy as np

    n = outer * inner
    tot = _Totals(
        total=np.zeros(n),
        any_event=np.zeros(n, dtype=bool),
        n_events=np.zeros(n, dtype=np.int64),
        expected=np.zeros(outer),
        summaries=[],
    )
    w = _Work(outer)
    buf = _EventBuf()
    ranks = [_rank(q, n) for q in run.qs]
    kth = sorted(set(ranks))
    for a in range(0, len(evs), size):
        b = min(a + size, len(evs))
        losses = np.empty((b - a, n))
        for k in range(a, b):
            sob = None if run.engine is None else (run.engine, run.offsets[k])
            egen = np.random.Generator(np.random.PCG64(run.ss[k].spawn(1)[0]))
            counts, exp_o = _risk_losses(
                evs[k],
                run.gens[k],
                egen,
                method,
                sob,
                outer,
                inner,
                years,
                losses[k - a],
                w,
                buf,
            )
            tot.expected += exp_o
            tot.n_events += counts
            tot.any_event |= counts > 0
            row = losses[k - a]
            mean = float(row.mean())
            if not math.isfinite(mean):  # pragma: no cover - defensive
                raise FieldError(f"{evs[k].spec.risk}.realised", mean, "is not finite")
            std = float(row.std())
            tot.total += row
            if kth:  # the order statistics of the percentiles, as a sort gives them
                row.partition(kth)
            tot.summaries.append(
                RiskEvents(
                    risk=evs[k].spec.risk,
                    unit=unit,
                    mean=mean,
                    std=std,
                    percentiles=tuple(
                        (q, float(row[r])) for q, r in zip(run.qs, ranks, strict=True)
                    ),
                    p_any=float((counts > 0).mean()),
                    expected_events=float(counts.mean()),
                )
            )
    return tot


def _exceedance_band(
    total: NDArray[np.float64],
    outer: int,
    inner: int,
    points: int,
    lo_b: float,
    hi_b: float,
) -> tuple[tuple[tuple[float, float], ...], list[tuple[float, float, float]]]:
    """The loss exceedance curve and its band over parameter sets.

    Sorts *total* in place.
    """
    import numpy as np

    blocks = np.sort(total.reshape(outer, inner), axis=1)
    total.sort()
    lec = _exceedance(total, points)
    band_rows = []
    for x, _ in lec:
        ps = (
            1.0
            - np.array([np.searchsorted(bl, x, side="right") for bl in blocks]) / inner
        )
        band_rows.append(
            (x, float(np.percentile(ps, lo_b)), float(np.percentile(ps, hi_b)))
        )
    return lec, band_rows


def _is_count(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _incomplete(reg: RiskRegister) -> tuple[str, ...]:
    out = [f"{r.id}: {why}" for r in reg.risks for why in r.incomplete_reasons]
    out += [f.summary() for f in reg.failures]
    return tuple(out)


def _point_mean(
    ev: _Ev, years: float, override: dict[str, float] | None = None
) -> float:
    """Mean realised harm of one risk with parameters at their means (or overridden)."""
    ov = dict(override or {})
    ov["impact"] = 1.0  # the severity is drawn per event; only recovery layers scale it
    x, imult = _point_parts(ev.spec, ov, base=ev.base)
    if ev.base:
        x = min(max(x, 0.0), 1.0)
        if x >= 1.0 and not isinstance(ev.occurrence, Bernoulli):
            return math.inf
    return float(_mean_events(ev.occurrence, x, years)) * imult * _sev_mean(ev.severity)


def _sensitivity(evs: Sequence[_Ev], years: float) -> tuple[list[Swing], float]:
    """Tornado over mean realised harm: each parameter at its P10 and P90."""
    return _tornado(
        [(e.spec.risk, _uncertain(e.spec, base=e.base, impact=False)) for e in evs],
        lambda k, ov: _point_mean(evs[k], years, ov),
    )
