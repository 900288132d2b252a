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
from attrs import frozen

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

__all__ = ["Own", "own_columns", "risk_columns", "vectorised_columns"]


@frozen(kw_only=True, eq=False)
class Own:
    """What a row's own answers give, before the risk figures: the reasons it
    is incomplete (``(why, mask)``), its critical findings by category, the
    instruments it was screened with (masks), and each threat's factor
    columns in the object path's order."""

    reasons: list[tuple[str, Any]]
    critical: dict[str, Any]
    present: dict[str, Any]
    by_threat: dict[str, list[Any]]


def vectorised_columns(
    schema: Schema,
    cols: dict[str, Any],
    results: Mapping[str, ColumnarResult],
    administered: Mapping[str, Any],
    contributions: Sequence[tuple[str, BatchContribution]],
) -> None:
    """Fill *cols* from the instrument *results* and the plugins' *contributions*."""
    own = own_columns(schema, cols, results, administered, contributions)
    risk_columns(schema, cols, own)


def own_columns(
    schema: Schema,
    cols: dict[str, Any],
    results: Mapping[str, ColumnarResult],
    administered: Mapping[str, Any],
    contributions: Sequence[tuple[str, BatchContribution]],
) -> Own:
    """Fill the score, band and flag columns of *cols*; the rest for
    :func:`risk_columns`."""
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
    return Own(reasons=reasons, critical=critical, present=present, by_threat=by_threat)


def risk_columns(schema: Schema, cols: dict[str, Any], own: Own) -> None:
    """Fill ``incomplete``, the factor and the risk columns of *cols* from
    *own* (a row's own answers, or a subject's history as of the row)."""
    n = len(cols["subject"])
    reasons, critical, present = own.reasons, own.critical, own.present
    by_threat = own.by_threat
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
        return _strings([""], np.zeros(n, dtype=np.intp))
    pos = {why: i for i, why in enumerate(names)}
    if len(names) <= 63:  # one integer per row, its bits the reasons: a 1-D unique
        keys = np.zeros(n, dtype=np.uint64)
        for why, mask in reasons:
            np.bitwise_or(
                keys, np.uint64(1) << np.uint64(pos[why]), out=keys, where=mask
            )
        if not keys.any():  # no row has a reason (complete answers)
            return _strings([""], np.zeros(n, dtype=np.intp))
        inverse, uniq_keys = pd.factorize(keys)  # hashing: no sort
        rows = [[j for j in range(len(names)) if int(k) >> j & 1] for k in uniq_keys]
    else:
        bits = np.zeros((n, len(names)), dtype=bool)
        for why, mask in reasons:
            bits[:, pos[why]] |= mask
        uniq, inverse = np.unique(bits, axis=0, return_inverse=True)
        rows = [list(np.flatnonzero(row)) for row in uniq]
    return _strings(["; ".join(names[j] for j in row) for row in rows], inverse)


def _strings(text: list[str], inverse: Any) -> Any:
    """``text[inverse]`` as the frame's string column (Arrow ``take``: no
    Python string per row), or pandas' own conversion where its ``string``
    dtype is not Arrow-backed.

    >>> import numpy as np
    >>> list(_strings(["", "a"], np.array([1, 0, 1])))
    ['a', '', 'a']
    """
    want = pd.StringDtype()
    codes = np.asarray(inverse).reshape(-1)
    if want.storage == "pyarrow":
        import pyarrow as pa

        out = pd.array(pa.array(text, pa.large_string()).take(codes), dtype=want)
        if out.dtype == want:
            return out
    return pd.array(np.array(text, dtype=object)[codes], dtype=want)  # pragma: no cover


def _levels(schema: Schema, t: Any, rid: str, k: Any, crit: Any) -> tuple[Any, Any]:
    """Likelihood and shown level per row, from the combined odds ratio *k*:
    the object path's functions, called once per distinct *k*."""
    uniform = len(k) > 0 and bool((k == k[0]).all())  # often: no factor
    inverse, uniq = (None, k[:1]) if uniform else pd.factorize(k)  # hashing: no sort
    lik = np.empty(len(uniq))
    plain = np.empty(len(uniq), dtype=np.int16)
    lifted = np.empty(len(uniq), dtype=np.int16)
    rank = {name: i for i, name in enumerate(schema.levels)}
    for j, kk in enumerate(uniq):
        point = inherent_point(t, [float(kk)], schema.matrix, risk=rid)
        lik[j] = point.likelihood
        plain[j] = rank[shown_level(point.level, False, schema.matrix)]
        lifted[j] = rank[shown_level(point.level, True, schema.matrix)]
    if inverse is None:  # one value: no gather
        return np.full(len(k), lik[0]), np.where(crit, lifted[0], plain[0])
    table = np.stack([plain, lifted], axis=1).reshape(-1)  # row j: plain, lifted
    return lik[inverse], table[inverse * 2 + crit]
