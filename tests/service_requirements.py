"""Tests that need a real service are marked needs_postgresql or needs_redis.

Without the service they skip with the reason, so `make test` passes on a machine with
neither; with WAYMARK_REQUIRE_SERVICES=1 (as CI sets it) they fail instead, and so does any
other skip, so that CI cannot pass by running less than the whole suite.
"""

import os

import pytest


def services_required() -> bool:
    return os.environ.get("WAYMARK_REQUIRE_SERVICES") == "1"


def available_services() -> set[str]:
    from django.conf import settings

    available = set()
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        available.add("postgresql")
    if settings.REDIS_URL:
        available.add("redis")
    return available


NEEDS = {"postgresql": "PostgreSQL (set DATABASE_URL)", "redis": "Redis (set REDIS_URL)"}


def missing_services(item) -> list[str]:
    available = available_services()
    return [
        what
        for service, what in NEEDS.items()
        if item.get_closest_marker(f"needs_{service}") and service not in available
    ]


def pytest_runtest_setup(item):
    missing = missing_services(item)
    if not missing:
        return
    reason = "needs " + " and ".join(missing)
    if services_required():
        pytest.fail(f"WAYMARK_REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if services_required() and skipped and exitstatus == 0:
        reporter.write_line(
            f"WAYMARK_REQUIRE_SERVICES=1: {skipped} test(s) skipped; every test must run here",
            red=True,
        )
        session.exitstatus = 1
