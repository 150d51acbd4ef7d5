"""The "your export is ready" email. Each export records when it went out, so a task run
twice sends once and a sweep sends what a broker outage held back."""

from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.site import absolute_url
from exports.models import Export

# A notification younger than this may still be on its way through the broker.
UNSENT_GRACE = timedelta(minutes=2)


@transaction.atomic
def send_export_ready(*, export_id: int) -> bool:
    export = (
        Export.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(pk=export_id, status=Export.Status.DONE, notified_at__isnull=True)
        .first()
    )
    if export is None:
        return False
    send_mail(
        subject=f"Your Waymark {export.get_format_display()} is ready",
        message=render_to_string(
            "exports/email/export_ready.txt",
            {"export": export, "url": absolute_url(reverse("exports:export_page"))},
        ),
        from_email=None,
        recipient_list=[export.owner.email],
    )
    export.notified_at = timezone.now()
    export.save(update_fields=["notified_at"])
    return True


def send_pending() -> int:
    """Send every "ready" email held back for longer than the grace period."""
    waiting = Export.objects.filter(
        status=Export.Status.DONE,
        notified_at__isnull=True,
        finished_at__lt=timezone.now() - UNSENT_GRACE,
    ).values_list("pk", flat=True)
    return sum(send_export_ready(export_id=pk) for pk in waiting)
