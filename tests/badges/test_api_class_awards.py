"""The awards of a badge class, listed and made by hand by the admins of its organisation
through the API as on the class's awards page: the same service, the same refusals, the same
audit entry, and an Open Badges 3.0 credential signed as for every award."""

import pytest
from django.urls import reverse
from rest_framework.pagination import PageNumberPagination
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditEntry
from badges import views
from badges.models import Award, BadgeClass, OpenBadgeCredential
from badges.ob3 import verifying
from badges.services import awarding
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error
from tests.conftest import member

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def badge(slug):
    return BadgeClass.objects.get(slug=slug)


def awards_url(badge_class) -> str:
    return f"/api/v1/badge-classes/{badge_class.pk}/awards/"


# --- The list ------------------------------------------------------------------------------------


def test_an_admin_lists_a_badge_classs_awards_newest_first(
    badge_classes, org_admin, trainee, other_trainee, frozen_today
):
    impact = badge("teaching-impact")
    by_hand = awarding.award_badge(
        badge_class=impact, recipient=trainee, actor=org_admin, narrative="Taught sepsis."
    )
    revoked = awarding.award_badge(badge_class=impact, recipient=other_trainee)
    awarding.revoke_award(award=revoked, actor=org_admin, reason="Awarded in error.")
    awarding.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)

    response = client_for(org_admin).get(awards_url(impact))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    first, second = body["results"]
    assert [first["id"], second["id"]] == [revoked.pk, by_hand.pk]
    assert first["recipient"] == {
        "id": other_trainee.pk,
        "name": other_trainee.full_name,
        "email": "other.trainee@example.org",
    }
    assert (first["revoked"], first["revocation_reason"], first["awarded_by"]) == (
        True,
        "Awarded in error.",
        None,
    )
    assert second["awarded_by"] == {"id": org_admin.pk, "name": org_admin.full_name}
    assert second["narrative"] == "Taught sepsis."
    assert second["badge_class"]["slug"] == "teaching-impact"


def test_the_list_costs_the_same_queries_however_many_awards(
    badge_classes, org_a, org_admin, django_assert_num_queries
):
    impact = badge("teaching-impact")
    trainees = [member(org_a, Role.TRAINEE) for _ in range(6)]
    awarding.award_badge(badge_class=impact, recipient=trainees[0], actor=org_admin)
    # The badge class with its organisation, the count, the page of awards with their people.
    with django_assert_num_queries(3):
        assert client_for(org_admin).get(awards_url(impact)).json()["count"] == 1
    for trainee in trainees[1:]:
        awarding.award_badge(badge_class=impact, recipient=trainee, actor=org_admin)
    with django_assert_num_queries(3):
        assert client_for(org_admin).get(awards_url(impact)).json()["count"] == 6


def test_the_list_is_paged_as_the_page_is(badge_classes, org_a, org_admin, monkeypatch, settings):
    assert settings.REST_FRAMEWORK["PAGE_SIZE"] == views.PAGE_SIZE
    # Two to a page here, so that three awards make two pages.
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    impact = badge("teaching-impact")
    for _ in range(3):
        awarding.award_badge(
            badge_class=impact, recipient=member(org_a, Role.TRAINEE), actor=org_admin
        )

    second = client_for(org_admin).get(f"{awards_url(impact)}?page=2").json()

    assert second["count"] == 3 and len(second["results"]) == 1
    assert_error(client_for(org_admin).get(f"{awards_url(impact)}?page=3"), 404)


@pytest.mark.parametrize("who", ["org_b_admin", "trainee", "supervisor"])
def test_nobody_but_its_organisations_admins_sees_who_holds_a_badge(request, badge_classes, who):
    caller = request.getfixturevalue(who)
    assert_error(client_for(caller).get(awards_url(badge("teaching-impact"))), 404, "not_found")


def test_an_unknown_badge_class_is_not_found(org_admin):
    assert_error(client_for(org_admin).get("/api/v1/badge-classes/999999/awards/"), 404)
    assert_error(client_for(org_admin).get(f"/api/v1/badge-classes/{2**64}/awards/"), 404)
    assert_error(client_for(org_admin).get("/api/v1/badge-classes/abc/awards/"), 404)


# --- Awarding by hand ----------------------------------------------------------------------------


def test_an_admin_awards_a_badge_by_hand_with_signed_off_entries(
    client,
    badge_classes,
    org_a,
    org_admin,
    enrolled_trainee,
    add,
    sign_off,
    django_capture_on_commit_callbacks,
):
    impact = badge("teaching-impact")
    entries = sign_off(add(2, kind="teaching_delivered", title="Sepsis six teaching"))
    body = {
        "trainee": enrolled_trainee.pk,
        "narrative": "Taught the sepsis six to the ward's nursing team.",
        "entries": [entry.pk for entry in entries],
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org_admin).post(awards_url(impact), body, format="json")

    assert response.status_code == 201, response.content
    award = Award.objects.get(badge_class=impact, recipient=enrolled_trainee)
    answer = response.json()
    assert answer["id"] == award.pk
    assert answer["recipient"]["id"] == enrolled_trainee.pk
    assert answer["awarded_by"] == {"id": org_admin.pk, "name": org_admin.full_name}
    assert answer["how_earned"].startswith(f"Awarded by hand by {org_admin.full_name}")
    assert (award.awarded_by, award.narrative) == (org_admin, body["narrative"])
    assert set(award.entries.all()) == set(entries)
    audit = AuditEntry.objects.get(action="award", object_id=award.pk)
    assert audit.payload["manual"] is True
    # The Open Badges 3.0 credential is signed as for any award, and verifies.
    credential = OpenBadgeCredential.objects.get(award=award)
    assert verifying.verify(credential.jwt).verified
    # The class's awards page lists it.
    client.force_login(org_admin)
    listing = client.get(reverse("badges:org_badge_class_awards", args=[org_a.slug, impact.pk]))
    assert f"By {org_admin}" in listing.content.decode()


def test_a_trainee_who_holds_the_badge_already_is_refused_as_on_the_page(
    badge_classes, org_admin, trainee
):
    impact = badge("teaching-impact")
    awarding.award_badge(badge_class=impact, recipient=trainee, actor=org_admin)
    body = {"trainee": trainee.pk, "narrative": "Again."}

    response = client_for(org_admin).post(awards_url(impact), body, format="json")

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"trainee": [f"{trainee} already holds this badge."]}
    assert Award.objects.filter(badge_class=impact, recipient=trainee).count() == 1


def test_only_a_trainee_of_the_issuing_organisation_is_awarded(
    badge_classes, org_b, org_admin, supervisor
):
    outsider = member(org_b, Role.TRAINEE, email="outsider@example.org")
    for person in (outsider, supervisor):
        response = client_for(org_admin).post(
            awards_url(badge("teaching-impact")),
            {"trainee": person.pk, "narrative": "x"},
            format="json",
        )
        error = assert_error(response, 400, "invalid")
        assert error["fields"] == {"trainee": ["Not a trainee of the issuing organisation."]}
    assert not Award.objects.exists()


def test_only_the_trainees_own_signed_off_entries_are_linked(
    badge_classes, org_admin, enrolled_trainee, add, sign_off, other_trainee
):
    signed = sign_off(add(1))[0]
    draft = add(1)[0]
    body = {"trainee": enrolled_trainee.pk, "narrative": "x", "entries": [signed.pk, draft.pk]}

    response = client_for(org_admin).post(awards_url(badge("teaching-impact")), body, format="json")

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"entries": [f"Not signed-off entries of the trainee's: {draft.pk}."]}
    assert not Award.objects.exists()


def test_a_manual_award_needs_a_trainee_and_a_narrative(badge_classes, org_admin):
    response = client_for(org_admin).post(
        awards_url(badge("teaching-impact")), {"narrative": ""}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "trainee": ["This field is required."],
        "narrative": ["This field may not be blank."],
    }


def test_an_inactive_badge_class_is_not_awarded(badge_classes, org_admin, trainee):
    BadgeClass.objects.filter(slug="teaching-impact").update(is_active=False)

    response = client_for(org_admin).post(
        awards_url(badge("teaching-impact")),
        {"trainee": trainee.pk, "narrative": "x"},
        format="json",
    )

    error = assert_error(response, 409, "conflict")
    assert error["message"] == (
        "“Teaching with demonstrable impact” is not active. Make it active to award it."
    )
    assert not Award.objects.exists()


@pytest.mark.parametrize("who", ["org_b_admin", "trainee", "supervisor"])
def test_nobody_else_awards_a_badge_or_learns_the_class_is_theirs(
    request, badge_classes, trainee, who
):
    caller = request.getfixturevalue(who)
    response = client_for(caller).post(
        awards_url(badge("teaching-impact")),
        {"trainee": trainee.pk, "narrative": "x"},
        format="json",
    )
    assert_error(response, 404, "not_found")
    assert not Award.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_signed_out_callers_are_refused(badge_classes, method):
    response = getattr(client_for(), method)(awards_url(badge("teaching-impact")))
    assert_error(response, 401)


# --- Revoking, as the page does ------------------------------------------------------------------


def test_a_revocation_names_the_recipient_and_is_listed_with_its_reason(
    badge_classes, org_admin, trainee
):
    impact = badge("teaching-impact")
    award = awarding.award_badge(badge_class=impact, recipient=trainee, actor=org_admin)

    response = client_for(org_admin).post(
        f"/api/v1/awards/{award.pk}/revoke/", {"reason": "Awarded in error."}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["recipient"]["id"] == trainee.pk
    [listed] = client_for(org_admin).get(awards_url(impact)).json()["results"]
    assert (listed["revoked"], listed["revocation_reason"]) == (True, "Awarded in error.")
    assert AuditEntry.objects.filter(action="revoke", object_id=award.pk).exists()
    # Revoked, the trainee may be awarded it again by hand, as on the page.
    again = client_for(org_admin).post(
        awards_url(impact), {"trainee": trainee.pk, "narrative": "Re-awarded."}, format="json"
    )
    assert again.status_code == 201, again.content
