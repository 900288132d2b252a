"""Reading one chunk's rows: subject ids, item columns, and the rows rejected.

Internal to :mod:`riskcore.batch`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from riskcore.batch.schema import Schema
from riskcore.errors import BatchError
from riskcore.instruments.columnar import _from_objects
from riskcore.model._fields import ID_PATTERN

__all__ = ["read_rows"]


def _id_ok(s: pd.Series) -> Any:
    """Which ids (a pandas ``string`` Series) are valid identifiers."""
    return s.str.fullmatch(ID_PATTERN).fillna(False).to_numpy(dtype=bool)


def _read_items(
    df: pd.DataFrame, schema: Schema, inst: str
) -> tuple[Any, Any, Any, Any]:
    """``(raw, values, administered, nonfinite)`` of one instrument's columns.

    *raw* is what the engine and the object path read (integers as they
    are, other numbers as float64, or objects); *values* float64 (NaN:
    unanswered or not a number), or None when *raw* is all integers (then it
    is ``raw.astype(float64)``, made only when a plugin asks for it);
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
        # values: None, as float64 only if a plugin asks (hook.batch_view)
        return raw, None, np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
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


def read_rows(
    df: pd.DataFrame,
    schema: Schema,
    *,
    offset: int,
    lenient: bool,
    repeated: Any,
) -> tuple[Any, Any, dict[str, tuple[Any, Any, Any, Any]], list[tuple[int, str, str]]]:
    """``(ids, shown_ids, read, rejects)`` of the good rows of *df*.

    A row is bad if its subject id is not a valid identifier or repeats an
    earlier row's (*repeated* marks rows whose id an earlier chunk had), or
    if it holds an infinite answer. The first bad row, in row order, raises
    :class:`~riskcore.errors.BatchError` unless *lenient*; then bad rows are
    left out and listed in *rejects* as ``(row in chunk, column, problem)``.
    *read* maps each instrument to :func:`_read_items` of the kept rows.
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
        # The ids stay an Arrow string array (the output column, without a
        # copy): Python str objects only for the rows the object path takes.
        ids: Any = ids_series.array
        shown_ids: Any = ids
        # Repeats, from one hashing pass (integer codes; only if there are any
        # repeats, their positions from the codes): cheaper than duplicated()
        # on the strings.
        codes, uniques = pd.factorize(ids_series)
        if len(uniques) == int((codes >= 0).sum()):
            dup = np.zeros(n_in, dtype=bool)
        else:
            dup = pd.Series(codes).duplicated().to_numpy(dtype=bool) & ~bad
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
    if bad.any():
        keep = np.flatnonzero(~bad)
        ids = ids[keep]
        shown_ids = shown_ids[keep]
        read = {
            i: (
                raw[keep],
                None if values is None else values[keep],
                adm[keep],
                nf[keep],
            )
            for i, (raw, values, adm, nf) in read.items()
        }
    return ids, shown_ids, read, rejects
