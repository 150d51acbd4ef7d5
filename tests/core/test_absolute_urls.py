"""Every address Waymark shows for copying comes from SITE_URL, never from the Host header a
request arrived with: a profile or item address must be the same one badges publish."""

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.models import PublicProfile
from teaching.models import TeachingProgramme, TeachingSession
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

SITE = "https://waymark.example.org"
OTHER_HOST = "internal.example.net"


@pytest.fixture(autouse=True)
def two_hosts(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["waymark.example.org", OTHER_HOST]


def test_an_items_permanent_address_is_on_the_site_url(client):
    item = ItemFactory()

    html = client.get(item.get_absolute_url(), HTTP_HOST=OTHER_HOST).content.decode()

    assert f"<code>{SITE}{item.get_absolute_url()}</code>" in html
    assert OTHER_HOST not in html


def test_the_public_profile_address_is_on_the_site_url(client, trainee):
    client.force_login(trainee)
    client.post(reverse("badges:profile_visibility"), {"enabled": "1"}, HTTP_HOST=OTHER_HOST)
    profile = PublicProfile.objects.get(user=trainee, enabled=True)

    html = client.get(reverse("badges:my_badges"), HTTP_HOST=OTHER_HOST).content.decode()

    address = SITE + reverse("badges:public_profile", args=[profile.slug])
    assert f'<a href="{address}" class="web-address">{address}</a>' in html
    assert OTHER_HOST not in html


def test_links_in_sign_up_and_password_emails_are_on_the_site_url(client, trainee, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": trainee.email}, HTTP_HOST=OTHER_HOST)
    client.post(
        reverse("account_signup"),
        {
            "email": "host.check@example.org",
            "full_name": "Dr New Doctor",
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
        HTTP_HOST=OTHER_HOST,
    )

    reset, confirm = mailoutbox
    assert f"{SITE}/accounts/password/reset/key/" in reset.body
    assert f"{SITE}/accounts/confirm-email/" in confirm.body
    for message in (reset, confirm):
        assert OTHER_HOST not in message.subject + message.body


def test_the_check_in_address_shown_to_organisers_is_on_the_site_url(client, org_a, org_admin):
    programme = TeachingProgramme.objects.create(organisation=org_a, slug="fy", name="FY")
    session = TeachingSession.objects.create(
        programme=programme, title="Sepsis", starts_at=timezone.now(), check_in_code="123456"
    )
    client.force_login(org_admin)

    html = client.get(
        reverse("teaching:session_detail", args=[org_a.slug, session.pk]), HTTP_HOST=OTHER_HOST
    ).content.decode()

    assert f"<strong>{SITE}{reverse('teaching:check_in')}</strong>" in html
    assert OTHER_HOST not in html
