"""The cohort path's engine: one chunk of a table in, one chunk of columns out.

Internal to :mod:`riskcore.batch`; see :func:`riskcore.batch.run`. numpy and
pandas are imported here, never by ``import riskcore``.

.. versionadded:: 0.4
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from attrs import field, frozen

from riskcore.assess import assess, assessor_infos
from riskcore.batch.types import (
    BatchContribution,
    BatchView,
)
from riskcore.critical import declared_lifts, flag_categories
from riskcore.errors import BatchError, PluginError
from riskcore.identify import (
    credits,
    identify,
    inherent_point,
    risk_id,
    shown_level,
    unscreened_odds_ratio,
)
from riskcore.instruments import InstrumentSpec, reach_sums, score_array
from riskcore.instruments.columnar import ColumnarResult, _from_objects
from riskcore.model import (
    Case,
    Catalog,
    Client,
    FlagLevel,
    InstrumentResponse,
    Practice,
    Professional,
    SubjectKind,
)
from riskcore.model._fields import ID_PATTERN
from riskcore.model.risk import RiskMatrix, RiskRegister
from riskcore.plugins import PluginManager

__all__ = ["HOOK", "Chunk", "Schema", "run_chunk", "schema_for"]

HOOK = "riskcore_batch_factors"
_ASSESSOR_HOOKS = ("riskcore_assess", "riskcore_risk_factors")
_KINDS = {"client": SubjectKind.CLIENT, "professional": SubjectKind.PROFESSIONAL}


def parse_kind(kind: str | SubjectKind) -> SubjectKind:
    """``"client"`` or ``"professional"`` (the kinds a cohort row can be)."""
    value = kind.value if isinstance(kind, SubjectKind) else kind
    if value not in _KINDS:
        raise BatchError(
            f"kind {value!r} is not a kind of cohort row (client or professional)"
        )
    return _KINDS[value]


@frozen(kw_only=True, eq=False)
class Schema:
    """What a table's columns mean, and the output columns, fixed before any row
    is read (so every chunk, and every Dask partition, has the same columns)."""

    kind: SubjectKind
    specs: Mapping[str, InstrumentSpec]
    owner: Mapping[str, str]  # spec id -> plugin that declares it
    items: Mapping[str, tuple[tuple[str, str], ...]]  # instrument -> (item, column)
    id_column: str | None
    threats: tuple[Any, ...]
    flag_codes: Mapping[str, tuple[str, ...]]  # spec id -> its flag codes
    ignored: tuple[str, ...]
    levels: tuple[str, ...]
    vectorised: tuple[str, ...]  # plugins with the batch hook
    object_plugins: tuple[str, ...]  # plugins that may assess this kind, no hook
    load_failures: tuple[str, ...]
    lifts: Mapping[str, tuple[str, ...]]  # flag prefix -> categories plugins declared
    pm: PluginManager = field(repr=False)
    catalog: Catalog = field(repr=False)
    matrix: RiskMatrix = field(repr=False)

    @property
    def present_specs(self) -> list[str]:
        """The spec instruments that have columns, in column order."""
        return [i for i in self.items if i in self.specs]

    def empty_frame(self) -> pd.DataFrame:
        """A frame with the output columns and no row (Dask's ``meta``)."""
        return _frame(self, _blank(self, 0))


def schema_for(
    columns: Sequence[object],
    *,
    kind: str | SubjectKind,
    pm: PluginManager | None,
    catalog: Catalog | None,
    matrix: RiskMatrix | None,
    id_column: str | None,
) -> Schema:
    """Read the meaning of *columns*: ``<instrument>.<item>`` columns of every
    instrument an active plugin declares or assesses, the id column, and the
    rest (ignored, and listed). Defaults: the process-wide plugin manager, its
    default catalog, the default matrix."""
    from riskcore.catalog import default_catalog
    from riskcore.plugins import get_plugin_manager

    pm = pm or get_plugin_manager()
    catalog = catalog or default_catalog(pm)
    matrix = matrix or RiskMatrix.default()
    k = parse_kind(kind)
    specs: dict[str, InstrumentSpec] = {}
    owner: dict[str, str] = {}
    for o in pm.call_each("riskcore_instruments"):
        if o.error is None and o.result:
            for s in o.result:
                if isinstance(s, InstrumentSpec) and s.id not in specs:
                    specs[s.id] = s
                    owner[s.id] = o.plugin
    infos = assessor_infos(pm)
    known = set(specs)
    for info in infos.values():
        known.update(info.instruments)
    items: dict[str, list[tuple[str, str]]] = {}
    ignored: list[str] = []
    names = [str(c) for c in columns]
    if id_column is not None and id_column not in names:
        id_column = None
    for name in names:
        if name == id_column:
            continue
        inst, dot, item = name.partition(".")
        if not dot or inst not in known:
            ignored.append(name)
            continue
        if inst in specs and item not in specs[inst].item_ids:
            raise BatchError(
                f"column {name!r}: {item!r} is not an item of instrument {inst!r}"
            )
        items.setdefault(inst, []).append((item, name))
    hooked = {name for name, *_ in pm._plan(HOOK)}
    assessors = {name for h in _ASSESSOR_HOOKS for name, *_ in pm._plan(h)}
    object_plugins = tuple(
        sorted(
            p
            for p in assessors - hooked
            if p not in infos or k in infos[p].subject_kinds
        )
    )
    lift_failures: list[str] = []
    lifts = declared_lifts(
        pm,
        lambda failure, _error: lift_failures.append(
            f"plugin {failure.plugin} failed ({failure.hook})"
        ),
    )
    return Schema(
        kind=k,
        specs=specs,
        owner=owner,
        items={i: tuple(v) for i, v in items.items()},
        id_column=id_column,
        threats=tuple(t for t in catalog.threats if t.scope is k),
        flag_codes={i: specs[i].flag_codes for i in items if i in specs},
        ignored=tuple(ignored),
        levels=tuple(lv.name for lv in matrix.levels),
        vectorised=tuple(sorted(hooked)),
        object_plugins=object_plugins,
        load_failures=(
            *(f"plugin {r.name} failed (load)" for r in pm.failures),
            *lift_failures,
        ),
        lifts=lifts,
        pm=pm,
        catalog=catalog,
        matrix=matrix,
    )


@frozen(kw_only=True, eq=False)
class Chunk:
    """The answer for one chunk: output columns, rejected rows, and how each
    row was computed."""

    frame: pd.DataFrame
    rejects: list[tuple[int, str, str]]  # (row in chunk, column, problem)
    fallback: dict[str, int]
    failures: list[str]
    vectorised: tuple[str, ...]


# ------------------------------------------------------------------ reading


_ID = None


def _id_ok(s: pd.Series) -> Any:
    """Which ids (a pandas ``string`` Series) are valid identifiers."""
    return s.str.fullmatch(ID_PATTERN).fillna(False).to_numpy(dtype=bool)


def _read_items(
    df: pd.DataFrame, schema: Schema, inst: str
) -> tuple[Any, Any, Any, Any]:
    """``(raw, values, administered, nonfinite)`` of one instrument's columns.

    *raw* is what the engine and the object path read (numbers as float64,
    or objects); *values* float64 (NaN: unanswered or not a number);
    *nonfinite* flags rows holding an infinite number (the object path
    rejects those). Item columns the table lacks are unanswered.
    """
    n = len(df)
    spec = schema.specs.get(inst)
    ids = spec.item_ids if spec is not None else tuple(i for i, _ in schema.items[inst])
    by_item = dict(schema.items[inst])
    cols: list[Any] = []
    numeric = True
    for item in ids:
        col = by_item.get(item)
        if col is None:
            cols.append(None)
            continue
        s = df[col]
        if getattr(s.dtype, "kind", "O") not in "iuf":
            numeric = False
        cols.append(s)
    if numeric and all(
        s is not None and s.dtype.kind in "iu" and isinstance(s.dtype, np.dtype)
        for s in cols
    ):  # every item answered with an integer: the columnar fast path
        raw = (
            np.column_stack([s.to_numpy() for s in cols]) if cols else np.empty((n, 0))
        )
        values = raw.astype(np.float64)
        return raw, values, np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    if numeric:
        raw = np.full((n, len(ids)), np.nan)
        for j, s in enumerate(cols):
            if s is not None:
                raw[:, j] = s.to_numpy(dtype=np.float64, na_value=np.nan)
        values = raw
        missing = np.isnan(raw)
        nonfinite = np.isinf(raw).any(axis=1)
    else:
        raw = np.full((n, len(ids)), None, dtype=object)
        for j, s in enumerate(cols):
            if s is not None:
                raw[:, j] = s.to_numpy(dtype=object)
        values, not_number = _from_objects(raw)
        missing = np.isnan(values) & ~not_number
        nonfinite = np.isinf(values).any(axis=1)
    return raw, values, ~missing.all(axis=1), nonfinite


def _valid(spec: InstrumentSpec, values: Any) -> Any:
    """The valid answers (NaN where unanswered, invalid or not a number)."""
    plan = spec._plan
    lo = np.asarray(plan.lo, dtype=np.float64)
    hi = np.asarray(plan.hi, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        good = (values >= lo) & (values <= hi) & (values == np.floor(values))
    return np.where(good, values, np.nan)


# ------------------------------------------------------------------ columns


def _blank(schema: Schema, n: int) -> dict[str, Any]:
    cols: dict[str, Any] = {"subject": np.empty(n, dtype=object)}
    for inst in schema.present_specs:
        spec = schema.specs[inst]
        cols[f"{inst}.administered"] = np.zeros(n, dtype=bool)
        for name in spec.scale_names:
            cols[f"{inst}.{name}"] = np.full(n, np.nan)
            cols[f"{inst}.{name}.complete"] = np.zeros(n, dtype=bool)
            if spec.scale(name).labels:
                cols[f"{inst}.{name}.band"] = np.full(n, -1, dtype=np.int16)
        for code in schema.flag_codes[inst]:
            cols[f"flag.{code}"] = np.zeros(n, dtype=bool)
    for t in schema.threats:
        cols[f"factor.{t.id}"] = np.ones(n)
        cols[f"risk.{t.id}.likelihood"] = np.full(n, np.nan)
        cols[f"risk.{t.id}.level"] = np.full(n, -1, dtype=np.int16)
        cols[f"risk.{t.id}.critical"] = np.zeros(n, dtype=bool)
        cols[f"risk.{t.id}.incomplete"] = np.zeros(n, dtype=bool)
    cols["incomplete"] = np.zeros(n, dtype=bool)
    cols["incomplete.reasons"] = np.full(n, "", dtype=object)
    cols["path"] = np.zeros(n, dtype=np.int8)  # 0 vectorised, 1 object
    return cols


def _frame(schema: Schema, cols: dict[str, Any]) -> pd.DataFrame:
    out: dict[str, Any] = {}
    for name, v in cols.items():
        if name.endswith(".band"):
            inst, _, rest = name.partition(".")
            labels = schema.specs[inst].scale(rest[: -len(".band")]).labels
            out[name] = pd.Categorical.from_codes(
                v, categories=pd.Index(list(labels)), ordered=True
            )
        elif name.startswith("risk.") and name.endswith(".level"):
            out[name] = pd.Categorical.from_codes(
                v, categories=pd.Index(list(schema.levels)), ordered=True
            )
        elif name in ("subject", "incomplete.reasons"):
            out[name] = (
                v
                if isinstance(v, pd.api.extensions.ExtensionArray)
                else pd.array(v, dtype="string")
            )
        elif name == "path":
            out[name] = pd.Categorical.from_codes(
                v.astype(np.int8), categories=pd.Index(["vectorised", "object"])
            )
        else:
            out[name] = v
    return pd.DataFrame(out)


# ------------------------------------------------------------------ the run


def run_chunk(
    df: pd.DataFrame,
    schema: Schema,
    *,
    offset: int = 0,
    lenient: bool = False,
    strict: bool = False,
    force_object: bool = False,
    repeated: Any = None,
) -> Chunk:
    """Compute the output columns of *df* (rows numbered from *offset*).

    *repeated* marks rows whose subject id an earlier chunk had (bad rows).
    """
    n_in = len(df)
    rejects: list[tuple[int, str, str]] = []
    bad = np.zeros(n_in, dtype=bool)

    def reject(mask: Any, column: str, problem: str) -> None:
        new = mask & ~bad
        for r in np.flatnonzero(new):
            rejects.append((int(r), column, problem))
        bad[new] = True

    if schema.id_column is not None:
        ids_series = df[schema.id_column].astype("string")
        reject(~_id_ok(ids_series), schema.id_column, "is not a valid identifier")
        ids = ids_series.to_numpy(dtype=object)
        shown_ids: Any = ids_series.array  # the output column, without a copy
        dup = pd.Series(ids, dtype=object).duplicated().to_numpy() & ~bad
        if repeated is not None:
            dup |= np.asarray(repeated, dtype=bool) & ~bad
        reject(dup, schema.id_column, "repeats a subject id of an earlier row")
    else:
        ids = np.array([f"row-{offset + i}" for i in range(n_in)], dtype=object)
        shown_ids = ids
    read = {inst: _read_items(df, schema, inst) for inst in schema.items}
    for inst, (_, _, _, nonfinite) in read.items():
        if nonfinite.any():
            for r in np.flatnonzero(nonfinite & ~bad):
                item_cols = [c for _, c in schema.items[inst]]
                vals = df.iloc[int(r)][item_cols]
                col = next(
                    c
                    for c in item_cols
                    if isinstance(vals[c], (float, np.floating)) and math.isinf(vals[c])
                )
                one = np.zeros(n_in, dtype=bool)
                one[r] = True
                reject(one, col, "is not a finite number")
    rejects.sort()
    if rejects and not lenient:  # the first bad row, in row order
        first, column, problem = rejects[0]
        raise BatchError(f"row {offset + first}: column {column!r}: {problem}")
    keep = np.flatnonzero(~bad)
    if bad.any():
        df = df.iloc[keep]
        ids = ids[keep]
        shown_ids = shown_ids[keep]
        read = {
            i: (raw[keep], values[keep], adm[keep], nf[keep])
            for i, (raw, values, adm, nf) in read.items()
        }
    n = len(keep)
    cols = _blank(schema, n)
    cols["subject"] = shown_ids
    fallback_counts: dict[str, int] = {}
    failures: list[str] = []
    to_object = np.zeros(n, dtype=bool)

    def send(mask: Any, why: str) -> None:
        count = int((mask & ~to_object).sum())
        if count:
            fallback_counts[why] = fallback_counts.get(why, 0) + count
        to_object[mask] = True

    if force_object:
        send(np.ones(n, dtype=bool), "forced")
    for p in schema.object_plugins:
        send(np.ones(n, dtype=bool), f"plugin {p} has no {HOOK}")
    empty = np.zeros(n, dtype=bool)
    results: dict[str, ColumnarResult] = {}
    administered: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for inst, (raw, _, adm, _) in read.items():
        administered[inst] = adm
        spec = schema.specs.get(inst)
        if spec is None or schema.owner[inst] not in schema.vectorised:
            send(adm, f"instrument {inst} is scored by rules, not a spec")
            continue
        results[inst] = score_array(spec, raw, lenient=True)
    for arr in administered.values():
        arr.flags.writeable = False

    def answers_of(inst: str) -> Any:  # computed when a plugin asks
        if inst not in results:
            return None
        if inst not in answers:
            raw, values = read[inst][0], read[inst][1]
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

    view = BatchView(
        kind=schema.kind,
        n=n,
        specs=schema.specs,
        results=results,
        administered=administered,
        answers=answers_of,
        empty=lambda: empty,
        reaches=reaches_of,
    )
    contributions: list[tuple[str, BatchContribution]] = []
    ran: list[str] = []
    if not to_object.all():
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
                    send(
                        np.asarray(o.result.fallback, dtype=bool), f"plugin {o.plugin}"
                    )
    _vectorised(schema, cols, results, administered, contributions)
    if to_object.any():
        idx = np.flatnonzero(to_object)
        _object_rows(schema, cols, idx, ids, read, strict=strict)
        cols["path"][idx] = 1
    return Chunk(
        frame=_frame(schema, cols),
        rejects=rejects,
        fallback=fallback_counts,
        failures=failures,
        vectorised=tuple(ran),
    )


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


def _vectorised(
    schema: Schema,
    cols: dict[str, Any],
    results: Mapping[str, ColumnarResult],
    administered: Mapping[str, Any],
    contributions: Sequence[tuple[str, BatchContribution]],
) -> None:
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


# ------------------------------------------------------------------ object path


def _answer(v: object) -> object:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def object_case(
    schema: Schema,
    ids: Sequence[str],
    raws: Mapping[str, Any],
) -> Case:
    """The rows as one :class:`~riskcore.model.Case`: one subject per row (no
    clinician), one response per instrument a row answered."""
    subject_type = Client if schema.kind is SubjectKind.CLIENT else Professional
    subjects = [subject_type(id=str(s)) for s in ids]
    responses = []
    for inst, raw in raws.items():
        spec = schema.specs.get(inst)
        item_ids = (
            spec.item_ids
            if spec is not None
            else tuple(i for i, _ in schema.items[inst])
        )
        for row, sid in enumerate(ids):
            items = {k: _answer(v) for k, v in zip(item_ids, raw[row], strict=True)}
            if any(v is not None for v in items.values()):
                responses.append(
                    InstrumentResponse(instrument=inst, subject=str(sid), items=items)
                )
    kw: dict[str, Any] = (
        {"clients": subjects}
        if schema.kind is SubjectKind.CLIENT
        else {"professionals": subjects}
    )
    return Case(
        id="batch", practice=Practice(id="batch-practice"), responses=responses, **kw
    )


def _object_rows(
    schema: Schema,
    cols: dict[str, Any],
    idx: Any,
    ids: Any,
    read: Mapping[str, tuple[Any, Any, Any, Any]],
    *,
    strict: bool,
) -> None:
    """Fill rows *idx* of *cols* from the object path (assess, identify)."""
    sub_ids = [str(ids[i]) for i in idx]
    case = object_case(schema, sub_ids, {i: r[0][idx] for i, r in read.items()})
    assessment = assess(case, pm=schema.pm, strict=strict)  # strict: plugin failures
    register = identify(
        assessment, schema.catalog, case, pm=schema.pm, matrix=schema.matrix
    )
    if strict and register.failures:  # as on vectorised rows: an incomplete
        raise PluginError(register.failures[0].summary())  # row is not an error
    fill_from_objects(schema, cols, idx, sub_ids, assessment, register)


def fill_from_objects(
    schema: Schema,
    cols: dict[str, Any],
    idx: Iterable[int],
    sub_ids: Sequence[str],
    assessment: Any,
    register: RiskRegister,
) -> None:
    """Write the object path's answers for subjects *sub_ids* into rows *idx*."""
    for name, v in cols.items():  # own, writable arrays (some are shared views)
        cols[name] = np.array(v, copy=True)
    by_subject: dict[str, list[Any]] = {}
    for s in assessment.scores:
        by_subject.setdefault(s.subject, []).append(s)
    everyone = [
        f"plugin {f.plugin} failed ({f.hook})"
        for f in assessment.failures
        if f.subject is None
    ]
    per: dict[str, list[str]] = {}
    for f in assessment.failures:
        if f.subject is not None:
            per.setdefault(f.subject, []).append(
                f"{f.instrument} unscored"
                if f.error_type == "UnscoredInstrument"
                else f"plugin {f.plugin} failed ({f.hook})"
            )
    for f in register.failures:
        if f.subject is not None:
            per.setdefault(f.subject, []).append(f"plugin {f.plugin} failed ({f.hook})")
    rank = {name: i for i, name in enumerate(schema.levels)}
    risks = {r.id: r for r in register.risks}
    for row, sid in zip(idx, sub_ids, strict=True):
        scores = by_subject.get(sid, [])
        why = [*schema.load_failures, *everyone, *per.get(sid, [])]
        why += [
            f"{s.instrument}.{s.scale} incomplete" for s in scores if not s.complete
        ]
        for inst in schema.present_specs:
            owner = schema.owner[inst]
            mine = [s for s in scores if s.instrument == inst and s.plugin == owner]
            cols[f"{inst}.administered"][row] = bool(mine)
            codes = {f.code for s in mine for f in s.flags}
            for code in schema.flag_codes[inst]:
                cols[f"flag.{code}"][row] = code in codes
            spec = schema.specs[inst]
            for s in mine:
                if s.scale not in spec.scale_names:
                    continue
                cols[f"{inst}.{s.scale}"][row] = np.nan if s.value is None else s.value
                cols[f"{inst}.{s.scale}.complete"][row] = s.complete
                name = f"{inst}.{s.scale}.band"
                if name in cols:
                    labels = spec.scale(s.scale).labels
                    cols[name][row] = -1 if s.band is None else labels.index(s.band)
        for t in schema.threats:
            r = risks[risk_id(t.id, sid)]
            k = 1.0
            for f in r.factors:
                if f.credited:
                    k *= f.odds_ratio
            cols[f"factor.{t.id}"][row] = k
            cols[f"risk.{t.id}.likelihood"][row] = r.inherent.likelihood
            cols[f"risk.{t.id}.level"][row] = rank[r.level]
            cols[f"risk.{t.id}.critical"][row] = r.critical
            cols[f"risk.{t.id}.incomplete"][row] = r.incomplete
        cols["incomplete"][row] = bool(why)
        cols["incomplete.reasons"][row] = "; ".join(sorted(set(why)))
