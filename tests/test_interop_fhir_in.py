"""FHIR R4 QuestionnaireResponse in: matching, pseudonyms, issues, round trip."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

import riskcore
from riskcore.errors import InteropError
from riskcore.interop import (
    InstrumentMap,
    Mapping,
    Severity,
    load_mapping,
    read_fhir,
    subject_id,
)
from riskcore.interop.fhir_in import dumps_ndjson
from riskcore.interop.fhir_out import bundle, responses_to_fhir
from riskcore.model import InvalidAnswer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"


def qr(
    items: list[dict[str, Any]],
    *,
    questionnaire: str | None = "urn:riskcore:questionnaire:phq9",
    subject: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "subject": subject or {"reference": "Patient/123"},
        "authored": "2026-10-05T09:30:00+02:00",
        "item": items,
        **extra,
    }
    if questionnaire is not None:
        out["questionnaire"] = questionnaire
    return out


def ans(value: Any, key: str = "valueInteger") -> dict[str, Any]:
    return {"answer": [{key: value}]}


PHQ9_ALL = [{"linkId": str(i), **ans(1)} for i in range(1, 10)]


@pytest.fixture(scope="module")
def case() -> riskcore.model.Case:
    return riskcore.load_case(EXAMPLE)


def test_round_trip_gives_an_identical_assessment(
    case: riskcore.model.Case, tmp_path: Path
) -> None:
    """Export the example's responses as QuestionnaireResponses, import them:
    the assessment is the same (Bundle, NDJSON and folder alike)."""
    qrs = responses_to_fhir(case)
    assert len(qrs) == len(case.responses)
    base = attrs.evolve(case, responses=())
    before = riskcore.assess(case)
    (tmp_path / "all.ndjson").write_text(dumps_ndjson(qrs), encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    for i, r in enumerate(qrs):
        (folder / f"{i:03d}.json").write_text(json.dumps(r), encoding="utf-8")
    for source in (bundle(qrs), tmp_path / "all.ndjson", folder):
        result = read_fhir(source, strict=True)
        assert result.issues == ()
        again = result.to_case(base=base)
        assert riskcore.assess(again) == before
        assert [r.subject for r in again.responses] == [
            r.subject for r in case.responses
        ]


def test_loinc_panel_url_and_item_codes_match() -> None:
    """PHQ-9 by its LOINC panel (44249-1) and item 9 by its LOINC code (44260-8);
    the total's LOINC code (44261-6) is recognised and skipped with a note."""
    items = [
        *({"linkId": str(i), **ans(0)} for i in range(1, 9)),
        {"linkId": "/44260-8", **ans(2)},
        {"linkId": "/44261-6", **ans(2)},
    ]
    r = read_fhir(qr(items, questionnaire="http://loinc.org/q/44249-1|2.73"))
    (resp,) = r.responses
    assert resp.instrument == "phq9"
    assert resp.items["9"] == 2
    assert resp.administered == dt.date(2026, 10, 5)
    assert r.errors == ()
    (note,) = r.issues
    assert note.severity is Severity.NOTE
    assert note.path == "item[9].linkId"
    assert "total score" in note.message


def test_a_questionnaire_in_the_bundle_maps_urls_and_item_codes() -> None:
    q = {
        "resourceType": "Questionnaire",
        "url": "http://example.org/Questionnaire/phq",
        "status": "active",
        "code": [{"system": "http://loinc.org", "code": "44249-1"}],
        "item": [{"linkId": "q9", "code": [{"code": "44260-8"}], "type": "choice"}],
    }
    b = bundle_of(
        q,
        qr(
            [{"linkId": "q9", **ans(3)}],
            questionnaire="http://example.org/Questionnaire/phq|1.0",
        ),
    )
    r = read_fhir(b)
    assert r.responses[0].instrument == "phq9"
    assert r.responses[0].items == {"9": 3}


def bundle_of(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": x} for x in resources],
    }


def test_a_mapping_file_maps_urls_items_and_answer_codes(tmp_path: Path) -> None:
    f = tmp_path / "map.yaml"
    f.write_text(
        "schema_version: 1\n"
        "instruments:\n"
        "  - instrument: phq9\n"
        "    urls: ['http://clinic.example/Questionnaire/phq9-local']\n"
        "    items: {little-interest: '1', self-harm: 9}\n"
        "    answers: {LA6568-5: 0, LA6571-9: 3}\n"
        "    ignore: [phq9-score]\n",
        encoding="utf-8",
    )
    mapping = load_mapping(f)
    items = [
        {"linkId": "little-interest", **ans({"code": "LA6571-9"}, "valueCoding")},
        {"linkId": "self-harm", **ans({"code": "LA6568-5"}, "valueCoding")},
        {"linkId": "phq9-score", **ans(3)},
    ]
    r = read_fhir(
        qr(items, questionnaire="http://clinic.example/Questionnaire/phq9-local"),
        mapping=mapping,
    )
    assert r.issues == ()
    assert r.responses[0].items == {"1": 3, "9": 0}


def test_ordinal_extension_and_numeric_codes_are_answer_codes() -> None:
    ordinal = {
        "code": "LA6570-1",
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                "valueDecimal": 2,
            }
        ],
    }
    items = [
        {"linkId": "1", **ans(ordinal, "valueCoding")},
        {"linkId": "2", **ans({"code": "3"}, "valueCoding")},
        {"linkId": "3", **ans(1.0, "valueDecimal")},
    ]
    r = read_fhir(qr(items))
    assert r.issues == ()
    assert r.responses[0].items == {"1": 2, "2": 3, "3": 1.0}


def test_unmappable_items_and_wrong_types_are_reported_with_their_path() -> None:
    items = [
        *PHQ9_ALL[:8],
        {"linkId": "mood-note", **ans("fine", "valueString")},
        {"linkId": "9", **ans("sometimes", "valueString")},
    ]
    r = read_fhir(bundle_of({"resourceType": "Patient", "name": []}, qr(items)))
    paths = {i.path: i.message for i in r.errors}
    assert "entry[1].resource.item[8].linkId" in paths
    assert "not an item of phq9" in paths["entry[1].resource.item[8].linkId"]
    assert "entry[1].resource.item[9].answer[0]" in paths
    assert "valueString" in paths["entry[1].resource.item[9].answer[0]"]
    # the free text is never echoed
    assert all("sometimes" not in str(i) and "fine" not in str(i) for i in r.issues)
    # fail closed: the wrong answer enters as invalid, so the critical item
    # raises its invalid flag and the instrument is incomplete
    (resp,) = r.responses
    assert isinstance(resp.items["9"], InvalidAnswer)
    case = r.to_case()
    a = riskcore.assess(case)
    phq = [s for s in a.scores if s.instrument == "phq9"]
    assert phq
    assert not all(s.complete for s in phq)
    codes = {f.code for s in phq for f in s.flags}
    assert any("item9" in c for c in codes)


def test_strict_mode_refuses_with_every_location(tmp_path: Path) -> None:
    items = [*PHQ9_ALL[:8], {"linkId": "9", **ans(True, "valueBoolean")}]
    f = tmp_path / "b.json"
    f.write_text(json.dumps(bundle_of(qr(items))), encoding="utf-8")
    with pytest.raises(InteropError) as err:
        read_fhir(f, strict=True)
    assert str(err.value).startswith(f"{f}: entry[0].resource.item[8].answer[0]")
    assert "valueBoolean answers a scale item" in str(err.value)


@pytest.mark.parametrize(
    ("resource", "path", "words"),
    [
        (qr(PHQ9_ALL, questionnaire=None), "questionnaire", "missing"),
        (
            qr(PHQ9_ALL, questionnaire="http://example.org/Questionnaire/moca"),
            "questionnaire",
            "not an instrument any installed plugin scores",
        ),
        (
            qr(PHQ9_ALL, questionnaire="urn:riskcore:questionnaire:bdi2"),
            "questionnaire",
            "no installed plugin scores",
        ),
        (qr(PHQ9_ALL, subject={"display": "Jane Doe"}), "subject", "missing"),
        (qr(PHQ9_ALL, authored="05/10/2026"), "authored", "not a date"),
        (qr([PHQ9_ALL[0], PHQ9_ALL[0]]), "item[1].linkId", "duplicate linkId"),
        (
            qr([{"linkId": "1", "answer": [{"valueInteger": 1}, {"valueInteger": 2}]}]),
            "item[0].answer",
            "2 answers",
        ),
        (qr([{"linkId": "1", **ans("1")}]), "item[0].answer[0]", "not an integer"),
        (
            {"resourceType": "Observation"},
            "resourceType",
            "not a Bundle or a QuestionnaireResponse",
        ),
    ],
)
def test_each_problem_is_an_error_at_its_path(
    resource: dict[str, Any], path: str, words: str
) -> None:
    r = read_fhir(resource)
    assert any(i.path == path and words in i.message for i in r.errors), r.issues
    assert "Jane" not in " ".join(str(i) for i in r.issues)


def test_subjects_are_pseudonymous_and_names_never_read() -> None:
    subject = {"reference": "Patient/MRN-0012345", "display": "Jane Doe"}
    r = read_fhir(qr(PHQ9_ALL, subject=subject))
    sid = r.responses[0].subject
    assert sid == subject_id("Patient/MRN-0012345")
    assert "12345" not in sid
    assert r.clients == (sid,)
    keyed = read_fhir(qr(PHQ9_ALL, subject=subject), key=b"practice-secret")
    assert keyed.responses[0].subject != sid
    assert "Jane" not in riskcore.dumps(r.to_case())


def test_a_practitioner_subject_is_a_professional() -> None:
    items = [{"linkId": str(i), **ans(1)} for i in range(1, 6)]
    r = read_fhir(
        qr(
            items,
            questionnaire="urn:riskcore:questionnaire:who5",
            subject={"reference": "Practitioner/77"},
        )
    )
    assert r.professionals == (r.responses[0].subject,)
    assert r.clients == ()
    case = r.to_case(case_id="staff")
    assert case.professionals[0].id == r.responses[0].subject


def test_entered_in_error_is_skipped_with_a_note() -> None:
    r = read_fhir(qr(PHQ9_ALL, status="entered-in-error"))
    assert r.responses == ()
    assert [i.severity for i in r.issues] == [Severity.NOTE]


def test_mapping_by_form_and_instrument() -> None:
    m = Mapping(instruments=[InstrumentMap(instrument="gad7", forms=["gad_7"])])
    assert m.by_form("gad_7") is m.instruments[0]
    assert m.by_form("gad7") is m.instruments[0]
    assert m.by_url("http://x.example/q") is None


def test_deeply_nested_groups_are_reported_not_recursed() -> None:
    node: dict[str, Any] = {"linkId": "9", "answer": [{"valueInteger": 1}]}
    for depth in range(40):
        node = {"linkId": f"g{depth}", "item": [node]}
    r = read_fhir(qr([node]))
    assert any("nested more than 16 levels" in i.message for i in r.errors)
    assert r.responses[0].items == {}


def test_groups_and_answers_with_nested_items_are_walked() -> None:
    items = [
        {"linkId": "grp", "item": [{"linkId": "1", **ans(2)}]},
        {
            "linkId": "2",
            "answer": [{"valueInteger": 1, "item": [{"linkId": "3", **ans(0)}]}],
        },
    ]
    r = read_fhir(qr(items))
    assert r.errors == ()
    assert r.responses[0].items == {"1": 2, "2": 1, "3": 0}
