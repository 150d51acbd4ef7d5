"""What an app's token may do on the API: its scopes, and never more than its person."""

import base64

import pytest
from django.core.exceptions import ValidationError

from accounts import services as account_services
from integrations import services
from tests.api.conftest import assert_error
from tests.factories import LearningEntryFactory
from tests.integrations.conftest import bearer, obtain_token

pytestmark = pytest.mark.django_db

ALL_SCOPES = "profile entries:read entries:write badges:read exports"


@pytest.fixture
def app(register):
    return register()


def test_a_token_reads_only_its_persons_entries(app, trainee, other_trainee):
    theirs = LearningEntryFactory(trainee=other_trainee)
    mine = LearningEntryFactory(trainee=trainee)
    client = bearer(obtain_token(*app, trainee, ALL_SCOPES)["access_token"])

    listed = client.get("/api/v1/events/")

    assert [e["id"] for e in listed.json()["results"]] == [mine.pk]
    assert_error(client.get(f"/api/v1/events/{theirs.pk}/"), 404)


def test_writing_needs_the_write_scope(app, trainee):
    client = bearer(obtain_token(*app, trainee, "entries:read")["access_token"])

    error = assert_error(
        client.post(
            "/api/v1/events/",
            {"kind": "teaching_attended", "title": "Sim", "date": "2026-11-02"},
            format="json",
        ),
        403,
        "insufficient_scope",
    )

    assert "entries:write" in error["message"]


def test_the_profile_scope_reads_me(app, trainee):
    client = bearer(obtain_token(*app, trainee, "profile")["access_token"])

    assert client.get("/api/v1/me/").json()["email"] == trainee.email


def test_no_scope_opens_personal_token_management(app, trainee):
    client = bearer(obtain_token(*app, trainee, ALL_SCOPES)["access_token"])

    error = assert_error(client.get("/api/v1/tokens/"), 403, "insufficient_scope")

    assert "cannot use this endpoint" in error["message"]


def test_public_curriculum_reads_take_any_token(app, trainee):
    client = bearer(obtain_token(*app, trainee, "badges:read")["access_token"])

    assert client.get("/api/v1/frameworks/").status_code == 200


def test_an_unknown_bearer_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert_error(api_client.get("/api/v1/me/"), 401)


def test_an_anonymous_call_is_401_with_a_challenge(api_client):
    response = api_client.get("/api/v1/me/")

    assert_error(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_a_personal_access_token_works_with_either_keyword(api_client, trainee):
    _, secret = account_services.create_personal_access_token(
        user=trainee, name="Script", expires_in=None, actor=trainee
    )
    for keyword in ("Token", "Bearer"):
        api_client.credentials(HTTP_AUTHORIZATION=f"{keyword} {secret}")
        assert api_client.get("/api/v1/me/").json()["email"] == trainee.email


def test_a_revoked_personal_token_sent_as_bearer_is_401(api_client, trainee):
    token, secret = account_services.create_personal_access_token(
        user=trainee, name="Script", expires_in=None, actor=trainee
    )
    account_services.revoke_personal_access_token(token=token, actor=trainee)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert_error(api_client.get("/api/v1/me/"), 401)


# --- An organisation's own integration (client credentials) ---------------------------------


@pytest.fixture
def org_integration(register, org_admin, org_a):
    return register(
        owner=org_admin,
        grant=services.CLIENT_CREDENTIALS,
        organisation=org_a,
        redirect_uris="",
        name="Trust rota sync",
    )


def client_credentials_token(client, application, secret, scope="entries:read") -> str:
    response = client.post(
        "/oauth/token/",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=basic(application.client_id, secret),
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def basic(client_id, secret) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def test_an_organisations_token_reads_no_ones_private_data(client, org_integration, trainee):
    LearningEntryFactory(trainee=trainee)
    api = bearer(client_credentials_token(client, *org_integration))

    error = assert_error(api.get("/api/v1/events/"), 403, "insufficient_scope")

    assert "organisation" in error["message"]
    assert api.get("/api/v1/frameworks/").status_code == 200


def test_a_persons_app_cannot_use_client_credentials(client, register, trainee):
    with pytest.raises(ValidationError) as refused:
        register(grant=services.CLIENT_CREDENTIALS, redirect_uris="")

    assert "organisation" in refused.value.message_dict["grant"][0]


def test_a_resource_server_introspects_a_token(client, app, org_integration, trainee):
    token = obtain_token(*app, trainee, "entries:read")["access_token"]

    integration, secret = org_integration
    answer = client.post(
        "/oauth/introspect/",
        {"token": token},
        HTTP_AUTHORIZATION=basic(integration.client_id, secret),
    )

    assert answer.status_code == 200
    body = answer.json()
    assert body["active"] is True and body["scope"] == "entries:read"
    assert body["client_id"] == app[0].client_id
