"""riskcore-safety passes riskcore's plugin conformance kit."""

from __future__ import annotations

import riskcore_safety.hooks
from riskcore.testing import assert_active, assert_conforms
from riskcore_safety.instruments import CSSRS_ID, CSSRS_SOURCE

pytest_plugins = ["riskcore.testing"]


def test_safety_conforms_to_the_assessor_contract() -> None:
    # The C-SSRS screener is triaged by rules (triage_cssrs), not an InstrumentSpec.
    report = assert_conforms(
        riskcore_safety.hooks,
        name="safety",
        rule_based={CSSRS_ID: f"{CSSRS_SOURCE.citation} {CSSRS_SOURCE.note}"},
    )
    assert report.examples > 0


def test_safety_is_found_through_its_entry_point() -> None:
    # active, not merely present: a plugin that failed to import has a record too
    assert_active("safety")
