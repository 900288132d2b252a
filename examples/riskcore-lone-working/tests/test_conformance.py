"""riskcore-lone-working passes riskcore's plugin conformance kit."""

from __future__ import annotations

import riskcore_lone_working.hooks

from riskcore.testing import assert_conforms

pytest_plugins = ["riskcore.testing"]


def test_conforms_to_the_assessor_contract() -> None:
    # Every failure is a sentence saying what to fix.
    assert_conforms(riskcore_lone_working.hooks, name="lone-working")
