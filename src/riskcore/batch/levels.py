"""The vectorised path's columns: scores, flags, and each threat's risk level.

:func:`vectorised_columns` combines the instrument results and the plugins'
contributions the way the object path does (the same functions of
:mod:`riskcore.identify`, called once per distinct value). Internal to
:mod:`riskcore.batch`.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from riskcore.batch.schema import Schema
from riskcore.batch.types import BatchContribution
from riskcore.critical import flag_categories
from riskcore.identify import (
    credits,
    inherent_point,
    risk_id,
    shown_level,
    unscreened_odds_ratio,
)
from riskcore.instruments import InstrumentSpec
from riskcore.instruments.columnar import ColumnarResult
from riskcore.model import FlagLevel

__all__ = ["vectorised_columns"]


def vectorised_columns(
    schema: Schema,
    cols: dict[str, Any],
    results: Mapping[str, ColumnarResult],
    administered: Mapping[str, Any],
    contributions: Sequence[tuple[str, BatchContribution]],
) -> None:
    """Fill *cols* from the instrument *results* and the plugins' *contributions*."""
    n = len(cols["subject"])
    reasons: list[tuple[str, Any]] = [
        (why, np.ones(n, dtype=bool)) for why in schema.load_failures
    ]
    critical: dict[str, Any] = {}
    present: dict[str, Any] = dict(administered)

    def lift(code: str, mask: Any) -> None:
        for cats in flag_categories(code, declared=schema.lifts):
            for c in cats:
                critical[c] = critical.get(c, np.zeros(n, dtype=bool)) | mask

    for inst, r in results.items():
        spec = schema.specs[inst]
        adm = administered[inst]
        cols[f"{inst}.administered"] = adm
        for name in spec.scale_names:
            ok = r.complete[name] & adm
            cols[f"{inst}.{name}"] = np.where(adm, r.values[name], np.nan)
            cols[f"{inst}.{name}.complete"] = ok
            reasons.append((f"{inst}.{name} incomplete", adm & ~r.complete[name]))
            if f"{inst}.{name}.band" in cols:
                cols[f"{inst}.{name}.band"] = np.where(
                    adm, r.band_codes[name], -1
                ).astype(np.int16)
        level = _flag_levels(spec)
        for code in schema.flag_codes[inst]:
            mask = r.flags[code] & adm
            cols[f"flag.{code}"] = mask
            if level[code] is FlagLevel.CRITICAL:
                lift(code, mask)
    by_threat: dict[str, list[Any]] = {}
    for _, c in contributions:
        for s in c.scores:
            key = s.instrument
            present[key] = present.get(key, np.zeros(n, dtype=bool)) | s.present
            reasons.append(
                (f"{s.instrument}.{s.scale} incomplete", s.present & ~s.complete)
            )
        for fl in c.flags:
            name = f"flag.{fl.flag.code}"
            if name in cols:
                cols[name] = cols[name] | fl.rows
            if fl.flag.level is FlagLevel.CRITICAL:
                lift(fl.flag.code, fl.rows)
        for b in c.bands:
            name = f"{b.instrument}.{b.scale}.band"
            if name in cols:
                pos = schema.specs[b.instrument].scale(b.scale).labels.index(b.label)
                cols[name] = np.where(b.rows, pos, cols[name]).astype(np.int16)
        for f in c.factors:
            by_threat.setdefault(f.threat, []).append(f.odds_ratio)
    incomplete = np.zeros(n, dtype=bool)
    for _, mask in reasons:
        incomplete |= mask
    cols["incomplete"] = incomplete
    cols["incomplete.reasons"] = _reason_strings(reasons, n)
    none = np.zeros(n, dtype=bool)
    for t in schema.threats:
        rid = risk_id(t.id, "batch")
        ors: list[Any] = []
        inc = incomplete
        if t.screened_by:
            screened = np.zeros(n, dtype=bool)
            for i in t.screened_by:
                screened |= present.get(i, none)
            inc = incomplete | ~screened
            u = unscreened_odds_ratio(t)
            if u > 1.0:
                ors.append(np.where(screened, 1.0, u))
        ors += by_threat.get(t.id, [])
        k = np.ones(n)
        for r in ors:  # in the object path's order: the same products
            k = k * np.where(credits(r, inc), r, 1.0)
        crit = critical.get(t.category, none)
        lik, level = _levels(schema, t, rid, k, crit)
        cols[f"factor.{t.id}"] = k
        cols[f"risk.{t.id}.likelihood"] = lik
        cols[f"risk.{t.id}.level"] = level
        cols[f"risk.{t.id}.critical"] = crit
        cols[f"risk.{t.id}.incomplete"] = inc


def _flag_levels(spec: InstrumentSpec) -> dict[str, FlagLevel]:
    out: dict[str, FlagLevel] = {}
    for (_, _, f, u), inv in zip(
        spec._plan.critical, spec._plan.invalid_flags, strict=True
    ):
        for x in (f, u, inv):
            if x is not None:
                out[x.code] = x.level
    for _, _, f in spec._plan.band_flags:
        out[f.code] = f.level
    return out


def _reason_strings(reasons: Sequence[tuple[str, Any]], n: int) -> Any:
    """``"; "``-joined distinct reasons per row (sorted), computed once per
    distinct combination of reasons."""
    names = sorted({why for why, _ in reasons})
    if not names:
        return np.full(n, "", dtype=object)
    pos = {why: i for i, why in enumerate(names)}
    bits = np.zeros((n, len(names)), dtype=bool)
    for why, mask in reasons:
        bits[:, pos[why]] |= mask
    if len(names) <= 63:  # one integer per row: a 1-D unique is much faster
        weights = np.left_shift(np.uint64(1), np.arange(len(names), dtype=np.uint64))
        keys = (bits * weights).sum(axis=1, dtype=np.uint64)
        inverse, uniq_keys = pd.factorize(keys)  # hashing: no sort
        rows = [[j for j in range(len(names)) if int(k) >> j & 1] for k in uniq_keys]
    else:
        uniq, inverse = np.unique(bits, axis=0, return_inverse=True)
        rows = [list(np.flatnonzero(row)) for row in uniq]
    text = np.array(["; ".join(names[j] for j in row) for row in rows], dtype=object)
    return text[inverse.reshape(-1)]


def _levels(schema: Schema, t: Any, rid: str, k: Any, crit: Any) -> tuple[Any, Any]:
    """Likelihood and shown level per row, from the combined odds ratio *k*:
    the object path's functions, called once per distinct *k*."""
    inverse, uniq = pd.factorize(k)  # hashing: no sort
    lik = np.empty(len(uniq))
    plain = np.empty(len(uniq), dtype=np.int16)
    lifted = np.empty(len(uniq), dtype=np.int16)
    rank = {name: i for i, name in enumerate(schema.levels)}
    for j, kk in enumerate(uniq):
        point = inherent_point(t, [float(kk)], schema.matrix, risk=rid)
        lik[j] = point.likelihood
        plain[j] = rank[shown_level(point.level, False, schema.matrix)]
        lifted[j] = rank[shown_level(point.level, True, schema.matrix)]
    return lik[inverse], np.where(crit, lifted[inverse], plain[inverse])
