"""Hypothesis profiles for the security tests.

"ci" (the default) is derandomised and bounded so that tests/security runs in well under two minutes
on two cores; "thorough" tries many more values, for a run by hand:
``HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/security``.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

# The pages only read, so one seeded database serves every example of a test.
_common = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "database": None,
}
settings.register_profile("ci", max_examples=30, derandomize=True, **_common)
settings.register_profile("thorough", max_examples=1000, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def seeded(seeded_once, db):
    """Overrides the suite's ``seeded`` for this folder: the same data, without reloading it per test."""
