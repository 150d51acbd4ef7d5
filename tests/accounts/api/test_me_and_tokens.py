"""PATCH /api/v1/me/ changes what the account page's profile form changes, and POST
/api/v1/tokens/ makes a personal access token as the token page does: through the same
services, with the same refusals, in the one error format."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PersonalAccessToken
from tests.accounts.api.conftest import audited, client_for
from tests.api.conftest import assert_error, token_client
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
TOKENS = "/api/v1/tokens/"


# --- The profile -----------------------------------------------------------------------------


def test_a_user_changes_their_name_and_keeps_their_gmc_number(trainee, org_a):
    trainee.registration_number = "7123456"
    trainee.save()

    response = client_for(trainee).patch(ME, {"full_name": "Dr Asha Patel"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["full_name"], body["registration_number"]) == ("Dr Asha Patel", "7123456")
    assert body["memberships"] == [
        {"organisation": org_a.slug, "organisation_name": org_a.name, "role": "trainee"}
    ]
    trainee.refresh_from_db()
    assert (trainee.full_name, trainee.registration_number) == ("Dr Asha Patel", "7123456")


def test_a_gmc_number_is_set_and_cleared(trainee):
    client = client_for(trainee)

    assert client.patch(ME, {"registration_number": "7654321"}, format="json").status_code == 200
    trainee.refresh_from_db()
    assert trainee.registration_number == "7654321"

    assert client.patch(ME, {"registration_number": ""}, format="json").status_code == 200
    trainee.refresh_from_db()
    assert trainee.registration_number == ""


def test_another_accounts_gmc_number_is_refused_as_the_page_refuses_it(trainee):
    UserFactory(registration_number="7123456")

    response = client_for(trainee).patch(ME, {"registration_number": "7123456"}, format="json")

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "registration_number": ["Another account already uses this GMC number."]
    }
    trainee.refresh_from_db()
    assert trainee.registration_number == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"registration_number": "12345"}, "registration_number"),
        ({"registration_number": "71234567"}, "registration_number"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "x" * 201}, "full_name"),
    ],
    ids=["short-gmc", "long-gmc", "blank-name", "long-name"],
)
def test_invalid_fields_are_refused_by_name(trainee, body, field):
    name = trainee.full_name

    error = assert_error(client_for(trainee).patch(ME, body, format="json"), 400, "invalid")

    assert list(error["fields"]) == [field]
    trainee.refresh_from_db()
    assert trainee.full_name == name


def test_the_email_address_is_not_changed_here(trainee):
    response = client_for(trainee).patch(ME, {"email": "someone@example.org"}, format="json")

    assert response.status_code == 200
    trainee.refresh_from_db()
    assert trainee.email == "trainee@example.org"


def test_signed_out_callers_change_nothing(trainee):
    assert_error(client_for().patch(ME, {"full_name": "X"}, format="json"), 401)


# --- Making a token with a token ------------------------------------------------------------------


NOW = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def provisioning(trainee, make_token, monkeypatch):
    """A client with a token that never expires, and the clock held at NOW."""
    _, secret = make_token(trainee, name="Provisioning", expires_in=None)
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return token_client(secret)


def test_a_token_makes_another_which_is_shown_once_and_works(trainee, provisioning):
    client = provisioning

    response = client.post(TOKENS, {"name": "Ward tablet", "expires": "30"}, format="json")

    assert response.status_code == 201, response.content
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    new_secret = body.pop("token")
    token = PersonalAccessToken.objects.get(name="Ward tablet")
    assert body == {
        "token_key": token.token_key,
        "name": "Ward tablet",
        "created": "2026-11-02T09:30:00Z",
        "expiry": "2026-12-02T09:30:00Z",
        "last_used_at": None,
    }
    assert new_secret.startswith(token.token_key)
    assert token_client(new_secret).get(ME).json()["email"] == trainee.email
    # Never again: the list of tokens names it by its key alone.
    assert new_secret not in client.get(TOKENS).content.decode()
    assert [entry["payload"]["token_key"] for entry in audited("create_token")][-1] == (
        token.token_key
    )


def test_a_token_that_never_expires_and_the_pages_default(provisioning):
    never = provisioning.post(TOKENS, {"name": "Forever", "expires": "never"}, format="json")
    default = provisioning.post(TOKENS, {"name": "Default"}, format="json")

    assert never.json()["expiry"] is None
    assert default.json()["expiry"] == "2027-01-31T09:30:00Z"  # 90 days


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": "", "expires": "30"}, {"name"}),
        ({"name": "x" * 101}, {"name"}),
        ({"name": "CI", "expires": "7"}, {"expires"}),
        ({}, {"name"}),
    ],
    ids=["blank-name", "long-name", "unoffered-expiry", "empty"],
)
def test_an_invalid_token_request_is_refused_by_field(trainee, make_token, body, fields):
    client = token_client(make_token(trainee)[1])

    error = assert_error(client.post(TOKENS, body, format="json"), 400, "invalid")

    assert set(error["fields"]) == fields
    assert PersonalAccessToken.objects.filter(user=trainee).count() == 1


# --- Making a token in a browser session ----------------------------------------------------------


def signed_in(user) -> APIClient:
    """A browser session made by allauth's sign-in form, as a person makes one."""
    client = APIClient()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def test_a_session_must_have_entered_the_password_again_as_the_page_asks(trainee):
    client = signed_in(trainee)

    response = client.post(TOKENS, {"name": "Laptop"}, format="json")

    error = assert_error(response, 403, "reauthentication_required")
    assert reverse("account_reauthenticate") in error["message"]
    assert not PersonalAccessToken.objects.exists()

    reauthenticated = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert reauthenticated.status_code == 302
    response = client.post(TOKENS, {"name": "Laptop"}, format="json")

    assert response.status_code == 201, response.content
    assert token_client(response.json()["token"]).get(ME).status_code == 200


def test_a_session_without_any_record_of_the_password_is_refused(trainee):
    client = client_for()
    client.force_login(trainee)

    assert_error(client.post(TOKENS, {"name": "Laptop"}, format="json"), 403)
    assert not PersonalAccessToken.objects.exists()


def test_a_call_reads_only_the_token_it_presents(trainee, make_token):
    """Expired tokens are refused and deleted when presented; a call with a live token does
    not read the user's other tokens (the account page lists an expired one as expired)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    expired, expired_secret = make_token(trainee, name="Old script")
    PersonalAccessToken.objects.filter(pk=expired.pk).update(
        expiry=timezone.now() - datetime.timedelta(days=1)
    )
    _, secret = make_token(trainee, name="Laptop")
    with CaptureQueriesContext(connection) as queries:
        assert token_client(secret).get(reverse("api:me")).status_code == 200
    reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and '"accounts_personalaccesstoken"' in q["sql"]
    ]
    assert len(reads) == 1, reads  # the presented token, by its key
    assert PersonalAccessToken.objects.filter(pk=expired.pk).exists()

    assert_error(token_client(expired_secret).get(reverse("api:me")), 401)
    assert not PersonalAccessToken.objects.filter(pk=expired.pk).exists()
