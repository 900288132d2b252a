"""The interop bad-input corpus: each malformed FHIR, REDCap or CSV input is
refused with one line naming the file and the location, exit status 2, and no
output file (``tests/interop_badinputs``, written by its ``make_corpus.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from riskcore.cli import main

HERE = Path(__file__).parent / "interop_badinputs"
FILES = HERE / "files"
MAPPING = Path(__file__).parents[1] / "examples" / "interop" / "redcap-mapping.yaml"
MANIFEST: list[dict[str, Any]] = yaml.safe_load(
    (HERE / "manifest.yaml").read_text(encoding="utf-8")
)


def test_the_corpus_is_large_and_covers_every_format() -> None:
    assert len(MANIFEST) >= 30
    ids = [c["id"] for c in MANIFEST]
    assert len(set(ids)) == len(ids)
    assert {c["format"] for c in MANIFEST} == {"fhir", "redcap", "csv"}
    used = {c["file"] for c in MANIFEST} | {c.get("dictionary") for c in MANIFEST}
    assert {p.name for p in FILES.iterdir()} <= used


@pytest.mark.parametrize("case", MANIFEST, ids=[c["id"] for c in MANIFEST])
def test_bad_input_is_refused_with_file_and_location(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / case["file"]
    shutil.copyfile(FILES / case["file"], source)
    out = tmp_path / "out" / "case.yaml"
    out.parent.mkdir()
    argv = ["import", case["format"], str(source), "-o", str(out)]
    if "dictionary" in case:
        shutil.copyfile(FILES / case["dictionary"], tmp_path / case["dictionary"])
        argv += ["--dictionary", str(tmp_path / case["dictionary"])]
    if case.get("mapping"):
        argv += ["--mapping", str(MAPPING)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    (line,) = lines
    named = tmp_path / case.get("where_file", case["file"])
    assert line.startswith(f"riskcore: error: {named}"), line
    assert case["where"] in line, line
    assert case["why"] in line, line
    for word in case["absent"]:
        assert word not in line
    assert list(out.parent.iterdir()) == []  # no output, no temporary file
