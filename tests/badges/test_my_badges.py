"""A trainee's badges: what is earned and under way, what they show publicly, and the
dashboard card."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from badges.models import Award, BadgeClass, PublicProfile
from badges.services import awarding
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def badge(slug):
    return BadgeClass.objects.get(slug=slug)


# --- A trainee's badges --------------------------------------------------------------------------


def test_trainees_find_their_badges_in_the_navigation(client, trainee, supervisor):
    client.force_login(trainee)
    assert (
        f'href="{reverse("badges:my_badges")}"'
        in client.get(reverse("portfolio:dashboard")).content.decode()
    )
    client.force_login(supervisor)
    assert (
        f'href="{reverse("badges:my_badges")}"'
        not in client.get(reverse("portfolio:dashboard")).content.decode()
    )


def test_my_badges_shows_what_is_earned_and_what_is_under_way(
    client, badge_classes, add, sign_off, enrolled_trainee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(add(1))
    client.force_login(enrolled_trainee)
    html = client.get(reverse("badges:my_badges")).content.decode()
    earned, in_progress = html.split('id="progress-heading"')
    assert "Journal club contributor" in earned
    award = Award.objects.get(recipient=enrolled_trainee)
    assert reverse("badges:award_verify", args=[award.uid]) in earned
    assert "Journal club regular" in in_progress
    assert "<strong>1 of 5</strong> signed-off social media entries" in in_progress
    assert '<progress max="5" value="1"' in in_progress


def test_my_badges_shows_revoked_and_expired_awards_for_what_they_are(
    client, badge_classes, trainee, org_admin
):
    revoked = awarding.award_badge(badge_class=badge("teaching-impact"), recipient=trainee)
    awarding.revoke_award(award=revoked, actor=org_admin, reason="Awarded in error.")
    expired = awarding.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    Award.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(days=1))
    client.force_login(trainee)
    html = client.get(reverse("badges:my_badges")).content.decode()
    assert "Revoked</span> on" in html and "Awarded in error." in html
    assert "Expired</span>" in html


def test_the_public_profile_is_off_until_the_trainee_turns_it_on(client, trainee):
    client.force_login(trainee)
    html = client.get(reverse("badges:my_badges")).content.decode()
    assert "Your public profile is <strong>off</strong>" in html
    assert not PublicProfile.objects.filter(user=trainee, enabled=True).exists()

    client.post(reverse("badges:profile_visibility"), {"enabled": "1"})
    profile = PublicProfile.objects.get(user=trainee)
    assert profile.enabled
    assert trainee.email.split("@")[0] not in profile.slug and len(profile.slug) >= 16
    assert "Your public profile is <strong>on</strong>" in (
        client.get(reverse("badges:my_badges")).content.decode()
    )

    client.post(reverse("badges:profile_visibility"), {"enabled": "0"})
    profile.refresh_from_db()
    assert not profile.enabled
    assert client.get(reverse("badges:profile_visibility")).status_code == 405


def test_a_trainee_chooses_which_badges_to_show(client, badge_classes, trainee, other_trainee):
    award = awarding.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    assert not award.public
    url = reverse("badges:award_visibility", args=[award.pk])

    client.force_login(other_trainee)
    assert client.post(url, {"public": "1"}).status_code == 404

    client.force_login(trainee)
    client.post(url, {"public": "1"})
    award.refresh_from_db()
    assert award.public
    client.post(url, {"public": "0"})
    award.refresh_from_db()
    assert not award.public
    assert list(
        AuditEntry.objects.filter(object_type="award", object_id=award.pk)
        .exclude(action="award")
        .values_list("action", flat=True)
    ) == ["award_public", "award_hidden"]


def test_a_revoked_badge_cannot_be_shown(client, badge_classes, trainee, org_admin):
    award = awarding.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    awarding.revoke_award(award=award, actor=org_admin, reason="Error.")
    client.force_login(trainee)
    response = client.post(reverse("badges:award_visibility", args=[award.pk]), {"public": "1"})
    assert messages_of(response) == ["A revoked badge cannot be shown on your public profile."]
    award.refresh_from_db()
    assert not award.public


# --- The dashboard card --------------------------------------------------------------------------


def test_the_dashboard_shows_the_latest_badges_and_the_closest_one(
    client, badge_classes, add, sign_off, enrolled_trainee, django_capture_on_commit_callbacks
):
    client.force_login(enrolled_trainee)
    assert "Badges you earn from your learning will appear here." in (
        client.get(reverse("portfolio:dashboard")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(add(3))
    card = (
        client.get(reverse("portfolio:dashboard")).content.decode().split('id="badges-heading"')[1]
    )
    assert "Journal club contributor" in card
    assert "Closest next: Journal club regular" in card
    assert "<strong>3 of 5</strong> signed-off social media entries" in card


def test_the_badge_card_costs_the_same_queries_however_many_badges(
    client, badge_classes, enrolled_trainee
):
    client.force_login(enrolled_trainee)
    classes = list(BadgeClass.objects.order_by("pk"))
    counts = []
    for held in (1, len(classes)):
        for badge_class in classes[:held]:
            awarding.award_badge(badge_class=badge_class, recipient=enrolled_trainee)
        awarding.evaluate_awards(trainee=enrolled_trainee)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("portfolio:dashboard")).status_code == 200
            assert client.get(reverse("badges:my_badges")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_revoked_badge_is_no_longer_shown_as_under_way(
    client, badge_classes, add, enrolled_trainee, org_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add(1)
    award = Award.objects.get(
        recipient=enrolled_trainee, badge_class__slug="journal-club-contributor"
    )
    awarding.revoke_award(award=award, actor=org_admin, reason="The entry was not genuine.")
    with django_capture_on_commit_callbacks(execute=True):
        add(1)  # a change re-evaluates; the rule does not award a revoked badge again
    client.force_login(enrolled_trainee)
    earned, in_progress = (
        client.get(reverse("badges:my_badges")).content.decode().split('id="progress-heading"')
    )
    assert "Journal club contributor" in earned and "The entry was not genuine." in earned
    assert "Journal club contributor" not in in_progress


def test_a_trainees_awards_are_read_without_who_awarded_them(client, badge_classes, trainee):
    """The trainee's page shows the badge and its issuer; who awarded it is for the issuer's
    admins, and joining the users table for it was most of the query's cost."""
    awarding.award_badge(badge_class=BadgeClass.objects.first(), recipient=trainee)
    client.force_login(trainee)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("badges:my_badges")).status_code == 200
    (awards,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT "badges_award"."id"')]
    assert '"badges_issuer"' in awards
    assert '"accounts_user"' not in awards


def test_progress_is_ordered_by_how_near_done_as_the_database_keeps_it(
    badge_classes, enrolled_trainee
):
    """`Progress.share` is the database's: re-evaluation rewrites current and target, and the
    order follows; a target of 0 divides by nothing and comes last."""
    from badges import selectors
    from badges.models import Progress

    first, second, third = BadgeClass.objects.order_by("pk")[:3]
    awarding.evaluate_awards(trainee=enrolled_trainee)
    rows = {p.badge_class_id: p for p in Progress.objects.filter(trainee=enrolled_trainee)}
    for badge_class, (current, target) in ((first, (1, 4)), (second, (3, 4)), (third, (2, 0))):
        rows[badge_class.pk].current, rows[badge_class.pk].target = current, target
    Progress.objects.bulk_update(rows.values(), ["current", "target"])

    order = [p.badge_class_id for p in selectors.progress_of(enrolled_trainee)]
    assert order.index(second.pk) < order.index(first.pk)
    assert order[-1] == third.pk
    assert Progress.objects.get(pk=rows[second.pk].pk).share == 0.75
