"""Badges awarded by hand, with linked entries, and revoked, by the issuing organisation's
admins."""

import pytest
from django.urls import reverse

from accounts.models import Role
from badges.models import Award, BadgeClass
from badges.services import awarding
from tests.conftest import member
from tests.helpers import assert_inline_error, messages_of

pytestmark = pytest.mark.django_db


def badge(slug):
    return BadgeClass.objects.get(slug=slug)


# --- Manual awards and revocation ----------------------------------------------------------------


def test_an_admin_awards_a_badge_by_hand(client, org_a, org_admin, badge_classes, trainee):
    impact = badge("teaching-impact")
    url = reverse("badges:org_award_create", args=[org_a.slug, impact.pk])
    client.force_login(org_admin)
    assert trainee.email in client.get(url).content.decode()

    response = client.post(url, {"trainee": trainee.pk, "narrative": ""})
    assert_inline_error(response, "narrative", "This field is required.")

    response = client.post(url, {"trainee": trainee.pk, "narrative": "Audited sepsis teaching."})
    assert response.status_code == 302
    award = Award.objects.get(badge_class=impact, recipient=trainee)
    assert (award.awarded_by, award.narrative) == (org_admin, "Audited sepsis teaching.")
    assert messages_of(response) == [f"{trainee} is awarded “{impact}”."]
    listing = client.get(reverse("badges:org_badge_class_awards", args=[org_a.slug, impact.pk]))
    assert f"By {org_admin}" in listing.content.decode()

    response = client.post(url, {"trainee": trainee.pk, "narrative": "Again."})
    assert_inline_error(response, "trainee", f"{trainee} already holds this badge.")
    assert Award.objects.filter(badge_class=impact, recipient=trainee).count() == 1


def test_only_the_organisations_trainees_can_be_awarded(
    client, org_a, org_b, org_admin, badge_classes, supervisor
):
    outsider = member(org_b, Role.TRAINEE, email="outsider@example.org")
    url = reverse("badges:org_award_create", args=[org_a.slug, badge("teaching-impact").pk])
    client.force_login(org_admin)
    for person in (outsider, supervisor):
        response = client.post(url, {"trainee": person.pk, "narrative": "x"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not Award.objects.exists()


def test_an_inactive_badge_class_cannot_be_awarded(
    client, org_a, org_admin, badge_classes, trainee
):
    BadgeClass.objects.filter(slug="teaching-impact").update(is_active=False)
    client.force_login(org_admin)
    impact = badge("teaching-impact")
    url = reverse("badges:org_award_create", args=[org_a.slug, impact.pk])
    awards_page = reverse("badges:org_badge_class_awards", args=[org_a.slug, impact.pk])
    refusal = "“Teaching with demonstrable impact” is not active. Make it active to award it."
    shown = client.get(url)
    posted = client.post(url, {"trainee": trainee.pk, "narrative": "x"})
    for response in (shown, posted):
        assert (response.status_code, response.url) == (302, awards_page)
        assert messages_of(response)[-1] == refusal
    assert not Award.objects.exists()


def test_revoking_asks_for_a_reason_and_confirmation(
    client, org_a, org_admin, badge_classes, trainee
):
    award = awarding.award_badge(
        badge_class=badge("teaching-impact"), recipient=trainee, actor=org_admin
    )
    url = reverse("badges:org_award_revoke", args=[org_a.slug, award.pk])
    client.force_login(org_admin)

    page = client.get(url).content.decode()
    assert "Revoke" in page and "cannot be undone" in page
    response = client.post(url, {"reason": "  "})
    assert_inline_error(response, "reason", "This field is required.")
    award.refresh_from_db()
    assert award.revoked_at is None

    response = client.post(url, {"reason": "The audit was not the trainee's."})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.revoked_at is not None
    assert award.revocation_reason == "The audit was not the trainee's."

    response = client.post(url, {"reason": "Twice"})
    assert messages_of(response)[-1] == "That badge is already revoked."
    award.refresh_from_db()
    assert award.revocation_reason == "The audit was not the trainee's."


def test_a_manual_award_can_link_the_trainees_signed_off_entries(
    client, badge_classes, org_a, org_admin, enrolled_trainee, supervisor, log
):
    from badges.models import Award, BadgeClass
    from portfolio import services as portfolio_services

    entry = log(title="Taught the nursing team sepsis recognition")
    portfolio_services.submit_for_sign_off(
        entry=entry, supervisor=supervisor, actor=enrolled_trainee
    )
    portfolio_services.approve(entry=entry, actor=supervisor)
    log(title="A draft nobody signed off")
    impact = BadgeClass.objects.get(slug="teaching-impact")
    url = reverse("badges:org_award_create", args=[org_a.slug, impact.pk])
    client.force_login(org_admin)

    listed = client.post(url, {"trainee": enrolled_trainee.pk, "narrative": "", "choose": "1"})
    page = listed.content.decode()
    assert "Taught the nursing team sepsis recognition" in page
    assert "A draft nobody signed off" not in page and "This field is required" not in page

    response = client.post(
        url,
        {
            "trainee": enrolled_trainee.pk,
            "narrative": "Audited impact on ward 7.",
            "entries": [entry.pk],
        },
    )
    assert response.status_code == 302
    award = Award.objects.get(badge_class=impact, recipient=enrolled_trainee)
    assert list(award.entries.all()) == [entry] and award.awarded_by == org_admin
