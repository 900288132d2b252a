"""The columnar path: score many respondents at once with numpy.

Rows are respondents, columns are items in the spec's order (or, for a pandas
DataFrame, columns named by item id; other columns are ignored). ``NaN`` (or
``None``, or ``pd.NA``) means unanswered. A cell must hold a number, as on the
object path: a bool (``True`` is not the code 1), a string or any other object
is rejected with an error naming the row and the item. There is no Python loop per respondent: the scale
sums are one matrix product, the answered counts another, and every rule of
:mod:`riskcore.instruments.spec` is applied to whole columns with the same
floating-point formula as the object path, so both agree exactly.

numpy (and pandas, for DataFrames) is imported only when a function here runs.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from riskcore.errors import InstrumentError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from riskcore.instruments.spec import InstrumentSpec

__all__ = ["ColumnarResult", "score_array"]

_F32_EXACT = 2**24  # float32 holds every integer below this exactly
_BLOCK = 16_384  # rows per block in the integer fast path


@frozen(kw_only=True, eq=False)
class ColumnarResult:
    """The scores of many respondents, one array per output column.

    ``values[scale]`` is float64 with NaN where the missing-data rule cannot
    score the scale; ``complete[scale]`` is False there and, in lenient mode,
    where the scale holds an invalid answer (its value is then the prorated
    one, as on the object path); ``band_codes[scale]``
    indexes the scale's band labels (``-1``: no band); ``flags[code]`` is the mask
    of rows raising each critical-item flag; ``valid`` is False for rows rejected
    in lenient mode; ``answered`` counts the answered items per row.
    """

    spec: InstrumentSpec = field(repr=False)
    values: dict[str, npt.NDArray[np.float64]] = field(repr=False)
    complete: dict[str, npt.NDArray[np.bool_]] = field(repr=False)
    band_codes: dict[str, npt.NDArray[np.int8]] = field(repr=False)
    flags: dict[str, npt.NDArray[np.bool_]] = field(repr=False)
    valid: npt.NDArray[np.bool_] = field(repr=False)
    answered: npt.NDArray[np.int64] = field(repr=False)
    bad_item: npt.NDArray[np.int64] | None = field(default=None, repr=False)
    index: Any = field(default=None, repr=False)
    n: int = field(default=0)

    @property
    def total(self) -> npt.NDArray[np.float64]:
        """The ``"total"`` column."""
        return self.values["total"]

    def band_labels(self, scale: str = "total") -> npt.NDArray[np.object_]:
        """Band labels of *scale* as an object array (``None``: no band).

        >>> from riskcore.instruments import Band, InstrumentSpec, uniform_items
        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3),
        ...     bands=[Band(label="low", lower=0, upper=3), Band(label="high", lower=3)])
        >>> spec.score_array([[1, 1], [2, 2], [1, float("nan")]]).band_labels().tolist()
        ['low', 'high', None]
        """
        import numpy as np

        labels = np.array([*self.spec.scale(scale).labels, None], dtype=object)
        return labels[self.band_codes[scale]]

    def errors(self) -> list[tuple[int, str]]:
        """``(row, item id)`` of the first bad answer of every invalid row.

        >>> from riskcore.instruments import InstrumentSpec, uniform_items
        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
        >>> spec.score_array([[1, 3], [0, 7], [9, 1]], lenient=True).errors()
        [(1, '2'), (2, '1')]
        """
        if self.bad_item is None:
            return []
        import numpy as np

        rows = np.flatnonzero(~self.valid)
        ids = self.spec.item_ids
        return [(int(r), ids[int(self.bad_item[r])]) for r in rows]

    def to_frame(self) -> Any:
        """The result as a pandas DataFrame.

        One column per scale, ``<scale>.complete``,
        ``<scale>.band`` (categorical), one boolean column per flag code, and
        ``valid``. Indexed like the input DataFrame, if there was one.

        >>> from riskcore.instruments import InstrumentSpec, uniform_items
        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
        >>> spec.score_array([[1, 3]]).to_frame().columns.tolist()
        ['total', 'total.complete', 'valid']
        """
        import pandas as pd

        cols: dict[str, Any] = {}
        for name, v in self.values.items():
            cols[name] = v
            cols[f"{name}.complete"] = self.complete[name]
            labels = self.spec.scale(name).labels
            if labels:
                cols[f"{name}.band"] = pd.Categorical.from_codes(
                    self.band_codes[name],
                    categories=pd.Index(list(labels)),
                    ordered=True,
                )
        cols.update(self.flags)
        cols["valid"] = self.valid
        return pd.DataFrame(cols, index=self.index)


def _plan_arrays(spec: InstrumentSpec) -> dict[str, Any]:
    """numpy views of the spec's plan, built once per spec and cached."""
    cached = spec._cache.get("columnar")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    import numpy as np

    plan = spec._plan
    n_items, n_scales = len(plan.ids), len(plan.scales)
    lo = np.array(plan.lo, dtype=np.float64)
    hi = np.array(plan.hi, dtype=np.float64)
    rev = np.array(plan.rev, dtype=bool)
    member = np.zeros((n_items, n_scales), dtype=np.float64)
    for s, sp in enumerate(plan.scales):
        member[list(sp.index), s] = 1.0
    signed = member * np.where(rev, -1.0, 1.0)[:, None]
    offset = ((lo + hi) * rev) @ member  # sum of (min + max) of reversed items
    bound = float(np.abs(np.concatenate([lo, hi])).max()) * n_items
    subs = [sp.index for sp in plan.scales if sp.name != "total"]
    flat = sorted(j for idx in subs for j in idx)
    has_total = bool(plan.scales) and plan.scales[0].name == "total"
    out = {
        "lo": lo,
        "hi": hi,
        "lo_i": np.array(plan.lo, dtype=np.int64),
        "hi_i": np.array(plan.hi, dtype=np.int64),
        "uniform": len(set(plan.lo)) == 1 and len(set(plan.hi)) == 1,
        "rev": rev,
        "rev_any": bool(rev.any()),
        "member": member,
        "signed32": signed.astype(np.float32),
        "offset": offset,
        "f32_ok": bound < _F32_EXACT,
        "bound": bound,
        # the subscales partition the items: the total is the sum of their sums
        "partition": has_total and len(subs) > 1 and flat == list(range(n_items)),
    }
    spec._cache["columnar"] = out
    return out


def _from_frame(spec: InstrumentSpec, df: Any) -> Any:
    """The item columns of *df* as an array.

    Numeric columns come back as numbers (pandas' nullable ``Int64`` and
    ``Float64`` with ``pd.NA`` as NaN); if any column is of another kind (bool,
    object, string, categorical), the columns come back as objects, which
    :func:`_from_objects` checks cell by cell.
    """
    import numpy as np

    by_name = {str(c): c for c in df.columns}
    cols = []
    for k in spec.item_ids:
        if k not in by_name:
            msg = f"{spec.id}: the DataFrame has no column for item {k}"
            raise InstrumentError(msg)
        cols.append(by_name[k])
    sub = df[cols]
    dtypes = list(sub.dtypes)
    if all(isinstance(dt, np.dtype) and dt.kind in "iu" for dt in dtypes):
        return sub.to_numpy()
    if all(getattr(dt, "kind", "O") in "iuf" for dt in dtypes):
        return sub.to_numpy(dtype=np.float64, na_value=np.nan)
    return sub.to_numpy(dtype=object)


_NUMBER, _UNANSWERED, _NOT_A_NUMBER = 0, 1, 2


def _cell_kind(value: object) -> int:
    """What one answer cell holds: a number, nothing (``None``, NaN, pandas'
    ``NA``) or something the object path rejects (a bool, a string, ...).

    The same rule as :class:`~riskcore.model.InstrumentResponse`'s validator:
    ``True`` is not the answer code 1, and ``"2"`` is not 2.
    """
    import numpy as np

    t = type(value)
    if t is int:
        return _NUMBER
    if t is float:
        return _UNANSWERED if value != value else _NUMBER
    if value is None or t.__name__ == "NAType":  # pandas.NA, without pandas
        return _UNANSWERED
    if t is bool or isinstance(value, np.bool_):
        return _NOT_A_NUMBER
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _UNANSWERED if value != value else _NUMBER
    return _NOT_A_NUMBER


def _from_objects(arr: Any) -> tuple[Any, Any]:
    """An object array as float64 codes (NaN: unanswered) and the mask of
    cells that are not numbers (:func:`_cell_kind`)."""
    import numpy as np

    with np.errstate(invalid="ignore"):  # NaN != NaN is how NaN is found
        kind = np.frompyfunc(_cell_kind, 1, 1)(arr).astype(np.int8)
    number = kind == _NUMBER
    picked = np.where(number, arr, np.nan)
    try:
        values = picked.astype(np.float64)
    except OverflowError:  # an int beyond float range: out of any item's range
        values = np.frompyfunc(_to_float, 1, 1)(picked).astype(np.float64)
    return values, kind == _NOT_A_NUMBER


def _to_float(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _shown(value: object) -> str:
    """An answer as an error message may show it: a number (or a bool) by its
    repr, anything else by its type only (never free text)."""
    if isinstance(value, (int, float)):
        return repr(value)
    import numpy as np

    if isinstance(value, (np.bool_, np.integer, np.floating)):
        return repr(value.item())
    return f"a {type(value).__name__}"


def _bad_reason(value: float, lo: float, hi: float) -> str:
    if not math.isfinite(value):
        return "is not a finite number"
    if not float(value).is_integer():
        return "is not an integer answer code"
    return f"is not in [{lo:g}, {hi:g}]"


def score_array(
    spec: InstrumentSpec, data: Any, *, lenient: bool = False
) -> ColumnarResult:
    """Score a 2-D array (rows = respondents, columns = items) or a DataFrame.

    Parameters
    ----------
    spec:
        The instrument.
    data:
        A 2-D array-like with one column per item in ``spec.item_ids`` order
        (NaN or ``None`` = unanswered; an integer array has no missing
        answers), or a pandas DataFrame whose columns are named by item id.
        Every answer must be a number: a bool, a string or any other object
        is a bad answer, as on the object path.
    lenient:
        If false (default), the first bad answer (out of range, not an integer
        code, infinite, not a number) raises :class:`~riskcore.errors.InstrumentError` naming
        the row index and the item. If true, rows with a bad answer are marked
        invalid (``valid`` False; :meth:`ColumnarResult.errors` names the first
        bad item) and scored as the object path scores them: each bad answer
        counts as unanswered under the missing-data rule, every scale holding
        it is not ``complete`` (its value, when the rule allows one, is kept),
        and a bad critical item raises its invalid flag (the worst plausible
        answer), never dropping the row's flags.

    Examples
    --------
    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(3, 0, 4),
    ...                       reverse=["3"], max_missing=1)
    >>> nan = float("nan")
    >>> r = spec.score_array([[4, nan, 0], [0, 0, 4], [nan, nan, 1]])
    >>> r.total.tolist()
    [12.0, 0.0, nan]
    >>> spec.score_array([[4, 9, 0]])
    Traceback (most recent call last):
    ...
    riskcore.errors.InstrumentError: demo: row 0: item 2: 9.0 is not in [0, 4]
    >>> r = spec.score_array([[4, 9, 0], [1, 1, 1]], lenient=True)
    >>> r.valid.tolist(), r.total.tolist(), r.complete["total"].tolist()
    ([False, True], [12.0, 5.0], [False, True])
    >>> spec.score_array([[4, True, 0]])
    Traceback (most recent call last):
    ...
    riskcore.errors.InstrumentError: demo: row 0: item 2: True is not a number
    """
    import numpy as np

    index = None
    if hasattr(data, "columns") and type(data).__module__.startswith("pandas"):
        index = data.index
        data = _from_frame(spec, data)
    # Not an array yet (e.g. nested lists): keep each cell's Python type, so a
    # True among ints is seen (np.asarray would make it a silent 1).
    arr = data if isinstance(data, np.ndarray) else np.asarray(data, dtype=object)
    n_items = len(spec.item_ids)
    if arr.ndim != 2 or arr.shape[1] != n_items:
        msg = f"{spec.id}: expected a 2-D array with {n_items} item columns, got shape {arr.shape}"
        raise InstrumentError(msg)
    p = _plan_arrays(spec)
    if spec.skips:
        arr = _apply_skips(spec, arr)
    if arr.dtype.kind not in "iuf":
        # bool, object, string, complex, datetime ...: checked cell by cell,
        # rejecting what the object path rejects (a bool is not a code).
        raw = arr if arr.dtype.kind == "O" else arr.astype(object)
        values, not_number = _from_objects(raw)
        return _score_general(spec, p, values, index, lenient, not_number, raw)
    if arr.dtype.kind in "iu" and arr.shape[0] > 0:
        if p["uniform"]:
            in_range = arr.min() >= p["lo_i"][0] and arr.max() <= p["hi_i"][0]
        else:
            in_range = bool(
                (arr.min(axis=0) >= p["lo_i"]).all()
                and (arr.max(axis=0) <= p["hi_i"]).all()
            )
        if in_range:
            return _score_complete_ints(spec, p, arr, index)
    return _score_general(spec, p, arr.astype(np.float64, copy=False), index, lenient)


def _apply_skips(spec: InstrumentSpec, arr: Any) -> Any:
    """The spec's skip logic on whole columns, as
    :func:`riskcore.instruments.apply_skips` applies it to one response: an
    unanswered item (``NaN`` or ``None``) whose gate holds a ``when`` code
    scores the skip's ``score``. Integer arrays have no unanswered cell."""
    import numpy as np

    if arr.dtype.kind in "iu":
        return arr
    pos = spec._plan.pos
    out = arr.copy()
    for sk in spec.skips:
        j, g = pos[sk.item], pos[sk.gate]
        if out.dtype.kind == "f":
            gate = out[:, g]
            hit = np.isnan(out[:, j]) & np.isin(gate, np.asarray(sk.when, dtype=float))
            out[hit, j] = sk.score
            continue
        for r in range(out.shape[0]):  # object arrays: cell by cell
            cell, gate_v = out[r, j], out[r, g]
            empty = cell is None or (isinstance(cell, float) and math.isnan(cell))
            if (
                empty
                and isinstance(gate_v, (int, float, np.integer, np.floating))
                and not isinstance(gate_v, (bool, np.bool_))
                and float(gate_v) in sk.when
            ):
                out[r, j] = sk.score
    return out


def _finish(
    spec: InstrumentSpec,
    sums: Any,
    counts: Any,
    valid: Any,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Apply the scale formula, completeness rule and bands to whole columns."""
    import numpy as np

    plan = spec._plan
    intercept, slope = plan.intercept, plan.slope
    values: dict[str, Any] = {}
    complete: dict[str, Any] = {}
    bands: dict[str, Any] = {}
    for s, sp in enumerate(plan.scales):
        ssum = sums[s]
        n = sp.n
        if counts is None:  # every item answered
            ok = valid
            raw = ssum if intercept is None else intercept * n + slope * ssum
            value = raw / n if sp.mean else raw
        else:
            k = counts[s]
            ok = (k > 0) & (k >= n - sp.max_missing)
            if valid is not None:
                ok &= valid
            raw = ssum if intercept is None else intercept * k + slope * ssum
            with np.errstate(divide="ignore", invalid="ignore"):
                value = raw / k if sp.mean else np.where(k == n, raw, raw / k * n)
        if sp.factor != 1.0:
            value = value * sp.factor
        if ok is not None:
            value = np.where(ok, value, np.nan)
        else:
            ok = np.ones(value.shape[0], dtype=bool)
        values[sp.name] = value
        complete[sp.name] = ok
        if sp.labels:
            code = np.zeros(value.shape[0], dtype=np.int8)
            for cut in sp.cuts:
                code += (value >= cut).view(np.int8)
            code[~ok] = -1
            bands[sp.name] = code
        else:
            bands[sp.name] = np.full(value.shape[0], -1, dtype=np.int8)
    return values, complete, bands


def _score_complete_ints(
    spec: InstrumentSpec, p: dict[str, Any], arr: Any, index: Any
) -> ColumnarResult:
    """Fast path: integer codes, all in range, nothing missing."""
    import numpy as np

    n_rows = arr.shape[0]
    at = arr.T
    if (
        at.flags.c_contiguous
        and arr.dtype.kind == "i"
        and p["bound"] <= np.iinfo(arr.dtype).max
    ):
        sums_t = _column_sums(spec, p, at)
    else:
        weights = p["signed32"] if p["f32_ok"] else p["signed32"].astype(np.float64)
        sums_t = np.empty((weights.shape[1], n_rows), dtype=np.float64)
        # Row blocks keep the float copy of the answers in cache (one pass over
        # memory); the loop is over blocks of _BLOCK respondents, never over
        # respondents.
        for start in range(0, n_rows, _BLOCK):
            block = arr[start : start + _BLOCK].astype(weights.dtype)
            sums_t[:, start : start + _BLOCK] = (block @ weights).T
    if p["rev_any"]:
        sums_t += p["offset"][:, None]
    values, complete, bands = _finish(spec, sums_t, None, None)
    flags: dict[str, Any] = {}
    for (j, threshold, flag, unanswered), invalid in zip(
        spec._plan.critical, spec._plan.invalid_flags, strict=True
    ):
        flags[flag.code] = arr[:, j] >= threshold
        if unanswered is not None:
            flags[unanswered.code] = np.zeros(n_rows, dtype=bool)
        flags[invalid.code] = np.zeros(n_rows, dtype=bool)
    _add_band_flags(spec, bands, flags)
    return ColumnarResult(
        spec=spec,
        values=values,
        complete=complete,
        band_codes=bands,
        flags=flags,
        valid=np.ones(n_rows, dtype=bool),
        answered=np.full(n_rows, arr.shape[1], dtype=np.int64),
        index=index,
        n=n_rows,
    )


def _add_band_flags(
    spec: InstrumentSpec, bands: dict[str, Any], flags: dict[str, Any]
) -> None:
    """Band flags: rows whose scale is in the band (band code -1, incomplete or
    invalid rows, is in none), as the object path raises them."""
    for name, b, flag in spec._plan.band_flags:
        flags[flag.code] = bands[name] == b


def _column_sums(spec: InstrumentSpec, p: dict[str, Any], at: Any) -> Any:
    """Scale sums of column-major integer codes: whole-column adds in the input
    dtype (no overflow: checked against the scale bound), one float64 row each."""
    import numpy as np

    plan = spec._plan
    rev = plan.rev
    scales = plan.scales
    sums_t = np.empty((len(scales), at.shape[1]), dtype=np.float64)
    partial = {}
    first = 1 if p["partition"] else 0
    for s in range(first, len(scales)):
        index = scales[s].index
        j0 = index[0]
        acc = np.negative(at[j0]) if rev[j0] else at[j0].copy()
        for j in index[1:]:
            if rev[j]:
                np.subtract(acc, at[j], out=acc)
            else:
                np.add(acc, at[j], out=acc)
        partial[s] = acc
        sums_t[s] = acc
    if first:
        acc = partial[1].copy()
        for s in range(2, len(scales)):
            np.add(acc, partial[s], out=acc)
        sums_t[0] = acc
    return sums_t


def _score_general(
    spec: InstrumentSpec,
    p: dict[str, Any],
    x: Any,
    index: Any,
    lenient: bool,
    not_number: Any = None,
    raw: Any = None,
) -> ColumnarResult:
    """General path: float codes with NaN for missing, validation per cell.

    *not_number* masks cells that held something other than a number (their
    *x* is NaN); *raw* is the object array they came from, for the message.
    """
    import numpy as np

    n_rows = x.shape[0]
    lo, hi = p["lo"], p["hi"]
    missing = np.isnan(x)
    with np.errstate(invalid="ignore"):
        good = (x >= lo) & (x <= hi) & (x == np.floor(x))
    if not_number is not None:
        missing &= ~not_number
    bad = ~(good | missing)
    bad_item = None
    valid = None
    if bad.any():
        bad_rows = bad.any(axis=1)
        if not lenient:
            row = int(np.argmax(bad_rows))
            j = int(np.argmax(bad[row]))
            if not_number is not None and not_number[row, j]:
                msg = (
                    f"{spec.id}: row {row}: item {spec.item_ids[j]}: "
                    f"{_shown(raw[row, j])} is not a number"
                )
                raise InstrumentError(msg)
            value = float(x[row, j])
            msg = (
                f"{spec.id}: row {row}: item {spec.item_ids[j]}: {value!r} "
                f"{_bad_reason(value, lo[j], hi[j])}"
            )
            raise InstrumentError(msg)
        valid = ~bad_rows
        bad_item = np.where(bad_rows, np.argmax(bad, axis=1), -1)
    answered = ~missing & ~bad
    scored = np.where(answered, x, 0.0)
    if p["rev_any"]:
        rev = p["rev"]
        scored[:, rev] = np.where(answered[:, rev], (lo + hi)[rev] - x[:, rev], 0.0)
    member = p["member"]
    sums = (scored @ member).T.copy()
    counts = (answered.astype(np.float64) @ member).T.copy()
    # As on the object path (score_items): a bad answer counts as unanswered
    # under the missing-data rule, and every scale holding it is not complete.
    values, complete, bands = _finish(spec, sums, counts, None)
    if valid is not None:
        touched = (bad.astype(np.float64) @ member) > 0
        for s, sp in enumerate(spec._plan.scales):
            complete[sp.name] = complete[sp.name] & ~touched[:, s]
    flags: dict[str, Any] = {}
    with np.errstate(invalid="ignore"):
        for (j, threshold, flag, unanswered), invalid in zip(
            spec._plan.critical, spec._plan.invalid_flags, strict=True
        ):
            flags[flag.code] = (x[:, j] >= threshold) & ~bad[:, j]
            if unanswered is not None:
                flags[unanswered.code] = missing[:, j].copy()
            flags[invalid.code] = bad[:, j].copy()
    _add_band_flags(spec, bands, flags)
    return ColumnarResult(
        spec=spec,
        values=values,
        complete=complete,
        band_codes=bands,
        flags=flags,
        valid=np.ones(n_rows, dtype=bool) if valid is None else valid,
        answered=answered.sum(axis=1).astype(np.int64),
        bad_item=bad_item,
        index=index,
        n=n_rows,
    )
