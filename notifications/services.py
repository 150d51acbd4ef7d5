"""Writes: telling someone of something (`notify`, the one way every app does it), marking
notifications read, and choosing how each kind is delivered."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.tasks import enqueue_after_commit
from notifications import selectors
from notifications.models import Delivery, DigestSubscription, Kind, Notification, Preference
from notifications.tasks import send_notification_email


def _email_for(recipient, delivery: str) -> str:
    if delivery == Delivery.IN_APP or not (recipient.is_active and recipient.email):
        return Notification.Email.NOT_WANTED
    if selectors.has_daily_digest(recipient):
        return Notification.Email.DIGEST
    return Notification.Email.PENDING


def _check_path(url: str) -> None:
    # Opening a notification redirects to its url: only ever to a page of this site.
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError(f"A notification's url is a path on this site, not {url!r}.")


def notify(
    *, recipient, kind: str, subject: str, body: str, url: str = "", key: str = ""
) -> Notification:
    """Tell `recipient` of something, the way they chose for this kind: in their
    notifications list, by email, or both; their email waits for the daily digest if they
    chose one. `body` is the email's plain text; `url` the path of the page it is about.

    Recorded in the caller's transaction, so that it happens exactly when the change it
    tells of commits; the email goes from a worker after the commit, and a sweep sends any
    that a broker outage held back. With a `key` naming the occasion, telling it again
    returns the first notification instead: safe under retries."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    _check_path(url)
    # One write, so no block of its own around the reads: the insert's savepoint is what a
    # lost race rolls back to.
    if key and (told := Notification.objects.filter(recipient=recipient, key=key).first()):
        return told
    delivery = selectors.delivery_for(recipient, kind)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                subject=subject[:300],
                body=body,
                url=url,
                key=key,
                in_app=delivery != Delivery.EMAIL,
                email=_email_for(recipient, delivery),
            )
    except IntegrityError:
        # Told a moment ago by another worker; theirs is the notification.
        return Notification.objects.get(recipient=recipient, key=key)
    if notification.email == Notification.Email.PENDING:
        enqueue_after_commit(send_notification_email, notification.pk)
    return notification


def mark_read(*, notification: Notification, actor) -> Notification:
    if actor.pk != notification.recipient_id:
        raise PermissionDenied("Only its recipient marks a notification read.")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor's list read; returns how many."""
    return Notification.objects.shown_to(actor).unread().update(read_at=timezone.now())


@transaction.atomic
def set_preferences(
    *, actor, user, deliveries: dict[str, str] | None = None, daily_digest: bool | None = None
) -> selectors.Preferences:
    """Choose how each kind reaches `user` (kinds left out keep their choice), and whether
    their emails wait for a daily digest. Only the person themselves chooses; the digest is
    offered to supervisors."""
    if actor.pk != user.pk:
        raise PermissionDenied("People choose their own notifications.")
    deliveries = deliveries or {}
    errors = {
        kind: f"Choose one of: {', '.join(Delivery.values)}."
        for kind, delivery in deliveries.items()
        if delivery not in Delivery.values
    }
    errors.update(
        {
            kind: "There is no such kind of notification."
            for kind in deliveries
            if kind not in Kind.values
        }
    )
    subscribed = selectors.has_daily_digest(user)
    if daily_digest and not subscribed and not selectors.may_have_daily_digest(user):
        errors["daily_digest"] = "The daily digest is offered to supervisors."
    if errors:
        raise ValidationError(errors)
    Preference.objects.bulk_create(
        [Preference(user=user, kind=kind, delivery=d) for kind, d in deliveries.items()],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery"],
    )
    if daily_digest and not subscribed:
        DigestSubscription.objects.get_or_create(user=user)
    elif daily_digest is False and subscribed:
        # Emails already waiting still go in the next digest: nothing told is lost.
        DigestSubscription.objects.filter(user=user).delete()
    return selectors.preferences_of(user)
