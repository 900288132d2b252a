"""Writes the interop bad-input corpus (run once; the files are committed).

python tests/interop_badinputs/make_corpus.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
FILES = HERE / "files"
CASES: list[dict[str, Any]] = []


def qr(items: list[dict[str, Any]] | None = None, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "urn:riskcore:questionnaire:phq9",
        "subject": {"reference": "Patient/123", "display": "Jane Doe"},
        "authored": "2026-10-05",
        "item": items
        if items is not None
        else [
            {"linkId": str(i), "answer": [{"valueInteger": 1}]} for i in range(1, 10)
        ],
    }
    out.update(kw)
    return {k: v for k, v in out.items() if v is not None}


def bundle(*res: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in res],
    }


def case(
    name: str,
    fmt: str,
    data: bytes | str | dict[str, Any],
    where: str,
    why: str,
    **extra: Any,
) -> None:
    path = FILES / name
    if isinstance(data, dict):
        data = json.dumps(data, indent=1)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    CASES.append(
        {
            "id": Path(name).stem,
            "format": fmt,
            "file": name,
            "where": where,
            "why": why,
            "absent": ["Jane", "Doe"],
            **extra,
        }
    )


def main() -> None:
    """Write every case file and the manifest."""
    phq = [{"linkId": str(i), "answer": [{"valueInteger": 1}]} for i in range(1, 10)]

    # ------------------------------------------------------------------- FHIR
    case(
        "fhir-wrong-resourcetype.json",
        "fhir",
        {"resourceType": "Patient", "id": "1"},
        "resourceType",
        "not a Bundle or a QuestionnaireResponse",
    )
    case(
        "fhir-missing-questionnaire.json",
        "fhir",
        bundle(qr(questionnaire=None)),
        "entry[0].resource.questionnaire",
        "missing",
    )
    case(
        "fhir-unknown-questionnaire.json",
        "fhir",
        bundle(qr(questionnaire="http://example.org/Questionnaire/moca")),
        "entry[0].resource.questionnaire",
        "not an instrument",
    )
    case(
        "fhir-unscored-instrument.json",
        "fhir",
        qr(questionnaire="urn:riskcore:questionnaire:bdi2"),
        "questionnaire",
        "no installed plugin scores",
    )
    case(
        "fhir-duplicate-linkid.json",
        "fhir",
        bundle(qr([phq[0], *phq])),
        "entry[0].resource.item[1].linkId",
        "duplicate linkId",
    )
    case(
        "fhir-value-string.json",
        "fhir",
        bundle(
            qr(
                [
                    *phq[:8],
                    {"linkId": "9", "answer": [{"valueString": "Jane Doe said no"}]},
                ]
            )
        ),
        "entry[0].resource.item[8].answer[0]",
        "valueString",
    )
    case(
        "fhir-value-boolean.json",
        "fhir",
        bundle(qr([*phq[:8], {"linkId": "9", "answer": [{"valueBoolean": True}]}])),
        "entry[0].resource.item[8].answer[0]",
        "valueBoolean",
    )
    case(
        "fhir-value-integer-is-decimal.json",
        "fhir",
        bundle(qr([{"linkId": "1", "answer": [{"valueInteger": 1.5}]}, *phq[1:]])),
        "entry[0].resource.item[0].answer[0]",
        "not an integer",
    )
    case(
        "fhir-value-decimal-is-string.json",
        "fhir",
        bundle(qr([{"linkId": "1", "answer": [{"valueDecimal": "2"}]}, *phq[1:]])),
        "entry[0].resource.item[0].answer[0]",
        "not a number",
    )
    case(
        "fhir-coding-without-code.json",
        "fhir",
        bundle(
            qr(
                [
                    {"linkId": "1", "answer": [{"valueCoding": {"code": "LA6570-1"}}]},
                    *phq[1:],
                ]
            )
        ),
        "entry[0].resource.item[0].answer[0]",
        "has no answer code",
    )
    case(
        "fhir-two-answers.json",
        "fhir",
        bundle(
            qr(
                [
                    {
                        "linkId": "1",
                        "answer": [{"valueInteger": 1}, {"valueInteger": 2}],
                    },
                    *phq[1:],
                ]
            )
        ),
        "entry[0].resource.item[0].answer",
        "2 answers",
    )
    case(
        "fhir-unmappable-item.json",
        "fhir",
        bundle(
            qr([*phq, {"linkId": "mood-free-text", "answer": [{"valueInteger": 3}]}])
        ),
        "entry[0].resource.item[9].linkId",
        "not an item of phq9",
    )
    case(
        "fhir-missing-linkid.json",
        "fhir",
        bundle(qr([{"answer": [{"valueInteger": 1}]}, *phq[1:]])),
        "entry[0].resource.item[0].linkId",
        "missing",
    )
    case(
        "fhir-missing-subject.json",
        "fhir",
        bundle(qr(subject={"display": "Jane Doe"})),
        "entry[0].resource.subject",
        "missing",
    )
    case(
        "fhir-bad-authored.json",
        "fhir",
        bundle(qr(authored="05/10/2026")),
        "entry[0].resource.authored",
        "not a date",
    )
    case(
        "fhir-entry-not-a-list.json",
        "fhir",
        {"resourceType": "Bundle", "type": "collection", "entry": {"resource": qr()}},
        "entry",
        "expected a list",
    )
    case(
        "fhir-entry-without-resource.json",
        "fhir",
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"fullUrl": "urn:x"}],
        },
        "entry[0]",
        "no resource",
    )
    case(
        "fhir-empty-bundle.json",
        "fhir",
        {"resourceType": "Bundle", "type": "collection", "entry": []},
        "fhir-empty-bundle.json",
        "no responses found",
    )
    case(
        "fhir-truncated.json",
        "fhir",
        json.dumps(bundle(qr()))[:150],
        "line 1",
        "invalid JSON",
    )
    case(
        "fhir-bom.json",
        "fhir",
        b"\xef\xbb\xbf" + json.dumps(qr()).encode(),
        "line 1, column 1",
        "BOM",
    )
    case(
        "fhir-duplicate-key.json",
        "fhir",
        '{"resourceType": "QuestionnaireResponse", "status": "completed", '
        '"status": "amended"}',
        "duplicate key",
        "line 1",
    )
    case(
        "fhir-top-level-array.json",
        "fhir",
        json.dumps([qr()]),
        "(document)",
        "expected a FHIR resource",
    )
    case(
        "fhir-bad-line.ndjson",
        "fhir",
        json.dumps(qr()) + "\n" + json.dumps(qr())[:40] + "\n",
        "line 2",
        "invalid JSON",
    )
    case(
        "fhir-wrong-type-line.ndjson",
        "fhir",
        json.dumps(qr())
        + "\n"
        + json.dumps(qr())
        + "\n"
        + json.dumps({"resourceType": "Observation"})
        + "\n",
        "line 3: resourceType",
        "'Observation' is not a Bundle",
    )
    case(
        "fhir-not-utf8.ndjson",
        "fhir",
        json.dumps(qr()).encode() + b"\n\xff\xfe{}\n",
        "line 2",
        "not UTF-8",
    )

    # ------------------------------------------------------------------ REDCap
    choices = '"0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day"'
    dict_head = (
        "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
        '"Choices, Calculations, OR Slider Labels",Field Note,'
        "Text Validation Type OR Show Slider Number\n"
    )
    dictionary = (
        dict_head
        + "record_id,enrolment,,text,Record ID,,,\nphq9_date,phq9,,text,Date,,,date_ymd\n"
    )
    dictionary += "".join(
        f"phq9_{i},phq9,,radio,Item {i},{choices},,\n" for i in range(1, 10)
    )
    (FILES / "redcap-dictionary.csv").write_text(dictionary, encoding="utf-8")
    head = (
        "record_id,phq9_date,"
        + ",".join(f"phq9_{i}" for i in range(1, 10))
        + ",phq9_complete\n"
    )

    def rc(name: str, export: str, where: str, why: str, **extra: Any) -> None:
        case(
            name,
            "redcap",
            export,
            where,
            why,
            dictionary="redcap-dictionary.csv",
            mapping=True,
            **extra,
        )

    rc(
        "redcap-column-not-in-dictionary.csv",
        head.replace("phq9_complete", "gad7_1") + "1,2026-10-05,1,1,1,1,1,1,1,1,1,2\n",
        "row 1, column gad7_1",
        "not a field of the data dictionary",
    )
    rc(
        "redcap-choice-not-in-dictionary.csv",
        head + "1,2026-10-05,1,7,1,1,1,1,1,1,1,2\n",
        "row 2, column phq9_2",
        "not a choice",
    )
    rc(
        "redcap-excel-date.csv",
        head + "1,10/05/2026,1,1,1,1,1,1,1,1,1,2\n",
        "row 2, column phq9_date",
        "reformatted by a spreadsheet",
    )
    rc(
        "redcap-semicolons.csv",
        head.replace(",", ";") + "1;2026-10-05;1;1;1;1;1;1;1;1;1;2\n",
        "row 1",
        "semicolon-separated",
    )
    rc(
        "redcap-no-record-id.csv",
        head.replace("record_id,", "id,") + "1,2026-10-05,1,1,1,1,1,1,1,1,1,2\n",
        "row 1",
        "missing column record_id",
    )
    rc(
        "redcap-text-answer.csv",
        head + "1,2026-10-05,1,1,1,1,1,1,1,1,sometimes,2\n",
        "row 2, column phq9_9",
        "not a choice",
    )
    case(
        "redcap-bad-dictionary.csv",
        "redcap",
        head + "1,2026-10-05,1,1,1,1,1,1,1,1,1,2\n",
        "row 3, column Choices, Calculations, OR Slider Labels",
        "expected choices",
        dictionary="redcap-bad-dictionary-dict.csv",
        mapping=True,
    )
    (FILES / "redcap-bad-dictionary-dict.csv").write_text(
        dictionary.replace(
            f"phq9_1,phq9,,radio,Item 1,{choices}", 'phq9_1,phq9,,radio,Item 1,"0 | 1"'
        ),
        encoding="utf-8",
    )
    CASES[-1]["where_file"] = "redcap-bad-dictionary-dict.csv"
    CASES[-1]["where"] = "row 4, column Choices, Calculations, OR Slider Labels"

    # --------------------------------------------------------------------- CSV
    long_head = "subject,instrument,item,answer,date\n"
    case(
        "csv-semicolons.csv",
        "csv",
        long_head.replace(",", ";") + "c-01;phq9;1;2;2026-10-05\n",
        "row 1",
        "semicolon-separated",
    )
    case(
        "csv-utf16.csv",
        "csv",
        (long_head + "c-01,phq9,1,2,2026-10-05\n").encode("utf-16"),
        "csv-utf16.csv",
        "UTF-16",
    )
    case(
        "csv-excel-date.csv",
        "csv",
        long_head + "c-01,phq9,1,2,10/05/2026\n",
        "row 2, column date",
        "October 5 or May 10",
    )
    case(
        "csv-serial-date.csv",
        "csv",
        long_head + "c-01,phq9,1,2,2026-10-05\nc-01,phq9,2,1,46300\n",
        "row 3, column date",
        "serial number",
    )
    case(
        "csv-decimal-comma.csv",
        "csv",
        long_head + 'c-01,phq9,1,"1,5",2026-10-05\n',
        "row 2, column answer",
        "decimal comma",
    )
    case(
        "csv-ragged-row.csv",
        "csv",
        long_head + "c-01,phq9,1,2,2026-10-05\nc-01,phq9,2,1\n",
        "row 3",
        "4 cells",
    )
    case(
        "csv-missing-column.csv",
        "csv",
        "subject,item,answer\nc-01,1,2\n",
        "row 1",
        "missing column instrument",
    )
    case(
        "csv-duplicate-item.csv",
        "csv",
        long_head + "c-01,phq9,1,2,2026-10-05\nc-01,phq9,1,3,2026-10-05\n",
        "row 3, column answer",
        "answered again",
    )
    case(
        "csv-unknown-instrument.csv",
        "csv",
        long_head + "c-01,bdi2,1,2,2026-10-05\n",
        "row 2, column instrument",
        "not an instrument",
    )
    case(
        "csv-name-as-subject.csv",
        "csv",
        long_head + "Jane Doe,phq9,1,2,2026-10-05\n",
        "row 2, column subject",
        "not a pseudonymous id",
    )
    case(
        "csv-wide-unknown-item.csv",
        "csv",
        "subject,instrument,date,1,2,10\nc-01,phq9,2026-10-05,1,1,3\n",
        "row 2, column 10",
        "not an item of phq9",
    )
    case(
        "csv-not-utf8.csv",
        "csv",
        long_head.encode() + b"c-01,phq9,1,2,2026-10-05\nc-\xe9,phq9,1,2,2026-10-05\n",
        "row 3",
        "not UTF-8",
    )
    case("csv-empty.csv", "csv", "", "csv-empty.csv", "empty")
    case(
        "csv-duplicate-header.csv",
        "csv",
        "subject,instrument,item,answer,answer\n",
        "row 1, column answer",
        "given twice",
    )
    case(
        "csv-long-extra-column.csv",
        "csv",
        "subject,instrument,item,answer,note\nc-01,phq9,1,2,Jane Doe\n",
        "row 1, column note",
        "not a column of a long table",
    )
    case(
        "csv-bom-semicolons.csv",
        "csv",
        "\ufeff" + long_head.replace(",", ";") + "c-01;phq9;1;2;2026-10-05\n",
        "row 1",
        "semicolon-separated",
    )

    (HERE / "manifest.yaml").write_text(
        "# Generated by make_corpus.py: each malformed input, the location and the\n"
        "# words its one-line error must contain (tests/test_interop_badinputs.py).\n"
        + yaml.safe_dump(CASES, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
