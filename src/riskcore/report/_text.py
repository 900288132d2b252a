"""The JSON report's text, streamed: each risk row made as it is written.

Internal to :mod:`riskcore.report` (:func:`riskcore.report.stream` writes the
JSON report through :func:`_report_text`); the plain data and its fast pass are
:mod:`riskcore.report.data`'s.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from riskcore.report.data import (
    ReportData,
    _json_context,
    _NotFastError,
    _plain,
    _slow,
)

if TYPE_CHECKING:
    from riskcore.workflow import PlanReport


def _report_text(
    report: PlanReport,
    *,
    identifying: bool = False,
    since_review: Mapping[str, Any] | None = None,
) -> Iterator[str]:
    """The JSON report's text in pieces: ``json.dumps(report_plain(...),
    ensure_ascii=False, indent=2)``, piece by piece, with each risk row made
    (context row, plain record, text) only when it is written, so a large
    practice's rows are never all held at once (internal, for
    :func:`riskcore.report.stream`).

    Everything but the rows is made first, so a value the fast pass cannot
    vouch for there sends the whole report the slow way before any text. A
    risk row it cannot vouch for is found while writing: the text already
    written is the slow path's too (the fast pass gives exactly what the slow
    path gives for every value it takes), so the slow path's text (or its
    error) continues from there.
    """
    from riskcore._io_write import iter_indented_json

    ctx = _json_context(report, identifying, since_review, lazy=True)
    try:
        data = _plain(ReportData)(ctx)
    except _NotFastError:
        yield from iter_indented_json(_slow(report, identifying, since_review), 2)
        return
    written = 0
    try:
        for piece in iter_indented_json(data, 2):
            written += len(piece)
            yield piece
    except _NotFastError:
        slow = iter_indented_json(_slow(report, identifying, since_review), 2)
        yield from _after(slow, written)


def _after(pieces: Iterator[str], skip: int) -> Iterator[str]:
    """The text of *pieces* after its first *skip* characters."""
    for piece in pieces:
        if skip >= len(piece):
            skip -= len(piece)
            continue
        yield piece[skip:]
        break
    yield from pieces
