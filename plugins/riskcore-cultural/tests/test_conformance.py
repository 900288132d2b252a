"""riskcore-cultural passes riskcore's plugin conformance kit."""

from __future__ import annotations

import riskcore_cultural.hooks
from riskcore.testing import assert_active, assert_conforms
from riskcore_cultural.instruments import (
    CFI_ID,
    CFI_SOURCE,
    CHS_ID,
    CHS_SOURCE,
    FACTOR_SOURCE,
    LANGUAGE_FIT_ID,
    PREPARATION_ID,
)

pytest_plugins = ["riskcore.testing"]

# None of the cultural measures is a scored psychometric instrument: language
# fit, preparation hours and CFI presence are rules; CHS answers are stored only.
RULE_BASED = {
    LANGUAGE_FIT_ID: FACTOR_SOURCE.citation,
    PREPARATION_ID: FACTOR_SOURCE.citation,
    CFI_ID: f"{CFI_SOURCE.citation} {CFI_SOURCE.note}",
    CHS_ID: f"{CHS_SOURCE.citation} {CHS_SOURCE.note}",
}


def test_cultural_conforms_to_the_assessor_contract() -> None:
    report = assert_conforms(
        riskcore_cultural.hooks, name="cultural", rule_based=RULE_BASED
    )
    assert report.examples > 0


def test_cultural_is_found_through_its_entry_point() -> None:
    # active, not merely present: a plugin that failed to import has a record too
    assert_active("cultural")
