"""The cohort path's engine: one chunk of a table in, one chunk of columns out.

Internal to :mod:`riskcore.batch`; see :func:`riskcore.batch.run`. numpy and
pandas are imported here, never by ``import riskcore``. :func:`run_chunk`
takes a chunk through its steps, each in its own module:
:mod:`~riskcore.batch.schema` (what the columns mean, the output columns),
:mod:`~riskcore.batch.reading` (ids, answers, rejected rows),
:mod:`~riskcore.batch.hook` (the plugins' ``riskcore_batch_factors`` hook),
:mod:`~riskcore.batch.levels` (the vectorised risk levels) and
:mod:`~riskcore.batch.fallback` (the object path for the other rows).

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from attrs import frozen

from riskcore.batch.fallback import fill_from_objects, object_case, object_rows
from riskcore.batch.levels import vectorised_columns
from riskcore.batch.reading import read_rows
from riskcore.batch.route import Route, vectorised_pass
from riskcore.batch.schema import (
    HOOK,
    Schema,
    blank_columns,
    parse_kind,
    schema_for,
    to_frame,
)

__all__ = [
    "HOOK",
    "Chunk",
    "Schema",
    "fill_from_objects",
    "object_case",
    "parse_kind",
    "run_chunk",
    "schema_for",
]


@frozen(kw_only=True, eq=False)
class Chunk:
    """The answer for one chunk: output columns, rejected rows, and how each
    row was computed."""

    frame: pd.DataFrame
    rejects: list[tuple[int, str, str]]  # (row in chunk, column, problem)
    fallback: dict[str, int]
    failures: list[str]
    vectorised: tuple[str, ...]
    latest: Any = None  # one row per administration: each subject's latest row


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
    ids, shown_ids, read, rejects, days = read_rows(
        df, schema, offset=offset, lenient=lenient, repeated=repeated
    )
    n = len(ids)
    cols = blank_columns(schema, n)
    cols["subject"] = shown_ids
    failures: list[str] = []
    route = Route(n, schema, force_object=force_object)
    own = vectorised_pass(schema, n, read, route, strict=strict, failures=failures)
    if schema.administered_column is not None:  # one row per administration
        from riskcore.batch.waves import waves_chunk

        return waves_chunk(
            schema,
            cols,
            ids=ids,
            days=days,
            read=read,
            rejects=rejects,
            route=route,
            own=own,
            failures=failures,
            strict=strict,
        )
    vectorised_columns(schema, cols, own.results, own.administered, own.contributions)
    if route.to_object.any():
        idx = np.flatnonzero(route.to_object)
        object_rows(schema, cols, idx, ids, read, strict=strict)
        cols["path"][idx] = 1
    return Chunk(
        frame=to_frame(schema, cols),
        rejects=rejects,
        fallback=route.counts,
        failures=failures,
        vectorised=tuple(own.ran),
    )
