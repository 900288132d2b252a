"""The report people read (issue #20): it prints, groups, owns and explains.

The PDF test prints the HTML report with headless Chromium and reads the PDF's
text back (pypdf). It skips without Chromium, and fails instead when
``RISKCORE_REQUIRE_BROWSER`` is set (CI installs Chromium and sets it).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from riskcore import build_plan, load_case
from riskcore.model import Practice
from riskcore.plain import hours, money, number
from riskcore.report import render, write
from riskcore.report.views import checklist_groups, trigger_words
from riskcore.workflow import PlanReport

EXAMPLE = Path(__file__).parents[1] / "examples" / "longmont-practice.yaml"


@pytest.fixture(scope="module")
def report() -> PlanReport:
    return build_plan(load_case(EXAMPLE), n=0, today=dt.date(2026, 11, 1))


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _pdf_text(report: PlanReport, tmp_path: Path) -> str:
    browser = _chromium()
    if browser is None:
        if os.environ.get("RISKCORE_REQUIRE_BROWSER"):
            pytest.fail(
                "chromium is required (RISKCORE_REQUIRE_BROWSER is set) but not installed"
            )
        pytest.skip("chromium is not installed")
    pypdf = pytest.importorskip("pypdf")
    page = tmp_path / "report.html"
    write(report, page)
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    reader = pypdf.PdfReader(pdf)
    text = "\n".join(p.extract_text() for p in reader.pages)
    return re.sub(r"\s+", " ", text)


def test_the_printed_report_has_every_collapsed_section(
    report: PlanReport, tmp_path: Path
) -> None:
    """Collapsed sections (the non-emergency safety-plan steps, each risk's
    explanation) used to vanish from the PDF; the print stylesheet expands them."""
    text = _pdf_text(report, tmp_path)
    # The Stanley-Brown safety plan is armed "urgent" for c-04: collapsed on screen.
    for step in (
        "Warning signs",
        "Internal coping strategies",
        "People to ask for help",
        "Making the environment safe",
    ):
        assert step in text, step
    # Explanations of non-critical risks (collapsed per subject on screen).
    why = report.register.risk("burnout:t-02").explain()
    assert why[0] in text
    assert "base likelihood" in text
    # The Pareto frontier and the options left out are in it too.
    assert "Cost–residual trade-off" in text or "Pareto" in text


def test_the_print_stylesheet_expands_details_and_keeps_rows_whole(
    report: PlanReport,
) -> None:
    html = render(report, "html")
    css = html.split("@media print", 1)[1].split("</style>", 1)[0]
    assert "details::details-content" in css
    assert "content-visibility: visible" in css
    assert "thead { display: table-header-group; }" in css
    assert "tr, li, .card, .banner, ol.steps { break-inside: avoid; }" in css
    assert "<script" not in html  # the report stays free of scripts


def test_the_register_has_one_row_per_threat_with_owner_and_treatment(
    report: PlanReport,
) -> None:
    html = render(report, "html")
    register = html.split('<section id="register">', 1)[1].split("</section>", 1)[0]
    threats = {r.threat for r in report.register.risks}
    assert register.count("<tr>") == 1 + len(threats)  # the header row, one per threat
    assert len(threats) < len(report.register.risks)
    # the twelve "drop-out after a rupture" risks: one row, identical levels joined
    [row] = [r for r in register.split("<tr>") if "Client drop-out" in r]
    assert "(12)" in row
    assert re.search(r"c-01</a>, <a href=\"#subject-c-02\">c-02</a>", row)
    assert "each client&#39;s clinician" in row
    assert "treat: " in row
    md = render(report, "markdown")
    assert md.count("| Client drop-out") == 1


def test_each_subject_has_an_integrated_view(report: PlanReport) -> None:
    html = render(report, "html")
    view = html.split('id="subject-c-07"', 1)[1].split("</details>", 1)[0]
    assert "aggression-screen" in view  # scores
    assert "Threat of violence against a third party" in view  # risks
    assert "Duty to warn and protect" in view  # duties
    assert "Emergency protocol" in view  # responses
    assert report.register.risk("third-party-violence:c-07").explain()[0] in view
    # the register links to it
    assert 'href="#subject-c-07"' in html
    t03 = html.split('id="subject-t-03"', 1)[1].split("</details>", 1)[0]
    assert "lone-working" in t03  # lone-working exposure is there


def test_people_read_plain_numbers_and_words(report: PlanReport) -> None:
    html = render(report, "html")
    md = render(report, "markdown")
    for text in (html, md):
        assert "act within 0 h" not in text
        assert "act immediately" in text
        assert "$15,000" in text  # the budget, in the practice's currency
        assert "level:third-party-violence&gt;=" not in text
        assert "level:third-party-violence>=" not in text
        assert "Threat of violence against a third party at very high or above" in text
        assert "Expected harm (severity-weighted)" in text  # the glossary
    assert 'id="glossary"' in html


def test_money_follows_the_practice_currency(report: PlanReport) -> None:
    import attrs

    case = attrs.evolve(
        report.case, practice=attrs.evolve(report.case.practice, currency="EUR")
    )
    eur = attrs.evolve(report, case=case)
    html = render(eur, "html")
    assert "€15,000" in html
    assert "$15,000" not in html
    assert Practice(id="p").currency == "USD"


def test_the_duty_checklist_shows_alternatives_as_one_of(report: PlanReport) -> None:
    # The Colorado plugin shows its checklist in its own report section
    # (riskcore_report_sections); the duty list points there.
    html = render(report, "html")
    duty = html.split('id="section-us-co.duty-to-warn"', 1)[1].split("</section>", 1)[0]
    assert "Do all of:" in duty
    one_of = duty.split("Do one of:", 1)[1].split("</ul>", 1)[0]
    assert "Notify an appropriate law enforcement agency" in one_of
    assert "hospitalising" in one_of
    assert "Notify the person or persons threatened" not in one_of
    md = render(report, "markdown")
    assert "2. Do one of:\n   - Notify an appropriate law enforcement agency" in md


def test_checklist_groups_and_triggers() -> None:
    steps = checklist_groups(
        [
            {"id": "a", "title": "A", "any_of": ["b", "c"]},
            {"id": "d", "title": "D", "any_of": []},
            {"id": "b", "title": "B", "any_of": ["a"]},
            {"id": "c", "title": "C", "any_of": ["a"]},
        ]
    )
    assert [(s["kind"], [i["id"] for i in s["items"]]) for s in steps] == [
        ("one-of", ["a", "b", "c"]),
        ("do", ["d"]),
    ]
    assert (
        trigger_words("level:burnout>=very-high", {}) == "burnout at very high or above"
    )
    assert trigger_words("something else", {}) == "something else"


@pytest.mark.parametrize(
    ("value", "text"),
    [(3000, "3,000"), (0.000012, "0.000012"), (1.25e-5, "0.0000125"), (2.5, "2.5")],
)
def test_number_never_writes_scientific_notation(value: float, text: str) -> None:
    assert number(value) == text
    assert "e" not in number(value)


def test_money_and_hours() -> None:
    assert money(1234567) == "$1,234,567"
    assert money(1500, "GBP") == "£1,500"
    assert hours(0) == "immediately"
    assert hours(72) == "within 3 days"
