"""Plugins' report sections as plain data, for every format of the report.

:func:`sections_context` is what :func:`riskcore.report.context.build_context`
puts under ``sections`` (and ``missing_sections``): the HTML and Markdown
templates and the JSON report read the same lists.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from riskcore.workflow import PlanReport

__all__ = ["sections_context"]


def sections_context(report: PlanReport) -> dict[str, Any]:
    """``sections``: each plugin section as plain data; ``missing_sections``:
    one line per plugin whose sections are missing (never the plugin's error
    text, which may hold anything); ``checklist_sections``: obligation id →
    the key and title of the section presenting its checklist.

    >>> from types import SimpleNamespace
    >>> from riskcore.model import ChecklistGroup, ReportSection
    >>> s = ReportSection(key="x.duty", title="Duty", obligations=["x.warn"],
    ...                   checklist=[ChecklistGroup(kind="one-of", items=["A", "B"])])
    >>> ctx = sections_context(SimpleNamespace(sections=(s,), section_failures=()))
    >>> ctx["sections"][0]["checklist"], ctx["checklist_sections"]
    ([{'kind': 'one-of', 'items': ['A', 'B']}], {'x.warn': {'key': 'x.duty', 'title': 'Duty'}})
    """
    sections = [
        {
            "key": s.key,
            "title": s.title,
            "paragraphs": list(s.paragraphs),
            "columns": list(s.columns),
            "rows": [list(r) for r in s.rows],
            "checklist": [
                {"kind": g.kind, "items": list(g.items)} for g in s.checklist
            ],
            "obligations": list(s.obligations),
        }
        for s in report.sections
    ]
    missing = [
        {
            "plugin": f.plugin,
            "error_type": f.error_type,
            "text": f"A section of plugin {f.plugin} is missing: its "
            f"riskcore_report_sections failed with {f.error_type}.",
        }
        for f in report.section_failures
    ]
    covered = {
        o: {"key": s.key, "title": s.title}
        for s in report.sections
        for o in s.obligations
    }
    return {
        "sections": sections,
        "missing_sections": missing,
        "checklist_sections": covered,
    }
