"""The compile step: an :class:`~riskcore.instruments.spec.InstrumentSpec`
checked as a whole and resolved to the plan both scoring paths read.

A spec's parts check their own fields (:mod:`riskcore.instruments.spec_parts`);
what needs the whole spec (every reference names an item, bands cover each
scale's range, each flag code is used once) is checked here, once, when the
spec is built, and the result is a :class:`_Plan` of index tuples and
precomputed extremes (internal).

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.instruments.spec_parts import Band, Loinc, Scale, Transform
from riskcore.model.assessment import Flag

if TYPE_CHECKING:
    from riskcore.instruments.spec import InstrumentSpec


@frozen
class _ScalePlan:
    """A scale resolved against its instrument (internal, precomputed)."""

    name: str
    index: tuple[int, ...]
    n: int
    mean: bool
    max_missing: int
    factor: float
    higher_is_worse: bool
    minimum: float
    maximum: float
    cuts: tuple[float, ...]  # lower bounds of bands 2..m
    labels: tuple[str, ...]
    pick: Callable[[Sequence[Any]], Sequence[Any]] = field(repr=False, eq=False)
    """Selects the scale's items from a list in spec order (C-speed)."""
    flags: tuple[Flag | None, ...] = ()
    """The flag of each band (``None``: no flag); empty if no band has one."""


def _picker(
    index: tuple[int, ...], n_items: int
) -> Callable[[Sequence[Any]], Sequence[Any]]:
    if index == tuple(range(n_items)):
        return _identity
    if len(index) == 1:
        return functools.partial(_pick_one, index[0])
    return operator.itemgetter(*index)


def _pick_one(j: int, seq: Sequence[Any]) -> Sequence[Any]:
    return (seq[j],)


def _identity(seq: Sequence[Any]) -> Sequence[Any]:
    return seq


@frozen
class _Plan:
    ids: tuple[str, ...]
    pos: dict[str, int]
    lo: tuple[int, ...]
    hi: tuple[int, ...]
    rev: tuple[bool, ...]
    rows: tuple[tuple[str, int, int, bool], ...]  # (id, min, max, reversed)
    intercept: float | None  # None: no transform
    slope: float
    scales: tuple[_ScalePlan, ...]
    critical: tuple[tuple[int, int, Flag, Flag | None], ...]
    invalid_flags: tuple[Flag, ...]  # of each critical item, in the same order
    band_flags: tuple[tuple[str, int, Flag], ...] = ()  # (scale, band, flag)


def compile_spec(spec: InstrumentSpec) -> _Plan:
    """Check *spec* as a whole and resolve it to its scoring plan (internal;
    :class:`~riskcore.instruments.spec.InstrumentSpec` calls it once, when built).

    Raises :class:`~riskcore.errors.FieldError` naming the first field that is
    wrong, in this order: items, references (reverse, transform, LOINC, skips),
    scales and bands, reliability, critical items, flag codes.
    """
    if not spec.items:
        raise FieldError("items", (), "is empty")
    ids = tuple(i.id for i in spec.items)
    pos = {k: j for j, k in enumerate(ids)}
    if len(pos) != len(ids):
        dup = next(k for k in ids if ids.count(k) > 1)
        raise FieldError("items", dup, "is listed twice")
    _check_references(spec, pos)
    lo = tuple(i.minimum for i in spec.items)
    hi = tuple(i.maximum for i in spec.items)
    _check_skips(spec, pos, lo, hi)
    rev_set = set(spec.reverse)
    rev = tuple(k in rev_set for k in ids)
    t = spec.transform
    plans = _scale_plans(spec, ids, pos, lo, hi)
    names = [sp.name for sp in plans]
    for r in spec.reliability:
        if r.scale not in names:
            raise FieldError(
                "reliability.scale", r.scale, "is not a scale of this instrument"
            )
    codes: set[str] = set()
    critical, invalid_flags = _critical_rows(spec, pos, lo, hi, codes)
    band_flags = []
    for sp in plans:
        for b, f in enumerate(sp.flags):
            if f is None:
                continue
            if f.code in codes:
                raise FieldError(f"bands.{sp.name}.flag", f.code, "is used twice")
            codes.add(f.code)
            band_flags.append((sp.name, b, f))
    return _Plan(
        ids=ids,
        pos=pos,
        lo=lo,
        hi=hi,
        rev=rev,
        rows=tuple(zip(ids, lo, hi, rev, strict=True)),
        intercept=None if t is None else t.intercept,
        slope=1.0 if t is None else t.slope,
        scales=tuple(plans),
        critical=tuple(critical),
        invalid_flags=tuple(invalid_flags),
        band_flags=tuple(band_flags),
    )


def _check_references(spec: InstrumentSpec, pos: dict[str, int]) -> None:
    """Reverse-keyed and LOINC item ids name items; transform and LOINC types."""
    for k in spec.reverse:
        if k not in pos:
            raise FieldError("reverse", k, "is not an item of this instrument")
    if spec.transform is not None and not isinstance(spec.transform, Transform):
        raise FieldError("transform", spec.transform, "is not a Transform")
    if spec.loinc is not None:
        if not isinstance(spec.loinc, Loinc):
            raise FieldError("loinc", spec.loinc, "is not a Loinc")
        for k in spec.loinc.items:
            if k not in pos:
                raise FieldError("loinc.items", k, "is not an item of this instrument")


def _check_skips(
    spec: InstrumentSpec,
    pos: dict[str, int],
    lo: tuple[int, ...],
    hi: tuple[int, ...],
) -> None:
    """Each skip names items, and its score and gate codes are in range."""
    for n_skip, sk in enumerate(spec.skips):
        for name, ref in (("item", sk.item), ("gate", sk.gate)):
            if ref not in pos:
                raise FieldError(
                    f"skips[{n_skip}].{name}",
                    ref,
                    "is not an item of this instrument",
                )
        j, g = pos[sk.item], pos[sk.gate]
        if not lo[j] <= sk.score <= hi[j]:
            raise FieldError(
                f"skips[{n_skip}].score", sk.score, f"is not in [{lo[j]}, {hi[j]}]"
            )
        for gate_code in sk.when:
            if not lo[g] <= gate_code <= hi[g]:
                raise FieldError(
                    f"skips[{n_skip}].when",
                    gate_code,
                    f"is not in [{lo[g]}, {hi[g]}]",
                )


def _scale_plans(
    spec: InstrumentSpec,
    ids: tuple[str, ...],
    pos: dict[str, int],
    lo: tuple[int, ...],
    hi: tuple[int, ...],
) -> list[_ScalePlan]:
    """The total (if any) and the subscales, resolved: items, rule, extremes
    and bands."""
    scales = ([Scale(name="total", items=ids)] if spec.total else []) + list(
        spec.subscales
    )
    if not scales:
        raise FieldError(
            "subscales", (), "is empty and total is false: nothing to score"
        )
    names = [s.name for s in scales]
    for s in scales:
        if names.count(s.name) > 1:
            raise FieldError(
                "subscales", s.name, "is defined twice ('total' is reserved)"
            )
    for key in spec.bands:
        if key not in names:
            raise FieldError("bands", key, "is not a scale of this instrument")
    t = spec.transform
    plans = []
    for s in scales:
        for k in s.items:
            if k not in pos:
                raise FieldError(
                    f"subscales.{s.name}", k, "is not an item of this instrument"
                )
        index = tuple(pos[k] for k in s.items)
        n = len(index)
        mm = spec.max_missing if s.max_missing is None else s.max_missing
        if mm >= n:
            raise FieldError(
                f"max_missing ({s.name})",
                mm,
                f"must be below the scale's {n} items",
            )
        mean = (s.method or spec.method) == "mean"
        # The extremes the engine itself can compute, with its own formula
        # (scoring rules 2-5), so a value can never fall outside them by a
        # rounding step: e.g. with intercept -1/3, the sum of the items'
        # transformed maxima is 3.333333333333333 while the engine's
        # intercept * 2 + slope * 4 is 3.3333333333333335. For each allowed
        # count c of answered items the value is monotone in the code sum
        # (each floating-point step is), so its extremes are at the c
        # smallest minima and the c largest maxima.
        low = sorted(lo[j] for j in index)
        high = sorted((hi[j] for j in index), reverse=True)
        ends = [
            scale_value(c, sum(codes[:c]), n, mean, t)
            for c in range(max(n - mm, 1), n + 1)
            for codes in (low, high)
        ]
        vmin, vmax = min(ends), max(ends)
        vmin, vmax = vmin * s.factor, vmax * s.factor
        cuts, labels = _check_bands(spec, s.name, vmin, vmax)
        bflags = tuple(b.flag for b in spec.bands.get(s.name, ()))
        if all(f is None for f in bflags):
            bflags = ()
        hiw = spec.higher_is_worse if s.higher_is_worse is None else s.higher_is_worse
        plans.append(
            _ScalePlan(
                s.name,
                index,
                n,
                mean,
                mm,
                s.factor,
                hiw,
                vmin,
                vmax,
                cuts,
                labels,
                _picker(index, len(ids)),
                bflags,
            )
        )
    return plans


def _critical_rows(
    spec: InstrumentSpec,
    pos: dict[str, int],
    lo: tuple[int, ...],
    hi: tuple[int, ...],
    codes: set[str],
) -> tuple[list[tuple[int, int, Flag, Flag | None]], list[Flag]]:
    """Each critical item resolved to ``(index, threshold, flag, unanswered
    flag)``, and its invalid-answer flag; each flag code is added to *codes*
    (used once)."""
    critical = []
    invalid_flags = []
    for c in spec.critical:
        if c.item not in pos:
            raise FieldError(
                "critical.item", c.item, "is not an item of this instrument"
            )
        j = pos[c.item]
        if not lo[j] < c.threshold <= hi[j]:
            raise FieldError(
                f"critical.{c.item}.threshold",
                c.threshold,
                f"is not in ({lo[j]}, {hi[j]}]",
            )
        invalid = c.invalid_flag
        for code in (c.code, c.unanswered_code, invalid.code):
            if code is not None:
                if code in codes:
                    raise FieldError("critical.code", code, "is used twice")
                codes.add(code)
        critical.append((j, c.threshold, c.flag, c.unanswered_flag))
        invalid_flags.append(invalid)
    return critical, invalid_flags


def scale_value(
    c: int, code_sum: int, n: int, mean: bool, t: Transform | None
) -> float:
    """A scale's value from *c* answered items whose codes sum to *code_sum*,
    as :func:`~riskcore.instruments.score_items` computes it (before the
    factor): scoring rules 3 and 4 of :mod:`riskcore.instruments.spec`.

    >>> scale_value(9, 12, 9, False, None), scale_value(8, 12, 9, False, None)
    (12.0, 13.5)
    """
    r = float(code_sum) if t is None else t.intercept * c + t.slope * code_sum
    if mean:
        return r / c
    return r if c == n else r / c * n


def _check_bands(
    spec: InstrumentSpec, name: str, vmin: float, vmax: float
) -> tuple[tuple[float, ...], tuple[str, ...]]:
    bands = spec.bands.get(name, ())
    if not bands:
        return (), ()
    where = f"bands.{name}"
    for i, b in enumerate(bands):
        if not isinstance(b, Band):
            raise FieldError(f"{where}[{i}]", b, "is not a Band")
    labels = [b.label for b in bands]
    if len(set(labels)) != len(labels):
        raise FieldError(where, labels, "has duplicate labels")
    first, last = bands[0], bands[-1]
    if first.lower is not None and first.lower > vmin:
        raise FieldError(f"{where}[0].lower", first.lower, f"leaves {vmin:g} unbanded")
    if last.upper is not None and last.upper <= vmax:
        raise FieldError(
            f"{where}[{len(bands) - 1}].upper",
            last.upper,
            f"leaves {vmax:g} unbanded (intervals are half-open [lower, upper))",
        )
    for i in range(1, len(bands)):
        prev, b = bands[i - 1], bands[i]
        if prev.upper is None or b.lower is None or prev.upper != b.lower:
            raise FieldError(
                f"{where}[{i}].lower",
                b.lower,
                f"does not continue the previous band (upper {prev.upper})",
            )
    return tuple(float(b.lower) for b in bands[1:]), tuple(labels)  # type: ignore[arg-type]
