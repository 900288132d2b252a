"""riskcore-wellbeing passes riskcore's plugin conformance kit."""

from __future__ import annotations

import riskcore_wellbeing.hooks
from riskcore.testing import assert_active, assert_conforms

pytest_plugins = ["riskcore.testing"]


def test_wellbeing_conforms_to_the_assessor_contract() -> None:
    report = assert_conforms(riskcore_wellbeing.hooks, name="wellbeing")
    assert report.examples > 0


def test_wellbeing_is_found_through_its_entry_point() -> None:
    # active, not merely present: a plugin that failed to import has a record too
    assert_active("wellbeing")
