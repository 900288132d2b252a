"""The JSON report: data only, a JSON Schema, loadable; dumps on every result type."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import jsonschema
import pytest

import riskcore
from riskcore import io
from riskcore.cli import main
from riskcore.errors import LoadError
from riskcore.report import render
from riskcore.report.data import ReportData, loads_report, report_data, report_schema
from riskcore.workflow import PlanReport, build_plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"
EXAMPLE_REPORT = ROOT / "examples" / "longmont-report.json"


@pytest.fixture(scope="module")
def report() -> PlanReport:
    case = riskcore.load_case(EXAMPLE)
    named = attrs.evolve(case.clients[0], name="Zelda Quintanilla")
    case = attrs.evolve(case, clients=(named, *case.clients[1:]))
    return build_plan(case, seed=3, n=500, today=dt.date(2026, 10, 5))


def test_dumps_of_a_plan_report_is_the_json_report(report: PlanReport) -> None:
    """Regression: riskcore.dumps(report) raised NameError ('PlanResult')."""
    text = riskcore.dumps(report)
    data = json.loads(text)
    assert data["summary"]["risks"] == len(report.register.risks)
    assert loads_report(text) == report_data(report)


def test_dumps_works_on_every_public_result_type(report: PlanReport) -> None:
    results = {
        "assessment": report.assessment,
        "inherent": report.inherent,
        "register": report.register,
        "result": report.result,
        "plan": report.plan,
        "armed": report.armed,
        "obligations": report.obligations,
        "simulation": report.simulation,
        "plugins": report.plugins,
        "report": report,
        "report_data": report_data(report),
    }
    for name, obj in results.items():
        for fmt in ("json", "yaml"):
            text = riskcore.dumps(obj, fmt)
            assert text.strip(), name


def test_the_json_report_is_data_only(report: PlanReport) -> None:
    text = render(report, "json")
    assert "colour" not in text
    assert "<svg" not in text
    assert "#c62828" not in text
    assert "heatmap" not in text
    data = json.loads(text)
    assert set(data["levels"]) == {lv.name for lv in report.register.matrix.levels}
    # plugins' sections are data too: text, a table and checklist groups
    (colorado,) = data["sections"]
    assert colorado["key"] == "us-co.duty-to-warn"
    assert {g["kind"] for g in colorado["checklist"]} <= {"all-of", "one-of"}
    assert "<" not in json.dumps(colorado)
    assert data["missing_sections"] == []


def test_names_only_with_the_identifying_opt_in(report: PlanReport) -> None:
    assert "Zelda" not in render(report, "json")
    assert report_data(report).names == ()
    named = report_data(report, identifying=True)
    assert [(n.id, n.name) for n in named.names] == [
        (report.case.clients[0].id, "Zelda Quintanilla")
    ]
    # ids stay ids: the name is never folded into a subject field
    assert all("Zelda" not in r.subject for r in named.risks)


def test_the_report_validates_against_its_schema_and_loads_back(
    report: PlanReport,
) -> None:
    text = render(report, "json")
    jsonschema.Draft202012Validator.check_schema(report_schema())
    jsonschema.Draft202012Validator(report_schema()).validate(json.loads(text))
    loaded = loads_report(text)
    assert isinstance(loaded, ReportData)
    assert loaded == report_data(report)
    assert [r.id for r in loaded.critical] == [
        r.id for r in report_data(report).risks if r.critical
    ]
    assert loaded.critical  # the example has critical risks


def test_the_example_report_validates_and_loads() -> None:
    """examples/longmont-report.json (what ``riskcore plan`` writes, see
    docs/report.md for the command) is valid against the schema and loads."""
    data = json.loads(EXAMPLE_REPORT.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    loaded = riskcore.load_report(EXAMPLE_REPORT)
    assert loaded.case_id == "longmont-practice"
    assert loaded.critical
    assert riskcore.dumps(loaded, indent=2) + "\n" == EXAMPLE_REPORT.read_text(
        encoding="utf-8"
    )


def test_plan_writes_a_report_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    argv = ["plan", str(EXAMPLE), "--trials", "200", "--seed", "1"]
    # the example practice is incomplete on purpose (c-09): exit status 3
    assert main([*argv, "--today", "2026-10-05", "-q", "-o", str(out)]) == 3
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    assert riskcore.load_report(out).generated == dt.date(2026, 10, 5)


def test_a_bad_report_is_refused_with_its_path(report: PlanReport) -> None:
    data = json.loads(render(report, "json"))
    data["risks"][2]["likelihood"] = "high"
    with pytest.raises(LoadError, match=r"risks\[2\]\.likelihood: expected a number"):
        loads_report(json.dumps(data))
    data = json.loads(render(report, "json"))
    data["risks"][0]["inherent_colour"] = "#fff"
    with pytest.raises(LoadError, match=r"risks\[0\]: unknown key 'inherent_colour'"):
        loads_report(json.dumps(data))
    data = json.loads(render(report, "json"))
    data["schema_version"] = 99
    with pytest.raises(LoadError, match="schema_version"):
        loads_report(json.dumps(data))


def test_load_report_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "r.json"
    bad.write_text('{"schema_version": 1, "title": 3}', encoding="utf-8")
    with pytest.raises(LoadError, match=r"r\.json.*title: expected a string"):
        riskcore.load_report(bad)


def test_schema_report_subcommand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "report"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "riskcore JSON report"
    assert "sections" in schema["properties"]
    assert schema == io.unstructure(report_schema())
