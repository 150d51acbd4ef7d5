"""The awards API's Open Badges 3.0 fields, and revocation through the API."""

import pytest

from badges.models import Award, BadgeClass
from badges.services import awarding

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(badge_classes, enrolled_trainee, org_admin):
    return awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-host"),
        recipient=enrolled_trainee,
        actor=org_admin,
    )


def test_an_award_lists_its_credential_and_baked_image_urls(client, award, settings):
    client.force_login(award.recipient)
    [listed] = client.get("/api/v1/awards/").json()["results"]
    base = f"{settings.SITE_URL}/"
    assert listed["credential_url"] == f"{base}ob/v3/credentials/{award.uid}"
    assert listed["credential_jwt_url"] == f"{base}ob/v3/credentials/{award.uid}.jwt"
    assert listed["baked_png_url"] == f"{base}badges/awards/{award.uid}/badge.png"
    assert listed["baked_svg_url"] == f"{base}badges/awards/{award.uid}/badge.svg"
    assert listed["credential_png_url"] == f"{base}badges/awards/{award.uid}/badge-ob3.png"
    assert listed["credential_svg_url"] == f"{base}badges/awards/{award.uid}/badge-ob3.svg"
    client.logout()
    credential = client.get(listed["credential_url"].removeprefix(settings.SITE_URL))
    assert credential.status_code == 200


def revoke(client, award, body):
    return client.post(f"/api/v1/awards/{award.pk}/revoke/", body, content_type="application/json")


def test_the_issuers_admin_revokes_with_a_reason(client, award, org_admin):
    client.force_login(org_admin)
    response = revoke(client, award, {"reason": "Awarded to the wrong trainee"})
    assert response.status_code == 200
    body = response.json()
    assert body["revoked"] is True and body["revocation_reason"] == "Awarded to the wrong trainee"
    assert Award.objects.get(pk=award.pk).revoked_at is not None


def test_a_revocation_needs_a_reason(client, award, org_admin):
    client.force_login(org_admin)
    response = revoke(client, award, {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]


def test_revoking_twice_is_a_conflict(client, award, org_admin):
    client.force_login(org_admin)
    revoke(client, award, {"reason": "Awarded in error"})
    assert revoke(client, award, {"reason": "Again"}).status_code == 409


@pytest.mark.parametrize("who", ["recipient", "org_b_admin", "other_trainee"])
def test_nobody_else_can_revoke_or_learn_the_award_exists(client, award, who, request):
    user = award.recipient if who == "recipient" else request.getfixturevalue(who)
    client.force_login(user)
    assert revoke(client, award, {"reason": "Because"}).status_code == 404
    assert Award.objects.get(pk=award.pk).revoked_at is None


def test_signed_out_callers_are_refused(client, award):
    assert revoke(client, award, {"reason": "Because"}).status_code == 401
