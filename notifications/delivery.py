"""Emails: each notification's own, sent by a worker after the commit that recorded it, and
the daily digest for those who chose one. Each notification records that its email went, and
each digest is one row per person per day, so a task run twice sends once."""

from datetime import date, datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.site import absolute_url
from notifications.models import Digest, Notification

# A notification younger than this may still be on its way through the broker.
UNSENT_GRACE = timedelta(minutes=2)


@transaction.atomic
def send_email(*, notification_id: int) -> bool:
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .filter(pk=notification_id, email=Notification.Email.PENDING)
        .first()
    )
    if notification is None:
        return False
    recipient = notification.recipient
    if not (recipient.is_active and recipient.email):
        # Can no longer sign in: kept in the list, not emailed.
        notification.email = Notification.Email.NOT_WANTED
        notification.save(update_fields=["email"])
        return False
    send_mail(
        subject=notification.subject,
        message=notification.body,
        from_email=None,
        recipient_list=[recipient.email],
    )
    notification.email = Notification.Email.SENT
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["email", "emailed_at"])
    return True


def send_pending(*, now: datetime | None = None) -> int:
    """Send every email held back for longer than the grace period."""
    cutoff = (now or timezone.now()) - UNSENT_GRACE
    waiting = Notification.objects.filter(
        email=Notification.Email.PENDING, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    return sum(send_email(notification_id=pk) for pk in waiting)


@transaction.atomic
def send_digest(*, recipient_id: int, day: date, now: datetime) -> bool:
    """The recipient's digest for `day`: every email waiting for it, in one message, once.
    The day's row is locked while it is sent; a second run (a retry, a second beat) finds it
    sent and sends nothing."""
    digest, _ = Digest.objects.get_or_create(recipient_id=recipient_id, day=day)
    digest = Digest.objects.select_for_update().select_related("recipient").get(pk=digest.pk)
    if digest.sent_at is not None:
        return False
    waiting = list(
        Notification.objects.select_for_update()
        .filter(recipient_id=recipient_id, email=Notification.Email.DIGEST, created_at__lte=now)
        .order_by("created_at", "pk")
    )
    recipient = digest.recipient
    if not waiting or not (recipient.is_active and recipient.email):
        return False
    count = len(waiting)
    send_mail(
        subject=f"Waymark: {count} notification{'s' if count != 1 else ''} for {day.day} {day:%B}",
        message=render_to_string(
            "notifications/email/digest.txt",
            {
                "recipient": recipient,
                "notifications": [
                    (item, absolute_url(item.url) if item.url else "") for item in waiting
                ],
                "preferences_url": absolute_url(reverse("notifications:preferences")),
            },
        ),
        from_email=None,
        recipient_list=[recipient.email],
    )
    Notification.objects.filter(pk__in=[item.pk for item in waiting]).update(
        email=Notification.Email.SENT, emailed_at=now, digest=digest
    )
    digest.sent_at = now
    digest.save(update_fields=["sent_at"])
    return True


def send_digests(*, now: datetime | None = None) -> int:
    """Today's digest for everyone with emails waiting for one. Those who turned the digest
    off since are included: what waited for it is still told."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    sent_today = Digest.objects.filter(day=day, sent_at__isnull=False)
    recipients = (
        Notification.objects.filter(email=Notification.Email.DIGEST, created_at__lte=now)
        .exclude(Exists(sent_today.filter(recipient=OuterRef("recipient"))))
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    return sum(send_digest(recipient_id=pk, day=day, now=now) for pk in list(recipients))
