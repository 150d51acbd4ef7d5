"""The daily digest: a supervisor who chose it gets one email a day listing what waited for
it, never two, whatever retries or a second beat do; their list still shows each at once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notifications import delivery, selectors, services
from notifications.models import Delivery, Digest, Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def digest_reader(supervisor):
    services.set_preferences(actor=supervisor, user=supervisor, daily_digest=True)
    return supervisor


def test_a_digest_reader_is_listed_at_once_and_emailed_later(tell, digest_reader):
    told = tell(digest_reader, Kind.SIGN_OFF_REQUESTED, subject="Asha asks you to sign off")

    assert list(selectors.notifications_of(digest_reader)) == [told]
    assert mail.outbox == []
    assert told.email == Notification.Email.DIGEST


def test_one_email_lists_everything_that_waited(tell, digest_reader, trainee):
    first = tell(digest_reader, Kind.SIGN_OFF_REQUESTED, subject="Asha asks you", url="/entries/1/")
    tell(digest_reader, Kind.SIGN_OFF_REMINDER, subject="Ben has waited 8 days", url="/entries/2/")
    tell(trainee, subject="Not in anyone's digest")
    mail.outbox.clear()

    assert delivery.send_digests(now=timezone.now()) == 1

    [email] = mail.outbox
    assert email.to == [digest_reader.email]
    assert email.subject.startswith("Waymark: 2 notifications")
    assert email.body.index("Asha asks you") < email.body.index("Ben has waited 8 days")
    assert "http://127.0.0.1:8000/entries/1/" in email.body
    assert "/account/notifications/" in email.body
    first.refresh_from_db()
    assert first.email == Notification.Email.SENT and first.digest is not None


def test_never_twice_in_a_day(tell, digest_reader):
    tell(digest_reader, Kind.SIGN_OFF_REQUESTED, subject="Before the digest")
    now = timezone.now()
    assert delivery.send_digests(now=now) == 1

    # A retry, or a second beat, the same day: nothing more, even for something new.
    tell(digest_reader, Kind.SIGN_OFF_REQUESTED, subject="After the digest")
    assert delivery.send_digests(now=now + timedelta(minutes=5)) == 0
    assert (
        delivery.send_digest(recipient_id=digest_reader.pk, day=timezone.localdate(now), now=now)
        is False
    )
    assert len(mail.outbox) == 1

    # What came after goes in the next day's.
    assert delivery.send_digests(now=now + timedelta(days=1)) == 1
    assert "After the digest" in mail.outbox[-1].body
    assert Digest.objects.filter(recipient=digest_reader).count() == 2


def test_no_digest_without_anything_to_tell(digest_reader):
    assert delivery.send_digests(now=timezone.now()) == 0
    assert mail.outbox == []


def test_kinds_kept_in_waymark_only_stay_out_of_the_digest(tell, digest_reader):
    services.set_preferences(
        actor=digest_reader,
        user=digest_reader,
        deliveries={Kind.SIGN_OFF_REQUESTED: Delivery.IN_APP},
    )
    tell(digest_reader, Kind.SIGN_OFF_REQUESTED, subject="Listed only")

    assert delivery.send_digests(now=timezone.now()) == 0


def test_turning_the_digest_off_still_sends_what_waited_for_it(tell, digest_reader):
    tell(digest_reader, Kind.SIGN_OFF_REQUESTED, subject="Waited for the digest")
    services.set_preferences(actor=digest_reader, user=digest_reader, daily_digest=False)
    tell(digest_reader, Kind.SIGN_OFF_REQUESTED, subject="Emailed at once")

    assert [m.subject for m in mail.outbox] == ["Emailed at once"]
    assert delivery.send_digests(now=timezone.now()) == 1
    assert "Waited for the digest" in mail.outbox[-1].body


def test_the_digest_is_offered_to_supervisors_only(trainee, supervisor):
    with pytest.raises(ValidationError) as refused:
        services.set_preferences(actor=trainee, user=trainee, daily_digest=True)
    assert "daily_digest" in refused.value.message_dict
    assert not selectors.has_daily_digest(trainee)

    services.set_preferences(actor=supervisor, user=supervisor, daily_digest=True)
    assert selectors.has_daily_digest(supervisor)


def test_people_choose_only_their_own(trainee, supervisor):
    with pytest.raises(PermissionDenied):
        services.set_preferences(
            actor=supervisor, user=trainee, deliveries={Kind.EXPORT_READY: Delivery.EMAIL}
        )


def test_choices_are_checked_by_kind(trainee):
    with pytest.raises(ValidationError) as refused:
        services.set_preferences(
            actor=trainee,
            user=trainee,
            deliveries={Kind.EXPORT_READY: "pigeon", "lunch_is_ready": Delivery.EMAIL},
        )
    assert set(refused.value.message_dict) == {"export_ready", "lunch_is_ready"}


def test_choices_left_out_keep_what_they_were(trainee):
    services.set_preferences(
        actor=trainee, user=trainee, deliveries={Kind.EXPORT_READY: Delivery.EMAIL}
    )
    chosen = services.set_preferences(
        actor=trainee, user=trainee, deliveries={Kind.BADGE_AWARDED: Delivery.IN_APP}
    )

    assert chosen.deliveries[Kind.EXPORT_READY] == Delivery.EMAIL
    assert chosen.deliveries[Kind.BADGE_AWARDED] == Delivery.IN_APP
    assert chosen.deliveries[Kind.SIGN_OFF_RETURNED] == Delivery.BOTH
