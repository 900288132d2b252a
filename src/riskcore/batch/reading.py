"""Reading one chunk's rows: subject ids, item columns, and the rows rejected.

Internal to :mod:`riskcore.batch`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from riskcore.batch.schema import Schema
from riskcore.errors import BatchError
from riskcore.instruments.columnar import _from_objects
from riskcore.model._fields import ID_PATTERN

__all__ = ["UNDATED", "read_days", "read_rows"]

UNDATED = 0
"""The day number of an undated administration: before every date (the
object path's order: undated first, :meth:`riskcore.model.Case.history`)."""

_SCATTERED = (
    "repeats the subject id of earlier rows that other subjects' rows followed "
    "(a file must hold each subject's rows together: sort it by subject)"
)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EPOCH = dt.date(1970, 1, 1).toordinal()


def _day(value: object) -> int | None:
    """The day number (:meth:`datetime.date.toordinal`) of one cell,
    :data:`UNDATED` for an empty one, ``None`` if it is not a date.

    A date, a datetime (its day) or text ``YYYY-MM-DD``, as the case loaders
    read ``administered``; a number is not a date (never guessed).

    >>> _day("2026-03-01") == dt.date(2026, 3, 1).toordinal(), _day(None), _day("01/03/2026")
    (True, 0, None)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return UNDATED
    if isinstance(value, float) and math.isnan(value):
        return UNDATED
    if isinstance(value, dt.datetime):
        return value.date().toordinal()
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return UNDATED
        if _ISO_DAY.fullmatch(text):
            try:
                return dt.date.fromisoformat(text).toordinal()
            except ValueError:
                return None
    return None


def read_days(s: pd.Series) -> tuple[Any, Any]:
    """``(days, bad)``: each row's day number (int64, :data:`UNDATED` when
    empty) and which rows hold something that is not a date. Each distinct
    value is read once."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    if s.dtype.kind == "M":
        day = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        nat = np.isnat(day)
        days = np.where(nat, UNDATED, day.astype(np.int64) + _EPOCH)
        return days.astype(np.int64), np.zeros(len(s), dtype=bool)
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    read = [_day(v) for v in uniques]
    table = np.array([UNDATED if d is None else d for d in read], dtype=np.int64)
    wrong = np.array([d is None for d in read], dtype=bool)
    days = np.where(
        codes >= 0, table[np.maximum(codes, 0)] if len(table) else 0, UNDATED
    )
    bad = (codes >= 0) & (wrong[np.maximum(codes, 0)] if len(wrong) else False)
    return days.astype(np.int64), np.asarray(bad, dtype=bool)


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
) -> tuple[
    Any, Any, dict[str, tuple[Any, Any, Any, Any]], list[tuple[int, str, str]], Any
]:
    """``(ids, shown_ids, read, rejects, days)`` of the good rows of *df*.

    A row is bad if its subject id is not a valid identifier or repeats an
    earlier row's (*repeated* marks rows whose id an earlier chunk had; with
    the schema's ``administered_column`` ids may repeat), if its
    administration date is not a date (*days*: :func:`read_days`, or
    ``None`` without that column), or if it holds an infinite answer. The first bad row, in row order, raises
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
        if schema.administered_column is not None:  # one row per administration
            dup = np.zeros(n_in, dtype=bool)
        else:
            codes, uniques = pd.factorize(ids_series)
            if len(uniques) == int((codes >= 0).sum()):
                dup = np.zeros(n_in, dtype=bool)
            else:
                dup = pd.Series(codes).duplicated().to_numpy(dtype=bool) & ~bad
        if repeated is not None:
            dup |= np.asarray(repeated, dtype=bool) & ~bad
        reject(
            dup,
            schema.id_column,
            "repeats a subject id of an earlier row"
            if schema.administered_column is None
            else _SCATTERED,
        )
    else:
        ids = np.array([f"row-{offset + i}" for i in range(n_in)], dtype=object)
        shown_ids = ids
    days = None
    if schema.administered_column is not None:
        days, not_day = read_days(df[schema.administered_column])
        reject(not_day, schema.administered_column, "is not a date as YYYY-MM-DD")
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
        days = None if days is None else days[keep]
        read = {
            i: (
                raw[keep],
                None if values is None else values[keep],
                adm[keep],
                nf[keep],
            )
            for i, (raw, values, adm, nf) in read.items()
        }
    return ids, shown_ids, read, rejects, days
