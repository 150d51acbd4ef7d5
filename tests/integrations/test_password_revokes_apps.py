"""A new password ends what apps were given under the old one, as it ends personal access
tokens: an app connected by someone who took the account over must not keep its access."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from integrations.models import Connection
from tests.api.conftest import assert_error
from tests.factories import PASSWORD
from tests.helpers import messages_of
from tests.integrations.conftest import bearer, obtain_token

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase"
ME = "/api/v1/me/"


@pytest.fixture
def token(register, trainee):
    token = obtain_token(*register(), trainee, "profile")
    assert bearer(token["access_token"]).get(ME).status_code == 200
    return token


def test_changing_the_password_ends_every_apps_access(client, trainee, token):
    client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert_error(bearer(token["access_token"]).get(ME), 401)
    assert not Connection.objects.filter(user=trainee).exists()
    assert any("connected app lost its access" in m for m in messages_of(response))
    entry = AuditEntry.objects.get(action="revoke_oauth_apps_on_password_change")
    assert entry.actor_id == trainee.pk and len(entry.payload["client_ids"]) == 1


def test_resetting_the_password_ends_every_apps_access(client, trainee, token):
    client.post(reverse("account_reset_password"), {"email": trainee.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    set_password = client.get(link.group(1)).url

    client.post(set_password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert_error(bearer(token["access_token"]).get(ME), 401)
    assert AuditEntry.objects.filter(action="revoke_oauth_apps_on_password_reset").exists()


def test_the_refresh_token_no_longer_works_either(client, trainee, register):
    application, secret = register()
    token = obtain_token(application, secret, trainee, "profile")
    client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    refreshed = Client().post(
        "/oauth/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": application.client_id,
            "client_secret": secret,
        },
    )
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"


def test_another_persons_password_change_leaves_my_apps_alone(
    client, trainee, other_trainee, register
):
    theirs = obtain_token(*register(owner=other_trainee), other_trainee, "profile")
    client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert bearer(theirs["access_token"]).get(ME).status_code == 200
    assert not AuditEntry.objects.filter(action__startswith="revoke_oauth_apps_on").exists()
