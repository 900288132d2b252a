"""Reports a practice can act on: self-contained HTML, Markdown and JSON.

The report is built from a :class:`~riskcore.workflow.PlanReport` only (the
public API), in this order: what to act on first (critical risks, armed
responses, legal duties), incomplete assessments, a summary, the phased plan,
the risk register with the reasons behind each level, a heat map, uncertainty,
and provenance. Identifying data is redacted unless asked for: subjects are shown
by their pseudonymous ids.

The HTML needs no network: styles are inline, the heat map is inline SVG, and it
prints on A4/Letter.

.. versionadded:: 0.1
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

from riskcore.report.context import build_context

if TYPE_CHECKING:
    import os

    from riskcore.workflow import PlanReport

__all__ = ["ReportFormat", "render", "write"]

ReportFormat = Literal["html", "markdown", "json"]

_SUFFIX: dict[str, ReportFormat] = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
}


def render(
    report: PlanReport, format: ReportFormat = "html", *, identifying: bool = False
) -> str:
    """Render *report* as HTML, Markdown or JSON text.

    Parameters
    ----------
    report:
        The output of :func:`riskcore.build_plan`.
    format:
        ``"html"`` (self-contained, printable), ``"markdown"`` or ``"json"``.
    identifying:
        Show names next to pseudonymous ids. Off by default.
    """
    if format == "json":
        from riskcore.io import unstructure

        data: dict[str, Any] = build_context(report, identifying=identifying)
        data = {k: v for k, v in data.items() if k != "heatmap_svg"}
        return json.dumps(unstructure(data), indent=2, default=str) + "\n"
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("riskcore.report", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    name = "report.html.j2" if format == "html" else "report.md.j2"
    ctx = build_context(report, identifying=identifying)
    return env.get_template(name).render(**ctx)


def format_for(path: str | os.PathLike[str]) -> ReportFormat:
    """The report format implied by a file name's suffix."""
    from pathlib import Path

    from riskcore.errors import RiskcoreError

    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIX:
        raise RiskcoreError(
            f"{path}: cannot tell the report format from {suffix!r}; use .html, .md or .json"
        )
    return _SUFFIX[suffix]


def write(
    report: PlanReport, path: str | os.PathLike[str], *, identifying: bool = False
) -> None:
    """Render *report* in the format its suffix implies and write it atomically."""
    from riskcore.io import write_atomic

    text = render(report, format_for(path), identifying=identifying)
    write_atomic(path, text)
