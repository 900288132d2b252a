"""REDCap raw export + dictionary, and long / wide CSV tables, into responses."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

import riskcore
from riskcore.errors import InteropError
from riskcore.interop import load_mapping
from riskcore.interop.redcap import read_dictionary, read_redcap
from riskcore.interop.tables import read_csv
from riskcore.model import InvalidAnswer

ROOT = Path(__file__).resolve().parents[1]
INTEROP = ROOT / "examples" / "interop"
REDCAP_MAP = INTEROP / "redcap-mapping.yaml"


def test_redcap_example_decodes_repeats_dates_and_missing_codes() -> None:
    r = read_redcap(
        INTEROP / "redcap" / "export.csv",
        INTEROP / "redcap" / "dictionary.csv",
        mapping=load_mapping(REDCAP_MAP),
        strict=True,
    )
    got = [(x.instrument, x.administered) for x in r.responses]
    assert got == [
        ("phq9", dt.date(2026, 10, 5)),
        ("gad7", dt.date(2026, 9, 1)),  # repeating instrument: two administrations
        ("gad7", dt.date(2026, 10, 5)),
        ("phq9", dt.date(2026, 10, 4)),
    ]
    # REDCap's missing-data code is unanswered, never the lowest answer
    assert r.responses[3].items["3"] is None
    assert r.responses[0].items["9"] == 1
    # record ids are pseudonymised; the computed total is not an item
    assert all(x.subject.startswith("s-") for x in r.responses)
    assert "101" not in riskcore.dumps(r.to_case())
    assert "total" not in r.responses[0].items
    a = riskcore.assess(r.to_case())
    phq = [s for s in a.scores if s.instrument == "phq9" and s.scale == "total"]
    assert phq[0].value == 7.0


def test_every_shipped_mapping_names_installed_items() -> None:
    from riskcore.interop import installed_instruments

    specs = installed_instruments()
    for name in ("redcap-mapping.yaml", "fhir-mapping.yaml"):
        m = load_mapping(INTEROP / name)
        assert m.instruments
        for imap in m.instruments:
            ids = {i.id for i in specs[imap.instrument].items}
            assert set(imap.items.values()) <= ids, (name, imap.instrument)


DICT = (
    "Variable / Field Name,Form Name,Field Type,"
    '"Choices, Calculations, OR Slider Labels"\n'
    "record_id,enrol,text,\n"
    'who5_1,who5,dropdown,"0, never | 1, some | 2, x | 3, y | 4, z | 5, all"\n'
    'who5_2,who5,radio,"0, never | 5, all"\n'
    'who5_3,who5,radio,"0, a | 1, b | 2, c | 3, d | 4, e | 5, f"\n'
    'who5_4,who5,radio,"0, a | 1, b | 2, c | 3, d | 4, e | 5, f"\n'
    'who5_5,who5,checkbox,"1, yes | 2, no"\n'
)


def test_redcap_choice_not_in_dictionary_is_an_error_with_row_and_column() -> None:
    export = (
        "record_id,redcap_event_name,who5_1,who5_2,who5_3,who5_4,who5_5___1,who5_5___2\n"
        "7,baseline_arm_1,3,4,2,2,1,0\n"
    )
    mapping = load_mapping(REDCAP_MAP)
    r = read_redcap(io.StringIO(export), io.StringIO(DICT), mapping=mapping)
    (resp,) = r.responses
    assert isinstance(resp.items["2"], InvalidAnswer)
    msgs = [str(i) for i in r.errors]
    assert any(
        m.startswith("row 2, column who5_2:") and "not a choice" in m for m in msgs
    )
    # a checkbox column the mapping does not name is reported, not dropped
    assert any("column who5_5___1" in m for m in msgs)
    with pytest.raises(InteropError, match="row 2, column who5_2"):
        read_redcap(
            io.StringIO(export), io.StringIO(DICT), mapping=mapping, strict=True
        )


def test_redcap_export_that_does_not_match_the_dictionary_is_refused() -> None:
    export = "record_id,phq9_1\n1,2\n"
    with pytest.raises(InteropError, match="row 1, column phq9_1: not a field"):
        read_redcap(io.StringIO(export), io.StringIO(DICT))


def test_redcap_dictionary_problems_name_the_row() -> None:
    bad = DICT + "who5_1,who5,text,\n"
    with pytest.raises(InteropError, match="row 8, column Variable / Field Name"):
        read_dictionary(io.StringIO(bad))
    assert set(read_dictionary(io.StringIO(DICT))) >= {"record_id", "who5_5"}


def test_long_table() -> None:
    text = (
        "subject,instrument,item,answer,date\n"
        "c-01,phq9,1,2,2026-10-05\n"
        "c-01,phq9,9,,2026-10-05\n"
        "c-01,phq9,1,1,2026-11-05\n"
        "t-01,who5,1,3,2026-10-05\n"
    )
    r = read_csv(io.StringIO(text), strict=True)
    assert [(x.subject, x.administered, x.items) for x in r.responses] == [
        ("c-01", dt.date(2026, 10, 5), {"1": 2, "9": None}),
        ("c-01", dt.date(2026, 11, 5), {"1": 1}),
        ("t-01", dt.date(2026, 10, 5), {"1": 3}),
    ]
    assert r.clients == ("c-01",)
    assert r.professionals == ("t-01",)  # WHO-5 is scored for staff only


def test_wide_table_with_a_mapping_and_a_bom() -> None:
    text = "\ufeffsubject,instrument,date,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n"
    text += "c-02,gad7,2026-10-05,1,1,0,0,2,1,3\n"
    r = read_csv(io.StringIO(text), mapping=load_mapping(REDCAP_MAP), strict=True)
    assert r.responses[0].items == {
        str(i): v for i, v in enumerate([1, 1, 0, 0, 2, 1, 3], 1)
    }


@pytest.mark.parametrize(
    ("row", "where", "words"),
    [
        ("c-01,phq9,1,2,10/05/2026", "row 2, column date", "October 5 or May 10"),
        ("c-01,phq9,1,2,46300", "row 2, column date", "serial number"),
        ('c-01,phq9,1,"1,5",2026-10-05', "row 2, column answer", "decimal comma"),
        ("c-01,phq9,10,1,2026-10-05", "row 2, column item", "not an item of phq9"),
        ("c-01,bdi2,1,1,2026-10-05", "row 2, column instrument", "no"),
        ("Jane Doe,phq9,1,1,2026-10-05", "row 2, column subject", "pseudonymous"),
    ],
)
def test_long_table_errors_name_row_and_column(
    row: str, where: str, words: str
) -> None:
    r = read_csv(io.StringIO(f"subject,instrument,item,answer,date\n{row}\n"))
    assert any(str(i).startswith(where) and words in i.message for i in r.errors), [
        str(i) for i in r.issues
    ]
    assert "Jane" not in " ".join(str(i) for i in r.issues)


def test_semicolons_are_recognised_and_refused_with_the_fix() -> None:
    with pytest.raises(InteropError, match="semicolon-separated"):
        read_csv(io.StringIO("subject;instrument;item;answer\nc-01;phq9;1;2\n"))
    r = read_csv(
        io.StringIO("subject;instrument;item;answer\nc-01;phq9;1;2\n"), delimiter=";"
    )
    assert r.responses[0].items == {"1": 2}


def test_utf16_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_bytes("subject,instrument,item,answer\n".encode("utf-16"))
    with pytest.raises(InteropError, match="UTF-16"):
        read_csv(f)
