"""Monte Carlo over the risk calculus: percentiles, loss exceedance, sensitivity.

Every parameter of a risk (base likelihood, modifiers, layer effectiveness,
impact) may be a distribution. :func:`simulate` samples them with its own
seeded :class:`numpy.random.Generator` (never the global seed), one child
stream per risk (so results do not depend on chunking or threads), and applies
exactly the formulas of :mod:`riskcore.calculus`, vectorised:

``loss = odds⁻¹(odds(p) · Π OR) × Π m × Π (1 - e_i) × I × Π (1 - e_j)``

Sampling designs span every uncertain parameter of the run, so parameters of
different risks are independent: ``"lhs"`` (one Latin hypercube whose columns
are the parameters, each with its own random permutation of the strata, the
design of :class:`scipy.stats.qmc.LatinHypercube`), ``"sobol"`` (one scrambled
Sobol' engine of :mod:`scipy.stats.qmc` with one dimension per parameter, at
most :data:`SOBOL_MAX_DIM`; columns generated per chunk of risks) or
``"random"``. Uniforms go through inverse CDFs:
closed forms for uniform, triangular and log-normal; for PERT and beta with
both shapes ≥ 1 a tabulated inverse (8192 cells built from the integrated
density, linear within a cell; the outer 16 cells at each end use log-scale
tail tables computed with exact :func:`scipy.special.betaincinv`; quantile
error below 1e-4 of the range, checked against scipy in the tests), otherwise
the exact ``betaincinv``. Designs and inverse CDFs live in
:mod:`riskcore.sampling` (re-exported here); this module compiles risks, runs
the trials and summarises them.

numpy and scipy are imported inside the functions: ``import riskcore`` does
not load them.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import math
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from riskcore import calculus
from riskcore.errors import FieldError
from riskcore.model._fields import to_tuple
from riskcore.model.catalog import Catalog, EffectTarget
from riskcore.model.distributions import (
    Distribution,
    Param,
    mean_of,
)
from riskcore.model.plan import Plan
from riskcore.model.risk import Risk, RiskRegister
from riskcore.sampling import (
    METHODS,
    SOBOL_MAX_DIM,
    _exact_ppf,
    _ppf_into,
    _Sobol,
    _uniforms,
    _Work,
    ppf,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes
    from numpy.typing import NDArray

__all__ = [
    "METHODS",
    "SOBOL_MAX_DIM",
    "RiskSummary",
    "SimulationResult",
    "Summary",
    "Swing",
    "ppf",
    "simulate",
]


@frozen(kw_only=True)
class Summary:
    """Mean, standard deviation and percentiles of a simulated quantity."""

    mean: float
    std: float
    percentiles: tuple[tuple[float, float], ...] = field(converter=to_tuple)
    """(percentile in [0, 100], value) pairs."""

    def percentile(self, q: float) -> float:
        """The value at percentile *q* (one of those requested)."""
        for k, v in self.percentiles:
            if k == q:
                return v
        raise KeyError(q)


@frozen(kw_only=True)
class RiskSummary(Summary):
    """:class:`Summary` of one risk's loss (expected harm per trial)."""

    risk: str


@frozen(kw_only=True)
class Swing:
    """Tornado data for one uncertain parameter.

    Total expected harm (all parameters at their means) with this parameter at
    its 10th (``low``) and 90th (``high``) percentile.
    """

    parameter: str
    risk: str
    low_input: float
    high_input: float
    low: float
    high: float

    @property
    def swing(self) -> float:
        """``|high - low|``: how much the parameter moves the total."""
        return abs(self.high - self.low)


@frozen(kw_only=True)
class SimulationResult:
    """What :func:`simulate` returns; frozen, with everything needed to reproduce it."""

    method_version: str
    seed: int
    n: int
    method: str
    credit: str
    risks: tuple[RiskSummary, ...] = field(converter=to_tuple)
    total: Summary
    exceedance: tuple[tuple[float, float], ...] = field(converter=to_tuple)
    """Loss-exceedance curve: (loss, P(total > loss)) pairs, loss ascending."""
    sensitivity: tuple[Swing, ...] = field(converter=to_tuple)
    """Parameters ranked by swing, largest first."""
    point_total: float
    """Total expected harm with every parameter at its mean (the tornado's centre)."""

    def risk(self, id: str) -> RiskSummary:
        """The summary of risk *id* (``KeyError`` if absent); indexed on first use."""
        return self._risks_by_id[id]

    @functools.cached_property
    def _risks_by_id(self) -> dict[str, RiskSummary]:
        by_id: dict[str, RiskSummary] = {}
        for r in self.risks:
            by_id.setdefault(r.risk, r)  # the first, as a scan would find
        return by_id

    # -- notebook views (riskcore.display, riskcore.frames, riskcore.plot) --

    def __repr__(self) -> str:
        from riskcore.display import simulation_text

        return simulation_text(self)

    def _repr_html_(self) -> str | None:
        from riskcore.display import simulation_html

        return simulation_html(self)

    def to_pandas(self) -> pd.DataFrame:
        """One row per item; columns and dtypes in :data:`riskcore.frames.SIMULATION_COLUMNS`.

        Needs pandas (``pip install "riskcore[pandas]"``).

        .. versionadded:: 0.1
        """
        from riskcore.frames import simulation_frame

        return simulation_frame(self)

    def plot_exceedance(self, *, ax: Axes | None = None) -> Axes:
        """The loss-exceedance curve (:func:`riskcore.plot.exceedance`); returns the Axes.

        Needs matplotlib (``pip install "riskcore[plot]"``).

        .. versionadded:: 0.1
        """
        from riskcore.plot import exceedance

        return exceedance(self, ax=ax)

    def plot_tornado(self, *, ax: Axes | None = None) -> Axes:
        """The tornado chart of the sensitivity swings (:func:`riskcore.plot.tornado`); returns the Axes.

        Needs matplotlib (``pip install "riskcore[plot]"``).

        .. versionadded:: 0.1
        """
        from riskcore.plot import tornado

        return tornado(self, ax=ax)


_Role = str  # "base" | "mod" | "plik" | "impact" | "pimp"


@frozen
class _Spec:
    risk: str
    k: float  # product of credited odds ratios
    base: Param
    impact: Param
    mults: tuple[tuple[str, _Role, Param], ...]  # modifiers and layers


def _compile(risk: Risk, credit: str) -> _Spec:
    rid = risk.id
    ors = [f.odds_ratio for f in risk.factors if f.credited]
    k = 1.0
    for o in ors:
        k *= o
    mults: list[tuple[str, _Role, Param]] = []
    for j, m in enumerate(risk.modifiers):
        mults.append((f"{rid}:modifier[{j}]", "mod", m.probability))
    for lay in risk.layers:
        if credit == "strict" and not lay.credited:
            continue
        role = "plik" if lay.on is EffectTarget.LIKELIHOOD else "pimp"
        mults.append((f"{rid}:{lay.kind}[{lay.id}]", role, lay.effectiveness))
    return _Spec(
        risk=rid,
        k=k,
        base=risk.base_likelihood,
        impact=risk.impact.value,
        mults=tuple(mults),
    )


def _point_parts(
    spec: _Spec,
    override: dict[str, float] | None = None,
    *,
    base: bool = True,
) -> tuple[float, float]:
    """(likelihood, impact) with every parameter at its mean (or overridden).

    With ``base=False`` the likelihood is the multiplier the chain applies to
    an event rate instead: ``K × Π m × Π (1 - e)`` (odds ratios as rate ratios).
    """
    ov = override or {}
    if base:
        p = ov.get("base", mean_of(spec.base))
        p = calculus.combine_odds(p, [spec.k], risk=spec.risk) if spec.k != 1.0 else p
    else:
        p = spec.k
    i = ov.get("impact", mean_of(spec.impact))
    for name, role, prm in spec.mults:
        v = ov.get(name, mean_of(prm))
        if role == "mod":
            p *= v
        elif role == "plik":
            p *= 1 - v
        else:
            i *= 1 - v
    return p, i


def _point(spec: _Spec, override: dict[str, float] | None = None) -> float:
    return calculus.expected_harm(*_point_parts(spec, override))


def _uncertain(
    spec: _Spec, *, base: bool = True, impact: bool = True
) -> list[tuple[str, str, Distribution]]:
    """The uncertain parameters of *spec*: (name, key, distribution), in dimension order."""
    out: list[tuple[str, str, Distribution]] = []
    if base and not isinstance(spec.base, (int, float)):
        out.append((f"{spec.risk}:base_likelihood", "base", spec.base))
    if impact and not isinstance(spec.impact, (int, float)):
        out.append((f"{spec.risk}:impact", "impact", spec.impact))
    out += [
        (name, name, prm)
        for name, _, prm in spec.mults
        if not isinstance(prm, (int, float))
    ]
    return out


def _fill_parts(
    p_row: NDArray[np.float64],
    i_row: NDArray[np.float64],
    spec: _Spec,
    gen: np.random.Generator,
    method: str,
    w: _Work,
    sobol: tuple[_Sobol, int] | None = None,
    *,
    base: bool = True,
    impact: bool = True,
) -> tuple[float, float, bool]:
    """One risk's likelihood and impact per trial: the calculus, vectorised.

    Writes the sampled part of the likelihood into *p_row* and of the impact
    into *i_row*; returns ``(cp, ci, i_used)``: the constant factors of each
    and whether *i_row* was written (if not, the impact is just ``ci``).
    ``base=False`` leaves the base likelihood out (the row is then the
    multiplier of an event rate, see :func:`_point_parts`); ``impact=False``
    leaves the impact parameter out (events draw severities themselves).
    *sobol* is the run's engine and the first dimension of this risk, whose
    dimensions are ``_uncertain(spec, base=base, impact=impact)``.
    """
    import numpy as np

    unc = _uncertain(spec, base=base, impact=impact)

    def draw(j: int) -> NDArray[np.float64]:
        return _uniforms(j, method, gen, w, sobol)

    drawn = {key: (j, d) for j, (_, key, d) in enumerate(unc)}
    cp = ci = 1.0
    if not base:
        p_row.fill(1.0)
        cp = spec.k
    else:
        if "base" in drawn:
            _ppf_into(drawn["base"][1], draw(drawn["base"][0]), p_row, w)
        else:
            p_row.fill(float(spec.base))  # type: ignore[arg-type]
        if spec.k != 1.0:
            den = w.tmp
            np.multiply(p_row, spec.k - 1.0, out=den)
            den += 1.0
            p_row *= spec.k
            p_row /= den
    i_used = False
    if "impact" in drawn:
        _ppf_into(drawn["impact"][1], draw(drawn["impact"][0]), i_row, w)
        i_used = True
    elif impact:
        ci *= float(spec.impact)  # type: ignore[arg-type]
    for name, role, prm in spec.mults:
        if name not in drawn:
            v = float(prm)  # type: ignore[arg-type]
            if role == "mod":
                cp *= v
            elif role == "plik":
                cp *= 1.0 - v
            else:
                ci *= 1.0 - v
            continue
        tgt = i_row if role == "pimp" else p_row
        if role == "pimp" and not i_used:
            _ppf_into(drawn[name][1], draw(drawn[name][0]), i_row, w)
            np.subtract(1.0, i_row, out=i_row)
            i_used = True
            continue
        _ppf_into(drawn[name][1], draw(drawn[name][0]), w.tmp, w)
        if role != "mod":
            np.subtract(1.0, w.tmp, out=w.tmp)
        tgt *= w.tmp
    return cp, ci, i_used


def _fill(
    row: NDArray[np.float64],
    spec: _Spec,
    gen: np.random.Generator,
    method: str,
    w: _Work,
    sobol: tuple[_Sobol, int] | None = None,
) -> None:
    """One risk's expected harm per trial into *row*: likelihood × impact."""
    cp, ci, i_used = _fill_parts(row, w.imp, spec, gen, method, w, sobol)
    if i_used:
        row *= w.imp
    if cp * ci != 1.0:
        row *= cp * ci


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _rank(q: float, n: int) -> int:
    # the "inverted CDF" definition: smallest x with F(x) >= q
    return min(n - 1, max(0, math.ceil(q / 100 * n) - 1))


def _chunk(
    specs: Sequence[_Spec],
    gens: Sequence[np.random.Generator],
    n: int,
    method: str,
    qs: Sequence[float],
    sobol: tuple[_Sobol, Sequence[int]] | None = None,
) -> tuple[list[RiskSummary], NDArray[np.float64]]:
    import numpy as np

    losses = np.empty((len(specs), n))
    w = _Work(n)
    for k, (spec, gen) in enumerate(zip(specs, gens, strict=True)):
        dims = None if sobol is None else (sobol[0], sobol[1][k])
        _fill(losses[k], spec, gen, method, w, dims)
    total = losses.sum(axis=0)
    means = losses.mean(axis=1)
    sq = np.einsum("ij,ij->i", losses, losses) / n
    stds = np.sqrt(np.maximum(sq - means * means, 0.0))
    losses.sort(axis=1)  # faster than a multi-kth partition (vectorised sort)
    out = []
    for k, spec in enumerate(specs):
        if not math.isfinite(means[k]):  # pragma: no cover - defensive
            raise FieldError(f"{spec.risk}.loss", float(means[k]), "is not finite")
        out.append(
            RiskSummary(
                risk=spec.risk,
                mean=float(means[k]),
                std=float(stds[k]),
                percentiles=tuple((q, float(losses[k, _rank(q, n)])) for q in qs),
            )
        )
    return out, total


@frozen
class _Run:
    """What every simulation of a register starts from (validated arguments and streams)."""

    register: RiskRegister
    specs: list[_Spec]
    gens: list[Any]  # one numpy Generator per risk (parameters)
    ss: list[Any]  # the risks' SeedSequences (events spawn their own streams)
    qs: tuple[float, ...]
    seed: int
    engine: _Sobol | None
    offsets: list[int]


def _credit(
    register: RiskRegister, plan: Plan | None, catalog: Catalog | None
) -> RiskRegister:
    """*register* with *plan*'s mitigations and armed responses credited."""
    if plan is None:
        return register
    if catalog is None:
        raise FieldError("catalog", None, "is required to credit a plan")
    from riskcore.identify import apply_controls

    return apply_controls(
        register,
        catalog,
        mitigations=[i.mitigation for i in plan.items],
        responses=plan.responses,
    )


def _prepare(
    register: RiskRegister,
    plan: Plan | None,
    catalog: Catalog | None,
    n: int,
    seed: int | None,
    method: str,
    credit: str,
    percentiles: Sequence[float],
    dims: Sequence[int] | None = None,
) -> _Run:
    """Validate the common arguments, credit *plan*, compile risks and seed streams.

    *dims* gives each risk's number of sampled parameters (default: all of
    them); the run's Sobol' engine has one dimension per sampled parameter.
    The register must already carry *plan*'s controls if *dims* is given.
    """
    import numpy as np

    if not _is_int(n) or n < 2:
        raise FieldError("n", n, "is not an integer >= 2")
    if method not in METHODS:
        raise FieldError("method", method, f"is not one of {list(METHODS)}")
    if credit not in ("strict", "all"):
        raise FieldError("credit", credit, "is not 'strict' or 'all'")
    qs = tuple(float(q) for q in percentiles)
    for i, q in enumerate(qs):
        if not 0 <= q <= 100:
            raise FieldError(f"percentiles[{i}]", q, "is not in [0, 100]")
    if seed is not None and (not _is_int(seed) or seed < 0):
        raise FieldError("seed", seed, "is not an integer >= 0")
    register = _credit(register, plan, catalog)
    ss = np.random.SeedSequence(seed)
    seed_used = int(ss.entropy)  # type: ignore[arg-type]
    specs = [_compile(r, credit) for r in register.risks]
    children = ss.spawn(len(specs))
    gens = [np.random.Generator(np.random.PCG64(c)) for c in children]
    # one Sobol' engine over every uncertain parameter of the run (own stream)
    counts = dims if dims is not None else [len(_uncertain(s)) for s in specs]
    offsets = [0]
    for c in counts:
        offsets.append(offsets[-1] + c)
    engine: _Sobol | None = None
    if method == "sobol" and offsets[-1]:
        if offsets[-1] > SOBOL_MAX_DIM:
            raise FieldError(
                "method",
                method,
                f"supports at most {SOBOL_MAX_DIM} uncertain parameters per run "
                f"(this run has {offsets[-1]}); use 'lhs'",
            )
        engine = _Sobol(
            offsets[-1], np.random.Generator(np.random.PCG64(ss.spawn(1)[0]))
        )
    return _Run(register, specs, gens, children, qs, seed_used, engine, offsets)


def _summary(total: NDArray[np.float64], qs: Sequence[float]) -> Summary:
    """Mean, sd and percentiles of *total*, which must be sorted."""
    n = total.shape[0]
    return Summary(
        mean=float(total.mean()),
        std=float(total.std()),
        percentiles=tuple((q, float(total[_rank(q, n)])) for q in qs),
    )


def _exceedance(
    total: NDArray[np.float64], points: int
) -> tuple[tuple[float, float], ...]:
    """Loss-exceedance curve of sorted *total*: (loss, P(total > loss)), loss ascending."""
    import numpy as np

    n = total.shape[0]
    probs = np.geomspace(1.0, max(1.0 / n, 1e-6), points)
    losses = np.unique(
        total[np.clip(np.ceil((1 - probs) * n).astype(int) - 1, 0, n - 1)]
    )
    exceed = 1.0 - np.searchsorted(total, losses, side="right") / n
    return tuple(zip(losses.tolist(), exceed.tolist(), strict=True))


def _tornado(
    risks: Sequence[tuple[str, Sequence[tuple[str, str, Distribution]]]],
    point: Callable[[int, dict[str, float] | None], float],
) -> tuple[list[Swing], float]:
    """Tornado: each parameter at its P10 and P90, every other at its mean.

    *risks* are (risk id, uncertain parameters) pairs; ``point(k, override)``
    is risk *k*'s figure with parameters at their means (or overridden).
    Returns the swings, largest first, and the total at the means.
    """
    pts = [point(k, None) for k in range(len(risks))]
    t0 = math.fsum(pts)
    swings = []
    for k, (rid, unc) in enumerate(risks):
        for name, key, d in unc:
            lo_in, hi_in = _exact_ppf(d, 0.1), _exact_ppf(d, 0.9)
            swings.append(
                Swing(
                    parameter=name,
                    risk=rid,
                    low_input=lo_in,
                    high_input=hi_in,
                    low=t0 - pts[k] + point(k, {key: lo_in}),
                    high=t0 - pts[k] + point(k, {key: hi_in}),
                )
            )
    swings.sort(key=lambda w: (-w.swing, w.parameter))
    return swings, t0


def _dims(
    engine: _Sobol | None, offsets: Sequence[int], a: int, b: int
) -> tuple[_Sobol, Sequence[int]] | None:
    return None if engine is None else (engine, offsets[a:b])


def simulate(
    register: RiskRegister,
    plan: Plan | None = None,
    *,
    catalog: Catalog | None = None,
    n: int = 100_000,
    seed: int | None = None,
    method: str = "lhs",
    credit: str = "strict",
    percentiles: Sequence[float] = (5, 50, 95, 99),
    chunk: int | None = None,
    workers: int | None = None,
    exceedance_points: int = 60,
    top: int = 20,
) -> SimulationResult:
    """Sample every uncertain parameter of *register* and summarise total harm.

    Parameters
    ----------
    register:
        The register (with the controls credited by :func:`riskcore.identify.apply_controls`).
    plan:
        If given, its mitigations and armed responses are credited instead
        (needs *catalog*).
    catalog:
        The catalog the plan's ids refer to.
    n:
        Trials.
    seed:
        Seed of this call's :class:`numpy.random.SeedSequence`; ``None`` draws
        fresh entropy, recorded in the result so the run can be repeated.
    method:
        ``"lhs"``, ``"sobol"`` (best with *n* a power of 2) or ``"random"``.
    credit:
        ``"strict"`` (only independent layers) or ``"all"`` (every safeguard).
    percentiles:
        Percentiles to report, in [0, 100] (inverted-CDF definition).
    chunk:
        Risks per chunk; default keeps each chunk near 2 million values
        (16 MB), so memory does not grow with the number of risks.
    workers:
        Threads over chunks (numpy releases the GIL); default 1, which is
        fastest on a busy machine. Results do not depend on it; *chunk* changes only the summation
        order of the total (last-bit differences).
    exceedance_points:
        Points of the loss-exceedance curve.
    top:
        Number of parameters in the sensitivity ranking.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> from riskcore.model import Case, Catalog, Practice, Professional, Severity, Threat
    >>> from riskcore.model import SubjectKind, Assessment, PERT
    >>> from riskcore.plugins import PluginManager
    >>> from riskcore.identify import identify
    >>> cat = Catalog(threats=[Threat(id="burnout", name="Burnout", category="wellbeing",
    ...     scope=SubjectKind.PROFESSIONAL, base_likelihood=PERT(low=0.1, mode=0.2, high=0.4),
    ...     impact=Severity(value=3))])
    >>> case = Case(id="c", practice=Practice(id="p"), professionals=[Professional(id="t-1")])
    >>> reg = identify(Assessment(case_id="c"), cat, case, pm=PluginManager(autoload=False))
    >>> res = simulate(reg, n=20_000, seed=1)
    >>> round(res.total.mean, 2), res.sensitivity[0].parameter
    (0.65, 'burnout:t-1:base_likelihood')
    """
    import numpy as np

    run = _prepare(register, plan, catalog, n, seed, method, credit, percentiles)
    specs, gens, qs, engine, offsets = (
        run.specs,
        run.gens,
        run.qs,
        run.engine,
        run.offsets,
    )
    seed_used = run.seed
    size = chunk if chunk is not None else max(1, 2_000_000 // n)
    if not _is_int(size) or size < 1:
        raise FieldError("chunk", chunk, "is not an integer >= 1")
    nworkers = 1 if workers is None else workers
    if not _is_int(nworkers) or nworkers < 1:
        raise FieldError("workers", workers, "is not an integer >= 1")
    total = np.zeros(n)
    summaries: list[RiskSummary] = []
    bounds = [(s, min(s + size, len(specs))) for s in range(0, len(specs), size)]
    if nworkers == 1:
        for a, b in bounds:
            got, part = _chunk(
                specs[a:b], gens[a:b], n, method, qs, _dims(engine, offsets, a, b)
            )
            summaries.extend(got)
            total += part
    else:
        with ThreadPoolExecutor(max_workers=nworkers) as ex:
            pending: deque[Future[tuple[list[RiskSummary], NDArray[np.float64]]]] = (
                deque()
            )

            def drain() -> None:
                got, part = pending.popleft().result()
                summaries.extend(got)
                total.__iadd__(part)

            for a, b in bounds:
                pending.append(
                    ex.submit(
                        _chunk,
                        specs[a:b],
                        gens[a:b],
                        n,
                        method,
                        qs,
                        _dims(engine, offsets, a, b),
                    )
                )
                if len(pending) > nworkers:
                    drain()
            while pending:
                drain()
    total.sort()
    tot = _summary(total, qs)
    swings, t0 = _tornado(
        [(sp.risk, _uncertain(sp)) for sp in specs],
        lambda k, ov: _point(specs[k], ov),
    )
    return SimulationResult(
        method_version=calculus.METHOD_VERSION,
        seed=seed_used,
        n=n,
        method=method,
        credit=credit,
        risks=summaries,
        total=tot,
        exceedance=_exceedance(total, exceedance_points),
        sensitivity=swings[:top],
        point_total=t0,
    )
