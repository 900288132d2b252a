"""The columnar check of the conformance kit: the object and columnar scoring
paths of a spec agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from riskcore.instruments import InstrumentResult, InstrumentSpec, score_items
from riskcore.model import (
    InstrumentResponse,
    SubjectKind,
)
from riskcore.testing.findings import _Sink


def paths_disagree(spec: InstrumentSpec, rows: Sequence[Sequence[float]]) -> list[str]:
    """Where the scoring paths of *spec* disagree on *rows*.

    The object path (:func:`~riskcore.instruments.score_items`) is compared
    with the columnar path (:meth:`~riskcore.instruments.InstrumentSpec.score_array`)
    and with the fused path to scores
    (:meth:`~riskcore.instruments.InstrumentSpec.to_scores`, whose compiled
    fast path takes complete rows). *rows* are answers in item order with
    ``NaN`` for unanswered items (as drawn by
    :func:`riskcore.testing.strategies.answer_matrices`). Values, band labels
    and raised flags are compared for every row and scale; an empty list means
    the paths agree exactly.

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="toy", name="Toy", items=uniform_items(3, 0, 4))
    >>> paths_disagree(spec, [[0, 1, 2], [4, 4, float("nan")]])
    []
    """
    import numpy as np

    col = spec.score_array(np.asarray(rows, dtype=float))
    out: list[str] = []
    for r, row in enumerate(rows):
        answers = {
            k: (None if math.isnan(v) else int(v))
            for k, v in zip(spec.item_ids, row, strict=True)
        }
        obj = score_items(spec, answers, subject="r")
        out += _fused_disagrees(spec, r, answers, obj)
        for scale in spec.scale_names:
            a = obj.values[scale]
            b = float(col.values[scale][r])
            if (a is None) != math.isnan(b) or (a is not None and a != b):
                out.append(f"row {r}, {scale}: object {a} vs columnar {b}")
            if (
                spec.scale(scale).labels
                and col.band_labels(scale)[r] != obj.bands[scale]
            ):
                out.append(
                    f"row {r}, {scale} band: {obj.bands[scale]} vs {col.band_labels(scale)[r]}"
                )
        flags = {c for c, v in col.flags.items() if v[r]}
        if flags != {f.code for f in obj.flags}:
            out.append(
                f"row {r}: flags {sorted(f.code for f in obj.flags)} vs {sorted(flags)}"
            )
    return out


def _fused_disagrees(
    spec: InstrumentSpec,
    r: int,
    answers: dict[str, int | None],
    obj: InstrumentResult,
) -> list[str]:
    """Where :meth:`~riskcore.instruments.InstrumentSpec.to_scores` (the fused
    object path) disagrees with :func:`~riskcore.instruments.score_items`."""
    response = InstrumentResponse(instrument=spec.id, subject="r", items=answers)
    fused = spec.to_scores(response, SubjectKind.CLIENT, plugin="p")
    out = []
    if [s.scale for s in fused] != list(spec.scale_names):
        return [f"row {r}: fused scales {[s.scale for s in fused]}"]
    for s in fused:
        if (s.value, s.band, s.missing_reason) != (
            obj.values[s.scale],
            obj.bands[s.scale],
            obj.missing[s.scale],
        ):
            out.append(
                f"row {r}, {s.scale}: fused {s.value} ({s.band}) vs "
                f"object {obj.values[s.scale]} ({obj.bands[s.scale]})"
            )
    if fused[0].flags != obj.flags or any(s.flags for s in fused[1:]):
        out.append(f"row {r}: fused flags differ from the object path's")
    return out


def _check_columnar(
    specs: Sequence[InstrumentSpec], sink: _Sink, notes: list[str]
) -> None:
    for spec in specs:
        rows = [
            [float(i.minimum) for i in spec.items],
            [float(i.maximum) for i in spec.items],
            [float(i.minimum + (i.maximum - i.minimum) // 2) for i in spec.items],
        ]
        for problem in paths_disagree(spec, rows)[:1]:
            sink.add(
                "columnar",
                f"the object and columnar paths of {spec.id!r} disagree ({problem}): "
                "report this to riskcore",
                key=f"columnar-{spec.id}",
            )
