"""riskcore-ei passes riskcore's plugin conformance kit."""

from __future__ import annotations

import riskcore_ei.hooks
from riskcore.testing import assert_active, assert_conforms

pytest_plugins = ["riskcore.testing"]


def test_ei_conforms_to_the_assessor_contract() -> None:
    report = assert_conforms(riskcore_ei.hooks, name="ei")
    assert report.examples > 0


def test_ei_is_found_through_its_entry_point() -> None:
    # active, not merely present: a plugin that failed to import has a record too
    assert_active("ei")
