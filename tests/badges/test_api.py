"""The badges API: the caller's awards and progress, and badge classes that anyone reads and
only the issuing organisation's admins write."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from badges.models import Award, BadgeClass, Issuer
from badges.services import awarding
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache

AWARDS = "/api/v1/awards/"
PROGRESS = "/api/v1/badge-progress/"
CLASSES = "/api/v1/badge-classes/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def badge(slug):
    return BadgeClass.objects.get(slug=slug)


def new_class(issuer_id, **fields):
    return {
        "issuer": issuer_id,
        "slug": "sepsis-six",
        "name": "Sepsis six",
        "description": "Knows the sepsis six.",
        "criteria": "Log six sepsis e-learning modules.",
        "rule": {"type": "event_count", "min": 6, "kinds": ["elearning"]},
        **fields,
    }


# --- Awards and progress -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [AWARDS, PROGRESS])
def test_awards_and_progress_need_a_signed_in_caller(url):
    assert_error(client_for().get(url), 401)


def test_the_caller_sees_their_own_awards_with_public_urls(
    badge_classes, trainee, other_trainee, org_admin, settings
):
    mine = awarding.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    revoked = awarding.award_badge(badge_class=badge("teaching-impact"), recipient=trainee)
    awarding.revoke_award(award=revoked, actor=org_admin, reason="In error.")
    awarding.award_badge(badge_class=badge("peer-teacher"), recipient=other_trainee)

    response = client_for(trainee).get(AWARDS)
    assert response.status_code == 200
    results = {a["id"]: a for a in response.json()["results"]}
    assert set(results) == {mine.pk, revoked.pk}
    award = results[mine.pk]
    assert award["badge_class"]["slug"] == "peer-teacher"
    assert award["badge_class"]["issuer"]["name"] == "St Elsewhere NHS Foundation Trust"
    assert (award["revoked"], award["expired"], award["public"]) == (False, False, False)
    assert award["assertion_url"] == f"{settings.SITE_URL}/ob/v2/assertions/{mine.uid}"
    assert award["verify_url"] == f"{settings.SITE_URL}/badges/awards/{mine.uid}/"
    assert results[revoked.pk]["revoked"] is True
    assert results[revoked.pk]["revocation_reason"] == "In error."


def test_an_award_says_how_it_was_earned(badge_classes, add, sign_off, enrolled_trainee, org_admin):
    sign_off(add(1, date="2026-10-12"))
    awarding.evaluate_awards(trainee=enrolled_trainee)
    by_hand = awarding.award_badge(
        badge_class=badge("teaching-impact"), recipient=enrolled_trainee, actor=org_admin
    )
    results = client_for(enrolled_trainee).get(AWARDS).json()["results"]
    how = {a["badge_class"]["slug"]: a["how_earned"] for a in results}
    assert how["journal-club-contributor"].endswith(
        "when the recipient's record showed: 1 social media entry on 12 Oct 2026, "
        "signed off by a supervisor."
    )
    assert how["teaching-impact"] == (
        f"Awarded by hand by {by_hand.awarded_by.full_name} for St Elsewhere NHS Foundation "
        "Trust, not automatically by Waymark's rules."
    )


def test_another_trainees_award_is_not_found(badge_classes, trainee, other_trainee):
    theirs = awarding.award_badge(badge_class=badge("peer-teacher"), recipient=other_trainee)
    assert_error(client_for(trainee).get(f"{AWARDS}{theirs.pk}/"), 404, "not_found")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_awards_are_neither_made_replaced_nor_deleted_by_their_earner(
    badge_classes, trainee, method
):
    award = awarding.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    url = AWARDS if method == "post" else f"{AWARDS}{award.pk}/"
    assert_error(getattr(client_for(trainee), method)(url, {}, format="json"), 405)


def test_progress_is_the_callers_own_closest_first(
    badge_classes,
    add,
    sign_off,
    enrolled_trainee,
    other_trainee,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(add(3))
    awarding.evaluate_awards(trainee=other_trainee)

    rows = client_for(enrolled_trainee).get(PROGRESS).json()["results"]
    slugs = [row["badge_class"]["slug"] for row in rows]
    assert "journal-club-contributor" not in slugs  # held, so no longer in progress
    regular = next(r for r in rows if r["badge_class"]["slug"] == "journal-club-regular")
    assert (regular["current"], regular["target"], regular["label"]) == (
        3,
        5,
        "signed-off social media entries",
    )
    assert slugs[0] == "journal-club-regular"  # 3 of 5 is the closest
    other_rows = client_for(other_trainee).get(PROGRESS).json()["results"]
    assert all(row["current"] == 0 for row in other_rows)


# --- Badge classes: reading ----------------------------------------------------------------------


def test_anyone_reads_the_active_badge_classes(badge_classes, org_admin, org_a):
    BadgeClass.objects.filter(slug="teaching-impact").update(is_active=False)
    hidden = badge("teaching-impact")

    response = client_for().get(CLASSES)
    assert response.status_code == 200
    slugs = {c["slug"] for c in response.json()["results"]}
    assert "peer-teacher" in slugs and "teaching-impact" not in slugs
    assert_error(client_for().get(f"{CLASSES}{hidden.pk}/"), 404)

    # Its own organisation's admins still see it, to change it.
    assert client_for(org_admin).get(f"{CLASSES}{hidden.pk}/").status_code == 200
    detail = client_for().get(f"{CLASSES}{badge('peer-teacher').pk}/").json()
    assert detail["rule"] == {"type": "event_count", "min": 1, "kinds": ["teaching_delivered"]}
    assert detail["issuer"]["name"] == "St Elsewhere NHS Foundation Trust"
    assert detail["url"].endswith(f"/badges/classes/{badge('peer-teacher').pk}/")


# --- Badge classes: writing ----------------------------------------------------------------------


def test_signed_out_callers_cannot_write(badge_classes):
    issuer = Issuer.objects.get()
    assert_error(client_for().post(CLASSES, new_class(issuer.pk), format="json"), 401)


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "org_b_admin"])
def test_only_admins_of_an_issuer_create_badge_classes(request, badge_classes, supervisor, persona):
    issuer = Issuer.objects.get()
    caller = request.getfixturevalue(persona)
    response = client_for(caller).post(CLASSES, new_class(issuer.pk), format="json")
    assert_error(response, 403, "permission_denied")
    assert not BadgeClass.objects.filter(slug="sepsis-six").exists()


def test_an_admin_cannot_create_for_another_organisations_issuer(badge_classes, org_b, org_b_admin):
    Issuer.objects.create(
        organisation=org_b, name="Org B", url="https://b.example/", email="b@b.example"
    )
    org_a_issuer = Issuer.objects.get(organisation__slug="org-a")
    response = client_for(org_b_admin).post(CLASSES, new_class(org_a_issuer.pk), format="json")
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"issuer": ["Not the issuer of an organisation you administer."]}


def test_an_admin_creates_a_badge_class(badge_classes, org_admin, fpcs):
    issuer = Issuer.objects.get()
    response = client_for(org_admin).post(
        CLASSES,
        new_class(issuer.pk, alignments=[fpcs["FPC3"].pk], tags=["sepsis"], valid_for_months=12),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    created = BadgeClass.objects.get(slug="sepsis-six")
    assert body["id"] == created.pk
    assert body["alignments"] == [fpcs["FPC3"].pk]
    assert (created.tags, created.valid_for_months, created.is_active) == (["sepsis"], 12, True)
    assert AuditEntry.objects.filter(action="badge_class_create", object_id=created.pk).exists()


def test_a_rule_that_does_not_fit_is_refused_field_by_field_in_words(badge_classes, org_admin):
    issuer = Issuer.objects.get()
    bad = {"type": "event_count", "kinds": "social_media"}
    response = client_for(org_admin).post(CLASSES, new_class(issuer.pk, rule=bad), format="json")
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "rule": ["the rule: 'min' is missing.", "kinds: 'social_media' is not of type 'array'."]
    }
    response = client_for(org_admin).post(
        CLASSES,
        new_class(issuer.pk, slug="peer-teacher", rule={"type": "badges", "all": ["nope"]}),
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"slug": ["Another badge class already uses this slug."]}


def test_a_rules_tags_that_are_not_names_are_refused_in_words(badge_classes, org_admin):
    issuer = Issuer.objects.get()
    rule = {"type": "all", "rules": [{"type": "event_count", "min": 1, "tags": [{}, "x"]}]}

    response = client_for(org_admin).post(CLASSES, new_class(issuer.pk, rule=rule), format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["rule"]
    assert not BadgeClass.objects.filter(slug="sepsis-six").exists()


def test_an_admin_changes_their_badge_class(badge_classes, org_admin):
    peer = badge("peer-teacher")
    response = client_for(org_admin).patch(
        f"{CLASSES}{peer.pk}/", {"name": "Peer teacher (FY)", "is_active": False}, format="json"
    )
    assert response.status_code == 200, response.content
    peer.refresh_from_db()
    assert (peer.name, peer.is_active) == ("Peer teacher (FY)", False)
    assert peer.rule == {"type": "event_count", "min": 1, "kinds": ["teaching_delivered"]}

    response = client_for(org_admin).patch(
        f"{CLASSES}{peer.pk}/", {"rule": {"type": "teaching"}}, format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert error["fields"]["rule"] == ["type: unknown rule type 'teaching'."]


def test_other_organisations_admins_cannot_change_a_badge_class(
    badge_classes, org_b_admin, trainee
):
    peer = badge("peer-teacher")
    for caller in (org_b_admin, trainee):
        response = client_for(caller).patch(f"{CLASSES}{peer.pk}/", {"name": "Mine"}, format="json")
        assert_error(response, 403, "permission_denied")
    peer.refresh_from_db()
    assert peer.name == "Peer teacher"


def test_badge_classes_cannot_be_deleted_through_the_api(badge_classes, org_admin):
    peer = badge("peer-teacher")
    assert_error(client_for(org_admin).delete(f"{CLASSES}{peer.pk}/"), 405)
    assert BadgeClass.objects.filter(pk=peer.pk).exists()
    assert Award.objects.count() == 0
