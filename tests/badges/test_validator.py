"""Every award, its baked PNG and its baked SVG pass the official Open Badges 2.0 validator,
fetching the documents over HTTP from a live server, always with the recipient's email."""

import io

import pytest
import requests

from badges.models import Award, BadgeClass
from badges.services import awarding
from tests.badges import ob_validator as validator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def award(live_server, settings, badge_classes, add, enrolled_trainee):
    # Documents name themselves by SITE_URL; here that is the live server the validator fetches.
    settings.SITE_URL = live_server.url
    add(1)
    # Awarded by the rules, so the assertion's evidence says what they counted.
    awarding.evaluate_awards(trainee=enrolled_trainee)
    return Award.objects.get(
        recipient=enrolled_trainee, badge_class__slug="journal-club-contributor"
    )


@pytest.fixture
def award_by_hand(live_server, settings, badge_classes, enrolled_trainee, org_admin):
    settings.SITE_URL = live_server.url
    award = awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="teaching-impact"),
        recipient=enrolled_trainee,
        actor=org_admin,
        narrative="Audited the impact of her sepsis teaching.",
    )
    award.public = True
    award.save()
    return award


def assertion_url(live_server, award):
    return f"{live_server.url}/ob/v2/assertions/{award.uid}"


def test_the_hosted_assertion_validates(live_server, award, enrolled_trainee):
    report = validator.validate(assertion_url(live_server, award), email=enrolled_trainee.email)
    assert report["valid"], validator.errors(report)
    assert report["errorCount"] == 0 and report["openBadgesVersion"] == "2.0"
    evidence = requests.get(assertion_url(live_server, award), timeout=10).json()["evidence"]
    assert "1 social media entry on " in evidence[0]["narrative"]


def test_an_assertion_awarded_by_hand_validates(live_server, award_by_hand, enrolled_trainee):
    url = assertion_url(live_server, award_by_hand)
    report = validator.validate(url, email=enrolled_trainee.email)
    assert report["valid"], validator.errors(report)
    narrative = requests.get(url, timeout=10).json()["evidence"][0]["narrative"]
    assert narrative.startswith("Awarded by hand by ")


def test_the_baked_png_validates(live_server, award, enrolled_trainee, tmp_path):
    png = requests.get(f"{live_server.url}/badges/awards/{award.uid}/badge.png", timeout=10).content
    path = tmp_path / "badge.png"
    path.write_bytes(png)
    with path.open("rb") as baked:
        report = validator.validate(baked, email=enrolled_trainee.email)
    assert report["valid"], validator.errors(report)
    assert report["validationSubject"] == assertion_url(live_server, award)


def test_the_baked_svg_validates(live_server, award, enrolled_trainee):
    svg = requests.get(f"{live_server.url}/badges/awards/{award.uid}/badge.svg", timeout=10).content
    report = validator.validate(io.BytesIO(svg), email=enrolled_trainee.email)
    assert report["valid"], validator.errors(report)
    assert report["validationSubject"] == assertion_url(live_server, award)


def test_a_wrong_recipient_email_fails(live_server, award):
    report = validator.validate(assertion_url(live_server, award), email="someone.else@example.org")
    assert not report["valid"]
    assert any("did not match" in e for e in validator.errors(report))


def test_a_revoked_assertion_is_reported_revoked(live_server, award, enrolled_trainee, org_admin):
    awarding.revoke_award(award=award, actor=org_admin, reason="Issued in error")
    report = validator.validate(assertion_url(live_server, award), email=enrolled_trainee.email)
    assert report["revoked"] is True and not report["valid"]
    assert any("has been revoked: Issued in error" in e for e in validator.errors(report))


def test_a_demo_award_verifies_signed_out_and_its_baked_png_validates(
    live_server, settings, tmp_path
):
    from django.core.management import call_command

    from badges.models import Award

    settings.SITE_URL = live_server.url
    call_command("seed_demo")
    award = Award.objects.standing().filter(recipient__email="trainee1@waymark.example").first()
    page = requests.get(f"{live_server.url}{award.get_absolute_url()}", timeout=10)
    assert page.status_code == 200 and "Valid." in page.text
    path = tmp_path / "demo.png"
    path.write_bytes(
        requests.get(f"{live_server.url}/badges/awards/{award.uid}/badge.png", timeout=10).content
    )
    with path.open("rb") as baked:
        report = validator.validate(baked, email="trainee1@waymark.example")
    assert report["valid"], validator.errors(report)
