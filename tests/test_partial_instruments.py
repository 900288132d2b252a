"""Fail closed on partial instruments (issue #14).

One invalid answer elsewhere in a PHQ-9 (a typo in item 1, a fractional or
out-of-range item 9, an unknown extra item) used to reject the whole
instrument, and with it item 9's critical flag: c-04's self-harm risk of the
Longmont example stopped being critical. The same for an unknown item in the
C-SSRS. Now an invalid answer invalidates *that item*: the case loads, the rest
is scored under the instrument's missing-data rule, an invalid critical item
is read as the worst plausible answer and flagged, and the risk is incomplete
with a reason that names the item, and the value only as ``shown`` allows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import riskcore
from riskcore import io
from riskcore.cli import main
from riskcore.identify import identify
from riskcore.model import Case, InvalidAnswer, RiskRegister
from riskcore.plugins import get_plugin_manager

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"
PARTIAL = Path(__file__).parent / "partial"
RISK = "client-self-harm:c-04"


def _corrupt(instrument: str, subject: str, **items: Any) -> Case:
    """The example with some answers of one response replaced (through the
    loader, as a case file with a typo would be read)."""
    data = io.unstructure(io.load_case(EXAMPLE))
    [resp] = [
        r
        for r in data["responses"]
        if r["instrument"] == instrument and r["subject"] == subject
    ]
    for k, v in items.items():
        resp["items"][k.removeprefix("i")] = v
    return io.loads(json.dumps(data), Case, format="json")


def _register(case: Case) -> RiskRegister:
    pm = get_plugin_manager()
    assessment = riskcore.assess(case, pm=pm)
    assert not assessment.failures, assessment.failures  # no plugin failed
    return identify(assessment, riskcore.default_catalog(pm), case, pm=pm)


def test_the_unchanged_example_is_critical_and_complete() -> None:
    r = _register(io.load_case(EXAMPLE)).risk(RISK)
    assert r.critical
    assert not r.incomplete


@pytest.mark.parametrize(
    ("items", "flag", "reason"),
    [
        pytest.param(
            {"i1": "2x"}, "phq9.item9-positive", "item 1: not a number", id="typo-item1"
        ),
        pytest.param(
            {"i9": 1.5},
            "phq9.item9-invalid",
            "item 9: 1.5 is not an integer",
            id="fraction-item9",
        ),
        pytest.param(
            {"i9": 7},
            "phq9.item9-invalid",
            "item 9: 7 is not in [0, 3]",
            id="range-item9",
        ),
        pytest.param(
            {"i9": "yes"}, "phq9.item9-invalid", "item 9: not a number", id="text-item9"
        ),
        pytest.param(
            {"i10": 1}, "phq9.item9-positive", "item 10: not an item", id="extra-item"
        ),
    ],
)
def test_one_invalid_phq9_answer_keeps_c04_critical(
    items: dict[str, Any], flag: str, reason: str
) -> None:
    case = _corrupt("phq9", "c-04", **items)
    reg = _register(case)
    r = reg.risk(RISK)
    assert r.critical, "the critical flag must survive an invalid answer"
    assert any(flag in why for why in r.critical_reasons)
    assert r.incomplete
    assert any(reason in why for why in r.incomplete_reasons), r.incomplete_reasons
    for value in items.values():
        if isinstance(value, str):
            assert all(value not in why for why in r.incomplete_reasons)
    # Item 9 endorsed or invalid: the x3.0 factor is there either way.
    assert any(f.odds_ratio == 3.0 for f in r.factors)


def test_an_invalid_phq9_answer_loads_as_a_marker_without_its_value() -> None:
    case = _corrupt("phq9", "c-04", i1="2x")
    [resp] = [
        r for r in case.responses if r.instrument == "phq9" and r.subject == "c-04"
    ]
    assert isinstance(resp.items["1"], InvalidAnswer)
    assert "2x" not in repr(resp)
    assert "2x" not in io.dumps(case, "json")


@pytest.mark.parametrize(
    "items",
    [
        pytest.param({"i7": 1}, id="unknown-question"),
        pytest.param({"i1": "y"}, id="typo"),
        pytest.param({"i6": 3}, id="out-of-range"),
    ],
)
def test_an_invalid_cssrs_answer_keeps_c04_critical(items: dict[str, Any]) -> None:
    case = _corrupt("cssrs-screener", "c-04", **items)
    r = _register(case).risk(RISK)
    assert r.critical
    assert any("cssrs.item-invalid" in why for why in r.critical_reasons)
    assert r.incomplete
    assert any("cssrs-screener" in why for why in r.incomplete_reasons)


def test_every_invalid_item_of_a_response_is_named_in_the_reason() -> None:
    case = _corrupt("phq9", "c-04", i1="2x", i2=9, i9=1.5)
    r = _register(case).risk(RISK)
    assert r.critical
    [why] = [w for w in r.incomplete_reasons if w.startswith("phq9.total")]
    for item in ("item 1: ", "item 2: 9 is not in", "item 9: 1.5"):
        assert item in why
    assert "3 of 9 items unanswered or invalid" in why  # over PHQ-9's limit of 2


@pytest.mark.parametrize(
    ("name", "absent"),
    [
        ("redact-phone-item-answer.yaml", ["555-123-4567"]),
        ("redact-name-item-answer.yaml", ["Jane Doe"]),
        ("redact-dob-item-answer.yaml", ["1980-01-02", "1980"]),
    ],
)
@pytest.mark.parametrize("suffix", [".json", ".md", ".html"])
def test_a_case_with_identifying_text_as_an_answer_plans_without_echoing_it(
    name: str,
    absent: list[str],
    suffix: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """These were load errors (bad-input corpus, issue 14): now the case loads,
    item 9 is invalid (read as endorsed, critical) and the value is nowhere."""
    out = tmp_path / f"report{suffix}"
    code = main(["plan", str(PARTIAL / name), "--trials", "0", "-q", "-o", str(out)])
    assert code == 3  # done; the assessment is incomplete
    text = out.read_text(encoding="utf-8")
    assert "phq9.item9-invalid" in text
    captured = capsys.readouterr()
    for s in absent:
        assert s not in text
        assert s not in captured.out
        assert s not in captured.err
