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

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from attrs import frozen

from riskcore.batch.fallback import fill_from_objects, object_case, object_rows
from riskcore.batch.hook import batch_view, call_hook
from riskcore.batch.levels import vectorised_columns
from riskcore.batch.reading import read_rows
from riskcore.batch.schema import (
    HOOK,
    Schema,
    blank_columns,
    parse_kind,
    schema_for,
    to_frame,
)
from riskcore.batch.types import BatchContribution
from riskcore.instruments import score_array
from riskcore.instruments.columnar import ColumnarResult

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


class _Route:
    """Which rows go to the object path, and why (a row counted once, under
    the first reason that sent it)."""

    def __init__(self, n: int) -> None:
        self.to_object = np.zeros(n, dtype=bool)
        self.counts: dict[str, int] = {}

    def send(self, mask: Any, why: str) -> None:
        count = int((mask & ~self.to_object).sum())
        if count:
            self.counts[why] = self.counts.get(why, 0) + count
        self.to_object[mask] = True


def _score_specs(
    schema: Schema,
    read: Mapping[str, tuple[Any, Any, Any, Any]],
    route: _Route,
) -> tuple[dict[str, ColumnarResult], dict[str, Any]]:
    """``(results, administered)``: the columnar scores of the instruments a
    vectorised plugin declares as specs; rows answering any other instrument
    go to the object path. *administered* is read-only (plugins see it)."""
    results: dict[str, ColumnarResult] = {}
    administered: dict[str, Any] = {}
    for inst, (raw, _, adm, _) in read.items():
        administered[inst] = adm
        spec = schema.specs.get(inst)
        if spec is None or schema.owner[inst] not in schema.vectorised:
            route.send(adm, f"instrument {inst} is scored by rules, not a spec")
            continue
        results[inst] = score_array(spec, raw, lenient=True)
    for arr in administered.values():
        arr.flags.writeable = False
    return results, administered


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
    ids, shown_ids, read, rejects = read_rows(
        df, schema, offset=offset, lenient=lenient, repeated=repeated
    )
    n = len(ids)
    cols = blank_columns(schema, n)
    cols["subject"] = shown_ids
    failures: list[str] = []
    route = _Route(n)
    if force_object:
        route.send(np.ones(n, dtype=bool), "forced")
    for p in schema.object_plugins:
        route.send(np.ones(n, dtype=bool), f"plugin {p} has no {HOOK}")
    results, administered = _score_specs(schema, read, route)
    view = batch_view(schema, n, read, results, administered)
    contributions: list[tuple[str, BatchContribution]] = []
    ran: list[str] = []
    if not route.to_object.all():
        contributions, ran = call_hook(
            schema, view, strict=strict, send=route.send, failures=failures
        )
    vectorised_columns(schema, cols, results, administered, contributions)
    if route.to_object.any():
        idx = np.flatnonzero(route.to_object)
        object_rows(schema, cols, idx, ids, read, strict=strict)
        cols["path"][idx] = 1
    return Chunk(
        frame=to_frame(schema, cols),
        rejects=rejects,
        fallback=route.counts,
        failures=failures,
        vectorised=tuple(ran),
    )
