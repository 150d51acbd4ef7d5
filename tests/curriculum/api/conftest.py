"""Clients for the curriculum API tests, and a cache cleared of throttle counts."""

import pytest

from tests.accounts.api.conftest import client_for
from tests.api import conftest as api_fixtures
from tests.factories import EnrolmentFactory

clean_cache = api_fixtures.clean_cache

PROGRAMMES = "/api/v1/programmes/"
# Anyone who may not manage organisation A's programmes, and what they are told: those who
# see the programme (its trainee, their supervisor) are refused, anyone else finds nothing.
NOT_ITS_ADMINS = [("programme_trainee", 403), ("supervisor", 403), ("org_b_admin", 404)]


@pytest.fixture
def admin_api(org_admin):
    return client_for(org_admin)


@pytest.fixture
def enrolment(trainee, programme):
    return EnrolmentFactory(trainee=trainee, programme=programme)


@pytest.fixture
def programme_trainee(enrolment):
    """The trainee enrolled in the programme: they, and their supervisor, see it."""
    return enrolment.trainee
