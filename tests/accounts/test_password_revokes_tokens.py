"""A new password ends the account's API tokens, whether it was changed or reset: a token
made by someone who took the account over must not outlive the owner's recovery."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import PersonalAccessToken
from audit.models import AuditEntry
from tests.api.conftest import assert_error, token_client
from tests.factories import PASSWORD
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
NEW_PASSWORD = "a-new-long-passphrase"


@pytest.fixture
def token(trainee):
    _, secret = services.create_personal_access_token(
        user=trainee, name="Laptop script", expires_in=None, actor=trainee
    )
    assert token_client(secret).get(ME).status_code == 200
    return secret


def test_changing_the_password_revokes_the_api_tokens_and_says_so(client, trainee, token):
    client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert_error(token_client(token).get(ME), 401)
    assert not PersonalAccessToken.objects.filter(user=trainee).exists()
    assert any("API token was revoked" in m for m in messages_of(response))
    entry = AuditEntry.objects.get(action="revoke_tokens_on_password_change")
    assert entry.actor_id == trainee.pk and len(entry.payload["token_keys"]) == 1


def test_resetting_the_password_revokes_the_api_tokens_and_says_so(client, trainee, token):
    client.post(reverse("account_reset_password"), {"email": trainee.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    set_password = client.get(link.group(1)).url

    response = client.post(set_password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert_error(token_client(token).get(ME), 401)
    assert any("API token was revoked" in m for m in messages_of(response))
    entry = AuditEntry.objects.get(action="revoke_tokens_on_password_reset")
    assert entry.actor_id == trainee.pk


def test_a_password_change_leaves_other_peoples_tokens_alone(client, trainee, other_trainee):
    _, secret = services.create_personal_access_token(
        user=other_trainee, name="Theirs", expires_in=None, actor=other_trainee
    )
    client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert token_client(secret).get(ME).status_code == 200
    assert not AuditEntry.objects.filter(action__startswith="revoke_tokens_on").exists()
