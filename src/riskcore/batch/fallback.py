"""The object path for rows the vectorised path cannot compute.

Rows are made into one :class:`~riskcore.model.Case` and go through
:func:`~riskcore.assess.assess` and :func:`~riskcore.identify.identify`, the
per-case functions: the answers are the object path's by construction.
Internal to :mod:`riskcore.batch`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from riskcore.assess import assess
from riskcore.batch.schema import Schema
from riskcore.errors import PluginError
from riskcore.identify import identify, risk_id
from riskcore.model import (
    Case,
    Client,
    InstrumentResponse,
    Practice,
    Professional,
    SubjectKind,
)
from riskcore.model.risk import RiskRegister

__all__ = [
    "fill_from_objects",
    "item_ids",
    "object_case",
    "object_rows",
    "response",
    "subjects_case",
]


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
    responses = []
    for inst, raw in raws.items():
        for row, sid in enumerate(ids):
            r = response(schema, inst, raw[row], str(sid))
            if r is not None:
                responses.append(r)
    return subjects_case(schema, ids, responses)


def item_ids(schema: Schema, inst: str) -> tuple[str, ...]:
    """The item ids of *inst* in the order of its columns' answers."""
    spec = schema.specs.get(inst)
    return (
        spec.item_ids if spec is not None else tuple(i for i, _ in schema.items[inst])
    )


def response(
    schema: Schema,
    inst: str,
    answers: Any,
    subject: str,
    administered: dt.date | None = None,
) -> InstrumentResponse | None:
    """One row's answers to *inst* as a response (``None``: not taken)."""
    items = {
        k: _answer(v) for k, v in zip(item_ids(schema, inst), answers, strict=True)
    }
    if not any(v is not None for v in items.values()):
        return None
    return InstrumentResponse(
        instrument=inst, subject=subject, items=items, administered=administered
    )


def subjects_case(
    schema: Schema, ids: Sequence[str], responses: Sequence[InstrumentResponse]
) -> Case:
    """A case of one subject of the schema's kind per id (no clinician)."""
    subject_type = Client if schema.kind is SubjectKind.CLIENT else Professional
    subjects = [subject_type(id=str(s)) for s in ids]
    kw: dict[str, Any] = (
        {"clients": subjects}
        if schema.kind is SubjectKind.CLIENT
        else {"professionals": subjects}
    )
    return Case(
        id="batch",
        practice=Practice(id="batch-practice"),
        responses=list(responses),
        **kw,
    )


def object_rows(
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
    *,
    own: bool = True,
) -> None:
    """Write the object path's answers for subjects *sub_ids* into rows *idx*
    (without *own*, only ``incomplete``, the factor and the risk columns)."""
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
        if own:
            _fill_own(schema, cols, row, scores)
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


def _fill_own(schema: Schema, cols: dict[str, Any], row: int, scores: Any) -> None:
    """The score, band and flag columns of *row* from its subject's *scores*."""
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
