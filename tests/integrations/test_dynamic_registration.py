"""Dynamic Client Registration (RFC 7591): any app may register, within what Waymark
allows, a few times an hour from one address, and is named in the server's metadata."""

import json
import secrets

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.core.cache import cache
from oauth2_provider.models import get_application_model

from audit.models import AuditEntry
from integrations.models import RegisteredClient
from integrations.scopes import OB_CREDENTIAL_READ

pytestmark = pytest.mark.django_db

Application = get_application_model()
URL = "/oauth/register/"


def metadata(**changes):
    return {
        "client_name": "Pocket Wallet",
        "client_uri": "https://wallet.example.org",
        "redirect_uris": ["https://wallet.example.org/callback"],
        "scope": OB_CREDENTIAL_READ,
        **changes,
    }


def register(client, **changes):
    return client.post(URL, metadata(**changes), content_type="application/json")


def test_a_confidential_client_gets_its_secret_once_and_its_metadata_back(client):
    answer = register(client, token_endpoint_auth_method="client_secret_basic")

    assert answer.status_code == 201, answer.content
    body = answer.json()
    application = Application.objects.get(client_id=body["client_id"])
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.client_secret != body["client_secret"]  # stored hashed
    assert body["client_secret_expires_at"] == 0
    assert body["client_uri"] == "https://wallet.example.org"
    assert body["scope"] == OB_CREDENTIAL_READ
    assert body["grant_types"] == ["authorization_code", "refresh_token"]
    assert answer["Cache-Control"] == "no-store"
    assert RegisteredClient.objects.get(application=application).metadata["client_name"] == (
        "Pocket Wallet"
    )
    assert AuditEntry.objects.filter(action="register_oauth_app_dynamically").count() == 1


def test_a_public_client_has_no_secret(client):
    body = register(client, token_endpoint_auth_method="none").json()

    assert "client_secret" not in body
    assert Application.objects.get(client_id=body["client_id"]).client_type == "public"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"redirect_uris": ["http://wallet.example.org/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://wallet.example.org/cb#here"]}, "invalid_redirect_uri"),
        ({"scope": "everything"}, "invalid_client_metadata"),
        ({"grant_types": ["client_credentials"]}, "invalid_client_metadata"),
        ({"logo_uri": "http://wallet.example.org/logo.png"}, "invalid_client_metadata"),
        ({"client_name": ""}, "invalid_client_metadata"),
    ],
)
def test_what_waymark_does_not_allow_is_refused_with_the_rfcs_error(client, changes, error):
    answer = register(client, **changes)

    assert answer.status_code == 400
    assert answer.json()["error"] == error
    assert Application.objects.count() == 0


def test_a_native_app_may_use_the_loopback_address(client):
    answer = register(client, redirect_uris=["http://127.0.0.1:8765/callback"])

    assert answer.status_code == 201


def test_registering_is_rate_limited_per_address(client, settings):
    cache.clear()
    settings.OAUTH_REGISTRATION_RATE = "2/hour"
    assert register(client).status_code == 201
    assert register(client).status_code == 201

    third = register(client)

    assert third.status_code == 429
    assert int(third["Retry-After"]) > 0
    cache.clear()


def test_the_server_metadata_names_the_registration_endpoint(client):
    document = client.get("/.well-known/oauth-authorization-server").json()

    assert document["registration_endpoint"].endswith("/oauth/register/")
    assert OB_CREDENTIAL_READ in document["scopes_supported"]


def test_the_discovery_document_describes_the_api_and_its_oauth(client, settings):
    document = client.get("/ims/ob/v3p0/discovery").json()

    assert document["openapi"].startswith("3.0")
    assert document["servers"] == [{"url": f"{settings.SITE_URL}/ims/ob/v3p0"}]
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["x-imssf-registrationUrl"] == f"{settings.SITE_URL}/oauth/register/"
    assert set(scheme["flows"]["authorizationCode"]["scopes"]) == {
        f"https://purl.imsglobal.org/spec/ob/v3p0/scope/{name}"
        for name in (
            "credential.readonly",
            "credential.upsert",
            "profile.readonly",
            "profile.update",
        )
    }
    assert set(document["paths"]) == {"/credentials", "/profile", "/discovery"}


def test_the_consent_page_says_the_app_registered_itself_and_links_its_pages(client, trainee):
    body = register(
        client, token_endpoint_auth_method="none", policy_uri="https://wallet.example.org/privacy"
    ).json()
    client.force_login(trainee)

    page = client.get(
        "/oauth/authorize/",
        {
            "client_id": body["client_id"],
            "response_type": "code",
            "redirect_uri": "https://wallet.example.org/callback",
            "scope": OB_CREDENTIAL_READ,
            "code_challenge": create_s256_code_challenge(secrets.token_urlsafe(48)),
            "code_challenge_method": "S256",
        },
    )

    assert page.status_code == 200
    text = page.content.decode()
    assert "Pocket Wallet registered itself with Waymark" in text
    assert 'href="https://wallet.example.org/privacy"' in text
    assert "Copy the Open Badges credentials of the badges you have earned." in text


def test_an_app_reads_its_registration_with_its_token_but_cannot_change_it(client):
    body = register(client).json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {body['registration_access_token']}"}

    read = client.get(body["registration_client_uri"], **auth)
    change = client.put(
        body["registration_client_uri"],
        metadata(redirect_uris=["http://attacker.example/cb"]),
        content_type="application/json",
        **auth,
    )

    assert read.status_code == 200 and read.json()["client_id"] == body["client_id"]
    assert change.status_code == 405
    assert Application.objects.get().redirect_uris == "https://wallet.example.org/callback"


def test_metadata_not_sent_as_json_is_refused(client):
    answer = client.post(URL, json.dumps(metadata()), content_type="text/plain")

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_client_metadata"
    assert Application.objects.count() == 0
