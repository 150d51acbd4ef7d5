"""Assertions and small actions shared by the page tests of every app."""

import re

from django.contrib.messages import get_messages
from django.utils.html import escape

from accounts.models import Membership


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
