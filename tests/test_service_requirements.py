"""The rule that keeps CI honest: with WAYMARK_REQUIRE_SERVICES=1 a test whose service is
missing fails instead of skipping, and any skip fails the run."""

import pytest

from tests import service_requirements

pytest_plugins = ["pytester"]

SUITE = """
import pytest

@pytest.mark.needs_postgresql
def test_row_locks():
    pass

@pytest.mark.needs_redis
def test_broker():
    pass

def test_plain():
    pass
"""

SKIPPING = """
import pytest

def test_skipped():
    pytest.skip("for a reason of its own")
"""


@pytest.fixture
def run(pytester, monkeypatch):
    # As on a machine with neither service, whichever machine runs this.
    monkeypatch.setattr(service_requirements, "available_services", set)
    pytester.makeini(
        """
        [pytest]
        markers =
            needs_postgresql: needs PostgreSQL
            needs_redis: needs Redis
        """
    )

    def run(source, *, required):
        monkeypatch.setenv("WAYMARK_REQUIRE_SERVICES", "1" if required else "0")
        pytester.makepyfile(source)
        return pytester.runpytest_inprocess(
            "-rs", "-p", "no:django", "-p", "tests.service_requirements"
        )

    return run


def test_without_the_services_such_tests_skip_with_the_reason(run):
    result = run(SUITE, required=False)
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*needs PostgreSQL (set DATABASE_URL)*"])
    assert result.ret == 0


def test_when_services_are_required_such_tests_fail(run):
    result = run(SUITE, required=True)
    result.assert_outcomes(passed=1, errors=2)
    assert result.ret != 0


def test_when_services_are_required_any_skip_fails_the_run(run):
    result = run(SKIPPING, required=True)
    result.assert_outcomes(skipped=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*1 test(s) skipped; every test must run here*"])
