"""Plugins' report sections (issue #19): one context, three formats, failures
reported, the Colorado duty checklist shown once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest

import riskcore
from riskcore import hookimpl
from riskcore.errors import PluginError
from riskcore.model import ChecklistGroup, ReportSection
from riskcore.plugins import PluginManager
from riskcore.report import render
from riskcore.workflow import PlanReport, build_plan, report_sections

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"
ALTERNATIVE = "Notify an appropriate law enforcement agency"
OTHER = "Or take other appropriate action, such as hospitalising the patient"


def _plan(pm: PluginManager | None = None) -> PlanReport:
    case = riskcore.load_case(EXAMPLE)
    return build_plan(case, seed=7, n=0, pm=pm, today=dt.date(2026, 11, 1))


@pytest.fixture(scope="module")
def report() -> PlanReport:
    return _plan()


class Raises:
    @hookimpl
    def riskcore_report_sections(self, report):
        raise RuntimeError("secret client detail")


class Markup:
    @hookimpl
    def riskcore_report_sections(self):
        return ["<h2>not data</h2>"]


class Escaped:
    @hookimpl
    def riskcore_report_sections(self):
        return [
            ReportSection(
                key="x.note",
                title="A <b>note</b>",
                paragraphs=["<script>alert(1)</script> *not emphasis*"],
                checklist=[ChecklistGroup(kind="all-of", items=["First", "Second"])],
            )
        ]


@pytest.fixture(scope="module")
def failing() -> PlanReport:
    pm = PluginManager()
    pm.register(Raises(), name="zz-raises")
    pm.register(Markup(), name="zz-markup")
    return _plan(pm)


def test_colorado_contributes_its_duty_checklist_as_a_section(report):
    [section] = [s for s in report.sections if s.key == "us-co.duty-to-warn"]
    assert section.obligations == ("us-co.duty-to-warn-and-protect",)
    assert [g.kind for g in section.checklist] == ["all-of", "one-of", "all-of"]
    one_of = section.checklist[1].items
    assert [i.split(" — ")[0] for i in one_of] == [ALTERNATIVE, OTHER]
    duties = [
        o
        for o in report.obligations.obligations
        if o.id == "us-co.duty-to-warn-and-protect"
    ]
    assert [r[0] for r in section.rows] == [o.subject for o in duties]
    assert not report.section_failures


def test_html_shows_the_section_and_the_checklist_once(report):
    html = render(report, "html")
    assert 'id="section-us-co.duty-to-warn"' in html
    assert "Colorado duty to warn and protect: what to do" in html
    assert html.count(ALTERNATIVE) == 1  # not again in the duty list
    # the two alternatives are one "Do one of" step
    step = html.split("<strong>Do one of:</strong>", 1)[1].split("</ul>", 1)[0]
    assert ALTERNATIVE in step
    assert "hospitalising" in step
    assert 'Checklist: see <a href="#section-us-co.duty-to-warn">' in html


def test_markdown_shows_the_section_and_the_checklist_once(report):
    md = render(report, "markdown")
    assert "## Colorado duty to warn and protect: what to do" in md
    assert md.count(ALTERNATIVE) == 1
    after = md.split("2. Do one of:", 1)[1].splitlines()
    assert after[1].startswith("   - " + ALTERNATIVE)
    assert after[2].startswith("   - Or take other appropriate action")
    assert 'Checklist: see "Colorado duty to warn and protect: what to do"' in md


def test_json_has_the_section_as_plain_data(report):
    data = json.loads(render(report, "json"))
    [section] = [s for s in data["sections"] if s["key"] == "us-co.duty-to-warn"]
    assert [g["kind"] for g in section["checklist"]] == ["all-of", "one-of", "all-of"]
    assert section["columns"] == ["Client", "Status", "Still to determine", "Act"]
    assert all(isinstance(c, str) for row in section["rows"] for c in row)
    assert data["missing_sections"] == []


def test_a_failing_plugin_is_recorded_and_the_report_says_a_section_is_missing(
    failing,
):
    got = {(f.plugin, f.error_type) for f in failing.section_failures}
    assert got == {("zz-raises", "RuntimeError"), ("zz-markup", "InvalidResult")}
    markup = next(f for f in failing.section_failures if f.plugin == "zz-markup")
    assert "expected ReportSection objects" in markup.detail
    # the other plugins' sections are still there
    assert [s.key for s in failing.sections] == ["us-co.duty-to-warn"]
    for fmt in ("html", "markdown", "json"):
        text = render(failing, fmt)
        assert "A section of plugin zz-raises is missing" in text, fmt
        assert "A section of plugin zz-markup is missing" in text, fmt
        assert "secret client detail" not in text, fmt


def test_strict_mode_raises_on_a_failing_section(report):
    pm = PluginManager()
    pm.register(Raises(), name="zz-raises")
    with pytest.raises(PluginError, match=r"zz-raises.*riskcore_report_sections"):
        report_sections(report, pm, strict=True)
    sections, failures = report_sections(report, pm)
    assert [f.plugin for f in failures] == ["zz-raises"]
    assert [s.key for s in sections] == ["us-co.duty-to-warn"]


def test_without_the_section_the_duty_list_shows_the_checklist_itself(report):
    """Fail closed: if Colorado's section is missing, the checklist is not."""
    bare = attrs.evolve(report, sections=())
    html = render(bare, "html")
    duties = [
        o
        for o in report.obligations.obligations
        if o.id == "us-co.duty-to-warn-and-protect"
    ]
    assert duties
    assert html.count(ALTERNATIVE) == len(duties)  # in each duty's own checklist
    assert "Checklist: see" not in render(bare, "markdown")


def test_section_text_is_escaped_in_every_format():
    pm = PluginManager()
    pm.register(Escaped(), name="zz-escaped")
    rep = _plan(pm)
    html = render(rep, "html")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>Do all of:</strong><ul><li>First</li><li>Second</li>" in html
    md = render(rep, "markdown")
    assert "## A &lt;b&gt;note&lt;/b&gt;" in md
    assert r"\*not emphasis\*" in md
    data = json.loads(render(rep, "json"))
    assert data["sections"][-1]["paragraphs"] == [
        "<script>alert(1)</script> *not emphasis*"
    ]
