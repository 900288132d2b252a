"""The exported JSON Schema agrees with the loader."""

from __future__ import annotations

import jsonschema
from hypothesis import HealthCheck, given, settings

from riskcore import io
from riskcore.schema import case_schema, catalog_schema
from tests.strategies import cases, catalogs


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_valid_case_validates(case):
    """Whatever riskcore dumps, the case schema accepts."""
    jsonschema.validate(io.unstructure(case), case_schema())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_every_valid_catalog_validates(cat):
    """Whatever riskcore dumps, the catalog schema accepts."""
    jsonschema.validate(io.unstructure(cat), catalog_schema())


def test_schema_rejects_what_the_loader_rejects():
    """Unknown keys, out-of-range numbers and bad ids fail both."""
    v = jsonschema.Draft202012Validator(case_schema())
    base = {"schema_version": 1, "id": "c", "practice": {"id": "p"}}
    assert not list(v.iter_errors(base))
    for bad in (
        {**base, "colour": 1},
        {**base, "horizon_days": 0},
        {**base, "id": "has space"},
        {**base, "schema_version": 2},
        {k: v for k, v in base.items() if k != "schema_version"},
    ):
        assert list(v.iter_errors(bad)), bad
