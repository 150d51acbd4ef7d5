"""Clients for the accounts API tests, and a cache cleared of throttle counts."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from tests.api import conftest as api_fixtures
from tests.helpers import audit_intact

# The API's own fixtures: personal access tokens, and a cache cleared of throttle counts.
make_token = api_fixtures.make_token
clean_cache = api_fixtures.clean_cache


def client_for(user=None) -> APIClient:
    """A client acting as `user`, as a session or a token would; anonymous for None."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def audited(action: str) -> list[dict]:
    """The audit entries written for `action`, in order; the chain holding them verifies."""
    audit_intact()
    return list(
        AuditEntry.objects.filter(action=action)
        .order_by("pk")
        .values("actor_id", "object_type", "object_id", "payload")
    )


@pytest.fixture
def admin_api(org_admin):
    return client_for(org_admin)
