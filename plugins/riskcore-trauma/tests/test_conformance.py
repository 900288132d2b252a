"""riskcore-trauma passes riskcore's plugin conformance kit."""

from __future__ import annotations

import riskcore_trauma.hooks
from riskcore.plugins import PluginManager, PluginStatus
from riskcore.testing import assert_conforms

pytest_plugins = ["riskcore.testing"]


def test_trauma_conforms_to_the_assessor_contract() -> None:
    report = assert_conforms(riskcore_trauma.hooks, name="trauma")
    assert report.examples > 0


def test_trauma_is_found_through_its_entry_point() -> None:
    # a plugin that failed to import has a record too: it must be active
    record = PluginManager(allow=["trauma"]).record("trauma")
    assert record is not None
    assert record.status is PluginStatus.ACTIVE, record.error
