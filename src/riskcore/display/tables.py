"""The HTML pieces every view is built from: a scoped stylesheet, tables with
coloured cells, folded sections, and the text ``repr``'s line limit.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from riskcore.display.options import _OPTIONS
from riskcore.palette import PALETTE as _PALETTE

__all__ = ["FLAG_COLOURS", "STATUS_COLOURS", "Cell"]

FLAG_COLOURS = {"critical": _PALETTE[3], "warning": _PALETTE[1], "info": "#607d8b"}
"""Background colour of each flag level (the report's palette)."""

STATUS_COLOURS = {
    "optimal": _PALETTE[0],
    "feasible": _PALETTE[1],
    "infeasible": _PALETTE[3],
}
"""Background colour of each planner status."""


Cell = str | tuple[str, str]
"""A table cell: text, or (text, background colour)."""

_CSS = (
    "<style>.riskcore-repr table{font-family:sans-serif;font-size:12px;"
    "border-collapse:collapse;margin:2px 0 6px 0}"
    ".riskcore-repr td,.riskcore-repr th{padding:1px 6px;"
    "border-bottom:1px solid #ddd;text-align:left}"
    ".riskcore-repr th{border-bottom:2px solid #999}"
    ".riskcore-repr td.c{color:#fff;font-weight:bold}"
    ".riskcore-repr summary{cursor:pointer;font-weight:bold;margin-top:4px}</style>"
)
"""One stylesheet per repr (scoped to ``.riskcore-repr``): cells carry no
inline style, so the example plan's view stays small."""

_VISIBLE = 10
"""Rows of a table shown before the rest is folded under "… N more"."""


def _num(x: float | None, fmt: str = ".3g") -> str:
    if x is None or x != x:
        return "–"
    return format(x, fmt)


def _cell(c: Cell) -> str:
    if isinstance(c, tuple):
        text, colour = c
        return f'<td class="c" style="background:{colour}">{escape(text)}</td>'
    return f"<td>{escape(c)}</td>"


def _table(columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """An HTML table of at most ``max_rows`` rows, with a "more" note; rows
    after the first ten are folded (``<details>``) under "… N more rows"."""
    limit = _OPTIONS["max_rows"]
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)

    def body(part: Sequence[Sequence[Cell]]) -> str:
        return "".join(
            "<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in part
        )

    shown = rows[:limit]
    table = f"<table><tr>{head}</tr>{body(shown[:_VISIBLE])}</table>"
    if len(shown) > _VISIBLE:
        table += (
            f"<details><summary>… {len(shown) - _VISIBLE} more rows</summary>"
            f"<table><tr>{head}</tr>{body(shown[_VISIBLE:])}</table></details>"
        )
    if len(rows) > limit:
        table += f"<div><i>… and {len(rows) - limit} more (see .to_pandas())</i></div>"
    return table


def _fold(title: str, *parts: str, open: bool = False) -> str:
    """A collapsible section of a repr."""
    state = " open" if open else ""
    return (
        f"<details{state}><summary>{escape(title)}</summary>{''.join(parts)}</details>"
    )


def _box(title: str, summary: str, *parts: str, css: bool = True) -> str:
    return (
        '<div class="riskcore-repr" style="font-family:sans-serif;font-size:12px">'
        + (_CSS if css else "")
        + f"<div><b>{escape(title)}</b> {escape(summary)}</div>{''.join(parts)}</div>"
    )


def _section(title: str) -> str:
    return f'<div style="margin-top:4px;font-weight:bold">{escape(title)}</div>'


def _lines(header: str, lines: Sequence[str]) -> str:
    limit = _OPTIONS["max_lines"]
    out = [header, *(f"  {s}" for s in lines[:limit])]
    if len(lines) > limit:
        out.append(f"  … and {len(lines) - limit} more")
    return "\n".join(out)
