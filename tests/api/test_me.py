"""GET /api/v1/me/: who is calling, by session or by personal access token, and nobody else."""

import base64

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.api.conftest import assert_error, token_client
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_the_url_is_named():
    assert reverse("api:me") == ME


def assert_is(body, user, memberships):
    assert body["email"] == user.email
    assert body["full_name"] == user.full_name
    assert body["registration_number"] == user.registration_number
    assert sorted(
        (m["organisation"], m["organisation_name"], m["role"]) for m in body["memberships"]
    ) == sorted(memberships)


def test_session_user_sees_themselves_with_their_roles(api_client, trainee, org_a, org_b):
    trainee.registration_number = "7123456"
    trainee.save()
    MembershipFactory(user=trainee, organisation=org_b, role=Role.SUPERVISOR)
    api_client.force_login(trainee)

    response = api_client.get(ME)

    assert response.status_code == 200
    assert_is(
        response.json(),
        trainee,
        [(org_a.slug, org_a.name, "trainee"), (org_b.slug, org_b.name, "supervisor")],
    )
    assert "password" not in response.json()


def test_token_user_sees_themselves(trainee, org_a, make_token):
    _, secret = make_token(trainee)

    response = token_client(secret).get(ME)

    assert response.status_code == 200
    assert_is(response.json(), trainee, [(org_a.slug, org_a.name, "trainee")])


def test_the_answer_is_about_the_caller_not_anyone_else(trainee, other_trainee, make_token):
    _, secret = make_token(other_trainee)
    assert token_client(secret).get(ME).json()["email"] == "other.trainee@example.org"


def test_anonymous_gets_401_with_a_challenge_and_the_error_format(api_client):
    response = api_client.get(ME)

    error = assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    assert "fields" not in error


def test_basic_auth_with_the_right_password_does_not_authenticate(api_client, trainee):
    credentials = base64.b64encode(f"{trainee.email}:{PASSWORD}".encode()).decode()
    api_client.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")

    response = api_client.get(ME)

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "header",
    [
        "Token wm_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "Token not-a-token",
        "Token",
        "Token two parts",
        "Token wm_\xff\xfe-not-utf-8",
    ],
    ids=["unknown", "garbage", "empty", "spaces", "not-utf-8"],
)
def test_a_bad_token_is_401_not_an_error(api_client, trainee, make_token, header):
    make_token(trainee)  # a real token exists, so lookups by key prefix find rows
    api_client.credentials(HTTP_AUTHORIZATION=header)

    response = api_client.get(ME)

    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_secret_with_a_real_key_is_refused(trainee, make_token):
    token, secret = make_token(trainee)
    forged = token.token_key + ("0" if secret[-1] != "0" else "1") * (len(secret) - 15)
    assert_error(token_client(forged).get(ME), 401, "authentication_failed")


def test_an_inactive_users_token_stops_working(trainee, make_token):
    _, secret = make_token(trainee)
    trainee.is_active = False
    trainee.save()
    assert_error(token_client(secret).get(ME), 401, "authentication_failed")


def test_a_token_does_not_open_the_web_pages(trainee, make_token):
    """Tokens are for the API; the browser pages only know sessions."""
    _, secret = make_token(trainee)
    response = token_client(secret).get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_me_is_changed_field_by_field_not_replaced(api_client, trainee):
    api_client.force_login(trainee)
    response = api_client.put(ME, {"full_name": "Someone Else"}, format="json")
    assert_error(response, 405, "method_not_allowed")
    trainee.refresh_from_db()
    assert trainee.full_name != "Someone Else"


def test_session_writes_need_the_csrf_token(trainee):
    """With a session, an unsafe method without the CSRF token is refused before the view
    runs; a token-authenticated call needs no CSRF token."""
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(trainee)
    response = client.delete(ME)
    assert_error(response, 403, "permission_denied")
    assert "CSRF" in response.json()["error"]["message"]
