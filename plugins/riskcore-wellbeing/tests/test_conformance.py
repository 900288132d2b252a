"""riskcore-wellbeing passes riskcore's plugin conformance kit."""

from __future__ import annotations

import riskcore_wellbeing.hooks
from riskcore.plugins import PluginManager, PluginStatus
from riskcore.testing import assert_conforms

pytest_plugins = ["riskcore.testing"]


def test_wellbeing_conforms_to_the_assessor_contract() -> None:
    report = assert_conforms(riskcore_wellbeing.hooks, name="wellbeing")
    assert report.examples > 0


def test_wellbeing_is_found_through_its_entry_point() -> None:
    # a plugin that failed to import has a record too: it must be active
    record = PluginManager(allow=["wellbeing"]).record("wellbeing")
    assert record is not None
    assert record.status is PluginStatus.ACTIVE, record.error
