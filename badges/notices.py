"""Telling trainees about their badges: an award issued or revoked (a receiver of badges'
own award_event, in the transaction that made the change), and an award about to expire
(30 days and 7 days before, once each)."""

from datetime import datetime, timedelta

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from badges.models import Award
from core.site import absolute_url
from notifications.models import Kind, Notification
from notifications.services import notify

# How long before an award expires its trainee is told; the nearest that has come is told.
EXPIRY_NOTICES = (timedelta(days=7), timedelta(days=30))


def _notify(award: Award, *, kind: str, subject: str, template: str, key: str, **extra):
    path = reverse("badges:my_badges")
    context = {"award": award, "url": absolute_url(path), **extra}
    notify(
        recipient=award.recipient,
        kind=kind,
        subject=subject,
        body=render_to_string(f"badges/email/{template}.txt", context),
        url=path,
        key=key,
    )


def on_award_event(sender, award: Award, event: str, **kwargs) -> None:
    if event == "issued":
        _notify(
            award,
            kind=Kind.BADGE_AWARDED,
            subject=f"You have earned the badge “{award.badge_class}”",
            template="awarded",
            key=f"badge-awarded:{award.pk}",
        )
    elif event == "revoked":
        _notify(
            award,
            kind=Kind.BADGE_REVOKED,
            subject=f"Your badge “{award.badge_class}” has been revoked",
            template="revoked",
            key=f"badge-revoked:{award.pk}",
        )


def expiry_key(award_id: int, notice: timedelta) -> str:
    """The key of the notice, `notice` ahead, that an award expires: what records that it
    was sent (and lets the passport's notices see that it was)."""
    return f"badge-expiring:{award_id}:{notice.days}"


def notify_expiring_awards(*, now: datetime | None = None) -> int:
    """Tell trainees of standing awards that expire within 30 days, and again within 7; each
    notice once (its key records that it was sent), so beat may run this as often as it
    likes. An award first seen within 7 days gets the 7-day notice alone."""
    now = now or timezone.now()
    expiring = list(
        Award.objects.standing()
        .filter(expires__gt=now, expires__lte=now + max(EXPIRY_NOTICES))
        .select_related("badge_class", "recipient")
        .order_by("expires", "pk")
    )
    due = [
        (award, min(n for n in EXPIRY_NOTICES if award.expires - now <= n)) for award in expiring
    ]
    told = set(
        Notification.objects.filter(
            key__in=[expiry_key(award.pk, notice) for award, notice in due]
        ).values_list("key", flat=True)
    )
    sent = 0
    for award, notice in due:
        key = expiry_key(award.pk, notice)
        if key in told:
            continue
        ends = timezone.localtime(award.expires)
        _notify(
            award,
            kind=Kind.CREDENTIAL_EXPIRING,
            subject=f"Your badge “{award.badge_class}” expires on {ends.day} {ends:%B %Y}",
            template="expiring",
            key=key,
            days=(award.expires - now).days,
        )
        sent += 1
    return sent
