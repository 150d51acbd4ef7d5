"""notify(): one write path that keeps a notice in the recipient's list, emails it, or both,
as they chose for its kind; each occasion told once; emails that an outage held back swept."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import delivery, selectors, services
from notifications.models import Delivery, Kind, Notification, Preference
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_by_default_a_notice_is_both_listed_and_emailed(tell, trainee):
    told = tell(trainee, subject="Your PDF portfolio is ready", url="/exports/")

    assert list(selectors.notifications_of(trainee)) == [told]
    assert told.is_unread and told.in_app
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([trainee.email], "Your PDF portfolio is ready")
    ]
    told.refresh_from_db()
    assert told.email == Notification.Email.SENT and told.emailed_at is not None


def test_email_only_is_kept_out_of_the_list(tell, trainee):
    Preference.objects.create(user=trainee, kind=Kind.EXPORT_READY, delivery=Delivery.EMAIL)

    tell(trainee)

    assert list(selectors.notifications_of(trainee)) == []
    assert len(mail.outbox) == 1


def test_in_waymark_only_sends_no_email(tell, trainee):
    Preference.objects.create(user=trainee, kind=Kind.EXPORT_READY, delivery=Delivery.IN_APP)

    told = tell(trainee)

    assert list(selectors.notifications_of(trainee)) == [told]
    assert mail.outbox == []
    assert told.email == Notification.Email.NOT_WANTED


def test_a_preference_for_one_kind_leaves_the_others_as_they_were(tell, trainee):
    Preference.objects.create(user=trainee, kind=Kind.EXPORT_READY, delivery=Delivery.IN_APP)

    tell(trainee, Kind.BADGE_AWARDED, subject="You have earned a badge")

    assert len(mail.outbox) == 1


def test_someone_who_cannot_sign_in_is_not_emailed(tell, trainee):
    trainee.is_active = False
    trainee.save()

    tell(trainee)

    assert mail.outbox == []


def test_one_occasion_is_told_once(tell, trainee):
    first = tell(trainee, key="export-ready:1")
    again = tell(trainee, key="export-ready:1")

    assert again == first
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_database_allows_one_notice_per_occasion(trainee):
    notify(recipient=trainee, kind=Kind.EXPORT_READY, subject="Ready", body="", key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=trainee, kind=Kind.EXPORT_READY, key="k")


def test_the_same_occasion_may_be_told_to_two_people(tell, trainee, other_trainee):
    tell(trainee, key="shared")
    tell(other_trainee, key="shared")

    assert Notification.objects.count() == 2


def test_a_notice_links_only_to_a_page_of_this_site(trainee):
    for address in ("https://elsewhere.example/", "//elsewhere.example/", "/\\elsewhere.example"):
        with pytest.raises(ValueError, match="path on this site"):
            notify(recipient=trainee, kind=Kind.EXPORT_READY, subject="x", body="", url=address)


def test_an_unknown_kind_is_refused(trainee):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify(recipient=trainee, kind="lunch_is_ready", subject="x", body="")


def test_nothing_is_told_if_the_change_it_tells_of_rolls_back(trainee, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipient=trainee, kind=Kind.EXPORT_READY, subject="Ready", body="")
        raise RuntimeError("the export failed after all")

    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_someone_who_can_no_longer_sign_in_when_it_is_sent_is_not_emailed(trainee):
    told = notify(recipient=trainee, kind=Kind.EXPORT_READY, subject="Ready", body="Ready.")
    trainee.is_active = False
    trainee.save()

    assert delivery.send_email(notification_id=told.pk) is False
    assert mail.outbox == []
    told.refresh_from_db()
    assert told.email == Notification.Email.NOT_WANTED and told.in_app


def test_an_email_task_run_twice_sends_once(trainee):
    # No on-commit callbacks run here: as if the broker had not delivered the task yet.
    told = notify(recipient=trainee, kind=Kind.EXPORT_READY, subject="Ready", body="Ready.")

    assert delivery.send_email(notification_id=told.pk) is True
    assert delivery.send_email(notification_id=told.pk) is False
    assert len(mail.outbox) == 1


def test_the_sweep_sends_what_an_outage_held_back_once(trainee):
    now = timezone.now()
    told = notify(recipient=trainee, kind=Kind.EXPORT_READY, subject="Ready", body="Ready.")

    # Younger than the grace period: its own task may still be on the way.
    assert delivery.send_pending(now=now) == 0
    later = now + delivery.UNSENT_GRACE + timedelta(seconds=1)
    assert delivery.send_pending(now=later) == 1
    assert delivery.send_pending(now=later) == 0
    assert [m.to for m in mail.outbox] == [[trainee.email]]
    told.refresh_from_db()
    assert told.email == Notification.Email.SENT


def test_marking_read_is_the_recipients_alone(tell, trainee, other_trainee):
    told = tell(trainee)

    with pytest.raises(PermissionDenied):
        services.mark_read(notification=told, actor=other_trainee)
    assert services.mark_read(notification=told, actor=trainee).read_at is not None


def test_marking_all_read_counts_only_the_actors_unread(tell, trainee, other_trainee):
    for _ in range(3):
        tell(trainee)
    theirs = tell(other_trainee)
    services.mark_read(notification=selectors.notifications_of(trainee).first(), actor=trainee)

    assert services.mark_all_read(actor=trainee) == 2
    assert selectors.unread_count(trainee) == 0
    assert selectors.unread_count(other_trainee) == 1
    theirs.refresh_from_db()
    assert theirs.is_unread
