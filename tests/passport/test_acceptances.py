"""What an organisation accepts for each subject: set and removed by its admins only, one of
a badge class or an achievement issued elsewhere, audited on the organisation's chain; the
admins' page, with a confirmation before removing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from audit.models import AuditEntry
from passport import services
from passport.models import Acceptance
from tests.helpers import (
    ORGANISATION_ADMIN_PAGE_ANSWERS,
    assert_answered,
    assert_inline_error,
    messages_of,
    sign_in_as,
)

pytestmark = pytest.mark.django_db


def test_an_admin_accepts_a_badge_class_and_it_is_audited(accepts_ig, org_a, ig_badge):
    assert (accepts_ig.badge_class, accepts_ig.months) == (ig_badge, 12)
    entry = AuditEntry.objects.filter(chain=f"organisation:{org_a.pk}").latest("seq")
    assert entry.action == "accept_training"
    assert entry.payload["subject"] == "CSTF-IG" and entry.payload["badge_class"] == ig_badge.pk


def test_accepting_it_again_changes_its_age_limit(accepts_ig, org_a, org_admin, ig_badge, subject):
    again = services.accept(
        actor=org_admin,
        organisation=org_a,
        subject=subject("CSTF-IG"),
        badge_class=ig_badge,
        max_age_months=24,
    )
    assert again.pk == accepts_ig.pk and again.months == 24
    assert Acceptance.objects.count() == 1


def test_only_the_organisations_admins_accept(org_a, org_b_admin, trainee, ig_badge, subject):
    for actor in (org_b_admin, trainee):
        with pytest.raises(PermissionDenied):
            services.accept(
                actor=actor, organisation=org_a, subject=subject("CSTF-IG"), badge_class=ig_badge
            )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "badge_class", "Choose a badge class, or name an achievement issued elsewhere."),
        ({"issuer_uri": "https://x.example/", "name": "X"}, "achievement_uri", "required"),
        ({"issuer_uri": "not a uri", "achievement_uri": "urn:x", "name": "X"}, "issuer_uri", "URL"),
        ({"issuer_uri": "did:web:x", "achievement_uri": "urn:x"}, "name", "Name the achievement"),
        (
            {
                "issuer_uri": "did:web:x",
                "achievement_uri": "urn:x",
                "name": "X",
                "max_age_months": 0,
            },
            "max_age_months",
            "1 to 120",
        ),
    ],
)
def test_what_is_accepted_is_named_properly(org_a, org_admin, subject, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        services.accept(actor=org_admin, organisation=org_a, subject=subject("CSTF-IG"), **fields)
    assert message in " ".join(refused.value.message_dict[field])


def test_a_badge_class_and_an_achievement_at_once_is_refused(org_a, org_admin, ig_badge, subject):
    with pytest.raises(ValidationError) as refused:
        services.accept(
            actor=org_admin,
            organisation=org_a,
            subject=subject("CSTF-IG"),
            badge_class=ig_badge,
            issuer_uri="did:web:x",
            achievement_uri="urn:x",
            name="X",
        )
    assert "not both" in refused.value.message_dict["badge_class"][0]


def test_the_database_holds_an_acceptance_to_one_credential(org_a, ig_badge, subject):
    with pytest.raises(IntegrityError):
        Acceptance.objects.create(
            organisation=org_a, subject=subject("CSTF-IG"), badge_class=ig_badge, name="Both"
        )


def test_removing_is_audited_and_only_by_the_admins(accepts_ig, org_a, org_admin, org_b_admin):
    with pytest.raises(PermissionDenied):
        services.remove_acceptance(actor=org_b_admin, acceptance=accepts_ig)
    services.remove_acceptance(actor=org_admin, acceptance=accepts_ig)
    assert not Acceptance.objects.exists()
    entry = AuditEntry.objects.filter(chain=f"organisation:{org_a.pk}").latest("seq")
    assert entry.action == "remove_training_acceptance"


# --- The admins' page -------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), ORGANISATION_ADMIN_PAGE_ANSWERS)
def test_only_the_organisations_admins_see_its_pages(client, request, org_a, persona, expected):
    sign_in_as(client, request, persona)
    for name in ("passport:manage", "passport:compliance", "passport:compliance_csv"):
        assert_answered(client.get(reverse(name, args=[org_a.slug])), expected)


def test_the_page_says_when_nothing_is_accepted_yet(client, org_a, org_admin):
    client.force_login(org_admin)
    page = client.get(reverse("passport:manage", args=[org_a.slug])).content.decode()
    assert f"{org_a.name} has not said what it accepts yet." in page


def test_adding_on_the_page_and_its_errors(client, org_a, org_admin, ig_badge, subject):
    client.force_login(org_admin)
    url = reverse("passport:acceptance_add", args=[org_a.slug])
    fire = subject("CSTF-FIRE")

    refused = client.post(url, {"subject": fire.pk, "issuer_uri": "did:web:x", "name": "X"})
    assert_inline_error(
        refused, "achievement_uri", "This field is required for an achievement issued elsewhere."
    )
    response = client.post(url, {"subject": fire.pk, "badge_class": ig_badge.pk})
    assert response.status_code == 302
    assert messages_of(response)[-1] == (
        f"{org_a.name} accepts “Information governance” for Fire Safety."
    )
    page = client.get(reverse("passport:manage", args=[org_a.slug])).content.decode()
    assert "requires 1 subject" in page and "Refresher every 24 months" in page


def test_removing_asks_first(client, org_a, org_admin, org_b, org_b_admin, accepts_ig):
    url = reverse("passport:acceptance_remove", args=[org_a.slug, accepts_ig.pk])
    client.force_login(org_b_admin)
    assert (
        client.get(
            reverse("passport:acceptance_remove", args=[org_b.slug, accepts_ig.pk])
        ).status_code
        == 404
    )
    client.force_login(org_admin)

    page = client.get(url).content.decode()
    assert "Stop accepting “Information governance” for Information Governance" in page
    assert Acceptance.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Acceptance.objects.exists()
