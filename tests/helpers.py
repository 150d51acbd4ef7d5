"""Assertions and small actions shared by the page tests of every app."""

import re
import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership


def sign_in_as_staff(client, user):
    """A staff member enrolled in TOTP, signed in with password and code, as the admin
    requires (tests/accounts/test_admin_door.py drives the real pages)."""
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    return client


def assert_inline_error(response, field, message, prefix=""):
    """`message` is shown next to `field`, in the error list the field points to."""
    html = response.content.decode()
    field_id = f"id_{prefix}-{field}" if prefix else f"id_{field}"
    found = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', html, re.S)
    assert found, f"the page shows no errors next to {field!r}"
    assert escape(message) in found.group(1), found.group(1)


def messages_of(response):
    """The messages the request added, whether the page showed them or redirected."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def roles_in(organisation, user):
    return set(
        Membership.objects.filter(organisation=organisation, user=user).values_list(
            "role", flat=True
        )
    )


def sign_in_as(client, request, persona):
    """Sign the test client in as a persona fixture, or stay anonymous."""
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


# Who may open an organisation's admin pages, and the answer each gets: anyone signed in who
# is not one of its admins is told the page does not exist.
ORGANISATION_ADMIN_PAGE_ANSWERS = [
    ("anonymous", "login"),
    ("trainee", 404),
    ("supervisor", 404),
    ("org_b_admin", 404),
    ("org_admin", 200),
]
NOT_THE_ORGANISATIONS_ADMINS = [p for p, answer in ORGANISATION_ADMIN_PAGE_ANSWERS if answer != 200]


def assert_answered(response, expected):
    """The response is `expected`: a status code, or "login" for a redirect to sign in."""
    if expected == "login":
        assert response.status_code == 302
        assert reverse("account_login") in response.url
    else:
        assert response.status_code == expected


def assert_post_refused(response, persona):
    """A POST by someone who may not make it: anonymous callers are sent to sign in, anyone
    else is told the page does not exist."""
    assert_answered(response, "login" if persona == "anonymous" else 404)


def queries_for(client, url):
    """How many queries a GET of `url` makes; the page must answer 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def audit_intact() -> int:
    """Verify every audit chain (and checkpoint); return how many entries verified."""
    from audit import chain

    report = chain.verify()
    assert report.problem is None, report.problem.sentence
    return report.entries
