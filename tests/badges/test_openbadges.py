"""Open Badges 2.0 documents, baking and the public verification page, signed out."""

import hashlib
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from badges import images, openbadges
from badges.models import BadgeClass
from badges.services import awarding

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(badge_classes, enrolled_trainee, org_admin):
    return awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-host"),
        recipient=enrolled_trainee,
        actor=org_admin,
        narrative="Hosted #FOAMed journal club on sepsis guidelines.",
    )


def test_the_hosted_assertion_is_public_json_ld(client, award, settings):
    response = client.get(f"/ob/v2/assertions/{award.uid}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    document = response.json()
    assert document["@context"] == "https://w3id.org/openbadges/v2"
    assert document["type"] == "Assertion"
    assert document["id"] == f"{settings.SITE_URL}/ob/v2/assertions/{award.uid}"
    assert document["verification"] == {"type": "hosted"}
    recipient = document["recipient"]
    expected = hashlib.sha256((award.recipient_email + recipient["salt"]).encode()).hexdigest()
    assert recipient == {
        "type": "email",
        "hashed": True,
        "salt": award.salt,
        "identity": f"sha256${expected}",
    }
    assert award.recipient_email not in response.content.decode()
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*\+00:00$", document["issuedOn"])
    # How it was earned is always there; the issuer's own words wait until the trainee makes
    # the badge public.
    [evidence] = document["evidence"]
    assert evidence["id"] == f"{settings.SITE_URL}/badges/awards/{award.uid}/"
    assert evidence["narrative"] == (
        f"Awarded by hand by {award.awarded_by.full_name} for St Elsewhere NHS Foundation "
        "Trust, not automatically by Waymark's rules."
    )


def test_the_issuers_narrative_appears_once_the_trainee_makes_the_badge_public(client, award):
    award.public = True
    award.save()
    document = client.get(f"/ob/v2/assertions/{award.uid}").json()
    narrative = document["evidence"][0]["narrative"]
    assert narrative.startswith("Awarded by hand by ")
    assert narrative.endswith("\n\nHosted #FOAMed journal club on sepsis guidelines.")


def test_badge_class_and_issuer_documents_chain_together(client, award):
    assertion = client.get(f"/ob/v2/assertions/{award.uid}").json()
    badge = client.get(urlsplit(assertion["badge"]).path).json()
    assert badge["type"] == "BadgeClass" and badge["name"] == "Journal club host"
    assert badge["criteria"]["narrative"].startswith("Hold the Journal club regular badge")
    assert {a["targetCode"] for a in badge["alignment"]} == {"FPC10", "FPC13"}
    fpc10 = next(a for a in badge["alignment"] if a["targetCode"] == "FPC10")
    assert fpc10["targetUrl"].endswith("/frameworks/uk-foundation/2021/items/FPC10/")
    assert fpc10["targetFramework"] == "UK Foundation Programme Curriculum 2021"
    issuer = client.get(urlsplit(badge["issuer"]).path).json()
    assert issuer["type"] == "Issuer" and issuer["email"]


def test_a_revoked_assertion_answers_410_with_the_reason(client, award, org_admin):
    awarding.revoke_award(award=award, actor=org_admin, reason="Awarded to the wrong trainee")
    response = client.get(f"/ob/v2/assertions/{award.uid}")
    assert response.status_code == 410
    assert response.json()["revoked"] is True
    assert response.json()["revocationReason"] == "Awarded to the wrong trainee"
    page = client.get(award.get_absolute_url())
    assert page.status_code == 410 and "Revoked" in page.content.decode()
    assert client.get(f"/badges/awards/{award.uid}/badge.png").status_code == 404


def test_baked_png_and_svg_carry_the_assertion(client, award):
    url = openbadges.assertion_url(award)
    png = client.get(f"/badges/awards/{award.uid}/badge.png")
    assert png["Content-Type"] == "image/png"
    assert images.baked_url(png.content) == url
    svg = client.get(f"/badges/awards/{award.uid}/badge.svg").content.decode()
    assert 'xmlns:openbadges="http://openbadges.org"' in svg
    assert f'<openbadges:assertion verify="{url}"/>' in svg


def test_verification_page_checks_an_email_address(client, award, enrolled_trainee):
    page = client.get(award.get_absolute_url()).content.decode()
    assert "Valid." in page and "Journal club host" in page
    assert enrolled_trainee.get_full_name() not in page  # name private by default
    yes = client.post(
        award.get_absolute_url(), {"email": enrolled_trainee.email.upper()}
    ).content.decode()
    assert "Yes: this badge was issued to that email address." in yes
    no = client.post(
        award.get_absolute_url(), {"email": "someone.else@example.org"}
    ).content.decode()
    assert "No: this badge was not issued to that email address." in no


def test_expired_badges_show_as_expired(client, award):
    award.expires = timezone.now() - timezone.timedelta(days=1)
    award.save()
    assert "Expired" in client.get(award.get_absolute_url()).content.decode()
    assert client.get(f"/ob/v2/assertions/{award.uid}").json()["expires"]


def test_the_public_profile_is_off_by_default_and_shows_only_chosen_badges(
    client, award, enrolled_trainee
):
    from badges.models import PublicProfile

    profile = PublicProfile.objects.create(user=enrolled_trainee)
    assert client.get(f"/profiles/{profile.slug}/").status_code == 404
    profile.enabled = True
    profile.save()
    page = client.get(f"/profiles/{profile.slug}/").content.decode()
    assert "No badges are shown here yet." in page
    award.public = True
    award.save()
    page = client.get(f"/profiles/{profile.slug}/").content.decode()
    assert "Journal club host" in page and str(award.uid) in page
