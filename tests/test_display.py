"""Notebook views: every repr renders for empty, small and large objects, and
none of them shows identifying data."""

from __future__ import annotations

import attrs
import networkx as nx
import pytest

import riskcore
from riskcore import display
from riskcore.display import GraphView, get_options, set_options
from riskcore.graph import build_graph
from riskcore.model import Assessment, Score, SubjectKind
from riskcore.model.risk import RiskRegister
from riskcore.planner import Infeasibility, Solution
from riskcore.simulate import SimulationResult, Summary

NAME = "Zelda Quux-Marlowe"


@pytest.fixture(scope="module")
def report():
    case = riskcore.load_case("examples/longmont-practice.yaml")
    client = attrs.evolve(case.clients[0], name=NAME)
    case = attrs.evolve(case, clients=(client, *case.clients[1:]))
    return riskcore.build_plan(case, n=300, seed=1)


def _empty_sim() -> SimulationResult:
    return SimulationResult(
        method_version="x",
        seed=0,
        n=0,
        method="lhs",
        credit="strict",
        risks=(),
        exceedance=(),
        sensitivity=(),
        point_total=0.0,
        total=Summary(mean=0.0, std=0.0, percentiles=((50.0, 0.0),)),
    )


def _objects(report):
    return {
        "assessment": report.assessment,
        "register": report.register,
        "result": report.result,
        "report": report,
        "simulation": report.simulation,
        "graph": GraphView(build_graph(report.catalog)),
    }


EMPTY = {
    "assessment": Assessment(case_id="demo"),
    "register": RiskRegister(case_id="demo", method_version="x"),
    "result": Solution(status="optimal", mode="budget", method="exact"),
    "simulation": _empty_sim(),
    "graph": GraphView(nx.DiGraph()),
}


@pytest.mark.parametrize("kind", sorted(EMPTY))
def test_empty_objects_render(kind):
    obj = EMPTY[kind]
    html = obj._repr_html_()
    assert html is not None
    assert html.startswith('<div class="riskcore-repr"')
    assert repr(obj).startswith("<")
    assert "\n" not in repr(obj)  # nothing to list


@pytest.mark.parametrize(
    "kind", ["assessment", "register", "result", "report", "simulation", "graph"]
)
def test_small_objects_render_without_names(report, kind):
    obj = _objects(report)[kind]
    html = obj._repr_html_()
    text = repr(obj)
    assert html is not None
    assert "<table" in html
    assert NAME not in html
    assert NAME not in text
    assert "Zelda" not in html
    assert "Zelda" not in text
    protected = {
        v
        for c in report.case.clients
        for v in (c.protected.culture, c.protected.ethnicity, c.protected.religion)
        if v and len(v) >= 5
    }
    for value in protected:
        assert value not in html, value


def test_critical_items_come_first(report):
    html = report.register._repr_html_()
    first = html.index("<td", html.index("</th></tr>"))
    assert "critical" in html[first : first + 200]
    text = repr(report.assessment).splitlines()
    assert text[1].strip().startswith("CRITICAL")
    ahtml = report.assessment._repr_html_()
    row = ahtml[ahtml.index("</th></tr>") + 10 :]
    row = row[: row.index("</tr>")]
    assert display.FLAG_COLOURS["critical"] in row


def test_large_objects_truncate_then_fall_back(report):
    reg = report.register
    many = [attrs.evolve(r, id=f"{r.id}-{k}") for k in range(3) for r in reg.risks]
    big = attrs.evolve(reg, risks=many)
    html = big._repr_html_()
    assert f"and {len(many) - get_options()['max_rows']} more" in html
    assert "… and" in repr(big)
    with set_options(max_items=100):
        assert big._repr_html_() is None
        assert report.assessment._repr_html_() is None
        assert report._repr_html_() is None
        assert report.simulation._repr_html_() is not None  # 94 risks
        assert GraphView(build_graph(report.catalog))._repr_html_() is not None
    score = Score(
        subject="c-01", subject_kind=SubjectKind.CLIENT, instrument="x", value=1
    )
    huge = Assessment(case_id="big", scores=[score] * 20_000)
    assert huge._repr_html_() is None
    assert repr(huge).startswith("<Assessment 'big': 20000 scores")


def test_text_mode_switch(report):
    with set_options(display="text"):
        for obj in _objects(report).values():
            assert obj._repr_html_() is None
    assert report.register._repr_html_() is not None


def test_options_are_validated():
    with pytest.raises(ValueError, match="unknown display option"):
        set_options(colour="red")
    with pytest.raises(ValueError, match="max_rows"):
        set_options(max_rows=0)
    with set_options(max_lines=0):
        assert get_options()["max_lines"] == 0
    assert get_options()["max_lines"] == 10


def test_infeasible_plan_and_failures_show_first():
    res = Solution(
        status="infeasible",
        mode="tolerance",
        method="exact",
        infeasible=[
            Infeasibility(
                risk="burnout:t-01", tolerance=0.1, best_residual=0.5, reason="x"
            )
        ],
    )
    html = display.plan_result_html(res)
    assert html.index("burnout:t-01") < html.index("</table>", html.index("burnout"))
    assert "INFEASIBLE burnout:t-01" in repr(res)


def test_incomplete_report_lists_reasons(report):
    html = report._repr_html_()
    assert "incomplete: no evidence of safety" in html
    assert html.index("incomplete: no evidence") < html.index("RiskRegister")


def test_assessment_failures_never_show_detail():
    from riskcore.model.assessment import AssessorFailure

    a = Assessment(
        case_id="demo",
        failures=[
            AssessorFailure(
                plugin="toy",
                hook="riskcore_assess",
                error_type="RuntimeError",
                detail=f"client {NAME} crashed",
            )
        ],
    )
    assert NAME not in a._repr_html_()
    assert NAME not in repr(a)
    assert "toy: riskcore_assess failed with RuntimeError" in a._repr_html_()


def test_the_example_plan_view_is_small_folded_and_labels_its_harm(report):
    """Issue 20: long sections are folded (details/summary), the example
    plan's HTML stays under 20 KB, and every harm figure says which it is."""
    html = report._repr_html_()
    assert len(html.encode()) < 20_000
    assert html.count("<details") >= 3
    assert "<summary>Risk register:" in html
    assert "(strict" in html
    for obj in (report.register, report.result):
        assert "(strict" in obj._repr_html_()
        assert "(strict" in repr(obj).splitlines()[0]
    assert "all safeguards" in repr(report.register)
    assert "harm after (strict)" in report.register._repr_html_()
    # rows beyond the first ten are folded, not dropped
    reg = report.register._repr_html_()
    assert "more rows</summary>" in reg
    assert reg.count("<tr>") == min(len(report.register.risks), 25) + 2
