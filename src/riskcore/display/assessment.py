"""Views of an :class:`~riskcore.model.Assessment`: scores, flags, failures.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskcore.display.options import _html_enabled
from riskcore.display.tables import (
    FLAG_COLOURS,
    Cell,
    _box,
    _lines,
    _num,
    _section,
    _table,
)
from riskcore.palette import PALETTE as _PALETTE

if TYPE_CHECKING:
    from riskcore.model.assessment import Assessment, Score

__all__ = ["assessment_html", "assessment_text"]


def _score_order(s: Score) -> tuple[int, int, str, str, str]:
    worst = 0
    for f in s.flags:
        worst = max(worst, {"info": 1, "warning": 2, "critical": 3}[f.level.value])
    return (-worst, 0 if not s.complete else 1, s.subject, s.instrument, s.scale)


def _value(s: Score) -> str:
    if not s.measured:
        return "not measured"
    if s.value is None:
        return "missing"
    return _num(s.value, "g")


def _assessment_summary(a: Assessment) -> str:
    subjects = len({s.subject for s in a.scores})
    crit = len(a.critical_flags)
    state = "complete" if a.complete else f"INCOMPLETE ({len(a.incomplete_reasons)})"
    return (
        f"{len(a.scores)} scores on {subjects} subjects, "
        f"{crit} critical flag{'s' if crit != 1 else ''}, {state}"
    )


def assessment_text(a: Assessment) -> str:
    """Short text view: summary line, then critical flags and incomplete reasons.

    Examples
    --------
    >>> from riskcore.model import Assessment
    >>> assessment_text(Assessment(case_id="demo"))
    "<Assessment 'demo': 0 scores on 0 subjects, 0 critical flags, complete>"
    """
    head = f"<Assessment {a.case_id!r}: {_assessment_summary(a)}>"
    lines = [
        f"CRITICAL {s.subject} {s.instrument}.{s.scale}: {f.code}"
        + (f" -> {f.escalation}" if f.escalation else "")
        for s, f in a.critical_flags
    ]
    lines += [f"incomplete: {r}" for r in a.incomplete_reasons]
    return _lines(head, lines) if lines else head


def assessment_html(a: Assessment) -> str | None:
    """HTML table of the scores, critical flags first, then incomplete scores.

    Returns ``None`` in text mode or for more than ``max_items`` scores.

    Examples
    --------
    >>> from riskcore.model import Assessment
    >>> "0 scores" in assessment_html(Assessment(case_id="demo"))
    True
    """
    if not _html_enabled(len(a.scores)):
        return None
    rows: list[list[Cell]] = []
    for s in sorted(a.scores, key=_score_order):
        flags: Cell = ""
        if s.flags:
            worst = max(
                s.flags,
                key=lambda f: ("info", "warning", "critical").index(f.level.value),
            )
            flags = (
                ", ".join(f.code for f in s.flags),
                FLAG_COLOURS[worst.level.value],
            )
        rng = f"{_num(s.minimum, 'g')}–{_num(s.maximum, 'g')}"
        rows.append(
            [
                s.subject,
                s.instrument,
                s.scale,
                _value(s) if s.complete else (_value(s), _PALETTE[5]),
                rng if s.minimum is not None or s.maximum is not None else "",
                s.band or "",
                flags,
            ]
        )
    parts = [
        _table(
            ["subject", "instrument", "scale", "value", "range", "band", "flags"], rows
        )
    ]
    if a.failures:
        parts.insert(0, _section("Assessor failures"))
        parts.insert(
            1, _table(["failure"], [[(f.summary(), _PALETTE[3])] for f in a.failures])
        )
    return _box(f"Assessment {a.case_id}", _assessment_summary(a), *parts)
