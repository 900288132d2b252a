"""``riskcore import`` / ``riskcore export`` and ``riskcore plan`` on a FHIR Bundle."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import riskcore
from riskcore.cli import main
from riskcore.interop.fhir_in import dumps_ndjson
from riskcore.interop.fhir_out import bundle, responses_to_fhir
from riskcore.model import InvalidAnswer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"
INTEROP = ROOT / "examples" / "interop"


@pytest.fixture(scope="module")
def case() -> riskcore.model.Case:
    return riskcore.load_case(EXAMPLE)


def test_export_then_import_then_plan(
    case: riskcore.model.Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = tmp_path / "bundle.json"
    assert (
        main(["export", "fhir", str(EXAMPLE), "-o", str(b), "--today", "2026-10-05"])
        == 0
    )
    data = json.loads(b.read_text(encoding="utf-8"))
    assert data["resourceType"] == "Bundle"
    # the exported Bundle imports back, with a base case for the practice
    base = tmp_path / "base.yaml"
    riskcore.dump(attrs.evolve(case, responses=()), base)
    out = tmp_path / "case.yaml"
    assert main(["import", "fhir", str(b), "--base", str(base), "-o", str(out)]) == 0
    again = riskcore.load_case(out)
    assert riskcore.assess(again) == riskcore.assess(case)
    # riskcore plan reads a Bundle directly (the case loader's FHIR hook)
    report = tmp_path / "report.json"
    argv = ["plan", str(b), "--trials", "0", "-q", "-o", str(report)]
    assert main(argv) == 3  # the example is incomplete on purpose (c-09)
    loaded = riskcore.load_report(report)
    assert loaded.case_id == "fhir"
    # every client and professional of the example has responses: all come back
    assert loaded.summary.subjects == 1 + len(case.clients) + len(case.professionals)


def test_plan_refuses_a_bundle_it_cannot_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "b.json"
    qr = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "http://example.org/Questionnaire/x",
        "subject": {"reference": "Patient/1"},
    }
    f.write_text(json.dumps(bundle([{**qr, "id": "q1"}])), encoding="utf-8")
    out = tmp_path / "r.json"
    assert main(["plan", str(f), "--trials", "0", "-q", "-o", str(out)]) != 0
    assert "entry[0].resource.questionnaire" in capsys.readouterr().err
    assert not out.exists()


def test_import_ndjson_and_csv_and_redcap(
    case: riskcore.model.Case, tmp_path: Path
) -> None:
    nd = tmp_path / "r.ndjson"
    nd.write_text(dumps_ndjson(responses_to_fhir(case)), encoding="utf-8")
    out = tmp_path / "a.json"
    assert (
        main(["import", "fhir", str(nd), "-o", str(out), "--case-id", "from-ehr"]) == 0
    )
    imported = riskcore.load_case(out)
    assert imported.id == "from-ehr"
    assert len(imported.responses) == len(case.responses)

    csv = tmp_path / "t.csv"
    csv.write_text("subject,instrument,item,answer\nc-01,phq9,9,2\n", encoding="utf-8")
    assert main(["import", "csv", str(csv), "-o", str(tmp_path / "b.yaml")]) == 0
    assert riskcore.load_case(tmp_path / "b.yaml").responses[0].items == {"9": 2}

    argv = [
        "import",
        "redcap",
        str(INTEROP / "redcap" / "export.csv"),
        "--dictionary",
        str(INTEROP / "redcap" / "dictionary.csv"),
        "--mapping",
        str(INTEROP / "redcap-mapping.yaml"),
        "-o",
        str(tmp_path / "c.yaml"),
    ]
    assert main(argv) == 0
    assert len(riskcore.load_case(tmp_path / "c.yaml").responses) == 4


def test_redcap_without_a_dictionary_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c.yaml"
    argv = ["import", "redcap", str(INTEROP / "redcap" / "export.csv"), "-o", str(out)]
    assert main(argv) == 2
    assert "--dictionary" in capsys.readouterr().err
    assert not out.exists()


def test_keep_going_writes_invalid_answers_and_lists_issues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "t.csv"
    csv.write_text(
        "subject,instrument,item,answer\nc-01,phq9,9,often\nc-01,phq9,1,2\n",
        encoding="utf-8",
    )
    out = tmp_path / "c.yaml"
    assert main(["import", "csv", str(csv), "-o", str(out)]) == 2
    assert not out.exists()
    assert main(["import", "csv", str(csv), "-o", str(out), "--keep-going"]) == 0
    err = capsys.readouterr().err
    assert "error: " in err
    assert "row 2, column answer" in err
    loaded = riskcore.load_case(out)
    assert isinstance(loaded.responses[0].items["9"], InvalidAnswer)
    assert "often" not in out.read_text(encoding="utf-8")
