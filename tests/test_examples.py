"""The example notebooks (jupytext py:percent files) run top to bottom and give
what their text says they give."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted(
    (Path(__file__).resolve().parents[1] / "examples").glob("[0-9][0-9]-*.py")
)


def test_there_are_examples():
    assert len(EXAMPLES) >= 5


def _quickstart(ns):
    report = ns["report"]
    assert len(report.register.risks) > 0
    assert report.result.status in ("optimal", "feasible")
    assert report.result.selected  # a plan that chooses something
    assert len(ns["risks"]) == len(report.register.risks)


def _assessing(ns):
    assessment = ns["assessment"]
    assert assessment.scores
    assert len(ns["scores"]) == len(assessment.scores)


def _what_if(ns):
    assert ns["report"].result.selected
    half = ns["half"].result
    assert half.cost <= (ns["case"].budget or 0) / 2 + 1e-9  # within half the budget
    assert ns["ax"] is not None


def _uncertainty(ns):
    assert len(ns["per_risk"]) > 0
    assert ns["again"].total == ns["sim"].total


def _own_assessor(ns):
    mood = ns["mood"]
    assert len(mood) > 0
    # frames are indexed by their natural id (issue #20): subject is a level
    assert set(mood.index.get_level_values("subject")) >= {"c-01"}
    (record,) = [r for r in ns["pm"].records() if r.name == "mood-check"]
    assert record.status.value == "active"


def _register(ns):
    assert ns["second"] > ns["first"]  # two runs recorded, in order
    assert list(ns["phq"]["verdict"])[-1] == "reliably worse"  # the worse PHQ-9
    assert ns["ax"] is not None
    assert ns["audit"].ok  # nothing edited, deleted or re-ordered
    assert ns["audit"].records >= 4  # 2 runs, a decision, an incident


CHECKS = {
    "01-quickstart": _quickstart,
    "02-assessing-a-practice": _assessing,
    "03-what-if-planning": _what_if,
    "04-uncertainty": _uncertainty,
    "05-writing-your-own-assessor": _own_assessor,
    "06-practice-register": _register,
}


def test_every_example_has_a_check():
    assert {p.stem for p in EXAMPLES} == set(CHECKS)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(path, monkeypatch):
    matplotlib = pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setenv("MPLBACKEND", "Agg")
    try:
        ns = runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")
    CHECKS[path.stem](ns)
