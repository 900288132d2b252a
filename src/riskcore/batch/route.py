"""One vectorised pass over a chunk's rows, and which rows go to the object path.

Internal to :mod:`riskcore.batch`: :func:`vectorised_pass` scores the specs
and calls the plugins' ``riskcore_batch_factors`` hook; :class:`Route` keeps
the rows it cannot compute (rule-based instruments, plugins without the hook,
a plugin's fallback or failure), each counted under the first reason.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from attrs import frozen

from riskcore.batch.hook import batch_view, call_hook
from riskcore.batch.schema import HOOK, Schema
from riskcore.batch.types import BatchContribution
from riskcore.instruments import score_array
from riskcore.instruments.columnar import ColumnarResult

__all__ = ["Pass", "Route", "vectorised_pass"]


class Route:
    """Which rows go to the object path, and why (a row counted once, under
    the first reason that sent it). Every row does when *force_object*, or
    when an active plugin that may assess the kind has no batch hook."""

    def __init__(self, n: int, schema: Schema, *, force_object: bool = False) -> None:
        self.to_object = np.zeros(n, dtype=bool)
        self.counts: dict[str, int] = {}
        if force_object:
            self.send(np.ones(n, dtype=bool), "forced")
        for p in schema.object_plugins:
            self.send(np.ones(n, dtype=bool), f"plugin {p} has no {HOOK}")

    def send(self, mask: Any, why: str) -> None:
        count = int((mask & ~self.to_object).sum())
        if count:
            self.counts[why] = self.counts.get(why, 0) + count
        self.to_object[mask] = True


def _score_specs(
    schema: Schema,
    read: Mapping[str, tuple[Any, Any, Any, Any]],
    route: Route,
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


@frozen(kw_only=True, eq=False)
class Pass:
    """What :func:`vectorised_pass` computed: the spec scores, which rows took
    each instrument, each plugin's hook answer, and the plugins that answered."""

    results: dict[str, ColumnarResult]
    administered: dict[str, Any]
    contributions: list[tuple[str, BatchContribution]]
    ran: list[str]


def vectorised_pass(
    schema: Schema,
    n: int,
    read: Mapping[str, tuple[Any, Any, Any, Any]],
    route: Route,
    *,
    strict: bool,
    failures: list[str],
) -> Pass:
    """The vectorised pass over *n* rows read by
    :func:`riskcore.batch.reading.read_rows`: the spec scores, and each
    plugin's hook answer (not called when every row goes to the object path)."""
    results, administered = _score_specs(schema, read, route)
    view = batch_view(schema, n, read, results, administered)
    contributions: list[tuple[str, BatchContribution]] = []
    ran: list[str] = []
    if not route.to_object.all():
        contributions, ran = call_hook(
            schema, view, strict=strict, send=route.send, failures=failures
        )
    return Pass(
        results=results, administered=administered, contributions=contributions, ran=ran
    )
