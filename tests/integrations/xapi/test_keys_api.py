"""A provider's admins manage its xAPI keys through the API as on the integrations page: a
new key's secret is answered once and stored only hashed, rotating and revoking end the old
key at once, each audited; an organisation that is not an e-learning provider is told why
it has none; nobody else learns anything of the organisation's keys."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, Role
from audit.models import AuditEntry
from integrations.xapi import services
from integrations.xapi.models import XapiCredential
from integrations.xapi.services import secret_matches
from tests.api.conftest import assert_error
from tests.conftest import member
from tests.integrations.conftest import bearer, obtain_token

pytestmark = pytest.mark.django_db

KEYS = "/api/v1/organisations/ward-round-learning/xapi-keys/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(provider_admin):
    return client_for(provider_admin)


@pytest.fixture
def key(provider, provider_admin):
    credential, _ = services.create_credential(organisation=provider, actor=provider_admin)
    return credential


def test_a_new_keys_secret_is_answered_once_and_stored_hashed(api, provider, settings):
    settings.SITE_URL = "https://waymark.example"

    response = api.post(KEYS)

    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    credential = XapiCredential.objects.get(organisation=provider)
    assert (body["id"], body["key"], body["active"]) == (credential.pk, credential.key, True)
    assert body["endpoint"] == "https://waymark.example/xapi/"
    assert secret_matches(credential, body["secret"])
    assert body["secret"] not in credential.secret_hash
    listed = api.get(KEYS).json()["results"]
    assert [k["key"] for k in listed] == [credential.key] and "secret" not in listed[0]
    audited = AuditEntry.objects.get(action="create_xapi_credential")
    assert audited.payload == {"key": credential.key}


def test_rotating_ends_the_old_key_and_answers_the_new_ones_secret(api, key, provider):
    response = api.post(f"{KEYS}{key.pk}/rotate/")

    assert response.status_code == 201, response.content
    new = XapiCredential.objects.get(organisation=provider, revoked_at__isnull=True)
    assert response.json()["key"] == new.key != key.key
    assert secret_matches(new, response.json()["secret"])
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEntry.objects.filter(action="revoke_xapi_credential").count() == 1
    # The old key is gone from what can be rotated or revoked, as on the page.
    assert_error(api.post(f"{KEYS}{key.pk}/rotate/"), 404, "not_found")


def test_revoking_ends_the_key_at_once(api, key, credentials):
    response = api.post(f"{KEYS}{key.pk}/revoke/")

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False and response.json()["revoked_at"]
    assert AuditEntry.objects.get(action="revoke_xapi_credential").payload == {"key": key.key}
    assert_error(api.post(f"{KEYS}{key.pk}/revoke/"), 404, "not_found")
    # Revoked keys stay listed, after the working ones.
    listed = api.get(KEYS).json()["results"]
    assert [(k["key"], k["active"]) for k in listed] == [
        (credentials[0], True),
        (key.key, False),
    ]


def test_an_organisation_that_is_not_a_provider_is_told_why_it_has_no_keys(org_a, org_admin):
    api = client_for(org_admin)
    keys = f"/api/v1/organisations/{org_a.slug}/xapi-keys/"
    assert org_a.kind != Organisation.Kind.ELEARNING_PROVIDER

    error = assert_error(api.post(keys), 400, "invalid")

    assert "is not an e-learning provider" in error["fields"]["organisation"][0]
    assert api.get(keys).json()["results"] == []
    assert not XapiCredential.objects.exists()


@pytest.mark.parametrize("persona", ["trainee", "org_admin", "other_provider_admin"])
def test_nobody_else_reads_or_changes_the_keys(request, key, other_provider, persona):
    if persona == "other_provider_admin":
        user = member(other_provider, Role.ADMIN, email="admin@elsewhere.example")
    else:
        user = request.getfixturevalue(persona)
    api = client_for(user)

    assert_error(api.get(KEYS), 404, "not_found")
    assert_error(api.post(KEYS), 404, "not_found")
    assert_error(api.post(f"{KEYS}{key.pk}/rotate/"), 404, "not_found")
    assert_error(api.post(f"{KEYS}{key.pk}/revoke/"), 404, "not_found")
    assert XapiCredential.objects.get().revoked_at is None
    assert XapiCredential.objects.count() == 1


def test_another_providers_key_is_not_found_under_this_one(api, other_provider):
    theirs, _ = services.create_credential(organisation=other_provider, actor=None)

    assert_error(api.post(f"{KEYS}{theirs.pk}/revoke/"), 404, "not_found")
    assert_error(api.post(f"{KEYS}not-an-id/rotate/"), 404, "not_found")
    assert XapiCredential.objects.get().revoked_at is None


def test_an_apps_token_cannot_manage_keys(provider_admin, register):
    token = obtain_token(*register(owner=provider_admin), provider_admin, "profile webhooks")

    error = assert_error(bearer(token["access_token"]).post(KEYS), 403, "insufficient_scope")

    assert "cannot use this endpoint" in error["message"]
    assert not XapiCredential.objects.exists()


def test_the_key_list_costs_the_same_however_many(
    api, provider, provider_admin, django_assert_num_queries
):
    services.create_credential(organisation=provider, actor=provider_admin)
    # The organisation, the count and the page.
    with django_assert_num_queries(3):
        assert len(api.get(KEYS).json()["results"]) == 1
    for _ in range(3):
        services.create_credential(organisation=provider, actor=provider_admin)
    with django_assert_num_queries(3):
        assert len(api.get(KEYS).json()["results"]) == 4
