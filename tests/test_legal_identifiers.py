"""Identifiers that select legal rules are normalised or reported (issue #14).

``jurisdiction: co`` or ``"CO "``, or an observation code with a case typo,
silently dropped the Colorado duty to warn for c-07 of the Longmont example,
a client who communicated a threat with every statutory element; and
``riskcore plan CASE --block colorado`` dropped it while the report said the
assessment was complete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import riskcore
from riskcore import io
from riskcore.cli import main
from riskcore.errors import LoadError
from riskcore.model import Case, ObligationStatus
from riskcore.obligations import evaluate_obligations as evaluate
from riskcore.plugins import PluginManager, get_plugin_manager

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"
DUTY = "us-co.duty-to-warn-and-protect"


def _example(**practice: Any) -> dict[str, Any]:
    data = io.unstructure(io.load_case(EXAMPLE))
    data["practice"].update(practice)
    return data


def _load(data: dict[str, Any]) -> Case:
    return io.loads(json.dumps(data), Case, format="json")


def _duties(case: Case, pm: PluginManager | None = None) -> Any:
    pm = pm or get_plugin_manager()
    assessment = riskcore.assess(case, pm=pm)
    return evaluate(case, assessment, pm, catalog=riskcore.default_catalog(pm))


def test_the_example_raises_the_colorado_duty_for_c07() -> None:
    r = _duties(io.load_case(EXAMPLE))
    assert r.complete
    assert [(o.id, o.subject, o.status) for o in r.obligations] == [
        (DUTY, "c-07", ObligationStatus.ARISES)
    ]


@pytest.mark.parametrize("written", ["co", "CO ", "us-co", "US_CO", " Us-Co\t"])
def test_a_jurisdiction_written_another_way_selects_colorado(written: str) -> None:
    case = _load(_example(jurisdiction=written))
    assert case.practice.jurisdiction == "US-CO"
    r = _duties(case)
    assert r.complete
    assert [o.subject for o in r.obligations] == ["c-07"]


@pytest.mark.parametrize("written", ["Colorado", "U.S.-CO", "C0L"])
def test_a_jurisdiction_that_is_no_code_is_a_load_error(written: str) -> None:
    with pytest.raises(
        LoadError, match=r"practice\.jurisdiction: .* is not a jurisdiction code"
    ):
        _load(_example(jurisdiction=written))


def _with_code(code: str) -> Case:
    data = io.unstructure(io.load_case(EXAMPLE))
    [threat] = [
        o
        for o in data["observations"]
        if o["code"] == "threat-communicated" and o["subject"] == "c-07"
    ]
    threat["code"] = code
    threat["qualifiers"] = [q.title() for q in threat["qualifiers"]]
    return _load(data)


@pytest.mark.parametrize("code", ["Threat-Communicated", "THREAT-COMMUNICATED"])
def test_a_case_typo_in_an_observation_code_is_normalised(code: str) -> None:
    case = _with_code(code)
    r = _duties(case)
    assert r.complete
    assert [(o.subject, o.status) for o in r.obligations] == [
        ("c-07", ObligationStatus.ARISES)
    ]


def test_a_misspelt_observation_code_is_reported_with_a_did_you_mean() -> None:
    r = _duties(_with_code("threat-comunicated"))
    assert r.obligations == ()
    assert not r.complete
    [gap] = r.gaps
    assert "'threat-comunicated'" in gap
    assert "did you mean 'threat-communicated'?" in gap


def test_a_blocked_jurisdiction_plugin_makes_the_legal_section_incomplete() -> None:
    r = _duties(io.load_case(EXAMPLE), PluginManager(block=["colorado"]))
    assert r.obligations == ()
    assert not r.complete
    [gap] = r.gaps
    assert gap.startswith("jurisdiction 'US-CO': no active jurisdiction plugin")
    assert "colorado (blocked)" in gap


def test_a_jurisdiction_without_a_plugin_is_incomplete_with_a_did_you_mean() -> None:
    r = _duties(_load(_example(jurisdiction="US-CT")))
    assert not r.complete
    assert any("did you mean 'US-CO'?" in g for g in r.gaps)


@pytest.mark.parametrize("suffix", [".md", ".json", ".html"])
def test_plan_with_colorado_blocked_says_the_report_is_incomplete(
    suffix: str, tmp_path: Path
) -> None:
    out = tmp_path / f"report{suffix}"
    argv = ["plan", str(EXAMPLE), "--block", "colorado", "--trials", "0", "-q"]
    assert main([*argv, "-o", str(out)]) == 3  # incomplete: exit 3
    text = out.read_text(encoding="utf-8")
    assert "no active jurisdiction plugin covers it" in text
    if suffix == ".json":
        data = json.loads(text)
        assert data["complete"] is False
        assert any("US-CO" in i for i in data["incomplete"])
    # And with the plugin the same report is complete and names the duty.
    assert (
        main([*argv[:2], "--trials", "0", "-q", "-o", str(out)]) == 3
    )  # c-09 keeps it incomplete
    text = out.read_text(encoding="utf-8")
    assert "no active jurisdiction plugin" not in text
    assert "Duty to warn" in text
