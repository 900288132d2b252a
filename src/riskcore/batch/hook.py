"""The ``riskcore_batch_factors`` hook: what plugins see of a chunk, and
checking what they give back.

Internal to :mod:`riskcore.batch`.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from riskcore.batch.schema import HOOK, Schema
from riskcore.batch.types import BatchContribution, BatchView
from riskcore.errors import PluginError
from riskcore.instruments import InstrumentSpec, reach_sums
from riskcore.instruments.columnar import ColumnarResult

__all__ = ["batch_view", "call_hook"]


def _valid(spec: InstrumentSpec, values: Any) -> Any:
    """The valid answers (NaN where unanswered, invalid or not a number)."""
    plan = spec._plan
    lo = np.asarray(plan.lo, dtype=np.float64)
    hi = np.asarray(plan.hi, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        good = (values >= lo) & (values <= hi) & (values == np.floor(values))
    return np.where(good, values, np.nan)


def batch_view(
    schema: Schema,
    n: int,
    read: Mapping[str, tuple[Any, Any, Any, Any]],
    results: Mapping[str, ColumnarResult],
    administered: Mapping[str, Any],
) -> BatchView:
    """The hook's argument: the chunk's spec results, and the valid answers
    and reachable sums computed only when a plugin asks for them."""
    empty = np.zeros(n, dtype=bool)
    answers: dict[str, Any] = {}

    def answers_of(inst: str) -> Any:  # computed when a plugin asks
        if inst not in results:
            return None
        if inst not in answers:
            raw, values = read[inst][0], read[inst][1]
            if values is None:  # all integers (reading._read_items)
                values = raw.astype(np.float64)
            if raw.dtype.kind in "iu" and bool(results[inst].valid.all()):
                answers[inst] = values  # integers all in range: all valid
            else:
                answers[inst] = _valid(schema.specs[inst], values)
            answers[inst].flags.writeable = False
        return answers[inst]

    def reaches_of(inst: str, scale: str, rows: Any) -> tuple[Any, tuple[Any, ...]]:
        codes = np.full(n, -1, dtype=np.intp)
        idx = np.flatnonzero(rows)
        valid = answers_of(inst)
        if not idx.size or valid is None:
            return codes, ()
        spec = schema.specs[inst]
        plan, members = spec._plan, list(spec.scale(scale).index)
        lo = np.array([plan.lo[j] for j in members], dtype=np.float64)
        hi = np.array([plan.hi[j] for j in members], dtype=np.float64)
        rev = np.array([plan.rev[j] for j in members], dtype=bool)
        a = valid[idx][:, members]
        miss = np.isnan(a)
        known = np.where(miss, 0.0, np.where(rev, lo + hi - a, a)).sum(axis=1)
        key = np.column_stack(
            [
                known + (miss * lo).sum(axis=1),
                known + (miss * hi).sum(axis=1),
                miss.sum(axis=1),
            ]
        ).astype(np.int64)
        uniq, inverse = np.unique(key, axis=0, return_inverse=True)
        codes[idx] = inverse.reshape(-1)
        return codes, tuple(
            reach_sums(spec, scale, int(f), int(last), int(u)) for f, last, u in uniq
        )

    return BatchView(
        kind=schema.kind,
        n=n,
        specs=schema.specs,
        results=results,
        administered=administered,
        answers=answers_of,
        empty=lambda: empty,
        reaches=reaches_of,
    )


def call_hook(
    schema: Schema,
    view: BatchView,
    *,
    strict: bool,
    send: Callable[[Any, str], None],
    failures: list[str],
) -> tuple[list[tuple[str, BatchContribution]], list[str]]:
    """``(contributions, ran)``: each plugin's valid answer, and the plugins
    that answered.

    A plugin that raises or answers wrongly is listed in *failures* and sends
    every row to the object path (or raises
    :class:`~riskcore.errors.PluginError` if *strict*); rows a contribution
    marks as fallback go to the object path too.
    """
    n = view.n
    contributions: list[tuple[str, BatchContribution]] = []
    ran: list[str] = []
    for o in schema.pm.call_each(HOOK, batch=view):
        trouble = (
            f"raised {type(o.error).__name__}"
            if o.error is not None
            else _check(o.result, n, schema)
        )
        if trouble is not None:
            msg = f"plugin {o.plugin} failed ({HOOK}: {trouble})"
            if strict:
                raise PluginError(msg) from o.error
            failures.append(msg)
            send(np.ones(n, dtype=bool), f"plugin {o.plugin} failed")
            continue
        ran.append(o.plugin)
        if o.result is not None:
            contributions.append((o.plugin, o.result))
            if o.result.fallback is not None:
                send(np.asarray(o.result.fallback, dtype=bool), f"plugin {o.plugin}")
    return contributions, ran


def _check(result: object, n: int, schema: Schema) -> str | None:
    """Why a contribution is invalid, or ``None``."""
    if result is None:
        return None
    if not isinstance(result, BatchContribution):
        return f"returned {type(result).__name__}, expected BatchContribution"
    threats = {t.id for t in schema.threats}

    def mask_ok(m: object) -> bool:
        return isinstance(m, np.ndarray) and m.dtype == bool and m.shape == (n,)

    for f in result.factors:
        if f.threat not in threats:
            return f"factor on threat {f.threat!r}, which has no risk for a {schema.kind.value}"
        r = f.odds_ratio
        if not (
            isinstance(r, np.ndarray)
            and r.shape == (n,)
            and r.dtype.kind == "f"
            and bool(np.isfinite(r).all())
            and bool((r > 0).all())
        ):
            return f"odds ratios on {f.threat!r} are not {n} finite numbers > 0"
    for s in result.scores:
        if not (mask_ok(s.present) and mask_ok(s.complete)):
            return f"score {s.instrument}.{s.scale}: masks are not {n} booleans"
    for fl in result.flags:
        if not mask_ok(fl.rows):
            return f"flag {fl.flag.code}: rows are not {n} booleans"
    for b in result.bands:
        spec = schema.specs.get(b.instrument)
        if not mask_ok(b.rows) or spec is None:
            return f"band of {b.instrument}.{b.scale} is not valid"
        if b.label not in spec.scale(b.scale).labels:
            return f"band {b.label!r} is not a band of {b.instrument}.{b.scale}"
    if result.fallback is not None and not mask_ok(result.fallback):
        return f"fallback is not {n} booleans"
    return None
