"""docs/building-a-case.md: the same case built in code, from FHIR and from CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

import riskcore
from riskcore.cli import main
from riskcore.interop import read_csv, read_fhir
from riskcore.model import InstrumentResponse

HERE = Path(__file__).resolve().parents[1] / "examples" / "interop" / "building"


def test_three_ways_give_the_same_case_and_assessment(tmp_path: Path) -> None:
    people = riskcore.load_case(HERE / "practice.yaml")
    phq9 = InstrumentResponse(
        instrument="phq9",
        subject="c-01",
        administered=dt.date(2026, 10, 5),
        items={"1": 2, "2": 1, "3": 2, "4": 1, "5": 0, "6": 1, "7": 1, "8": 0, "9": 1},
    )
    in_code = attrs.evolve(people, responses=[phq9])
    from_fhir = read_fhir(HERE / "phq9.json", strict=True).to_case(base=people)
    from_csv = read_csv(HERE / "phq9.csv", strict=True).to_case(base=people)
    assert from_fhir == in_code
    assert from_csv == in_code
    expected = riskcore.assess(in_code)
    assert any(s.instrument == "phq9" and s.value == 9.0 for s in expected.scores)
    assert riskcore.assess(from_fhir) == expected
    # and through the command line
    out = tmp_path / "case.yaml"
    base = str(HERE / "practice.yaml")
    argv = ["import", "fhir", str(HERE / "phq9.json"), "--base", base, "-o", str(out)]
    assert main(argv) == 0
    assert riskcore.load_case(out) == in_code
