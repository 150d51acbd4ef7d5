"""Fixtures shared by the API tests: clients, tokens, and a clean cache for throttles."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts import services


@pytest.fixture(autouse=True)
def clean_cache():
    """Throttles and allauth's rate limits count in the cache; no test may inherit another
    test's counts."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def make_token():
    def make(user, name="Test token", expires_in=timedelta(days=30)):
        return services.create_personal_access_token(
            user=user, name=name, expires_in=expires_in, actor=user
        )

    return make


def token_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is an API error in the one shape every error has."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    return error
