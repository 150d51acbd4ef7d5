"""A trainee shows or hides each badge, and turns their public profile on or off, through the
API as on the My badges page: the same service, the same audit entries, the same refusals."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEntry
from badges.models import Award, BadgeClass, PublicProfile
from badges.services import awarding
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache

AWARDS = "/api/v1/awards/"
PROFILE = "/api/v1/badge-profile/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def award(badge_classes, trainee):
    return awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="peer-teacher"), recipient=trainee
    )


# --- One badge, shown or hidden ------------------------------------------------------------------


def test_the_earner_shows_a_badge_and_hides_it_again(client, award, trainee):
    response = client_for(trainee).patch(f"{AWARDS}{award.pk}/", {"public": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["public"] is True
    assert Award.objects.get(pk=award.pk).public is True
    assert AuditEntry.objects.filter(action="award_public", object_id=award.pk).count() == 1

    client_for(trainee).patch(f"{AWARDS}{award.pk}/", {"public": False}, format="json")
    assert Award.objects.get(pk=award.pk).public is False
    assert AuditEntry.objects.filter(action="award_hidden", object_id=award.pk).count() == 1
    # The page says the same as the API.
    client.force_login(trainee)
    page = client.get(reverse("badges:my_badges")).content.decode()
    assert "Show it on my public profile" in page


def test_a_badge_shown_publicly_appears_on_the_public_profile(client, award, trainee):
    client_for(trainee).put(PROFILE, {"enabled": True}, format="json")
    client_for(trainee).patch(f"{AWARDS}{award.pk}/", {"public": True}, format="json")

    url = client_for(trainee).get(PROFILE).json()["url"]
    page = client.get(urlsplit(url).path)
    assert page.status_code == 200
    assert "Peer teacher" in page.content.decode()


def test_a_revoked_badge_cannot_be_shown(award, trainee, org_admin):
    awarding.revoke_award(award=award, actor=org_admin, reason="In error.")

    response = client_for(trainee).patch(f"{AWARDS}{award.pk}/", {"public": True}, format="json")

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "public": ["A revoked badge cannot be shown on your public profile."]
    }
    assert Award.objects.get(pk=award.pk).public is False


def test_showing_a_badge_needs_a_yes_or_no(award, trainee):
    for body in ({}, {"public": "perhaps"}):
        response = client_for(trainee).patch(f"{AWARDS}{award.pk}/", body, format="json")
        error = assert_error(response, 400, "invalid")
        assert set(error["fields"]) == {"public"}


@pytest.mark.parametrize("who", ["other_trainee", "org_admin", "supervisor"])
def test_nobody_else_shows_a_badge_or_learns_it_exists(request, award, who):
    caller = request.getfixturevalue(who)

    response = client_for(caller).patch(f"{AWARDS}{award.pk}/", {"public": True}, format="json")

    assert_error(response, 404, "not_found")
    assert Award.objects.get(pk=award.pk).public is False


@pytest.mark.parametrize("award_id", ["abc", "1.5", str(2**64)])
def test_an_id_that_is_no_award_id_is_not_found(award, trainee, award_id):
    response = client_for(trainee).patch(f"{AWARDS}{award_id}/", {"public": True}, format="json")
    assert_error(response, 404)


def test_signed_out_callers_cannot_show_a_badge(award):
    assert_error(client_for().patch(f"{AWARDS}{award.pk}/", {"public": True}, format="json"), 401)


# --- The profile switch --------------------------------------------------------------------------


def test_the_profile_is_off_with_no_address_until_first_switched(trainee):
    response = client_for(trainee).get(PROFILE)

    assert response.status_code == 200
    assert response.json() == {"enabled": False, "slug": None, "url": None}
    assert not PublicProfile.objects.exists()


def test_the_trainee_turns_the_profile_on_and_off(client, trainee, settings):
    response = client_for(trainee).put(PROFILE, {"enabled": True}, format="json")

    assert response.status_code == 200, response.content
    profile = PublicProfile.objects.get(user=trainee)
    assert response.json() == {
        "enabled": True,
        "slug": profile.slug,
        "url": f"{settings.SITE_URL}/profiles/{profile.slug}/",
    }
    assert client.get(f"/profiles/{profile.slug}/").status_code == 200
    assert AuditEntry.objects.filter(action="profile_public", object_id=profile.pk).exists()

    response = client_for(trainee).put(PROFILE, {"enabled": False}, format="json")

    assert response.json() == {"enabled": False, "slug": profile.slug, "url": None}
    assert client.get(f"/profiles/{profile.slug}/").status_code == 404
    assert AuditEntry.objects.filter(action="profile_hidden", object_id=profile.pk).exists()
    # Turned on again, it keeps its address.
    again = client_for(trainee).put(PROFILE, {"enabled": True}, format="json").json()
    assert again["slug"] == profile.slug


def test_each_caller_switches_only_their_own_profile(trainee, other_trainee):
    client_for(trainee).put(PROFILE, {"enabled": True}, format="json")

    assert client_for(other_trainee).get(PROFILE).json()["enabled"] is False
    assert not PublicProfile.objects.filter(user=other_trainee).exists()


def test_the_switch_needs_a_yes_or_no(trainee):
    error = assert_error(client_for(trainee).put(PROFILE, {}, format="json"), 400, "invalid")
    assert error["fields"] == {"enabled": ["This field is required."]}


@pytest.mark.parametrize("method", ["get", "put"])
def test_signed_out_callers_have_no_profile(method):
    assert_error(getattr(client_for(), method)(PROFILE, {"enabled": True}, format="json"), 401)


def test_asking_what_the_address_allows_is_answered(trainee):
    response = client_for(trainee).options(PROFILE)
    assert response.status_code == 200
    assert "PUT" in response.json()["actions"]
