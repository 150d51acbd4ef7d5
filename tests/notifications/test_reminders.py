"""Reminders: a sign-off request waiting more than 7 days reminds its supervisor, at most once
a week; badges about to expire tell their trainee 30 and 7 days before, once each. Times
are passed in, never read from the clock mid-test."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from badges import demo as badges_demo
from badges import notices
from badges.models import Award, BadgeClass
from badges.services import awarding
from notifications.models import Kind, Notification
from portfolio import notifications as sign_off_notices
from portfolio import services as portfolio
from portfolio.models import SignOffRequest

pytestmark = pytest.mark.django_db


def reminders_to(user) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, kind=Kind.SIGN_OFF_REMINDER).order_by("pk")
    )


@pytest.fixture
def now():
    """The moment the reminder runs; the request's age is set against it."""
    return timezone.now()


@pytest.fixture
def waiting(log, trainee, supervisor, now):
    """A request sent eight days before `now`."""
    entry = log(title="Chest drain teaching")
    request = portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    SignOffRequest.objects.filter(pk=request.pk).update(requested_at=now - timedelta(days=8))
    return request


def remind(now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return sign_off_notices.remind_waiting_supervisors(now=now)


def test_a_request_waiting_more_than_a_week_reminds_its_supervisor(
    waiting, supervisor, now, django_capture_on_commit_callbacks
):
    assert remind(now, django_capture_on_commit_callbacks) == 1

    [reminder] = reminders_to(supervisor)
    assert "has waited 8 days for your sign-off" in reminder.subject
    assert reminder.url == f"/entries/{waiting.entry_id}/"
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert "Chest drain teaching" in mail.outbox[0].body


def test_not_before_a_week(log, trainee, supervisor, now, django_capture_on_commit_callbacks):
    entry = log()
    request = portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    SignOffRequest.objects.filter(pk=request.pk).update(requested_at=now - timedelta(days=6))

    assert remind(now, django_capture_on_commit_callbacks) == 0
    assert reminders_to(supervisor) == []


def test_once_a_week_not_more(waiting, supervisor, now, django_capture_on_commit_callbacks):
    assert remind(now, django_capture_on_commit_callbacks) == 1
    # The same run again (a retry), the next day, and six days on: nothing more.
    for later in (now, now + timedelta(days=1), now + timedelta(days=6, hours=23)):
        assert remind(later, django_capture_on_commit_callbacks) == 0
    # A week on, still waiting: the second reminder.
    assert remind(now + timedelta(days=7), django_capture_on_commit_callbacks) == 1
    assert len(reminders_to(supervisor)) == 2


def test_a_decided_request_reminds_no_one(
    waiting, trainee, supervisor, now, django_capture_on_commit_callbacks
):
    portfolio.approve(entry=waiting.entry, actor=supervisor)

    assert remind(now, django_capture_on_commit_callbacks) == 0


def test_a_supervisor_who_no_longer_supervises_is_not_reminded(
    waiting, supervisor, now, django_capture_on_commit_callbacks
):
    from accounts.models import Supervision

    Supervision.objects.filter(supervisor=supervisor).update(
        start_date=timezone.localdate(now) - timedelta(days=30),
        end_date=timezone.localdate(now) - timedelta(days=1),
    )

    assert remind(now, django_capture_on_commit_callbacks) == 0


# --- Badges about to expire ----------------------------------------------------------------------


@pytest.fixture
def award(org_a, enrolled_trainee, now):
    badges_demo.create_badge_classes(org_a)
    badge_class = BadgeClass.objects.get(slug="journal-club-contributor")
    award = awarding.award_badge(badge_class=badge_class, recipient=enrolled_trainee)
    Notification.objects.all().delete()  # the "awarded" notice, which is not under test
    return award


def expires_in(award, now, **delta):
    Award.objects.filter(pk=award.pk).update(expires=now + timedelta(**delta))


def expiry_notices(trainee) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=trainee, kind=Kind.CREDENTIAL_EXPIRING).order_by("pk")
    )


def test_told_30_days_and_7_days_before_once_each(award, enrolled_trainee, now):
    expires_in(award, now, days=40)
    assert notices.notify_expiring_awards(now=now) == 0

    day_11 = now + timedelta(days=11)  # 29 days left
    assert notices.notify_expiring_awards(now=day_11) == 1
    assert notices.notify_expiring_awards(now=day_11 + timedelta(days=1)) == 0

    day_34 = now + timedelta(days=34)  # 6 days left
    assert notices.notify_expiring_awards(now=day_34) == 1
    assert notices.notify_expiring_awards(now=day_34 + timedelta(days=2)) == 0

    thirty, seven = expiry_notices(enrolled_trainee)
    assert "Journal club contributor" in thirty.subject and "expires on" in thirty.subject
    assert thirty.key.endswith(":30") and seven.key.endswith(":7")
    assert "in 6 days" in seven.body


def test_first_seen_within_a_week_gets_only_the_7_day_notice(award, enrolled_trainee, now):
    expires_in(award, now, days=3)

    assert notices.notify_expiring_awards(now=now) == 1
    [notice] = expiry_notices(enrolled_trainee)
    assert notice.key.endswith(":7")


def test_revoked_expired_and_lasting_awards_are_not_told(award, org_admin, now):
    expires_in(award, now, days=-1)
    assert notices.notify_expiring_awards(now=now) == 0
    Award.objects.filter(pk=award.pk).update(expires=None)
    assert notices.notify_expiring_awards(now=now) == 0
    expires_in(award, now, days=5)
    awarding.revoke_award(award=award, actor=org_admin, reason="Awarded in error.")
    Notification.objects.filter(kind=Kind.BADGE_REVOKED).delete()
    assert notices.notify_expiring_awards(now=now) == 0
