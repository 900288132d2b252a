"""One factory for a plugin's failure (issue #19): ``PluginManager.failure``.

Every pipeline stage that records a plugin's failure (assess, identify, the
critical lifts, obligations, report sections) builds it through
:meth:`riskcore.plugins.PluginManager.failure`, which looks up the plugin's
distribution and version: a site that built its own ``AssessorFailure`` would
leave them out or look them up differently.
"""

from __future__ import annotations

import ast
from pathlib import Path

import riskcore
from riskcore.plugins import PluginManager
from riskcore.workflow import build_plan

SRC = Path(riskcore.__file__).parent

FAILING = """
from riskcore import hookimpl


@hookimpl
def riskcore_assess(subject):
    raise RuntimeError("assess bug")


@hookimpl
def riskcore_risk_factors(subject):
    raise RuntimeError("factor bug")


@hookimpl
def riskcore_critical_lifts():
    return "not a mapping"


@hookimpl
def riskcore_obligations(case):
    raise RuntimeError("call 555-123-4567")


@hookimpl
def riskcore_report_sections(report):
    raise RuntimeError("section bug")
"""


def test_every_stage_records_a_failure_with_the_plugins_distribution(
    install_dist, small_case
):
    install_dist(
        "riskcore-failing",
        {"failing": "riskcore_failing_x"},
        "2.3.4",
        riskcore_failing_x=FAILING,
    )
    pm = PluginManager()  # the built-in catalog and the installed plugin
    report = build_plan(small_case, pm=pm, n=0, budget=1000.0)
    failures = [
        *report.assessment.failures,
        *report.register.failures,
        *report.obligations.failures,
        *report.section_failures,
    ]
    mine = [f for f in failures if f.plugin == "failing"]
    hooks = {f.hook for f in mine}
    assert {
        "riskcore_assess",
        "riskcore_risk_factors",
        "riskcore_critical_lifts",
        "riskcore_obligations",
        "riskcore_report_sections",
    } <= hooks, hooks
    assert {(f.distribution, f.version) for f in mine} == {
        ("riskcore-failing", "2.3.4")
    }
    # an exception's message may quote the case: the one rule redacts it
    assert not [f for f in mine if "555-123-4567" in f.detail]


def test_no_module_builds_an_assessor_failure_but_the_factory():
    builders = set()
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "AssessorFailure"
            ):
                builders.add(str(path.relative_to(SRC)))
    assert builders == {"_plugin_calls.py"}, builders


def test_a_load_failure_keeps_its_own_records_distribution():
    from riskcore.plugins import PluginRecord, PluginStatus

    pm = PluginManager(autoload=False)
    rec = PluginRecord(
        name="x",
        status=PluginStatus.FAILED,
        distribution="other-dist",
        version="1.0",
        error="ImportError: no",
    )
    f = pm.failure(rec, "load", rec.error or "", error_type="ImportError")
    assert (f.plugin, f.distribution, f.version, f.error_type, f.detail) == (
        "x",
        "other-dist",
        "1.0",
        "ImportError",
        "ImportError: no",
    )
