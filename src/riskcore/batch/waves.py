"""One row per administration: each row's own scores, and its subject's risks as of it.

Internal to :mod:`riskcore.batch` (``run(table, administered_column=...)``).
A row's score, band and flag columns are those of its own answers (the
one-row-per-subject engine, each row on its own). Its ``incomplete``, factor
and risk columns are the object path's for a case holding the subject's rows
up to and including it, in :meth:`riskcore.model.Case.history` order (by
date, undated first, the same day in table order):

* the factors come from the **latest** administration of each instrument up
  to the row (every built-in plugin's ``riskcore_risk_factors`` reads the
  latest), so each row is given its subject's latest answers per instrument
  (:func:`latest`: a running maximum over the rows sorted by subject and
  date) and the plugins' batch hooks run on those rows;
* ``incomplete`` (and the crediting it gates), the critical findings and
  "screened" hold over the **whole history**: an incomplete scale, a
  critical flag or a screen on any earlier administration counts, as the
  object path reads every score of the subject (:func:`ever`);
* a row whose history holds a row the vectorised path cannot compute (a
  rule-based instrument such as the C-SSRS screener, whose look-back window
  reads more than the latest screen; a plugin's fallback) goes to the object
  path with exactly that case.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from riskcore.assess import assess
from riskcore.batch.engine import Chunk
from riskcore.batch.fallback import (
    fill_from_objects,
    object_rows,
    response,
    subjects_case,
)
from riskcore.batch.levels import Own, own_columns, risk_columns
from riskcore.batch.reading import UNDATED
from riskcore.batch.route import Pass, Route, vectorised_pass
from riskcore.batch.schema import Schema, blank_columns, to_frame
from riskcore.errors import PluginError
from riskcore.identify import identify

__all__ = ["History", "waves_chunk"]

_AS_OF = ("incomplete", "incomplete.reasons")
_EARLIER = "an earlier administration of the subject went to the object path"


class History:
    """The rows of a chunk sorted by subject, then day (undated first), then
    table order: the object path's order (:meth:`~riskcore.model.Case.history`).

    >>> import numpy as np
    >>> h = History(np.array([0, 1, 0, 0]), np.array([5, 1, 3, 5]))
    >>> h.order.tolist()  # subject 0 by day (row 0 before row 3 on day 5), then 1
    [2, 0, 3, 1]
    >>> h.latest(np.array([True, True, False, False])).tolist()  # row 2 is older
    [0, 1, -1, 0]
    >>> h.latest(np.array([False, False, True, False])).tolist()
    [2, -1, 2, 2]
    """

    def __init__(self, subjects: Any, days: Any) -> None:
        n = len(subjects)
        self.order = np.lexsort((days, subjects))  # stable: ties keep table order
        s = np.asarray(subjects)[self.order]
        first = np.ones(n, dtype=bool)
        first[1:] = s[1:] != s[:-1]
        pos = np.arange(n)
        self.start = np.maximum.accumulate(np.where(first, pos, 0)) if n else pos
        self.position = np.empty(n, dtype=np.intp)
        self.position[self.order] = pos

    def latest(self, mask: Any) -> Any:
        """Per row, the latest row of its subject up to and including it (in
        history order) where *mask* holds: a row index, or -1 for none."""
        n = len(self.order)
        last = np.where(np.asarray(mask, dtype=bool)[self.order], np.arange(n), -1)
        if n:
            last = np.maximum.accumulate(last)
        last = np.where(last >= self.start, last, -1)
        out = np.empty(n, dtype=np.intp)
        out[self.order] = np.where(last >= 0, self.order[np.maximum(last, 0)], -1)
        return out

    def ever(self, mask: Any) -> Any:
        """Per row, whether *mask* holds on any row of its subject up to it."""
        return self.latest(mask) >= 0

    def last(self) -> Any:
        """Each subject's last row in history order (its latest
        administration), in table order.

        >>> History(np.array([0, 1, 0]), np.array([9, 1, 3])).last().tolist()
        [0, 1]
        """
        n = len(self.order)
        end = np.ones(n, dtype=bool)
        end[:-1] = self.start[1:] != self.start[:-1]
        return np.sort(self.order[end])

    def upto(self, row: int) -> Any:
        """The rows of *row*'s subject up to and including it, in history order."""
        p = int(self.position[row])
        return self.order[int(self.start[p]) : p + 1]


def _missing_like(raw: Any) -> tuple[Any, Any]:
    """*raw* as an array that can hold "unanswered", and that value."""
    if raw.dtype.kind in "iub":
        return raw.astype(np.float64), np.nan
    if raw.dtype.kind == "f":
        return raw, np.nan
    return raw, None


def _as_of(
    read: Mapping[str, tuple[Any, Any, Any, Any]], history: History, rows: Any
) -> dict[str, tuple[Any, Any, Any, Any]]:
    """For *rows*, each instrument's answers at its latest administration up to
    the row (unanswered where none), in :func:`~riskcore.batch.reading.read_rows`'
    form."""
    out: dict[str, tuple[Any, Any, Any, Any]] = {}
    m = len(rows)
    for inst, (raw, values, adm, _) in read.items():
        src = history.latest(adm)[rows]
        has = src >= 0
        take = np.maximum(src, 0)
        if bool(has.all()):
            got = raw[take]
            vals = None if values is None else values[take]
        else:
            full, blank = _missing_like(raw)
            got = full[take]
            got[~has] = blank
            if values is None:  # integers: read as numbers now (unanswered: NaN)
                vals = got
            else:
                vals = values[take]
                vals[~has] = np.nan
        out[inst] = (got, vals, has.copy(), np.zeros(m, dtype=bool))
    return out


def waves_chunk(
    schema: Schema,
    cols: dict[str, Any],
    *,
    ids: Any,
    days: Any,
    read: Mapping[str, tuple[Any, Any, Any, Any]],
    rejects: list[tuple[int, str, str]],
    route: Route,
    own: Pass,
    failures: list[str],
    strict: bool,
) -> Chunk:
    """The output columns, one row per administration (see the module), from
    :func:`riskcore.batch.engine.run_chunk`'s reading of the rows and its
    vectorised pass over each row's own answers (*own*)."""
    n = len(ids)
    ran = list(own.ran)
    mine = own_columns(schema, cols, own.results, own.administered, own.contributions)
    alone = np.flatnonzero(route.to_object)
    if alone.size:  # each row its own subject
        names = np.empty(n, dtype=object)
        names[alone] = [f"row-{i}" for i in alone]
        object_rows(schema, cols, alone, names, read, strict=strict)
    history = History(pd.factorize(ids)[0], days)
    earlier = history.ever(route.to_object)
    counts = dict(route.counts)
    later = int((earlier & ~route.to_object).sum())
    if later:
        counts[_EARLIER] = later
    # As of each row: the latest answers per instrument, the whole history's
    # incompleteness, critical findings and screens.
    rows = np.flatnonzero(~earlier)
    to_object = earlier.copy()
    if rows.size:
        m = len(rows)
        read2 = _as_of(read, history, rows)
        route2 = Route(m, schema)
        then = vectorised_pass(
            schema, m, read2, route2, strict=strict, failures=failures
        )
        ran += [p for p in then.ran if p not in ran]
        scratch = blank_columns(schema, m)
        scratch["subject"] = np.empty(m, dtype=object)
        latest = own_columns(
            schema, scratch, then.results, then.administered, then.contributions
        )
        risk_columns(
            schema,
            scratch,
            Own(
                reasons=[(why, history.ever(mk)[rows]) for why, mk in mine.reasons],
                critical={c: history.ever(mk)[rows] for c, mk in mine.critical.items()},
                present={i: history.ever(mk)[rows] for i, mk in mine.present.items()},
                by_threat=latest.by_threat,
            ),
        )
        _scatter(schema, cols, scratch, rows, n)
        to_object[rows[route2.to_object]] = True
        for why, k in route2.counts.items():
            counts[why] = counts.get(why, 0) + k
    if to_object.any():
        _object_as_of(
            schema, cols, np.flatnonzero(to_object), read, history, days, strict
        )
    path = np.zeros(n, dtype=np.int8)
    path[route.to_object | to_object] = 1
    cols["path"] = path
    return Chunk(
        frame=to_frame(schema, cols),
        rejects=rejects,
        fallback=counts,
        failures=list(dict.fromkeys(failures)),
        vectorised=tuple(ran),
        latest=history.last(),
    )


def _risk_names(schema: Schema) -> list[str]:
    out = list(_AS_OF)
    for t in schema.threats:
        out += [f"factor.{t.id}"]
        out += [
            f"risk.{t.id}.{x}"
            for x in ("likelihood", "level", "critical", "incomplete")
        ]
    return out


def _scatter(
    schema: Schema, cols: dict[str, Any], part: dict[str, Any], rows: Any, n: int
) -> None:
    """Put the as-of columns of *part* (rows *rows*) into *cols*."""
    for name in _risk_names(schema):
        if len(rows) == n:  # every row (rows is 0 .. n-1)
            cols[name] = part[name]
            continue
        dtype = object if name == "incomplete.reasons" else None
        full = np.array(cols[name], dtype=dtype, copy=True)
        full[rows] = np.asarray(part[name], dtype=dtype)
        cols[name] = full


def _object_as_of(
    schema: Schema,
    cols: dict[str, Any],
    idx: Any,
    read: Mapping[str, tuple[Any, Any, Any, Any]],
    history: History,
    days: Any,
    strict: bool,
) -> None:
    """The as-of columns of rows *idx* from the object path: one subject per
    row, holding its subject's rows up to and including it, dated."""
    names = [f"asof-{i}" for i in idx]
    responses = []
    for row, name in zip(idx, names, strict=True):
        for j in history.upto(int(row)):
            day = int(days[j])
            when = None if day == UNDATED else dt.date.fromordinal(day)
            for inst, (raw, _, adm, _) in read.items():
                if adm[j]:
                    r = response(schema, inst, raw[j], name, when)
                    if r is not None:
                        responses.append(r)
    case = subjects_case(schema, names, responses)
    assessment = assess(case, pm=schema.pm, strict=strict)
    register = identify(
        assessment, schema.catalog, case, pm=schema.pm, matrix=schema.matrix
    )
    if strict and register.failures:
        raise PluginError(register.failures[0].summary())
    fill_from_objects(schema, cols, idx, names, assessment, register, own=False)
