"""Sign-up, email verification, sign-in and two-factor authentication, through the pages."""

import re

import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

EMAIL = "new.doctor@example.org"


def current_totp(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def sign_in(client, email=EMAIL, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_up_verify_sign_in_and_enrol_in_two_factor(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    # Sign up: the account exists but cannot be used until the address is verified.
    response = client.post(
        reverse("account_signup"),
        {
            "email": EMAIL,
            "full_name": "Dr New Doctor",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email=EMAIL)
    assert user.full_name == "Dr New Doctor"
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body
    ).group(1)

    client.logout()
    response = sign_in(client)
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("portfolio:dashboard")).status_code == 302  # still signed out

    # Verify by following the emailed link and confirming.
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert user.emailaddress_set.get(email=EMAIL).verified

    client.logout()
    response = sign_in(client)
    assert response.status_code == 302 and response.url == reverse("portfolio:dashboard")
    assert client.get(reverse("portfolio:dashboard")).status_code == 200

    # Enrol in TOTP, which first asks for the password again; the page then shows a secret,
    # and answering with its current code activates it.
    activate = reverse("mfa_activate_totp")
    response = client.get(activate)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302 and response.url == activate
    assert client.get(activate).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(activate, {"code": current_totp(secret)})
    assert response.status_code == 302, response.content[:2000]
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    # The secret is encrypted at rest: not readable from the row, recoverable with the key.
    assert secret not in str(authenticator.data)
    assert get_mfa_adapter().decrypt(authenticator.data["secret"]) == secret

    # The next sign-in stops at the second factor until the code is given.
    client.logout()
    response = sign_in(client)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("portfolio:dashboard")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": current_totp(secret)})
    assert response.status_code == 302 and response.url == reverse("portfolio:dashboard")
    assert client.get(reverse("portfolio:dashboard")).status_code == 200


def test_sign_in_errors_are_shown_on_the_form(client, trainee):
    response = sign_in(client, email=trainee.email, password="wrong password")
    assert response.status_code == 200
    assert (
        "The email address and/or password you specified are not correct."
        in response.content.decode()
    )


def test_sign_up_needs_a_full_name(client):
    response = client.post(
        reverse("account_signup"),
        {"email": EMAIL, "full_name": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == ["This field is required."]
    assert not User.objects.filter(email=EMAIL).exists()


def test_changing_password_signs_out_other_sessions(client, trainee):
    other_device = type(client)()
    other_device.force_login(trainee)
    assert other_device.get(reverse("portfolio:dashboard")).status_code == 200
    client.force_login(trainee)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert other_device.get(reverse("portfolio:dashboard")).status_code == 302


def test_changing_email_asks_for_the_password_again(client, trainee):
    client.force_login(trainee)  # a session with no recent password entry
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "second@example.org"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not trainee.emailaddress_set.filter(email="second@example.org").exists()


def test_security_changes_are_notified_by_email(client, trainee):
    sign_in(client, email=trainee.email)
    mail.outbox.clear()
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert [m.to for m in mail.outbox] == [[trainee.email]]
    assert "password" in mail.outbox[0].subject.lower()
