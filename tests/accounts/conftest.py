"""Invitations as the accounts tests make and follow them."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import resolve, reverse
from django.utils import timezone

from accounts import selectors
from accounts.models import Invitation, Role

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def make_invitation(org, email="new.person@example.org", role=Role.TRAINEE, **fields):
    fields.setdefault("expires_at", timezone.now() + timedelta(days=14))
    return Invitation.objects.create(organisation=org, email=email, role=role, **fields)


def link_path(invitation):
    return reverse("accounts:invitation", args=[selectors.invitation_token(invitation)])


def links_in(message):
    """The paths of the invitation links in an email, each on this site."""
    urls = re.findall(r"https?://\S+", message.body)
    assert all(url.startswith(settings.SITE_URL + "/") for url in urls), urls
    return [urlsplit(url).path for url in urls]


def invitation_named_by(path) -> Invitation | None:
    """The invitation a link names. A link carries a signed timestamp, so two links to the
    same invitation made a second apart are spelt differently: compare what they name."""
    return selectors.invitation_from_token(resolve(path).kwargs["token"])


@pytest.fixture
def invite(client, org_a, org_admin, django_capture_on_commit_callbacks):
    """Invite someone through the page as A's admin, running the work queued on commit."""

    def invite(email, role=Role.TRAINEE):
        client.force_login(org_admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:invite", args=[org_a.slug]), {"email": email, "role": role}
            )
        client.logout()
        return response

    return invite
