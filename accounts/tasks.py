from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from accounts import selectors, services

# An invitation younger than this may still be on its way through the broker.
UNSENT_GRACE = timedelta(minutes=2)


@shared_task
def send_invitation(invitation_id: int) -> bool:
    return services.send_invitation_email(invitation_id=invitation_id)


@shared_task
def send_pending_invitations() -> int:
    """Send invitations whose email never went out (the broker was down when they were made)."""
    stale = selectors.invitations_left_unsent(timezone.now() - UNSENT_GRACE)
    return sum(
        services.send_invitation_email(invitation_id=pk)
        for pk in stale.values_list("pk", flat=True)
    )
