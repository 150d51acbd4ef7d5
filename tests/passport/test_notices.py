"""Before mandatory training stops counting: 30 and 7 days ahead, once each, naming the
subject; not for a credential a newer one has replaced; not again for an award's own expiry
when its badge notice already went."""

from datetime import timedelta

import pytest
from django.utils import timezone

from badges import notices as badge_notices
from notifications.models import Kind, Notification
from passport import notices
from passport.standing import add_months

pytestmark = pytest.mark.django_db


def told(trainee):
    return list(
        Notification.objects.filter(recipient=trainee, kind=Kind.TRAINING_EXPIRING).order_by("pk")
    )


def test_told_30_and_7_days_before_the_age_limit_once_each(
    accepts_ig, award, ig_badge, trainee, frozen_today
):
    # Issued 11 months ago, expiring in two years: the 12-month limit ends it first.
    award(ig_badge, trainee, issued_days_ago=340, expires=timezone.now() + timedelta(days=700))
    Notification.objects.all().delete()
    made = trainee.awards.get()
    deadline = add_months(timezone.localdate(made.issued_on), 12)
    today = deadline - timedelta(days=40)
    assert notices.notify_expiring_training(today=today) == 0
    assert notices.notify_expiring_training(today=deadline - timedelta(days=29)) == 1
    assert notices.notify_expiring_training(today=deadline - timedelta(days=28)) == 0
    assert notices.notify_expiring_training(today=deadline - timedelta(days=6)) == 1
    assert notices.notify_expiring_training(today=deadline - timedelta(days=5)) == 0

    thirty, seven = told(trainee)
    assert "Information Governance and Data Security" in thirty.subject
    assert thirty.key.endswith(":30") and seven.key.endswith(":7")
    assert "in 6 days" in seven.body and "St Elsewhere NHS Foundation Trust" in seven.body
    assert notices.notify_expiring_training(today=deadline) == 0


def test_a_renewed_subject_is_not_told_of(
    accepts_ig, award, ig_badge, trainee, external_badge, org_a, org_admin, subject, frozen_today
):
    from passport import services

    services.accept(
        actor=org_admin,
        organisation=org_a,
        subject=subject("CSTF-IG"),
        issuer_uri="https://learning.example/issuer",
        achievement_uri="https://learning.example/ig",
        name="IG elsewhere",
    )
    award(ig_badge, trainee, expires=timezone.now() + timedelta(days=5))
    external_badge(trainee, achievement_uri="https://learning.example/ig", issued_days_ago=1)
    assert notices.notify_expiring_training(today=frozen_today) == 0


def test_an_awards_own_expiry_is_not_told_twice(accepts_ig, award, ig_badge, trainee, frozen_today):
    award(
        ig_badge, trainee, issued_days_ago=1, expires=timezone.now() + timedelta(days=20, hours=1)
    )
    Notification.objects.all().delete()
    assert badge_notices.notify_expiring_awards() == 1
    assert notices.notify_expiring_training(today=frozen_today) == 0
    assert told(trainee) == []


def test_an_awards_own_expiry_is_told_if_the_badge_notice_did_not_go(
    accepts_ig, award, ig_badge, trainee, frozen_today
):
    award(
        ig_badge, trainee, issued_days_ago=1, expires=timezone.now() + timedelta(days=20, hours=1)
    )
    Notification.objects.all().delete()
    assert notices.notify_expiring_training(today=frozen_today) == 1
    assert notices.notify_expiring_training(today=frozen_today) == 0
