"""The main job end to end on the example practice, and the reports it renders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import attrs
import pytest

import riskcore
from riskcore.cli import main
from riskcore.report import render, write
from riskcore.workflow import PlanReport, build_plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"
SECTIONS = (
    "act-first",
    "incomplete",
    "summary",
    "plan",
    "responses",
    "heatmap",
    "register",
    "uncertainty",
    "provenance",
    "disclaimer",
)


@pytest.fixture(scope="module")
def case() -> riskcore.model.Case:
    """The synthetic example, with a name added to check redaction."""
    c = riskcore.load_case(EXAMPLE)
    named = attrs.evolve(c.clients[0], name="Zelda Quintanilla")
    return attrs.evolve(c, clients=(named, *c.clients[1:]))


@pytest.fixture(scope="module")
def report(case) -> PlanReport:
    """The main job, run once for the module (few trials: tests check logic)."""
    return build_plan(
        case, seed=7, n=2_000, today=riskcore.model.case.dt.date(2026, 11, 1)
    )


def test_plan_respects_budget_and_dependencies(report, case):
    """The plan fits the case's budget and contains what every item requires."""
    chosen = set(report.result.selected)
    assert report.result.cost <= case.budget
    for m in report.catalog.mitigations:
        if m.id in chosen:
            assert set(m.requires) <= chosen, m.id
    assert report.register.expected_harm("residual") < report.inherent.expected_harm(
        "inherent"
    )


def test_critical_items_always_escalate(report):
    """The positive item 9 and the communicated threat arm their responses."""
    armed = {(a.response, a.subject) for a in report.armed}
    assert ("collaborative-safety-plan", "c-04") in armed
    assert ("duty-to-warn-procedure", "c-07") in armed
    assert ("emergency-protocol", "c-07") in armed
    critical = {r.id for r in report.register.risks if r.critical}
    assert "client-self-harm:c-04" in critical
    for r in report.register.risks:
        if r.critical:
            assert report.register.matrix.rank(r.level) >= report.register.matrix.rank(
                "high"
            )
            assert {a.response for a in report.armed} & set(r.required_responses), r.id


def test_imminent_threat_never_rises_because_of_the_plan(report):
    """Regression (issue 13, finding 4): c-07's third-party violence was at its
    base rate, lifted to the critical floor only in the planned register, so
    the report showed it rising after the plan. Its inherent level now carries
    the recorded threat, and the plan does not raise it."""
    m = report.register.matrix
    before = report.inherent.risk("third-party-violence:c-07")
    after = report.register.risk("third-party-violence:c-07")
    assert m.rank(before.inherent.level) >= m.rank(m.critical_floor)
    assert m.rank(after.level) >= m.rank(m.critical_floor)
    assert m.rank(after.level) <= m.rank(before.inherent.level)


def test_duty_to_warn_arises_and_incomplete_is_flagged(report):
    """Colorado's duty arises for c-07; c-09's missing items make it incomplete."""
    (duty,) = report.obligations.obligations
    assert (duty.subject, duty.status.value) == ("c-07", "arises")
    assert not report.complete
    assert any("c-09" in r for r in report.assessment.incomplete_reasons)


def test_html_report_has_every_section_and_is_offline(report):
    """The HTML has each key section, no external resource, and no names."""
    html = render(report, "html")
    for section in SECTIONS:
        assert f'id="{section}"' in html, section
    assert "Zelda" not in html
    assert "<script" not in html
    for attr in ('src="http', 'href="http', "@import", "url("):
        assert attr not in html
    # Stanley-Brown order is the intervention: the steps stay in order.
    steps = [
        "Warning signs",
        "Internal coping strategies",
        "Social contacts and settings that provide distraction",
        "People to ask for help",
        "Professionals and agencies to contact in a crisis",
        "Making the environment safe",
    ]
    positions = [html.index(s) for s in steps]
    assert positions == sorted(positions)


def test_identifying_only_when_asked(report):
    """Names appear only with identifying=True."""
    assert "Zelda Quintanilla" in render(report, "markdown", identifying=True)
    assert "Zelda" not in render(report, "markdown")
    assert "Zelda" not in render(report, "json")


def test_markdown_and_json_agree(report):
    """The formats are rendered from one context."""
    md = render(report, "markdown")
    data = json.loads(render(report, "json"))
    assert data["summary"]["risks"] == len(report.register.risks)
    assert f"{data['summary']['risks']} risks across" in md
    critical = [r["id"] for r in data["risks"] if r["critical"]]
    assert critical
    assert sorted(critical) == sorted(r.id for r in report.register.risks if r.critical)
    assert "## Act first" in md
    assert md.index("## Act first") < md.index("## Risk register")


def test_html_escapes_catalog_text(report):
    """Text from a catalog is escaped, never interpreted."""
    t = report.catalog.threats[0]
    evil = attrs.evolve(t, name="<b>bold</b>")
    cat = attrs.evolve(report.catalog, threats=(evil, *report.catalog.threats[1:]))
    risks = tuple(
        attrs.evolve(r, threat_name="<b>bold</b>") if r.threat == t.id else r
        for r in report.register.risks
    )
    reg = attrs.evolve(report.register, risks=risks)
    html = render(attrs.evolve(report, catalog=cat, register=reg), "html")
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_write_picks_format_and_rejects_unknown_suffix(report, tmp_path: Path):
    """write() chooses the format from the suffix, atomically."""
    write(report, tmp_path / "r.md")
    write(report, tmp_path / "r.json")
    assert (tmp_path / "r.md").read_text().startswith("# Risk-management plan")
    json.loads((tmp_path / "r.json").read_text())
    with pytest.raises(riskcore.RiskcoreError, match="cannot tell the report format"):
        write(report, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_cli_plan_writes_report(tmp_path: Path, capsys):
    """`riskcore plan CASE -o report.html` is the README's first command."""
    out = tmp_path / "report.html"
    assert (
        main(["plan", str(EXAMPLE), "-o", str(out), "--trials", "500", "--seed", "3"])
        == 3  # the example's assessment is incomplete (c-09) by design
    )
    err = capsys.readouterr().err
    assert "riskcore: planning mitigations..." in err
    assert "critical" in err
    html = out.read_text()
    assert 'id="act-first"' in html
    assert "seed 3" in html


def test_cli_plan_bad_suffix_fails_before_work(tmp_path: Path, capsys):
    """A bad output suffix is one line, exit 2, nothing written."""
    out = tmp_path / "report.docx"
    assert main(["plan", str(EXAMPLE), "-o", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "cannot tell the report format" in err[0]
    assert not out.exists()


def test_cli_plan_markdown_to_stdout(capsys):
    """Without -o the Markdown report goes to stdout."""
    assert (
        main(
            [
                *("plan", str(EXAMPLE), "--trials", "0", "-q", "--budget", "5000"),
                "--allow-incomplete",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("# Risk-management plan: longmont-practice")
    assert "## Uncertainty" not in out


def test_cli_catalog_and_graph(tmp_path: Path, capsys):
    """catalog show/validate and graph exports."""
    assert main(["catalog", "show"]) == 0
    assert "client-self-harm" in capsys.readouterr().out
    cat = tmp_path / "catalog.yaml"
    assert main(["catalog", "show", "--format", "yaml"]) == 0
    cat.write_text(capsys.readouterr().out)
    assert main(["catalog", "validate", str(cat)]) == 0
    assert "valid (" in capsys.readouterr().out
    broken = tmp_path / "broken.yaml"
    broken.write_text(cat.read_text().replace("requires: []", "requires: [nope]", 1))
    assert main(["catalog", "validate", str(broken)]) == 2
    assert "is not a mitigation in this catalog" in capsys.readouterr().err
    for fmt, marker in (
        ("dot", "digraph"),
        ("mermaid", "flowchart"),
        ("json", '"nodes"'),
    ):
        assert main(["graph", str(EXAMPLE), "--format", fmt]) == 0
        assert marker in capsys.readouterr().out
    gml = tmp_path / "g.graphml"
    assert main(["graph", str(EXAMPLE), "--format", "graphml", "-o", str(gml)]) == 0
    assert gml.read_text().startswith("<?xml")


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_report_renders_in_headless_chromium(report, tmp_path: Path):
    """The HTML report renders in a real browser with its key sections.

    CI installs Debian's chromium and sets RISKCORE_REQUIRE_BROWSER=1, so there
    this test cannot be skipped.
    """
    browser = _chromium()
    if browser is None:
        if os.environ.get("RISKCORE_REQUIRE_BROWSER"):
            pytest.fail(
                "chromium is required (RISKCORE_REQUIRE_BROWSER is set) but not installed"
            )
        pytest.skip("chromium is not installed")
    page = tmp_path / "report.html"
    write(report, page)
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    for section in SECTIONS:
        assert f'id="{section}"' in dom, section
    assert "Collaborative safety plan" in dom
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            browser,
            *flags,
            f"--screenshot={shot}",
            "--window-size=1200,2000",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 10_000


def test_the_uncertainty_section_names_parameters_in_words(report):
    """Issue #20: parameter ids (``threat:subject:base_likelihood``) are data,
    not text for people: the HTML table shows them in words."""
    assert report.simulation is not None
    assert report.simulation.sensitivity
    html = render(report, "html")
    for s in report.simulation.sensitivity[:8]:
        assert f"<td>{s.parameter}</td>" not in html
    assert ": base likelihood</td>" in html or ": effect of " in html
