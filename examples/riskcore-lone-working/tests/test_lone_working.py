"""Unit tests of riskcore-lone-working: scores, factors, inertness and discovery."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import riskcore_lone_working.hooks as hooks
from riskcore_lone_working.instruments import CHECKLIST, ITEMS

from riskcore.model import Case, InstrumentResponse, Practice, Professional
from riskcore.plugins import PluginManager
from riskcore.testing import HookRecorder, RegisterPlugin, assert_active

pytest_plugins = ["riskcore.testing"]

SAFE = dict.fromkeys(ITEMS, 0)


def _case(*checklists: dict[str, int | None]) -> Case:
    return Case(
        id="visits",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1")],
        responses=[
            InstrumentResponse(instrument=CHECKLIST.id, subject="t-1", items=items)
            for items in checklists
        ],
        synthetic=True,
    )


def _factors(case: Case, pm: PluginManager) -> list[tuple[str, float]]:
    import riskcore

    assessment = riskcore.assess(case, pm=pm)
    got = hooks.riskcore_risk_factors(case.professionals[0], assessment.scores)
    return [(f.threat, f.odds_ratio) for f in got or []]


def test_plugin_is_discovered_via_entry_point() -> None:
    # active, not merely present: a plugin that failed to import has a record too
    assert_active("lone-working")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, [("lone-working-incident", 0.8)]),
        ({"after-hours": 1}, []),
        ({"no-alarm": 1, "no-check-in": 1}, [("lone-working-incident", 1.5)]),
        (
            {
                "no-alarm": 1,
                "no-check-in": 1,
                "no-itinerary": 1,
                "known-client-risk": 1,
            },
            [("lone-working-incident", 2.5), ("staff-physical-harm", 1.5)],
        ),
        (
            {"known-client-risk": None},
            [("lone-working-incident", 1.5), ("staff-physical-harm", 1.2)],
        ),
    ],
)
def test_factors_by_band(
    plugin_manager: PluginManager,
    register_plugin: RegisterPlugin,
    changes: dict[str, int | None],
    expected: list[tuple[str, float]],
) -> None:
    register_plugin(hooks, "lone-working")
    assert _factors(_case({**SAFE, **changes}), plugin_manager) == expected


def test_latest_checklist_wins(
    plugin_manager: PluginManager, register_plugin: RegisterPlugin
) -> None:
    register_plugin(hooks, "lone-working")
    old = dict.fromkeys(ITEMS, 1)
    case = Case(
        id="visits",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1")],
        responses=[
            InstrumentResponse(
                instrument=CHECKLIST.id,
                subject="t-1",
                items=items,
                administered=day,
            )
            for items, day in [
                (SAFE, dt.date(2026, 10, 5)),
                (old, dt.date(2026, 1, 5)),
            ]
        ],
    )
    assert _factors(case, plugin_manager) == [("lone-working-incident", 0.8)]


def test_out_of_range_answer_invalidates_its_item() -> None:
    """riskcore issue #14: an invalid answer invalidates its item, not the
    checklist: the score is incomplete with a reason naming the item."""
    case = _case({**SAFE, "no-alarm": 2})
    scores = hooks.riskcore_assess(case.professionals[0], case) or []
    assert scores
    assert not scores[0].complete
    assert "item no-alarm: " in (scores[0].missing_reason or "")


def test_inert_without_its_data(
    plugin_manager: PluginManager,
    register_plugin: RegisterPlugin,
    hook_recorder: HookRecorder,
) -> None:
    import riskcore

    register_plugin(hooks, "lone-working")
    case = Case(
        id="no-visits",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1", context=["home-visits"])],
    )
    assessment = riskcore.assess(case, pm=plugin_manager)
    assert assessment.scores == ()
    assert assessment.complete
    assert [c.plugin for c in hook_recorder.getcalls("riskcore_assess")] == [
        "lone-working",
        "lone-working",
    ]
    assert hooks.riskcore_risk_factors(case.professionals[0], ()) is None


def test_longmont_example_is_unchanged() -> None:
    """The repository's example case has no checklist: nothing to add."""
    import riskcore
    from riskcore.io import load_case

    path = Path(__file__).parents[3] / "examples" / "longmont-practice.yaml"
    if not path.exists():  # pragma: no cover - outside the riskcore repository
        pytest.skip("not in the riskcore repository")
    case = load_case(path)
    pm = PluginManager(autoload=False, plugins=[("lone-working", hooks)])
    assert riskcore.assess(case, pm=pm).scores == ()
