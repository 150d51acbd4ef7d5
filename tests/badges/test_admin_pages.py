"""Who may open an organisation's badge pages: its admins, and nobody else sees or changes
anything through them."""

import pytest
from django.urls import reverse

from badges.models import Award, BadgeClass, Issuer
from badges.services import awarding
from tests.helpers import (
    NOT_THE_ORGANISATIONS_ADMINS,
    ORGANISATION_ADMIN_PAGE_ANSWERS,
    assert_answered,
    assert_post_refused,
    sign_in_as,
)

pytestmark = pytest.mark.django_db


def badge(slug):
    return BadgeClass.objects.get(slug=slug)


# --- Who may open the organisation's badge pages ------------------------------------------------


@pytest.fixture
def scene(org_a, badge_classes, enrolled_trainee, org_admin):
    award = awarding.award_badge(
        badge_class=badge("teaching-impact"),
        recipient=enrolled_trainee,
        actor=org_admin,
        narrative="Audited sepsis teaching.",
    )
    return {"org": org_a, "badge_class": badge("teaching-impact"), "award": award}


# Each page: its URL, and a POST that would change something if allowed.
ORG_PAGES = {
    "org_badge_classes": (
        lambda s: reverse("badges:org_badge_classes", args=[s["org"].slug]),
        None,
    ),
    "org_issuer_edit": (
        lambda s: reverse("badges:org_issuer_edit", args=[s["org"].slug]),
        lambda s: {"name": "Taken over", "url": "https://evil.example/", "email": "x@evil.example"},
    ),
    "org_badge_class_create": (
        lambda s: reverse("badges:org_badge_class_create", args=[s["org"].slug]),
        lambda s: {
            "name": "Intruder",
            "slug": "intruder",
            "description": "x",
            "criteria": "x",
            "is_active": "on",
        },
    ),
    "org_badge_class_edit": (
        lambda s: reverse("badges:org_badge_class_edit", args=[s["org"].slug, s["badge_class"].pk]),
        lambda s: {
            "name": "Renamed",
            "slug": "teaching-impact",
            "description": "x",
            "criteria": "x",
        },
    ),
    "org_badge_class_awards": (
        lambda s: reverse(
            "badges:org_badge_class_awards", args=[s["org"].slug, s["badge_class"].pk]
        ),
        None,
    ),
    "org_award_create": (
        lambda s: reverse("badges:org_award_create", args=[s["org"].slug, s["badge_class"].pk]),
        lambda s: {"trainee": s["award"].recipient_id, "narrative": "x"},
    ),
    "org_award_revoke": (
        lambda s: reverse("badges:org_award_revoke", args=[s["org"].slug, s["award"].pk]),
        lambda s: {"reason": "Because I can."},
    ),
}


def state(org):
    """Everything the organisation pages could change."""
    return (
        list(Issuer.objects.values_list("name", "url", "email")),
        list(BadgeClass.objects.order_by("pk").values_list("name", "slug", "rule")),
        list(Award.objects.order_by("pk").values_list("recipient", "revoked_at")),
    )


@pytest.mark.parametrize("page", ORG_PAGES)
@pytest.mark.parametrize(("persona", "expected"), ORGANISATION_ADMIN_PAGE_ANSWERS)
def test_organisation_badge_pages_are_for_that_organisations_admins(
    client, request, scene, supervisor, org_b_admin, page, persona, expected
):
    url = ORG_PAGES[page][0](scene)
    sign_in_as(client, request, persona)
    assert_answered(client.get(url), expected)


@pytest.mark.parametrize("page", [name for name, (_, post) in ORG_PAGES.items() if post])
@pytest.mark.parametrize("persona", NOT_THE_ORGANISATIONS_ADMINS)
def test_nobody_else_changes_anything_by_posting(
    client, request, scene, supervisor, org_b_admin, page, persona
):
    url, data = ORG_PAGES[page]
    before = state(scene["org"])
    sign_in_as(client, request, persona)
    assert_post_refused(client.post(url(scene), data(scene)), persona)
    assert state(scene["org"]) == before


def test_admins_find_badges_in_the_organisation_navigation(client, org_admin, org_a):
    client.force_login(org_admin)
    html = client.get(reverse("accounts:members", args=[org_a.slug])).content.decode()
    assert reverse("badges:org_badge_classes", args=[org_a.slug]) in html
