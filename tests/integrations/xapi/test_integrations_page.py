"""A provider's admins manage its xAPI keys on the organisation's integrations page: the
endpoint is shown, a secret once, stored only hashed; rotating and revoking end the old
key at once."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEntry
from integrations.xapi import services
from integrations.xapi.models import XapiCredential
from integrations.xapi.services import secret_matches
from tests.factories import UserFactory
from tests.helpers import messages_of, sign_in_as_staff

PAGE = "/organisations/ward-round-learning/integrations/"


def secret_on(page: str) -> str:
    return re.search(r'id="xapi-secret"[^>]*value="([^"]+)"', page).group(1)


@pytest.fixture
def admin_client(client, provider_admin):
    client.force_login(provider_admin)
    return client


def test_the_page_shows_the_endpoint_and_the_keys(
    admin_client, provider, django_assert_num_queries, settings
):
    settings.SITE_URL = "https://waymark.example"
    admin_client.get(PAGE)
    with django_assert_num_queries(5):
        page = admin_client.get(PAGE)
    assert page.status_code == 200
    assert 'value="https://waymark.example/xapi/"' in page.text
    assert "No keys yet." in page.text


def test_the_page_costs_the_same_with_more_keys(
    admin_client, provider, provider_admin, django_assert_num_queries
):
    for _ in range(3):
        services.create_credential(organisation=provider, actor=provider_admin)
    admin_client.get(PAGE)
    with django_assert_num_queries(5):
        admin_client.get(PAGE)


def test_a_new_key_shows_its_secret_once_and_stores_it_hashed(admin_client, provider):
    answer = admin_client.post(PAGE + "xapi-keys/")
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    secret = secret_on(answer.text)
    credential = XapiCredential.objects.get(organisation=provider)
    assert credential.key in answer.text
    assert secret not in credential.secret_hash
    assert secret_matches(credential, secret)
    assert secret not in admin_client.get(PAGE).text
    assert AuditEntry.objects.filter(action="create_xapi_credential").exists()


def test_rotating_a_key_revokes_it_and_shows_the_new_secret(admin_client, provider):
    admin_client.post(PAGE + "xapi-keys/")
    old = XapiCredential.objects.get()
    answer = admin_client.post(PAGE + f"xapi-keys/{old.pk}/rotate/")
    new = XapiCredential.objects.active().get()
    assert new != old
    assert secret_matches(new, secret_on(answer.text))
    old.refresh_from_db()
    assert old.revoked_at is not None


def test_revoking_a_key(admin_client, provider):
    admin_client.post(PAGE + "xapi-keys/")
    credential = XapiCredential.objects.get()
    answer = admin_client.post(PAGE + f"xapi-keys/{credential.pk}/revoke/")
    assert answer.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert AuditEntry.objects.filter(action="revoke_xapi_credential").exists()


def test_an_organisation_that_is_not_a_provider_gets_no_keys(client, org_admin, org_a):
    client.force_login(org_admin)
    page = client.get("/organisations/org-a/integrations/")
    assert "Only e-learning providers send xAPI statements" in page.text
    refused = client.post("/organisations/org-a/integrations/xapi-keys/", follow=True)
    assert any("not an e-learning provider" in m for m in messages_of(refused))
    assert not XapiCredential.objects.exists()


@pytest.mark.parametrize("person", ["trainee", "org_admin"])
def test_only_the_providers_admins_see_its_page(client, provider, person, request):
    client.force_login(request.getfixturevalue(person))
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE + "xapi-keys/").status_code == 404
    assert not XapiCredential.objects.exists()


def test_another_providers_key_cannot_be_revoked_from_this_page(
    admin_client, provider, other_provider
):
    theirs, _ = services.create_credential(organisation=other_provider, actor=None)
    assert admin_client.post(PAGE + f"xapi-keys/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_command_prints_a_key_and_its_secret_once(provider, capsys):
    call_command("create_xapi_credentials", "ward-round-learning")
    out = capsys.readouterr().out
    credential = XapiCredential.objects.get(organisation=provider)
    secret = re.search(r"secret: (\S+)", out).group(1)
    assert f"key: {credential.key}" in out
    assert "/xapi/" in out
    assert secret_matches(credential, secret)


def test_the_command_says_why_an_organisation_that_is_not_a_provider_gets_none(org_a):
    with pytest.raises(CommandError, match="not an e-learning provider"):
        call_command("create_xapi_credentials", "org-a")
    with pytest.raises(CommandError, match="No organisation"):
        call_command("create_xapi_credentials", "nowhere")


def test_support_sees_a_key_in_the_admin_without_its_secret_hash(client, provider):
    credential, _ = services.create_credential(organisation=provider, actor=None)
    sign_in_as_staff(client, UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:integrations_xapicredential_change", args=[credential.pk]))
    assert page.status_code == 200
    assert credential.key in page.text
    assert credential.secret_hash not in page.text
