"""Reads of notifications and preferences: each person sees only their own."""

from django.db.models import QuerySet

from accounts.models import Role
from accounts.selectors import roles_of
from core.access import get_or_404
from notifications.models import Delivery, DigestSubscription, Kind, Notification, Preference


def notifications_of(user) -> QuerySet[Notification]:
    """The user's notifications list, newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.shown_to(user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """How many of the list the user has not opened (one query)."""
    return notifications_of(user).unread().count()


def access_notification(user, notification_id) -> Notification:
    """One of the user's own notifications; anyone else's is a 404."""
    return get_or_404(notifications_of(user), "No such notification.", pk=notification_id)


def deliveries_of(user) -> dict[str, str]:
    """How the user wants each kind delivered, for every kind (one query)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.BOTH) for kind in Kind.values}


def delivery_for(user, kind: str) -> str:
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True)
    return chosen.first() or Delivery.BOTH


def has_daily_digest(user) -> bool:
    return DigestSubscription.objects.filter(user=user).exists()


def may_have_daily_digest(user, roles: set[str] | None = None) -> bool:
    """The digest is offered to supervisors, whom many trainees' requests reach. `roles`,
    when the caller has read them already (a page, for its navigation)."""
    return Role.SUPERVISOR in (roles if roles is not None else roles_of(user))


class Preferences:
    """What the preferences page and the API show: a delivery per kind and the digest."""

    def __init__(self, *, deliveries: dict[str, str], daily_digest: bool, digest_offered: bool):
        self.deliveries = deliveries
        self.daily_digest = daily_digest
        self.digest_offered = digest_offered


def preferences_of(user, roles: set[str] | None = None) -> Preferences:
    return Preferences(
        deliveries=deliveries_of(user),
        daily_digest=has_daily_digest(user),
        digest_offered=may_have_daily_digest(user, roles),
    )
