"""Staff reach the admin through the same door as everyone: allauth's sign-in, with its rate
limits and two-factor step. The admin has no password form of its own, and opens only to a
session that passed a second factor."""

from urllib.parse import quote

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from tests.accounts.test_authentication import current_totp
from tests.factories import PASSWORD, UserFactory
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
ORGANISATIONS = "/admin/accounts/organisation/"


@pytest.fixture
def staff(db):
    return UserFactory(email="support@example.org", is_staff=True, is_superuser=True)


def sign_in(client, user, **extra):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, **extra
    )


def test_the_admin_login_page_sends_to_the_allauth_sign_in_keeping_next(client):
    response = client.get(f"{reverse('admin:login')}?next={ORGANISATIONS}")

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={quote(ORGANISATIONS, safe='')}"


def test_an_admin_page_leads_anonymous_visitors_to_the_allauth_sign_in(client):
    response = client.get(ORGANISATIONS, follow=True)

    assert response.redirect_chain[-1][0] == (
        f"{reverse('account_login')}?next={quote(ORGANISATIONS, safe='')}"
    )


def test_a_password_posted_to_the_admin_login_signs_nobody_in(client, staff):
    response = client.post(
        reverse("admin:login"), {"username": staff.email, "password": PASSWORD, "next": ADMIN}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_an_unsafe_next_is_replaced_by_the_admin_index(client):
    response = client.get(f"{reverse('admin:login')}?next=https://evil.example.com/")

    assert response.url == f"{reverse('account_login')}?next={quote(ADMIN, safe='')}"


def test_staff_without_two_factor_are_told_to_enrol_first(client, staff):
    sign_in(client, staff)

    response = client.get(ADMIN, follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    assert response.status_code == 200
    assert any("need two-factor authentication" in m for m in messages_of(response))
    assert 'href="' + reverse("mfa_activate_totp") in response.content.decode()
    assert client.get(ORGANISATIONS).status_code == 302


def test_staff_with_totp_reach_the_admin_only_after_the_code(client, staff):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    # The admin sends them to allauth's sign-in, which stops at the second factor.
    login_url = client.get(ADMIN, follow=True).redirect_chain[-1][0]
    response = client.post(login_url, {"login": staff.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    for page in (ADMIN, ORGANISATIONS, reverse("portfolio:dashboard")):
        assert client.get(page).status_code == 302
    assert client.get("/api/v1/me/").status_code in (401, 403)

    response = client.post(reverse("mfa_authenticate"), {"code": current_totp(secret)})

    assert response.url == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert client.get(ORGANISATIONS).status_code == 200


def test_a_staff_session_that_skipped_the_code_is_asked_for_it(client, staff):
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)  # signed in some other way, with no second factor recorded

    response = client.get(ORGANISATIONS, follow=True)

    assert response.redirect_chain[-1][0] == (
        f"{reverse('mfa_reauthenticate')}?next={quote(ORGANISATIONS, safe='')}"
    )


def test_people_who_are_not_staff_are_refused_the_admin(client, trainee):
    sign_in(client, trainee)

    assert client.get(ADMIN, follow=True).status_code == 403
