"""A provider's OAuth app with client credentials may send statements instead of a key and
secret, with a token that may write entries; no other token may."""

import json

import pytest

from integrations import services as oauth
from portfolio.models import LearningEntry
from tests.integrations.test_api_access import client_credentials_token
from tests.integrations.xapi.conftest import VERSION, completion

URL = "/xapi/statements"


@pytest.fixture
def provider_app(provider, provider_admin):
    return oauth.register_application(
        owner=provider_admin,
        name="Ward Round LMS",
        redirect_uris="",
        public=False,
        grant=oauth.CLIENT_CREDENTIALS,
        organisation=provider,
        actor=provider_admin,
    )


def send(client, token, statement):
    return client.post(
        URL,
        json.dumps(statement),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **VERSION,
    )


def test_a_providers_client_credentials_token_sends_statements(
    client, provider_app, connected_trainee
):
    token = client_credentials_token(client, *provider_app, scope="entries:write")
    assert send(client, token, completion()).status_code == 200
    entry = LearningEntry.objects.get(trainee=connected_trainee)
    assert entry.provider == "Ward Round Learning"


def test_a_token_without_the_write_scope_is_refused(client, provider_app, connected_trainee):
    token = client_credentials_token(client, *provider_app, scope="entries:read")
    assert send(client, token, completion()).status_code == 401
    assert not LearningEntry.objects.exists()


def test_a_token_of_an_organisation_that_is_not_a_provider_is_refused(
    client, org_admin, org_a, connected_trainee
):
    app = oauth.register_application(
        owner=org_admin,
        name="Trust rota sync",
        redirect_uris="",
        public=False,
        grant=oauth.CLIENT_CREDENTIALS,
        organisation=org_a,
        actor=org_admin,
    )
    token = client_credentials_token(client, *app, scope="entries:write")
    response = send(client, token, completion())
    assert response.status_code == 403
    assert "not an e-learning provider" in response.json()["error"]
    assert not LearningEntry.objects.exists()
