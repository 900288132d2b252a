"""Views of a :class:`~riskcore.model.risk.RiskRegister`: risks, critical first.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from riskcore.display.options import _html_enabled
from riskcore.display.tables import (
    Cell,
    _box,
    _lines,
    _num,
    _table,
)
from riskcore.palette import PALETTE as _PALETTE
from riskcore.palette import level_colours as _colours

if TYPE_CHECKING:
    from riskcore.model.risk import Risk, RiskRegister

__all__ = ["register_html", "register_text"]


def _risk_order(reg: RiskRegister) -> list[Risk]:
    rank = {lv.name: i for i, lv in enumerate(reg.matrix.levels)}
    return sorted(
        reg.risks,
        key=lambda r: (
            not r.critical,
            -rank.get(r.level, 0),
            -r.residual.expected_harm,
            r.id,
        ),
    )


def _register_summary(reg: RiskRegister) -> str:
    counts = Counter(r.level for r in reg.risks)
    levels = ", ".join(
        f"{counts[lv.name]} {lv.name}"
        for lv in reversed(reg.matrix.levels)
        if counts[lv.name]
    )
    crit = sum(1 for r in reg.risks if r.critical)
    over = sum(1 for r in reg.risks if not r.within_tolerance)
    state = "complete" if reg.complete else "INCOMPLETE"
    return (
        f"{len(reg.risks)} risks ({levels or 'none'}), {crit} critical, "
        f"{over} over tolerance, residual harm {reg.expected_harm():.3g} (strict; "
        f"all safeguards {reg.expected_harm('residual_all'):.3g}), {state}"
    )


def register_text(reg: RiskRegister) -> str:
    """Short text view: summary line, then the critical and over-tolerance risks.

    Examples
    --------
    >>> from riskcore.model.risk import RiskRegister
    >>> register_text(RiskRegister(case_id="demo", method_version="x"))
    "<RiskRegister 'demo': 0 risks (none), 0 critical, 0 over tolerance, residual harm 0 (strict; all safeguards 0), complete>"
    """
    head = f"<RiskRegister {reg.case_id!r}: {_register_summary(reg)}>"
    lines = [
        f"{'CRITICAL ' if r.critical else ''}{r.id}: {r.inherent.level} -> {r.level}"
        f" (target {r.target})"
        for r in _risk_order(reg)
        if r.critical or not r.within_tolerance
    ]
    return _lines(head, lines) if lines else head


def register_html(
    reg: RiskRegister, inherent: RiskRegister | None = None, *, css: bool = True
) -> str | None:
    """HTML table of the risks: critical first, then by level and residual harm.

    Parameters
    ----------
    reg : RiskRegister
        The register to show.
    inherent : RiskRegister, optional
        The register before mitigation, whose inherent levels are shown
        (default: the inherent figures of *reg* itself).

    Returns
    -------
    str or None
        ``None`` in text mode or for more than ``max_items`` risks.

    Examples
    --------
    >>> from riskcore.model.risk import RiskRegister
    >>> "0 risks" in register_html(RiskRegister(case_id="demo", method_version="x"))
    True
    """
    if not _html_enabled(len(reg.risks)):
        return None
    colour = _colours([lv.name for lv in reg.matrix.levels])
    before = {r.id: r.inherent for r in (inherent or reg).risks}
    rows: list[list[Cell]] = []
    for r in _risk_order(reg):
        ih = before.get(r.id, r.inherent)
        rows.append(
            [
                ("critical", colour[reg.matrix.levels[-1].name]) if r.critical else "",
                r.threat,
                r.subject,
                (r.inherent_level, colour.get(r.inherent_level, _PALETTE[5])),
                (r.level, colour.get(r.level, _PALETTE[5])),
                (r.planned_level, colour.get(r.planned_level, _PALETTE[5])),
                r.target,
                "yes" if r.within_tolerance else "no",
                _num(ih.expected_harm),
                _num(r.residual.expected_harm),
                "incomplete" if r.incomplete else "",
            ]
        )
    table = _table(
        [
            "",
            "threat",
            "subject",
            "inherent",
            "now",
            "planned",
            "target",
            "in tolerance",
            "harm before",
            "harm after (strict)",
            "data",
        ],
        rows,
    )
    return _box(f"RiskRegister {reg.case_id}", _register_summary(reg), table, css=css)
