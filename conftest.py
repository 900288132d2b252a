"""Settings shared by every test under this folder (tests, doctests, plugins).

Two of Hypothesis's checks are wall-clock bounds that fail correct tests on a
loaded CI machine: the per-example deadline (200 ms by default) and the
"too slow" health check on generating data. Speed is measured in
``benchmarks/``, never in a test, so neither applies here. A test's own
``@settings`` still overrides these.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "riskcore", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("riskcore")
