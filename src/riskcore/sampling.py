"""Sampling designs and inverse CDFs: the uniforms of a run and the values they give.

:func:`riskcore.simulate.simulate` and :func:`riskcore.events.simulate_events`
draw every uncertain parameter through this module. Designs (:data:`METHODS`)
span every uncertain parameter of the run, so parameters of different risks are
independent: ``"lhs"`` (one Latin hypercube whose columns are the parameters,
each with its own random permutation of the strata, the design of
:class:`scipy.stats.qmc.LatinHypercube`), ``"sobol"`` (one scrambled Sobol'
engine of :mod:`scipy.stats.qmc` with one dimension per parameter, at most
:data:`SOBOL_MAX_DIM`; columns generated on demand) or ``"random"``.

Uniforms go through inverse CDFs (:func:`ppf`): closed forms for uniform,
triangular and log-normal; for PERT and beta a tabulated inverse (8192 cells,
linear within a cell, built from the integrated density when both shapes are
≥ 1 and from exact :func:`scipy.special.betaincinv` nodes otherwise; the outer
16 cells at each end use log-scale tail tables computed with exact
``betaincinv``; quantile error below 1e-4 of the range, checked against scipy
in the tests). A table from exact nodes is checked against ``betaincinv``
between its nodes when it is built; where it misses by more than 5e-5 of the
range (very small shapes) the exact ``betaincinv`` is used instead.

numpy and scipy are imported inside the functions: ``import riskcore`` does
not load them.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

from riskcore.model.distributions import (
    PERT,
    Beta,
    Distribution,
    LogNormal,
    Triangular,
    Uniform,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["METHODS", "SOBOL_MAX_DIM", "ppf"]

METHODS = ("lhs", "sobol", "random")
"""Sampling designs accepted by :func:`riskcore.simulate.simulate`."""

_K = 8192  # cells of a tabulated inverse CDF
_M = 4097  # nodes of the integrated density

# ------------------------------------------------------------------ inverse CDFs


def _pert_shapes(d: PERT) -> tuple[float, float]:
    r = d.high - d.low
    return 1 + d.gamma * (d.mode - d.low) / r, 1 + d.gamma * (d.high - d.mode) / r


_TAIL = 16  # cells at each end of the table handled by the tail tables
_T = 64  # nodes of each tail table
_TMIN = -60 * math.log(2)  # log of the smallest tail probability tabulated
_CHECK = 5e-5  # largest interpolation error (of the range) of a table from exact nodes


@functools.lru_cache(maxsize=4096)
def _beta_table(a: float, b: float) -> tuple[NDArray[np.float64], ...]:
    """Tables of the Beta(a, b) inverse CDF, or ``()`` where they are not accurate.

    The body is a uniform grid of ``_K`` cells; each tail
    (``u < _TAIL/_K`` or ``u > 1 - _TAIL/_K``) is a table of
    ``log Q`` (resp. ``log(1 - Q)``) against ``log u`` (resp. ``log(1 - u)``),
    nearly linear there, computed with exact :func:`scipy.special.betaincinv`.
    For a, b >= 1 the body is built by integrating the density (trapezoid
    rule on ``_M`` nodes) and inverting it. If a shape is below 1 the density
    is infinite at an end: the body nodes are exact ``betaincinv`` values and
    the tables are checked against it at the midpoints between their nodes;
    if they miss by more than ``_CHECK`` of the range anywhere, ``()`` tells
    the caller to use the exact inverse.
    """
    import numpy as np
    from scipy import special

    grid = np.linspace(0.0, 1.0, _K + 1)
    exact_nodes = a < 1 or b < 1
    if exact_nodes:
        tab = special.betaincinv(a, b, grid)
    else:
        x = np.linspace(0.0, 1.0, _M)
        dens = np.power(x, a - 1.0) * np.power(1.0 - x, b - 1.0)
        cdf = np.empty(_M)
        cdf[0] = 0.0
        np.cumsum((dens[1:] + dens[:-1]) * 0.5, out=cdf[1:])
        cdf /= cdf[-1]
        tab = np.interp(grid, cdf, x)
    slope = np.append(np.diff(tab), 0.0)
    t = np.linspace(_TMIN, math.log(_TAIL / _K), _T)
    s = np.exp(t)
    with np.errstate(divide="ignore"):
        low = np.log(special.betaincinv(a, b, s))
        high = np.log(special.betaincinv(b, a, s))
    out = (tab, slope, t, low, high)
    for arr in out:
        arr.flags.writeable = False
    if exact_nodes:
        st = np.exp((t[1:] + t[:-1]) / 2)
        u = np.concatenate([grid[_TAIL:-_TAIL] + 0.5 / _K, st, 1.0 - st])
        got = np.empty(u.shape[0])
        _table_into(out, u.copy(), got, _Work(u.shape[0]))
        if np.max(np.abs(got - special.betaincinv(a, b, u))) > _CHECK:
            return ()
    return out


class _Work:
    """Buffers reused across parameters and risks of one chunk (no per-draw allocation)."""

    def __init__(self, n: int) -> None:
        import numpy as np

        self.n = n
        self.u = np.empty(n)
        self.tmp = np.empty(n)
        self.imp = np.empty(n)
        self.idx = np.empty(n, dtype=np.intp)
        self.mask = np.empty(n, dtype=bool)
        self._perm: NDArray[np.float64] | None = None
        self._arange: NDArray[np.float64] | None = None

    def head(self, m: int) -> _Work:
        """A work area of size *m* (<= ``n``) on the first *m* entries of these buffers."""
        w = _Work.__new__(_Work)
        w.n = m
        w.u, w.tmp, w.imp = self.u[:m], self.tmp[:m], self.imp[:m]
        w.idx, w.mask = self.idx[:m], self.mask[:m]
        w._perm = w._arange = None
        return w

    def permutation(self, gen: np.random.Generator) -> NDArray[np.float64]:
        """A random permutation of 0..n-1 as floats, in a reused buffer."""
        import numpy as np

        if self._perm is None or self._arange is None:
            self._perm = np.empty(self.n)
            self._arange = np.arange(self.n, dtype=float)
        np.copyto(self._perm, self._arange)
        gen.shuffle(self._perm)
        return self._perm


def _beta_into(
    a: float, b: float, u: NDArray[np.float64], out: NDArray[np.float64], w: _Work
) -> None:
    """Beta(a, b) quantiles of *u* into *out* (*u* is overwritten)."""
    from scipy import special

    tables = _beta_table(a, b)
    if not tables:
        special.betaincinv(a, b, u, out=out)
        return
    _table_into(tables, u, out, w)


def _table_into(
    tables: tuple[NDArray[np.float64], ...],
    u: NDArray[np.float64],
    out: NDArray[np.float64],
    w: _Work,
) -> None:
    """Quantiles of *u* from :func:`_beta_table`'s *tables* into *out* (*u* is overwritten)."""
    import numpy as np

    tab, slope, t, low, high = tables
    i = w.idx
    np.multiply(u, _K, out=u)
    np.copyto(i, u, casting="unsafe")  # floor, as u >= 0
    np.minimum(i, _K, out=i)
    # cells 0.._TAIL-1 and K-_TAIL..K go to the tail tables
    np.subtract(i, _TAIL, out=i)
    np.greater_equal(i.view(np.uintp), _K - 2 * _TAIL, out=w.mask)
    np.add(i, _TAIL, out=i)
    tail = np.flatnonzero(w.mask)
    ut = u[tail] / _K
    u -= i
    # mode="clip": no bounds check and no buffering of *out* (i is in [0, K])
    np.take(slope, i, out=out, mode="clip")
    out *= u
    np.take(tab, i, out=u, mode="clip")
    out += u
    if tail.size:
        lower = ut < 0.5
        lt = np.log(np.maximum(np.where(lower, ut, 1.0 - ut), 2.0**-60))
        out[tail] = np.where(
            lower, np.exp(np.interp(lt, t, low)), -np.expm1(np.interp(lt, t, high))
        )


def _ppf_into(
    d: Distribution, u: NDArray[np.float64], out: NDArray[np.float64], w: _Work
) -> None:
    """Quantiles of *d* at *u* into *out*; *u* is used as scratch."""
    import numpy as np
    from scipy import special

    if isinstance(d, (PERT, Beta)):
        ab = _pert_shapes(d) if isinstance(d, PERT) else (d.alpha, d.beta)
        _beta_into(ab[0], ab[1], u, out, w)
        out *= d.high - d.low
        out += d.low
    elif isinstance(d, Uniform):
        np.multiply(u, d.high - d.low, out=out)
        out += d.low
    elif isinstance(d, Triangular):
        r = d.high - d.low
        c = (d.mode - d.low) / r
        left = d.low + np.sqrt(u * r * (d.mode - d.low))
        right = d.high - np.sqrt((1 - u) * r * (d.high - d.mode))
        np.copyto(out, np.where(u < c, left, right))
    elif isinstance(d, LogNormal):
        # (n - 1 + U) / n can round to 1, which would give inf
        np.minimum(u, 1.0 - 2.0**-53, out=u)
        special.ndtri(u, out=out)
        out *= d.sigma
        out += d.mu
        np.exp(out, out=out)
    else:  # pragma: no cover
        raise TypeError(f"unsupported distribution {type(d).__name__}")


def ppf(d: Distribution, u: NDArray[np.float64]) -> NDArray[np.float64]:
    """Inverse CDF of *d* at uniforms *u* (a 1-d array in [0, 1]; not modified).

    Examples
    --------
    >>> import numpy as np
    >>> from riskcore.model import PERT, Triangular
    >>> np.round(ppf(Triangular(low=0, mode=1, high=2), np.array([0.5, 0.125])), 6)
    array([1. , 0.5])
    >>> float(np.round(ppf(PERT(low=0, mode=0.5, high=1), np.array([0.5]))[0], 6))
    0.5
    """
    import numpy as np

    w = _Work(len(u))
    np.copyto(w.u, u)
    out = np.empty(len(u))
    _ppf_into(d, w.u, out, w)
    return out


def _exact_ppf(d: Distribution, q: float) -> float:
    import numpy as np
    from scipy import special

    if isinstance(d, PERT):
        a, b = _pert_shapes(d)
        return float(d.low + (d.high - d.low) * special.betaincinv(a, b, q))
    if isinstance(d, Beta):
        return float(d.low + (d.high - d.low) * special.betaincinv(d.alpha, d.beta, q))
    return float(ppf(d, np.array([q]))[0])


# ------------------------------------------------------------------ designs

SOBOL_MAX_DIM = 21201
"""Most uncertain parameters one ``method="sobol"`` run can hold (scipy's limit)."""


class _Sobol:
    """One scrambled Sobol' point set over *all* uncertain parameters of a run.

    The engine is :class:`scipy.stats.qmc.Sobol` with ``d`` = number of
    uncertain parameters (LMS + digital shift scrambling, one independent
    scramble per dimension). Column *j* is generated on demand from that
    dimension's scrambled direction numbers, in the engine's Gray-code order,
    so a chunk of risks never needs the whole ``n × d`` matrix; the columns are
    exactly those of ``engine.random(n)`` (checked in the tests). Because every
    parameter has its own dimension, parameters of different risks are
    independent, as they should be.
    """

    def __init__(self, d: int, gen: np.random.Generator) -> None:
        from scipy.stats import qmc

        eng = qmc.Sobol(d=d, scramble=True, rng=gen)
        # scipy keeps the scrambled direction numbers and the shift here; the
        # exactness test in tests/test_simulate.py fails if that ever changes
        self.sv = eng._sv.copy()
        self.shift = eng._shift.copy()
        self.scale = eng._scale

    def column(self, j: int, out: NDArray[np.float64]) -> None:
        """Dimension *j* of the first ``len(out)`` points, as floats in [0, 1), into *out*."""
        import numpy as np

        n = out.shape[0]
        x = np.empty(n, dtype=self.sv.dtype)
        x[0] = self.shift[j]
        k, h = 0, 1
        # Gray-code order: x[h + i] = x[h - 1 - i] ^ v_k for i < h (h = 2^k)
        while h < n:
            m = min(h, n - h)
            np.bitwise_xor(x[h - m : h][::-1], self.sv[j, k], out=x[h : h + m])
            k, h = k + 1, 2 * h
        np.multiply(x, self.scale, out=out)


def _uniforms(
    j: int,
    method: str,
    gen: np.random.Generator,
    w: _Work,
    sobol: tuple[_Sobol, int] | None = None,
) -> NDArray[np.float64]:
    """Uniforms of a risk's parameter *j* under design *method*, in ``w.u``.

    *gen* is the risk's stream; *sobol* is the run's engine and the risk's
    first dimension.
    """
    u = w.u
    if method == "random":
        gen.random(out=u)
    elif method == "lhs":
        # a column of the run's Latin hypercube: its own random permutation
        # of the strata (from this risk's stream), so columns are independent
        gen.random(out=u)
        u += w.permutation(gen)
        u /= w.n
    else:
        assert sobol is not None
        sobol[0].column(sobol[1] + j, u)
    return u
